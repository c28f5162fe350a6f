"""micrograd's moons demo with this package: a 2-16-16-1 ReLU net, SVM loss.

100 points of two interleaving half moons (labels -1/+1), ``MLP(2, [16, 16, 1])``,
the max-margin loss mean(max(0, 1 - y * score)) plus 1e-4 * sum w^2, and 100
full-batch SGD steps with learning rate 1.0 - 0.9 k / 100 at step k (with
``--steps N``: 1.0 - 0.9 k / N). It prints the loss and accuracy as it goes,
then writes the decision boundary and the loss curve as PNG images when
matplotlib is installed (the optional ``plots`` extra).

    python -m demos.moons [--out out/moons] [--seed 0] [--steps 100]
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from autograd_lite import no_grad
from nn import MLP, SGD, Module, evaluate, fit, hinge, make_moons, to_signed


def main(argv: list[str] | None = None) -> dict:
    """Train on the moons and return the key numbers (accuracy, loss history, images)."""
    parser = demo_parser("moons", __doc__)
    parser.add_argument("--steps", type=positive_int, default=100, help="SGD steps")
    args = parser.parse_args(argv)
    X, labels = make_moons(100, noise=0.1, seed=args.seed)
    y = to_signed(labels)
    model = MLP(2, [16, 16, 1], seed=args.seed)
    optimizer = SGD(model, lr=lambda k: 1.0 - 0.9 * k / args.steps)  # 1.0 down to 0.1
    print(f"{model}: {len(model.parameters())} parameters, {len(X)} points")

    def report(step: int, history: Any) -> None:
        if step % 10 == 0 or step == args.steps - 1:
            print(
                f"step {step:3d}  loss {history.loss[-1]:.4f}  accuracy {history.accuracy[-1]:.0%}"
            )

    history = fit(
        model, X, y, loss=hinge, l2=1e-4, optimizer=optimizer, epochs=args.steps, callback=report
    )
    data_loss, accuracy = evaluate(model, X, y, loss=hinge)
    print(f"after {args.steps} steps: training accuracy {accuracy:.0%}, hinge loss {data_loss:.4f}")

    images = plot_or_skip(
        args.out,
        lambda plt: [
            save_decision_boundary(
                plt,
                model,
                X,
                labels,
                os.path.join(args.out, "decision_boundary.png"),
                title="moons: MLP(2, [16, 16, 1]), SVM loss",
                class_names=["y = -1", "y = +1"],
            ),
            save_curves(
                plt,
                history.loss,
                history.accuracy,
                os.path.join(args.out, "loss_curve.png"),
                title="moons: training loss (hinge + L2) and accuracy per step",
            ),
        ],
    )
    return {
        "accuracy": accuracy,
        "loss": history.loss,
        "accuracy_history": history.accuracy,
        "steps": args.steps,
        "parameters": len(model.parameters()),
        "images": images,
    }


# --- shared by the demos ------------------------------------------------------------


def demo_parser(name: str, doc: str | None) -> argparse.ArgumentParser:
    """The options every demo takes: ``--out`` (default ``out/NAME``) and ``--seed``."""
    parser = argparse.ArgumentParser(
        prog=f"python -m demos.{name}",
        description=(doc or "").strip().splitlines()[0],
    )
    parser.add_argument("--out", default=os.path.join("out", name), help="folder for the images")
    parser.add_argument("--seed", type=int, default=0, help="seed for the data and the weights")
    return parser


def positive_int(text: str) -> int:
    """argparse type: an int >= 1."""
    n = int(text)
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be a positive int, got {n}")
    return n


def plot_or_skip(out: str, draw: Callable[[Any], list[str]]) -> list[str]:
    """Run ``draw(pyplot)`` and return the files it wrote; without matplotlib, say so."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print(
            "matplotlib is not installed: skipped the images (pip install 'autograd-lite[plots]')"
        )
        return []
    os.makedirs(out, exist_ok=True)
    paths = draw(plt)
    for path in paths:
        print(f"wrote {path}")
    return paths


def grid_margins(
    model: Module, X: np.ndarray, steps: int = 60
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each class's margin on a ``steps`` x ``steps`` grid around the data.

    The margin of class k is how far its output leads the best other class:
    positive exactly where the model predicts k. One output (a score or a
    logit) predicts class 1 where it is > 0, so its margins are (-z, z).
    Returns the grid's x and y coordinates and margins of shape (K, steps, steps).
    """
    pad = 0.25 * (X.max(axis=0) - X.min(axis=0))
    low, high = X.min(axis=0) - pad, X.max(axis=0) + pad
    gx, gy = np.meshgrid(np.linspace(low[0], high[0], steps), np.linspace(low[1], high[1], steps))
    rows = []
    with no_grad():
        for point in zip(gx.ravel().tolist(), gy.ravel().tolist()):
            out = model(list(point))
            rows.append([v.data for v in out] if isinstance(out, list) else [out.data])
    z = np.array(rows)
    if z.shape[1] == 1:
        margins = np.stack([-z[:, 0], z[:, 0]])
    else:
        margins = np.stack(
            [z[:, k] - np.delete(z, k, axis=1).max(axis=1) for k in range(z.shape[1])]
        )
    return gx, gy, margins.reshape(len(margins), *gx.shape)


def save_decision_boundary(
    plt: Any,
    model: Module,
    X: np.ndarray,
    labels: np.ndarray,
    path: str,
    title: str,
    class_names: Sequence[str] | None = None,
) -> str:
    """Draw the predicted regions with the data points on top; returns ``path``."""
    gx, gy, margins = grid_margins(model, X)
    colors = ["#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860"]
    fig, ax = plt.subplots(figsize=(5.5, 4.5), dpi=110)
    for k, margin in enumerate(margins):
        top = max(float(margin.max()), 1e-9)
        ax.contourf(gx, gy, margin, levels=[0.0, top + 1.0], colors=[colors[k]], alpha=0.25)
        ax.contour(gx, gy, margin, levels=[0.0], colors="black", linewidths=0.6)
    for k in range(len(margins)):
        pts = X[labels == k]
        ax.scatter(
            pts[:, 0],
            pts[:, 1],
            s=18,
            color=colors[k],
            edgecolor="black",
            linewidth=0.4,
            label=class_names[k] if class_names else f"class {k}",
        )
    ax.set_xlim(gx.min(), gx.max())
    ax.set_ylim(gy.min(), gy.max())
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("x[0]")
    ax.set_ylabel("x[1]")
    ax.legend(loc="upper right", fontsize=8, framealpha=0.9)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def save_curves(
    plt: Any,
    loss: Sequence[float],
    accuracy: Sequence[float | None],
    path: str,
    title: str,
    xlabel: str = "step",
) -> str:
    """Plot loss (left axis, log scale) and accuracy (right axis) per step; returns ``path``."""
    fig, ax = plt.subplots(figsize=(6, 3.8), dpi=110)
    steps = np.arange(len(loss))
    ax.plot(steps, loss, color="#c44e52", label="loss")
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("loss (log scale)", color="#c44e52")
    if any(a is not None for a in accuracy):
        ax2 = ax.twinx()
        ax2.plot(steps, [100 * (a or 0.0) for a in accuracy], color="#4c72b0", label="accuracy")
        ax2.set_ylabel("training accuracy (%)", color="#4c72b0")
        ax2.set_ylim(0, 105)
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


if __name__ == "__main__":
    main()
