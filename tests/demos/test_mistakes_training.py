"""The mistakes lab's training demos: a learning rate above 2/lambda_max, equal initial
weights, and an update written into the graph. Each demo's numbers are held to ones
worked out here, independently (numpy eigenvalues, gradient descent in floats, the
backprop formulas), and each bug must show its effect."""

import numpy as np
import pytest
from autograd_lite.demos import mistake_learning_rate, mistake_same_init, mistake_update_in_graph
from autograd_lite.demos.zero_init import CONSTANT, HIDDEN, constant_model, symmetric

from autograd_lite import Value
from nn import xor_table

pytestmark = pytest.mark.slow  # each runs a whole demo


def float_descent(x, y, lr, steps):
    """Full-batch gradient descent on mean (w x + b - y)^2 in numpy, from w = b = 0."""
    theta = np.zeros(2)
    A = np.column_stack([x, np.ones_like(x)])
    losses = []
    for _ in range(steps):
        r = A @ theta - y
        losses.append(float(np.mean(r**2)))
        theta = theta - lr * 2.0 / len(x) * A.T @ r
    losses.append(float(np.mean((A @ theta - y) ** 2)))
    return theta, losses


# --- 1. a learning rate above 2 / lambda_max --------------------------------------


@pytest.fixture(scope="module")
def learning_rate(tmp_path_factory):
    return mistake_learning_rate.main(["--out", str(tmp_path_factory.mktemp("lr"))])


def test_learning_rate_threshold_is_2_over_numpy_lambda_max(learning_rate):
    x = mistake_learning_rate.XS
    A = np.column_stack([x, np.ones_like(x)])
    H = 2.0 / len(x) * A.T @ A
    lam = np.linalg.eigvalsh(H)
    assert learning_rate["lambda_max"] == pytest.approx(lam[-1], rel=1e-12)
    assert learning_rate["lambda_min"] == pytest.approx(lam[0], rel=1e-12)
    assert learning_rate["threshold"] == pytest.approx(2.0 / lam[-1], rel=1e-12)
    assert np.allclose(learning_rate["engine_hessian"], H, rtol=0, atol=1e-12)
    assert learning_rate["right"]["lr"] == pytest.approx(0.5 * 2.0 / lam[-1])
    assert learning_rate["bug"]["lr"] == pytest.approx(1.2 * 2.0 / lam[-1])


def test_learning_rate_runs_equal_gradient_descent_in_floats(learning_rate):
    x, y = mistake_learning_rate.XS, mistake_learning_rate.YS
    for run in (learning_rate["right"], learning_rate["bug"]):
        theta, losses = float_descent(x, y, run["lr"], mistake_learning_rate.STEPS)
        assert [run["w"], run["b"]] == pytest.approx(theta.tolist(), rel=1e-9)
        assert run["losses"] == pytest.approx(losses, rel=1e-9)


def test_learning_rate_12_times_threshold_grows_the_excess_loss_by_1_96(learning_rate):
    x, y = mistake_learning_rate.XS, mistake_learning_rate.YS
    A = np.column_stack([x, np.ones_like(x)])
    theta, *_ = np.linalg.lstsq(A, y, rcond=None)
    best = float(np.mean((A @ theta - y) ** 2))
    excess = np.array(learning_rate["bug"]["losses"]) - best
    # lr lambda_max = 1.2 * 2 = 2.4, so the top direction grows by |1 - 2.4| = 1.4 a step
    assert excess[-1] / excess[-2] == pytest.approx(1.4**2, rel=1e-9)
    assert learning_rate["measured_growth"] == pytest.approx(1.96, rel=1e-9)
    assert learning_rate["predicted_growth"] == pytest.approx(1.96, rel=1e-12)
    assert np.all(np.diff(excess) > 0)
    assert excess[-1] > 1e8 * excess[0]
    right = np.array(learning_rate["right"]["losses"])
    assert right[-1] == pytest.approx(best, rel=1e-9)
    assert np.all(np.diff(right) <= 1e-15)
    lam = np.linalg.eigvalsh(2.0 / len(x) * A.T @ A)
    assert learning_rate["measured_shrink"] == pytest.approx((1 - lam[0] / lam[1]) ** 2, rel=1e-8)


def test_learning_rate_rows_and_fix(learning_rate):
    rows = learning_rate["rows"]
    assert all(r["right_ok"] and r["bug_off"] for r in rows)
    assert all(r["gap"] < 1e-8 for r in learning_rate["predictions"])
    assert "lr=" in learning_rate["fix"]["bug"] and "2/lambda_max" in learning_rate["fix"]["fix"]


# --- 2. every weight the same -------------------------------------------------------


@pytest.fixture(scope="module")
def same_init(tmp_path_factory):
    return mistake_same_init.main(["--out", str(tmp_path_factory.mktemp("same"))])


def xor_gradients_by_hand(value):
    """One forward and backward of mean BCE-on-logit over XOR for MLP(2, [4, 1], tanh)
    with every weight ``value`` and bias 0, written out here."""
    X, y = xor_table()
    W1, v = np.full((HIDDEN, 2), value), np.full(HIDDEN, value)
    a = np.tanh(X @ W1.T)
    p = 1.0 / (1.0 + np.exp(-(a @ v)))
    dlogit = (p - y) / len(X)
    dz = (1.0 - a**2) * dlogit[:, None] * v[None, :]
    return dz.T @ X, dz.sum(axis=0)


def test_same_init_every_hidden_unit_gets_the_same_first_gradient(same_init):
    hand_W, hand_b = xor_gradients_by_hand(CONSTANT)
    assert np.all(hand_W == hand_W[0]) and np.all(hand_b == hand_b[0])
    dW, db = mistake_same_init.engine_gradients(constant_model("tanh", CONSTANT))
    assert np.allclose(dW, hand_W, rtol=0, atol=1e-15)
    assert np.allclose(db, hand_b, rtol=0, atol=1e-15)
    shown = {r["quantity"]: r for r in same_init["first_step"]}
    assert shown["dL/dW(1)[0, 0]"]["ours"] == pytest.approx(hand_W[0, 0], abs=1e-15)
    assert shown["dL/db_j, every unit j"]["ours"] == pytest.approx(hand_b[0], abs=1e-15)
    assert shown["largest difference between units"]["ours"] == 0.0


def test_same_init_units_stay_identical_and_random_ones_learn_xor(same_init):
    assert same_init["same"]["start_spread"] == 0.0
    assert same_init["same"]["spread"] == 0.0  # exactly, after every step
    assert same_init["same"]["units"] == 1
    assert same_init["random"]["spread"] > 0.1
    assert same_init["random"]["units"] == HIDDEN
    assert same_init["random"]["accuracy"] == 1.0
    assert same_init["same"]["accuracy"] < 1.0
    assert same_init["random"]["loss"] < 0.01 < same_init["same"]["loss"]
    assert all(r["right_ok"] and r["bug_off"] for r in same_init["rows"])
    assert "seed=0" in same_init["fix"]["fix"]


def test_same_init_trained_network_is_one_hidden_unit():
    """Four identical units with output weights v_j act as one unit with weight sum v_j."""
    model = symmetric("tanh", CONSTANT)["model"]
    hidden, out = model.layers
    w, b = hidden.weight()[0], hidden.bias()[0]
    v, c = out.weight()[0].sum(), out.bias()[0]
    X, _ = xor_table()
    one_unit = v * np.tanh(X @ w + b) + c
    assert [model(x).data for x in X] == pytest.approx(one_unit.tolist(), rel=1e-12)


# --- 3. the update written into the graph --------------------------------------------


@pytest.fixture(scope="module")
def in_graph(tmp_path_factory):
    return mistake_update_in_graph.main(["--out", str(tmp_path_factory.mktemp("graph"))])


def test_update_in_graph_right_loop_equals_float_descent(in_graph):
    x = np.array(mistake_update_in_graph.XS)
    y = np.array(mistake_update_in_graph.YS)
    steps, lr = mistake_update_in_graph.STEPS, mistake_update_in_graph.LR
    theta, losses = float_descent(x, y, lr, steps)
    assert [in_graph["right"]["w"], in_graph["right"]["b"]] == pytest.approx(theta, rel=1e-12)
    assert in_graph["right_loss"] == pytest.approx(losses[-1], rel=1e-10)
    # the buggy loop's own w, b hold the same numbers: only where they live is wrong
    assert [in_graph["bug_loop"]["w"], in_graph["bug_loop"]["b"]] == pytest.approx(theta, rel=1e-12)


def test_update_in_graph_model_keeps_its_initial_leaf_and_loss(in_graph):
    y = np.array(mistake_update_in_graph.YS)
    assert in_graph["bug_model"] == {"w": 0.0, "b": 0.0}
    assert in_graph["bug_loss"] == pytest.approx(np.mean(y**2), rel=1e-12)
    assert in_graph["bug_loss"] == in_graph["start_loss"]
    assert in_graph["bug_loop"]["parents"] == 2
    assert all(r["right_ok"] and r["bug_off"] for r in in_graph["rows"])
    assert in_graph["fix"]["fix"].startswith("w.data -= lr * w.grad")


def test_update_in_graph_graph_grows_by_exactly_4_nodes_a_step(in_graph):
    n = len(mistake_update_in_graph.XS)
    # the loss: leaves w, b; per point a constant x, *, +, a constant y, -, **2 (6 nodes);
    # n - 1 additions to sum them; a constant n and a division
    n0 = 2 + 6 * n + (n - 1) + 2
    # each buggy step makes p - c for p in (w, b): one '-' node and one constant leaf each
    per_update = len((Value(1.0) - 0.5).topological_order()) - 1
    assert per_update == 2
    slope = 2 * per_update
    steps = mistake_update_in_graph.STEPS
    assert in_graph["fresh_nodes"] == n0
    assert in_graph["right_sizes"] == [n0] * (steps + 1)
    assert in_graph["bug_sizes"] == [n0 + slope * t for t in range(steps + 1)]
