"""The lecture demos: each runs, and its numbers match the lectures' closed forms.

Every expected number here is computed in this file from the lecture's
formula (plain floats or numpy), or is a literal number from the slides;
none is read back from the demo's own "formula in floats" column.
"""

from __future__ import annotations

import html
import math
import sys
from pathlib import Path

import numpy as np
import pytest
from autograd_lite.demos import (
    DEMOS,
    backprop_intro,
    bce_classifier,
    chain_rule,
    init_scale,
    linear_collapse,
    load,
    logistic_l2,
    report,
    sigmoid_221,
    softmax_ce,
    vanishing,
    xor_threshold,
)
from autograd_lite.demos import backprop_cost as cost_demo

from autograd_lite.cli import main as cli

pytestmark = pytest.mark.slow  # each runs a whole demo


def sigmoid(z: float | np.ndarray) -> float | np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def assert_pictures(paths: list[str], suffix: str) -> None:
    assert paths, "the demo wrote no pictures"
    for p in paths:
        path = Path(p)
        assert path.suffix == suffix and path.stat().st_size > 1000, p
        if suffix == ".svg":
            assert path.read_text().rstrip().endswith("</svg>")


def test_backprop_intro_x_plus_y_times_z_gives_minus4_minus4_3(tmp_path, capsys):
    r = backprop_intro.main(["--out", str(tmp_path)])
    assert (r["q"], r["f"]) == (3.0, -12.0)
    assert (r["grads"]["x"], r["grads"]["y"], r["grads"]["z"]) == (-4.0, -4.0, 3.0)
    assert r["grads"]["q"] == -4.0  # df/dq = z
    assert r["local_grads"] == {"dq/dx": 1.0, "dq/dy": 1.0, "df/dq": -4.0, "df/dz": 3.0}
    assert r["nudge_slope"] == pytest.approx(-4.0)
    assert_pictures(r["graphs"], ".svg")
    assert "grad -4" in html.unescape(Path(r["graphs"][-1]).read_text())
    assert "df/dx = -4, df/dy = -4, df/dz = 3" in capsys.readouterr().out


def test_chain_rule_fan_out_matches_the_lectures_df_dt(tmp_path):
    r = chain_rule.main(["--out", str(tmp_path)])

    def df_dt(t: float) -> float:  # the lecture's plug-in: (y e^xy)(-sin t) + (1 + x e^xy)(2t)
        x, y = math.cos(t), t * t
        return (y * math.exp(x * y)) * (-math.sin(t)) + (1 + x * math.exp(x * y)) * (2 * t)

    t = r["t"]
    assert r["df_dt"] == pytest.approx(df_dt(t), rel=1e-14)
    x, y = math.cos(t), t * t
    assert r["x_bar"] == pytest.approx(y * math.exp(x * y), rel=1e-14)
    assert r["y_bar"] == pytest.approx(1 + x * math.exp(x * y), rel=1e-14)
    for tk, ours in zip(r["sweep_t"], r["sweep_df_dt"]):
        assert ours == pytest.approx(df_dt(tk), rel=1e-12, abs=1e-12)
    assert_pictures(r["graphs"], ".svg")
    assert_pictures(r["plots"], ".png")


def test_logistic_l2_every_slide_line(tmp_path, capsys):
    r = logistic_l2.main(["--out", str(tmp_path)])
    x, t, w, b, lam = (r["inputs"][k] for k in ("x", "t", "w", "b", "lambda"))
    z = w * x + b
    y = sigmoid(z)
    L, R = 0.5 * (y - t) ** 2, 0.5 * w**2
    assert r["values"] == pytest.approx(
        {"z": z, "y": y, "L": L, "R": R, "L_reg": L + lam * R}, rel=1e-14
    )
    y_bar = 1.0 * (y - t)
    z_bar = y_bar * y * (1 - y)
    expected = {
        "L_reg": 1.0,
        "R": lam,
        "L": 1.0,
        "y": y_bar,
        "z": z_bar,
        "w": z_bar * x + lam * w,  # w fans out: z and R
        "b": z_bar,
    }
    assert r["grads"] == pytest.approx(expected, rel=1e-14)
    out = capsys.readouterr().out
    for line in (
        "y_bar      L_bar (y - t)",
        "w_bar      z_bar x + R_bar w",
        "R_bar      L_reg_bar",
    ):
        assert line in out
    assert_pictures(r["graphs"], ".svg")


def test_sigmoid_221_backprop_demo_gradients_and_one_sgd_step(tmp_path):
    r = sigmoid_221.main(["--out", str(tmp_path)])
    x1, x2, y, eta = sigmoid_221.X1, sigmoid_221.X2, sigmoid_221.TARGET, sigmoid_221.ETA
    w1, w2, w3, w4, w5, w6 = sigmoid_221.WEIGHTS.values()

    def error(w1, w2, w3, w4, w5, w6):  # the slide's f1..f4
        h1 = math.exp(x1 * w1 + x2 * w3) / (1 + math.exp(x1 * w1 + x2 * w3))
        h2 = math.exp(x1 * w2 + x2 * w4) / (1 + math.exp(x1 * w2 + x2 * w4))
        return (y - (h1 * w5 + h2 * w6)) ** 2, h1, h2

    E, h1, h2 = error(w1, w2, w3, w4, w5, w6)
    d = -2 * (y - (h1 * w5 + h2 * w6))
    expected = {
        "w1": d * w5 * h1 * (1 - h1) * x1,
        "w2": d * w6 * h2 * (1 - h2) * x1,
        "w3": d * w5 * h1 * (1 - h1) * x2,
        "w4": d * w6 * h2 * (1 - h2) * x2,
        "w5": d * h1,
        "w6": d * h2,
    }
    assert r["grads"] == pytest.approx(expected, rel=1e-12)
    assert r["E_before"] == pytest.approx(E, rel=1e-14)
    stepped = {k: v - eta * expected[k] for k, v in sigmoid_221.WEIGHTS.items()}
    assert r["weights_after"] == pytest.approx(stepped, rel=1e-12)
    assert r["E_after"] == pytest.approx(error(*stepped.values())[0], rel=1e-12)
    assert r["E_after"] < r["E_before"]
    assert_pictures(r["graphs"], ".svg")


def test_bce_classifier_dE_dz2_is_yhat_minus_y_and_the_batch_form(tmp_path):
    r = bce_classifier.main(["--out", str(tmp_path)])
    x, W1, w2 = (np.array(a) for a in (bce_classifier.X_ONE, bce_classifier.W1, bce_classifier.W2))
    yhat = sigmoid(w2 @ sigmoid(W1.T @ x))
    y = bce_classifier.Y_ONE
    assert r["single"]["yhat"] == pytest.approx(yhat, rel=1e-14)
    assert r["single"]["E"] == pytest.approx(-y * np.log(yhat) - (1 - y) * np.log(1 - yhat))
    assert r["single"]["dE_dz2"] == pytest.approx(yhat - y, rel=1e-13)
    # Every row (single example and the batch) agrees with its formula.
    assert max(row["gap"] for row in r["rows"]) < 1e-12
    names = [row["quantity"] for row in r["batch"]["rows"]]
    assert names.count("dw2[1]") == 2  # Pan's dZ2 A1^T and Bui's X^T (P - Y)
    assert {"db2", "dW1[2,3]", "db1[3]"} <= set(names)
    assert_pictures(r["graphs"], ".svg")


def test_bce_classifier_batch_keeps_part_1s_meaning_of_W1_i_j(tmp_path):
    b = bce_classifier.main(["--out", str(tmp_path)])["batch"]
    X, Y = np.array(b["X"]), np.array(b["Y"])
    W1, b1, w2, b2 = np.array(b["W1"]), np.array(b["b1"]), np.array(b["w2"]), b["b2"]
    assert W1.shape == (2, 3)  # p x d: input i -> hidden unit j, as in part 1
    grads = np.zeros_like(W1)
    for x, y in zip(X, Y):  # seed 001: (yhat - y) w2[j] h1[j](1 - h1[j]) x[i], per example
        h = sigmoid(W1.T @ x + b1)
        yhat = sigmoid(w2 @ h + b2)
        grads += np.outer(x, (yhat - y) * w2 * h * (1 - h)) / len(X)
    ours = {row["quantity"]: row["ours"] for row in b["rows"]}
    for i in range(2):
        for j in range(3):
            assert ours[f"dW1[{i + 1},{j + 1}]"] == pytest.approx(grads[i, j], rel=1e-12)


def test_softmax_ce_lecture_example_gradient_and_stable_softmax(tmp_path):
    r = softmax_ce.main(["--out", str(tmp_path)])
    assert r["lecture"]["E"] == pytest.approx(-math.log(0.7), rel=1e-14)  # 0.3567
    assert r["lecture"]["grads"] == pytest.approx([0.1, -0.3, 0.2], abs=1e-15)  # p - y
    assert r["batch"]["max_gap"] < 1e-12
    large = r["large"]
    assert all(math.isnan(p) for p in large["naive"])
    assert "exp" in large["exp_refused"] and "1000" in large["exp_refused"]
    p = np.exp([0.0, 1.0, 2.0]) / np.exp([0.0, 1.0, 2.0]).sum()  # shift by max: same softmax
    assert large["probs"] == pytest.approx(p.tolist(), rel=1e-14)
    assert large["ce"] == pytest.approx(2.0 + math.log(np.exp([-2.0, -1.0, 0.0]).sum()), rel=1e-14)
    assert large["ce_grads"] == pytest.approx((p - [1.0, 0.0, 0.0]).tolist(), abs=1e-15)
    assert large["far_ce"] == 1000.0
    assert_pictures(r["graphs"], ".svg")


def test_softmax_ce_flags_seed_002s_sign_slip_and_its_transposed_one_example_gradient(
    tmp_path, capsys
):
    r = softmax_ce.main(["--out", str(tmp_path)])
    # seed 002's left side log(e^s_y / sum e^s_j) is log 0.7 < 0; the loss is its negative
    assert r["lecture"]["seed_left_side"] == pytest.approx(math.log(0.7), rel=1e-15)
    assert r["lecture"]["E"] == pytest.approx(-r["lecture"]["seed_left_side"], rel=1e-15)
    one = r["batch"]["single"]
    features, classes = softmax_ce.FEATURES, softmax_ce.CLASSES
    assert features != classes  # else the two orientations could not be told apart
    assert one["seed_shape"] == (classes, features) and one["graph_shape"] == (features, classes)
    assert max(row["gap"] for row in one["rows"]) < 1e-15
    out = capsys.readouterr().out
    assert "gives no numbers;\nwe choose s = (1000.0, 1001.0, 1002.0)" in out
    assert "-log(e^s_y / sum_j e^s_j) = -s_y + log sum_j e^s_j" in out


def test_identity_activations_collapse_into_one_matrix(tmp_path):
    r = linear_collapse.main(["--out", str(tmp_path)])
    model = linear_collapse.MLP(
        linear_collapse.NIN, linear_collapse.SIZES, activation="linear", seed=linear_collapse.SEED
    )
    W_total = np.eye(linear_collapse.NIN)
    for layer in model.layers:
        W_total = np.array([[w.data for w in n.w] for n in layer.neurons]) @ W_total
    assert np.array(r["W_total"]) == pytest.approx(W_total, abs=1e-15)
    assert r["output_gap"] < 1e-12 and r["jacobian_gap"] < 1e-12
    assert r["relu_jacobian_spread"] > 0.01  # with ReLU the map is not one matrix


def test_xor_hard_thresholds_compute_xor_with_zero_gradients(tmp_path):
    r = xor_threshold.main(["--out", str(tmp_path)])
    assert r["outputs"] == [0.0, 1.0, 1.0, 0.0]
    assert r["largest_grads"] == [0.0, 0.0, 0.0, 0.0]
    for row in r["rows"][:12]:  # h1 = OR, h2 = AND, y = h1 AND NOT h2
        assert row["gap"] == 0.0
    assert r["sigmoid"][100.0]["outputs"] == pytest.approx([0, 1, 1, 0], abs=1e-9)
    assert 0.0 < r["sigmoid"][10.0]["largest_grad"]
    assert_pictures(r["graphs"], ".svg")
    assert_pictures(r["plots"], ".png")


def test_xor_threshold_table_is_the_same_with_step_0_equal_to_0_or_1(tmp_path, capsys):
    r = xor_threshold.main(["--out", str(tmp_path)])
    w = xor_threshold.HAND_WIRED
    W1 = np.array(
        [
            [w["layers.0.neurons.0.w.0"], w["layers.0.neurons.0.w.1"]],
            [w["layers.0.neurons.1.w.0"], w["layers.0.neurons.1.w.1"]],
        ]
    )
    b1 = np.array([w["layers.0.neurons.0.b"], w["layers.0.neurons.1.b"]])
    w2 = np.array([w["layers.1.neurons.0.w.0"], w["layers.1.neurons.0.w.1"]])
    b2 = w["layers.1.neurons.0.b"]
    X = np.array(xor_threshold.INPUTS, dtype=float)
    smallest = np.inf
    for at_zero in (0.0, 1.0):  # seed 004's step(0) = 0, seeds 000/001's step(0) = 1

        def step(z, at_zero=at_zero):
            return np.where(z > 0, 1.0, np.where(z < 0, 0.0, at_zero))

        Z1 = X @ W1.T + b1
        z2 = step(Z1) @ w2 + b2
        smallest = min(smallest, np.abs(Z1).min(), np.abs(z2).min())
        assert step(z2).tolist() == [0.0, 1.0, 1.0, 0.0]
    assert r["smallest_abs_z"] == smallest == 0.5
    assert r["slide_text"] == [0, 0, 1, 0]  # h1 AND NOT x2 is not XOR
    out = capsys.readouterr().out
    assert "not XOR =" not in out and "but XOR is [0, 1, 1, 0]" in out


def test_gaussian_one_over_m_keeps_z_independent_of_fan_in(tmp_path):
    r = init_scale.main(["--out", str(tmp_path)])
    # seed 000: 1/m is the variance (16,384 weights: the estimate is within about 1%)
    assert r["weight_variance_times_m"] == pytest.approx(1.0, rel=0.05)
    for m, rms, rms_unscaled in zip(r["fan_ins"], r["rms"], r["rms_unscaled"]):
        # E[z^2] = m * (1/m) * 1 = 1, and m * 1 * 1 = m: each from 512 independent samples.
        assert rms == pytest.approx(1.0, rel=0.15), m
        assert rms_unscaled == pytest.approx(math.sqrt(m), rel=0.15), m
    assert min(r["slope"]) > 0.18  # sigmoid'(z) stays near its peak 1/4
    assert r["slope_unscaled"][-1] < 0.05  # unscaled weights saturate the sigmoid
    assert_pictures(r["plots"], ".png")


def test_vanishing_gradients_sigmoid_chain_vs_relu(tmp_path):
    r = vanishing.main(["--out", str(tmp_path)])
    depth = vanishing.DEPTH
    a, slopes = 1.0, []  # a_l = sigmoid(1 * a_(l-1)), a_0 = 1
    for _ in range(depth):
        a = sigmoid(a)
        slopes.append(a * (1 - a))
    ours = r["chains"]["sigmoid"]["ours"]
    for layer in range(depth + 1):
        assert ours[layer] == pytest.approx(math.prod(slopes[layer:]), rel=1e-12)
    assert ours[0] <= 0.25**depth  # sigma' <= 1/4 per layer
    assert r["chains"]["relu"]["ours"] == [1.0] * (depth + 1)
    assert r["ratios"]["sigmoid"] < 1e-6  # first hidden layer's gradients vanish
    assert 0.1 < r["ratios"]["relu"] < 10  # ReLU's stay at the same scale
    # ... but small: Gaussian(0, 1/m) and ReLU halve the variance per layer, both ways
    assert r["activation_factor"] == pytest.approx(1 / math.sqrt(2), abs=0.05)
    assert r["delta_factor"] == pytest.approx(1 / math.sqrt(2), abs=0.05)
    he, plain = r["relu_scales"]["Gaussian(0, 2/m)"], r["relu_scales"]["Gaussian(0, 1/m)"]
    assert min(he["grad"][:depth]) > 100 * max(plain["grad"][:depth])
    # seed 003's remedy: a shortcut a_l = a_(l-1) + sigmoid(a_(l-1)) has factor 1 + sigma' >= 1
    a, factors = 1.0, []
    for _ in range(depth):
        s = sigmoid(a)
        factors.append(1 + s * (1 - s))
        a = a + s
    for layer in range(depth + 1):
        assert r["residual_chain"]["ours"][layer] == pytest.approx(
            math.prod(factors[layer:]), rel=1e-12
        )
    assert r["ratios"]["sigmoid + shortcut"] > 0.05  # vs 1e-13 without the shortcuts
    assert_pictures(r["plots"], ".png")


def test_backprop_cost_backward_is_two_forward_passes(tmp_path):
    r = cost_demo.main(["--out", str(tmp_path)])
    for arch, (nin, sizes) in zip(r["architectures"], cost_demo.ARCHITECTURES):
        fan = [nin] + sizes
        weights = sum(a * b for a, b in zip(fan, fan[1:]))  # one multiply-add per weight
        assert arch["forward"] == weights
        assert arch["backward"] == 2 * weights  # w_bar = y_bar h and h_bar += y_bar w
        assert arch["backward_without_inputs"] == 2 * weights - nin * sizes[0]
        assert arch["forward_per_layer"] == [a * b for a, b in zip(fan, fan[1:])]
        assert 1.9 < arch["edges"] / arch["nodes"] < 2.0  # the engine's loop: edges vs nodes
    for s in r["scaling"]:
        n = s["width"]
        assert s["forward"] == cost_demo.DEPTH * n * n + n  # quadratic in the width
        assert s["backward"] == 2 * s["forward"]
    assert_pictures(r["plots"], ".png")


# --- the registry and the CLI -----------------------------------------------------


def test_every_registered_demo_has_a_main():
    for name, demo in DEMOS.items():
        assert name == name.lower() and " " not in name
        assert callable(load(name).main), demo.module


def test_cli_demo_list_names_every_demo(capsys):
    assert cli(["demo", "--list"]) == 0
    out = capsys.readouterr().out
    for name, demo in DEMOS.items():
        assert name in out and demo.description in out


def test_cli_runs_a_demo_into_out(tmp_path, capsys):
    assert cli(["demo", "backprop-intro", "--out", str(tmp_path)]) == 0
    assert "df/dx = -4, df/dy = -4, df/dz = 3" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backward.svg", "forward.svg"]


def test_cli_unknown_demo_lists_the_names_and_fails(capsys):
    assert cli(["demo", "backprop-intr"]) == 2
    err = capsys.readouterr().err
    assert "unknown demo 'backprop-intr'" in err and "did you mean 'backprop-intro'" in err
    assert all(name in err for name in DEMOS)


def test_without_matplotlib_a_demo_still_runs_and_says_so(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib -> ImportError
    r = chain_rule.main(["--out", str(tmp_path)])
    assert r["plots"] == [] and r["df_dt"] == pytest.approx(2.410479016, rel=1e-9)
    assert "matplotlib is not installed: skipped the plot" in capsys.readouterr().out
    assert [p.name for p in tmp_path.iterdir()] == ["graph.svg"]


def test_without_a_graphviz_renderer_a_demo_still_runs_and_says_so(tmp_path, capsys, monkeypatch):
    def no_renderer(*args, **kwargs):
        raise report.RendererNotFoundError("no Graphviz renderer found")

    monkeypatch.setattr(report, "render", no_renderer)
    r = backprop_intro.main(["--out", str(tmp_path)])
    assert r["graphs"] == [] and r["grads"]["x"] == -4.0
    assert "skipped the graph" in capsys.readouterr().out


def numpy_mean_abs_grads(model, x: np.ndarray) -> list[float]:
    """Mean |dy/dW| per layer of a sigmoid MLP with a linear output, by numpy backprop."""
    acts, zs = [np.asarray(x, dtype=float)], []
    for layer in model.layers:
        zs.append(layer.weight() @ acts[-1] + layer.bias())
        last = layer is model.layers[-1]
        acts.append(zs[-1] if last else sigmoid(zs[-1]))
    delta, out = np.ones(1), []
    for k in range(len(model.layers) - 1, -1, -1):
        if k < len(model.layers) - 1:
            s = sigmoid(zs[k])
            delta = delta * s * (1 - s)
        out.append(float(np.abs(np.outer(delta, acts[k])).mean()))
        delta = model.layers[k].weight().T @ delta
    return out[::-1]


def test_vanishing_part_2_averages_absolute_values_not_a_sum(monkeypatch):
    """mean |dy/dw| is the mean over inputs of each input's |dy/dw| (a sum over inputs
    taken first would let signs cancel)."""
    from nn import MLP

    monkeypatch.setattr(vanishing, "DEPTH", 3)
    monkeypatch.setattr(vanishing, "INPUTS", 3)
    monkeypatch.setattr(vanishing, "SEEDS", 2)
    got = vanishing.layer_gradients("sigmoid")
    want = np.zeros(4)
    for seed in range(2):
        model = MLP(vanishing.WIDTH, [vanishing.WIDTH] * 3 + [1], activation="sigmoid", seed=seed)
        for x in np.random.default_rng(1000 + seed).normal(size=(3, vanishing.WIDTH)):
            want += numpy_mean_abs_grads(model, x)
    assert got == pytest.approx((want / 6).tolist(), rel=1e-10)
