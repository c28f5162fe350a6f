"""Nested ``grad``: the outer derivative sees what the inner one closes over or is passed.

Expected values are derived by hand (each test says how); the cases named
after HIPS autograd's nesting tests (tests/test_graphs.py there) use the
same functions and points, with the closed forms those tests check
numerically.
"""

from __future__ import annotations

import math

import pytest

from autograd_lite import Value, grad, hessian, value_and_grad


def sin(v):
    """sin of a Value, or of a number an argument grad does not differentiate passes as it is."""
    return (v if isinstance(v, Value) else Value(v)).sin()


def exp(v):
    return (v if isinstance(v, Value) else Value(v)).exp()


def test_inner_grad_of_a_passed_argument_keeps_the_outer_derivative():
    # inner: d/dy (x y) = x, so the outer function is x * x: derivative 2x = 6 at 3.
    outer = lambda x: x * grad(lambda x, y: x * y, argnums=1)(x, 2.0)
    assert grad(outer)(3.0) == 6.0


def test_inner_grad_of_a_closed_over_value_keeps_the_outer_derivative():
    # d/dy (x y) = x closes over x: the outer function is x * x, derivative 2x = 4 at 2.
    assert grad(lambda x: x * grad(lambda y: x * y)(1.0))(2.0) == 4.0


@pytest.mark.parametrize("x", [-3.0, 0.0, 0.5, 2.0, 1e6])
def test_perturbation_confusion_d_dx_of_x_times_d_dy_of_x_plus_y_is_1_for_every_x(x):
    # d/dy (x + y) = 1, so the outer function is x * 1: derivative 1 (as JAX gives).
    assert grad(lambda x: x * grad(lambda y: x + y)(1.0))(x) == 1.0


def test_an_inner_variable_given_the_outer_value_is_not_confused_with_it():
    # inner f(y) = x y, f'(y) = x, taken at y = x: the outer function is x, derivative 1.
    assert grad(lambda x: grad(lambda y: x * y)(x))(5.0) == 1.0


def test_mixed_partial_grad_of_grad_argnums_1_by_argnums_0():
    # f = x y^2: df/dy = 2 x y, d/dx (df/dy) = 2 y = 4 at y = 2.
    f = lambda x, y: x * y * y
    assert grad(grad(f, argnums=1), argnums=0)(3.0, 2.0) == 4.0
    # and the other order: df/dx = y^2, d/dy = 2 y.
    assert grad(grad(f, argnums=0), argnums=1)(3.0, 2.0) == 4.0


def test_value_and_grad_inside_grad_gives_both_as_values_of_the_outer_variable():
    # at y = 1: the value x y^2 is x and its slope 2 x y is 2 x, so outer(x) = 3 x.
    def outer(x):
        value, slope = value_and_grad(lambda y: x * y * y)(1.0)
        return value + slope

    assert grad(outer)(4.0) == 3.0


def test_nested_grad_hessian_and_create_graph_agree_on_every_second_derivative():
    f = lambda x, y: sin(x * y) + x * x * exp(y)
    a, b = 0.7, -0.4
    # closed form: f_xx = -y^2 sin(xy) + 2 e^y; f_xy = cos(xy) - xy sin(xy) + 2x e^y;
    # f_yy = -x^2 sin(xy) + x^2 e^y
    s, c, e = math.sin(a * b), math.cos(a * b), math.exp(b)
    exact = [[-b * b * s + 2 * e, c - a * b * s + 2 * a * e], [0.0, -a * a * s + a * a * e]]
    exact[1][0] = exact[0][1]
    by_grad = [[grad(grad(f, argnums=i), argnums=j)(a, b) for j in (0, 1)] for i in (0, 1)]
    by_hessian = hessian(f)(a, b).tolist()
    x, y = Value(a), Value(b)
    out = f(x, y)
    out.backward(create_graph=True)
    gx, gy = x.grad, y.grad
    by_create_graph = []
    for g in (gx, gy):
        x.grad = y.grad = 0.0
        g.backward()
        by_create_graph.append([x.grad, y.grad])
    for table in (by_grad, by_hessian, by_create_graph):
        for i in (0, 1):
            for j in (0, 1):
                assert table[i][j] == pytest.approx(exact[i][j], rel=1e-12, abs=1e-15)


def test_third_derivative_through_three_nested_grads():
    # (sin x)''' = -cos x
    assert grad(grad(grad(lambda x: x.sin())))(0.3) == pytest.approx(-math.cos(0.3), rel=1e-14)


# --- the functions and points of HIPS autograd's nesting tests ----------------


def test_hips_grad_identity():
    df = grad(lambda x: x)
    assert df(2.0) == 1.0 and grad(df)(2.0) == 0.0


@pytest.mark.parametrize("inner", [lambda x, y: x * y, lambda x, y: y * x])
def test_hips_enclosing_scope_ref(inner):
    # fun(x) = x * d/dy (x y) at y = 2 = x^2: derivative 2x = 2 at 1.
    fun = lambda x: x * grad(lambda y: inner(x, y))(2.0)
    assert fun(1.0) == 1.0
    assert grad(fun)(1.0) == 2.0


def test_hips_grad_fanout():
    # fun = sin(2 sin x): fun' = 2 cos x cos(2 sin x);
    # fun'' = -2 sin x cos(2 sin x) - 4 cos^2 x sin(2 sin x)
    fun = lambda x: (x.sin() + x.sin()).sin()
    x = 0.6
    u = 2 * math.sin(x)
    assert grad(fun)(x) == pytest.approx(2 * math.cos(x) * math.cos(u), rel=1e-14)
    second = -2 * math.sin(x) * math.cos(u) - 4 * math.cos(x) ** 2 * math.sin(u)
    assert grad(grad(fun))(x) == pytest.approx(second, rel=1e-13)


def test_hips_third_derivative_other_args():
    # fun = sin(s), s = sin x + sin y. df/dy = cos s cos y;
    # d2/dx dy = -sin s cos x cos y; d2/dy2 = -sin s cos^2 y - cos s sin y;
    # d3/dx dy2 = -cos s cos x cos^2 y + sin s cos x sin y (d/dx of d2/dy2)
    fun = lambda x, y: sin(sin(x) + sin(y))
    x, y = 0.4, -1.1
    s = math.sin(x) + math.sin(y)
    ddf = grad(fun, argnums=1)
    assert ddf(x, y) == pytest.approx(math.cos(s) * math.cos(y), rel=1e-14)
    assert grad(ddf, argnums=0)(x, y) == pytest.approx(
        -math.sin(s) * math.cos(x) * math.cos(y), rel=1e-13
    )
    d2y = grad(ddf, argnums=1)
    assert d2y(x, y) == pytest.approx(
        -math.sin(s) * math.cos(y) ** 2 - math.cos(s) * math.sin(y), rel=1e-13
    )
    third = -math.cos(s) * math.cos(x) * math.cos(y) ** 2 + math.sin(s) * math.cos(x) * math.sin(y)
    assert grad(d2y, argnums=0)(x, y) == pytest.approx(third, rel=1e-12)


def test_hips_hess_vector_product():
    # fun(x) = sin(v . x); grad = cos(v . x) v; vector_product(x, u) = sin(u . grad fun(x)).
    # d/dx vector_product = cos(u . g) * (u . d g/dx) with dg/dx = -sin(v . x) v v^T,
    # so d/dx_k = -cos(u . g) sin(v . x) (u . v) v_k.
    v, a, u = [0.3, -1.2, 0.5], [0.2, 0.4, -0.7], [1.1, 0.6, -0.3]

    def fun(x):
        return sum((vi * xi for vi, xi in zip(v[1:], x[1:])), v[0] * x[0]).sin()

    def vector_product(x, w):
        g = grad(fun)(x)
        return sum((wi * gi for wi, gi in zip(w[1:], g[1:])), w[0] * g[0]).sin()

    vx = sum(vi * ai for vi, ai in zip(v, a))
    g = [math.cos(vx) * vi for vi in v]
    ug = sum(ui * gi for ui, gi in zip(u, g))
    uv = sum(ui * vi for ui, vi in zip(u, v))
    expected = [-math.cos(ug) * math.sin(vx) * uv * vk for vk in v]
    got = grad(vector_product)(a, u)
    assert got == pytest.approx(expected, rel=1e-12)
