"""What ``fit`` checks before its first update, so a bad run fails before it changes the model.

* every argument has the type it needs (the message names the argument);
* the optimizer updates only this model's parameters (an optimizer built
  for another model would train nothing here, silently);
* the loss accepts every distinct target and returns a Value, and the
  accuracy rule accepts every distinct target: both are run once per
  distinct target on the output for the first example, without recording a
  graph, so a bad label in the last mini-batch is reported before the first.

>>> from nn import MLP, SGD, hinge
>>> model = MLP(2, [3, 1], seed=0)
>>> check_targets(model, hinge, None, [[0.5, 0.5]], [0], "fit")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
ValueError: fit(): the target y[0] = 0 does not suit the loss hinge: ... must be -1 or +1, ...
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from autograd_lite import Value, no_grad

from . import losses
from .optim import Optimizer


def positive_int(n: Any, what: str, where: str = "fit") -> int:
    """``n`` if it is an int >= 1: TypeError for another type, ValueError below 1.

    >>> positive_int(3, "epochs")
    3
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"{where}(): {what} must be a positive int, got {type(n).__name__} {n!r}")
    if n < 1:
        raise ValueError(f"{where}(): {what} must be a positive int, got {n!r}")
    return int(n)


def finite_at_least_0(x: Any, what: str, where: str = "fit") -> float:
    """``x`` as a float if it is a finite number >= 0.

    >>> finite_at_least_0(1e-4, "l2")
    0.0001
    """
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{where}(): {what} must be a number, got {type(x).__name__}")
    if not (math.isfinite(x) and x >= 0.0):
        raise ValueError(f"{where}(): {what} must be a finite number >= 0, got {x!r}")
    return float(x)


def flag(x: Any, what: str, allow_none: bool = False, where: str = "fit") -> bool | None:
    """``x`` if it is True or False (or None, when ``allow_none``).

    >>> flag(None, "progress", allow_none=True) is None
    True
    """
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if x is None and allow_none:
        return None
    choices = "True, False or None" if allow_none else "True or False"
    raise TypeError(f"{where}(): {what} must be {choices}, got {type(x).__name__} {x!r}")


def function_or_none(f: Any, what: str, signature: str, where: str = "fit") -> Any:
    """``f`` if it is callable or None.

    >>> function_or_none(None, "callback", "callback(epoch, history)") is None
    True
    """
    if f is not None and not callable(f):
        raise TypeError(
            f"{where}(): {what} must be a function {signature} or None, got {type(f).__name__}"
        )
    return f


def check_optimizer(optimizer: Any, params: list[Value]) -> Optimizer:
    """``optimizer`` if it is an nn optimizer whose parameters all belong to the model.

    An optimizer over part of the model (some layers frozen) is fine.
    """
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            "fit(): optimizer must be an nn optimizer such as SGD(model, lr=0.1) or None, "
            f"got {type(optimizer).__name__}"
        )
    mine = {id(p) for p in params}
    foreign = [i for i, p in enumerate(optimizer.params) if id(p) not in mine]
    if foreign:
        raise ValueError(
            f"fit(): {len(foreign)} of the optimizer's {len(optimizer.params)} parameters are "
            f"not this model's (the first is params[{foreign[0]}]): it was built for another "
            f"model, and would train nothing here; build it from this one, as in "
            f"{type(optimizer).__name__}(model, ...)"
        )
    return optimizer


def check_targets(
    model: Callable[[Any], Any],
    loss: Callable[[Any, Any], Any],
    correct: Callable[[Any, Any], Any] | None,
    X: Sequence[Any],
    y: Sequence[Any],
    where: str,
) -> None:
    """Run ``loss`` and ``correct`` once per distinct target in ``y`` on ``model(X[0])``.

    Raises (naming the first row with that target) whatever they raise, as
    a TypeError or ValueError, and TypeError when the loss returns anything
    but a Value.
    """
    with no_grad():
        out = model(X[0])
        seen: set[Any] = set()
        for i, target in enumerate(y):
            key = _target_key(target)
            if key in seen:
                continue
            seen.add(key)
            _try_loss(loss, out, target, i, where)
            if correct is not None:
                _try_rule(correct, out, target, i, where)


def _try_loss(loss: Callable, out: Any, target: Any, i: int, where: str) -> None:
    try:
        value = losses.per_sample(loss)(out, target)
    except (TypeError, ValueError, ArithmeticError, LookupError) as e:
        raise _refusal(
            e,
            f"the target y[{i}] = {_shown(target)} does not suit the loss {_name(loss)}: {e}",
            where,
        ) from None
    if not isinstance(value, Value):
        raise TypeError(
            f"{where}(): loss must return a Value (the loss of one example, built from the "
            f"model's output), but {_name(loss)}(output, y[{i}]) returned "
            f"{type(value).__name__}; no parameter was changed"
        )


def _try_rule(correct: Callable, out: Any, target: Any, i: int, where: str) -> None:
    try:
        correct(out, target)
    except (TypeError, ValueError, ArithmeticError, LookupError) as e:
        raise _refusal(
            e,
            f"the accuracy rule {_name(correct)} fails on the target "
            f"y[{i}] = {_shown(target)}: {e}",
            where,
        ) from None


def _refusal(error: Exception, message: str, where: str) -> Exception:
    kind = TypeError if isinstance(error, TypeError) else ValueError
    return kind(f"{where}(): {message}; no parameter was changed")


def _target_key(target: Any) -> Any:
    """A hashable stand-in for a target: the number, or the tuple of a target row."""
    if isinstance(target, np.ndarray):
        return ("row", tuple(target.ravel().tolist()))
    if isinstance(target, np.generic):
        target = target.item()
    try:
        hash(target)
    except TypeError:
        return ("repr", repr(target))
    return target


def _name(f: Any) -> str:
    return getattr(f, "__name__", None) or type(f).__name__


def _shown(target: Any) -> str:
    if isinstance(target, np.generic):
        target = target.item()
    if isinstance(target, np.ndarray):
        target = target.tolist()
    text = repr(target)
    return text if len(text) <= 40 else text[:37] + "..."
