"""The demos that cover the rest of the syllabus: each runs, and its numbers match
the seed's formula evaluated here, independently, with plain Python or numpy."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from autograd_lite.demos import DEMOS, input_gradient, mlp_backprop

pytestmark = pytest.mark.slow  # each runs a whole demo


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def assert_files(paths: list[str], suffix: str) -> None:
    assert paths, "the demo wrote no files"
    for p in paths:
        assert Path(p).suffix == suffix and Path(p).stat().st_size > 1000, p


def test_new_demos_are_registered():
    for name in ("mlp-backprop", "input-gradient"):
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
