"""A minimal scalar engine, the floor that ``engine.py`` measures autograd-lite against.

Only what the benchmark's workloads use (+, *, tanh, relu, backward), built the
cheapest way pure Python allows: one ``__slots__`` object per node, its
parents and their local derivatives in four slots, a number operand folded
into the local derivative (``x * 1.0001`` is one node, not two), and a
topological sort that marks visited nodes in a slot instead of a seen-set.
No checks, no labels, no narration: a yardstick, not a library.

>>> x, y = RefValue(-2.0), RefValue(5.0)
>>> f = (x + y) * RefValue(-4.0)
>>> f.backward()
>>> x.grad, y.grad
(-4.0, -4.0)
"""

from __future__ import annotations

import math
from typing import Any


class RefValue:
    """A scalar node: data, grad, up to two parents and d(self)/d(parent) for each."""

    __slots__ = ("data", "grad", "a", "b", "da", "db", "mark")

    def __init__(self, data: float, a: Any = None, da: float = 0.0, b: Any = None,
                 db: float = 0.0) -> None:  # fmt: skip
        self.data = data
        self.grad = 0.0
        self.a, self.da, self.b, self.db = a, da, b, db
        self.mark = 0

    def __add__(self, other: Any) -> RefValue:
        if type(other) is RefValue:
            return RefValue(self.data + other.data, self, 1.0, other, 1.0)
        return RefValue(self.data + other, self, 1.0)

    __radd__ = __add__

    def __mul__(self, other: Any) -> RefValue:
        if type(other) is RefValue:
            return RefValue(self.data * other.data, self, other.data, other, self.data)
        return RefValue(self.data * other, self, other)

    __rmul__ = __mul__

    def tanh(self) -> RefValue:
        t = math.tanh(self.data)
        return RefValue(t, self, 1.0 - t * t)

    def relu(self) -> RefValue:
        d = self.data
        return RefValue(d, self, 1.0) if d > 0.0 else RefValue(0.0, self, 0.0)

    def order(self) -> list[RefValue]:
        """Every node this one depends on, parents first (an iterative depth-first walk)."""
        out: list[RefValue] = []
        stack: list[Any] = [self]
        self.mark = 1
        while stack:
            node = stack[-1]
            a = node.a
            if a is not None and a.mark == 0:
                a.mark = 1
                stack.append(a)
                continue
            b = node.b
            if b is not None and b.mark == 0:
                b.mark = 1
                stack.append(b)
                continue
            out.append(stack.pop())
        return out

    def backward(self) -> None:
        """Fill ``grad`` of every node with d(self)/d(node)."""
        order = self.order()
        for node in order:
            node.grad = 0.0
            node.mark = 0
        self.grad = 1.0
        for node in reversed(order):
            g = node.grad
            if node.a is not None:
                node.a.grad += node.da * g
                if node.b is not None:
                    node.b.grad += node.db * g
