"""Seed 001's backprop steps, in numbers: the yhat(1 - yhat) cancellation, the reused
dE/dz2 ("already computed!"), one update w2(t+1), W1(t+1), and ThreeLayerNet(2, 3, 1).

Every expected number is computed here from the seed's equations with numpy, or by
central differences written here; none is read from a demo's "formula in floats".
"""

from __future__ import annotations

import numpy as np
import pytest
from autograd_lite.demos import bce_classifier, three_layer_net

from nn import MLP

pytestmark = pytest.mark.slow  # each runs a whole demo


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def bce_loss(W1: np.ndarray, w2: np.ndarray) -> float:
    """Seed 001's E = -y ln yhat - (1 - y) ln(1 - yhat) on part 1's example."""
    x, y = np.array(bce_classifier.X_ONE), bce_classifier.Y_ONE
    yhat = sigmoid(w2 @ sigmoid(W1.T @ x))
    return float(-y * np.log(yhat) - (1 - y) * np.log(1 - yhat))


def central(f, point: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """df/dpoint, one entry at a time, by central differences."""
    grad = np.zeros_like(point)
    for index in np.ndindex(point.shape):
        up, down = point.copy(), point.copy()
        up[index] += h
        down[index] -= h
        grad[index] = (f(up) - f(down)) / (2 * h)
    return grad


@pytest.fixture(scope="module")
def bce(tmp_path_factory):
    return bce_classifier.main(["--out", str(tmp_path_factory.mktemp("bce"))])


def part_1_in_numpy():
    x, y = np.array(bce_classifier.X_ONE), bce_classifier.Y_ONE
    W1, w2 = np.array(bce_classifier.W1), np.array(bce_classifier.W2)
    h1 = sigmoid(W1.T @ x)
    return x, y, W1, w2, h1, sigmoid(w2 @ h1)


def test_bce_yhat_1_minus_yhat_cancels_to_yhat_minus_y(bce):
    x, y, W1, w2, h1, yhat = part_1_in_numpy()
    one = bce["single"]
    assert one["h1"] == pytest.approx(h1.tolist(), rel=1e-14)
    assert one["dyhat_dz2"] == pytest.approx(yhat * (1 - yhat), rel=1e-13)
    assert one["dE_dyhat"] == pytest.approx((yhat - y) / (yhat * (1 - yhat)), rel=1e-13)
    assert one["dE_dyhat"] * one["dyhat_dz2"] == pytest.approx(yhat - y, rel=1e-13)
    assert one["dE_dz2"] == pytest.approx(yhat - y, rel=1e-13)
    assert one["dE_dw2"] == pytest.approx(((yhat - y) * h1).tolist(), rel=1e-13)
    names = {row["quantity"] for row in one["rows"]}
    assert {"h1[1]", "h1[3]", "dyhat/dz2", "dh1[2]/dz1[2]"} <= names


def test_bce_dE_dz2_is_already_computed_and_reused_for_dE_dW1(bce):
    x, y, W1, w2, h1, yhat = part_1_in_numpy()
    one = bce["single"]
    assert one["dE_dh1"] == pytest.approx(((yhat - y) * w2).tolist(), rel=1e-13)
    # the graph multiplies the one stored dE/dz2 by w2[j]: bit for bit, no recomputation
    assert one["reused"] is True
    assert one["dE_dh1"] == [one["dE_dz2"] * w for w in bce_classifier.W2]
    # seed 001's dE/dW1 = (yhat - y) w2 h1(1 - h1) x, and central differences of E
    expected = np.outer(x, (yhat - y) * w2 * h1 * (1 - h1))
    assert np.array(one["dE_dW1"]) == pytest.approx(expected, rel=1e-12)
    numeric = central(lambda W: bce_loss(W, w2), W1)
    assert np.array(one["dE_dW1"]) == pytest.approx(numeric, abs=1e-9)


def test_bce_one_update_step_w2_and_W1_at_t_plus_1_lowers_E(bce):
    x, y, W1, w2, h1, yhat = part_1_in_numpy()
    step, eta = bce["update"], bce_classifier.ETA
    assert step["eta"] == eta == 0.5
    w2_next = w2 - eta * central(lambda w: bce_loss(W1, w), w2)
    W1_next = W1 - eta * central(lambda W: bce_loss(W, w2), W1)
    assert step["w2_next"] == pytest.approx(w2_next.tolist(), abs=1e-9)
    assert np.array(step["W1_next"]) == pytest.approx(W1_next, abs=1e-9)
    # the update exactly as the slide writes it, with the slide's gradients
    exact_w2 = w2 - eta * (yhat - y) * h1
    assert step["w2_next"] == pytest.approx(exact_w2.tolist(), rel=1e-14)
    assert step["E_before"] == pytest.approx(bce_loss(W1, w2), rel=1e-14)
    assert step["E_after"] == pytest.approx(bce_loss(W1_next, w2_next), rel=1e-8)
    assert step["E_after"] < step["E_before"]
    assert max(row["gap"] for row in step["rows"]) < 1e-12
    assert {"w2[1](t+1)", "W1[2,3](t+1)", "E(t+1)"} <= {r["quantity"] for r in step["rows"]}
    assert all(row in bce["rows"] for row in step["rows"])


def test_bce_prints_the_cancellation_and_already_computed(tmp_path, capsys):
    bce_classifier.main(["--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert "cancels" in out and "= yhat - y" in out
    assert '"already computed!"' in out
    assert "one gradient-descent step, eta = 0.5" in out


# --- seed 001's ThreeLayerNet(2, 3, 1) -------------------------------------------


def seed_equations(theta: dict[str, np.ndarray], x: np.ndarray, y: float) -> dict[str, float]:
    """z1 = W1^T x + b1, h1 = sigmoid(z1), ..., yhat = sigmoid(z3), E = 1/2 (y - yhat)^2,
    written with explicit sums over the seed's W[i, j] (input i -> unit j)."""
    W1, b1, W2, b2, w3, b3 = (theta[k] for k in ("W1", "b1", "W2", "b2", "w3", "b3"))
    z1 = np.array([sum(W1[i, j] * x[i] for i in range(2)) + b1[j] for j in range(3)])
    h1 = sigmoid(z1)
    z2 = np.array([sum(W2[i, j] * h1[i] for i in range(3)) + b2[j] for j in range(3)])
    h2 = sigmoid(z2)
    z3 = sum(w3[i] * h2[i] for i in range(3)) + b3[0]
    yhat = sigmoid(z3)
    return {
        "z1": z1,
        "h1": h1,
        "z2": z2,
        "h2": h2,
        "z3": z3,
        "yhat": yhat,
        "E": 0.5 * (y - yhat) ** 2,
    }


@pytest.fixture(scope="module")
def net(tmp_path_factory):
    return three_layer_net.main(["--out", str(tmp_path_factory.mktemp("net"))])


def theta_of(weights) -> dict[str, np.ndarray]:
    return {k: np.array(v, dtype=float) for k, v in weights.items()}


def test_three_layer_net_forward_is_the_seeds_six_equations(net):
    theta, x, y = theta_of(net["weights"]), np.array(net["x"]), net["y"]
    f = seed_equations(theta, x, y)
    for stage in ("z1", "h1", "z2", "h2"):
        assert net["forward"][stage] == pytest.approx(f[stage].tolist(), rel=1e-14)
    assert net["forward"]["z3"] == pytest.approx([f["z3"]], rel=1e-14)
    assert net["forward"]["y_hat"] == pytest.approx([f["yhat"]], rel=1e-14)
    assert net["E"] == pytest.approx(f["E"], rel=1e-14)  # the 1/2 convention


def test_three_layer_net_every_gradient_by_hand_and_by_central_differences(net):
    theta, x, y = theta_of(net["weights"]), np.array(net["x"]), net["y"]
    f = seed_equations(theta, x, y)
    # backprop by hand, entry by entry
    d3 = (f["yhat"] - y) * f["yhat"] * (1 - f["yhat"])
    d2 = np.array([theta["w3"][j] * d3 * f["h2"][j] * (1 - f["h2"][j]) for j in range(3)])
    dh1 = np.array([sum(theta["W2"][i, k] * d2[k] for k in range(3)) for i in range(3)])
    d1 = dh1 * f["h1"] * (1 - f["h1"])
    hand = {
        "W1": np.array([[x[i] * d1[j] for j in range(3)] for i in range(2)]),
        "b1": d1,
        "W2": np.array([[f["h1"][i] * d2[j] for j in range(3)] for i in range(3)]),
        "b2": d2,
        "w3": d3 * f["h2"],
        "b3": np.array([d3]),
    }
    assert set(net["grads"]) == set(hand)
    for name, expected in hand.items():
        assert np.array(net["grads"][name]) == pytest.approx(expected, rel=1e-11, abs=1e-17)
    assert net["node_grads"]["z3"] == pytest.approx([d3], rel=1e-13)
    assert net["node_grads"]["z2"] == pytest.approx(d2.tolist(), rel=1e-12)
    assert net["node_grads"]["h1"] == pytest.approx(dh1.tolist(), rel=1e-12)
    assert net["node_grads"]["z1"] == pytest.approx(d1.tolist(), rel=1e-12)
    # central differences of the seed's equations, written here
    for name, value in theta.items():

        def E(v, name=name):
            return seed_equations({**theta, name: v}, x, y)["E"]

        numeric = central(E, value, h=1e-5)
        assert np.array(net["grads"][name]) == pytest.approx(numeric, abs=1e-9)
        assert np.array(net["finite_differences"][name]) == pytest.approx(numeric, abs=1e-12)
    assert sum(np.size(v) for v in hand.values()) == 25
    assert len(net["fd_rows"]) == 25 and net["max_fd_gap"] < 1e-9
    assert net["max_gap"] < 1e-12


def test_three_layer_net_is_the_seeds_class_and_b_0_gives_the_slide(net):
    model = three_layer_net.ThreeLayerNet(2, 3, 1, seed=0)
    assert [name for name, _ in model.named_parameters()][:3] == [
        "W1.neurons.0.w.0",
        "W1.neurons.0.w.1",
        "W1.neurons.0.b",
    ]
    assert model.W1.weight().shape == (3, 2) and model.W2.weight().shape == (3, 3)
    assert model.w3.weight().shape == (1, 3) and len(model.parameters()) == 25
    # with every bias 0 it is the slide's z1 = W1^T x, ..., yhat = sigmoid(w3^T h2)
    weights = {
        k: np.zeros_like(v) if k.startswith("b") else v for k, v in theta_of(net["weights"]).items()
    }
    model.load_seed_weights({k: v.tolist() for k, v in weights.items()})
    x = np.array(net["x"])
    slide = sigmoid(weights["w3"] @ sigmoid(weights["W2"].T @ sigmoid(weights["W1"].T @ x)))
    assert model(net["x"]).data == pytest.approx(slide, rel=1e-14)
    # and the same network as nn's MLP(2, [3, 3, 1]) with sigmoids everywhere
    mlp = MLP(2, [3, 3, 1], activation="sigmoid", output_activation="sigmoid", seed=0)
    mlp.load_state_dict(
        {
            k.replace("W1", "layers.0").replace("W2", "layers.1").replace("w3", "layers.2"): v
            for k, v in model.state_dict().items()
        }
    )
    assert mlp(net["x"]).data == pytest.approx(slide, rel=1e-14)
