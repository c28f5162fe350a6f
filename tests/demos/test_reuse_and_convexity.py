"""Backprop's reuse (seed 003 P20, seed 004 G22/G26) and GLM convexity for every w (P03, P05).

Every count is held to a closed form written here and to a dynamic-programming count of
the paths on a graph the test builds itself; every Hessian to numpy's X^T S X with S
computed here, and S's formulas to central differences of one sample's loss.
"""

import numpy as np
import pytest
from autograd_lite.demos import backprop_cost, glm

from autograd_lite import Value
from nn import MLP, squared_error

pytestmark = pytest.mark.slow  # each runs a whole demo


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def counted_by_dynamic_programming(width: int, depth: int) -> dict[str, int]:
    """Paths from the loss to every parameter and the sum of their lengths, without
    enumerating them: P(parent) += P(node), S(parent) += S(node) + P(node)."""
    model = MLP(width, [width] * (depth - 1) + [1], activation="sigmoid", seed=0)
    loss = squared_error(model([0.1 * (i + 1) for i in range(width)]), 1.0)
    order = loss.topological_order()
    paths, lengths = {id(loss): 1}, {id(loss): 0}
    for node in reversed(order):
        for parent in node.parents:
            p = paths.get(id(node), 0)
            paths[id(parent)] = paths.get(id(parent), 0) + p
            lengths[id(parent)] = lengths.get(id(parent), 0) + lengths.get(id(node), 0) + p
    params = model.parameters()
    return {
        "paths": sum(paths[id(w)] for w in params),
        "naive": sum(lengths[id(w)] for w in params),
        "backward": sum(len(node.parents) for node in order),
    }


def test_reuse_chain_naive_is_3L2_plus_6L_quadratic_and_backprop_5L_plus_4_linear(tmp_path):
    r = backprop_cost.main(["--out", str(tmp_path)])
    chain = r["reuse"]["1"]
    assert [c["depth"] for c in chain] == list(range(1, 9))
    for c in chain:
        L = c["depth"]
        assert c["paths"] == 2 * L  # one path to each w and b
        assert c["naive"] == 3 * L * L + 6 * L
        assert c["backward"] == 5 * L + 4
        assert c["gap"] < 1e-15
        dp = counted_by_dynamic_programming(1, L)
        assert (c["paths"], c["naive"], c["backward"]) == (dp["paths"], dp["naive"], dp["backward"])
    # quadratic: second differences constant (6); linear: first differences constant (5)
    naive = np.array([c["naive"] for c in chain])
    assert set(np.diff(naive, 2).tolist()) == {6}
    assert set(np.diff([c["backward"] for c in chain]).tolist()) == {5}
    assert any(p.endswith("reuse.png") for p in r["plots"])


def test_reuse_width_2_naive_doubles_with_each_layer_and_backprop_grows_18_per_layer(tmp_path):
    r = backprop_cost.main(["--out", str(tmp_path)])
    for c in r["reuse"]["2"]:
        L = c["depth"]
        assert c["paths"] == 3 * 2**L - 3
        assert c["naive"] == (21 * L - 10) * 2 ** (L - 1) + 5
        assert c["backward"] == 18 * L - 5
        assert c["gap"] < 1e-15
        dp = counted_by_dynamic_programming(2, L)
        assert (c["paths"], c["naive"], c["backward"]) == (dp["paths"], dp["naive"], dp["backward"])
    deepest = r["reuse"]["2"][-1]
    assert deepest["naive"] > 100 * deepest["backward"]
    # the existing keys are still there
    assert {"architectures", "scaling", "rows", "plots"} <= set(r)


def test_naive_chain_rule_gradients_equal_central_differences():
    model = MLP(2, [2, 2, 1], activation="sigmoid", seed=3)
    x = [0.3, -0.7]

    def loss() -> Value:
        return squared_error(model(x), 1.0)

    params = model.parameters()
    naive = backprop_cost.naive_gradients(loss(), params)
    h = 1e-6
    for w, g in zip(params, naive["grads"]):
        w.data += h
        up = loss().data
        w.data -= 2 * h
        down = loss().data
        w.data += h
        assert g == pytest.approx((up - down) / (2 * h), abs=1e-8)
    assert naive["paths"] == 3 + 6 * 1 + 6 * 2  # output layer, then 1 and 2 paths per unit


@pytest.fixture(scope="module")
def glm_run(tmp_path_factory):
    return glm.main(["--out", str(tmp_path_factory.mktemp("glm"))])


def one_sample_loss(model: str, z: float, y: float) -> float:
    """Seed 003's recipe l(t(z), y) for one sample, written here."""
    if model == "linear":
        return (z - y) ** 2
    if model == "logistic":
        p = sigmoid(z)
        return -y * np.log(p) - (1 - y) * np.log(1 - p)
    if model == "poisson":
        return np.exp(z) - y * z
    return 0.5 * (sigmoid(z) - y) ** 2  # seed 004's logistic least squares


@pytest.mark.parametrize("model", ["linear", "logistic", "poisson", "lls"])
def test_glm_s_entries_are_the_second_derivative_of_one_samples_loss(model):
    h = 1e-4
    for z in (-3.0, -0.5, 0.0, 1.2, 4.0):
        for y in (0.0, 1.0, 3.0) if model in ("linear", "poisson") else (0.0, 1.0):
            second = (
                one_sample_loss(model, z + h, y)
                - 2 * one_sample_loss(model, z, y)
                + one_sample_loss(model, z - h, y)
            ) / h**2
            s = glm.curvature(model, np.array([z]), np.array([y]))[0]
            assert s == pytest.approx(second, rel=1e-5, abs=1e-6)


def test_glm_hessian_is_xt_s_x_with_s_at_least_0_at_every_random_w(glm_run):
    r = glm_run
    X = np.array(r["data"]["X"])
    n = len(X)
    points = np.array(r["every_w"]["w"])
    assert points.shape == (glm.RANDOM_W, 3) and len({tuple(w) for w in points.tolist()}) == 4
    for model in ("linear", "logistic", "poisson"):
        got = r["every_w"][model]
        for k, w in enumerate(points):
            z = X @ w
            s = {"linear": np.full(n, 2.0), "logistic": sigmoid(z) * (1 - sigmoid(z))}.get(
                model, np.exp(z)
            )
            assert s.min() >= 0
            H = (X.T * s) @ X / n
            assert np.array(got["hessians"][k]) == pytest.approx(H, rel=1e-12, abs=1e-14)
            assert got["min_eigenvalues"][k] == pytest.approx(np.linalg.eigvalsh(H)[0], rel=1e-10)
            assert got["min_eigenvalues"][k] > 0
            assert got["min_s"][k] == pytest.approx(s.min(), rel=1e-12)
    # seed 004's logistic least squares: some s_i < 0 at its non-convex point
    z = X @ np.array(glm.W_NONCONVEX)
    y = np.array(r["data"]["logistic"])
    p = sigmoid(z)
    s_lls = (p * (1 - p)) ** 2 + (p - y) * p * (1 - p) * (1 - 2 * p)
    assert r["every_w"]["lls"]["min_s"] == pytest.approx(s_lls.min(), rel=1e-12)
    assert s_lls.min() < 0
    # the old keys are still there
    assert {"linear", "logistic", "poisson", "written_eigenvalues", "line_search"} <= set(r)


def test_glm_prints_s_formula_for_each_model(tmp_path, capsys):
    glm.main(["--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert "H = 1/n X^T S X" in out
    for formula in ("s_i = 2", "s_i = sigmoid(z_i)(1 - sigmoid(z_i))", "s_i = exp(z_i)"):
        assert formula in out
