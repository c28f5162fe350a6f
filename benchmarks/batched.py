"""Training steps of a compiled graph against the same network written in numpy, in one process.

    python benchmarks/batched.py              # both networks, batches of 100 to 10,000 points
    python benchmarks/batched.py --quick      # a smoke run
    python benchmarks/batched.py --markdown   # then the tables of docs/batched.md, from this run

Two workloads, each a full-batch SGD step (loss, backward, update) from the
same starting weights (drawn by our MLP with ``seed``), every contender
training its own copy:

* moons: micrograd's demo step, MLP(2, [16, 16, 1]) (ReLU hidden layers,
  linear output), the SVM loss mean(relu(1 - y * score)) + 1e-4 * sum(p * p),
  learning rate 1.0 - 0.9 k / 100; at 100, 1,000 and 10,000 points;
* spiral: MLP(2, [64, 64, 3]), 3 classes, softmax cross-entropy
  + 1e-4 * sum(p * p), learning rate 0.1; at 1,000 and 10,000 points.

The contenders:

* micrograd 0.1.0 and scalar (this package's Values, one graph per sample):
  moons only, a few steps (they cost the same per sample at any batch size);
* compiled: one example's loss traced once by ``compile_batched`` (lowered:
  each layer is a matrix product) and run on the whole batch, the class
  label going in as a one-hot row as ``fit(batched=True)`` feeds it. The
  graph reads the parameters from a numpy vector (``param_values``), as
  the floor keeps its weights in arrays; the L2 term and the SGD update are
  not per-sample, so they are done on that vector exactly as the floor
  does them. Like the floor (and torch and jax), it asks for the
  parameters' gradients only, not the inputs' (``input_grads=False``).
  Compiling is timed separately, and so is writing the vector back into
  the model's Values (what ``fit(batched=True)``, whose optimizers update
  Values, pays every step);
* numpy: the same network as matrix products with the backward pass
  derived by hand: the floor for this approach;
* torch: PyTorch CPU tensors with autograd, when torch is importable;
* jax: the same network and loss in ``jax.numpy``, ``jax.grad`` of the loss
  and the SGD update jitted as one step (``jax.jit``), when jax is
  importable; its compilation, the first call, is timed separately, and
  every step waits for its result (``block_until_ready``). float64
  (``jax_enable_x64``), as every other contender.

Steps are interleaved (the order rotates), with the garbage collector on and
``gc.collect()`` outside the timed regions; the objects that exist before
the steps start (modules, torch's many, the models, the data) are frozen
(``gc.freeze()``), so that collection walks only what the steps made. (A
full walk of torch's objects before every step flushed the CPU caches and
made each contender's time depend on whether torch happened to be
imported, Python-heavy ones most.) Throughput is the batch size
over the median step time; compare the ratios, which come from one run,
rather than times across runs.

Every contender runs on one thread: numpy's BLAS (``OPENBLAS_NUM_THREADS``,
``OMP_NUM_THREADS`` and ``MKL_NUM_THREADS`` default to 1 here; set them to
override), torch (``torch.set_num_threads`` to the same number) and jax
(``XLA_FLAGS`` defaults to ``--xla_cpu_multi_thread_eigen=false
intra_op_parallelism_threads=1``, set before jax is imported). On a
small machine shared with other work, two BLAS threads, or torch's and
numpy's thread pools spinning against each other, make times erratic.
Likewise glibc's heap: by default it hands freed memory back to the system
and faults it in again at the next allocation, more or less often
depending on what ran before, which moved the numpy floor's step time by
up to 2x between runs. With glibc the benchmark turns that off
(``mallopt``) for every contender.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import gc
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")  # before numpy (and torch) start their thread pools
THREADS = int(os.environ["OPENBLAS_NUM_THREADS"])
os.environ.setdefault(  # before jax is imported: XLA's CPU client on one thread
    "XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
)

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from autograd_lite.batched.compiler import compile_batched  # noqa: E402
from nn import (  # noqa: E402
    MLP,
    l2_penalty,
    make_moons,
    make_spiral,
    softmax_cross_entropy,
    to_signed,
    total,
)

try:
    from micrograd.engine import Value as MicroValue
    from micrograd.nn import MLP as MicroMLP
except ImportError:  # the bench extra is not installed
    MicroValue = MicroMLP = None

try:
    import torch

    torch.set_num_threads(THREADS)
except ImportError:  # optional: the torch column appears only when it imports
    torch = None

try:
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)  # float64, as every other contender
except ImportError:  # optional: the jax column appears only when it imports
    jax = jnp = None

ALPHA = 1e-4
CONTENDERS = ("micrograd", "scalar", "compiled", "numpy", "torch", "jax")


@dataclass(frozen=True)
class Workload:
    """A network, its loss (``"svm"`` or ``"softmax"``), its data and learning rate."""

    name: str
    sizes: tuple[int, ...]
    loss: str
    title: str
    label: str  # the network and loss, as the docs' table names them

    def data(self, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
        if self.loss == "svm":
            X, labels = make_moons(n, noise=0.1, seed=seed)
            return X, to_signed(labels).astype(float)
        return make_spiral(n, classes=self.sizes[-1], noise=0.2, seed=seed)

    def learning_rate(self, k: int) -> float:
        return 1.0 - 0.9 * k / 100 if self.loss == "svm" else 0.1

    def model(self, weights: list[float]) -> MLP:
        model = MLP(2, list(self.sizes), seed=0)
        for p, w in zip(model.parameters(), weights):
            p.data = w
        return model


MOONS = Workload(
    "moons",
    (16, 16, 1),
    "svm",
    "MLP(2, [16, 16, 1]), SVM loss + 1e-4 L2, full-batch SGD step",
    "MLP(2, [16, 16, 1]), SVM + L2",
)
SPIRAL = Workload(
    "spiral",
    (64, 64, 3),
    "softmax",
    "MLP(2, [64, 64, 3]), softmax cross-entropy + 1e-4 L2, 3 classes, full-batch SGD step",
    "MLP(2, [64, 64, 3]), softmax CE + L2",
)


# --- the contenders: each is step(k) -> loss before the update -----------------------


def micrograd_stepper(work: Workload, weights: list[float], X: list, y: list) -> Callable:
    # micrograd's backward sorts the graph recursively, and the loss sums one
    # term per point in a chain: a batch of 1,000 needs a deeper stack.
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * len(X) + 1000))
    model = MicroMLP(2, list(work.sizes))
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
            p.data -= work.learning_rate(k) * p.grad
        return loss.data

    return step


def scalar_stepper(work: Workload, weights: list[float], X: list, y: list) -> Callable:
    model = work.model(weights)
    params = model.parameters()

    def step(k: int) -> float:
        scores = [model(x) for x in X]
        data_loss = total([(1.0 - yi * s).relu() for s, yi in zip(scores, y)]) / len(X)
        loss = data_loss + l2_penalty(params, ALPHA)
        for p in params:
            p.grad = 0.0
        loss.backward()
        for p in params:
            p.data -= work.learning_rate(k) * p.grad
        return loss.data

    return step


def compiled_stepper(work: Workload, weights: list[float], X: np.ndarray, y: np.ndarray) -> Any:
    model = work.model(weights)
    params = model.parameters()
    if work.loss == "svm":
        graph = compile_batched(
            lambda x, t: (1.0 - t * model(x)).relu(), [0.5, 0.5], 1.0, params=model
        )
        arrays: tuple = (X, y)
    else:
        classes = work.sizes[-1]
        graph = compile_batched(
            lambda x, t: softmax_cross_entropy(model(x), t),
            [0.5, 0.5],
            [1.0] + [0.0] * (classes - 1),
            params=model,
        )
        arrays = (X, np.eye(classes)[y])
    theta = np.array([p.data for p in params])  # the parameters, as the graph reads them

    def step(k: int) -> float:
        result = graph(*arrays, reduce="mean", param_values=theta, input_grads=False)
        # The L2 term and the update, on the parameter vector as the floor does them.
        loss = result.value + ALPHA * float(theta @ theta)
        theta[:] -= work.learning_rate(k) * (result.param_grads + 2.0 * ALPHA * theta)
        return loss

    def write_back() -> None:
        """Put the trained parameters into the model's Values (timed on its own)."""
        for p, v in zip(params, theta.tolist()):
            p.data = v

    step.graph = graph  # type: ignore[attr-defined]
    step.write_back = write_back  # type: ignore[attr-defined]
    return step


def matrices(work: Workload, weights: list[float]) -> tuple[list, list]:
    """Our MLP lists each neuron's weights, then its bias: W (nin, nout) and b per layer."""
    Ws, bs = [], []
    it = iter(weights)
    for nin, nout in zip((2,) + work.sizes, work.sizes):
        W, b = np.empty((nin, nout)), np.empty(nout)
        for j in range(nout):
            W[:, j] = [next(it) for _ in range(nin)]
            b[j] = next(it)
        Ws.append(W)
        bs.append(b)
    return Ws, bs


def numpy_stepper(work: Workload, weights: list[float], X: np.ndarray, y: np.ndarray) -> Callable:
    """The network as matrix products, the backward pass derived by hand."""
    Ws, bs = matrices(work, weights)
    n = len(X)
    yc = y[:, None]
    rows = np.arange(n)

    def step(k: int) -> float:
        hs, zs = [X], []
        for i, (W, b) in enumerate(zip(Ws, bs)):
            zs.append(hs[-1] @ W + b)
            if i < len(Ws) - 1:
                hs.append(np.maximum(zs[-1], 0.0))
        s = zs[-1]
        if work.loss == "svm":
            margin = 1.0 - yc * s
            data_loss = float(np.maximum(margin, 0.0).sum()) / n
            ds = np.where(margin > 0.0, -yc, 0.0) / n
        else:
            shifted = s - s.max(axis=1, keepdims=True)
            e = np.exp(shifted)
            sums = e.sum(axis=1)
            data_loss = float((np.log(sums) - shifted[rows, y]).sum()) / n
            ds = e / sums[:, None]
            ds[rows, y] -= 1.0
            ds /= n
        reg = sum(float((W * W).sum() + (b * b).sum()) for W, b in zip(Ws, bs))
        lr = work.learning_rate(k)
        for i in reversed(range(len(Ws))):
            dW, db = hs[i].T @ ds, ds.sum(axis=0)
            if i:
                ds = (ds @ Ws[i].T) * (zs[i - 1] > 0.0)
            Ws[i] -= lr * (dW + 2.0 * ALPHA * Ws[i])
            bs[i] -= lr * (db + 2.0 * ALPHA * bs[i])
        return data_loss + ALPHA * reg

    return step


def torch_stepper(work: Workload, weights: list[float], X: np.ndarray, y: np.ndarray) -> Callable:
    """PyTorch CPU tensors: the same network and loss, autograd, an SGD update."""
    Ws, bs = matrices(work, weights)
    params = [torch.tensor(a, requires_grad=True) for pair in zip(Ws, bs) for a in pair]
    Xt = torch.tensor(X)
    yt = torch.tensor(y)

    def step(k: int) -> float:
        h = Xt
        for i in range(0, len(params), 2):
            h = h @ params[i] + params[i + 1]
            if i < len(params) - 2:
                h = torch.relu(h)
        if work.loss == "svm":
            data_loss = torch.relu(1.0 - yt[:, None] * h).mean()
        else:
            data_loss = torch.nn.functional.cross_entropy(h, yt)
        loss = data_loss + ALPHA * sum((p * p).sum() for p in params)
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= work.learning_rate(k) * p.grad
                p.grad = None
        return float(loss.detach())

    return step


def jax_stepper(work: Workload, weights: list[float], X: np.ndarray, y: np.ndarray) -> Callable:
    """JAX on the CPU: the loss in jax.numpy, its gradient and the SGD update jitted as one step.

    The first call, which traces and compiles the step, is made here, outside
    the timed steps; ``step.compile_seconds`` is what it took.
    """
    Ws, bs = matrices(work, weights)
    state = [jnp.asarray(a) for pair in zip(Ws, bs) for a in pair]
    Xj, yj = jnp.asarray(X), jnp.asarray(y)

    def loss_of(params: list, X: Any, y: Any) -> Any:
        h = X
        for i in range(0, len(params), 2):
            h = h @ params[i] + params[i + 1]
            if i < len(params) - 2:
                h = jax.nn.relu(h)
        if work.loss == "svm":
            data_loss = jnp.mean(jax.nn.relu(1.0 - y[:, None] * h))
        else:
            picked = jnp.take_along_axis(jax.nn.log_softmax(h, axis=1), y[:, None], axis=1)
            data_loss = -jnp.mean(picked)
        return data_loss + ALPHA * sum(jnp.sum(p * p) for p in params)

    @jax.jit
    def train(params: list, X: Any, y: Any, lr: float) -> tuple:
        loss, grads = jax.value_and_grad(loss_of)(params, X, y)
        return [p - lr * g for p, g in zip(params, grads)], loss

    start = time.perf_counter()
    jax.block_until_ready(train(state, Xj, yj, work.learning_rate(0)))  # compiles; dropped
    compile_seconds = time.perf_counter() - start

    def step(k: int) -> float:
        nonlocal state
        state, loss = train(state, Xj, yj, work.learning_rate(k))
        jax.block_until_ready(state)
        return float(loss)

    step.compile_seconds = compile_seconds  # type: ignore[attr-defined]
    return step


# --- timing ------------------------------------------------------------------------


def keep_freed_memory() -> bool:
    """Ask glibc to keep freed memory instead of returning it to the system; False elsewhere."""
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        mallopt = ctypes.CDLL(name).mallopt
    except (OSError, AttributeError):  # not glibc
        return False
    m_trim_threshold, m_mmap_threshold = -1, -3
    trimmed = mallopt(m_trim_threshold, 1 << 30)
    mapped = mallopt(m_mmap_threshold, 32 << 20)  # glibc's largest: big arrays stay on the heap
    return bool(trimmed and mapped)


def measure(work: Workload, n: int, steps: dict[str, int], seed: int) -> dict[str, Any]:
    """Median seconds per step and the loss curve of each contender, for batch size n."""
    X, y = work.data(n, seed)
    weights = [p.data for p in MLP(2, list(work.sizes), seed=seed).parameters()]
    rows, targets = X.tolist(), y.tolist()
    makers: dict[str, Callable[[], Callable]] = {
        "micrograd": lambda: micrograd_stepper(work, weights, rows, targets),
        "scalar": lambda: scalar_stepper(work, weights, rows, targets),
        "compiled": lambda: compiled_stepper(work, weights, X, y),
        "numpy": lambda: numpy_stepper(work, weights, X, y),
        "torch": lambda: torch_stepper(work, weights, X, y),
        "jax": lambda: jax_stepper(work, weights, X, y),
    }
    steppers, compile_seconds = {}, 0.0
    for name in CONTENDERS:
        if steps.get(name, 0) > 0:
            gc.collect()
            start = time.perf_counter()
            steppers[name] = makers[name]()
            if name == "compiled":
                compile_seconds = time.perf_counter() - start
    times, losses = interleaved(steppers, steps)
    write_back = []
    for _ in range(5):
        gc.collect()
        start = time.perf_counter()
        steppers["compiled"].write_back()
        write_back.append(time.perf_counter() - start)
    return {
        "write_back_seconds": statistics.median(write_back),
        "n": n,
        "seconds": {name: statistics.median(t) for name, t in times.items()},
        "losses": losses,
        "compile_seconds": compile_seconds,
        "jax_compile_seconds": getattr(steppers.get("jax"), "compile_seconds", None),
        "graph": steppers["compiled"].graph,
    }


def interleaved(steppers: dict[str, Callable], steps: dict[str, int]) -> tuple[dict, dict]:
    """Each contender's step times and losses, its steps interleaved with the others'."""
    times: dict[str, list[float]] = {name: [] for name in steppers}
    losses: dict[str, list[float]] = {name: [] for name in steppers}
    names = list(steppers)
    # What exists now (modules, torch, jax, the models, the data) is frozen out of the
    # collector's scans, so each gc.collect() below walks only what the steps made.
    gc.collect()
    gc.freeze()
    try:
        for k in range(max(steps.values())):
            for name in names[k % len(names) :] + names[: k % len(names)]:
                if k >= steps[name]:
                    continue
                gc.collect()
                start = time.perf_counter()
                loss = steppers[name](k)
                times[name].append(time.perf_counter() - start)
                losses[name].append(loss)
    finally:
        gc.unfreeze()
    return times, losses


def plans(quick: bool) -> list[tuple[Workload, list[tuple[int, dict[str, int]]]]]:
    def arrays(k: int) -> dict[str, int]:  # the contenders whose cost grows with the batch
        return {"compiled": k, "numpy": k, "torch": k, "jax": k}

    if quick:
        return [
            (
                MOONS,
                [
                    (100, {"micrograd": 2, "scalar": 2, **arrays(5)}),
                    (1000, {"scalar": 1, **arrays(3)}),
                ],
            ),
            (SPIRAL, [(1000, arrays(3))]),
        ]
    return [
        (
            MOONS,
            [
                (100, {"micrograd": 10, "scalar": 20, **arrays(100)}),
                (1000, {"micrograd": 2, "scalar": 4, **arrays(60)}),
                (10000, {"scalar": 1, **arrays(30)}),
            ],
        ),
        (SPIRAL, [(1000, arrays(40)), (10000, arrays(15))]),
    ]


def report(work: Workload, n: int, steps: dict[str, int], r: dict, per_sample: dict) -> dict:
    """Print one batch size's rates and ratios; return them."""
    rate = {name: n / sec for name, sec in r["seconds"].items()}
    for name in ("micrograd", "scalar"):
        if name in rate:
            per_sample[name] = rate[name]
    print(f"batch of {n:,} points ({', '.join(f'{k} {v} steps' for k, v in steps.items())})")
    print_rates(rate, r["seconds"], per_sample)
    compiled = rate["compiled"]
    floor = rate["numpy"] / compiled
    print(f"  numpy floor / compiled: {floor:.2f}x (how far compiled is from the floor)")
    back = r["write_back_seconds"]
    with_back = rate["numpy"] * (r["seconds"]["compiled"] + back) / n
    print(
        f"  writing the parameters back into the model's Values: {back * 1e3:.2f} ms "
        f"(with it in every step: {with_back:.2f}x)"
    )
    for name in ("torch", "jax"):
        if name in rate:
            print(f"  {name} / compiled: {rate[name] / compiled:.2f}x")
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
    return {
        "workload": work.name,
        "label": work.label,
        "n": n,
        "seconds": r["seconds"],
        "samples_per_second": rate,
        "floor_ratio": floor,
        "floor_ratio_with_write_back": with_back,
        "write_back_seconds": back,
        "compile_seconds": r["compile_seconds"],
        "jax_compile_seconds": r["jax_compile_seconds"],
        "loss_differences": agree,
    }


def print_rates(rate: dict[str, float], seconds: dict[str, float], per_sample: dict) -> None:
    """Each contender's samples per second and step time; compiled / micrograd and scalar."""
    for name in CONTENDERS:
        if name in rate:
            ms = seconds[name] * 1e3
            print(f"  {name:9s} {rate[name]:13,.0f} samples/s  ({ms:9.2f} ms/step)")
    for name in ("micrograd", "scalar"):
        base = rate.get(name, per_sample.get(name))
        if base is not None:
            where = "" if name in rate else " (its rate measured at a smaller batch)"
            print(f"  compiled / {name}: {rate['compiled'] / base:,.0f}x{where}")


# --- the docs' tables ------------------------------------------------------------------


def markdown(results: list[dict], compiles: list[dict], when: str, where: str) -> str:
    """The tables of docs/batched.md's "How close to numpy by hand", from this run.

    ``when``: the date; ``where``: the Python, packages and machine it ran on.
    """
    lines = [
        f"Measured {when}: {where}.",
        "",
        "| network, loss | points | numpy floor / compiled | same, writing the Values back "
        "each step | torch / compiled | jax / compiled | compiled / micrograd |",
        "|---|---|---|---|---|---|---|",
    ]
    shown = set()
    for row in results:
        rate = row["samples_per_second"]
        label = "" if row["workload"] in shown else row["label"]
        shown.add(row["workload"])
        floor = f"{row['floor_ratio']:.2f}x"
        micro = ""
        if "micrograd" in rate:
            micro = f"{_two_digits(rate['compiled'] / rate['micrograd']):,}x"
        lines.append(
            f"| {label} | {row['n']:,} | {f'**{floor}**' if row['n'] >= 1000 else floor} | "
            f"{row['floor_ratio_with_write_back']:.2f}x | {_ratio(rate, 'torch')} | "
            f"{_ratio(rate, 'jax')} | {micro} |"
        )
    return "\n".join(lines + [""] + step_times(results) + [""] + compile_lines(compiles))


def step_times(results: list[dict]) -> list[str]:
    """Milliseconds per step, and for writing the parameters back into the Values."""
    lines = [
        "| network | points | compiled | numpy | torch | jax | writing the Values back |",
        "|---|---|---|---|---|---|---|",
    ]
    shown = set()
    for row in results:
        ms = {name: f"{sec * 1e3:.2f} ms" for name, sec in row["seconds"].items()}
        ms["back"] = f"{row['write_back_seconds'] * 1e3:.2f} ms"
        network = "" if row["workload"] in shown else row["label"].rsplit(", ", 1)[0]
        shown.add(row["workload"])
        lines.append(
            f"| {network} | {row['n']:,} | {ms['compiled']} | {ms['numpy']} | "
            f"{ms.get('torch', '')} | {ms.get('jax', '')} | {ms['back']} |"
        )
    return lines


def compile_lines(compiles: list[dict]) -> list[str]:
    """Compiling, once per batch size: compile_batched's and jax.jit's (its first call)."""
    lines = []
    for c in compiles:
        ours = _span(c["seconds"], "s")
        jitted = f"; jax.jit's first call {_span(c['jax'], 's')}" if c["jax"] else ""
        lines.append(
            f"* {c['label']}: the loss is {c['nodes']:,} nodes, {c['plain']} steps, "
            f"{c['lowered']} once lowered; compile_batched {ours}{jitted}"
        )
    return lines


def _ratio(rate: dict[str, float], name: str) -> str:
    return f"{rate[name] / rate['compiled']:.2f}x" if name in rate else ""


def _span(values: list[float], unit: str) -> str:
    low, high = f"{min(values):.2f}", f"{max(values):.2f}"
    return f"{low} {unit}" if low == high else f"{low}-{high} {unit}"


def _two_digits(x: float) -> int:
    """``x`` rounded to two significant digits (3,284 -> 3,300)."""
    if x <= 0:
        return 0
    scale = 10 ** max(0, len(str(int(x))) - 2)
    return int(round(x / scale) * scale)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small batches, few steps")
    parser.add_argument("--seed", type=int, default=0, help="seed for the data and weights")
    parser.add_argument(
        "--markdown", action="store_true", help="then print the docs' tables from this run"
    )
    args = parser.parse_args(argv)
    gc.enable()
    when = time.strftime("%Y-%m-%d %H:%M %Z")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    heap = "glibc keeps freed memory" if keep_freed_memory() else "default allocator"
    plan = plans(args.quick)
    available = {
        "micrograd": MicroMLP is not None,
        "torch": torch is not None,
        "jax": jax is not None,
    }
    for name, command in (
        ("micrograd", "pip install 'autograd-lite[bench]'"),
        ("torch", "pip install torch"),
        ("jax", "pip install jax jaxlib"),
    ):
        if not available[name]:
            print(f"{name} is not importable: no {name} column ({command} to add it)")
            for _, batches in plan:
                for _, steps in batches:
                    steps.pop(name, None)
    versions = [f"Python {platform.python_version()}", f"numpy {np.__version__}"]
    versions += [f"{name} {package_version(name)}" for name in available if available[name]]
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs, load average {load} before the run"
    print(", ".join(versions) + f", {THREADS} thread(s), {heap}, gc enabled: {gc.isenabled()}")
    print(f"{when}, {machine}")
    print("samples per second = batch size / median step time\n")
    results, compiles = run_plan(plan, args.seed)
    if args.markdown:
        print(markdown(results, compiles, when, ", ".join(versions) + f"; {machine}"))
    return {"results": results, "compiles": compiles, **available}


def run_plan(plan: list, seed: int) -> tuple[list[dict], list[dict]]:
    """Measure and report every batch size of every workload; the rows and the compile times."""
    results, compiles = [], []
    for work, batches in plan:
        print(f"== {work.name}: {work.title}\n")
        per_sample: dict[str, float] = {}  # micrograd's and scalar's rate: flat in the batch size
        seconds, jax_seconds = [], []
        for n, steps in batches:
            r = measure(work, n, steps, seed)
            results.append(report(work, n, steps, r, per_sample))
            seconds.append(r["compile_seconds"])
            if r["jax_compile_seconds"] is not None:
                jax_seconds.append(r["jax_compile_seconds"])
        g = r["graph"]
        print(
            f"  compiling the loss ({g.n_nodes:,} nodes; {len(g.plain_program.steps)} steps, "
            f"{len(g.program.steps)} once lowered): {_span(seconds, 's')}, once per batch "
            "size, not in the step times above"
            + (f"; jax.jit's first call: {_span(jax_seconds, 's')}" if jax_seconds else "")
            + "\n"
        )
        compiles.append(
            {
                "label": work.label,
                "nodes": g.n_nodes,
                "plain": len(g.plain_program.steps),
                "lowered": len(g.program.steps),
                "seconds": seconds,
                "jax": jax_seconds,
            }
        )
    return results, compiles


if __name__ == "__main__":
    main(sys.argv[1:])
