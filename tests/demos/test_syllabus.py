"""The demos that cover the rest of the syllabus: each runs, and its numbers match
the seed's formula evaluated here, independently, with plain Python or numpy."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from autograd_lite.demos import (
    DEMOS,
    conv,
    glm,
    input_gradient,
    mlp_backprop,
    rnn,
    sgd,
    zero_init,
)

pytestmark = pytest.mark.slow  # each runs a whole demo


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def assert_files(paths: list[str], suffix: str) -> None:
    assert paths, "the demo wrote no files"
    for p in paths:
        assert Path(p).suffix == suffix and Path(p).stat().st_size > 1000, p


def test_new_demos_are_registered():
    for name in ("mlp-backprop", "input-gradient", "glm", "zero-init", "sgd", "conv", "rnn"):
        assert name in DEMOS


def test_mlp_backprop_grads_are_the_lectures_entry_by_entry_backward_pass(tmp_path):
    r = mlp_backprop.main(["--out", str(tmp_path)])
    x, t = np.array(r["x"]), np.array(r["t"])
    Ws = [np.array(w) for w in r["weights"]]
    bs = [np.array(b) for b in r["biases"]]
    # forward, seed 004 index form: z_i = sum_j w_ij x_j + b_i, h_i = sigma(z_i)
    acts = [x]
    for layer, (W, b) in enumerate(zip(Ws, bs)):
        z = [sum(W[i, j] * acts[-1][j] for j in range(W.shape[1])) + b[i] for i in range(len(b))]
        acts.append(np.array(z) if layer == len(Ws) - 1 else sigmoid(np.array(z)))
    assert r["loss"] == pytest.approx(0.5 * np.sum((acts[-1] - t) ** 2), rel=1e-14)
    # backward: y_bar_k = y_k - t_k; w_bar_ki = y_bar_k h_i; h_bar_i = sum_k y_bar_k w_ki
    bar = acts[-1] - t
    for layer in reversed(range(len(Ws))):
        W, h = Ws[layer], acts[layer]
        for k in range(W.shape[0]):
            for i in range(W.shape[1]):
                assert r["weight_grads"][layer][k][i] == pytest.approx(bar[k] * h[i], abs=1e-15)
            assert r["bias_grads"][layer][k] == pytest.approx(bar[k], abs=1e-15)
        h_bar = np.array([sum(bar[k] * W[k, i] for k in range(W.shape[0])) for i in range(len(h))])
        bar = h_bar * h * (1 - h)  # z_bar = h_bar sigma'(z)
    assert r["max_gap"] < 1e-12
    assert_files(r["graphs"], ".svg")


def test_input_gradient_is_dL_dy_times_W_transpose_in_the_seeds_orientation(tmp_path):
    r = input_gradient.main(["--out", str(tmp_path)])
    x, t, W, b = (r[k] for k in ("x", "t", "W", "b"))
    nin, nout = len(W), len(W[0])
    y = [sum(W[i][j] * x[i] for i in range(nin)) + b[j] for j in range(nout)]  # y = W^T x + b
    dL_dy = [y[j] - t[j] for j in range(nout)]  # L = 1/2 ||y - t||^2
    # seed 002: dL/dx_0 = dL/dy_0 w_00 + dL/dy_1 w_01 + dL/dy_2 w_02
    for i in range(nin):
        expected = sum(dL_dy[j] * W[i][j] for j in range(nout))
        assert r["input_grad"][i] == pytest.approx(expected, rel=1e-14)
        assert r["nn_input_grad"][i] == pytest.approx(expected, rel=1e-14)
        for j in range(nout):  # dL/dW = x^T dL/dy
            assert r["weight_grad"][i][j] == pytest.approx(x[i] * dL_dy[j], rel=1e-14)
            assert r["nn_weight_grad"][j][i] == pytest.approx(x[i] * dL_dy[j], rel=1e-14)
    assert np.array(r["nn_weight"]).shape == (nout, nin)
    assert np.array(r["nn_weight"]) == pytest.approx(np.array(W).T, abs=0)
    assert r["nudge_slope"] == pytest.approx(r["input_grad"][0], rel=1e-5)
    assert_files(r["graphs"], ".svg")


def numpy_glm(model: str, X: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple:
    """Mean loss, gradient and Hessian of each GLM, from seed 003's recipe by hand."""
    z = X @ w
    n = len(y)
    if model == "linear":  # t(z) = z, l = (yhat - y)^2
        return np.mean((z - y) ** 2), 2 * X.T @ (z - y) / n, 2 * X.T @ X / n
    if model == "logistic":  # t = sigmoid, l = -[y log yhat + (1 - y) log(1 - yhat)]
        p = sigmoid(z)
        loss = np.mean(-y * np.log(p) - (1 - y) * np.log(1 - p))
        return loss, X.T @ (p - y) / n, (X.T * (p * (1 - p))) @ X / n
    mu = np.exp(z)  # Poisson: yhat = exp(x^T w), l = yhat - y log yhat
    return np.mean(mu - y * z), X.T @ (mu - y) / n, (X.T * mu) @ X / n


def test_glm_gradients_and_hessians_match_seed_003_and_are_psd(tmp_path):
    r = glm.main(["--out", str(tmp_path)])
    X, w = np.array(r["data"]["X"]), np.array(glm.W_AT)
    for model in ("linear", "logistic", "poisson"):
        _, g, H = numpy_glm(model, X, np.array(r["data"][model]), w)
        assert np.array(r[model]["grad"]) == pytest.approx(g, rel=1e-12, abs=1e-14)
        assert np.array(r[model]["hessian"]) == pytest.approx(H, rel=1e-12, abs=1e-14)
        assert min(np.linalg.eigvalsh(H)) > 0 and min(r[model]["eigenvalues"]) > 0
    assert max(r["written_eigenvalues"]) < 0  # seed 003's expression as written is concave
    assert min(r["lls_eigenvalues"]) < 0  # seed 004's logistic least squares is not convex


def test_glm_line_search_picks_the_eta_with_the_least_loss(tmp_path):
    r = glm.main(["--out", str(tmp_path)])
    X, y = np.array(r["data"]["X"]), np.array(r["data"]["logistic"])
    w = np.zeros(3)
    for t in range(glm.STEPS):
        loss, g, _ = numpy_glm("logistic", X, y, w)
        assert r["line_search"]["loss"][t] == pytest.approx(loss, rel=1e-12)
        tried = {eta: numpy_glm("logistic", X, y, w - eta * g)[0] for eta in glm.ETAS}
        eta = r["line_search"]["eta"][t]
        # the least loss over the list (near the minimum several etas tie to rounding)
        assert tried[eta] == pytest.approx(min(tried.values()), rel=1e-13)
        w = w - eta * g
    assert r["line_search"]["w"] == pytest.approx(w.tolist(), rel=1e-10)
    assert r["line_search"]["loss"][-1] < r["fixed"]["loss"][-1]
    assert_files(r["plots"], ".png")


def test_zero_init_relu_gets_no_gradient_whatever_relu_prime_at_0(tmp_path):
    r = zero_init.main(["--out", str(tmp_path)])
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0.0, 1.0, 1.0, 0.0])
    W1, b1, W2 = np.zeros((4, 2)), np.zeros(4), np.zeros((1, 4))
    for relu_prime_at_0 in (0.0, 1.0):  # nn and PyTorch: 0; seed 001: 1
        Z1 = X @ W1.T + b1
        H = np.maximum(Z1, 0.0)
        delta2 = (H @ W2.T)[:, 0] - y  # yhat - y, L = mean 1/2 (yhat - y)^2
        slope = np.where(Z1 > 0, 1.0, np.where(Z1 < 0, 0.0, relu_prime_at_0))
        delta1 = slope * (delta2[:, None] @ W2)  # relu'(z) o W2^T delta2
        assert not (delta1.T @ X).any() and not (delta2 @ H).any()
    ours = {row["quantity"]: row["ours"] for row in r["rows"]}
    assert ours["dL/dW(1) (largest |.|)"] == ours["dL/dW(2) (largest |.|)"] == 0.0
    assert ours["dL/db(2)"] == pytest.approx(np.mean(-y), abs=1e-15)
    assert r["zero_relu"]["moved"] == ["layers.1.neurons.0.b"]
    assert r["zero_relu"]["outputs"] == pytest.approx([0.5] * 4, abs=1e-9)  # the mean target


def test_zero_init_equal_weights_get_equal_gradients_and_stay_equal(tmp_path):
    r = zero_init.main(["--out", str(tmp_path)])
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0.0, 1.0, 1.0, 0.0])
    W1, w2 = np.full((4, 2), zero_init.CONSTANT), np.full(4, zero_init.CONSTANT)
    H = np.tanh(X @ W1.T)
    delta2 = sigmoid(H @ w2) - y  # binary cross-entropy on the logit
    dW1 = ((delta2[:, None] * w2) * (1 - H**2)).T @ X / len(X)
    assert (dW1 == dW1[0]).all()  # every hidden unit gets the same gradient
    assert r["symmetric"]["start_spread"] == r["symmetric"]["spread"] == 0.0
    assert r["symmetric"]["accuracy"] <= 0.75  # one effective unit can't fit XOR
    assert r["random"]["spread"] > 0 and r["random"]["accuracy"] == 1.0
    assert_files(r["plots"], ".png")


def test_sgd_is_seed_000s_loop_replayed_with_plain_floats(tmp_path):
    r = sgd.main(["--out", str(tmp_path)])
    x, y = r["x"], r["y"]
    runs = list(r["runs"].values())
    for run, eta in zip(runs[:2], (lambda t: 0.1 / (1 + t / 10.0), lambda t: 0.1)):
        w = b = 0.0
        for t, i in enumerate(run["draws"]):  # i = random draw; W = W - eta(t) dL/dW
            err = w * x[i] + b - y[i]  # L = 1/2 (w x + b - y)^2
            w, b = w - eta(t) * err * x[i], b - eta(t) * err
        assert (run["w"], run["b"]) == pytest.approx((w, b), rel=1e-12)
    w = b = 0.0
    for _ in range(10):  # full batch: the mean gradient, eta = 0.5
        errs = [w * xi + b - yi for xi, yi in zip(x, y)]
        w, b = (
            w - 0.5 * sum(e * xi for e, xi in zip(errs, x)) / len(x),
            b - 0.5 * sum(errs) / len(x),
        )
    assert (runs[2]["w"], runs[2]["b"]) == pytest.approx((w, b), rel=1e-12)
    w_star, b_star = np.polyfit(x, y, 1)  # least squares
    assert (r["w_star"], r["b_star"]) == pytest.approx((w_star, b_star), rel=1e-10)
    # the decaying schedule settles nearer the minimum than the constant step
    assert abs(runs[0]["curve"][-1] - runs[2]["curve"][-1]) < abs(
        runs[1]["curve"][-1] - runs[2]["curve"][-1]
    )
    assert_files(r["plots"], ".png")


def test_conv_shared_kernel_gradient_is_delta_correlated_with_the_image(tmp_path):
    r = conv.main(["--out", str(tmp_path)])
    K = conv.KERNEL
    for run in r["runs"]:
        s, pad = run["stride"], run["pad"]
        X = np.pad(conv.IMAGE, pad)
        windows = np.lib.stride_tricks.sliding_window_view(X, K.shape)[::s, ::s]
        out = np.einsum("ijab,ab->ij", windows, K)  # cross-correlation, as seed 003 notes
        assert np.array(run["O"]) == pytest.approx(out, abs=1e-12)
        delta = out - conv.TARGET  # L = 1/2 sum (O - T)^2
        assert run["loss"] == pytest.approx(0.5 * np.sum(delta**2), rel=1e-14)
        dK = np.einsum("ij,ijab->ab", delta, windows)  # every position the weight touches
        assert np.array(run["dK"]) == pytest.approx(dK, abs=1e-12)
        dX = np.zeros_like(X)
        for i in range(delta.shape[0]):
            for j in range(delta.shape[1]):
                dX[s * i : s * i + 3, s * j : s * j + 3] += delta[i, j] * K
        inner = dX[pad : pad + 5, pad : pad + 5]
        assert np.array(run["dX"]) == pytest.approx(inner, abs=1e-12)
    assert r["runs"][0]["uses_of_K00"] == 9  # one edge per output position
    assert r["equivariance_gap"] == 0.0


def test_rnn_bptt_sums_each_shared_weights_terms_over_time(tmp_path):
    r = rnn.main(["--out", str(tmp_path)])
    P = {k: np.atleast_2d(np.array(v, dtype=float)) for k, v in rnn.PARAMS.items()}
    W, U, V, b, c = P["W"], P["U"], P["V"], P["b"][0], P["c"][0]
    # the forward pass, then the loss as a function of every parameter, differentiated
    # by central differences (independent of any backprop formula)

    def loss(W, U, V, b, c):
        h, total = np.zeros(2), 0.0
        for x, y in zip(rnn.XS, rnn.YS):
            h = np.tanh(b + W @ h + U[:, 0] * x)  # a(t) = b + W h(t-1) + U x(t)
            total += 0.5 * float((c + V @ h)[0] - y) ** 2  # o(t) = c + V h(t)
        return total

    args = {"W": W, "U": U, "V": V, "b": b, "c": c}
    assert r["loss"] == pytest.approx(loss(**args), rel=1e-14)
    for name, value in args.items():
        grads = np.array(r["graph_grads"][name]).reshape(value.shape)
        for idx in np.ndindex(value.shape):
            up, down = value.copy(), value.copy()
            up[idx] += 1e-6
            down[idx] -= 1e-6
            numeric = (loss(**{**args, name: up}) - loss(**{**args, name: down})) / 2e-6
            assert grads[idx] == pytest.approx(numeric, rel=1e-6, abs=1e-9)


def test_rnn_gradient_through_time_is_q_lambda_t_q_transpose_u(tmp_path):
    r = rnn.main(["--out", str(tmp_path)])
    angle = math.radians(30.0)
    Q = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    u = np.array([1.0, 0.0])
    for name, spectrum in rnn.SPECTRA.items():
        W = Q @ np.diag(spectrum) @ Q.T
        lin = r["linear"][name]
        for t, norm in enumerate(lin["norms"], start=1):
            assert norm == pytest.approx(
                np.linalg.norm(np.linalg.matrix_power(W.T, t) @ u), rel=1e-12
            )
        h_T = np.linalg.matrix_power(W, rnn.HORIZON) @ np.array([1.0, 0.0])
        assert lin["h_T"] == pytest.approx(h_T.tolist(), rel=1e-12)
        seed = Q.T @ np.diag(np.power(spectrum, rnn.HORIZON)) @ Q @ np.array([1.0, 0.0])
        assert np.abs(seed - h_T).max() > 1e-3  # the seed's Q^T Lambda^t Q is not W^t
    assert r["linear"]["vanishing"]["norms"][-1] < 0.05 < 10 < r["linear"]["exploding"]["norms"][-1]
    assert_files(r["plots"], ".png")


def test_rnn_erratum_q_lambda_qt_and_qt_lambda_q_agree_only_when_q2_commutes():
    """Seed 003 writes h(t) = Q^T Lambda^t Q h(0) for W = Q Lambda Q^T: right for a
    90-degree rotation (Q^2 = -I), wrong for the demo's 30-degree one."""

    def both(degrees: float, t: int = 3) -> tuple[np.ndarray, np.ndarray]:
        c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
        q, lam = np.array([[c, -s], [s, c]]), np.diag([0.5, 0.9]) ** t
        return q @ lam @ q.T, q.T @ lam @ q

    assert np.allclose(*both(90.0))
    assert not np.allclose(*both(math.degrees(rnn.ANGLE)))
    w = both(math.degrees(rnn.ANGLE), t=1)[0]
    assert np.allclose(np.linalg.matrix_power(w, 3), both(math.degrees(rnn.ANGLE))[0])
