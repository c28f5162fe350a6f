"""The likelihood-to-NLL demo (seed 000 K12, seed 002 B11/B12, seed 003 P02) and the
row-stacked batch demo (seed 002 B08): each runs, and its numbers match the seeds'
formulas evaluated here with plain Python or numpy, or central finite differences."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from autograd_lite.demos import batch_rows, likelihood_to_nll

pytestmark = pytest.mark.slow  # each runs a whole demo


@pytest.fixture(scope="module")
def nll_demo(tmp_path_factory):
    return likelihood_to_nll.main(["--out", str(tmp_path_factory.mktemp("likelihood_to_nll"))])


@pytest.fixture(scope="module")
def batch_demo(tmp_path_factory):
    return batch_rows.main(["--out", str(tmp_path_factory.mktemp("batch_rows"))])


def probabilities(X: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """softmax(W x + b) per row, written out: e^z_k / Σ_j e^z_j."""
    E = np.exp(X @ W.T + b)
    return E / E.sum(axis=1, keepdims=True)


def classifier_data(r):
    X, W, b = np.array(r["points"]), np.array(r["W"]), np.array(r["b"])
    Y = np.eye(W.shape[0])[r["labels"]]
    return X, Y, W, b, probabilities(X, W, b)


# --- seed 000, K12: likelihood -> product -> log -> NLL ---------------------------------


def test_likelihood_is_the_product_over_examples_of_prod_a_to_the_y(nll_demo):
    X, Y, W, b, P = classifier_data(nll_demo)
    part = nll_demo["likelihood"]
    assert np.array(part["probs"]) == pytest.approx(P, rel=1e-13)
    for j in range(len(X)):  # Π_k a_k^{y_k}: 1 for y_k = 0, a_k for y_k = 1
        expected = math.prod(P[j, k] ** Y[j, k] for k in range(Y.shape[1]))
        assert part["per_example"][j] == pytest.approx(expected, rel=1e-13)
    assert part["likelihood"] == pytest.approx(math.prod(P[Y == 1]), rel=1e-13)


def test_log_likelihood_is_the_sum_of_y_log_a_and_nll_is_its_negative(nll_demo):
    *_, Y, _, _, P = classifier_data(nll_demo)
    part = nll_demo["likelihood"]
    log_likelihood = sum(math.log(p) for p in P[Y == 1])
    assert part["log_likelihood"] == pytest.approx(log_likelihood, rel=1e-13)
    assert part["nll"] == pytest.approx(-log_likelihood, rel=1e-13)
    assert math.log(part["likelihood"]) == pytest.approx(log_likelihood, rel=1e-13)


def test_2000_probabilities_underflow_to_0_while_the_log_sum_stays_finite(nll_demo):
    _, _, W, b, _ = classifier_data(nll_demo)
    part = nll_demo["underflow"]
    X, labels = part["X"], part["labels"]
    assert len(X) == 2000
    Z = X @ W.T + b
    log_p = Z[np.arange(len(X)), labels] - np.logaddexp.reduce(Z, axis=1)
    assert part["log_likelihood"] == pytest.approx(log_p.sum(), rel=1e-12)
    assert np.isfinite(part["log_likelihood"])
    assert log_p.sum() < math.log(5e-324)  # the true likelihood is below every positive float
    assert part["float_product"] == 0.0 and part["engine_likelihood"] == 0.0
    assert "needs x > 0" in part["engine_log_refused"]
    running, first_zero = 1.0, None  # the product, one multiply at a time
    for j, p in enumerate(np.exp(log_p).tolist(), start=1):
        running *= p
        if running == 0.0:
            first_zero = j
            break
    assert part["first_zero"] == first_zero
    # the likelihood's own gradient underflowed; the log-likelihood's is Σ_i (y_i - p_i) x_iᵀ
    assert part["likelihood_grad_max"] == 0.0
    P, Y = np.exp(Z - np.logaddexp.reduce(Z, axis=1, keepdims=True)), np.eye(3)[labels]
    assert np.array(part["log_likelihood_grad"]) == pytest.approx((Y - P).T @ X, rel=1e-10)
    for path in nll_demo["plots"]:
        assert Path(path).suffix == ".png" and Path(path).stat().st_size > 1000


# --- seed 002, B11 and B12 ----------------------------------------------------------------


def test_cross_entropy_is_entropy_plus_kl_with_a_one_hot_target(nll_demo):
    X, Y, W, b, P = classifier_data(nll_demo)
    one_hot = nll_demo["cross_entropy"]["one_hot"]
    q, y = P[0], Y[0]
    assert one_hot["target"] == y.tolist()
    assert one_hot["H_p"] == pytest.approx(0.0, abs=1e-15)  # H(p) = 0 for a one-hot p
    assert one_hot["KL"] == pytest.approx(-math.log(q[y == 1][0]), rel=1e-13)
    assert one_hot["H_pq"] == pytest.approx(-math.log(q[y == 1][0]), rel=1e-13)
    assert one_hot["cross_grad"] == pytest.approx((q - y).tolist(), abs=1e-15)


def test_cross_entropy_is_entropy_plus_kl_with_a_soft_target(nll_demo):
    *_, P = classifier_data(nll_demo)
    soft = nll_demo["cross_entropy"]["soft"]
    p, q = np.array(soft["target"]), P[0]
    h_p = -sum(pk * math.log(pk) for pk in p)
    kl = sum(pk * math.log(pk / qk) for pk, qk in zip(p, q))
    h_pq = -sum(pk * math.log(qk) for pk, qk in zip(p, q))
    assert h_p > 0.5 and kl > 0.0
    assert soft["H_p"] == pytest.approx(h_p, rel=1e-13)
    assert soft["KL"] == pytest.approx(kl, rel=1e-13)
    assert soft["H_pq"] == pytest.approx(h_pq, rel=1e-13)
    assert soft["H_pq"] == pytest.approx(h_p + kl, rel=1e-13)
    # H(p) has no z in it: minimising H(p, q) and KL(p‖q) take the same step, q - p
    assert soft["cross_grad"] == pytest.approx((q - p).tolist(), abs=1e-15)
    assert soft["kl_grad"] == pytest.approx((q - p).tolist(), abs=1e-15)


def test_loss_i_is_minus_log_probability_of_the_correct_class(nll_demo):
    X, Y, W, b, P = classifier_data(nll_demo)
    Z = X @ W.T + b
    for i, k in enumerate(nll_demo["labels"]):
        expected = -math.log(P[i, k])
        assert nll_demo["cross_entropy"]["losses"][i] == pytest.approx(expected, rel=1e-13)
        # seed 002: L_i = -s_y + log Σ_j e^s_j
        assert expected == pytest.approx(-Z[i, k] + math.log(np.exp(Z[i]).sum()), rel=1e-13)


# --- seed 003, P02: a sum of N outer products ----------------------------------------------


def dataset_nll(X: np.ndarray, Y: np.ndarray, W: np.ndarray, b: np.ndarray) -> float:
    return float(-np.sum(Y * np.log(probabilities(X, W, b))))


def test_cross_entropy_gradient_is_a_sum_of_n_outer_products(nll_demo):
    X, Y, W, b, P = classifier_data(nll_demo)
    part = nll_demo["outer"]
    outers = [np.outer(P[i] - Y[i], X[i]) for i in range(len(X))]
    for shown, expected in zip(part["outer_products"], outers):
        assert np.array(shown) == pytest.approx(expected, abs=1e-14)
        assert np.linalg.matrix_rank(expected) == 1
    grad = np.array(part["weight_grad"])
    assert grad == pytest.approx(sum(outers), abs=1e-14)
    assert np.array(part["weight_grad_mean"]) == pytest.approx(sum(outers) / len(X), abs=1e-14)
    assert part["bias_grad"] == pytest.approx((P - Y).sum(axis=0).tolist(), abs=1e-14)
    h = 1e-6  # central differences of the data set's NLL, computed here in numpy
    for k, m in np.ndindex(W.shape):
        up, down = W.copy(), W.copy()
        up[k, m] += h
        down[k, m] -= h
        slope = (dataset_nll(X, Y, up, b) - dataset_nll(X, Y, down, b)) / (2 * h)
        assert grad[k, m] == pytest.approx(slope, abs=1e-8)


# --- seed 002, B08: row-stacking a batch -------------------------------------------------


def test_row_stacked_X_W_plus_1_bT_gives_each_W_transpose_x_plus_b(batch_demo):
    X, W, b = batch_demo["X"], batch_demo["W"], batch_demo["b"]
    nin, nout = len(W), len(b)
    for i, x in enumerate(X):  # one example at a time: y_j = Σ_k w_kj x_k + b_j
        y = [sum(W[k][j] * x[k] for k in range(nin)) + b[j] for j in range(nout)]
        assert batch_demo["Y"][i] == pytest.approx(y, abs=1e-15)
        assert batch_demo["batched"]["Y"][i] == pytest.approx(y, abs=1e-15)
    stacked = np.array(X) @ np.array(W) + np.ones((len(X), 1)) @ np.array([b])
    assert np.array(batch_demo["Y"]) == pytest.approx(stacked, abs=1e-15)


def half_squared_error(X: np.ndarray, W: np.ndarray, b: np.ndarray, T: np.ndarray) -> float:
    return float(0.5 * np.sum((X @ W + b - T) ** 2))


def test_batch_weight_gradient_is_X_transpose_dL_dY(batch_demo):
    X, W = np.array(batch_demo["X"]), np.array(batch_demo["W"])
    b, T = np.array(batch_demo["b"]), np.array(batch_demo["T"])
    dY = X @ W + b - T
    g = batch_demo["gradients"]
    assert g["loss"] == pytest.approx(half_squared_error(X, W, b, T), rel=1e-14)
    assert np.array(g["dY"]) == pytest.approx(dY, abs=1e-15)
    assert np.array(g["dW"]) == pytest.approx(X.T @ dY, abs=1e-14)
    assert g["db"] == pytest.approx(dY.sum(axis=0).tolist(), abs=1e-14)
    assert np.array(g["dX"]) == pytest.approx(dY @ W.T, abs=1e-14)  # seed 002: dL/dy Wᵀ
    h = 1e-6
    for k, j in np.ndindex(W.shape):
        up, down = W.copy(), W.copy()
        up[k, j] += h
        down[k, j] -= h
        slope = (half_squared_error(X, up, b, T) - half_squared_error(X, down, b, T)) / (2 * h)
        assert g["dW"][k][j] == pytest.approx(slope, abs=1e-8)


def test_batched_engine_runs_the_layer_as_one_matrix_product(batch_demo):
    X, W = np.array(batch_demo["X"]), np.array(batch_demo["W"])
    b, T = np.array(batch_demo["b"]), np.array(batch_demo["T"])
    dY = X @ W + b - T
    batched = batch_demo["batched"]
    nout, nin = W.T.shape
    assert f"W[{nout}x{nin}] @" in batched["program"]  # the engine's own Wᵀ, one sample a column
    assert batched["loss"] == pytest.approx(half_squared_error(X, W, b, T), rel=1e-14)
    assert np.array(batched["dW"]) == pytest.approx(X.T @ dY, abs=1e-14)
    assert batched["db"] == pytest.approx(dY.sum(axis=0).tolist(), abs=1e-14)
    assert np.array(batched["dX"]) == pytest.approx(dY @ W.T, abs=1e-14)
