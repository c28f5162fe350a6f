"""micrograd's moons training step: our MLP against micrograd 0.1.0, in one process.

Both networks are MLP(2, [16, 16, 1]) (ReLU hidden layers, a linear output)
and start from the same weights: ours are drawn with ``seed``, then copied
into micrograd's MLP parameter by parameter. One step is micrograd's demo
step on the full batch of 100 moons points: forward every point, the SVM
loss mean(relu(1 - y * score)) + 1e-4 * sum(p * p), zero the gradients,
backward, and SGD with learning rate 1.0 - 0.9 k / 100 at step k.

The two are timed step by step, interleaved (which goes first alternates),
with Python's garbage collector on and ``gc.collect()`` run outside the
timed region before every timed step. The script prints the time per step
of each, their ratio, and how far apart the two loss curves are.

    python benchmarks/moons_step.py [--steps 100] [--seed 0]

Needs micrograd 0.1.0 (``pip install 'autograd-lite[bench]'``).
"""

from __future__ import annotations

import argparse
import gc
import platform
import statistics
import sys
import time
from importlib.metadata import version

from micrograd.engine import Value as MicroValue
from micrograd.nn import MLP as MicroMLP

from nn import MLP, SGD, hinge, l2_penalty, make_moons, to_signed, total

ALPHA = 1e-4


def learning_rate(k: int) -> float:
    return 1.0 - 0.9 * k / 100


def ours_step(model: MLP, optimizer: SGD, X: list, y: list) -> tuple[float, float]:
    """One full-batch step with this package's API; returns (loss, accuracy) before the update."""
    scores = [model(x) for x in X]
    loss = total([hinge(s, yi) for s, yi in zip(scores, y)]) / len(X)
    loss = loss + l2_penalty(optimizer.params, ALPHA)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    right = sum((s.data > 0) == (yi > 0) for s, yi in zip(scores, y))
    return loss.data, right / len(X)


def micrograd_step(model: MicroMLP, k: int, X: list, y: list) -> tuple[float, float]:
    """The same step written against micrograd 0.1.0, as its demo notebook trains."""
    params = model.parameters()
    scores = [model([MicroValue(v) for v in x]) for x in X]
    losses = [(1 + -yi * s).relu() for s, yi in zip(scores, y)]
    data_loss = sum(losses) * (1.0 / len(losses))
    loss = data_loss + ALPHA * sum(p * p for p in params)
    model.zero_grad()
    loss.backward()
    lr = learning_rate(k)
    for p in params:
        p.data -= lr * p.grad
    right = sum((s.data > 0) == (yi > 0) for s, yi in zip(scores, y))
    return loss.data, right / len(X)


def copy_weights(ours: MLP, theirs: MicroMLP) -> None:
    """Give micrograd's MLP our weights; both list parameters neuron by neuron, w then b."""
    named = ours.named_parameters()
    params = theirs.parameters()
    if len(named) != len(params):
        raise SystemExit(f"parameter counts differ: ours {len(named)}, micrograd {len(params)}")
    for (_, p), q in zip(named, params):
        q.data = p.data
    # micrograd 0.1.0: ReLU on every layer but the last, like our default MLP.
    kinds = [[n.nonlin for n in layer.neurons] for layer in theirs.layers]
    if any(not all(k) for k in kinds[:-1]) or any(kinds[-1]):
        raise SystemExit("micrograd's MLP is not ReLU-hidden / linear-output as expected")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100, help="training steps (default 100)")
    parser.add_argument("--seed", type=int, default=0, help="seed for the data and weights")
    args = parser.parse_args(argv)

    gc.enable()
    X_array, labels = make_moons(100, noise=0.1, seed=args.seed)
    X = X_array.tolist()
    y = [float(v) for v in to_signed(labels)]

    ours = MLP(2, [16, 16, 1], seed=args.seed)
    optimizer = SGD(ours, lr=learning_rate)
    theirs = MicroMLP(2, [16, 16, 1])
    copy_weights(ours, theirs)

    print(
        f"Python {platform.python_version()}, micrograd {version('micrograd')}, "
        f"gc enabled: {gc.isenabled()}"
    )
    print(
        f"moons: {len(X)} points, MLP(2, [16, 16, 1]) ({len(ours.parameters())} parameters), "
        f"SVM loss + {ALPHA:g} L2, {args.steps} full-batch SGD steps, interleaved\n"
    )
    ours_t, theirs_t, ours_loss, theirs_loss = [], [], [], []
    ours_acc = theirs_acc = 0.0
    for k in range(args.steps):
        order = ("ours", "micrograd") if k % 2 == 0 else ("micrograd", "ours")
        for who in order:
            gc.collect()
            start = time.perf_counter()
            if who == "ours":
                loss, ours_acc = ours_step(ours, optimizer, X, y)
                ours_t.append(time.perf_counter() - start)
                ours_loss.append(loss)
            else:
                loss, theirs_acc = micrograd_step(theirs, k, X, y)
                theirs_t.append(time.perf_counter() - start)
                theirs_loss.append(loss)
        if k % 10 == 0 or k == args.steps - 1:
            print(
                f"step {k:3d}  loss ours {ours_loss[-1]:.12f}  micrograd {theirs_loss[-1]:.12f}  "
                f"time ours {ours_t[-1] * 1e3:6.1f} ms  micrograd {theirs_t[-1] * 1e3:6.1f} ms",
                flush=True,
            )

    ours_med, theirs_med = statistics.median(ours_t), statistics.median(theirs_t)
    diffs = [abs(a - b) for a, b in zip(ours_loss, theirs_loss)]
    worst = max(range(len(diffs)), key=diffs.__getitem__)
    rel = diffs[worst] / abs(theirs_loss[worst])
    print()
    print(
        f"time per step, median  ours {ours_med * 1e3:7.1f} ms   "
        f"micrograd {theirs_med * 1e3:7.1f} ms"
    )
    print(
        f"time per step, mean    ours {statistics.mean(ours_t) * 1e3:7.1f} ms   "
        f"micrograd {statistics.mean(theirs_t) * 1e3:7.1f} ms"
    )
    print(f"speed-up per step (median micrograd / median ours): {theirs_med / ours_med:.1f}x")
    print(
        f"loss curves: largest |difference| {diffs[worst]:.3e} at step {worst} "
        f"(relative {rel:.1e}); final loss ours {ours_loss[-1]:.12f}, "
        f"micrograd {theirs_loss[-1]:.12f}; accuracy at the last step ours {ours_acc:.0%}, "
        f"micrograd {theirs_acc:.0%}"
    )
    return {
        "ours_seconds": ours_t,
        "micrograd_seconds": theirs_t,
        "ratio": theirs_med / ours_med,
        "ours_loss": ours_loss,
        "micrograd_loss": theirs_loss,
        "max_loss_difference": diffs[worst],
    }


if __name__ == "__main__":
    main(sys.argv[1:])
