"""A 3-class spiral learned with softmax cross-entropy.

150 points on three spiral arms (50 per class, Gaussian angle noise 0.2),
``MLP(2, [16, 16, 3])`` with ReLU hidden layers and three logits, the
softmax cross-entropy (NLL) loss, Adam with learning rate 0.05 and
mini-batches of 30. Writes the decision regions and the loss curve as PNG
images when matplotlib is installed.

    python -m autograd_lite.demos.spiral [--out out/spiral] [--seed 0] [--epochs 40]
"""

from __future__ import annotations

import os
from typing import Any

from autograd_lite.demos.plotting import save_curves, save_decision_boundary
from autograd_lite.demos.report import demo_parser, plot_or_skip, positive_int

from nn import MLP, Adam, evaluate, fit, make_spiral, softmax_cross_entropy


def main(argv: list[str] | None = None) -> dict:
    """Train on the spiral and return the key numbers (accuracy, loss history, images)."""
    parser = demo_parser("spiral", __doc__, seed=True)
    parser.add_argument("--epochs", type=positive_int, default=40, help="passes over the data")
    args = parser.parse_args(argv)
    X, y = make_spiral(150, classes=3, noise=0.2, seed=args.seed)
    model = MLP(2, [16, 16, 3], seed=args.seed)
    print(f"{model}: {len(model.parameters())} parameters, {len(X)} points, 3 classes")

    def report(epoch: int, history: Any) -> None:
        if epoch % 5 == 0 or epoch == args.epochs - 1:
            print(
                f"epoch {epoch:3d}  loss {history.loss[-1]:.4f}  "
                f"accuracy {history.accuracy[-1]:.1%}"
            )

    history = fit(
        model,
        X,
        y,
        loss=softmax_cross_entropy,
        optimizer=Adam(model, lr=0.05),
        epochs=args.epochs,
        batch_size=30,
        seed=args.seed,
        callback=report,
    )
    loss, accuracy = evaluate(model, X, y, loss=softmax_cross_entropy)
    print(f"after {args.epochs} epochs: training accuracy {accuracy:.1%}, loss {loss:.4f}")

    images = plot_or_skip(
        args.out,
        lambda plt: [
            save_decision_boundary(
                plt,
                model,
                X,
                y,
                os.path.join(args.out, "decision_regions.png"),
                title="spiral: MLP(2, [16, 16, 3]), softmax cross-entropy",
            ),
            save_curves(
                plt,
                history.loss,
                history.accuracy,
                os.path.join(args.out, "loss_curve.png"),
                title="spiral: training loss and accuracy per epoch",
                xlabel="epoch (5 mini-batches of 30)",
            ),
        ],
    )
    return {
        "accuracy": accuracy,
        "loss": history.loss,
        "accuracy_history": history.accuracy,
        "epochs": args.epochs,
        "images": images,
    }


if __name__ == "__main__":
    main()
