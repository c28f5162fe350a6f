"""``custom_op``: a user's operation from one rule, usable everywhere a built-in one is.

The rule has the shape of the built-in ones (``ops.py``): ``rule(m, x)`` or
``rule(m, x, y)`` returns the output and the local derivative for each
input, written with plain arithmetic and the functions of the math backend
``m`` (``m.exp``, ``m.log``, ``m.tanh``, ``m.abs``, ``m.sigmoid``, ...). The
decorator registers an op record (``op_record.Op``), so with no other
change the op works on Values, in ``parse()`` by its name, in drawings and
the stepper's narration, in ``backward(create_graph=True)``, ``hessian`` and
``compile_batched``, and ``gradcheck`` can verify it.

>>> from autograd_lite import Value, custom_op
>>> @custom_op("softsign")
... def softsign(m, x):
...     d = 1 + m.abs(x)
...     return x / d, 1 / (d * d)
>>> y = softsign(Value(0.5, label="x"))
>>> y.op, round(y.data, 6), round(y.local_grads[0], 6)
('softsign', 0.333333, 0.444444)

The registry is per process. Defining a name again replaces the earlier
definition (re-running a notebook cell is fine); the Values made before
keep the rule they were made with.
"""

from __future__ import annotations

import keyword
from collections.abc import Callable
from typing import Any

from . import ops
from .float_math import BACKEND_FUNCTIONS, FLOAT
from .op_record import Check, Op, arity_of
from .value import Value, _coerce, apply, checked_result

Rule = Callable[..., tuple]

# Points where a new rule is tried on floats, to catch a malformed rule when
# it is defined; a point outside the rule's domain is skipped.
_PROBES = {1: [(0.5,), (1.5,), (-0.5,), (2.0,)], 2: [(0.5, 1.5), (1.5, 0.5), (-0.5, 2.0)]}


class CustomOp:
    """A user's op: call it on Values (or numbers) to get a Value; ``record`` is its Op."""

    def __init__(self, record: Op) -> None:
        self.record = record
        self.__name__ = record.name
        self.__doc__ = record.rule.__doc__

    def __call__(self, *inputs: Any) -> Value:
        op = self.record
        if len(inputs) != op.arity:
            wanted = "one input" if op.arity == 1 else "two inputs"
            raise TypeError(f"{op.name}() takes {wanted}, got {len(inputs)}")
        operands = []
        for k, x in enumerate(inputs):
            v = None if isinstance(x, bool) else _coerce(x)
            if v is None:
                raise TypeError(
                    f"{op.name}(): input {k} is {type(x).__name__}, not a Value or a number"
                )
            operands.append(v)
        return apply(op, *operands)

    def __repr__(self) -> str:
        inputs = "1 input" if self.record.arity == 1 else "2 inputs"
        return f"<custom op {self.record.name!r} ({inputs})>"


def custom_op(
    name: str,
    *,
    domain: Callable[..., Any] | None = None,
    needs: str | None = None,
) -> Callable[[Rule], CustomOp]:
    """Declare the function below as the rule of a new op called ``name``.

    ``domain``: optional, a function of the inputs that is True where the op
    is defined (``lambda x: x > 0``); combine conditions with ``&`` and
    ``|``, so it also works on numpy arrays in ``compile_batched``. Outside
    it the op raises ValueError naming the op, the input's label and value,
    and ``needs`` (the condition in words; default "inputs in its domain").

    >>> @custom_op("safe_log", domain=lambda x: x > 0, needs="x > 0")
    ... def safe_log(m, x):
    ...     return m.log(x), 1 / x
    >>> safe_log(Value(0.0, label="p"))
    Traceback (most recent call last):
    ...
    ValueError: safe_log: needs x > 0, but got Value 'p' (data=0.0)
    """
    _check_name(name)
    if domain is not None and not callable(domain):
        raise TypeError(
            f"custom op {name!r}: domain must be a function, got {type(domain).__name__}"
        )

    def define(rule: Rule) -> CustomOp:
        if not callable(rule):
            raise TypeError(
                f"custom op {name!r}: decorate a rule function, got {type(rule).__name__}"
            )
        arity = arity_of(rule, f"custom op {name!r}")
        checks = () if domain is None else (_domain_check(domain, needs, arity),)
        record = Op(name=name, arity=arity, rule=rule, domain=checks, builtin=False)
        _try_on_floats(record)
        ops.REGISTRY[name] = record
        return CustomOp(record)

    return define


def _check_name(name: Any) -> None:
    if not isinstance(name, str):
        raise TypeError(f"custom_op() takes the op's name as a str, got {type(name).__name__}")
    if not name.isidentifier() or keyword.iskeyword(name):
        raise ValueError(
            f"custom op name {name!r} is not an identifier; use a name like 'softsign' "
            "(it is called by that name in expressions)"
        )
    if name in ops.BUILTIN_NAMES:
        raise ValueError(
            f"custom op name {name!r} is a built-in op; pick another name, such as 'my_{name}'"
        )


def _domain_check(domain: Callable[..., Any], needs: str | None, arity: int) -> Check:
    def bad(*inputs: Any) -> Any:
        ok = domain(*inputs)
        if getattr(ok, "ndim", 0):
            return ~ok.astype(bool)
        return not ok

    return Check(bad, needs or "inputs in its domain", ValueError, 0 if arity == 1 else None)


def _try_on_floats(op: Op) -> None:
    """Run the rule at a few float points; a malformed rule is a TypeError naming the op."""
    for point in _PROBES[op.arity]:
        try:
            if op.first_failure(*point) is not None:
                continue
            result = op.rule(FLOAT, *point)
        except (ArithmeticError, ValueError):
            continue  # outside the rule's domain: this point tells nothing
        except AttributeError as e:
            raise TypeError(_missing_function(op, e)) from None
        except Exception as e:
            at = ", ".join(f"{x:g}" for x in point)
            raise TypeError(
                f"custom op {op.name!r}: its rule fails on floats at ({at}): "
                f"{type(e).__name__}: {e}"
            ) from e
        checked_result(op, result, op.arity + 1)
        return


def _missing_function(op: Op, error: AttributeError) -> str:
    missing = getattr(error, "name", None) or str(error)
    offered = ", ".join(f"m.{f}" for f in BACKEND_FUNCTIONS)
    return (
        f"custom op {op.name!r}: its rule uses {missing!r}, which the math backend m "
        f"does not have; m offers {offered}, and + - * / ** work on everything"
    )


__all__ = ["CustomOp", "custom_op"]
