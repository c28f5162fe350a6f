"""The demos that cover the rest of the syllabus: each runs, and its numbers match
the seed's formula evaluated here, independently, with plain Python or numpy."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from autograd_lite.demos import DEMOS, mlp_backprop

pytestmark = pytest.mark.slow  # each runs a whole demo


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def assert_files(paths: list[str], suffix: str) -> None:
    assert paths, "the demo wrote no files"
    for p in paths:
        assert Path(p).suffix == suffix and Path(p).stat().st_size > 1000, p


def test_new_demos_are_registered():
    for name in ("mlp-backprop",):
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
