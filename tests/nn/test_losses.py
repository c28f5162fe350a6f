"""Each loss's value and gradient against the lectures' closed forms."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_lite import Value, gradcheck
from nn import (
    MLP,
    Neuron,
    binary_cross_entropy_with_logits,
    hinge,
    l2_penalty,
    mse,
    nll,
    softmax_cross_entropy,
    squared_error,
    total,
)

finite = st.floats(-30, 30, allow_nan=False)


def sigmoid(z):
    return 1 / (1 + math.exp(-z))


# --- squared error and MSE ---------------------------------------------------------------


@given(yhat=finite, y=finite)
@settings(max_examples=50, deadline=None)
def test_squared_error_is_half_the_square_and_its_gradient_is_yhat_minus_y(yhat, y):
    v = Value(yhat)
    loss = squared_error(v, y)
    loss.backward()
    assert loss.data == pytest.approx(0.5 * (y - yhat) ** 2, rel=1e-12, abs=1e-12)
    assert v.grad == pytest.approx(yhat - y, rel=1e-12, abs=1e-12)


def test_squared_error_of_a_vector_is_half_the_squared_distance():
    # CSC 411: L = 1/2 ||t - y||^2 and dL/dy_k = y_k - t_k
    ys = [Value(1.0), Value(-2.0), Value(0.5)]
    loss = squared_error(ys, [0.0, 1.0, 0.5])
    loss.backward()
    assert loss.data == 0.5 * (1.0 + 9.0 + 0.0)
    assert [v.grad for v in ys] == [1.0, -3.0, 0.0]


def test_mse_is_the_mean_of_squares_with_gradient_two_over_n_times_the_error():
    ys = [Value(1.0), Value(3.0), Value(-1.0), Value(0.0)]
    targets = [0.0, 1.0, 1.0, 0.0]
    loss = mse(ys, targets)
    loss.backward()
    assert loss.data == (1 + 4 + 4 + 0) / 4
    assert [v.grad for v in ys] == [2 * (yh - t) / 4 for yh, t in zip([1, 3, -1, 0], targets)]


def test_mse_of_vector_outputs_averages_over_every_output():
    out = [[Value(1.0), Value(0.0)], [Value(0.0), Value(2.0)]]
    assert mse(out, [[0.0, 0.0], [0.0, 0.0]]).data == (1 + 0 + 0 + 4) / 4


def test_lecture_logistic_least_squares_backward_pass():
    # CSC 411 lecture 10: z = wx + b, y = sigma(z), L = 1/2 (y - t)^2, R = 1/2 w^2,
    # L_reg = L + lambda R. Backward: y_bar = y - t, z_bar = y_bar sigma'(z),
    # w_bar = z_bar x + lambda w, b_bar = z_bar.
    w0, b0, x, t, lam = 0.7, -0.2, 1.5, 1.0, 0.1
    n = Neuron(1, activation="sigmoid", seed=0)
    n.load_state_dict({"w.0": w0, "b": b0})
    loss = squared_error(n([x]), t) + l2_penalty(n.w, lam / 2)
    loss.backward()
    z = w0 * x + b0
    y = sigmoid(z)
    z_bar = (y - t) * y * (1 - y)
    assert n.w[0].grad == pytest.approx(z_bar * x + lam * w0, rel=1e-12)
    assert n.b.grad == pytest.approx(z_bar, rel=1e-12)


# --- hinge ---------------------------------------------------------------------------


@given(score=finite, y=st.sampled_from([-1, 1]))
@settings(max_examples=50, deadline=None)
def test_hinge_is_max_0_1_minus_y_score_with_gradient_minus_y_inside_the_margin(score, y):
    s = Value(score)
    loss = hinge(s, y)
    loss.backward()
    assert loss.data == pytest.approx(max(0.0, 1 - y * score), abs=1e-12)
    assert s.grad == (-y if 1 - y * score > 0 else 0.0)


def test_hinge_accepts_numpy_labels_and_a_one_element_output_list():
    assert hinge([Value(0.5)], np.int64(-1)).data == 1.5


@pytest.mark.parametrize("y", [0, 2, 0.5])
def test_hinge_refuses_labels_other_than_plus_minus_one(y):
    with pytest.raises(ValueError, match=r"-1 or \+1.*2\*y - 1"):
        hinge(Value(0.3), y)


def test_hinge_refuses_several_outputs_and_non_values():
    with pytest.raises(ValueError, match="one output per example.*list of 2"):
        hinge([Value(0.1), Value(0.2)], 1)
    with pytest.raises(TypeError, match="takes a Value"):
        hinge(0.3, 1)
    with pytest.raises(TypeError, match="label must be a number"):
        hinge(Value(0.3), "1")


# --- binary cross-entropy on logits --------------------------------------------------------------


@given(z=finite, y=st.floats(0, 1))
@settings(max_examples=80, deadline=None)
def test_bce_with_logits_gradient_is_yhat_minus_y(z, y):
    logit = Value(z)
    loss = binary_cross_entropy_with_logits(logit, y)
    loss.backward()
    assert logit.grad == pytest.approx(sigmoid(z) - y, rel=1e-9, abs=1e-12)


@given(z=st.floats(-15, 15), y=st.sampled_from([0.0, 1.0, 0.25]))
@settings(max_examples=50, deadline=None)
def test_bce_with_logits_equals_minus_y_log_yhat_minus_1_minus_y_log_1_minus_yhat(z, y):
    yhat = sigmoid(z)
    expected = -y * math.log(yhat) - (1 - y) * math.log(1 - yhat)
    assert binary_cross_entropy_with_logits(Value(z), y).data == pytest.approx(
        expected, rel=1e-9, abs=1e-12
    )


@pytest.mark.parametrize(
    "z, y, value, grad",
    [
        (1000.0, 0, 1000.0, 1.0),
        (-1000.0, 1, 1000.0, -1.0),
        (1000.0, 1, 0.0, 0.0),
        (-1000.0, 0, 0.0, 0.0),
    ],
)
def test_bce_with_logits_is_finite_for_huge_logits(z, y, value, grad):
    logit = Value(z)
    loss = binary_cross_entropy_with_logits(logit, y)
    loss.backward()
    assert loss.data == value
    assert logit.grad == grad


def test_bce_with_logits_at_zero_logit_is_log_2():
    assert binary_cross_entropy_with_logits(Value(0.0), 1).data == pytest.approx(
        math.log(2), rel=1e-15
    )


def test_bce_with_logits_passes_gradcheck():
    assert gradcheck(lambda z: binary_cross_entropy_with_logits(z, 0.3), 1.7)


@pytest.mark.parametrize("y", [-0.1, 1.5, float("nan")])
def test_bce_with_logits_refuses_targets_outside_0_1(y):
    with pytest.raises(ValueError, match="target must be"):
        binary_cross_entropy_with_logits(Value(0.0), y)


# --- softmax cross-entropy / NLL ----------------------------------------------------------


def numpy_softmax(z):
    e = np.exp(np.asarray(z) - np.max(z))
    return e / e.sum()


@given(
    z=st.lists(st.floats(-20, 20), min_size=2, max_size=6),
    data=st.data(),
)
@settings(max_examples=60, deadline=None)
def test_softmax_ce_gradient_is_p_minus_y(z, data):
    k = data.draw(st.integers(0, len(z) - 1))
    logits = [Value(v) for v in z]
    loss = softmax_cross_entropy(logits, k)
    loss.backward()
    p = numpy_softmax(z)
    onehot = np.eye(len(z))[k]
    assert [v.grad for v in logits] == pytest.approx(list(p - onehot), abs=1e-9)
    assert loss.data == pytest.approx(-math.log(p[k]), rel=1e-9, abs=1e-9)


def test_softmax_ce_with_a_one_hot_target_equals_the_class_index_version():
    z = [0.2, -1.3, 2.0]
    a = softmax_cross_entropy([Value(v) for v in z], 2).data
    b = softmax_cross_entropy([Value(v) for v in z], [0, 0, 1]).data
    assert a == pytest.approx(b, rel=1e-15)


def test_softmax_ce_with_soft_targets_has_gradient_p_minus_y():
    z = [Value(0.5), Value(-0.5), Value(1.0)]
    y = [0.2, 0.3, 0.5]
    loss = softmax_cross_entropy(z, y)
    loss.backward()
    p = numpy_softmax([0.5, -0.5, 1.0])
    assert [v.grad for v in z] == pytest.approx(list(p - np.array(y)), abs=1e-12)
    assert loss.data == pytest.approx(-sum(t * math.log(q) for t, q in zip(y, p)), rel=1e-12)


def test_softmax_ce_with_value_targets_is_the_class_index_version_exactly():
    z = [0.2, -1.3, 2.0, 0.7]
    for k in range(4):
        logits = [Value(v) for v in z]
        by_index = softmax_cross_entropy(logits, k)
        by_index.backward()
        want = [v.grad for v in logits]
        logits = [Value(v) for v in z]
        targets = [Value(1.0 if j == k else 0.0) for j in range(4)]
        by_values = softmax_cross_entropy(logits, targets)
        by_values.backward()
        assert by_values.data == by_index.data  # sum of t_j z_j is exactly z_k
        assert [v.grad for v in logits] == want
        assert [t.grad for t in targets] == [-v for v in z]  # d/dt_j = -z_j


def test_softmax_ce_with_value_targets_checks_only_their_number():
    with pytest.raises(ValueError, match="3 logits but 2 target probabilities"):
        softmax_cross_entropy([Value(0.0)] * 3, [Value(1.0), Value(0.0)])


def test_lecture_three_class_example_nll_of_0_7_is_minus_log_0_7():
    # CS 6316: y = (0, 1, 0), y_hat = (0.1, 0.7, 0.2); loss = -log 0.7
    z = [Value(math.log(0.1)), Value(math.log(0.7)), Value(math.log(0.2))]
    assert nll(z, 1).data == pytest.approx(-math.log(0.7), rel=1e-12)


def test_softmax_ce_is_stable_for_logits_of_a_thousand():
    z = [Value(1000.0), Value(999.0), Value(-1000.0)]
    loss = softmax_cross_entropy(z, 1)
    loss.backward()
    assert loss.data == pytest.approx(1 + math.log1p(math.exp(-1)), rel=1e-12)
    assert all(math.isfinite(v.grad) for v in z)


def test_nll_is_softmax_cross_entropy():
    z = [0.1, 0.9, -0.4]
    assert (
        nll([Value(v) for v in z], 0).data == softmax_cross_entropy([Value(v) for v in z], 0).data
    )


def test_softmax_ce_passes_gradcheck():
    assert gradcheck(lambda z: softmax_cross_entropy(z, 1), [0.3, -1.2, 0.8])


@pytest.mark.parametrize(
    "target, error, match",
    [
        (3, ValueError, "class 3 is out of range for 3 logits"),
        (-1, ValueError, "out of range"),
        (1.5, ValueError, "must be whole"),
        ("a", TypeError, "class index"),
        ([0.5, 0.5], ValueError, "3 logits but 2 target probabilities"),
        ([0.5, 0.6, 0.0], ValueError, "sum to 1"),
        ([1.5, -0.5, 0.0], ValueError, ">= 0"),
    ],
)
def test_softmax_ce_refuses_bad_targets(target, error, match):
    with pytest.raises(error, match=match):
        softmax_cross_entropy([Value(0.0), Value(1.0), Value(2.0)], target)


def test_softmax_ce_refuses_a_single_value():
    with pytest.raises(TypeError, match="list of logits"):
        softmax_cross_entropy(Value(1.0), 0)


# --- L2 ------------------------------------------------------------------------------


@given(ws=st.lists(st.floats(-10, 10), min_size=1, max_size=8), lam=st.floats(0, 1))
@settings(max_examples=50, deadline=None)
def test_l2_penalty_is_lambda_sum_w_squared_with_gradient_two_lambda_w(ws, lam):
    params = [Value(w) for w in ws]
    penalty = l2_penalty(params, lam)
    penalty.backward()
    assert penalty.data == pytest.approx(lam * sum(w * w for w in ws), rel=1e-12, abs=1e-12)
    assert [p.grad for p in params] == pytest.approx([2 * lam * w for w in ws], abs=1e-12)


def test_l2_penalty_of_a_module_covers_every_parameter():
    model = MLP(2, [3, 1], seed=0)
    expected = 0.5 * sum(p.data**2 for p in model.parameters())
    assert l2_penalty(model, 0.5).data == pytest.approx(expected, rel=1e-12)


def test_l2_penalty_refuses_negative_lambda_and_non_values():
    with pytest.raises(ValueError, match="lam must be >= 0"):
        l2_penalty([Value(1.0)], -0.1)
    with pytest.raises(TypeError, match=r"params\[1\] is float"):
        l2_penalty([Value(1.0), 2.0], 0.1)


def test_total_adds_without_a_constant_zero_node():
    vs = [Value(1.0), Value(2.0)]
    s = total(vs)
    assert s.parents == (vs[0], vs[1])
    with pytest.raises(ValueError, match="empty"):
        total([])


def test_mse_refuses_mismatched_lengths():
    with pytest.raises(ValueError, match="2 predictions but 1 targets"):
        mse([Value(1.0), Value(2.0)], [1.0])
