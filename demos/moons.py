"""micrograd's moons demo with this package: a 2-16-16-1 ReLU net, SVM loss.

100 points of two interleaving half moons (labels -1/+1), ``MLP(2, [16, 16, 1])``,
the max-margin loss mean(max(0, 1 - y * score)) plus 1e-4 * sum w^2, and 100
full-batch SGD steps with learning rate 1.0 - 0.9 k / 100 at step k (with
``--steps N``: 1.0 - 0.9 k / N). It prints the loss and accuracy as it goes,
then writes the decision boundary and the loss curve as PNG images when
matplotlib is installed (the optional ``plots`` extra).

    python -m autograd_lite.demos.moons [--out out/moons] [--seed 0] [--steps 100]
"""

from __future__ import annotations

import os
from typing import Any

from autograd_lite.demos.plotting import save_curves, save_decision_boundary
from autograd_lite.demos.report import demo_parser, plot_or_skip, positive_int

from nn import MLP, SGD, evaluate, fit, hinge, make_moons, to_signed


def main(argv: list[str] | None = None) -> dict:
    """Train on the moons and return the key numbers (accuracy, loss history, images)."""
    parser = demo_parser("moons", __doc__, seed=True)
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


if __name__ == "__main__":
    main()
