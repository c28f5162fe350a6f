"""Numbers mixed into arithmetic: folded into their node until someone looks.

``x * 1.0001 + 0.001`` has two numbers in it. Each could be a leaf node of
its own, as a Value the user made is; but a leaf costs an object, and in a
loop of such lines the numbers would be half the graph. So the node made
from a Value and a number keeps the number in place of its second parent:
one parent (the Value) with its local derivative, the number itself, and a
``Folded`` record saying which op it was and on which side the number stood.
The fast backward pass sees a one-parent node and needs nothing else.

Anyone who *looks* at the graph (``parents``, ``local_grads``,
``operation``, ``topological_order``, so the stepper, ``trace``, the
drawings, ``grad`` and ``create_graph``) sees the number as the constant
leaf it always was: the first look ``unfold``\\ s the node, putting a
constant leaf in the number's place with its local derivative from the
op's own rule, and giving the constant the gradient the last backward pass
would have given it. From then on the node is an ordinary two-parent node.

A number's gradient is its gradient from the last pass, as an interior
node's is: nobody accumulates gradient into a literal. (A Value the user
made, labelled or not, is a leaf and accumulates, like PyTorch's.)

>>> from autograd_lite import Value
>>> x = Value(2.0, label="x")
>>> y = x * 3.0
>>> y.backward()
>>> [(p.label, p.data, p.grad) for p in y.parents]
[('x', 2.0, 3.0), (None, 3.0, 2.0)]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .backprop import PASS_LOCK
from .float_math import FLOAT
from .op_record import Op


class Folded:
    """The record of a node made from a Value and a number by the two-input ``op``.

    ``constant_first``: the number was the left operand (``2 - x``).
    ``name`` is the op's own, so ``node.op`` reads the same folded or not.
    """

    __slots__ = ("op", "name", "constant_first", "_constant")

    def __init__(self, op: Op, constant_first: bool, constant: Callable[[float], Any]) -> None:
        self.op = op
        self.name = op.name
        self.constant_first = constant_first
        self._constant = constant

    def unfold(self, node: Any) -> None:
        """Put a constant leaf in the number's place in ``node``; a no-op once done."""
        with PASS_LOCK:  # never in the middle of a backward pass, never twice
            if node._record is not self:
                return
            k = self._constant(node._db)
            v = node._a
            a, b = (k, v) if self.constant_first else (v, k)
            out, da, db = self.op.rule(FLOAT, a.data, b.data)
            g = node._grad
            if g is not None:  # what the last pass would have added into it
                k._grad = 0.0 + g * (da if self.constant_first else db)
            # Readers test ``_b`` without the lock (``backprop.unfold_numbers``):
            # everything else is in place before it is set, and the record last.
            node._a, node._da, node._db = a, da, db
            node._b = b
            node._record = self.op

    def __repr__(self) -> str:
        side = "number first" if self.constant_first else "number second"
        return f"Folded({self.name!r}, {side})"


class NumberMark:
    """The record of a constant leaf: a number in the graph (``op`` reads ``''``).

    Its gradient is reset by every backward pass that reaches it, as an
    interior node's is, instead of accumulating as a Value's does.
    """

    name = ""

    def __repr__(self) -> str:
        return "NUMBER"


NUMBER = NumberMark()
"""The ``_record`` of every constant leaf."""


__all__ = ["NUMBER", "Folded", "NumberMark"]
