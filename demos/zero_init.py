"""Why not start the weights at 0: no gradient for ReLU, and symmetric neurons stay identical.

L. Kaelbling's notes (seed 000), "Initializing W is important":

    Don't set to 0
      - no gradient for relu
      - generally better to randomize for symmetry breaking

Part 1: ``MLP(2, [4, 1])`` with ReLU hidden units and every weight and bias
0, trained on XOR with squared error. Every hidden unit has z = 0 and
output 0, so dL/dW(2) = delta(2) h^T = 0, and the hidden layer's
delta(1) = relu'(z) o W(2)^T delta(2) is 0 because W(2) = 0, whichever
value relu'(0) takes (nn takes 0, as PyTorch; seed 001's table says 1).
Only the output bias learns: the network predicts the mean target.

Part 2: the same shape with tanh units and every weight 0.5 (not 0, so
gradients flow): all four hidden units compute the same function, get the
same gradient and take the same step, so after training they are still
identical, and the network is no better than one hidden unit. Random
weights (nn's Gaussian(0, 1/m)) break the symmetry and learn XOR.
Trained with binary cross-entropy on the logit and Adam. The numbers
(constant 0.5, Adam's lr, the epochs) are our choice.

    python -m autograd_lite.demos.zero_init [--out out/zero_init]
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
from autograd_lite.demos.plotting import save_decision_boundary
from autograd_lite.demos.report import Row, demo_parser, plot_or_skip, table

from nn import (
    MLP,
    SGD,
    Adam,
    binary_cross_entropy_with_logits,
    evaluate,
    fit,
    squared_error,
    total,
    xor_table,
)

HIDDEN, CONSTANT, EPOCHS, SEED = 4, 0.5, 200, 0


def constant_model(activation: str, value: float) -> MLP:
    """``MLP(2, [HIDDEN, 1])`` with every weight ``value`` and every bias 0."""
    model = MLP(2, [HIDDEN, 1], activation=activation, seed=SEED)
    model.load_state_dict({k: 0.0 if k.endswith(".b") else value for k in model.state_dict()})
    return model


def row_spread(model: MLP) -> float:
    """The largest difference between any two hidden units' weights and biases."""
    hidden = model.layers[0]
    rows = np.column_stack([hidden.weight(), hidden.bias()])
    return float(np.max(rows.max(axis=0) - rows.min(axis=0)))


def zero_relu() -> dict[str, Any]:
    """Part 1: all-zero ReLU network: grads after one backward, then after training."""
    X, y = xor_table()
    model = constant_model("relu", 0.0)
    loss = total([squared_error(model(x), float(t)) for x, t in zip(X, y)]) / len(X)
    loss.backward()
    hidden, out = model.layers
    mean_error = float(np.mean(0.0 - y))  # yhat = 0 everywhere: dL/db2 = mean(yhat - y)
    rows = table(
        "part 1: every weight and bias 0, ReLU hidden units, L = mean 1/2 (yhat - y)^2",
        [
            Row(
                "dL/dW(1) (largest |.|)",
                "relu'(z) o W(2)^T delta(2) x^T, W(2) = 0",
                0.0,
                float(np.abs(hidden.weight_grad()).max()),
            ),
            Row(
                "dL/db(1) (largest |.|)",
                "relu'(z) o W(2)^T delta(2)",
                0.0,
                float(np.abs(hidden.bias_grad()).max()),
            ),
            Row(
                "dL/dW(2) (largest |.|)",
                "delta(2) h^T, h = relu(0) = 0",
                0.0,
                float(np.abs(out.weight_grad()).max()),
            ),
            Row("dL/db(2)", "mean(yhat - y)", mean_error, out.bias_grad()[0]),
        ],
    )
    print(
        "relu'(0): nn takes 0, as PyTorch; seed 001's table gives 1. It does not matter here:\n"
        "delta(1) = relu'(z) o W(2)^T delta(2) multiplies it by W(2) = 0 either way"
    )
    model = constant_model("relu", 0.0)
    fit(model, X, y, loss=squared_error, optimizer=SGD(model, lr=0.5), epochs=EPOCHS)
    outputs = [model(x).data for x in X]
    moved = [name for name, v in model.state_dict().items() if v != 0.0]
    print(
        f"after {EPOCHS} SGD steps only {moved} moved;\nthe outputs are "
        f"{np.round(outputs, 6).tolist()}, the mean target {float(np.mean(y)):g} for every "
        "input:\nhidden units that never get a gradient never learn"
    )
    return {"rows": rows, "moved": moved, "outputs": outputs}


def symmetric(activation: str, value: float | None) -> dict[str, Any]:
    """Train on XOR from equal weights (``value``) or random ones (None)."""
    X, y = xor_table()
    if value is None:
        model = MLP(2, [HIDDEN, 1], activation=activation, seed=SEED)
    else:
        model = constant_model(activation, value)
    start = row_spread(model)
    model_loss = binary_cross_entropy_with_logits
    fit(model, X, y, loss=model_loss, optimizer=Adam(model, lr=0.1), epochs=EPOCHS)
    _, accuracy = evaluate(model, X, y, loss=model_loss)
    return {
        "model": model,
        "start_spread": start,
        "spread": row_spread(model),
        "accuracy": accuracy,
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run both parts; return the gradients, spreads and accuracies."""
    args = demo_parser("zero_init", __doc__).parse_args(argv)
    one = zero_relu()
    same = symmetric("tanh", CONSTANT)
    rand = symmetric("tanh", None)
    print(
        f"\npart 2: MLP(2, [{HIDDEN}, 1]) with tanh units on XOR, binary cross-entropy on the "
        f"logit, Adam, {EPOCHS} epochs"
    )
    print("  start                   largest difference between hidden units   accuracy")
    for name, r in ((f"every weight {CONSTANT:g}", same), ("Gaussian(0, 1/m)", rand)):
        change = f"{r['start_spread']:.3g} before -> {r['spread']:.3g} after"
        print(f"  {name:22s}  {change:40s}  {r['accuracy']:.0%}")
    print(
        "equal weights stay equal: every hidden unit gets the same gradient at every step, so the\n"
        "network acts like one hidden unit and can't fit XOR; random weights break the symmetry"
    )
    X, y = xor_table()
    plots = plot_or_skip(
        args.out,
        lambda plt: [
            save_decision_boundary(
                plt, r["model"], X, y, os.path.join(args.out, f"{name}.png"), title
            )
            for name, r, title in (
                ("symmetric", same, f"every weight {CONSTANT:g}: the units stay identical"),
                ("random", rand, "Gaussian(0, 1/m) weights: symmetry broken"),
            )
        ],
    )
    return {
        "zero_relu": one,
        "symmetric": {k: v for k, v in same.items() if k != "model"},
        "random": {k: v for k, v in rand.items() if k != "model"},
        "rows": one["rows"],
        "plots": plots,
    }


if __name__ == "__main__":
    main()
