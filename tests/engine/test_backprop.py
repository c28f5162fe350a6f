"""Gradient semantics: repeated backward, zero_grad, no_grad, detach, order."""

import threading

import pytest

from autograd_lite import Value, no_grad


def test_grad_starts_at_zero_and_is_not_computed():
    x = Value(1.0)
    assert x.grad == 0.0
    assert x.grad_computed is False


def test_backward_twice_doubles_leaf_grads_exactly_and_keeps_interior(lecture_graph):
    x, y, z, q, f = lecture_graph()
    f.backward()
    f.backward()
    assert (x.grad, y.grad, z.grad) == (-8.0, -8.0, 6.0)
    assert q.grad == -4.0  # interior: this pass's gradient only
    assert f.grad == 1.0


def test_backward_n_times_is_n_times_one_pass():
    a = Value(0.3)
    f = (a * a).tanh() + a.exp() * a
    f.backward()
    once = a.grad
    for _ in range(4):
        f.backward()
    assert a.grad == pytest.approx(5 * once, rel=1e-15)


def test_zero_grad_zeroes_every_reachable_node(lecture_graph):
    x, y, z, q, f = lecture_graph()
    f.backward()
    f.zero_grad()
    assert all(n.grad == 0.0 for n in (x, y, z, q, f))
    f.backward()
    assert (x.grad, y.grad, z.grad) == (-4.0, -4.0, 3.0)


def test_backward_from_a_leaf_adds_one():
    x = Value(2.0)
    x.backward()
    x.backward()
    assert x.grad == 2.0


def test_topological_order_parents_first_root_last_deterministic(lecture_graph):
    x, y, z, q, f = lecture_graph()
    order = f.topological_order()
    assert order == [x, y, q, z, f]
    assert f.topological_order() == order
    position = {n: i for i, n in enumerate(order)}
    for node in order:
        for parent in node.parents:
            assert position[parent] < position[node]


def test_no_grad_records_no_parents():
    x = Value(3.0)
    with no_grad():
        y = x * x + 1
    assert y.parents == ()
    assert y.op == ""
    assert y.data == 10.0
    z = x * x  # recording again after the block
    assert z.parents == (x, x)


def test_no_grad_is_thread_local():
    x = Value(2.0)
    inside, other = threading.Event(), threading.Event()
    seen = {}

    def worker():
        inside.wait()
        seen["parents"] = (x * x).parents
        other.set()

    t = threading.Thread(target=worker)
    t.start()
    with no_grad():
        inside.set()
        other.wait()
        assert (x * x).parents == ()
    t.join()
    assert seen["parents"] == (x, x)


def test_detach_makes_a_leaf_that_stops_gradients():
    x = Value(3.0, label="x")
    y = x * x
    d = y.detach()
    assert d.parents == () and d.data == 9.0 and d.label == y.label
    f = d * x
    f.backward()
    assert x.grad == 9.0  # not 27: nothing flows through d


@pytest.mark.slow
def test_million_node_chain_backpropagates_without_recursion_error():
    x = Value(1.0)
    y = x
    for _ in range(1_000_000):
        y = y + 1.0
    y.backward()
    assert y.data == 1_000_001.0
    assert x.grad == 1.0
    assert len(y.topological_order()) == 2_000_001  # each + has a constant leaf


def test_repr_shows_data_grad_op_label(lecture_graph):
    x, y, z, q, f = lecture_graph()
    f.backward()
    assert repr(f) == "Value(data=-12.0, grad=1.0, op='*', label='f')"
    assert repr(x) == "Value(data=-2.0, grad=-4.0, label='x')"


def test_parents_and_local_grads_are_aligned_tuples():
    a, b = Value(2.0), Value(5.0)
    f = a / b
    assert f.parents == (a, b)
    assert f.local_grads == pytest.approx((0.2, -2.0 / 25.0))
    t = a.tanh()
    assert t.parents == (a,) and len(t.local_grads) == 1
    assert a.parents == () and a.local_grads == () and a.op == ""


def test_values_hash_by_identity_and_compare_by_data():
    a, b = Value(1.0), Value(1.0)
    assert len({a, b}) == 2
    assert a <= b and not a < b and Value(2.0) > 1
    assert max([Value(1.0), Value(3.0), Value(2.0)]).data == 3.0
    assert Value(2.5).item() == 2.5  # float(v) is refused: see test_value_errors
