"""create_graph, grad of grad, hessian: against closed forms and against
central differences of first derivatives."""

import math

import numpy as np
import pytest

from autograd_lite import Value, grad, hessian, no_grad


def sig(x):
    return 1 / (1 + math.exp(-x))


# op: (function of a Value, closed-form second derivative, sample points)
SECOND = {
    "exp": (Value.exp, math.exp, [-1.3, 0.2, 1.1]),
    "log": (Value.log, lambda x: -1 / x**2, [0.3, 1.0, 2.7]),
    "sqrt": (Value.sqrt, lambda x: -0.25 * x**-1.5, [0.3, 1.0, 2.7]),
    "tanh": (Value.tanh, lambda x: -2 * math.tanh(x) / math.cosh(x) ** 2, [-1.1, 0.4, 2.0]),
    "sigmoid": (Value.sigmoid, lambda x: sig(x) * (1 - sig(x)) * (1 - 2 * sig(x)), [-2, 0.3, 1.5]),
    "relu": (Value.relu, lambda x: 0.0, [-1.0, 0.5, 2.0]),
    "softplus": (Value.softplus, lambda x: sig(x) * (1 - sig(x)), [-2.0, 0.3, 1.5]),
    "step": (Value.step, lambda x: 0.0, [-1.0, 0.5]),
    "sin": (Value.sin, lambda x: -math.sin(x), [-1.0, 0.5, 2.0]),
    "cos": (Value.cos, lambda x: -math.cos(x), [-1.0, 0.5, 2.0]),
    "abs": (abs, lambda x: 0.0, [-1.0, 0.5]),
    "neg": (lambda v: -v, lambda x: 0.0, [-1.0, 0.5]),
    "x**3": (lambda v: v**3, lambda x: 6 * x, [-1.0, 0.5, 2.0]),
    "x**-2": (lambda v: v**-2, lambda x: 6 * x**-4, [0.5, 2.0]),
    "x**0.5": (lambda v: v**0.5, lambda x: -0.25 * x**-1.5, [0.5, 2.0]),
    "2**x": (lambda v: 2**v, lambda x: 2**x * math.log(2) ** 2, [-1.0, 0.5, 2.0]),
    "1/x": (lambda v: 1 / v, lambda x: 2 / x**3, [0.5, 2.0]),
}


@pytest.mark.parametrize("name", sorted(SECOND))
def test_second_derivative_of_every_op_matches_closed_form_and_differences(name):
    fn, closed, points = SECOND[name]
    first = grad(fn)
    second = grad(grad(fn))
    h = 1e-5
    for x in points:
        assert second(x) == pytest.approx(closed(x), rel=1e-9, abs=1e-12)
        numeric = (first(x + h) - first(x - h)) / (2 * h)
        assert second(x) == pytest.approx(numeric, rel=1e-5, abs=1e-6)


BINARY = {
    # f(a, b): closed-form Hessian [[f_aa, f_ab], [f_ba, f_bb]]
    "a+b": (lambda a, b: a + b, lambda a, b: [[0, 0], [0, 0]]),
    "a-b": (lambda a, b: a - b, lambda a, b: [[0, 0], [0, 0]]),
    "a*b": (lambda a, b: a * b, lambda a, b: [[0, 1], [1, 0]]),
    "a/b": (lambda a, b: a / b, lambda a, b: [[0, -1 / b**2], [-1 / b**2, 2 * a / b**3]]),
    "a**b": (
        lambda a, b: a**b,
        lambda a, b: [
            [b * (b - 1) * a ** (b - 2), a ** (b - 1) * (1 + b * math.log(a))],
            [a ** (b - 1) * (1 + b * math.log(a)), a**b * math.log(a) ** 2],
        ],
    ),
}


@pytest.mark.parametrize("name", sorted(BINARY))
def test_hessian_of_binary_ops_matches_closed_form_and_is_symmetric(name):
    fn, closed = BINARY[name]
    for a, b in [(1.3, 0.7), (2.2, 1.9), (0.6, 2.5)]:
        h = hessian(fn)(a, b)
        assert h == pytest.approx(np.array(closed(a, b), dtype=float), rel=1e-9, abs=1e-12)
        assert h[0, 1] == h[1, 0] or h[0, 1] == pytest.approx(h[1, 0], rel=1e-12)


def test_mixed_partials_of_a_tangled_function_are_symmetric_and_match_differences():
    def f(x, y, z):
        return (x * y).sin() * z.exp() + (x / (1 + y * y)).tanh() * z**2

    p = [0.4, -0.8, 0.3]
    h = hessian(f)(*p)
    assert np.allclose(h, h.T, rtol=1e-12, atol=1e-12)
    g = grad(f, argnums=(0, 1, 2))
    eps = 1e-5
    for j in range(3):
        up = list(p)
        down = list(p)
        up[j] += eps
        down[j] -= eps
        column = (np.array(g(*up)) - np.array(g(*down))) / (2 * eps)
        assert h[:, j] == pytest.approx(column, rel=1e-5, abs=1e-7)


def test_third_derivative_of_a_polynomial():
    def p(x):
        return x**4 + 2 * x**3 - x + 5

    third = grad(grad(grad(p)))
    for x in (-1.5, 0.0, 2.0):
        assert third(x) == pytest.approx(24 * x + 12, rel=1e-12, abs=1e-12)
    assert grad(grad(grad(grad(p))))(0.7) == pytest.approx(24.0)


def test_create_graph_with_shared_intermediates():
    # q feeds f twice: f = q * q + q, q = x * y; d2f/dx2 = 2 y^2.
    x, y = Value(1.5, label="x"), Value(-0.5, label="y")
    q = x * y
    f = q * q + q
    f.backward(create_graph=True)
    gx, gy = x.grad, y.grad
    assert isinstance(gx, Value) and isinstance(gy, Value)
    assert gx.data == pytest.approx((2 * 1.5 * -0.5 + 1) * -0.5)
    x.grad = 0.0
    y.grad = 0.0
    gx.backward()  # d(df/dx)/dx = 2 y^2, d(df/dx)/dy = 4 x y + 1
    assert x.grad == pytest.approx(2 * 0.25)
    assert y.grad == pytest.approx(4 * 1.5 * -0.5 + 1)


def test_create_graph_grads_are_values_even_for_linear_functions():
    x, y = Value(1.0), Value(2.0)
    (x + y).backward(create_graph=True)
    assert isinstance(x.grad, Value) and x.grad.data == 1.0


def test_create_graph_keeps_the_leaf_accumulation_rule():
    x = Value(3.0)
    f = x * x
    f.backward(create_graph=True)
    f.backward(create_graph=True)
    assert isinstance(x.grad, Value) and x.grad.data == 12.0


def test_no_grad_inside_create_graph_gives_plain_leaf_grads():
    x = Value(2.0)
    f = x**3
    with no_grad():
        f.backward(create_graph=True)
    assert x.grad.data == 12.0
    assert x.grad.parents == ()  # nothing recorded, so nothing to differentiate


def test_first_order_results_are_unchanged_by_create_graph():
    def build():
        x, y = Value(0.3), Value(-1.2)
        return x, y, (x * y).tanh() + (x / y).exp() * x.sin()

    x1, y1, f1 = build()
    f1.backward()
    x2, y2, f2 = build()
    f2.backward(create_graph=True)
    assert x2.grad.data == pytest.approx(x1.grad, rel=1e-14)
    assert y2.grad.data == pytest.approx(y1.grad, rel=1e-14)


def test_hessian_of_logistic_loss_is_x_transpose_s_x():
    # L(w) = sum_i log(1 + exp(-y_i w.x_i)); H = X^T diag(p_i (1 - p_i)) X.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(6, 3))
    y = np.array([1, -1, 1, 1, -1, -1], dtype=float)

    def loss(w):
        total = Value(0.0)
        for xi, yi in zip(X, y):
            margin = (w[0] * xi[0] + w[1] * xi[1] + w[2] * xi[2]) * -yi
            total = total + margin.softplus()
        return total

    w = np.array([0.2, -0.4, 0.7])
    p = 1 / (1 + np.exp(-(X @ w)))
    closed = X.T @ np.diag(p * (1 - p)) @ X
    assert hessian(loss)(w) == pytest.approx(closed, rel=1e-10, abs=1e-12)


def test_hessian_refuses_values_and_non_value_results():
    with pytest.raises(TypeError, match="numbers"):
        hessian(lambda x: x * x)(Value(1.0))
    with pytest.raises(TypeError, match="must return a Value"):
        hessian(lambda x: 3.0)(1.0)


def test_the_gradient_graph_can_be_drawn_and_differentiated():
    import xml.etree.ElementTree as ET

    from autograd_lite import to_svg

    x = Value(0.5, label="x")
    f = (x * x).tanh()
    f.backward(create_graph=True)
    g = x.grad
    g.label = "df/dx"
    sech2 = 1 - math.tanh(0.25) ** 2
    assert g.data == pytest.approx(2 * 0.5 * sech2, rel=1e-12)
    svg = to_svg(g)
    ET.fromstring(svg)  # well-formed
    text = "".join(ET.fromstring(svg).itertext()).replace("&#45;", "-")
    assert "df/dx" in text and "tanh" in text
    x.grad = 0.0  # leaves accumulate, so clear the first derivative first
    g.backward()
    # d/dx 2x sech^2(x^2) = 2 sech^2(x^2) - 8 x^2 tanh(x^2) sech^2(x^2)
    closed = 2 * sech2 - 8 * 0.25 * math.tanh(0.25) * sech2
    assert x.grad == pytest.approx(closed, rel=1e-12)
