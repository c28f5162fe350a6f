"""On random graphs, stepping to the end gives exactly backward()'s grads."""

from __future__ import annotations

import math

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autograd_lite import Value
from autograd_lite.play.stepper import BACKWARD, SEED, Stepper

BINARY = ["+", "-", "*", "/"]
UNARY = ["tanh", "sigmoid", "sin", "cos", "relu", "softplus", "neg", "abs", "square", "exp"]


def apply(op, a, b):
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "/":
        return a / b if abs(b.data) > 0.1 else a + b
    if op == "neg":
        return -a
    if op == "abs":
        return abs(a)
    if op == "square":
        return a**2
    if op == "exp":
        return a.exp() if a.data < 5 else a.tanh()
    return getattr(a, op)()


@st.composite
def graphs(draw):
    """A random graph: leaves (some labelled, some constants), then operations
    whose operands are drawn from everything made so far, so nodes fan out and
    are sometimes used twice by one operation."""
    n_leaves = draw(st.integers(1, 4))
    nodes = []
    for i in range(n_leaves):
        data = draw(st.floats(-3, 3, allow_nan=False).map(lambda v: round(v, 3)))
        label = draw(st.sampled_from([f"x{i}", None, "w"]))
        nodes.append(Value(data, label=label))
    for _ in range(draw(st.integers(1, 12))):
        op = draw(st.sampled_from(BINARY + UNARY))
        a = nodes[draw(st.integers(0, len(nodes) - 1))]
        b = nodes[draw(st.integers(0, len(nodes) - 1))]
        if draw(st.booleans()) and op in BINARY:
            b = draw(st.sampled_from([2.0, 0.5, -1.0]))
            b = Value(b) if op != "/" else Value(2.0)
        nodes.append(apply(op, a, b))
    return nodes[-1]


def grads_now(order):
    return [n.grad if n.grad_computed else None for n in order]


@settings(max_examples=150, deadline=None)
@given(graphs())
def test_stepper_final_grads_equal_backward(root):
    assume(all(math.isfinite(n.data) for n in root.topological_order()))
    s = Stepper(root)
    s.end()
    stepped = grads_now(s.order)
    assert all(g is not None for g in stepped)
    for n in s.order:
        n.grad = None
    root.backward()
    assert stepped == [n.grad for n in s.order]


@settings(max_examples=75, deadline=None)
@given(graphs(), st.data())
def test_one_backward_step_per_edge_and_back_undoes_each(root, data):
    assume(all(math.isfinite(n.data) for n in root.topological_order()))
    s = Stepper(root)
    order = s.order
    assert [st.node for st in s.steps[: len(order)]] == order
    edges = sum(len(n.parents) for n in order)
    assert [st.kind for st in s.steps[len(order) :]] == [SEED] + [BACKWARD] * edges
    # going forward and then back through every position restores each state
    states = [grads_now(order)]
    while s.next() is not None:
        states.append(grads_now(order))
    for position in range(len(s) - 1, -1, -1):
        s.back()
        assert grads_now(order) == states[position]
    target = data.draw(st.integers(0, len(s)))
    s.jump(target)
    assert grads_now(order) == states[target]
    assert [g for *_, g in s.rows()] == states[target]
