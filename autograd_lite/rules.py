"""One rule per operation: the output value and its local derivatives.

A rule is a plain function ``rule(m, *inputs) -> (output, d_output/d_input, ...)``.
``m`` is a math backend: the functions a rule may call besides ``+ - * / **``.
Because every derivative is written with plain arithmetic and ``m``'s
functions, the same rule runs on

* floats (``FLOAT``): the engine's forward pass, which stores the local
  derivatives on the new node;
* Values (``VALUE``, see ``value.py``): ``backward(create_graph=True)``, where
  each local derivative becomes a graph of its own and can be differentiated
  again.

Every other part of the package (backward, the stepper, graph edge labels)
reads derivatives from what these rules produced; none restates one.

>>> tanh(FLOAT, 0.5)[1] == 1 - tanh(FLOAT, 0.5)[0] ** 2
True
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any


def rule(op: str) -> Callable[[Callable[..., tuple]], Callable[..., tuple]]:
    """Mark a function as the rule of the operation drawn as ``op``."""

    def mark(fn: Callable[..., tuple]) -> Callable[..., tuple]:
        fn.op = op  # type: ignore[attr-defined]
        return fn

    return mark


# --- the float backend ------------------------------------------------------


def _sigmoid(x: float) -> float:
    # Two branches so that exp never overflows: sigmoid(+-1000) is 1.0 / 0.0.
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _softplus(x: float) -> float:
    # log(1 + e^x) = max(x, 0) + log(1 + e^-|x|): finite for every finite x.
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def _step(x: float) -> float:
    return 1.0 if x > 0.0 else 0.0


def _sign(x: float) -> float:
    return 1.0 if x > 0.0 else (-1.0 if x < 0.0 else 0.0)


class FloatMath:
    """The functions rules call, on Python floats."""

    exp = staticmethod(math.exp)
    log = staticmethod(math.log)
    sqrt = staticmethod(math.sqrt)
    tanh = staticmethod(math.tanh)
    sin = staticmethod(math.sin)
    cos = staticmethod(math.cos)
    sigmoid = staticmethod(_sigmoid)
    softplus = staticmethod(_softplus)
    step = staticmethod(_step)
    sign = staticmethod(_sign)
    abs = staticmethod(abs)

    @staticmethod
    def relu(x: float) -> float:
        return x if x > 0.0 else 0.0


FLOAT = FloatMath()


# --- binary operations ------------------------------------------------------


@rule("+")
def add(m: Any, a: Any, b: Any) -> tuple:
    return a + b, 1.0, 1.0


@rule("-")
def sub(m: Any, a: Any, b: Any) -> tuple:
    return a - b, 1.0, -1.0


@rule("*")
def mul(m: Any, a: Any, b: Any) -> tuple:
    return a * b, b, a


@rule("/")
def div(m: Any, a: Any, b: Any) -> tuple:
    out = a / b
    return out, 1.0 / b, -out / b


@rule("**")
def pow(m: Any, a: Any, b: Any) -> tuple:  # noqa: A001 - the operator's name
    """a ** b with both sides differentiable: d/db = a**b * ln a (needs a > 0)."""
    out = a**b
    return out, b * a ** (b - 1.0), out * m.log(a)


_POWER_RULES: dict[float, Callable[..., tuple]] = {}


def power(n: float) -> Callable[..., tuple]:
    """The rule for ``x ** n`` with a constant exponent ``n``."""
    cached = _POWER_RULES.get(n)
    if cached is not None:
        return cached

    if n == 0:

        def rule_n(m: Any, a: Any) -> tuple:
            # n * a**(n-1) would divide by zero at a = 0; the slope is 0 everywhere.
            return a**n, 0.0

    else:

        def rule_n(m: Any, a: Any) -> tuple:
            return a**n, n * a ** (n - 1)

    rule_n.op = "**" + _number(n)  # type: ignore[attr-defined]
    rule_n.exponent = n  # type: ignore[attr-defined]
    if len(_POWER_RULES) < 256:
        _POWER_RULES[n] = rule_n
    return rule_n


def _number(n: float) -> str:
    return str(int(n)) if float(n).is_integer() and abs(n) < 1e15 else repr(float(n))


# --- unary operations -------------------------------------------------------


@rule("neg")
def neg(m: Any, a: Any) -> tuple:
    return -a, -1.0


@rule("abs")
def abs_(m: Any, a: Any) -> tuple:
    return m.abs(a), m.sign(a)


@rule("exp")
def exp(m: Any, a: Any) -> tuple:
    out = m.exp(a)
    return out, out


@rule("log")
def log(m: Any, a: Any) -> tuple:
    return m.log(a), 1.0 / a


@rule("sqrt")
def sqrt(m: Any, a: Any) -> tuple:
    out = m.sqrt(a)
    return out, 0.5 / out


@rule("tanh")
def tanh(m: Any, a: Any) -> tuple:
    out = m.tanh(a)
    return out, 1.0 - out * out


@rule("sigmoid")
def sigmoid(m: Any, a: Any) -> tuple:
    out = m.sigmoid(a)
    return out, out * (1.0 - out)


@rule("relu")
def relu(m: Any, a: Any) -> tuple:
    return m.relu(a), m.step(a)


@rule("softplus")
def softplus(m: Any, a: Any) -> tuple:
    return m.softplus(a), m.sigmoid(a)


@rule("step")
def step(m: Any, a: Any) -> tuple:
    # The hard threshold is flat on both sides of 0: its derivative is 0.
    return m.step(a), 0.0


@rule("sin")
def sin(m: Any, a: Any) -> tuple:
    return m.sin(a), m.cos(a)


@rule("cos")
def cos(m: Any, a: Any) -> tuple:
    return m.cos(a), -m.sin(a)
