"""A 1,500-point spiral and a 64-unit MLP, trained in seconds through a compiled graph.

Three spiral arms of 500 points each (angle noise 0.2), ``MLP(2, [64, 64, 3])``
(4,547 parameters; one example's loss is a graph of 13,524 nodes) with the softmax
cross-entropy loss and Adam (learning rate 0.02, mini-batches of 300).
``fit(..., batched=True)`` traces one example's loss once and runs that graph
on the whole mini-batch with numpy; the scalar path would build and walk
about 2.7 million Values per step. The demo times one scalar step on a few
examples to estimate how long the scalar path would take, prints the time
and accuracy, and writes the decision regions and loss curve as PNG images
when matplotlib is installed.

    python -m autograd_lite.demos.spiral_batched [--out out/spiral_batched] [--seed 0] [--epochs 12]
"""

from __future__ import annotations

import os
import time
from typing import Any

import numpy as np
from autograd_lite.demos.batched_logits import Logits
from autograd_lite.demos.plotting import finish_regions, save_curves
from autograd_lite.demos.report import demo_parser, plot_or_skip, positive_int, positive_number

from nn import MLP, Adam, fit, make_spiral, softmax_cross_entropy, total


def main(argv: list[str] | None = None) -> dict:
    """Train on the spiral with ``batched=True``; return accuracy, timings and images."""
    parser = demo_parser("spiral_batched", __doc__, seed=True)
    parser.add_argument("--points", type=positive_int, default=1500, help="spiral points")
    parser.add_argument("--hidden", type=positive_int, default=64, help="units per hidden layer")
    parser.add_argument("--epochs", type=positive_int, default=12, help="passes over the data")
    parser.add_argument("--batch-size", type=positive_int, default=300, help="mini-batch size")
    parser.add_argument("--lr", type=positive_number, default=0.02, help="Adam's learning rate")
    args = parser.parse_args(argv)
    if args.points < 3:
        parser.error("--points must be at least 3 (one per class)")

    X, y = make_spiral(args.points, classes=3, noise=0.2, seed=args.seed)
    model = MLP(2, [args.hidden, args.hidden, 3], seed=args.seed)
    n_params = len(model.parameters())
    nodes = len(softmax_cross_entropy(model(X[0]), int(y[0])).topological_order())
    print(
        f"{model}: {n_params} parameters, {nodes} graph nodes per example; "
        f"{len(X)} points, 3 classes, mini-batches of {args.batch_size}"
    )
    scalar_step = scalar_step_seconds(model, X, y, min(args.batch_size, len(X)))
    steps = args.epochs * -(-len(X) // args.batch_size)
    print(
        f"the scalar path: about {scalar_step:.1f} s per step (timed on a few examples), "
        f"so about {scalar_step * steps / 60:.0f} min for {steps} steps"
    )

    started = time.perf_counter()

    def report(epoch: int, history: Any) -> None:
        if epoch % 3 == 0 or epoch == args.epochs - 1:
            print(
                f"epoch {epoch:3d}  loss {history.loss[-1]:.4f}  "
                f"accuracy {history.accuracy[-1]:.1%}  ({time.perf_counter() - started:.1f} s)"
            )

    history = fit(
        model,
        X,
        y,
        loss=softmax_cross_entropy,
        optimizer=Adam(model, lr=args.lr),
        epochs=args.epochs,
        batch_size=args.batch_size,
        seed=args.seed,
        callback=report,
        batched=True,
    )
    seconds = time.perf_counter() - started
    logits = Logits(model)
    accuracy = float((logits(X).argmax(axis=1) == y).mean())
    print(
        f"trained in {seconds:.1f} s ({steps} steps, compiling included): "
        f"training accuracy {accuracy:.1%}; the scalar path would need about "
        f"{scalar_step * steps / seconds:.0f}x as long"
    )

    images = plot_or_skip(
        args.out,
        lambda plt: [
            save_regions(
                plt,
                logits,
                X,
                y,
                os.path.join(args.out, "decision_regions.png"),
                title=f"spiral, {len(X)} points: MLP(2, [{args.hidden}, {args.hidden}, 3])",
            ),
            save_curves(
                plt,
                history.loss,
                history.accuracy,
                os.path.join(args.out, "loss_curve.png"),
                title="spiral (batched): training loss and accuracy per epoch",
                xlabel=f"epoch ({-(-len(X) // args.batch_size)} mini-batches)",
            ),
        ],
    )
    return {
        "accuracy": accuracy,
        "seconds": seconds,
        "scalar_step_seconds": scalar_step,
        "steps": steps,
        "parameters": n_params,
        "nodes_per_example": nodes,
        "loss": history.loss,
        "accuracy_history": history.accuracy,
        "images": images,
    }


def scalar_step_seconds(model: MLP, X: np.ndarray, y: np.ndarray, batch: int) -> float:
    """Seconds for one scalar-path step on ``batch`` examples, timed on a few and scaled."""
    few = min(10, batch)
    start = time.perf_counter()
    loss = total([softmax_cross_entropy(model(x), int(t)) for x, t in zip(X[:few], y[:few])])
    loss.backward()
    model.zero_grad()
    return (time.perf_counter() - start) * batch / few


def save_regions(
    plt: Any, logits: Logits, X: np.ndarray, y: np.ndarray, path: str, title: str
) -> str:
    """Predicted classes on a grid (computed batched), with the points on top."""
    pad = 0.25 * (X.max(axis=0) - X.min(axis=0))
    low, high = X.min(axis=0) - pad, X.max(axis=0) + pad
    gx, gy = np.meshgrid(np.linspace(low[0], high[0], 200), np.linspace(low[1], high[1], 200))
    guess = logits(np.column_stack([gx.ravel(), gy.ravel()])).argmax(axis=1).reshape(gx.shape)
    colors = ["#4c72b0", "#dd8452", "#55a868"]
    fig, ax = plt.subplots(figsize=(5.5, 4.5), dpi=110)
    ax.contourf(gx, gy, guess, levels=[-0.5, 0.5, 1.5, 2.5], colors=colors, alpha=0.25)
    for k in range(3):
        pts = X[y == k]
        ax.scatter(pts[:, 0], pts[:, 1], s=6, color=colors[k], label=f"class {k}")
    return finish_regions(plt, fig, ax, title, path)


if __name__ == "__main__":
    main()
