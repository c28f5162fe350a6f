"""XOR twice: the lecture's hand-wired threshold network, then a trained MLP.

The hand-wired net (Grosse, CSC 411 lecture 10) uses hard-threshold units,
step(z) = 1 if z > 0 else 0:

    h1 = step(x1 + x2 - 0.5)      x1 OR x2
    h2 = step(x1 + x2 - 1.5)      x1 AND x2
    y  = step(h1 - h2 - 0.5)      h1 AND NOT h2  =  x1 XOR x2

Its weights are set with ``load_state_dict`` on an ``MLP(2, [2, 1])`` with
step activations. Step units have zero derivative, so a network that learns
XOR uses smooth ones instead: ``MLP(2, [8, 1], activation="tanh")`` trained
on the four points with binary cross-entropy on its logit
(``binary_cross_entropy_with_logits``) and Adam.

    python -m autograd_lite.demos.xor [--out out/xor] [--seed 0] [--epochs 200]
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
from autograd_lite.demos.plotting import save_curves
from autograd_lite.demos.report import demo_parser, plot_or_skip, positive_int

from autograd_lite import no_grad
from nn import MLP, Adam, Module, binary_cross_entropy_with_logits, evaluate, fit, xor_table

HAND_WIRED = {
    # h1: x1 OR x2
    "layers.0.neurons.0.w.0": 1.0,
    "layers.0.neurons.0.w.1": 1.0,
    "layers.0.neurons.0.b": -0.5,
    # h2: x1 AND x2
    "layers.0.neurons.1.w.0": 1.0,
    "layers.0.neurons.1.w.1": 1.0,
    "layers.0.neurons.1.b": -1.5,
    # y: h1 AND NOT h2
    "layers.1.neurons.0.w.0": 1.0,
    "layers.1.neurons.0.w.1": -1.0,
    "layers.1.neurons.0.b": -0.5,
}


def hand_wired_xor() -> MLP:
    """The lecture's threshold network for XOR, as an ``MLP(2, [2, 1])`` of step units.

    >>> net = hand_wired_xor()
    >>> [net(x).data for x in ([0, 0], [0, 1], [1, 0], [1, 1])]
    [0.0, 1.0, 1.0, 0.0]
    """
    net = MLP(2, [2, 1], activation="step", output_activation="step", seed=0)
    net.load_state_dict(HAND_WIRED)
    return net


def main(argv: list[str] | None = None) -> dict:
    """Run both XOR networks and return their outputs, accuracies and the loss history."""
    parser = demo_parser("xor", __doc__, seed=True)
    parser.add_argument("--epochs", type=positive_int, default=200, help="Adam steps")
    args = parser.parse_args(argv)
    X, y = xor_table()

    net = hand_wired_xor()
    print("hand-wired threshold network (h1 = OR, h2 = AND, y = h1 AND NOT h2):")
    print("  x1 x2 | h1 h2 | y  | XOR")
    wired = []
    for x, target in zip(X, y):
        hidden = [n(x) for n in net.layers[0].neurons]
        out = net(x)
        wired.append(out.data)
        print(
            f"  {x[0]:2.0f} {x[1]:2.0f} | {hidden[0].data:2.0f} {hidden[1].data:2.0f} "
            f"| {out.data:2.0f} | {target:2d}"
        )
    wired_ok = wired == [float(t) for t in y]
    print(f"  computes XOR exactly: {wired_ok}")

    model = MLP(2, [8, 1], activation="tanh", seed=args.seed)
    history = fit(
        model,
        X,
        y,
        loss=binary_cross_entropy_with_logits,
        optimizer=Adam(model, lr=0.1),
        epochs=args.epochs,
    )
    loss, accuracy = evaluate(model, X, y, loss=binary_cross_entropy_with_logits)
    probabilities = [model(x).sigmoid().data for x in X]
    print(f"\ntrained {model}, binary cross-entropy on the logit z, Adam, {args.epochs} epochs:")
    for x, target, p in zip(X, y, probabilities):
        print(f"  x = ({x[0]:.0f}, {x[1]:.0f})  P(y=1) = {p:.4f}  target {target}")
    print(f"  accuracy {accuracy:.0%}, loss {loss:.2e}")

    images = plot_or_skip(
        args.out,
        lambda plt: [
            _save_regions(plt, net, model, X, y, os.path.join(args.out, "xor_regions.png")),
            save_curves(
                plt,
                history.loss,
                history.accuracy,
                os.path.join(args.out, "loss_curve.png"),
                title="xor: MLP(2, [8, 1]) tanh, binary cross-entropy, Adam",
                xlabel="epoch (one full-batch step)",
            ),
        ],
    )
    return {
        "hand_wired_outputs": wired,
        "hand_wired_correct": wired_ok,
        "accuracy": accuracy,
        "probabilities": probabilities,
        "loss": history.loss,
        "accuracy_history": history.accuracy,
        "images": images,
    }


def _save_regions(
    plt: Any, net: Module, model: Module, X: np.ndarray, y: np.ndarray, path: str
) -> str:
    """Side by side: where each network outputs 1 on the square [-0.5, 1.5]^2."""
    steps = 201
    grid = np.linspace(-0.5, 1.5, steps)
    gx, gy = np.meshgrid(grid, grid)
    points = list(zip(gx.ravel().tolist(), gy.ravel().tolist()))
    with no_grad():
        wired = np.array([net(list(p)).data for p in points]).reshape(gx.shape)
        learned = np.array([model(list(p)).sigmoid().data for p in points]).reshape(gx.shape)
    fig, axes = plt.subplots(1, 2, figsize=(9.5, 4.2), dpi=110, layout="constrained")
    panels = [
        (axes[0], wired, "hand-wired step units: output y"),
        (axes[1], learned, "trained tanh MLP: P(y = 1) = sigmoid(z)"),
    ]
    for ax, field, title in panels:
        shade = ax.imshow(
            field,
            origin="lower",
            extent=(-0.5, 1.5, -0.5, 1.5),
            cmap="RdBu_r",
            vmin=0.0,
            vmax=1.0,
            alpha=0.75,
            interpolation="nearest",
        )
        for label, marker in ((0, "o"), (1, "s")):
            pts = X[y == label]
            ax.scatter(
                pts[:, 0],
                pts[:, 1],
                s=80,
                marker=marker,
                c="white" if label == 0 else "black",
                edgecolors="black",
                label=f"XOR = {label}",
                zorder=3,
            )
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("x1")
        ax.set_ylabel("x2")
    axes[1].contour(gx, gy, learned, levels=[0.5], colors="black", linewidths=0.8)
    axes[1].legend(loc="upper right", fontsize=8, framealpha=0.9)
    fig.colorbar(shade, ax=axes, shrink=0.85)
    fig.savefig(path)
    plt.close(fig)
    return path


if __name__ == "__main__":
    main()
