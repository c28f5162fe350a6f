"""grad, value_and_grad, gradcheck; softmax, log_softmax, logsumexp."""

import math

import numpy as np
import pytest

from autograd_lite import (
    GradcheckError,
    Value,
    grad,
    gradcheck,
    log_softmax,
    logsumexp,
    softmax,
    value_and_grad,
)


def lecture(x, y, z):
    return (x + y) * z


def test_grad_of_the_lecture_function_with_argnums():
    assert grad(lecture)(-2.0, 5.0, -4.0) == -4.0
    assert grad(lecture, argnums=(0, 1, 2))(-2.0, 5.0, -4.0) == (-4.0, -4.0, 3.0)
    assert grad(lecture, argnums=2)(-2.0, 5.0, -4.0) == 3.0


def test_value_and_grad_returns_the_value_too():
    value, grads = value_and_grad(lecture, argnums=(0, 2))(-2.0, 5.0, -4.0)
    assert value == -12.0
    assert grads == (-4.0, 3.0)


def test_grad_with_list_and_numpy_arguments_keeps_their_shape():
    def dot(w, x):
        return w[0] * x[0] + w[1] * x[1] + w[2] * x[2]

    assert grad(dot)([1.0, 2.0, 3.0], [4.0, 5.0, 6.0]) == [4.0, 5.0, 6.0]
    g = grad(dot, argnums=1)(np.array([1.0, 2.0, 3.0]), np.array([4.0, 5.0, 6.0]))
    assert isinstance(g, np.ndarray) and g.tolist() == [1.0, 2.0, 3.0]
    assert grad(dot)((1.0, 2.0, 3.0), (0.0, 1.0, 0.0)) == (0.0, 1.0, 0.0)


def test_numpy_scalars_are_numbers_and_2d_arrays_are_refused():
    assert grad(lambda x: x * x)(np.float64(3.0)) == 6.0
    assert grad(lambda x, y: x * y, argnums=1)(np.float32(2.0), np.int64(5)) == 2.0
    with pytest.raises(TypeError, match="1-D"):
        grad(lambda w: w[0])(np.ones((2, 2)))


def test_grad_mutates_nothing_outside():
    c = Value(2.0)
    g = grad(lambda x: x * c)(3.0)
    assert g == 2.0
    assert c.grad_computed is False


def test_grad_of_grad_is_the_second_derivative():
    assert grad(grad(lambda x: x**3))(2.0) == pytest.approx(12.0)
    assert grad(grad(lambda x: x.sin()))(0.5) == pytest.approx(-math.sin(0.5))


def test_grad_of_a_function_not_returning_a_value_is_a_type_error():
    with pytest.raises(TypeError, match="must return a Value"):
        grad(lambda x: [x, x])(1.0)


def test_bad_argnums_and_arguments_are_clear_errors():
    with pytest.raises(IndexError, match="argnums=3"):
        grad(lecture, argnums=3)(1.0, 2.0, 3.0)
    with pytest.raises(TypeError, match="must be a number"):
        grad(lecture)("a", 1.0, 2.0)


def test_gradcheck_passes_for_correct_gradients():
    assert gradcheck(lambda x, y: (x * y).tanh() + x.exp() / y, 0.3, 1.7)
    assert gradcheck(lambda w: (w[0] * w[1]).sigmoid() + w[2] ** 2, [0.1, -0.4, 2.0])


def test_gradcheck_failure_shows_a_table_of_analytic_and_numeric():
    # A function whose gradient is wrong: data from one formula, local
    # derivative from another (only possible by tampering with the node).
    def wrong(x, y):
        out = x * y
        out._da = 123.0  # d(out)/dx should be y
        return out

    with pytest.raises(GradcheckError) as info:
        gradcheck(wrong, 2.0, 3.0)
    text = str(info.value)
    assert "1 of 2 gradients disagree" in text
    assert "analytic" in text and "numeric" in text
    row_x = next(line for line in text.splitlines() if line.strip().startswith("x "))
    assert "123" in row_x and "NO" in row_x
    row_y = next(line for line in text.splitlines() if line.strip().startswith("y "))
    assert "yes" in row_y


def test_softmax_sums_to_one_and_matches_the_formula():
    logits = [1.0, 2.0, 3.0]
    p = softmax([Value(v) for v in logits])
    z = sum(math.exp(v) for v in logits)
    assert [q.data for q in p] == pytest.approx([math.exp(v) / z for v in logits], rel=1e-12)
    assert sum(q.data for q in p) == pytest.approx(1.0, rel=1e-15)


def test_stable_softmax_family_with_logits_of_1000():
    xs = [Value(1000.0), Value(999.0), Value(-1000.0)]
    p = softmax(xs)
    assert all(math.isfinite(q.data) for q in p)
    assert p[0].data == pytest.approx(1 / (1 + math.exp(-1)), rel=1e-12)
    lse = logsumexp(xs)
    assert lse.data == pytest.approx(1000.0 + math.log(1 + math.exp(-1)), rel=1e-15)
    ls = log_softmax(xs)
    assert ls[2].data == pytest.approx(-2000.0 - math.log(1 + math.exp(-1)), rel=1e-12)


def test_cross_entropy_gradient_through_log_softmax_is_p_minus_y():
    logits = [Value(v) for v in (0.5, -1.2, 2.0, 0.1)]
    loss = -log_softmax(logits)[2]
    loss.backward()
    p = [q.data for q in softmax([v.data for v in logits])]
    y = [0.0, 0.0, 1.0, 0.0]
    assert [v.grad for v in logits] == pytest.approx([pi - yi for pi, yi in zip(p, y)], abs=1e-12)


def test_logsumexp_gradient_is_softmax():
    xs = [Value(v) for v in (3.0, 1.0, -2.0)]
    logsumexp(xs).backward()
    assert [v.grad for v in xs] == pytest.approx([q.data for q in softmax([3.0, 1.0, -2.0])])


def test_softmax_of_an_empty_list_or_strings_is_a_clear_error():
    with pytest.raises(ValueError, match="empty"):
        softmax([])
    with pytest.raises(TypeError, match="item 1 is str"):
        logsumexp([1.0, "a"])
