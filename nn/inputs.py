"""What a model accepts as one input: Values, numbers, lists or numpy rows.

``as_inputs`` turns any of them into a list of Values, checking the length
once at the model's door so the layers inside need not. Numbers become
constant leaves labelled ``x[0]``, ``x[1]``, ...; Values pass through
untouched, so gradients with respect to them work.

>>> [v.label for v in as_inputs([0.5, -1.0], 2, "MLP(2, [1])")]
['x[0]', 'x[1]']
"""

from __future__ import annotations

import math
import numbers
from typing import Any

from autograd_lite import Value

Input = Any  # a Value, a number, or a list / tuple / 1-D numpy array of them


def as_inputs(x: Input, n: int, model: str) -> list[Value]:
    """``x`` as a list of ``n`` Values; ``model`` names the caller in errors.

    >>> as_inputs([1.0, 2.0, 3.0], 2, "MLP(2, [1])")
    Traceback (most recent call last):
    ...
    ValueError: MLP(2, [1]) expects 2 inputs, got 3
    """
    if isinstance(x, Value) or _is_number(x):
        items = [x]
    elif isinstance(x, (list, tuple)):
        items = x
    elif hasattr(x, "ndim") and hasattr(x, "shape"):  # a numpy array
        if x.ndim > 1:
            raise ValueError(
                f"{model} takes one example at a time (a 1-D row), got an array of shape "
                f"{tuple(x.shape)}; call it on each row: [model(x) for x in X]"
            )
        items = list(x.reshape(-1))
    else:
        raise TypeError(
            f"{model} takes a Value, a number, or a list or numpy row of them, "
            f"got {type(x).__name__}"
        )
    if len(items) != n:
        raise ValueError(f"{model} expects {n} input{'s' if n != 1 else ''}, got {len(items)}")
    out = []
    for i, item in enumerate(items):
        if isinstance(item, Value):
            out.append(item)
        elif _is_number(item):
            v = float(item)
            if not math.isfinite(v):
                raise ValueError(f"{model}: input x[{i}] is {v!r}, not a finite number")
            out.append(Value(v, label=f"x[{i}]"))
        else:
            raise TypeError(
                f"{model}: input x[{i}] is {type(item).__name__}, expected a number or a Value"
            )
    return out


def _is_number(x: Any) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool)
