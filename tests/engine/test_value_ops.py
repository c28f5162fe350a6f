"""Every operation against its closed-form derivative and central differences."""

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autograd_lite import Value

finite = st.floats(min_value=-5.0, max_value=5.0, allow_nan=False)
positive = st.floats(min_value=0.05, max_value=5.0)


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


# name: (method, closed-form value, closed-form derivative, inputs)
UNARY = {
    "exp": (Value.exp, math.exp, math.exp, finite),
    "log": (Value.log, math.log, lambda x: 1.0 / x, positive),
    "sqrt": (Value.sqrt, math.sqrt, lambda x: 0.5 / math.sqrt(x), positive),
    "tanh": (Value.tanh, math.tanh, lambda x: 1.0 / math.cosh(x) ** 2, finite),
    "sigmoid": (Value.sigmoid, sigmoid, lambda x: math.exp(-x) / (1 + math.exp(-x)) ** 2, finite),
    "relu": (Value.relu, lambda x: max(x, 0.0), lambda x: 1.0 if x > 0 else 0.0, finite),
    "softplus": (Value.softplus, lambda x: math.log(1 + math.exp(x)), sigmoid, finite),
    "step": (Value.step, lambda x: 1.0 if x > 0 else 0.0, lambda x: 0.0, finite),
    "sin": (Value.sin, math.sin, math.cos, finite),
    "cos": (Value.cos, math.cos, lambda x: -math.sin(x), finite),
    "abs": (abs, abs, lambda x: math.copysign(1.0, x), finite),
    "neg": (lambda v: -v, lambda x: -x, lambda x: -1.0, finite),
}

KINKS = {"relu": 0.0, "step": 0.0, "abs": 0.0}


def central_difference(fn, x, h=1e-6):
    return (fn(Value(x + h)).data - fn(Value(x - h)).data) / (2 * h)


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_op_value_and_derivative_match_closed_form(name):
    method, value, derivative, inputs = UNARY[name]

    @settings(max_examples=60, deadline=None)
    @given(inputs)
    def check(x):
        if name in KINKS:
            assume(abs(x - KINKS[name]) > 1e-3)
        v = Value(x, label="x")
        out = method(v)
        out.backward()
        assert out.data == pytest.approx(value(x), rel=1e-12, abs=1e-12)
        assert v.grad == pytest.approx(derivative(x), rel=1e-9, abs=1e-12)
        assert v.grad == pytest.approx(central_difference(method, x), rel=1e-5, abs=1e-6)

    check()


BINARY = {
    "+": (lambda a, b: a + b, lambda a, b: (1.0, 1.0)),
    "-": (lambda a, b: a - b, lambda a, b: (1.0, -1.0)),
    "*": (lambda a, b: a * b, lambda a, b: (b, a)),
    "/": (lambda a, b: a / b, lambda a, b: (1.0 / b, -a / b**2)),
    "**": (lambda a, b: a**b, lambda a, b: (b * a ** (b - 1), a**b * math.log(a))),
}


@pytest.mark.parametrize("op", sorted(BINARY))
def test_binary_op_gradients_for_both_operands(op):
    fn, closed = BINARY[op]

    @settings(max_examples=60, deadline=None)
    @given(positive if op == "**" else finite, positive if op in "/**" else finite)
    def check(a, b):
        va, vb = Value(a, label="a"), Value(b, label="b")
        out = fn(va, vb)
        out.backward()
        assert out.data == pytest.approx(fn(a, b), rel=1e-12, abs=1e-12)
        da, db = closed(a, b)
        assert va.grad == pytest.approx(da, rel=1e-9, abs=1e-12)
        assert vb.grad == pytest.approx(db, rel=1e-9, abs=1e-12)
        h = 1e-6
        numeric_a = (fn(a + h, b) - fn(a - h, b)) / (2 * h)
        numeric_b = (fn(a, b + h) - fn(a, b - h)) / (2 * h)
        assert va.grad == pytest.approx(numeric_a, rel=1e-5, abs=1e-6)
        assert vb.grad == pytest.approx(numeric_b, rel=1e-5, abs=1e-6)

    check()


@pytest.mark.parametrize(
    "expr, derivative",
    [
        (lambda x: 2 * x, lambda x: 2.0),
        (lambda x: x * 2, lambda x: 2.0),
        (lambda x: 3 + x, lambda x: 1.0),
        (lambda x: x + 3, lambda x: 1.0),
        (lambda x: 3 - x, lambda x: -1.0),
        (lambda x: x - 3, lambda x: 1.0),
        (lambda x: 3 / x, lambda x: -3.0 / x**2),
        (lambda x: x / 4, lambda x: 0.25),
        (lambda x: x**3, lambda x: 3 * x**2),
        (lambda x: x**-2, lambda x: -2 * x**-3),
        (lambda x: x**0.5, lambda x: 0.5 * x**-0.5),
        (lambda x: x**0, lambda x: 0.0),
        (lambda x: 2**x, lambda x: 2**x * math.log(2)),
    ],
    ids=[
        "2*x",
        "x*2",
        "3+x",
        "x+3",
        "3-x",
        "x-3",
        "3/x",
        "x/4",
        "x**3",
        "x**-2",
        "x**0.5",
        "x**0",
        "2**x",
    ],
)
def test_number_on_either_side(expr, derivative):
    for x in (0.3, 1.7, 2.5):
        v = Value(x)
        out = expr(v)
        out.backward()
        assert out.data == pytest.approx(expr(x), rel=1e-12)
        assert v.grad == pytest.approx(derivative(x), rel=1e-12)


def test_power_with_integer_exponent_of_negative_base():
    v = Value(-2.0)
    out = v**3
    out.backward()
    assert out.data == -8.0
    assert v.grad == 12.0


def test_numpy_scalars_mix_with_values():
    import numpy as np

    v = Value(2.0)
    out = np.float64(3.0) * v + np.int64(1) - v * np.float32(0.5)
    assert isinstance(out, Value)
    out.backward()
    assert out.data == 6.0
    assert v.grad == 2.5
