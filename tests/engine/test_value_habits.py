"""Habits users bring from PyTorch and micrograd, each doing what they expect."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import graphviz
import pytest

from autograd_lite import Value

# --- PyTorch habits ------------------------------------------------------------------


def test_backward_with_a_number_seeds_the_output_gradient_like_pytorch():
    x = Value(3.0, label="x")
    (x * x).backward(2.0)  # d(x^2)/dx = 6, seeded with 2
    assert x.grad == 12.0
    y = Value(3.0)
    f = y * y
    f.backward(gradient=0.5)
    assert (y.grad, f.grad) == (3.0, 0.5)


def test_backward_keeps_create_graph_a_keyword():
    x = Value(3.0)
    with pytest.raises(TypeError, match="create_graph is a keyword"):
        (x * x).backward(True)
    with pytest.raises(ValueError, match="finite"):
        (x * x).backward(math.nan)


def test_create_graph_seeded_gives_seed_times_the_gradient_graph():
    x = Value(2.0)
    (x**3).backward(3.0, create_graph=True)  # 3 * 3x^2 = 36
    assert isinstance(x.grad, Value) and x.grad.data == 36.0


def test_create_graph_gradients_are_new_nodes_never_the_forward_nodes():
    x, w = Value(2.0, label="x"), Value(3.0, label="w")
    f = x * w
    f.backward(create_graph=True)
    assert x.grad is not w and w.grad is not x
    assert (x.grad.data, w.grad.data) == (3.0, 2.0)
    forward = set(f.topological_order())
    assert not any(n.grad in forward for n in forward if isinstance(n.grad, Value))
    # x.grad's own graph still leads back to w: d(x.grad)/dw = 1, which the
    # leaf w adds to the 2 it holds from f's pass
    x.grad.backward()
    assert isinstance(w.grad, Value) and w.grad.data == 3.0


def test_repr_never_recurses_through_gradients_that_point_at_each_other():
    x, w = Value(2.0, label="x"), Value(3.0, label="w")
    (x * w).backward(create_graph=True)
    x.grad.grad = w  # a cycle a user could build by hand
    w.grad = x.grad
    assert repr(x) == "Value(data=2.0, grad=<Value 3.0>, label='x')"
    assert repr(w).startswith("Value(data=3.0, grad=<Value 3.0>")


@pytest.mark.parametrize("fn", [math.tanh, math.exp, math.sqrt, float])
def test_math_functions_and_float_on_a_value_are_type_errors_that_say_what_to_use(fn):
    v = Value(0.5, label="v")
    with pytest.raises(TypeError, match=r"Value 'v'.*v\.tanh\(\).*v\.data / v\.item\(\)"):
        fn(v)


def test_item_and_format_give_the_number():
    v = Value(2.0 / 3.0, label="v")
    assert v.item() == v.data
    assert f"{v:.3f}" == "0.667" and f"{v:>8.2f}" == "    0.67"
    assert f"{v}" == repr(v)


# --- micrograd habits -----------------------------------------------------------------


def lecture_neuron() -> dict[str, Value]:
    """The "building micrograd" lecture's neuron, written as its cells write it."""
    x1 = Value(2.0, label="x1")
    x2 = Value(0.0, label="x2")
    w1 = Value(-3.0, label="w1")
    w2 = Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    x1w1x2w2 = x1w1 + x2w2
    x1w1x2w2.label = "x1*w1 + x2*w2"
    n = x1w1x2w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return dict(x1=x1, x2=x2, w1=w1, w2=w2, b=b, x1w1=x1w1, x2w2=x2w2, s=x1w1x2w2, n=n, o=o)


def test_the_lectures_manual_backward_cells_give_its_numbers():
    v = lecture_neuron()
    v["o"].grad = 1.0
    for name in ("o", "n", "s", "x1w1", "x2w2"):  # o._backward(); n._backward(); ...
        v[name]._backward()
    assert v["n"].grad == pytest.approx(0.5)  # 1 - tanh(n)^2 = 1 - 0.7071^2
    assert (v["x1"].grad, v["w1"].grad) == (pytest.approx(-1.5), pytest.approx(1.0))
    assert (v["x2"].grad, v["w2"].grad) == (pytest.approx(0.5), 0.0)


def test_the_lectures_topological_sort_and_backward_loop_run_as_written():
    v = lecture_neuron()
    o = v["o"]
    topo, visited = [], set()

    def build_topo(node):
        if node not in visited:
            visited.add(node)
            for child in node._prev:
                build_topo(child)
            topo.append(node)

    build_topo(o)
    o.grad = 1.0
    for node in reversed(topo):
        node._backward()
    assert v["x1"].grad == pytest.approx(-1.5) and v["w1"].grad == pytest.approx(1.0)


def test_the_lectures_draw_dot_reads_prev_op_data_grad_and_label():
    v = lecture_neuron()
    v["o"].backward()
    dot = graphviz.Digraph(format="svg", graph_attr={"rankdir": "LR"})
    nodes, edges = set(), set()

    def build(node):
        if node not in nodes:
            nodes.add(node)
            for child in node._prev:
                edges.add((child, node))
                build(child)

    build(v["o"])
    for n in nodes:
        uid = str(id(n))
        label = "{ %s | data %.4f | grad %.4f }" % (n.label, n.data, n.grad)  # noqa: UP031
        dot.node(name=uid, label=label, shape="record")
        if n._op:
            dot.node(name=uid + n._op, label=n._op)
            dot.edge(uid + n._op, uid)
    for n1, n2 in edges:
        dot.edge(str(id(n1)), str(id(n2)) + n2._op)
    assert "{ o | data 0.7071 | grad 1.0000 }" in dot.source
    assert "{ x1 | data 2.0000 | grad -1.5000 }" in dot.source
    assert 'label=tanh' in dot.source and v["o"]._op == "tanh" and v["x1"]._op == ""
    assert v["n"]._prev == {v["s"], v["b"]}


def test_prev_and_op_are_read_only_like_the_rest_of_the_graph():
    v = Value(1.0) + Value(2.0)
    with pytest.raises(AttributeError):
        v._prev = set()
    with pytest.raises(AttributeError):
        v._op = "*"


def test_a_value_takes_extra_attributes_as_micrograd_optimizers_add_them():
    p = Value(1.0, label="w")
    p.m, p.v = 0.0, 0.0  # Adam state kept on the parameter
    p.m = 0.9 * p.m + 0.1 * 2.0
    assert (p.m, p.v) == (pytest.approx(0.2), 0.0)
    assert Value(1.0).__dict__ == {}


def test_a_node_stays_under_150_bytes_with_room_for_extra_attributes():
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    import engine

    assert engine.bytes_per_node(Value, 20_000) <= 150
