"""Plain numbers in arithmetic (``x * 3.0``, ``2 - x``): folded into their node for
speed, and still the constant leaves they always were to anyone who looks."""

from __future__ import annotations

import gc
import sys

import pytest

from autograd_lite import Stepper, Value, draw, no_grad, to_text
from autograd_lite.engine.float_math import FLOAT


def test_x_times_3_shows_the_constant_3_with_gradient_x():
    x = Value(-2.0, label="x")
    f = x * 3.0
    f.backward()
    assert x.grad == 3.0
    (px, three) = f.parents
    assert px is x and three.data == 3.0 and three.label is None and three.parents == ()
    assert three.grad == -2.0  # df/d3 = x
    assert f.local_grads == (3.0, -2.0)
    assert f.op == "*" and f.operation.name == "*"


def test_2_minus_x_keeps_the_number_on_the_left():
    x = Value(5.0, label="x")
    f = 2 - x
    f.backward()
    two, px = f.parents
    assert (two.data, px) == (2.0, x)
    assert f.local_grads == (1.0, -1.0)
    assert (two.grad, x.grad) == (1.0, -1.0)


@pytest.mark.parametrize(
    "make, data, local",
    [
        (lambda x: x + 4, 7.0, (1.0, 1.0)),
        (lambda x: 4 + x, 7.0, (1.0, 1.0)),
        (lambda x: x - 4, -1.0, (1.0, -1.0)),
        (lambda x: x * 4, 12.0, (4.0, 3.0)),
        (lambda x: 4 * x, 12.0, (3.0, 4.0)),
        (lambda x: x / 4, 0.75, (0.25, -0.75 / 4)),
        (lambda x: 6 / x, 2.0, (1 / 3, -2.0 / 3)),
    ],
)
def test_each_folded_op_unfolds_to_its_rule_on_two_values(make, data, local):
    x = Value(3.0, label="x")
    node = make(x)
    a, b = node.parents
    assert x in (a, b) and {a.data, b.data} in ({3.0, 4.0}, {3.0, 6.0})
    # the op's own rule, run on the two numbers, gives the node's data and locals
    assert (node.data, *node.local_grads) == node.operation.rule(FLOAT, a.data, b.data)
    assert node.data == data and node.local_grads == pytest.approx(local, rel=1e-15)


def test_numbers_are_drawn_and_narrated_as_constants():
    x, z = Value(-2.0, label="x"), Value(-4.0, label="z")
    f = (x + 2) * z
    f.backward()
    assert "data 2" in draw(f).source  # the constant has its box
    text = to_text(f)
    assert "c1" in text or "constant" in text
    s = Stepper(f)
    s.end()
    # the walk names the constant c1 = 2 and gives it d f/d c1 = z = -4
    assert "c1 = 2   (constant)" in s.narration()
    assert "(c1.grad = \u22124)" in s.narration()
    two = [p for p in f.parents[0].parents if p is not x][0]
    assert two.data == 2.0 and two.grad == -4.0


def test_a_number_gets_this_passs_gradient_and_a_value_adds_up():
    x = Value(3.0, label="x")
    f = x * 2.0
    f.backward()
    f.backward()
    assert x.grad == 4.0  # a leaf the user made accumulates, like PyTorch's
    two = f.parents[1]
    assert two.grad == 3.0  # the number holds the last pass's, as interior nodes do
    f.backward()
    assert (x.grad, two.grad) == (6.0, 3.0)  # and still does once it has been looked at


def test_micrograds_prev_and_backward_see_the_constants():
    x = Value(3.0, label="x")
    f = x * 2.0 + 1.0
    topo, seen = [], set()

    def build(v):  # micrograd's own topological sort, by _prev
        if v not in seen:
            seen.add(v)
            for child in v._prev:
                build(child)
            topo.append(v)

    build(f)
    assert len(topo) == 5  # x, 2, x*2, 1, f
    f.grad = 1.0
    for v in reversed(topo):
        v._backward()
    assert x.grad == 2.0


def test_zero_grad_reaches_the_constants():
    x = Value(3.0, label="x")
    f = x * 2.0
    f.backward()
    f.zero_grad()
    assert [n.grad for n in f.topological_order()] == [0.0, 0.0, 0.0]


def test_no_grad_records_no_number_either():
    x = Value(3.0)
    with no_grad():
        y = x * 2.0 + 1.0
    assert y.parents == () and y.data == 7.0


@pytest.mark.parametrize(
    "make, error, words",
    [
        (lambda x: x * float("inf"), ValueError, "finite numbers, got inf"),
        (lambda x: float("nan") + x, ValueError, "finite numbers, got nan"),
        (lambda x: x / 0, ZeroDivisionError, "non-zero divisor"),
        (lambda x: x * 1e308 * 10.0, OverflowError, "*"),
        (lambda x: 1e308 * (x * 1e308), OverflowError, "*"),
        (lambda x: x + "a", TypeError, "Value and str"),
        (lambda x: "a" * x, TypeError, "str and Value"),
        (lambda x: x - 10**400, OverflowError, "too large for a float"),
    ],
)
def test_bad_numbers_are_refused_with_the_op_and_the_number_named(make, error, words):
    x = Value(3.0, label="x")
    with pytest.raises(error) as caught:
        make(x)
    assert words in str(caught.value)


def test_ints_bools_and_numpy_numbers_fold_like_floats():
    np = pytest.importorskip("numpy")
    x = Value(3.0, label="x")
    for k in (2, True, np.float64(2.0), np.int32(2)):
        f = x * k
        assert type(f.data) is float and f.parents[1].data == float(k)
        assert type(f.parents[1].data) is float


def test_user_leaves_take_attributes_and_interior_nodes_are_slots_only():
    p = Value(0.5, label="w")
    p.m = 0.0  # as code written for micrograd sets on parameters
    p.m += 1.0
    assert p.m == 1.0
    node = p * 2.0
    with pytest.raises(AttributeError):
        node.m = 0.0
    assert type(p).__name__ == type(node).__name__ == "Value"  # what messages show
    assert isinstance(p, Value) and isinstance(node, Value)


def test_no_global_collector_setting_changes_across_forward_and_backward():
    before = (gc.isenabled(), gc.get_threshold(), gc.get_freeze_count())
    x = Value(0.5, label="x")
    f = sum((x * k + 1.0).tanh() for k in range(2000))
    f.backward()
    f.backward(create_graph=True)
    f.topological_order()
    assert (gc.isenabled(), gc.get_threshold(), gc.get_freeze_count()) == before
    gc.disable()  # a user who turned the collector off finds it off
    try:
        (x * 2.0).backward()
        assert not gc.isenabled()
    finally:
        if before[0]:
            gc.enable()


def test_threads_looking_at_one_graph_while_another_backpropagates_agree():
    import threading

    x = Value(0.3, label="x")
    f = x
    for k in range(300):
        f = (f * 1.01 + 0.02) if k % 2 else (0.5 - f) * 2.0
    errors, seen = [], []

    def look():
        try:
            order = f.topological_order()
            seen.append([(n.data, n.local_grads) for n in order])
        except Exception as e:  # any error is the failure
            errors.append(e)

    def backprop():
        try:
            for _ in range(5):
                f.backward()
        except Exception as e:
            errors.append(e)

    threads = [threading.Thread(target=look) for _ in range(4)]
    threads.append(threading.Thread(target=backprop))
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads between almost every two bytecodes
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    finally:
        sys.setswitchinterval(interval)
    assert errors == []
    assert all(s == seen[0] for s in seen) and len(seen[0]) == 1 + 300 * 4


def test_create_graph_treats_a_number_as_the_fast_pass_does():
    x = Value(3.0, label="x")
    f = x * 2.0
    f.backward(create_graph=True)
    f.backward(create_graph=True)
    two = f.parents[1]
    assert x.grad.data == 4.0  # added up over the two passes, as a leaf's is
    assert two.grad.data == 3.0  # d f/d 2 = x, this pass's only
