"""Samples per second for micrograd's moons training step, four ways, in one process.

    python benchmarks/batched.py            # batches of 100, 1,000 and 10,000 points
    python benchmarks/batched.py --quick    # a smoke run

The step is micrograd's demo step: MLP(2, [16, 16, 1]) (ReLU hidden layers,
a linear output), the SVM loss mean(relu(1 - y * score)) + 1e-4 * sum(p * p)
on the full batch, backward, and SGD with learning rate 1.0 - 0.9 k / 100.
Every contender starts from the same weights (drawn by our MLP with
``seed``) and trains its own copy:

* micrograd 0.1.0 (skipped with a message when it is not installed);
* scalar: this package's Values, one graph per sample (``benchmarks/moons_step.py``);
* compiled: the per-sample loss traced once by ``compile_batched`` and run on
  the whole batch with numpy; the L2 term is the scalar engine's graph of
  337 parameters, as ``fit(batched=True)`` computes it;
* numpy: the same network written directly as matrix products, with the
  backward pass derived by hand: the floor for a numpy implementation.

Steps are interleaved (the order rotates), with the garbage collector on and
``gc.collect()`` outside the timed regions. Throughput is the batch size
over the median step time. micrograd and the scalar path cost the same per
sample at any batch size, so at large batches they run a few steps only.
"""

from __future__ import annotations

import argparse
import gc
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from autograd_lite.batched import compile_batched  # noqa: E402
from nn import MLP, l2_penalty, make_moons, to_signed, total  # noqa: E402

try:
    from micrograd.engine import Value as MicroValue
    from micrograd.nn import MLP as MicroMLP
except ImportError:  # the bench extra is not installed
    MicroValue = MicroMLP = None

ALPHA = 1e-4
SIZES = [16, 16, 1]


def learning_rate(k: int) -> float:
    return 1.0 - 0.9 * k / 100


# --- the contenders: each is step(k) -> loss before the update -----------------------


def micrograd_stepper(weights: list[float], X: list, y: list) -> Callable[[int], float]:
    # micrograd's backward sorts the graph recursively, and the loss sums one
    # term per point in a chain: a batch of 1,000 needs a deeper stack.
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * len(X) + 1000))
    model = MicroMLP(2, SIZES)
    params = model.parameters()
    for q, w in zip(params, weights):
        q.data = w

    def step(k: int) -> float:
        scores = [model([MicroValue(v) for v in x]) for x in X]
        losses = [(1 + -yi * s).relu() for s, yi in zip(scores, y)]
        loss = sum(losses) * (1.0 / len(losses)) + ALPHA * sum(p * p for p in params)
        model.zero_grad()
        loss.backward()
        for p in params:
            p.data -= learning_rate(k) * p.grad
        return loss.data

    return step


def scalar_stepper(weights: list[float], X: list, y: list) -> Callable[[int], float]:
    model = fresh_model(weights)
    params = model.parameters()

    def step(k: int) -> float:
        scores = [model(x) for x in X]
        data_loss = total([(1.0 - yi * s).relu() for s, yi in zip(scores, y)]) / len(X)
        loss = data_loss + l2_penalty(params, ALPHA)
        for p in params:
            p.grad = 0.0
        loss.backward()
        for p in params:
            p.data -= learning_rate(k) * p.grad
        return loss.data

    return step


def compiled_stepper(weights: list[float], X: np.ndarray, y: np.ndarray) -> Callable[[int], float]:
    model = fresh_model(weights)
    params = model.parameters()
    graph = compile_batched(lambda x, t: (1.0 - t * model(x)).relu(), [0.5, 0.5], 1.0, params=model)

    def step(k: int) -> float:
        result = graph(X, y, reduce="mean")
        penalty = l2_penalty(params, ALPHA)
        for p, g in zip(params, result.param_grads.tolist()):
            p.grad = g
        penalty.backward()
        for p in params:
            p.data -= learning_rate(k) * p.grad
        return result.value + penalty.data

    return step


def numpy_stepper(weights: list[float], X: np.ndarray, y: np.ndarray) -> Callable[[int], float]:
    """The network as matrix products; our MLP lists each neuron's weights, then its bias."""
    Ws, bs = [], []
    it = iter(weights)
    for nin, nout in zip([2] + SIZES, SIZES):
        W, b = np.empty((nin, nout)), np.empty(nout)
        for j in range(nout):
            W[:, j] = [next(it) for _ in range(nin)]
            b[j] = next(it)
        Ws.append(W)
        bs.append(b)
    yc = y[:, None]
    n = len(X)

    def step(k: int) -> float:
        # forward
        z1 = X @ Ws[0] + bs[0]
        h1 = np.maximum(z1, 0.0)
        z2 = h1 @ Ws[1] + bs[1]
        h2 = np.maximum(z2, 0.0)
        s = h2 @ Ws[2] + bs[2]
        margin = 1.0 - yc * s
        reg = sum(float((W * W).sum() + (b * b).sum()) for W, b in zip(Ws, bs))
        loss = float(np.maximum(margin, 0.0).sum()) / n + ALPHA * reg
        # backward, by hand
        ds = np.where(margin > 0.0, -yc, 0.0) / n
        dW3, db3 = h2.T @ ds, ds.sum(axis=0)
        dz2 = (ds @ Ws[2].T) * (z2 > 0.0)
        dW2, db2 = h1.T @ dz2, dz2.sum(axis=0)
        dz1 = (dz2 @ Ws[1].T) * (z1 > 0.0)
        dW1, db1 = X.T @ dz1, dz1.sum(axis=0)
        lr = learning_rate(k)
        for W, b, dW, db in zip(Ws, bs, (dW1, dW2, dW3), (db1, db2, db3)):
            W -= lr * (dW + 2.0 * ALPHA * W)
            b -= lr * (db + 2.0 * ALPHA * b)
        return loss

    return step


def fresh_model(weights: list[float]) -> MLP:
    model = MLP(2, SIZES, seed=0)
    for p, w in zip(model.parameters(), weights):
        p.data = w
    return model


# --- timing ------------------------------------------------------------------------


def measure(n: int, steps: dict[str, int], seed: int) -> dict[str, Any]:
    """Median seconds per step and the loss curve of each contender, for batch size n."""
    X, labels = make_moons(n, noise=0.1, seed=seed)
    y = to_signed(labels).astype(float)
    weights = [p.data for p in MLP(2, SIZES, seed=seed).parameters()]
    rows, targets = X.tolist(), y.tolist()
    makers = {
        "micrograd": lambda: micrograd_stepper(weights, rows, targets),
        "scalar": lambda: scalar_stepper(weights, rows, targets),
        "compiled": lambda: compiled_stepper(weights, X, y),
        "numpy": lambda: numpy_stepper(weights, X, y),
    }
    steppers = {name: makers[name]() for name in steps if steps[name] > 0}
    times: dict[str, list[float]] = {name: [] for name in steppers}
    losses: dict[str, list[float]] = {name: [] for name in steppers}
    names = list(steppers)
    for k in range(max(steps.values())):
        for name in names[k % len(names) :] + names[: k % len(names)]:
            if k >= steps[name]:
                continue
            gc.collect()
            start = time.perf_counter()
            loss = steppers[name](k)
            times[name].append(time.perf_counter() - start)
            losses[name].append(loss)
    return {
        "n": n,
        "seconds": {name: statistics.median(t) for name, t in times.items()},
        "losses": losses,
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small batches, few steps")
    parser.add_argument("--seed", type=int, default=0, help="seed for the data and weights")
    args = parser.parse_args(argv)
    gc.enable()
    have_micrograd = MicroMLP is not None
    if args.quick:
        plan = [(100, {"micrograd": 2, "scalar": 2, "compiled": 5, "numpy": 5})]
        plan.append((1000, {"micrograd": 0, "scalar": 1, "compiled": 3, "numpy": 3}))
    else:
        plan = [
            (100, {"micrograd": 10, "scalar": 20, "compiled": 100, "numpy": 100}),
            (1000, {"micrograd": 2, "scalar": 4, "compiled": 50, "numpy": 50}),
            (10000, {"micrograd": 0, "scalar": 1, "compiled": 10, "numpy": 10}),
        ]
    if not have_micrograd:
        print("micrograd is not installed (pip install 'autograd-lite[bench]'): skipping it")
        for _, steps in plan:
            steps["micrograd"] = 0
    version = "not installed"
    if have_micrograd:
        from importlib.metadata import version as package_version

        version = package_version("micrograd")
    print(
        f"Python {platform.python_version()}, numpy {np.__version__}, micrograd {version}, "
        f"gc enabled: {gc.isenabled()}"
    )
    print(
        "moons, MLP(2, [16, 16, 1]), SVM loss + 1e-4 L2, one full-batch SGD step; "
        "samples per second = batch size / median step time\n"
    )
    results = []
    per_sample: dict[str, float] = {}  # micrograd's and scalar's rate: flat in the batch size
    for n, steps in plan:
        r = measure(n, steps, args.seed)
        rate = {name: n / sec for name, sec in r["seconds"].items()}
        for name in ("micrograd", "scalar"):
            if name in rate:
                per_sample[name] = rate[name]
        print(f"batch of {n:,} points ({', '.join(f'{k} {v} steps' for k, v in steps.items())})")
        for name in ("micrograd", "scalar", "compiled", "numpy"):
            if name in rate:
                ms = r["seconds"][name] * 1e3
                print(f"  {name:9s} {rate[name]:13,.0f} samples/s  ({ms:9.2f} ms/step)")
        compiled = rate["compiled"]
        for name in ("micrograd", "scalar"):
            base = rate.get(name, per_sample.get(name))
            if base is not None:
                where = "" if name in rate else " (its rate measured at a smaller batch)"
                print(f"  compiled / {name}: {compiled / base:,.0f}x{where}")
        floor = rate["numpy"] / compiled
        print(f"  numpy floor / compiled: {floor:.1f}x (how far compiled is from the floor)")
        agree = {
            name: max(abs(a - b) for a, b in zip(curve, r["losses"]["numpy"]))
            for name, curve in r["losses"].items()
            if name != "numpy"
        }
        print(
            "  largest |loss - numpy's loss| over the steps run: "
            + ", ".join(f"{name} {d:.1e}" for name, d in agree.items())
            + "\n"
        )
        results.append({"n": n, "samples_per_second": rate, "loss_differences": agree})
    return {"results": results, "micrograd": have_micrograd}


if __name__ == "__main__":
    main(sys.argv[1:])
