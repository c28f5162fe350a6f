"""The arithmetic and one-input methods of Value, made from the op records.

``x + y``, ``x * y``, ``x / y`` (and ``2 - x``, ``3 * x``) and ``x.tanh()``,
``x.exp()``, ... are not written one by one: each is made here from its
op's record in ``ops.py``, so an op is declared once and Value gets its
methods from the declarations. The hot ones, a method per op, are compiled
from the templates below (``rule_inlining.py``): the line RULE becomes the
op's rule, copied from ``ops.py``, on the method's numbers (``m`` is the
float backend). A number operand is folded into its node
(``number_operands.py``).

>>> from autograd_lite import Value
>>> Value.__mul__.__doc__, Value.tanh.__name__
('a * b', 'tanh')
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from ..errors import domain_error, overflow_error
from . import grad_mode, ops
from .float_math import FLOAT
from .number_checks import number_operand, refuse_overflow
from .number_operands import Folded
from .op_record import Op
from .rule_inlining import compile_method


class NodeKinds(NamedTuple):
    """What the methods make: ``value`` (the Value class), ``node`` (the class of a
    node an op makes), ``constant(x)`` (a constant leaf) and ``make(data, record, a,
    da, b, db)`` (a node, unchecked)."""

    value: type
    node: type
    constant: Callable[[float], Any]
    make: Callable[..., Any]


_UNARY_TEMPLATE = """
def method(self):
    x = self.data
    if domain:
        for check in domain:
            if check.bad(x):
                raise check.exception(name, (self,))
    try:
        RULE
    except OverflowError:
        raise overflow_error(name, self) from None
    except ValueError:
        raise domain_error(name, self, "a finite number") from None
    if checked and (out - out != 0.0 or d - d != 0.0):
        refuse_overflow(op, (self,), out, (d,))
    node = new(Node)
    node.data = out
    node._grad = node.label = node._b = node._db = None
    if grad_mode._threads_inside and not grad_mode.is_recording():
        node._a = node._da = node._record = None
        return node
    node._a = self
    node._da = d
    node._record = op
    return node
"""

_BINARY_TEMPLATE = """
def method(self, other):
    x = self.data
    if type(other) is float and other - other == 0.0:
        y = other
        other = None
    elif isinstance(other, Value):
        y = other.data
    else:
        y = number_operand(other, name, False)
        if y is NotImplemented:
            return y
        other = None
    if domain:
        check_domain(op, self, other, x, y)
    RULE
    if out - out != 0.0 or (check_locals and (da - da != 0.0 or db - db != 0.0)):
        refuse_overflow(op, (self, constant(y) if other is None else other), out, (da, db))
    node = new(Node)
    node.data = out
    node._grad = node.label = None
    if grad_mode._threads_inside and not grad_mode.is_recording():
        node._a = node._b = node._da = node._db = node._record = None
        return node
    node._a = self
    node._da = da
    node._b = other
    if other is None:
        node._db = y
        node._record = folded
    else:
        node._db = db
        node._record = op
    return node
"""



def install(kinds: NodeKinds) -> None:
    """Give ``kinds.value`` a method for each one-input op that names one, and + - * /
    (both ways round)."""
    for op in ops.REGISTRY.values():
        if op.arity == 1 and op.method:
            setattr(kinds.value, op.method, _unary_method(op, kinds))
    check_domain = _domain_checker(kinds.constant)
    for op in (ops.ADD, ops.SUB, ops.MUL, ops.DIV):
        forward = _binary_method(op, kinds, check_domain)
        setattr(kinds.value, op.method, forward)
        setattr(kinds.value, "__r" + op.method[2:],
                _reflected_method(op, kinds, forward, check_domain))  # fmt: skip


def _unary_method(op: Op, kinds: NodeKinds) -> Callable[[Any], Any]:
    """The Value method for one-input op ``op``: ``x.tanh()`` is ``apply(TANH, x)``, faster."""
    names = {
        "op": op, "name": op.name, "domain": op.domain, "checked": op.overflows,
        "overflow_error": overflow_error, "domain_error": domain_error,
        "refuse_overflow": refuse_overflow, "new": object.__new__, "Node": kinds.node,
        "grad_mode": grad_mode, "m": FLOAT,
    }  # fmt: skip
    method = compile_method(_UNARY_TEMPLATE, op.rule, ("x",), ("out", "d"), names)
    method.__name__ = method.__qualname__ = op.method or op.name
    method.__doc__ = op.doc
    return method


def _binary_method(
    op: Op, kinds: NodeKinds, check_domain: Callable[..., None]
) -> Callable[[Any, Any], Any]:
    """``x + y`` for the two-input ``op`` (+ - * /): its rule on the two numbers, as a node.

    A plain number ``y`` is folded into the node: the node keeps ``y`` itself
    where its second parent would be (``number_operands.py``).
    """
    names = {
        "op": op, "name": op.name, "domain": op.domain,
        "folded": Folded(op, False, kinds.constant),
        # + - * have local derivatives of 1, -1 or an operand: finite when the output is.
        "check_locals": op not in (ops.ADD, ops.SUB, ops.MUL),
        "Value": kinds.value, "number_operand": number_operand,
        "check_domain": check_domain, "refuse_overflow": refuse_overflow,
        "constant": kinds.constant, "new": object.__new__, "Node": kinds.node,
        "grad_mode": grad_mode, "m": FLOAT,
    }  # fmt: skip
    method = compile_method(_BINARY_TEMPLATE, op.rule, ("x", "y"), ("out", "da", "db"), names)
    method.__name__ = method.__qualname__ = op.method
    method.__doc__ = op.doc
    return method


def _reflected_method(
    op: Op, kinds: NodeKinds, forward: Callable[[Any, Any], Any], check_domain: Callable[..., None]
) -> Callable[[Any, Any], Any]:
    """``y + x`` for a plain number ``y`` and a Value ``x``: folded, the number first.
    ``forward`` is ``x + y``, for a Value ``y``."""
    rule, domain, name = op.rule, op.domain, op.name
    folded = Folded(op, True, kinds.constant)
    value, constant, make = kinds.value, kinds.constant, kinds.make

    def method(self: Any, other: Any) -> Any:
        if isinstance(other, value):
            return forward(other, self)
        y = number_operand(other, name, True)
        if y is NotImplemented:
            return y
        x = self.data
        if domain:
            check_domain(op, None, self, y, x)
        out, dy, dx = rule(FLOAT, y, x)
        if out - out != 0.0 or dx - dx != 0.0 or dy - dy != 0.0:
            refuse_overflow(op, (constant(y), self), out, (dy, dx))
        return make(out, folded, self, dx, None, y)

    method.__name__ = method.__qualname__ = "__r" + op.method[2:]
    method.__doc__ = op.doc
    return method


def _domain_checker(constant: Callable[[float], Any]) -> Callable[..., None]:
    def check_domain(op: Op, a: Any, b: Any, x: float, y: float) -> None:
        """Raise the op's own error when ``(x, y)`` is outside its domain; ``a``, ``b``
        (None: a number) are the operands the message names."""
        failure = op.first_failure(x, y)
        if failure is not None:
            operands = (constant(x) if a is None else a, constant(y) if b is None else b)
            raise failure[0].exception(op.name, operands)

    return check_domain


__all__ = ["NodeKinds", "install"]
