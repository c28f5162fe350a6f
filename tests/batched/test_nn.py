"""compile_batched with nn: an MLP and every loss per sample, fit(batched=True) against
the scalar path, the batched spiral demo and the benchmark's quick mode."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from autograd_lite.demos import DEMOS, spiral_batched

import nn.train as nn_train
from autograd_lite import Value, compile_batched
from nn import (
    MLP,
    SGD,
    Adam,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    fit,
    hinge,
    make_blobs,
    make_moons,
    make_spiral,
    mse,
    nll,
    softmax_cross_entropy,
    squared_error,
    to_signed,
)

TOL = 1e-12


def close(a, b) -> None:
    np.testing.assert_allclose(a, b, rtol=TOL, atol=TOL)


def per_sample(model, per_example, X, targets):
    """The scalar engine, one sample at a time: losses, input grads, summed parameter grads."""
    params = model.parameters()
    losses, input_grads, grads = [], [], np.zeros(len(params))
    for row, t in zip(X, targets):
        xs = [Value(float(v)) for v in row]
        model.zero_grad()
        loss = per_example(model(xs), t)
        loss.backward()
        losses.append(loss.data)
        input_grads.append([x.grad for x in xs])
        grads += [p.grad for p in params]
    return np.array(losses), np.array(input_grads), grads


def test_an_mlp_output_and_gradients_match_the_scalar_engine_per_sample():
    model = MLP(3, [8, 8, 2], activation="tanh", seed=1)
    X = np.random.default_rng(1).normal(size=(25, 3))
    graph = compile_batched(lambda x: model(x)[0] * model(x)[1], [0.1, 0.2, 0.3], params=model)
    r = graph(X, reduce="sum")
    losses, input_grads, grads = per_sample(model, lambda out, t: out[0] * out[1], X, X)
    close(r.values, losses)
    close(r.input_grads[0], input_grads)
    close(r.param_grads, grads)


LOSSES = {
    "hinge": (hinge, 1, lambda n, rng: rng.choice([-1.0, 1.0], size=n)),
    "binary_cross_entropy_with_logits": (
        binary_cross_entropy_with_logits,
        1,
        lambda n, rng: rng.uniform(0, 1, n),
    ),
    "binary_cross_entropy (of a sigmoid)": (
        lambda o, t: binary_cross_entropy(o.sigmoid(), t),
        1,
        lambda n, rng: rng.uniform(0, 1, n),
    ),
    "softmax_cross_entropy": (softmax_cross_entropy, 3, lambda n, rng: rng.integers(0, 3, n)),
    "nll": (nll, 3, lambda n, rng: rng.integers(0, 3, n)),
    "softmax_cross_entropy (probabilities)": (
        softmax_cross_entropy,
        3,
        lambda n, rng: rng.dirichlet([1.0, 1.0, 1.0], n),
    ),
    "squared_error": (squared_error, 2, lambda n, rng: rng.normal(size=(n, 2))),
    "mse": (lambda o, t: mse([o], [t]), 1, lambda n, rng: rng.normal(size=n)),
}


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_each_nn_loss_batched_equals_the_scalar_engine_per_sample(name):
    loss, nout, make_targets = LOSSES[name]
    rng = np.random.default_rng(2)
    model = MLP(2, [6, nout], activation="relu", seed=2)
    X = rng.normal(size=(6, 2)) * 3
    targets = make_targets(len(X), rng)
    for row, t in zip(X, targets):  # the target is a number in the traced graph
        graph = compile_batched(lambda x, t=t: loss(model(x), t), row.tolist(), params=model)
        r = graph(row[None, :], reduce="mean")
        losses, input_grads, grads = per_sample(model, loss, [row], [t])
        close(r.values, losses)
        close(r.input_grads[0], input_grads)
        close(r.param_grads, grads)


def test_softmax_cross_entropy_at_logits_of_1000_is_finite_and_exact():
    model = MLP(2, [3], seed=0)
    model.load_state_dict({k: (500.0 if k.endswith("w.0") else 0.0) for k in model.state_dict()})
    X = np.array([[2.0, 0.0], [-2.0, 1.0], [0.5, 0.5]])
    graph = compile_batched(lambda x: softmax_cross_entropy(model(x), 1), [1.0, 1.0], params=model)
    r = graph(X, reduce="sum")
    losses, _, grads = per_sample(model, softmax_cross_entropy, X, [1, 1, 1])
    assert np.isfinite(r.values).all()
    close(r.values, losses)
    close(r.param_grads, grads)


def test_parameters_are_read_at_call_time():
    model = MLP(2, [4, 1], seed=0)
    graph = compile_batched(lambda x: model(x), [0.0, 0.0], params=model)
    X = np.array([[1.0, 2.0], [3.0, -1.0]])
    before = graph.forward(X)
    for p in model.parameters():
        p.data += 0.5
    after = graph.forward(X)
    assert not np.allclose(before, after)
    close(after, [model(row).data for row in X])


# --- fit(batched=True) -----------------------------------------------------------------


def trajectories(make_model, make_optimizer, X, y, **kwargs):
    runs = []
    for batched in (False, True):
        model = make_model()
        h = fit(model, X, y, optimizer=make_optimizer(model), batched=batched, **kwargs)
        runs.append((h, model.state_dict()))
    (h1, s1), (h2, s2) = runs
    close(h2.loss, h1.loss)
    assert h2.accuracy == h1.accuracy
    close([s2[k] for k in s1], [s1[k] for k in s1])
    return h1


def test_fit_batched_full_batch_sgd_has_the_scalar_loss_trajectory():
    X, labels = make_moons(40, seed=3)
    h = trajectories(
        lambda: MLP(2, [8, 8, 1], seed=3),
        lambda m: SGD(m, lr=lambda t: 1.0 - 0.9 * t / 100),
        X,
        to_signed(labels),
        loss=hinge,
        l2=1e-4,
        epochs=8,
    )
    assert h.loss[-1] < h.loss[0]


def test_fit_batched_minibatch_adam_has_the_scalar_loss_trajectory():
    X, y = make_spiral(45, classes=3, seed=4)
    trajectories(
        lambda: MLP(2, [8, 8, 3], seed=4),
        lambda m: Adam(m, lr=0.03),
        X,
        y,
        loss=softmax_cross_entropy,
        epochs=5,
        batch_size=10,
        l2=1e-3,
    )


def test_fit_batched_with_binary_cross_entropy_and_momentum():
    X, y = make_blobs(30, centers=2, seed=5)
    trajectories(
        lambda: MLP(2, [6, 1], activation="tanh", seed=5),
        lambda m: SGD(m, lr=0.05, momentum=0.9),
        X / 10.0,
        y,
        loss=binary_cross_entropy_with_logits,
        epochs=6,
        batch_size=7,
    )


def test_fit_batched_trains_every_class_through_one_graph_with_one_hot_rows(monkeypatch):
    compiled = []
    real = nn_train.compile_batched

    def counting(fn, *example, **options):
        compiled.append([len(e) if isinstance(e, list) else 1 for e in example])
        return real(fn, *example, **options)

    monkeypatch.setattr(nn_train, "compile_batched", counting)
    X, y = make_spiral(40, classes=4, seed=6)
    trajectories(
        lambda: MLP(2, [6, 4], seed=6),
        lambda m: SGD(m, lr=0.1),
        X,
        y,
        loss=nll,
        epochs=4,
        batch_size=8,
    )
    assert compiled == [[2, 4]]  # x and the one-hot target: one graph for all four classes


def test_fit_batched_with_labels_out_of_range_says_so():
    X, _ = make_spiral(12, classes=3, seed=0)
    with pytest.raises(ValueError, match="class 3 is out of range for 3 logits"):
        fit(MLP(2, [3], seed=0), X, np.full(12, 3), loss=softmax_cross_entropy, batched=True)


def test_fit_batched_with_bce_on_a_sigmoid_output_has_the_scalar_trajectory():
    X, y = make_blobs(30, centers=2, seed=6)
    trajectories(
        lambda: MLP(2, [6, 1], activation="tanh", output_activation="sigmoid", seed=6),
        lambda m: SGD(m, lr=0.1),
        X / 10.0,
        y,
        loss=binary_cross_entropy,
        epochs=6,
        batch_size=10,
    )


def test_fit_batched_refuses_regression_targets_with_too_many_values():
    X = np.random.default_rng(0).normal(size=(100, 2))
    model = MLP(2, [4, 1], seed=0)
    with pytest.raises(ValueError, match="batched=False"):
        fit(model, X, X[:, 0], loss=squared_error, epochs=1, batched=True)


def test_fit_batched_must_be_a_bool():
    X, y = make_moons(10, seed=0)
    with pytest.raises(TypeError, match="batched"):
        fit(MLP(2, [1], seed=0), X, to_signed(y), epochs=1, batched="yes")


# --- the demo and the benchmark --------------------------------------------------------


@pytest.mark.slow
def test_spiral_batched_demo_reaches_99_percent_on_1500_points(tmp_path, capsys):
    result = spiral_batched.main(["--out", str(tmp_path)])
    assert result["accuracy"] >= 0.99
    assert result["parameters"] == 4547
    assert result["steps"] == 60
    out = capsys.readouterr().out
    assert "trained in" in out and "training accuracy" in out
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        assert result["images"] == []
    else:
        assert sorted(Path(p).name for p in result["images"]) == [
            "decision_regions.png",
            "loss_curve.png",
        ]


def test_spiral_batched_is_registered():
    assert DEMOS["spiral-batched"].module == "autograd_lite.demos.spiral_batched"


@pytest.mark.slow
def test_batched_benchmark_runs_in_quick_mode():
    script = Path(__file__).resolve().parents[2] / "benchmarks" / "batched.py"
    out = subprocess.run(
        [sys.executable, str(script), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    ).stdout
    assert "batch of 100 points" in out and "batch of 1,000 points" in out
    for name in ("scalar", "compiled", "numpy floor / compiled"):
        assert name in out


def load_benchmark(monkeypatch):
    """benchmarks/batched.py as a module (it sets BLAS thread variables: kept to this test)."""
    import importlib.util

    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.setenv(variable, "1")
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "batched.py"
    spec = importlib.util.spec_from_file_location("batched_benchmark", path)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "batched_benchmark", module)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
@pytest.mark.parametrize("workload", ["MOONS", "SPIRAL"])
def test_the_benchmark_trains_the_same_network_the_compiled_way_and_by_hand(
    workload, monkeypatch
):
    bench = load_benchmark(monkeypatch)
    work = getattr(bench, workload)
    X, y = work.data(60, seed=1)
    weights = [p.data for p in MLP(2, list(work.sizes), seed=1).parameters()]
    compiled = bench.compiled_stepper(work, weights, X, y)
    by_hand = bench.numpy_stepper(work, weights, X, y)
    a = [compiled(k) for k in range(5)]
    b = [by_hand(k) for k in range(5)]
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
    assert a[-1] < a[0]
    if bench.torch is not None:
        c = [bench.torch_stepper(work, weights, X, y)(k) for k in range(1)]
        np.testing.assert_allclose(c, b[:1], rtol=1e-12)
