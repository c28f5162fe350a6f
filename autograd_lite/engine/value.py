"""``Value``: one scalar in a computation graph.

A node made by an operation remembers up to two parents and, computed once
at forward time by the operation's rule, the local derivative of its output
with respect to each. ``backward()`` (``backprop.py``) then needs nothing but
those numbers.

Every operation is a record in ``ops.py`` (or a user's ``custom_op``): its
rule, its domain and its name. The arithmetic operators and the one-input
methods (``exp``, ``tanh``, ``relu``, ...) are made from the records
(``value_methods.py``) and installed at the end of this module, so an op is
declared once and a Value gets its method from the declaration.

>>> x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
>>> f = (x + y) * z
>>> f.backward()
>>> x.grad, y.grad, z.grad
(-4.0, -4.0, 3.0)
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any

from ..errors import describe, domain_error
from . import backprop, grad_mode, ops
from .float_math import BACKEND_FUNCTIONS, FLOAT
from .number_checks import (
    all_finite,
    checked_result,
    finite_number,
    number_operand,
    overflow,
    refuse_overflow,
    rule_error,
    shown,
)
from .number_operands import NUMBER
from .op_record import Op
from .value_methods import NodeKinds
from .value_methods import install as install_methods

Number = int | float

# Set only while ``batched/trace.py`` traces a function: called as
# ``data_read_hook(value, other, how)`` by the comparisons, so
# the tracer can refuse Python code that branches on data that differs from
# sample to sample. None (no check, one global lookup) the rest of the time.
data_read_hook: Callable[[Any, Any, str], None] | None = None


class Value:
    """A scalar with a gradient. ``Value(3.0, label="x")``.

    Attributes: ``data`` (float), ``grad`` (0.0 until a backward pass sets
    it), ``label``, and read-only ``parents``, ``local_grads``, ``op`` (its
    name) and ``operation`` (its record, ``ops.py``).

    Methods, one per one-input op of ``ops.py``: ``exp log sqrt tanh sigmoid
    relu softplus step sin cos``, and ``abs(v)``, ``-v``.

    Every node is a Value, of one of two shapes: ``Value(3.0)`` makes a
    ``Leaf``, which takes attributes of its own as code written for
    micrograd sets on parameters (``p.m = 0.0``); an operation makes a
    ``Node``, which has slots only (its parents and their local derivatives)
    and so costs no dictionary.
    """

    # What every node has. A Node adds its parents and their local
    # derivatives, two fixed slots each (every operation has one or two
    # inputs): no tuple per node, no closure, no reference cycle.
    # ``parents`` and ``local_grads`` are built on request.
    __slots__ = ("data", "_grad", "label")

    # A leaf has no parents: these read as None on every ``Leaf`` (``Node``
    # has slots of these names).
    _a = _b = _da = _db = _record = None

    # Make numpy hand ``np.float64(2) * v`` back to Value.__rmul__ instead of
    # building an object array.
    __array_ufunc__ = None

    def __new__(cls, data: Number, label: str | None = None) -> Value:
        if label is not None and not isinstance(label, str):
            raise TypeError(f"Value label must be a str or None, got {type(label).__name__}")
        if type(data) is not float or data - data != 0.0:  # a finite float: the common case
            data = _to_float(data, label)
        node = _new(Leaf if cls is Value else cls)
        node.data = data
        node.label = label
        node._grad = None
        return node

    def __getnewargs__(self) -> tuple[float]:
        # copy and deepcopy make the object with its number, then set its slots
        return (self.data,)

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
        backprop.unfold_numbers(self)  # a number folded in becomes a constant leaf
        a = self._a
        if a is None:
            return ()
        b = self._b
        return (a,) if b is None else (a, b)

    @property
    def local_grads(self) -> tuple[Any, ...]:
        """d(self)/d(parent) for each parent, aligned with ``parents``."""
        backprop.unfold_numbers(self)
        if self._a is None:
            return ()
        return (self._da,) if self._b is None else (self._da, self._db)

    @property
    def op(self) -> str:
        """The operation that made this node: ``'+'``, ``'tanh'``, ``'**2'``; ``''`` for a leaf."""
        r = self._record
        return "" if r is None else r.name

    @property
    def operation(self) -> Op | None:
        """The record (``ops.py``) of the operation that made this node; None for a leaf."""
        backprop.unfold_numbers(self)
        r = self._record
        return r if isinstance(r, Op) else None

    def __repr__(self) -> str:
        g = self.grad
        if isinstance(g, Value):  # a create_graph gradient: its number, never its repr
            g = _GradShown(g.data)
        parts = [f"data={self.data!r}", f"grad={g!r}"]
        if self._a is not None:
            parts.append(f"op={self.op!r}")
        if self.label is not None:
            parts.append(f"label={self.label!r}")
        return f"Value({', '.join(parts)})"

    def __bool__(self) -> bool:
        # ``if v:`` would test the number and drop the graph without a word (and
        # a compiled batch could not follow the branch): refused, as float(v) is.
        raise TypeError(
            f"{describe(self)} is a node of a graph, not a truth value: 'if v:', 'not v', "
            "'v and w' would test its number without a word. Say what you mean: "
            "v.data != 0, v > 0, or 'v is not None'"
        )

    def __float__(self) -> float:
        # math.tanh(v), float(v) and numpy's float conversions all come here:
        # each would drop the graph without a word, so none is allowed.
        raise TypeError(
            f"{describe(self)} is a node of a graph, not a plain number: math functions and "
            "float() would lose its gradient. Use the Value's own ops for a differentiable "
            "result (v.tanh(), v.exp(), v.log(), ...), or v.data / v.item() for the number"
        )

    def item(self) -> float:
        """The number this Value holds (PyTorch's spelling of ``v.data``).

        >>> Value(2.5).item()
        2.5
        """
        return self.data

    def __format__(self, spec: str) -> str:
        """``f"{v:.3f}"`` formats the number; ``f"{v}"`` is the repr."""
        return format(self.data, spec) if spec else repr(self)

    # --- micrograd's names, so its lecture code runs unchanged -------------

    @property
    def _prev(self) -> set[Value]:
        """micrograd's name for the parents, as a set."""
        return set(self.parents)

    @property
    def _op(self) -> str:
        """micrograd's name for ``op``."""
        return self.op

    def _backward(self) -> None:
        """micrograd's per-node step: add this node's grad, through each local
        derivative, into its parents (``parent.grad += self.grad * local``)."""
        g = self.grad
        for parent, local in zip(self.parents, self.local_grads):
            parent.grad = parent.grad + g * local

    # --- the backward pass ----------------------------------------------

    def backward(self, gradient: Any = 1.0, *, create_graph: bool = False) -> None:
        """Fill ``grad`` of every node this one depends on with d(self)/d(node).

        ``gradient`` seeds d(self)/d(self), as PyTorch's argument of that
        name does: ``f.backward(2.0)`` gives every node twice its gradient.
        Interior nodes get this pass's gradient; leaves *add* it to what they
        had (like PyTorch), so two calls double every leaf's grad exactly.
        With ``create_graph=True`` the grads are new Values with graphs of
        their own, so they can be differentiated again.

        >>> x = Value(3.0)
        >>> (x * x).backward(2.0)
        >>> x.grad
        12.0
        """
        seed = _seed(gradient, create_graph)
        if create_graph:
            backprop.backward_graph(self, VALUE, Value, seed)
        else:
            backprop.backward(self, seed)

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
    # + - * / are installed below from their records (``_binary_method``),
    # as the one-input methods are; ** reads its exponent first.

    def __pow__(self, other: Any) -> Value:
        if isinstance(other, Value):
            return apply(ops.POW, self, other)
        if not _is_number(other):
            return _operand(other, "**")
        return apply(ops.power(other), self)

    def __rpow__(self, other: Any) -> Value:
        c = _operand(other, "**", reflected=True)
        return c if c is NotImplemented else apply(ops.POW, c, self)

    def __pos__(self) -> Value:
        return self

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


class Leaf(Value):
    """A Value the user made (``Value(2.0)``, a parameter): it takes extra attributes."""

    __slots__ = ("__dict__",)


class Node(Value):
    """A Value an operation made: its parents ``_a``, ``_b`` (None: none), the local
    derivatives ``_da``, ``_db`` and the op's record; slots only.

    A node made from a Value and a number keeps the number in ``_db`` with
    ``_b`` None, and a ``Folded`` record (``number_operands.py``).
    """

    __slots__ = ("_a", "_b", "_da", "_db", "_record")


# Both shapes are Values to the user: messages that name a type say "Value"
# (``type(v).__name__``); ``type(v)`` itself still shows Leaf or Node.
Leaf.__name__ = Node.__name__ = "Value"
backprop.LEAF = Leaf


class _GradShown(float):
    """A gradient Value inside another Value's repr: shown as ``Value(...)``
    with its number only, so a repr never follows a graph (or a cycle)."""

    def __repr__(self) -> str:
        return f"<Value {float(self)!r}>"


def _seed(gradient: Any, create_graph: bool) -> Any:
    """``backward``'s seed: a finite number (or a Value with create_graph)."""
    if isinstance(gradient, bool):
        raise TypeError("backward(gradient) takes a number, got a bool; "
                        "create_graph is a keyword: backward(create_graph=True)")
    if isinstance(gradient, Value):
        if not create_graph:
            return gradient.data
        return gradient
    if not isinstance(gradient, numbers.Real):
        raise TypeError(f"backward(gradient) takes a number, got {type(gradient).__name__}")
    seed = float(gradient)
    if seed - seed != 0.0:
        raise ValueError(f"backward(gradient) must be a finite number, got {seed!r}")
    return seed


# --- applying an op record ----------------------------------------------------


def apply(op: Op, *operands: Value) -> Value:
    """The node ``op`` makes from ``operands``: domain checked, rule run on their data.

    >>> from autograd_lite.engine import ops
    >>> apply(ops.TANH, Value(0.0)).data, apply(ops.ADD, Value(1.0), Value(2.0)).op
    (0.0, '+')
    """
    xs = [v.data for v in operands]
    if op.domain:
        failure = op.first_failure(*xs)
        if failure is not None:
            raise failure[0].exception(op.name, operands)
    try:
        result = op.rule(FLOAT, *xs)
    except OverflowError:
        raise overflow(op, operands) from None
    except (ValueError, ArithmeticError) as e:
        if not op.builtin:
            raise rule_error(op, operands, e) from e
        raise domain_error(op.name, operands[0], "a finite number") from None
    if not op.builtin:
        result = checked_result(op, result, len(xs) + 1)
    if op.overflows and not all_finite(result):
        refuse_overflow(op, operands, result[0], result[1:])
    if len(xs) == 1:
        return _make(result[0], op, operands[0], result[1], None, None)
    return _make(result[0], op, operands[0], result[1], operands[1], result[2])


# --- making nodes -----------------------------------------------------------

_new = object.__new__


def _make(data: float, op: Any, a: Any, da: Any, b: Any, db: Any) -> Value:
    """A node made by ``op`` from parents ``a`` (and ``b``), without checks."""
    node = _new(Node)
    node.data = data
    node._grad = None
    node.label = None
    if grad_mode._threads_inside and not grad_mode.is_recording():
        node._a = node._b = node._da = node._db = node._record = None
        return node
    node._record = op
    node._a = a
    node._da = da
    node._b = b
    node._db = db
    return node


def _constant(x: float) -> Value:
    """A constant leaf holding the number ``x`` (its record: ``NUMBER``)."""
    node = _new(Node)
    node.data = x
    node._grad = node._a = node._b = node._da = node._db = node.label = None
    node._record = NUMBER
    return node


install_methods(NodeKinds(Value, Node, _constant, _make))


def _is_number(x: Any) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, Value)


def _coerce(x: Any) -> Value | None:
    """x as a Value (numbers become constant leaves); None if x is not a number."""
    t = type(x)
    if t is float and x - x == 0.0:
        return _constant(x)
    if isinstance(x, Value):
        return x
    if isinstance(x, numbers.Real):
        return _constant(finite_number(x))
    return None


def _operand(x: Any, symbol: str, reflected: bool = False) -> Any:
    """x as a Value for ``symbol``; NotImplemented for unknown types."""
    if isinstance(x, Value):
        return x
    number = number_operand(x, symbol, reflected)
    return number if number is NotImplemented else _constant(number)


def _to_float(x: Any, label: str | None = None) -> float:
    """``Value()``'s data as a finite float; a clear error naming the input otherwise."""
    who = "Value()" if label is None else f"Value(..., label={label!r})"
    if isinstance(x, Value):
        raise TypeError(
            f"{who} takes a number, got a Value; use v.detach() for a new leaf with the same data"
        )
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(
            f"{who} takes a real number (int or float), got {type(x).__name__}: {shown(x)}"
        )
    try:
        number = float(x)
    except OverflowError:
        digits = len(str(abs(int(x)))) if isinstance(x, int) else "too many"
        raise OverflowError(
            f"{who} got an int with {digits} digits, too large for a float (the largest "
            "float is about 1.8e308)"
        ) from None
    if number - number != 0.0:
        raise ValueError(
            f"{who} takes a finite number, got {number!r}; the command line refuses it too, "
            "since every gradient through it would be nan or inf"
        )
    return number


def _data_of(x: Any) -> float:
    if isinstance(x, Value):
        return x.data
    if _is_number(x):
        return float(x)
    raise TypeError(f"can't compare a Value with {type(x).__name__}")


# --- the Value backend: rules applied to Values build differentiable graphs --


def _value_sign(v: Value) -> Value:
    # sign is flat wherever it is differentiable: a constant is its exact graph.
    return _constant(FLOAT.sign(v.data))


def _value_copy(v: Value) -> Value:
    return apply(ops.COPY, v)


class ValueMath:
    """The functions rules call, on Values (for ``create_graph=True``): each is
    the Value method of the op of that name (``m.exp`` is ``Value.exp``), so
    derivatives of derivatives come from the same records; ``sign`` is flat.
    ``copy`` makes a new node equal to its input and ``constant`` a leaf
    holding a number (for the gradients ``backward_graph`` stores)."""

    sign = staticmethod(_value_sign)
    copy = staticmethod(_value_copy)
    constant = staticmethod(lambda x: _constant(float(x)))


for _name in BACKEND_FUNCTIONS:
    if _name != "sign":
        setattr(ValueMath, _name, staticmethod(getattr(Value, ops.REGISTRY[_name].method)))

VALUE = ValueMath()


__all__ = ["VALUE", "Value", "apply"]
