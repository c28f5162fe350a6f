"""Seed 001's "many local minima which are about the same" (U20) and seed 003's "a deep
net is a GLM on learned features phi_theta(x)" (P08). Every number the demos print is
held to one worked out here with numpy: the loss and its gradient by central
differences, the hidden-unit alignment by trying every order, the features, the
logistic-regression loss, gradient and Newton step."""

import itertools

import numpy as np
import pytest
from autograd_lite.demos import learned_features, many_minima

from nn import make_moons

pytestmark = pytest.mark.slow  # each runs a whole demo


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# --- U20: one net from 20 seeds ---------------------------------------------------


@pytest.fixture(scope="module")
def minima(tmp_path_factory):
    return many_minima.main(["--out", str(tmp_path_factory.mktemp("minima"))])


@pytest.fixture(scope="module")
def moons():
    return make_moons(100, noise=0.25, seed=0)


def tanh_net_loss(theta, X, y, hidden, lam=1e-3):
    """Mean BCE on the logit of MLP(2, [hidden, 1]) + lam |theta|^2, theta laid out as
    hidden rows (w1, w2, b, v) then the output bias c."""
    units, c = theta[:-1].reshape(hidden, 4), theta[-1]
    z = np.tanh(X @ units[:, :2].T + units[:, 2]) @ units[:, 3] + c
    bce = np.where(y == 1, np.log1p(np.exp(-z)), np.log1p(np.exp(z)))
    return float(bce.mean() + lam * theta @ theta)


def brute_force_distance(a, b):
    """min over every order of b's hidden units and every sign of each: |a - b|."""
    best = np.inf
    for order in itertools.permutations(range(len(a.units))):
        moved = b.units[list(order)]
        per_unit = np.minimum(
            ((a.units - moved) ** 2).sum(axis=1), ((a.units + moved) ** 2).sum(axis=1)
        )
        best = min(best, per_unit.sum())
    return float(np.sqrt(best + (a.c - b.c) ** 2))


def test_twenty_seeds_losses_match_the_loss_of_their_weights_in_numpy(minima, moons):
    X, y = moons
    assert len(minima["losses"]) == 20
    for loss, w in zip(minima["losses"], minima["weights"]):
        assert loss == pytest.approx(tanh_net_loss(w.vector(), X, y, 8), abs=1e-12)


def test_losses_spread_is_within_2_percent_of_their_mean(minima):
    losses = np.array(minima["losses"])
    assert minima["mean"] == pytest.approx(losses.mean(), abs=1e-15)
    assert minima["spread"] == pytest.approx(losses.max() - losses.min(), abs=1e-15)
    assert minima["spread"] / minima["mean"] < 0.02  # "about the same"
    assert 0.21 < losses.min() < losses.max() < 0.23


def test_gradient_norm_matches_central_differences(minima, moons):
    X, y = moons
    run = minima["runs"][0]
    theta = minima["weights"][0].vector()
    h = 1e-6
    grad = [
        (tanh_net_loss(theta + h * e, X, y, 8) - tanh_net_loss(theta - h * e, X, y, 8)) / (2 * h)
        for e in np.eye(len(theta))
    ]
    assert run["grad_norm"] == pytest.approx(np.linalg.norm(grad), rel=1e-4)
    assert max(r["grad_norm"] for r in minima["runs"]) < 1e-2  # near-stationary ends


def test_relabelling_hidden_units_keeps_the_loss_and_align_undoes_it(minima, moons):
    X, y = moons
    w = minima["weights"][minima["best_seed"]]
    rng = np.random.default_rng(1)
    signs = rng.choice([-1.0, 1.0], size=8)
    shuffled = many_minima.Weights(w.units[rng.permutation(8)] * signs[:, None], w.c)
    assert tanh_net_loss(shuffled.vector(), X, y, 8) == pytest.approx(
        tanh_net_loss(w.vector(), X, y, 8), abs=1e-14
    )
    assert many_minima.distance(w, many_minima.align(w, shuffled)) == pytest.approx(0, abs=1e-12)


def test_some_seeds_end_at_different_points_with_about_the_same_loss(minima):
    best = minima["weights"][minima["best_seed"]]
    far = [r for r in minima["runs"] if r["aligned_distance"] > 0.1 * r["norm"]]
    near = [r for r in minima["runs"] if r["aligned_distance"] < 0.1 * r["norm"]]
    assert len(far) >= 3 and len(near) >= 3
    for r in far[:3]:
        other = minima["weights"][r["seed"]]
        assert r["aligned_distance"] == pytest.approx(brute_force_distance(best, other), abs=1e-9)
        assert r["aligned_distance"] > 1.0
        assert r["loss"] < 1.02 * min(minima["losses"])
    raw = [r["raw_distance"] for r in near if r["seed"] != minima["best_seed"]]
    assert min(raw) > 5.0  # the same point looks far away until the units are aligned


def test_loss_rises_on_the_line_to_a_walled_off_seed(minima, moons):
    X, y = moons
    seed = minima["walled_off_seeds"][0]
    best, other = minima["weights"][minima["best_seed"]], minima["weights"][seed]
    near = many_minima.align(best, other)
    line = [
        tanh_net_loss((1 - t) * best.vector() + t * near.vector(), X, y, 8)
        for t in np.linspace(0, 1, 21)
    ]
    rise = max(line) - max(line[0], line[-1])
    assert rise > 0 and minima["runs"][seed]["barrier"] == pytest.approx(rise, abs=1e-12)


def test_three_hidden_units_split_the_seeds_into_two_loss_groups(tmp_path):
    result = many_minima.main(["--out", str(tmp_path), "--hidden", "3"])
    losses = np.sort(result["losses"])
    jumps = np.diff(losses)
    cut = int(jumps.argmax())
    assert jumps[cut] > 0.05  # a bad local minimum, far above the good one
    assert 3 <= cut + 1 <= 17
    assert losses[cut + 1] / losses[0] > 1.3


# --- P08: the last layer refit as a GLM on phi_theta(x) ----------------------------


@pytest.fixture(scope="module")
def glm(tmp_path_factory):
    return learned_features.main(["--out", str(tmp_path_factory.mktemp("glm"))])


@pytest.fixture(scope="module")
def moons200():
    return make_moons(200, noise=0.25, seed=0)


def J(Phi, y, w, lam=1e-3):
    p = sigmoid(Phi @ w)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)) + lam * w @ w)


def dJ(Phi, y, w, lam=1e-3):
    return Phi.T @ (sigmoid(Phi @ w) - y) / len(y) + 2 * lam * w


def d2J(Phi, w, lam=1e-3):
    p = sigmoid(Phi @ w)
    return (Phi.T * (p * (1 - p))) @ Phi / len(Phi) + 2 * lam * np.eye(len(w))


def test_features_are_tanh_of_the_frozen_hidden_layer(glm, moons200):
    X, _ = moons200
    for snap in glm["snapshots"]:
        ((W, b),) = snap["hidden"]
        assert snap["Phi"] == pytest.approx(np.column_stack([np.tanh(X @ W.T + b), np.ones(200)]))
    phi_row = glm["rows"][0]
    Phi = glm["snapshots"][-1]["Phi"]
    assert phi_row["ours"] == pytest.approx(Phi[:, :-1].sum(), abs=1e-10)


def test_glm_refit_is_the_minimiser_and_never_worse_than_the_trained_layer(glm, moons200):
    _, y = moons200
    for snap in glm["snapshots"]:
        Phi, w_glm, w_net = snap["Phi"], snap["glm"], snap["trained"]
        assert np.linalg.norm(dJ(Phi, y, w_glm)) < 1e-10
        assert np.linalg.eigvalsh(d2J(Phi, w_glm)).min() > 0  # convex: the only minimum
        assert J(Phi, y, w_glm) <= J(Phi, y, w_net) + 1e-15
        assert snap["J_glm"] == pytest.approx(J(Phi, y, w_glm), abs=1e-14)
        assert snap["J_trained"] == pytest.approx(J(Phi, y, w_net), abs=1e-14)


def test_the_gap_is_one_newton_step_and_closes_when_training_converges(glm, moons200):
    _, y = moons200
    gaps = []
    for snap in glm["snapshots"]:
        Phi, w_net = snap["Phi"], snap["trained"]
        step = np.linalg.solve(d2J(Phi, w_net), dJ(Phi, y, w_net))
        gap = np.linalg.norm(w_net - snap["glm"])
        assert gap == pytest.approx(np.linalg.norm(step), rel=0.05, abs=1e-12)
        gaps.append(gap)
    assert [s["epochs"] for s in glm["snapshots"]] == [100, 1000, 1500]
    assert gaps[0] > 0.3 and gaps[1] < 1e-2 and gaps[2] < 1e-9


def test_engine_loss_and_gradient_of_the_network_are_the_glm_formulas(glm, moons200):
    _, y = moons200
    last = glm["snapshots"][-1]
    Phi, w_net, w_glm = last["Phi"], last["trained"], last["glm"]
    rows = {r["quantity"]: r["ours"] for r in glm["rows"]}
    assert last["J_trained_engine"] == pytest.approx(J(Phi, y, w_net), abs=1e-13)
    assert rows["J(w_GLM), loaded into the net"] == pytest.approx(J(Phi, y, w_glm), abs=1e-13)
    for snap in glm["snapshots"]:
        expected = np.linalg.norm(dJ(snap["Phi"], y, snap["trained"]))
        assert snap["grad_norm_engine"] == pytest.approx(expected, rel=1e-6, abs=1e-15)
    assert rows["|dJ/dw| at w_GLM"] < 1e-12
    assert rows["yhat(x_0), net with w_GLM"] == pytest.approx(sigmoid(Phi[0] @ w_glm), abs=1e-14)


def test_learned_features_beat_the_same_glm_on_raw_inputs(glm, moons200):
    X, y = moons200
    raw = glm["raw_inputs"]
    P = np.column_stack([X, np.ones(200)])
    assert np.linalg.norm(dJ(P, y, raw["w"])) < 1e-10
    assert raw["J"] == pytest.approx(J(P, y, raw["w"]), abs=1e-14)
    assert raw["J"] > J(glm["snapshots"][-1]["Phi"], y, glm["snapshots"][-1]["glm"]) + 0.1


def test_newton_converges_quadratically(glm):
    norms = glm["newton_norms"]
    assert norms[-1] < 1e-12 and len(norms) <= 10
    # quadratic: the digits of |grad J| double each step, until rounding stops them at 1e-17
    last, before, earlier = norms[-2], norms[-3], norms[-4]
    assert np.log(last) / np.log(before) > 1.5 and np.log(before) / np.log(earlier) > 1.5
