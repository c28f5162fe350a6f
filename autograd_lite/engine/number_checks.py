"""Numbers going into and coming out of an op: refused with the op and its inputs named.

An op's inputs must be finite numbers, and finite inputs inside its domain
must give a finite output and finite local derivatives; a custom rule must
return numbers. Each check here says, when it fails, which op, which
operands (by label and value) and what was wrong. ``value.py`` and the
methods compiled from the rules (``value_methods.py``) call them.

>>> finite_number(3)
3.0
>>> shown(list(range(30)))
'[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11...'
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

from ..errors import describe, overflow_error
from . import ops
from .op_record import Op


def all_finite(numbers: Any) -> bool:
    for x in numbers:
        if x - x != 0.0:
            return False
    return True


def refuse_overflow(op: Op, operands: Sequence[Any], out: float, local: Sequence) -> None:
    """Raise when finite inputs gave an infinite or nan result or local derivative.

    Infinity is an OverflowError; nan (not a number: the op is undefined
    there) a ValueError. A nan or inf that came in (through ``.data``)
    flows on, as in numpy.
    """
    if not all_finite(v.data for v in operands):
        return
    shown = " and ".join(describe(v) for v in operands)
    hint = "" if op.builtin else "; give custom_op a domain= that says where it is defined"
    if out != out:
        raise ValueError(f"{op.name}: the result is nan (not a number) for {shown}{hint}")
    if out - out != 0.0:
        raise overflow(op, tuple(operands))
    bad = next(d for d in local if d - d != 0.0)
    kind = ValueError if bad != bad else OverflowError
    raise kind(
        f"{op.name}: the result is finite but its local derivative is {bad!r} for {shown}; "
        f"a gradient through it would be nan or inf{hint if bad != bad else ''}"
    )


def rule_error(op: Op, operands: Sequence[Any], error: Exception) -> Exception:
    """A custom rule's own ValueError or ArithmeticError, with the op and its inputs named."""
    shown = " and ".join(describe(v) for v in operands)
    message = f"{op.name}: its rule raised {type(error).__name__}: {error}, for {shown}"
    try:
        return type(error)(message)
    except TypeError:  # an exception class that takes other arguments
        return ValueError(message)


def overflow(op: Op, operands: tuple[Any, ...]) -> OverflowError:
    if len(operands) == 2:
        return overflow_error(op.name, operands[0], f"with {_describe_other(op, operands[1])}")
    return overflow_error(op.name, operands[0])


def _describe_other(op: Op, other: Any) -> str:
    what = "exponent" if op is ops.POW else "the other operand"
    return f"{what} {other.data!r}"


def checked_result(op: Op, result: Any, size: int) -> tuple:
    """A custom rule's result on floats, as floats; a TypeError naming the op if it is malformed."""
    if not isinstance(result, (tuple, list)) or len(result) != size:
        got = f"{len(result)} values" if isinstance(result, (tuple, list)) else shown(result)
        raise TypeError(
            f"custom op {op.name!r}: its rule must return (output, "
            f"{', '.join(_derivative_names(size - 1))}), {size} numbers, but returned {got}"
        )
    out = []
    for k, x in enumerate(result):
        if isinstance(x, bool) or not isinstance(x, numbers.Real):
            what = "the output" if k == 0 else f"derivative {_derivative_names(size - 1)[k - 1]}"
            raise TypeError(
                f"custom op {op.name!r}: its rule returned {shown(x)} "
                f"({type(x).__name__}) as {what}; a rule on floats must return numbers"
            )
        out.append(float(x))
    return tuple(out)


def _derivative_names(arity: int) -> list[str]:
    return ["d/dx"] if arity == 1 else ["d/dx", "d/dy"]


def finite_number(x: Any) -> float:
    """A number mixed into arithmetic, as a finite float (the rules of ``Value()``)."""
    try:
        number = float(x)
    except OverflowError:
        raise OverflowError(f"the int {shown(x)} is too large for a float") from None
    if number - number != 0.0:
        raise ValueError(
            f"Value arithmetic takes finite numbers, got {number!r}; every gradient through "
            "it would be nan or inf"
        )
    return number


# Built-in types that are never numbers: refuse them here, because Python's
# fallback for ``v * "a"`` (sequence repetition) gives a message naming
# neither operand's real problem. Other types get NotImplemented, so they can
# still define the reflected operation themselves.
NOT_NUMBERS = (str, bytes, list, tuple, dict, set, type(None))


def number_operand(x: Any, symbol: str, reflected: bool) -> Any:
    """A plain number mixed into arithmetic, as a finite float; NotImplemented for types
    that may define the operation themselves; a TypeError for ones that never do."""
    if isinstance(x, numbers.Real):
        return finite_number(x)
    if isinstance(x, NOT_NUMBERS):
        pair = f"{type(x).__name__} and Value" if reflected else f"Value and {type(x).__name__}"
        raise TypeError(
            f"unsupported operands for {symbol}: {pair} ({shown(x)}); "
            "Value arithmetic takes Values, ints and floats"
        )
    return NotImplemented


def shown(x: Any) -> str:
    text = repr(x)
    return text if len(text) <= 40 else text[:37] + "..."


__all__ = [
    "NOT_NUMBERS", "all_finite", "checked_result", "finite_number", "number_operand",
    "overflow", "refuse_overflow", "rule_error", "shown",
]  # fmt: skip
