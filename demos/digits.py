"""Handwritten digits: MLP(64, [32, 10]) learns to read 8x8 images, trained by fit(batched=True).

The 1,797 images of scikit-learn's digits data set (8x8 pixels, grey levels
0 to 16, written by 43 people; the copy bundled with scikit-learn, so
nothing is downloaded). A quarter of them, picked at random by ``--seed``,
are held out; the network never trains on them and they measure what it
learned. Each pixel is standardised with the training images' mean and
spread. ``MLP(64, [32, 10])`` (2,410 parameters: 64 pixels in, 32 ReLU
units, a logit per digit) is trained with the softmax cross-entropy loss,
an L2 penalty and Adam on mini-batches of 32. ``fit(..., batched=True)``
compiles one example's loss once, the digit going in as a one-hot row,
and runs it on each mini-batch: each layer is one matrix product.

It prints the loss and the training and held-out accuracy as it goes, the
confusion matrix of the held-out images, and writes the training curves,
the confusion matrix, the held-out images it got wrong and the features
the hidden units learned (each unit's 64 first-layer weights drawn as an
8x8 image, as Grosse's lecture 10 shows them) as PNG images, with
matplotlib.

    python -m autograd_lite.demos.digits [--out out/digits] [--seed 0] [--epochs 60]

Needs scikit-learn: ``pip install 'autograd-lite[digits]'``.
"""

from __future__ import annotations

import os
import time
from typing import Any

import numpy as np
from autograd_lite.demos.batched_logits import Logits
from autograd_lite.demos.plotting import save_curves, save_figure
from autograd_lite.demos.report import demo_parser, plot_or_skip, positive_int, positive_number

from nn import MLP, Adam, fit, softmax_cross_entropy

NEEDS_SKLEARN = (
    "the digits demo needs scikit-learn, which bundles the images: "
    "pip install 'autograd-lite[digits]' (or pip install scikit-learn)"
)


def main(argv: list[str] | None = None) -> dict:
    """Train on the digits; return the held-out accuracy, the confusion matrix and more."""
    parser = demo_parser("digits", __doc__, seed=True)
    parser.add_argument("--epochs", type=positive_int, default=60, help="passes over the data")
    parser.add_argument("--hidden", type=positive_int, default=32, help="hidden units")
    parser.add_argument("--activation", default="relu", help="the hidden units' activation")
    parser.add_argument("--batch-size", type=positive_int, default=32, help="mini-batch size")
    parser.add_argument(
        "--lr", type=positive_number, default=0.005, help="Adam's first learning rate"
    )
    parser.add_argument("--l2", type=float, default=2e-3, help="L2 penalty, l2 * sum of p^2")
    args = parser.parse_args(argv)
    if not 0.0 <= args.l2 < float("inf"):
        parser.error(f"--l2 must be a finite number >= 0, got {args.l2}")
    try:
        images, labels = load_digits()
    except ImportError:
        print(NEEDS_SKLEARN)
        return {"skipped": NEEDS_SKLEARN, "images": []}

    train, test = held_out_split(len(labels), 0.25, args.seed)
    X = standardised(images.reshape(len(images), 64), train)
    model = MLP(64, [args.hidden, 10], activation=args.activation, seed=args.seed)
    logits = Logits(model)
    print(
        f"{len(labels)} images of 8x8 pixels: {len(train)} to train on, {len(test)} held out; "
        f"{model}: {len(model.parameters())} parameters"
    )

    held_out: list[float] = []
    started = time.perf_counter()

    def report(epoch: int, history: Any) -> None:
        held_out.append(accuracy(logits(X[test]), labels[test]))
        if epoch % 10 == 0 or epoch == args.epochs - 1:
            print(
                f"epoch {epoch:3d}  loss {history.loss[-1]:.4f}  "
                f"training accuracy {history.accuracy[-1]:.1%}  held-out {held_out[-1]:.1%}  "
                f"({time.perf_counter() - started:.1f} s)"
            )

    history = fit(
        model,
        X[train],
        labels[train],
        loss=softmax_cross_entropy,
        optimizer=Adam(model, lr=lambda t: args.lr / (1.0 + t / 300)),
        epochs=args.epochs,
        batch_size=args.batch_size,
        l2=args.l2,
        seed=args.seed,
        callback=report,
        batched=True,
    )
    seconds = time.perf_counter() - started

    guess = logits(X[test]).argmax(axis=1)
    truth = labels[test]
    confusion = confusion_matrix(truth, guess)
    right = int(np.trace(confusion))
    wrong = np.flatnonzero(guess != truth)
    print(
        f"trained in {seconds:.1f} s ({args.epochs} epochs, compiling included): "
        f"held-out accuracy {right / len(test):.1%} ({right} of {len(test)} right, "
        f"{len(wrong)} wrong)"
    )
    print(confusion_text(confusion))

    images_written = plot_or_skip(
        args.out,
        lambda plt: [
            save_curves(
                plt,
                history.loss,
                history.accuracy,
                os.path.join(args.out, "loss_curve.png"),
                title=f"digits: MLP(64, [{args.hidden}, 10]), loss and accuracy per epoch",
                xlabel=f"epoch ({-(-len(train) // args.batch_size)} mini-batches)",
                held_out=held_out,
            ),
            save_confusion(plt, confusion, os.path.join(args.out, "confusion_matrix.png")),
            save_mistakes(
                plt,
                images[test][wrong],
                truth[wrong],
                guess[wrong],
                os.path.join(args.out, "misclassified.png"),
            ),
            save_features(
                plt, model.layers[0].weight(), os.path.join(args.out, "first_layer_weights.png")
            ),
        ],
    )
    return {
        "accuracy": right / len(test),
        "right": right,
        "held_out": len(test),
        "trained_on": len(train),
        "wrong": [(int(test[i]), int(truth[i]), int(guess[i])) for i in wrong],
        "confusion": confusion.tolist(),
        "training_accuracy": history.accuracy[-1],
        "accuracy_history": held_out,
        "loss": history.loss,
        "seconds": seconds,
        "parameters": len(model.parameters()),
        "images": images_written,
    }


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """The images (n, 8, 8), grey levels 0-16, and their digits; ImportError without sklearn."""
    from sklearn.datasets import load_digits as bundled

    data = bundled()
    return data.images.astype(float), data.target.astype(np.int64)


def held_out_split(n: int, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices to train on and indices held out (``fraction`` of n), shuffled by ``seed``.

    >>> train, test = held_out_split(8, 0.25, seed=0)
    >>> len(train), len(test), sorted(train.tolist() + test.tolist()) == list(range(8))
    (6, 2, True)
    """
    order = np.random.default_rng(seed).permutation(n)
    cut = int(round(n * fraction))
    return order[cut:], order[:cut]


def standardised(X: np.ndarray, train: np.ndarray) -> np.ndarray:
    """Each column minus its mean over the training rows, over their spread (+ 0.1: the
    border pixels are almost always 0).

    >>> standardised(np.array([[0.0], [2.0], [4.0]]), np.array([0, 1])).ravel().round(3).tolist()
    [-0.909, 0.909, 2.727]
    """
    mean, spread = X[train].mean(axis=0), X[train].std(axis=0) + 0.1
    return (X - mean) / spread


def accuracy(logits: np.ndarray, labels: np.ndarray) -> float:
    """The fraction of rows whose largest logit is at their label.

    >>> accuracy(np.array([[2.0, 1.0], [0.0, 3.0]]), np.array([0, 0]))
    0.5
    """
    return float((logits.argmax(axis=1) == labels).mean())


def confusion_matrix(truth: np.ndarray, guess: np.ndarray, classes: int = 10) -> np.ndarray:
    """``m[i, j]``: how many images of digit i the network read as j.

    >>> confusion_matrix(np.array([0, 1, 1]), np.array([0, 0, 1]), classes=2).tolist()
    [[1, 0], [1, 1]]
    """
    m = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(m, (truth, guess), 1)
    return m


def confusion_text(m: np.ndarray) -> str:
    """The confusion matrix as a table: a row per true digit, a column per answer."""
    head = "held-out images: true digit (rows) read as (columns)"
    lines = [head, "       " + " ".join(f"{j:4d}" for j in range(len(m)))]
    for i, row in enumerate(m):
        lines.append(f"  {i:3d}  " + " ".join(f"{v:4d}" for v in row))
    return "\n".join(lines)


def save_confusion(plt: Any, m: np.ndarray, path: str) -> str:
    """The confusion matrix as a picture, with each count written in its cell."""
    fig, ax = plt.subplots(figsize=(5.2, 4.6), dpi=110)
    shown = ax.imshow(np.log1p(m), cmap="Blues")
    for i in range(len(m)):
        for j in range(len(m)):
            if m[i, j]:
                dark = shown.norm(np.log1p(m[i, j])) > 0.6
                color = "white" if dark else ("#c44e52" if i != j else "black")
                ax.text(j, i, str(m[i, j]), ha="center", va="center", fontsize=8, color=color)
    ax.set_xticks(range(len(m)))
    ax.set_yticks(range(len(m)))
    ax.set_xlabel("read as")
    ax.set_ylabel("true digit")
    total = int(m.sum())
    ax.set_title(
        f"held-out images: {int(np.trace(m))} of {total} right (off the diagonal: mistakes)",
        fontsize=9,
    )
    return save_figure(plt, fig, path)


def save_mistakes(
    plt: Any, images: np.ndarray, truth: np.ndarray, guess: np.ndarray, path: str, most: int = 12
) -> str:
    """Up to ``most`` misread images, each titled with its digit and what the network read."""
    shown = min(most, len(images))
    cols = 6
    rows = max(1, -(-shown // cols))
    fig, axes = plt.subplots(rows, cols, figsize=(1.3 * cols, 1.55 * rows + 0.4), dpi=110)
    for k, ax in enumerate(np.ravel(axes)):
        ax.axis("off")
        if k < shown:
            ax.imshow(images[k], cmap="gray_r", vmin=0, vmax=16, interpolation="nearest")
            ax.set_title(f"{truth[k]} read as {guess[k]}", fontsize=8)
    fig.suptitle(
        f"held-out images the network got wrong ({shown} of {len(images)})", fontsize=9
    )
    return save_figure(plt, fig, path)


def save_features(plt: Any, W: np.ndarray, path: str) -> str:
    """Each hidden unit's weights (a row of W, 64 of them) as an 8x8 image: red pixels
    push the unit up, blue ones down; the colour scale is shared."""
    cols = 8
    rows = -(-len(W) // cols)
    top = float(np.abs(W).max()) or 1.0
    fig, axes = plt.subplots(rows, cols, figsize=(1.0 * cols, 1.05 * rows + 0.4), dpi=110)
    for k, ax in enumerate(np.ravel(axes)):
        ax.axis("off")
        if k < len(W):
            ax.imshow(W[k].reshape(8, 8), cmap="RdBu_r", vmin=-top, vmax=top)
            ax.set_title(f"unit {k}", fontsize=7)
    fig.suptitle("what the hidden units look for: first-layer weights as images", fontsize=9)
    return save_figure(plt, fig, path)


if __name__ == "__main__":
    main()
