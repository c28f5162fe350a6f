"""Every built-in operation, declared once: name, rule, domain and notation.

Each declaration is the op's whole story on one screen: the decorator says
how it is named, read and where it is undefined; the function under it is
its rule, ``rule(m, *inputs) -> (output, d output/d input, ...)``, written
with plain arithmetic and the functions of a math backend ``m`` so that it
runs on floats, Values and numpy arrays alike (see ``op_record.py``).

Nothing else in the package restates a derivative, a domain check or an op
name: ``Value``'s methods are installed from these records, and the
expression language, nn's activations, the stepper, the drawing and the
batched compiler look ops up here (``named``, ``functions``,
``activations``). ``custom_op`` adds a user's op to the same registry.

>>> from autograd_lite.engine.float_math import FLOAT
>>> out, d = TANH.rule(FLOAT, 0.5)
>>> d == 1 - out ** 2
True
>>> MUL.formula(["3", "-4"], numbers=True)
'3 * (-4)'
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .op_record import Check, Op, arity_of

INF = float("inf")

REGISTRY: dict[str, Op] = {}
"""Every op that has a name of its own, built-in or custom, by name."""


def builtin(
    name: str,
    *,
    notation: str = "",
    method: str | None = None,
    activation: bool = False,
    domain: tuple[Check, ...] = (),
    overflows: bool = True,
) -> Callable[[Callable[..., tuple]], Op]:
    """Declare the function below as the rule of built-in op ``name``; returns its record.

    ``overflows=False`` promises that finite inputs inside the domain give a
    finite output and finite local derivatives (a property test holds every
    op that says so to it).
    """

    def declare(rule: Callable[..., tuple]) -> Op:
        record = Op(
            name=name,
            arity=arity_of(rule, name),
            rule=rule,
            domain=domain,
            notation=notation,
            method=method,
            activation=activation,
            overflows=overflows,
        )
        REGISTRY[name] = record
        return record

    return declare


# --- binary operations ------------------------------------------------------


@builtin("+", notation="{0} + {1}", method="__add__")
def ADD(m: Any, a: Any, b: Any) -> tuple:
    """a + b"""
    return a + b, 1.0, 1.0


@builtin("-", notation="{0} - {1}", method="__sub__")
def SUB(m: Any, a: Any, b: Any) -> tuple:
    """a - b"""
    return a - b, 1.0, -1.0


@builtin("*", notation="{0} * {1}", method="__mul__")
def MUL(m: Any, a: Any, b: Any) -> tuple:
    """a * b"""
    return a * b, b, a


@builtin(
    "/",
    notation="{0} / {1}",
    method="__truediv__",
    domain=(Check(lambda a, b: b == 0.0, "a non-zero divisor", ZeroDivisionError, 1),),
)
def DIV(m: Any, a: Any, b: Any) -> tuple:
    """a / b"""
    out = a / b
    return out, 1.0 / b, -out / b


_POSITIVE_BASE = (
    "base > 0 when the exponent is a Value (d/dy x**y = x**y * ln x); "
    "use a plain number as the exponent if it needs no gradient"
)


@builtin("**", notation="{0} ** {1}", domain=(Check(lambda a, b: a <= 0.0, _POSITIVE_BASE),))
def POW(m: Any, a: Any, b: Any) -> tuple:
    """a ** b with both sides differentiable: d/db = a**b * ln a (needs a > 0)."""
    out = a**b
    return out, b * a ** (b - 1.0), out * m.log(a)


@builtin("logaddexp", notation="logaddexp({0}, {1})")
def LOGADDEXP(m: Any, a: Any, b: Any) -> tuple:
    """log(e**a + e**b) for any finite a, b: the step ``logsumexp`` folds a list with.

    Each local derivative is a sigmoid computed on its own, never as 1 minus
    the other, so a term far below the rest keeps its tiny derivative
    (e**-40, not 0) and its higher derivatives are products, not differences.
    """
    return b + m.softplus(a - b), m.sigmoid(a - b), m.sigmoid(b - a)


# --- x ** n with a constant exponent: one record per exponent ----------------

_POWERS: dict[float, Op] = {}


def power(n: float) -> Op:
    """The record of ``x ** n`` for the constant exponent ``n`` (a Python float).

    >>> power(2).name, power(2).formula(["x"]), power(0.5).domain[0].need
    ('**2', 'x ** 2', 'x >= 0 for a non-integer power (the result would be complex)')
    """
    n = float(n)  # a numpy float32 exponent must not turn later results into float32
    cached = _POWERS.get(n)
    if cached is not None:
        return cached
    if n == 0:

        def rule(m: Any, a: Any) -> tuple:
            # n * a**(n-1) would divide by zero at a = 0; the slope is 0 everywhere.
            return a**n, 0.0

    else:

        def rule(m: Any, a: Any) -> tuple:
            return a**n, n * a ** (n - 1)

    shown = number_text(n)
    record = Op(
        name="**" + shown,
        arity=1,
        rule=rule,
        domain=_power_domain(n),
        notation="{0} ** " + shown,
        exponent=n,
    )
    if len(_POWERS) < 256:
        _POWERS[n] = record
    return record


def _power_domain(n: float) -> tuple[Check, ...]:
    checks = []
    if not n.is_integer():
        need = "x >= 0 for a non-integer power (the result would be complex)"
        checks.append(Check(lambda a: a < 0.0, need))
    if n < 0.0:
        checks.append(Check(lambda a: a == 0.0, "x != 0 for a negative power", ZeroDivisionError))
    if 0.0 < n < 1.0:
        need = f"x > 0 (its derivative {n}*x**({n - 1}) is infinite at x = 0)"
        checks.append(Check(lambda a: a == 0.0, need))
    return tuple(checks)


def number_text(n: float) -> str:
    """An exponent as written: ``2`` for 2.0, ``0.5``, ``1e+20``."""
    return str(int(n)) if float(n).is_integer() and abs(n) < 1e15 else repr(float(n))


# --- unary operations -------------------------------------------------------


@builtin("copy", notation="{0}", overflows=False)
def COPY(m: Any, a: Any) -> tuple:
    """a as a node of its own: a gradient that equals a node of the graph it came from."""
    return a, 1.0


@builtin("neg", notation="-{0}", method="__neg__", overflows=False)
def NEG(m: Any, a: Any) -> tuple:
    """-a"""
    return -a, -1.0


@builtin("abs", method="__abs__", overflows=False)
def ABS(m: Any, a: Any) -> tuple:
    """|a|; its derivative at 0 is taken as 0."""
    return m.abs(a), m.sign(a)


_EXP_MAX = 709.782712893384  # log of the largest float


@builtin(
    "exp",
    method="exp",
    overflows=False,
    domain=(
        Check(lambda a: a > _EXP_MAX, "exp(x) is finite only for x <= 709.78", OverflowError),
    ),
)
def EXP(m: Any, a: Any) -> tuple:
    """e**x. Raises OverflowError past x = 709.78 (no float is that large)."""
    out = m.exp(a)
    return out, out


@builtin("log", method="log", domain=(Check(lambda a: a <= 0.0, "x > 0"),))
def LOG(m: Any, a: Any) -> tuple:
    """Natural logarithm; needs x > 0."""
    return m.log(a), 1.0 / a


@builtin(
    "sqrt",
    method="sqrt",
    overflows=False,  # at the smallest x > 0, 0.5 / sqrt(x) is about 2e161
    domain=(
        Check(lambda a: a < 0.0, "x >= 0 (the result would be complex)"),
        Check(lambda a: a == 0.0, "x > 0 (its derivative 1/(2*sqrt(x)) is infinite at x = 0)"),
    ),
)
def SQRT(m: Any, a: Any) -> tuple:
    """Square root; needs x > 0 (at 0 its derivative is infinite)."""
    out = m.sqrt(a)
    return out, 0.5 / out


@builtin("tanh", method="tanh", activation=True, overflows=False)
def TANH(m: Any, a: Any) -> tuple:
    """Hyperbolic tangent, (e**x - e**-x) / (e**x + e**-x)."""
    out = m.tanh(a)
    return out, 1.0 - out * out


@builtin("sigmoid", method="sigmoid", activation=True, overflows=False)
def SIGMOID(m: Any, a: Any) -> tuple:
    """1 / (1 + e**-x), computed without overflow for any x; its slope s(x) s(-x)."""
    out = m.sigmoid(a)
    # s(x) s(-x), not s(x) (1 - s(x)): for large x, 1 - s(x) would round to 0.
    return out, out * m.sigmoid(-a)


@builtin("relu", method="relu", activation=True, overflows=False)
def RELU(m: Any, a: Any) -> tuple:
    """max(x, 0); its derivative at 0 is taken as 0."""
    return m.relu(a), m.step(a)


@builtin("softplus", method="softplus", activation=True, overflows=False)
def SOFTPLUS(m: Any, a: Any) -> tuple:
    """log(1 + e**x), the lectures' soft ReLU; finite for any finite x."""
    return m.softplus(a), m.sigmoid(a)


@builtin("step", method="step", activation=True, overflows=False)
def STEP(m: Any, a: Any) -> tuple:
    """Hard threshold: 1.0 if x > 0 else 0.0. Its derivative is 0."""
    # The hard threshold is flat on both sides of 0: its derivative is 0.
    return m.step(a), 0.0


_FINITE = (Check(lambda a: abs(a) == INF, "a finite number"),)


@builtin("sin", method="sin", domain=_FINITE, overflows=False)
def SIN(m: Any, a: Any) -> tuple:
    """Sine of x (radians)."""
    return m.sin(a), m.cos(a)


@builtin("cos", method="cos", domain=_FINITE, overflows=False)
def COS(m: Any, a: Any) -> tuple:
    """Cosine of x (radians)."""
    return m.cos(a), -m.sin(a)


BUILTIN_NAMES: frozenset[str] = frozenset(REGISTRY) | {"pow", "power", "neg"}
"""Names a custom op may not take."""


# --- looking ops up ---------------------------------------------------------


def named(name: str) -> Op | None:
    """The op drawn as ``name`` (built-in, custom, or a power ``**2``), or None.

    >>> named("tanh").formula(["x"]), named("**0.5").exponent, named("nothing")
    ('tanh(x)', 0.5, None)
    """
    op = REGISTRY.get(name)
    if op is None and name.startswith("**") and len(name) > 2:
        try:
            return power(float(name[2:]))
        except ValueError:
            return None
    return op


def functions() -> dict[str, Op]:
    """The ops an expression may call by name, ``tanh(x)``: built-in and custom."""
    # A copy: another thread may define a custom op meanwhile (the copy is atomic).
    return {name: op for name, op in REGISTRY.copy().items() if op.is_function}


def activations() -> dict[str, Op]:
    """The ops nn offers as activations: the lectures' five, and every one-input custom op."""
    return {
        name: op
        for name, op in REGISTRY.copy().items()
        if op.activation or (not op.builtin and op.arity == 1)
    }


__all__ = [
    "ABS",
    "ADD",
    "BUILTIN_NAMES",
    "COPY",
    "COS",
    "DIV",
    "EXP",
    "LOG",
    "MUL",
    "NEG",
    "POW",
    "REGISTRY",
    "RELU",
    "SIGMOID",
    "SIN",
    "SOFTPLUS",
    "SQRT",
    "STEP",
    "SUB",
    "TANH",
    "activations",
    "functions",
    "named",
    "number_text",
    "power",
]
