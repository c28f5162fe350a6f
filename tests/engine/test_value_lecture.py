"""The lectures' worked examples, with the lectures' numbers."""

import math

import pytest

from autograd_lite import Value, grad


def test_x_plus_y_times_z_gives_minus4_minus4_3(lecture_graph):
    # Seed lecture 001: f = (x + y) z at x = -2, y = 5, z = -4.
    x, y, z, q, f = lecture_graph()
    f.backward()
    assert (q.data, f.data) == (3.0, -12.0)
    assert (x.grad, y.grad, z.grad) == (-4.0, -4.0, 3.0)
    assert q.grad == -4.0  # df/dq = z
    assert f.grad == 1.0


@pytest.mark.parametrize("t", [-2.3, -0.4, 0.0, 0.7, 1.9])
def test_multivariate_chain_rule_y_plus_exp_xy_matches_closed_form(t):
    # Seed lecture 004: f(x, y) = y + e^{xy}, x = cos t, y = t^2;
    # df/dt = y e^{xy} (-sin t) + (1 + x e^{xy}) 2t.
    tv = Value(t, label="t")
    x = tv.cos()
    y = tv**2
    f = y + (x * y).exp()
    f.backward()
    xv, yv = math.cos(t), t * t
    closed = yv * math.exp(xv * yv) * (-math.sin(t)) + (1 + xv * math.exp(xv * yv)) * 2 * t
    assert tv.grad == pytest.approx(closed, rel=1e-12, abs=1e-12)
    # the partials the lecture writes down, node by node
    assert x.grad == pytest.approx(yv * math.exp(xv * yv), rel=1e-12)
    assert y.grad == pytest.approx(1 + xv * math.exp(xv * yv), rel=1e-12)


def test_fan_out_through_the_functional_api_gives_the_same_number():
    def f(t):
        x, y = t.cos(), t**2
        return y + (x * y).exp()

    t = 0.7
    xv, yv = math.cos(t), t * t
    closed = yv * math.exp(xv * yv) * (-math.sin(t)) + (1 + xv * math.exp(xv * yv)) * 2 * t
    assert grad(f)(t) == pytest.approx(closed, rel=1e-12)


def test_shared_intermediate_diamond_sums_both_paths():
    # a feeds b and c, both feed d: dd/da = dd/db * db/da + dd/dc * dc/da.
    a = Value(1.5, label="a")
    b = a * 3.0
    c = a.exp()
    d = b * c
    d.backward()
    # d = 3a e^a, so dd/da = 3 e^a + 3 a e^a
    assert a.grad == pytest.approx(3 * math.exp(1.5) * (1 + 1.5), rel=1e-12)


def test_a_times_a_has_two_edges_and_derivative_2a():
    a = Value(-3.0, label="a")
    f = a * a
    assert f.parents == (a, a)
    assert f.local_grads == (-3.0, -3.0)
    f.backward()
    assert a.grad == -6.0


def test_a_plus_a_has_derivative_2():
    a = Value(4.0, label="a")
    f = a + a
    f.backward()
    assert a.grad == 2.0
