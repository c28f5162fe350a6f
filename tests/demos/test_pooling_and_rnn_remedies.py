"""Seed 003 (P15, P18): max pooling and the shift example, rotations and convolution, and
two RNN remedies, leaky units and gradient regularisation. Every number is recomputed here
with plain loops, numpy, closed forms or central differences."""

from __future__ import annotations

import math

import numpy as np
import pytest
from autograd_lite.demos import conv, pooling, rnn_remedies

pytestmark = pytest.mark.slow  # each runs a whole demo


# --- pooling: the shift example ---------------------------------------------------------------


def detector_by_loops(x):
    k = pooling.KERNEL_1D
    return np.array(
        [max(0.0, sum(k[a] * x[i + a] for a in range(len(k)))) for i in range(len(x) - len(k) + 1)]
    )


def max_pool_by_loops(d, width=3):
    return np.array([max(d[i : i + width]) for i in range(len(d) - width + 1)])


@pytest.fixture(scope="module")
def pooled(tmp_path_factory):
    return pooling.main(["--out", str(tmp_path_factory.mktemp("pooling"))])


def test_shift_by_one_changes_every_detector_output_but_only_half_the_max_pooled(pooled):
    x = np.array(pooling.SIGNAL)
    moved = np.concatenate([[0.0], x[:-1]])
    d, d_moved = detector_by_loops(x), detector_by_loops(moved)
    p, p_moved = max_pool_by_loops(d), max_pool_by_loops(d_moved)
    assert pooled["before"]["d"] == pytest.approx(d.tolist(), abs=1e-15)
    assert pooled["after"]["d"] == pytest.approx(d_moved.tolist(), abs=1e-15)
    assert pooled["before"]["max"] == pytest.approx(p.tolist(), abs=1e-15)
    assert pooled["after"]["max"] == pytest.approx(p_moved.tolist(), abs=1e-15)
    # position 0 reads the zero that entered; the seed counts the rest
    d_changed = int(np.sum(d[1:] != d_moved[1:]))
    p_changed = int(np.sum(p[1:] != p_moved[1:]))
    assert pooled["changed"]["d"] == d_changed == len(d) - 1  # "every value ... has changed"
    assert pooled["changed"]["max"] == p_changed == (len(p) - 1) // 2  # "only half"
    avg_moved = np.convolve(d_moved, np.ones(3) / 3, mode="valid")
    avg = np.convolve(d, np.ones(3) / 3, mode="valid")
    assert pooled["changed"]["avg"] == int(np.sum(~np.isclose(avg[1:], avg_moved[1:])))
    assert pooled["changed"]["avg"] > pooled["changed"]["max"]


def test_the_detector_and_the_pooled_row_move_with_the_input(pooled):
    for key in ("d", "max"):
        before, after = pooled["before"][key], pooled["after"][key]
        assert after[1:] == before[:-1]  # exactly: translation equivariance


def test_max_pooling_sends_each_windows_gradient_to_its_maximum(pooled):
    d = detector_by_loops(np.array(pooling.SIGNAL))
    wins = np.zeros(len(d))
    for i in range(len(d) - 2):
        window = list(d[i : i + 3])
        assert window.count(max(window)) == 1  # no ties to break
        wins[i + window.index(max(window))] += 1
    assert pooled["d_grad"] == wins.tolist()


# --- pooling: rotations -----------------------------------------------------------------------


def correlate_by_loops(x, k):
    n = len(x) - len(k) + 1
    return np.array(
        [
            [sum(k[a][b] * x[i + a][j + b] for a in range(3) for b in range(3)) for j in range(n)]
            for i in range(n)
        ]
    )


def rot90(m):
    """Anticlockwise: out[i][j] = m[j][n - 1 - i], written out."""
    n = len(m)
    return np.array([[m[j][n - 1 - i] for j in range(n)] for i in range(n)])


def test_convolution_is_not_rotation_equivariant_for_the_conv_demos_kernel(pooled):
    x, K = conv.IMAGE, conv.KERNEL
    conv_rot = correlate_by_loops(rot90(x), K)
    rot_conv = rot90(correlate_by_loops(x, K))
    assert np.allclose(pooled["conv_rot_x"], conv_rot, atol=1e-12)
    assert np.allclose(pooled["rot_conv_x"], rot_conv, atol=1e-12)
    gap = np.max(np.abs(conv_rot - rot_conv))
    assert gap > 1.0
    assert pooled["rotation"]["rot_K"] == pytest.approx(gap, abs=1e-12)


def test_a_kernel_the_rotation_leaves_unchanged_gives_a_rotated_output(pooled):
    L = pooling.LAPLACIAN
    assert np.array_equal(rot90(L), L)
    x, K = conv.IMAGE, conv.KERNEL
    assert np.allclose(correlate_by_loops(rot90(x), L), rot90(correlate_by_loops(x, L)))
    assert pooled["rotation"]["rot_laplacian"] == pytest.approx(0.0, abs=1e-12)
    # rotating the image acts like rotating the kernel
    assert np.allclose(correlate_by_loops(rot90(x), rot90(K)), rot90(correlate_by_loops(x, K)))
    assert pooled["rotation"]["rot_both"] == pytest.approx(0.0, abs=1e-12)


def test_shifting_the_image_shifts_the_output_away_from_the_border(pooled):
    x, K = conv.IMAGE, conv.KERNEL
    moved = np.zeros_like(x)
    moved[:, 1:] = x[:, :-1]
    out, out_moved = correlate_by_loops(x, K), correlate_by_loops(moved, K)
    assert np.allclose(out_moved[:, 1:], out[:, :-1])
    assert pooled["rotation"]["shift_K"] == pytest.approx(0.0, abs=1e-12)


def test_pooling_demo_prints_the_seeds_counts_and_draws(pooled, capsys):
    assert pooled["compared"] == {"d": 10, "max": 8, "avg": 8}
    assert all(r["gap"] < 1e-12 for r in pooled["rows"])
    assert len(pooled["plots"]) == 1 and pooled["plots"][0].endswith("shift.png")


# --- RNN remedies -----------------------------------------------------------------------------


def line_in_numpy(h0, w, alpha, unit):
    """h_T of the line of units, written out again."""
    h = h0
    for t in range(1, rnn_remedies.T + 1):
        a = w * h + 1.0 * 0.5 * math.sin(t)
        candidate = math.tanh(a) if unit == "tanh" else a
        h = alpha * h + (1 - alpha) * candidate
    return h


@pytest.fixture(scope="module")
def remedies(tmp_path_factory):
    return rnn_remedies.main(["--out", str(tmp_path_factory.mktemp("rnn_remedies"))])


def test_the_seeds_numbers_are_used():
    assert rnn_remedies.T == 30 and rnn_remedies.ALPHA == 0.9
    assert sorted(rnn_remedies.WEIGHTS.values()) == [0.9, 1.1]


def test_linear_line_gradient_is_w_to_the_t_and_leaky_is_alpha_plus_1_minus_alpha_w_to_the_t(
    remedies,
):
    T, a = 30, 0.9
    for w in (0.9, 1.1):
        plain = remedies["dL_dh0"][f"plain linear w = {w:g}"]
        leaky = remedies["dL_dh0"][f"leaky linear w = {w:g}"]
        assert plain == pytest.approx(w**T, rel=1e-12)
        assert leaky == pytest.approx((a + (1 - a) * w) ** T, rel=1e-12)
    # vanishing and exploding, and the leaky unit pulls both towards 1
    assert 0.9**30 == pytest.approx(0.0424, abs=1e-4) and 1.1**30 == pytest.approx(17.45, abs=1e-2)
    profile = remedies["profiles"]["plain linear w = 0.9"]
    assert profile == pytest.approx([0.9 ** (T - k) for k in range(T + 1)], rel=1e-12)


def test_tanh_line_gradients_match_central_differences(remedies):
    h = 1e-6
    for w in (0.9, 1.1):
        for kind, alpha in (("plain", 0.0), ("leaky", 0.9)):
            slope = (line_in_numpy(h, w, alpha, "tanh") - line_in_numpy(-h, w, alpha, "tanh")) / (
                2 * h
            )
            assert remedies["dL_dh0"][f"{kind} tanh w = {w:g}"] == pytest.approx(slope, rel=1e-6)


def test_the_leaky_unit_keeps_the_per_step_factor_nearer_1(remedies):
    for case in ("linear w = 0.9", "linear w = 1.1", "tanh w = 0.9", "tanh w = 1.1"):
        plain = abs(remedies["dL_dh0"]["plain " + case]) ** (1 / 30)
        leaky = abs(remedies["dL_dh0"]["leaky " + case]) ** (1 / 30)
        assert remedies["per_step"]["plain " + case] == pytest.approx(plain, rel=1e-12)
        assert abs(leaky - 1) < abs(plain - 1)
    # the plain tanh line at w = 0.9 vanishes much faster than 0.9^30: tanh' < 1
    assert abs(remedies["dL_dh0"]["plain tanh w = 0.9"]) < 1e-3


def omega_in_numpy(w, unit):
    """Pascanu et al.'s Omega for L = h_T: per-step ratios |dh_t/dh_(t-1)| = |w tanh'(a_t)|."""
    h, total = 0.0, 0.0
    for t in range(1, 31):
        a = w * h + 0.5 * math.sin(t)
        h = math.tanh(a) if unit == "tanh" else a
        ratio = abs(w * (1 - h**2)) if unit == "tanh" else abs(w)
        total += (ratio - 1) ** 2
    return total


def test_gradient_regularisation_omega_its_slope_and_steps(remedies):
    for name, history in remedies["regularised"].items():
        unit = name.split()[1]
        for before, after in zip(history, history[1:]):
            assert after["w"] == pytest.approx(before["w"] - 0.01 * before["slope"], rel=1e-12)
        for r in history:
            w = r["w"]
            assert r["omega"] == pytest.approx(omega_in_numpy(w, unit), rel=1e-10)
            central = (omega_in_numpy(w + 1e-6, unit) - omega_in_numpy(w - 1e-6, unit)) / 2e-6
            assert r["slope"] == pytest.approx(central, rel=1e-5, abs=1e-7)
        first, last = history[0], history[-1]
        assert last["omega"] < first["omega"]
        assert abs(last["mean_ratio"] - 1) < abs(first["mean_ratio"] - 1)
    tanh = remedies["regularised"]["plain tanh w = 0.9"]
    assert tanh[0]["mean_ratio"] < tanh[-1]["mean_ratio"] < 1  # from below, towards 1
    linear = remedies["regularised"]["plain linear w = 1.1"]
    for k, r in enumerate(linear):  # Omega = 30 (w - 1)^2: w - 1 = 0.1 (1 - 0.01 * 60)^k
        assert r["w"] - 1 == pytest.approx(0.1 * 0.4**k, rel=1e-9)
        assert r["mean_ratio"] == pytest.approx(r["w"], rel=1e-12)


def test_rnn_remedies_demo_says_the_erratum_and_draws(remedies, capsys):
    assert "h_t on both sides" in rnn_remedies.__doc__
    assert all(r["gap"] < 1e-8 for r in remedies["rows"])
    assert len(remedies["plots"]) == 1 and remedies["plots"][0].endswith("leaky_gradients.png")
