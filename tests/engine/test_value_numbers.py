"""Numbers at the edges: overflow, nan, inf, float32, huge ints, repeated argnums,
and second derivatives through softmax that must cancel exactly."""

from __future__ import annotations

import math

import numpy as np
import pytest

from autograd_lite import Value, compile_batched, grad, log_softmax, logsumexp, parse, softmax

BIG = 1e308


@pytest.mark.parametrize(
    "build, op",
    [
        (lambda x, y: x * y, r"\*"),
        (lambda x, y: x + x, r"\+"),
        (lambda x, y: x - (-x), "-"),
        (lambda x, y: x / (1 / y), "/"),
    ],
)
def test_overflow_to_inf_raises_the_same_error_in_every_op(build, op):
    x, y = Value(BIG, label="x"), Value(10.0, label="y")  # 1e308 * 10, 1e308 + 1e308, ...
    with pytest.raises(OverflowError, match=rf"^{op}: the result is too large for a float for "):
        build(x, y)
    with pytest.raises(OverflowError, match=r"\*\*2: the result is too large"):
        x**2  # the rule these now share


def test_the_overflow_message_names_both_operands():
    with pytest.raises(OverflowError) as info:
        Value(BIG, label="x") * Value(10.0, label="y")
    assert "Value 'x' (data=1e+308)" in str(info.value) and "10.0" in str(info.value)


def test_a_finite_result_with_an_infinite_local_derivative_raises_naming_the_op():
    with pytest.raises(OverflowError, match=r"^log: the result is finite but its local derivative"):
        Value(5e-324, label="p").log()  # log is -744.4, but d/dx = 1/x = inf
    v = Value(1e-320, label="v")
    with pytest.raises(OverflowError, match=r"^/: the result is finite but its local derivative"):
        v / v  # 1, but d/db = -a/b**2 overflows


def test_the_batch_refuses_the_same_overflow_in_the_same_ops():
    graph = compile_batched(lambda x, y: x * y, 1.0, 1.0)
    with pytest.raises(OverflowError, match=r"\*: the result is too large.*in sample 1"):
        graph(np.array([1.0, BIG]), np.array([1.0, 10.0]), reduce="sum")
    graph = compile_batched(lambda x: x.log(), 1.0)
    with pytest.raises(OverflowError, match=r"log: the result is finite but its local.*sample 1"):
        graph(np.array([1.0, 5e-324]), reduce="sum")


def test_nan_stays_nan_through_relu_and_step_so_hinge_loss_is_not_zero():
    from nn import hinge

    v = Value(1.0, label="score")
    v.data = math.nan  # nan gets in only through .data: Value(nan) is refused
    assert math.isnan(v.relu().data) and math.isnan(v.step().data)
    assert math.isnan(v.relu().local_grads[0])
    assert math.isnan(hinge(v, 1).data)  # not a perfect loss of 0


def test_nan_stays_nan_through_relu_and_step_in_a_batch():
    w = Value(1.0, label="w")  # nan comes in through a parameter's .data, as in the engine
    graph = compile_batched(lambda x: (x * w).relu() + (x * w).step(), 1.0, params=[w])
    w.data = math.nan
    r = graph(np.array([-1.0, 2.0]), reduce="sum")
    assert np.isnan(r.values).all()
    w.data = 1.0
    assert graph(np.array([-1.0, 2.0]), reduce="sum").values.tolist() == [0.0, 3.0]


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, np.float64("nan")])
def test_value_refuses_nan_and_inf_as_the_command_line_does(bad):
    with pytest.raises(ValueError, match="finite number"):
        Value(bad, label="x")
    with pytest.raises(ValueError, match="finite number"):
        Value(1.0) * bad


def test_an_int_too_large_for_a_float_names_the_input():
    with pytest.raises(OverflowError, match=r"label='x'.*603 digits, too large for a float"):
        Value(2**2000, label="x")
    with pytest.raises(OverflowError, match="too large for a float"):
        Value(1.0) + 2**2000


def test_a_bool_is_not_a_number():
    with pytest.raises(TypeError, match="got bool"):
        Value(True)


def test_a_float32_exponent_does_not_leak_into_later_powers_or_expressions():
    first = Value(2.0) ** np.float32(1.5)
    assert type(first.data) is float and first.op == "**1.5"
    for later in (Value(3.0) ** 1.5, parse("f = x ** 1.5", x=3)["f"]):
        assert type(later.data) is float and later.data == 3.0**1.5
        assert type(later.local_grads[0]) is float


def test_repeated_argnums_give_the_gradient_each_time():
    assert grad(lambda x: x * x, argnums=(0, 0))(3.0) == (6.0, 6.0)
    f = lambda x, y: x * x * y  # noqa: E731
    assert grad(f, argnums=(1, -1, -2))(3.0, 2.0) == (9.0, 9.0, 12.0)
    with pytest.raises(IndexError, match="argnums=-3"):
        grad(f, argnums=-3)(3.0, 2.0)
    with pytest.raises(TypeError, match="argnums must be ints"):
        grad(f, argnums=(0.0,))(3.0, 2.0)


def u_of(x: Value) -> Value:
    return (x**3).exp()


@pytest.mark.parametrize(
    "f",
    [
        lambda x: (lambda p: 3 * p[0] + p[1])(softmax([u_of(x)] * 2)),  # the f = 2
        lambda x: (lambda p: p[0] - p[1])(softmax([u_of(x), x.exp() * 0.0 + u_of(x)])),  # = 0
        lambda x: (lambda q: 3 * q[0] + q[1])(log_softmax([u_of(x)] * 2)),  # = 4 log 1/2
        lambda x: logsumexp([u_of(x)] * 3) - u_of(x),  # = log 3
        lambda x: logsumexp([u_of(x)] * 5) - u_of(x),  # = log 5
    ],
)
def test_second_and_third_derivatives_of_a_constant_through_softmax_are_exactly_0(f):
    # With u = exp(x^3) at x = 2.3 (u ~ 1.9e5) the terms are large; they must
    # cancel in floats, as torch.softmax's do, not leave rounding noise
    # (the quotient form exp(u - m) / sum gave 0.00142 for the first one).
    assert grad(f)(2.3) == 0.0
    assert grad(grad(f))(2.3) == 0.0
    assert grad(grad(grad(f)))(1.1) == 0.0


def test_softmax_and_logsumexp_keep_their_values_to_rounding():
    rng = np.random.default_rng(3)
    for scale in (1.0, 30.0, 1000.0):
        z = rng.normal(size=7) * scale
        want = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
        got = [p.data for p in softmax([Value(v) for v in z])]
        np.testing.assert_allclose(got, want, rtol=1e-12 * max(1.0, scale), atol=1e-300)
        lse = z.max() + np.log(np.exp(z - z.max()).sum())
        assert logsumexp(list(z)).data == pytest.approx(lse, rel=1e-15, abs=1e-13 * scale)
