"""Backward on random graphs: valid order, and gradients that agree with
the dict-based chain rule and with central differences."""

import math
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_lite import Value
from autograd_lite.engine.backprop import _prepare_backward, chain_rule, topological_order, walk

# each step: (operation, index of first operand, index of second operand)
steps = st.lists(
    st.tuples(
        st.sampled_from(["+", "-", "*", "tanh", "sin", "sigmoid"]),
        st.integers(0, 10**6),
        st.integers(0, 10**6),
    ),
    min_size=1,
    max_size=30,
)
inputs = st.lists(st.floats(-1.5, 1.5), min_size=1, max_size=4)


def build(xs, program):
    """Run ``program`` on leaves made from ``xs``; works on Values or floats."""
    nodes = list(xs)
    for op, i, j in program:
        a, b = nodes[i % len(nodes)], nodes[j % len(nodes)]
        if op == "+":
            nodes.append(a + b)
        elif op == "-":
            nodes.append(a - b)
        elif op == "*":
            nodes.append(a * b)
        elif op == "tanh":
            nodes.append(a.tanh() if isinstance(a, Value) else math.tanh(a))
        elif op == "sin":
            nodes.append(a.sin() if isinstance(a, Value) else math.sin(a))
        else:
            nodes.append(a.sigmoid() if isinstance(a, Value) else 1 / (1 + math.exp(-a)))
    return nodes[-1]


@settings(max_examples=150, deadline=None)
@given(inputs, steps)
def test_order_has_every_reachable_node_once_parents_first(xs, program):
    leaves = [Value(x) for x in xs]
    root = build(leaves, program)
    order = topological_order(root)
    assert order[-1] is root
    assert len(set(order)) == len(order)
    position = {n: k for k, n in enumerate(order)}
    reachable, stack = set(), [root]
    while stack:
        n = stack.pop()
        if n not in reachable:
            reachable.add(n)
            stack.extend(n.parents)
    assert set(order) == reachable
    for n in order:
        assert all(position[p] < position[n] for p in n.parents)
    assert topological_order(root) == order  # deterministic


@settings(max_examples=150, deadline=None)
@given(inputs, steps)
def test_backward_walks_the_interior_nodes_in_topological_order(xs, program):
    # backward's own walk must list the same interior nodes in the same order
    # as topological_order, so every sum is added in the same order.
    leaves = [Value(x) for x in xs]
    root = build(leaves, program)
    root.backward()  # leave grads behind, as a second pass would find them
    expected = [n for n in topological_order(root) if n.parents]
    interior = _prepare_backward(root)
    assert interior == expected
    assert all(n.grad == 0.0 for n in expected)  # interior grads reset


@settings(max_examples=150, deadline=None)
@given(inputs, steps)
def test_backward_equals_the_narrated_walk_and_central_differences(xs, program):
    leaves = [Value(x) for x in xs]
    root = build(leaves, program)
    root.backward()
    by_walk = {root: 1.0}
    for c in walk(topological_order(root), root):  # the walk the Stepper narrates
        by_walk[c.parent] = c.after
    assert by_walk == chain_rule(topological_order(root), root)
    for leaf in leaves:
        assert leaf.grad == by_walk.get(leaf, 0.0)  # same sums in the same order
    h = 1e-6
    for k, leaf in enumerate(leaves):
        up = build([x + h if m == k else x for m, x in enumerate(xs)], program)
        down = build([x - h if m == k else x for m, x in enumerate(xs)], program)
        # a leaf used as several operands gets the sum of their gradients
        assert leaf.grad == pytest.approx((up - down) / (2 * h), rel=1e-4, abs=1e-5)


@pytest.mark.slow
def test_engine_benchmark_runs_in_quick_mode():
    script = Path(__file__).resolve().parents[2] / "benchmarks" / "engine.py"
    out = subprocess.run(
        [sys.executable, str(script), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    ).stdout
    sections = ("(a) wide expression", "(b) moons", "(c) deepest chain", "(d) memory",
                "(e) the floor", "(f) cost per node")  # fmt: skip
    for section in sections:
        assert section in out
    assert "10,000" in out  # our deepest chain reaches the quick ceiling


# Programs that also mix plain numbers in (x * 0.7, 1.3 - x, x / 2.5): the
# numbers are folded into their nodes until someone looks at the graph.
NUMBER_OPS = ["+", "-", "*", "tanh", "sin", "sigmoid", "+k", "k-", "*k", "k*", "/k", "-k"]
number_steps = st.lists(
    st.tuples(st.sampled_from(NUMBER_OPS), st.integers(0, 10**6), st.integers(0, 10**6)),
    min_size=1,
    max_size=30,
)


def build_with_numbers(xs, program):
    """``build`` with number operands too; the number is a function of the step, so
    the same program gives the same numbers on Values and on floats."""
    nodes = list(xs)
    for op, i, j in program:
        a, b = nodes[i % len(nodes)], nodes[j % len(nodes)]
        k = 0.5 + (j % 7) / 4  # 0.5 .. 2.0, never 0
        nodes.append(with_number(op, a, k) if op.count("k") else build([a, b], [(op, 0, 1)]))
    return nodes[-1]


def with_number(op, a, k):
    if op == "+k":
        return a + k
    if op == "k-":
        return k - a
    if op == "*k":
        return a * k
    if op == "k*":
        return k * a
    if op == "/k":
        return a / k
    return a - k


@settings(max_examples=200, deadline=None)
@given(inputs, number_steps)
def test_fast_backward_with_numbers_equals_the_narrated_walk_on_every_node(xs, program):
    leaves = [Value(x) for x in xs]
    root = build_with_numbers(leaves, program)
    root.backward()  # the fast pass: numbers stay folded
    order = topological_order(root)  # looking unfolds them into constant leaves
    by_walk = chain_rule(order, root)
    for node in order:  # every node, constants included, has the walk's gradient
        assert node.grad == by_walk.get(node, 0.0)
    h = 1e-6
    for k, leaf in enumerate(leaves):
        up = build_with_numbers([x + h if m == k else x for m, x in enumerate(xs)], program)
        down = build_with_numbers([x - h if m == k else x for m, x in enumerate(xs)], program)
        assert leaf.grad == pytest.approx((up - down) / (2 * h), rel=1e-4, abs=1e-5)


@settings(max_examples=100, deadline=None)
@given(inputs, number_steps)
def test_a_second_pass_after_looking_gives_the_same_gradients(xs, program):
    # Once unfolded, the numbers are constant leaves: a second pass must give
    # every interior node and constant the same gradient again, and leaves twice.
    leaves = [Value(x) for x in xs]
    root = build_with_numbers(leaves, program)
    root.backward()
    order = topological_order(root)
    first = {node: node.grad for node in order}
    root.backward()
    for node in order:
        expected = 2 * first[node] if node in leaves else first[node]
        assert node.grad == pytest.approx(expected, rel=1e-12, abs=1e-300)
