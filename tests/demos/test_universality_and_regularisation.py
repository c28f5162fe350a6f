"""Universality, Boolean circuits, the hinge classifier by SGD and L2-regularised regression:
each demo runs, and its numbers match the seeds' constructions and formulas recomputed here
with plain Python or numpy."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pytest
from autograd_lite.demos import boolean_circuit, hinge_sgd, l2_regression, universality

pytestmark = pytest.mark.slow  # each runs a whole demo


def assert_pictures(paths: list[str]) -> None:
    for p in paths:
        assert Path(p).suffix in (".png", ".svg") and Path(p).stat().st_size > 1000, p


@pytest.fixture(scope="module")
def universality_run(tmp_path_factory):
    return universality.main(["--out", str(tmp_path_factory.mktemp("universality"))])


# --- seed 004: universality -------------------------------------------------------------


def test_2_to_the_D_threshold_units_compute_every_boolean_function_of_3_inputs(
    universality_run,
):
    r = universality_run
    configs = np.array(list(itertools.product((-1.0, 1.0), repeat=3)))
    # unit k: step(c_k . x - 2.5) fires for x = c_k alone (the slide's 2.5)
    hidden = (configs @ configs.T - 2.5 > 0).astype(float)
    assert np.array_equal(hidden, np.eye(8)) and r["hidden_identity"]
    # the slide's three rows of the truth table
    slide = {(-1, -1, 1): -1.0, (-1, 1, -1): 1.0, (-1, 1, 1): 1.0}
    outputs = dict(zip(map(tuple, configs.astype(int).tolist()), r["lookup_outputs"]))
    for x, t in slide.items():
        assert outputs[x] == t
    assert set(r["lookup_outputs"]) <= {-1.0, 1.0}
    assert r["functions_right"] == r["functions_total"] == 2 ** (2**3)


def test_staircase_of_N_step_units_is_within_pi_over_2_N_plus_1_of_sin(universality_run):
    r = universality_run
    x = np.array(r["x_eval"])
    for n, err in r["staircase_max_error"].items():
        delta = math.pi / (n + 1)
        # the value on (k delta, (k+1) delta] is sin at the piece's midpoint
        piece = np.clip(np.ceil(x / delta) - 1, 0, n)
        expected = np.max(np.abs(np.sin((piece + 0.5) * delta) - np.sin(x)))
        assert err == pytest.approx(expected, abs=1e-12)
        assert err <= math.pi / (2 * (n + 1))


def test_least_squares_relu_sum_error_falls_like_one_over_N_squared(universality_run):
    r = universality_run
    x_fit, x_eval = np.array(r["x_fit"]), np.array(r["x_eval"])
    errors = r["relu_max_error"]

    def ramps(x, knots):  # relu(x - a_k) and a column of ones for the output bias
        return np.column_stack([np.maximum(0.0, x[:, None] - knots), np.ones(len(x))])

    for n, err in errors.items():
        knots = np.arange(n) * math.pi / n
        v, *_ = np.linalg.lstsq(ramps(x_fit, knots), np.sin(x_fit), rcond=None)
        fitted = ramps(x_eval, knots) @ v
        assert err == pytest.approx(np.max(np.abs(fitted - np.sin(x_eval))), rel=1e-9)
        assert err <= (math.pi / n) ** 2 / 8  # the interpolating broken line's bound
    ns = sorted(errors)
    for small, big in zip(ns[1:], ns[2:]):
        assert errors[small] / errors[big] > 3.5  # ~4 per doubling: ReLU is "nonlinear enough"
    steps = r["staircase_max_error"]
    assert all(errors[n] < steps[n] for n in ns)


def test_a_few_random_relu_units_fit_sin_x1_sin_x2_better_as_units_are_added(universality_run):
    r = universality_run
    fit_axis, eval_axis = np.linspace(0, math.pi, 21), np.linspace(0, math.pi, 31)
    fit_grid = np.array(list(itertools.product(fit_axis, fit_axis)))
    eval_grid = np.array(list(itertools.product(eval_axis, eval_axis)))

    def f(g):
        return np.sin(g[:, 0]) * np.sin(g[:, 1])

    def hidden(g, W, b):
        return np.column_stack([np.maximum(0.0, g @ W.T + b), np.ones(len(g))])

    errors = r["relu_2d_max_error"]
    for n, err in errors.items():
        W, b = np.array(r["relu_2d_units"][n]["W"]), np.array(r["relu_2d_units"][n]["b"])
        assert W.shape == (n, 2) and np.allclose(np.linalg.norm(W, axis=1), 1.0)
        v, *_ = np.linalg.lstsq(hidden(fit_grid, W, b), f(fit_grid), rcond=None)
        fitted = hidden(eval_grid, W, b) @ v
        assert err == pytest.approx(np.max(np.abs(fitted - f(eval_grid))), rel=1e-9)
    ns = sorted(errors)
    assert all(errors[a] > errors[b] for a, b in zip(ns, ns[1:]))
    assert errors[ns[-1]] < 0.1
    assert_pictures(r["plots"])


# --- seed 004: AND, OR, NOT make Boolean circuits ------------------------------------------


def test_and_or_not_units_and_the_circuits_built_from_them_match_python(tmp_path):
    r = boolean_circuit.main(["--out", str(tmp_path)])

    def step(z):
        return float(z > 0)

    gates = r["gate_weights"]
    python = {"AND": lambda a, b: a and b, "OR": lambda a, b: a or b, "NOT": lambda a: not a}
    for name, rule in python.items():
        w, b = gates[name]["w"], gates[name]["b"]
        for bits in itertools.product((0, 1), repeat=len(w)):
            assert step(np.dot(w, bits) + b) == float(rule(*bits))
    two = list(itertools.product((0, 1), repeat=2))
    three = list(itertools.product((0, 1), repeat=3))
    t = r["tables"]
    assert t["xor"] == [float(a ^ b) for a, b in two]
    assert t["majority_circuit"] == [float(a + b + c >= 2) for a, b, c in three]
    assert t["majority_unit"] == [float(a + b + c >= 2) for a, b, c in three]
    assert t["parity"] == [float(a ^ b ^ c) for a, b, c in three]
    and_or = [float(a and b) for a, b in two] + [float(a or b) for a, b in two]
    assert t["gates"] == and_or + [1.0, 0.0]  # NOT(0), NOT(1)
    assert all(r["correct"].values())
    assert r["lecture_xor"] == [0.0, 1.0, 1.0, 0.0]
    sizes = r["sizes"]
    assert sizes["units"]["XOR"] == 4 and sizes["depth"]["XOR"] == 3
    assert sizes["units"]["majority (2-input gates)"] == 5
    assert sizes["units"]["majority (one unit)"] == 1
    assert sizes["units"]["parity of 3"] == 8
    for d, units in sizes["parity_units"].items():
        assert units == 4 * (d - 1)  # against the lookup table's 2^D
    assert_pictures(r["graphs"])


# --- seed 000: the hinge classifier by SGD with a random draw i --------------------------


def test_hinge_classifier_sgd_matches_the_subgradient_loop_in_numpy(tmp_path):
    r = hinge_sgd.main(["--out", str(tmp_path)])
    X, y, draws = np.array(r["X"]), np.array(r["y"], dtype=float), r["draws"]
    n, eta = len(X), 0.1
    assert set(y.tolist()) == {-1.0, 1.0} and all(0 <= i < n for i in draws)
    w, b, curve = np.zeros(2), 0.0, []

    def mean_hinge():
        return float(np.mean(np.maximum(0.0, 1.0 - y * (X @ w + b))))

    curve.append(mean_hinge())
    for t, i in enumerate(draws):
        if y[i] * (X[i] @ w + b) < 1.0:  # subgradient -y x, -y inside the margin, else 0
            w, b = w + eta * y[i] * X[i], b + eta * y[i]
        if (t + 1) % n == 0:
            curve.append(mean_hinge())
    assert r["w"] == pytest.approx(w.tolist(), abs=1e-12)
    assert r["b"] == pytest.approx(b, abs=1e-12)
    assert r["loss"] == pytest.approx(curve, abs=1e-12)
    assert r["loss"][-1] == 0.0 and r["accuracy"][-1] == 1.0
    assert np.all(y * (X @ w + b) >= 1.0)  # every point beyond the margin

    first = r["steps_checked"]["first"]
    xi, yi = X[first["i"]], y[first["i"]]
    assert first["before"] == [0.0, 0.0, 0.0]
    assert first["grad"] == pytest.approx([-yi * xi[0], -yi * xi[1], -yi], abs=1e-15)
    assert first["after"] == pytest.approx([eta * yi * xi[0], eta * yi * xi[1], eta * yi])
    beyond = r["steps_checked"]["beyond_margin"]
    w1, w2, w0 = beyond["before"]
    xi, yi = X[beyond["i"]], y[beyond["i"]]
    assert yi * (w1 * xi[0] + w2 * xi[1] + w0) > 1.0
    assert beyond["grad"] == [0.0, 0.0, 0.0] and beyond["after"] == beyond["before"]
    assert_pictures(r["plots"])


# --- seeds 002 and 004: L2 regularisation ----------------------------------------------------


def test_l2_regression_trained_weights_are_the_ridge_closed_form_and_cure_overfitting(tmp_path):
    r = l2_regression.main(["--out", str(tmp_path)])
    x, y = np.array(r["x"]), np.array(r["y"])
    x_out, y_out = np.array(r["x_out"]), np.array(r["y_out"])
    lam, n = r["lambda"], len(x)

    def design(x):
        return np.column_stack([x**k for k in range(1, 10)] + [np.ones(len(x))])

    A, A_out = design(x), design(x_out)
    # fit's loss (1/n) sum 1/2 r^2 + lam sum theta^2 (bias too, no 1/2): its gradient is 0 at
    # (A^T A + 2 n lam I) theta = A^T y; seed 004's lam' 1/2 |theta|^2 is the same with lam' = 2 lam
    ridge = np.linalg.solve(A.T @ A + 2 * n * lam * np.eye(10), A.T @ y)
    assert r["trained_theta"] == pytest.approx(ridge.tolist(), abs=1e-8)
    gradient_004 = A.T @ (A @ ridge - y) / n + (2 * lam) * ridge
    assert np.max(np.abs(gradient_004)) < 1e-12
    assert np.array(r["newton_theta"][lam]) == pytest.approx(ridge, abs=1e-9)
    H = A.T @ A / n + 2 * lam * np.eye(10)
    assert np.array(r["hessian"]) == pytest.approx(H, abs=1e-13)
    assert r["penalty_grad"] == pytest.approx((2 * lam * ridge).tolist(), rel=1e-9)  # seed 002

    # lambda = 0: the ten parameters interpolate the ten noisy points
    interpolant = np.linalg.solve(A, y)
    assert r["train_mse"][0.0] < 1e-12
    held = r["held_out_mse"]
    for theta, key in ((interpolant, 0.0), (ridge, lam)):
        assert held[key] == pytest.approx(np.mean((A_out @ theta - y_out) ** 2), rel=1e-6)
    assert held[lam] < held[0.0]  # over-fitting cured
    assert r["train_mse"][lam] > r["train_mse"][0.0]
    # and on fresh data of every seed 0-19, not just this one
    for seed, ratio in enumerate(r["held_out_ratios"]):
        data = l2_regression.make_data(seed)
        A_s, A_s_out = design(data["x"]), design(data["x_out"])
        fits = [np.linalg.solve(A_s, data["y"])]
        fits.append(np.linalg.solve(A_s.T @ A_s + 2 * n * lam * np.eye(10), A_s.T @ data["y"]))
        mse = [np.mean((A_s_out @ th - data["y_out"]) ** 2) for th in fits]
        assert ratio == pytest.approx(mse[0] / mse[1], rel=1e-6) and ratio > 1.0
    assert_pictures(r["plots"])
