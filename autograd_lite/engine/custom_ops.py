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
import unicodedata
from collections.abc import Callable
from typing import Any

from . import backprop, ops
from .float_math import BACKEND_FUNCTIONS, FLOAT
from .number_checks import checked_result
from .op_record import Check, Op, arity_of
from .value import VALUE, Value, _coerce, apply

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
    name = _check_name(name)
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
        _check_derivatives_on_values(record)
        ops.REGISTRY[name] = record
        return CustomOp(record)

    return define


def _check_name(given: Any) -> str:
    """The op's name as expressions read it (NFKC, as Python reads names), or an error."""
    if not isinstance(given, str):
        raise TypeError(f"custom_op() takes the op's name as a str, got {type(given).__name__}")
    name = unicodedata.normalize("NFKC", given)
    if not name.isidentifier() or keyword.iskeyword(name):
        raise ValueError(
            f"custom op name {name!r} is not an identifier; use a name like 'softsign' "
            "(it is called by that name in expressions)"
        )
    shown = repr(given) if name == given else f"{given!r} (read as {name!r})"
    if name in ops.BUILTIN_NAMES:
        raise ValueError(
            f"custom op name {shown} is a built-in op; pick another name, such as 'my_{name}'"
        )
    if name == "Value" or name in _VALUE_ATTRIBUTES:
        what = "the class Value" if name == "Value" else f"Value.{name}"
        raise ValueError(
            f"custom op name {shown} is taken by {what}; pick another name, such as 'my_{name}'"
        )
    return name


# Names a Value answers to (v.data, v.grad, v.backward, ...): an op named so would read as one.
# dir(Value) lists its slots and properties too.
_VALUE_ATTRIBUTES = frozenset(n for n in dir(Value) if not n.startswith("_"))


def _domain_check(domain: Callable[..., Any], needs: str | None, arity: int) -> Check:
    def bad(*inputs: Any) -> Any:
        try:
            ok = domain(*inputs)
        except ValueError as e:
            if any(getattr(x, "ndim", 0) for x in inputs) and "truth value" in str(e):
                raise TypeError(_domain_on_arrays_message(domain)) from None
            raise
        if getattr(ok, "ndim", 0):
            return ~ok.astype(bool)
        return not ok

    return Check(bad, needs or "inputs in its domain", ValueError, 0 if arity == 1 else None)


def _domain_on_arrays_message(domain: Callable[..., Any]) -> str:
    return (
        f"custom op domain {getattr(domain, '__name__', 'domain')!r} combines conditions with "
        "'and', 'or' or 'not', which compile_batched's arrays of samples cannot do: write "
        "them with & | ~ and parentheses, as in lambda x: (x > 0) & (x < 1)"
    )


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


def _check_derivatives_on_values(op: Op) -> None:
    """Refuse a rule whose derivatives, run on Values, do not follow their own slopes.

    Second derivatives (``create_graph``, ``hessian``, nested ``grad``) run
    the rule on Values and differentiate the derivatives it returns. A rule
    that unwraps its input (``x.data``) returns numbers there, whose own
    derivative is 0 whatever the rule says: at a few points of the domain,
    the derivative of each derivative is compared with a central difference
    of that derivative on floats, and a mismatch is a TypeError naming the op.
    """
    for point in _PROBES[op.arity]:
        derivatives = _derivatives_on_values(op, point)
        if derivatives is None:
            continue
        variables, result = derivatives
        for k, derivative in enumerate(result[1:]):
            for j in range(op.arity):
                slope = _slope_of_derivative(op, point, k, j)
                if slope is None:
                    continue
                on_values = _derivative_by(derivative, variables[j])
                if abs(on_values - slope) > 1e-6 * (1.0 + abs(slope)):
                    raise TypeError(_unwrapped_message(op, point, k, j, on_values, slope))


def _derivatives_on_values(op: Op, point: tuple) -> tuple[list[Value], tuple] | None:
    """The rule run on Values at ``point``, or None where it is outside the domain."""
    if op.first_failure(*point) is not None:
        return None
    variables = [Value(x) for x in point]
    try:
        result = op.rule(VALUE, *variables)
    except (ArithmeticError, ValueError):
        return None
    except Exception as e:
        at = ", ".join(f"{x:g}" for x in point)
        raise TypeError(
            f"custom op {op.name!r}: its rule fails on Values at ({at}): {type(e).__name__}: "
            f"{e}. A rule must also run on Values (for second derivatives): write it with "
            "+ - * / ** on its inputs and the functions of m, never float(x) or x.data"
        ) from e
    if not isinstance(result, (tuple, list)) or len(result) != op.arity + 1:
        return None  # a malformed result was already refused on floats
    return variables, tuple(result)


def _slope_of_derivative(op: Op, point: tuple, k: int, j: int) -> float | None:
    """d/d(input j) of derivative k, by central differences on floats (None if unstable)."""
    estimates = []
    for h in (1e-5, 2e-5):
        step = h * max(1.0, abs(point[j]))
        try:
            up = op.rule(FLOAT, *_moved(point, j, step))[1 + k]
            down = op.rule(FLOAT, *_moved(point, j, -step))[1 + k]
            estimates.append((float(up) - float(down)) / (2 * step))
        except (ArithmeticError, ValueError, TypeError):
            return None
    if abs(estimates[0] - estimates[1]) > 1e-6 * (1.0 + abs(estimates[0])):
        return None  # not smooth here (a kink): this point tells nothing
    return estimates[0]


def _moved(point: tuple, j: int, step: float) -> tuple:
    return tuple(x + step if i == j else x for i, x in enumerate(point))


def _derivative_by(derivative: Any, variable: Value) -> float:
    """d derivative / d variable through the Values' graph (0 for a plain number)."""
    if not isinstance(derivative, Value):
        return 0.0
    (slope,) = backprop.gradients(derivative, [variable])
    return float(slope.data if isinstance(slope, Value) else slope)


def _unwrapped_message(op: Op, point: tuple, k: int, j: int, got: float, want: float) -> str:
    names = ["x", "y"][: op.arity]
    at = ", ".join(f"{n} = {x:g}" for n, x in zip(names, point))
    derivative = f"d{op.name}/d{names[k]}"
    return (
        f"custom op {op.name!r}: run on Values, its rule's derivative {derivative} changes "
        f"by {got:g} per unit of {names[j]} at {at}, but on floats it changes by {want:g}: "
        f"the rule computes with the numbers inside its inputs (x.data?), so second "
        f"derivatives through {op.name!r} would be wrong. Write the rule with + - * / ** "
        "on its inputs as given and the functions of m (m.exp(x), m.abs(x), ...): it "
        "then runs on floats, Values and arrays alike"
    )


def _missing_function(op: Op, error: AttributeError) -> str:
    missing = getattr(error, "name", None) or str(error)
    offered = ", ".join(f"m.{f}" for f in BACKEND_FUNCTIONS)
    return (
        f"custom op {op.name!r}: its rule uses {missing!r}, which the math backend m "
        f"does not have; m offers {offered}, and + - * / ** work on everything"
    )


__all__ = ["CustomOp", "custom_op"]
