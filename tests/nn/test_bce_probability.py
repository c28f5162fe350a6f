"""``binary_cross_entropy`` on the probability yhat, as the lectures and PyTorch write it.

Expected numbers come from the closed forms: the loss
-y log yhat - (1 - y) log(1 - yhat) with ``math.log``, its derivative
(yhat - y) / (yhat (1 - yhat)), PyTorch's documented clamp of each log at
-100, and one-sided differences where a log is clamped.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_lite import Value, gradcheck, hessian
from nn import (
    MLP,
    Adam,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    evaluate,
    fit,
    make_moons,
    probability_correct,
)
from nn.metrics import correct_for

interior = st.floats(1e-6, 1 - 1e-6)
targets = st.sampled_from([0.0, 1.0, 0.25, 0.5])


def bce_and_grad(yhat: float, y: float) -> tuple[float, float]:
    p = Value(yhat)
    loss = binary_cross_entropy(p, y)
    loss.backward()
    return loss.data, p.grad


def test_bce_of_probability_0_7_is_minus_log_0_7():
    # seed 001: y = (0, 1, 0), yhat = (0.1, 0.7, 0.2); the binary case of the true class
    loss, grad = bce_and_grad(0.7, 1.0)
    assert loss == pytest.approx(-math.log(0.7), rel=1e-15)  # 0.3567, not 0.4032
    assert round(loss, 4) == 0.3567
    assert grad == pytest.approx(-1 / 0.7, rel=1e-15)  # (yhat - y) / (yhat (1 - yhat))


@given(yhat=interior, y=targets)
@settings(max_examples=80, deadline=None)
def test_bce_is_minus_y_log_yhat_minus_1_minus_y_log_1_minus_yhat(yhat, y):
    loss, grad = bce_and_grad(yhat, y)
    expected = -y * math.log(yhat) - (1 - y) * math.log(1 - yhat)
    assert loss == pytest.approx(expected, rel=1e-12, abs=1e-15)
    # the lecture's dE/dyhat, which is also PyTorch's backward where yhat (1 - yhat) >= 1e-12
    assert grad == pytest.approx((yhat - y) / (yhat * (1 - yhat)), rel=1e-9)


@given(z=st.floats(-20, 20), y=targets)
@settings(max_examples=60, deadline=None)
def test_bce_of_sigmoid_has_gradient_yhat_minus_y_like_the_logit_form(z, y):
    # (beyond |z| = 20 the probability form loses digits: 1 - yhat comes from a rounded yhat)
    zv = Value(z)
    loss = binary_cross_entropy(zv.sigmoid(), y)
    loss.backward()
    s = 1 / (1 + math.exp(-z))
    assert zv.grad == pytest.approx(s - y, rel=1e-6, abs=1e-12)
    assert loss.data == pytest.approx(binary_cross_entropy_with_logits(Value(z), y).data, rel=1e-6)


@pytest.mark.parametrize(
    "yhat, y, loss",
    [(0.0, 1.0, 100.0), (1.0, 0.0, 100.0), (0.0, 0.0, 0.0), (1.0, 1.0, 0.0), (0.0, 0.25, 25.0)],
)
def test_bce_clamps_each_log_at_minus_100_as_pytorch_documents(yhat, y, loss):
    assert bce_and_grad(yhat, y)[0] == loss


@pytest.mark.parametrize(
    "yhat, y, slope",
    [
        (0.0, 1.0, 0.0),  # -y max(log yhat, -100) is flat at 100 on [0, e^-100]
        (1.0, 0.0, 0.0),  # -(1 - y) max(log(1 - yhat), -100) is flat on [1 - e^-100, 1]
        (0.0, 0.0, 1.0),  # -log(1 - yhat) has slope 1 / (1 - yhat) = 1 at 0
        (1.0, 1.0, -1.0),  # -log yhat has slope -1 / yhat = -1 at 1
        (0.0, 0.25, 0.75),  # 0.25 * 0 (clamped) + 0.75 / (1 - 0)
    ],
)
def test_bce_gradient_at_0_and_1_is_the_derivative_of_the_clamped_loss(yhat, y, slope):
    assert bce_and_grad(yhat, y)[1] == slope


def test_bce_is_flat_where_the_log_is_clamped():
    # e^-100 = 3.7e-44: below it the clamped log is -100 whatever yhat is
    assert [bce_and_grad(p, 1.0)[0] for p in (0.0, 1e-50, 1e-45)] == [100.0, 100.0, 100.0]
    assert bce_and_grad(1e-43, 1.0)[0] == pytest.approx(43 * math.log(10), rel=1e-14)


def test_bce_gradient_just_above_the_clamp_is_the_exact_minus_1_over_yhat():
    # log(1e-40) = -92.1 is not clamped: the gradient is -1/yhat = -1e40, finite.
    # (PyTorch's backward caps it at (yhat - 1) / 1e-12 = -1e12 there.)
    loss, grad = bce_and_grad(1e-40, 1.0)
    assert loss == pytest.approx(40 * math.log(10), rel=1e-14)
    assert grad == pytest.approx(-1e40, rel=1e-12)


@pytest.mark.parametrize("yhat", [0.0, 1e-300, 1e-45, 1e-40, 0.5, 1 - 1e-16, 1.0])
@pytest.mark.parametrize("y", [0.0, 0.3, 1.0])
def test_bce_loss_and_gradient_are_finite_on_all_of_0_1(yhat, y):
    loss, grad = bce_and_grad(yhat, y)
    assert math.isfinite(loss) and math.isfinite(grad)
    assert 0.0 <= loss <= 100.0


def test_saturated_sigmoid_gives_loss_100_and_zero_gradient_where_logits_give_1():
    z = Value(40.0)  # sigmoid(40) rounds to 1.0: log(1 - yhat) would be log 0
    loss = binary_cross_entropy(z.sigmoid(), 0)
    loss.backward()
    assert (loss.data, z.grad) == (100.0, 0.0)  # finite: training goes on, but learns nothing here
    z2 = Value(40.0)
    logit_loss = binary_cross_entropy_with_logits(z2, 0)
    logit_loss.backward()
    assert (logit_loss.data, z2.grad) == (40.0, 1.0)  # softplus(40) - 0, sigmoid(40) - 0


def test_bce_second_derivative_is_y_over_yhat_squared_plus_1_minus_y_over_1_minus_yhat_squared():
    yhat, y = 0.3, 0.8
    h = hessian(lambda p: binary_cross_entropy(p, y))(yhat)
    assert h[0, 0] == pytest.approx(y / yhat**2 + (1 - y) / (1 - yhat) ** 2, rel=1e-12)


def test_bce_passes_gradcheck_inside_0_1():
    assert gradcheck(lambda p: binary_cross_entropy(p, 0.3), 0.42)


@pytest.mark.parametrize("yhat", [-0.1, 1.3, float("nan")])
def test_bce_refuses_a_yhat_outside_0_1_and_names_it(yhat):
    out = Value(0.5, label="out")
    out.data = yhat  # nan gets into a Value only through .data
    with pytest.raises(ValueError, match=rf"yhat must be a probability in \[0, 1\], got {yhat!r}"):
        binary_cross_entropy(out, 1)


def test_bce_error_names_the_node_and_points_to_the_logit_form():
    with pytest.raises(
        ValueError, match=r"got 2.5 \(Value 'z'\).*binary_cross_entropy_with_logits"
    ):
        binary_cross_entropy(Value(2.5, label="z"), 1)


@pytest.mark.parametrize("y", [-0.1, 1.5, float("nan")])
def test_bce_refuses_targets_outside_0_1(y):
    with pytest.raises(ValueError, match="target must be"):
        binary_cross_entropy(Value(0.5), y)


def test_fit_scores_bce_on_probabilities_by_yhat_over_one_half():
    assert correct_for(binary_cross_entropy) is probability_correct
    assert [probability_correct(Value(p), 1) for p in (0.2, 0.5, 0.51)] == [False, False, True]
    assert probability_correct(Value(0.5), 0) and not probability_correct(Value(0.7), 0)


@pytest.mark.slow
def test_fit_trains_a_sigmoid_output_mlp_with_bce_on_probabilities():
    X, y = make_moons(40, noise=0.05, seed=0)
    model = MLP(2, [8, 8, 1], activation="tanh", output_activation="sigmoid", seed=0)
    history = fit(model, X, y, loss=binary_cross_entropy, optimizer=Adam(model, lr=0.05), epochs=60)
    assert history.loss[-1] < history.loss[0] / 3
    _, accuracy = evaluate(model, X, y, loss=binary_cross_entropy)
    assert accuracy >= 0.95
    outputs = np.array([model(x).data for x in X])
    assert ((outputs > 0.5) == (y == 1)).mean() == accuracy
