"""``Value``: one scalar in a computation graph.

A node made by an operation remembers up to two parents and, computed once
at forward time by the operation's rule (``rules.py``), the local derivative
of its output with respect to each. ``backward()`` (``backprop.py``) then
needs nothing but those numbers.

>>> x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
>>> f = (x + y) * z
>>> f.backward()
>>> x.grad, y.grad, z.grad
(-4.0, -4.0, 3.0)
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Any

from . import backprop, grad_mode, rules
from .errors import domain_error, overflow_error
from .rules import FLOAT

Number = int | float

# Set only while ``batched.py`` traces a function: called as
# ``data_read_hook(value, other, how)`` by the comparisons and ``float()``, so
# the tracer can refuse Python code that branches on data that differs from
# sample to sample. None (no check, one global lookup) the rest of the time.
data_read_hook: Callable[[Any, Any, str], None] | None = None


class Value:
    """A scalar with a gradient. ``Value(3.0, label="x")``.

    Attributes: ``data`` (float), ``grad`` (0.0 until a backward pass sets
    it), ``label``, and read-only ``parents``, ``local_grads``, ``op``.
    """

    # Parents and their local derivatives live in two fixed slots each
    # (every operation has one or two inputs): no tuple per node, no closure,
    # no reference cycle. ``parents`` and ``local_grads`` are built on request.
    __slots__ = ("data", "_grad", "_a", "_b", "_da", "_db", "_rule", "label")

    # Make numpy hand ``np.float64(2) * v`` back to Value.__rmul__ instead of
    # building an object array.
    __array_ufunc__ = None

    def __init__(self, data: Number, label: str | None = None) -> None:
        self.data = data if type(data) is float else _to_float(data)  # float: the common case
        if label is not None and not isinstance(label, str):
            raise TypeError(f"Value label must be a str or None, got {type(label).__name__}")
        self.label = label
        self._grad = None
        self._a = self._b = self._da = self._db = self._rule = None

    # --- what the graph shows -------------------------------------------

    @property
    def grad(self) -> Any:
        """d(root)/d(self) from the last backward pass; 0.0 before any."""
        g = self._grad
        return 0.0 if g is None else g

    @grad.setter
    def grad(self, value: Any) -> None:
        self._grad = value

    @property
    def grad_computed(self) -> bool:
        """False until a backward pass (or an assignment) gives this node a grad."""
        return self._grad is not None

    @property
    def parents(self) -> tuple[Value, ...]:
        """The inputs of the operation that made this node (``()`` for a leaf)."""
        a = self._a
        if a is None:
            return ()
        b = self._b
        return (a,) if b is None else (a, b)

    @property
    def local_grads(self) -> tuple[Any, ...]:
        """d(self)/d(parent) for each parent, aligned with ``parents``."""
        if self._a is None:
            return ()
        return (self._da,) if self._b is None else (self._da, self._db)

    @property
    def op(self) -> str:
        """The operation that made this node: ``'+'``, ``'tanh'``, ``'**2'``; ``''`` for a leaf."""
        r = self._rule
        return "" if r is None else r.op

    @property
    def rule(self) -> Callable[..., tuple] | None:
        """The rule (``rules.py``) that made this node, or None for a leaf."""
        return self._rule

    def __repr__(self) -> str:
        parts = [f"data={self.data!r}", f"grad={self.grad!r}"]
        if self._rule is not None:
            parts.append(f"op={self.op!r}")
        if self.label is not None:
            parts.append(f"label={self.label!r}")
        return f"Value({', '.join(parts)})"

    def __float__(self) -> float:
        if data_read_hook is not None:
            data_read_hook(self, None, "float()")
        return self.data

    # --- the backward pass ----------------------------------------------

    def backward(self, create_graph: bool = False) -> None:
        """Fill ``grad`` of every node this one depends on with d(self)/d(node).

        Interior nodes get this pass's gradient; leaves *add* it to what they
        had (like PyTorch), so two calls double every leaf's grad exactly.
        With ``create_graph=True`` the grads are Values with graphs of their
        own, so they can be differentiated again.
        """
        if create_graph:
            backprop.backward_graph(self, VALUE, Value)
        else:
            backprop.backward(self)

    def zero_grad(self) -> None:
        """Set ``grad`` to 0.0 on this node and every node it depends on."""
        for node in backprop.topological_order(self):
            node._grad = 0.0

    def topological_order(self) -> list[Value]:
        """Every node this one depends on, parents before children, self last."""
        return backprop.topological_order(self)

    def detach(self) -> Value:
        """A new leaf with the same data and label: gradients stop here."""
        return Value(self.data, self.label)

    # --- arithmetic ----------------------------------------------------

    def __add__(self, other: Any) -> Value:
        if type(other) is not Value:
            other = _operand(other, "+")
            if other is NotImplemented:
                return other
        out, da, db = rules.add(FLOAT, self.data, other.data)
        return _make(out, rules.add, self, da, other, db)

    def __radd__(self, other: Any) -> Value:
        c = _operand(other, "+", reflected=True)
        return c if c is NotImplemented else c.__add__(self)

    def __sub__(self, other: Any) -> Value:
        if type(other) is not Value:
            other = _operand(other, "-")
            if other is NotImplemented:
                return other
        out, da, db = rules.sub(FLOAT, self.data, other.data)
        return _make(out, rules.sub, self, da, other, db)

    def __rsub__(self, other: Any) -> Value:
        c = _operand(other, "-", reflected=True)
        return c if c is NotImplemented else c.__sub__(self)

    def __mul__(self, other: Any) -> Value:
        if type(other) is not Value:
            other = _operand(other, "*")
            if other is NotImplemented:
                return other
        out, da, db = rules.mul(FLOAT, self.data, other.data)
        return _make(out, rules.mul, self, da, other, db)

    def __rmul__(self, other: Any) -> Value:
        c = _operand(other, "*", reflected=True)
        return c if c is NotImplemented else c.__mul__(self)

    def __truediv__(self, other: Any) -> Value:
        if type(other) is not Value:
            other = _operand(other, "/")
            if other is NotImplemented:
                return other
        if other.data == 0.0:
            raise domain_error("/", other, "a non-zero divisor", ZeroDivisionError)
        out, da, db = rules.div(FLOAT, self.data, other.data)
        return _make(out, rules.div, self, da, other, db)

    def __rtruediv__(self, other: Any) -> Value:
        c = _operand(other, "/", reflected=True)
        return c if c is NotImplemented else c.__truediv__(self)

    def __pow__(self, other: Any) -> Value:
        if isinstance(other, Value):
            return self._pow_value(other)
        if not _is_number(other):
            return _operand(other, "**")
        n = float(other)
        x = self.data
        if x < 0.0 and not n.is_integer():
            raise domain_error(
                f"**{other}", self, "x >= 0 for a non-integer power (the result would be complex)"
            )
        if x == 0.0 and n < 0.0:
            raise domain_error(f"**{other}", self, "x != 0 for a negative power", ZeroDivisionError)
        if x == 0.0 and 0.0 < n < 1.0:
            raise domain_error(
                f"**{other}", self, f"x > 0 (its derivative {n}*x**({n - 1}) is infinite at x = 0)"
            )
        rule = rules.power(other)
        try:
            out, d = rule(FLOAT, x)
        except OverflowError:
            raise overflow_error(rule.op, self) from None
        return _make(out, rule, self, d, None, None)

    def _pow_value(self, exponent: Value) -> Value:
        if self.data <= 0.0:
            raise domain_error(
                "**",
                self,
                "base > 0 when the exponent is a Value (d/dy x**y = x**y * ln x); "
                "use a plain number as the exponent if it needs no gradient",
            )
        try:
            out, da, db = rules.pow(FLOAT, self.data, exponent.data)
        except OverflowError:
            raise overflow_error("**", self, f"exponent {exponent.data!r}") from None
        return _make(out, rules.pow, self, da, exponent, db)

    def __rpow__(self, other: Any) -> Value:
        c = _operand(other, "**", reflected=True)
        return c if c is NotImplemented else c._pow_value(self)

    def __neg__(self) -> Value:
        out, d = rules.neg(FLOAT, self.data)
        return _make(out, rules.neg, self, d, None, None)

    def __pos__(self) -> Value:
        return self

    def __abs__(self) -> Value:
        return self._unary(rules.abs_)

    # Comparisons look at ``data`` (so ``max(values)`` works); equality stays
    # identity, so Values can be dict keys and set members.
    def __lt__(self, other: Any) -> bool:
        if data_read_hook is not None:
            data_read_hook(self, other, "<")
        return self.data < _data_of(other)

    def __le__(self, other: Any) -> bool:
        if data_read_hook is not None:
            data_read_hook(self, other, "<=")
        return self.data <= _data_of(other)

    def __gt__(self, other: Any) -> bool:
        if data_read_hook is not None:
            data_read_hook(self, other, ">")
        return self.data > _data_of(other)

    def __ge__(self, other: Any) -> bool:
        if data_read_hook is not None:
            data_read_hook(self, other, ">=")
        return self.data >= _data_of(other)

    __hash__ = object.__hash__

    # --- functions -------------------------------------------------------

    def _unary(self, rule: Callable[..., tuple]) -> Value:
        try:
            out, d = rule(FLOAT, self.data)
        except OverflowError:
            raise overflow_error(rule.op, self) from None
        except ValueError:
            raise domain_error(rule.op, self, "a finite number") from None
        return _make(out, rule, self, d, None, None)

    def exp(self) -> Value:
        """e**self. Raises OverflowError past x = 709.78 (no float is that large)."""
        if self.data > 709.782712893384:
            raise overflow_error("exp", self, "exp(x) is finite only for x <= 709.78")
        return self._unary(rules.exp)

    def log(self) -> Value:
        """Natural logarithm; needs x > 0."""
        if not self.data > 0.0 and not math.isnan(self.data):
            raise domain_error("log", self, "x > 0")
        return self._unary(rules.log)

    def sqrt(self) -> Value:
        """Square root; needs x > 0 (at 0 its derivative is infinite)."""
        if self.data < 0.0:
            raise domain_error("sqrt", self, "x >= 0 (the result would be complex)")
        if self.data == 0.0:
            raise domain_error(
                "sqrt", self, "x > 0 (its derivative 1/(2*sqrt(x)) is infinite at x = 0)"
            )
        return self._unary(rules.sqrt)

    def tanh(self) -> Value:
        return self._unary(rules.tanh)

    def sigmoid(self) -> Value:
        """1 / (1 + e**-x), computed without overflow for any x."""
        return self._unary(rules.sigmoid)

    def relu(self) -> Value:
        """max(x, 0); its derivative at 0 is taken as 0."""
        return self._unary(rules.relu)

    def softplus(self) -> Value:
        """log(1 + e**x), the lectures' soft ReLU; finite for any finite x."""
        return self._unary(rules.softplus)

    def step(self) -> Value:
        """Hard threshold: 1.0 if x > 0 else 0.0. Its derivative is 0."""
        return self._unary(rules.step)

    def sin(self) -> Value:
        return self._unary(rules.sin)

    def cos(self) -> Value:
        return self._unary(rules.cos)


# --- making nodes -----------------------------------------------------------

_new = object.__new__


def _make(data: float, rule: Any, a: Any, da: Any, b: Any, db: Any) -> Value:
    """A node made by ``rule`` from parents ``a`` (and ``b``), without checks."""
    node = _new(Value)
    node.data = data
    node._grad = None
    node.label = None
    if grad_mode._threads_inside and not grad_mode.is_recording():
        node._a = node._b = node._da = node._db = node._rule = None
        return node
    node._rule = rule
    node._a = a
    node._da = da
    node._b = b
    node._db = db
    return node


def _constant(x: float) -> Value:
    node = _new(Value)
    node.data = x
    node._grad = node._a = node._b = node._da = node._db = node._rule = node.label = None
    return node


def _is_number(x: Any) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, Value)


def _coerce(x: Any) -> Value | None:
    """x as a Value (numbers become constant leaves); None if x is not a number."""
    t = type(x)
    if t is float:
        return _constant(x)
    if t is int:
        return _constant(float(x))
    if isinstance(x, Value):
        return x
    if isinstance(x, numbers.Real):
        return _constant(float(x))
    return None


# Built-in types that are never numbers: refuse them here, because Python's
# fallback for ``v * "a"`` (sequence repetition) gives a message naming
# neither operand's real problem. Other types get NotImplemented, so they can
# still define the reflected operation themselves.
_NOT_NUMBERS = (str, bytes, list, tuple, dict, set, type(None))


def _operand(x: Any, symbol: str, reflected: bool = False) -> Any:
    """x as a Value for ``symbol``; NotImplemented for unknown types."""
    c = _coerce(x)
    if c is not None:
        return c
    if isinstance(x, _NOT_NUMBERS):
        pair = f"{type(x).__name__} and Value" if reflected else f"Value and {type(x).__name__}"
        raise TypeError(
            f"unsupported operands for {symbol}: {pair} ({_shown(x)}); "
            "Value arithmetic takes Values, ints and floats"
        )
    return NotImplemented


def _shown(x: Any) -> str:
    text = repr(x)
    return text if len(text) <= 40 else text[:37] + "..."


def _to_float(x: Any) -> float:
    if type(x) is float:
        return x
    if isinstance(x, Value):
        raise TypeError(
            "Value() takes a number, got a Value; use v.detach() for a new leaf with the same data"
        )
    if isinstance(x, numbers.Real):
        return float(x)
    raise TypeError(
        f"Value() takes a real number (int or float), got {type(x).__name__}: {_shown(x)}"
    )


def _data_of(x: Any) -> float:
    if isinstance(x, Value):
        return x.data
    if _is_number(x):
        return float(x)
    raise TypeError(f"can't compare a Value with {type(x).__name__}")


# --- the Value backend: rules applied to Values build differentiable graphs --


def _value_sign(v: Value) -> Value:
    # sign is flat wherever it is differentiable: a constant is its exact graph.
    return _constant(rules.FLOAT.sign(v.data))


class ValueMath:
    """The functions rules call, on Values (for ``create_graph=True``)."""

    exp = staticmethod(Value.exp)
    log = staticmethod(Value.log)
    sqrt = staticmethod(Value.sqrt)
    tanh = staticmethod(Value.tanh)
    sin = staticmethod(Value.sin)
    cos = staticmethod(Value.cos)
    sigmoid = staticmethod(Value.sigmoid)
    softplus = staticmethod(Value.softplus)
    step = staticmethod(Value.step)
    relu = staticmethod(Value.relu)
    abs = staticmethod(Value.__abs__)
    sign = staticmethod(_value_sign)


VALUE = ValueMath()


__all__ = ["Value", "VALUE"]
