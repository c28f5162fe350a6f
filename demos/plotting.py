"""Pictures the nn demos share: decision regions and training curves.

Each function takes matplotlib's ``pyplot`` (as ``autograd_lite.demos.report.plot_or_skip``
passes it), writes one PNG and returns its path.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from autograd_lite import no_grad
from nn import Module


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
    return finish_regions(plt, fig, ax, title, path)


def finish_regions(plt: Any, fig: Any, ax: Any, title: str, path: str) -> str:
    """Title, axis names and legend of a regions plot; saves it to ``path``."""
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("x[0]")
    ax.set_ylabel("x[1]")
    ax.legend(loc="upper right", fontsize=8, framealpha=0.9)
    return save_figure(plt, fig, path)


def save_figure(plt: Any, fig: Any, path: str) -> str:
    """Lay ``fig`` out tightly, write it to ``path``, close it; returns ``path``."""
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
    held_out: Sequence[float] | None = None,
) -> str:
    """Plot loss (left axis, log scale) and accuracy (right axis) per step; returns ``path``.

    ``held_out``: the accuracy on held-out data per step, drawn dashed next to
    the training accuracy.
    """
    fig, ax = plt.subplots(figsize=(6, 3.8), dpi=110)
    steps = np.arange(len(loss))
    ax.plot(steps, loss, color="#c44e52", label="loss")
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("loss (log scale)", color="#c44e52")
    if any(a is not None for a in accuracy):
        ax2 = ax.twinx()
        ax2.plot(steps, [100 * (a or 0.0) for a in accuracy], color="#4c72b0", label="training")
        ax2.set_ylabel("accuracy (%)" if held_out else "training accuracy (%)", color="#4c72b0")
        ax2.set_ylim(0, 105)
        if held_out is not None:
            shown = [100 * a for a in held_out]
            ax2.plot(steps, shown, color="#55a868", linestyle="--", label="held out")
            ax2.legend(loc="center right", fontsize=8, title="accuracy", title_fontsize=8)
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    return save_figure(plt, fig, path)
