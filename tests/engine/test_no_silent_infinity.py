"""No silent wrong number: a gradient of finite numbers that overflows, and ``if v:``.

Expected values by hand: y = (x * 1e200) * 1e200 at x = 1e-300 is 1e100
(finite) but dy/dx = 1e400, which no float holds.
"""

from __future__ import annotations

import math

import pytest

from autograd_lite import Value, grad, hessian


def overflowing(x):
    return (x * 1e200) * 1e200


def test_backward_names_the_node_whose_gradient_overflowed():
    x = Value(1e-300, label="x")
    y = overflowing(x)
    assert y.data == pytest.approx(1e100)  # the forward pass is finite
    expected = r"the gradient of Value 'x' \(data=1e-300\) overflowed"
    with pytest.raises(OverflowError, match=expected):
        y.backward()


def test_grad_and_create_graph_refuse_the_same_overflow():
    with pytest.raises(OverflowError, match=r"gradient of Value 'x' .* is inf"):
        grad(overflowing)(1e-300)
    x = Value(1e-300, label="x")
    with pytest.raises(OverflowError):
        overflowing(x).backward(create_graph=True)


def test_an_overflowing_sum_of_contributions_names_the_leaf():
    z = Value(1e-300, label="z")
    w = (z * 1e308) * 1.0 + (z * 1e308) * 1.0  # forward 2e8; dw/dz = 2e308 overflows
    with pytest.raises(OverflowError, match=r"the gradient of Value 'z' .* is inf"):
        w.backward()


def test_a_nan_that_came_in_through_data_flows_on_as_before():
    x = Value(1.0, label="x")
    x.data = math.nan
    y = x * 2.0
    y.backward()  # no error: nan entered through .data, as in numpy
    assert x.grad == 2.0 and math.isnan(y.data)


def test_large_finite_gradients_are_not_refused():
    x = Value(1e-150, label="x")
    y = (x * 1e150) * 1e150
    y.backward()
    assert x.grad == pytest.approx(1e300)


def test_if_value_is_refused_as_float_value_is():
    v = Value(0.0, label="v")
    for test in (lambda: bool(v), lambda: not v, lambda: v and 1, lambda: 1 if v else 0):
        with pytest.raises(TypeError, match=r"Value 'v' \(data=0.0\) is .* not a truth value"):
            test()
    assert (v is not None) and (v.data == 0.0)


def test_if_value_inside_a_compiled_function_is_refused_not_followed():
    from autograd_lite import compile_batched

    def branchy(x):
        return x * 2.0 if x else x * 3.0

    with pytest.raises(TypeError, match="not a truth value"):
        compile_batched(branchy, 1.0)


def test_a_second_derivative_refused_at_0_names_the_op_the_user_wrote():
    expected = r"^x \*\* 1\.5: its derivative can't be differentiated again at Value 'x'"
    x = Value(0.0, label="x")
    with pytest.raises(ValueError, match=expected):
        (x**1.5).backward(create_graph=True)
    with pytest.raises(ValueError, match=expected):
        grad(grad(lambda x: x**1.5))(0.0)
    with pytest.raises(ValueError, match=expected):
        hessian(lambda x: x**1.5)(0.0)
