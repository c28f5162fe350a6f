"""Mistake: every weight initialised to the same value, so the hidden units stay identical.

The mistake: ``MLP(2, [4, 1], activation="tanh")`` with every weight set to
0.5 and every bias to 0 (``zero_init.constant_model``), trained on XOR.

What goes wrong: the four hidden units read the same inputs with the same
weights, so they compute the same z and a; the output weights are equal
too, so backprop gives each the same delta(1) = tanh'(z) * w(2) * delta(2),
hence the same gradient and the same step. That stays true at every step
(Adam's update is per weight, so equal gradients give equal updates): after
training the rows of W(1) are still exactly equal, and the network is one
hidden unit in four copies, which can't fit XOR. nn's default random
initialisation (Gaussian(0, 1/m), ``seed=0``) gives every unit its own
start and learns XOR. Both are trained as in ``zero_init`` (binary
cross-entropy on the logit, Adam lr 0.1, 200 full-batch steps).

Independent check: one forward and backward at the equal start, by hand
with numpy (z, a, delta for the hidden units from the formulas), equals
the engine's gradients, and its rows are identical.

The fix: random initialisation, nn's default, ``MLP(2, [4, 1], activation="tanh", seed=0)``.

    python -m autograd_lite.demos.mistake_same_init [--out out/mistake_same_init]
"""

from __future__ import annotations

from typing import Any

import numpy as np
from autograd_lite.demos.mistake_report import Wrong, compare, fix
from autograd_lite.demos.report import Row, demo_parser, table
from autograd_lite.demos.zero_init import (
    CONSTANT,
    EPOCHS,
    HIDDEN,
    constant_model,
    symmetric,
)

from nn import MLP, binary_cross_entropy_with_logits, evaluate, total, xor_table

NAME = "mistake_same_init"


def engine_gradients(model: MLP) -> tuple[np.ndarray, np.ndarray]:
    """dL/dW(1) (4 x 2) and dL/db(1) after one backward of the mean BCE-on-logit over XOR.

    >>> dW, db = engine_gradients(constant_model("tanh", 0.5))
    >>> dW.shape, bool(np.all(dW == dW[0]))
    ((4, 2), True)
    """
    X, y = xor_table()
    loss = total([binary_cross_entropy_with_logits(model(x), float(t)) for x, t in zip(X, y)])
    (loss / len(X)).backward()
    hidden = model.layers[0]
    return hidden.weight_grad(), hidden.bias_grad()


def hand_gradients(
    W1: np.ndarray, b1: np.ndarray, w2: np.ndarray, b2: float
) -> tuple[np.ndarray, np.ndarray]:
    """The same gradients from the formulas, with numpy alone:

    z = X W1^T + b1, a = tanh(z), logit = a w2 + b2, delta(2) = (sigmoid(logit) - y) / n,
    delta(1) = (1 - a^2) * delta(2) w2^T, dL/dW1 = delta(1)^T X, dL/db1 = sum of delta(1).

    >>> dW, db = hand_gradients(np.full((4, 2), 0.5), np.zeros(4), np.full(4, 0.5), 0.0)
    >>> bool(np.all(dW == dW[0])), bool(np.all(db == db[0]))
    (True, True)
    """
    X, y = xor_table()
    a = np.tanh(X @ W1.T + b1)
    logit = a @ w2 + b2
    delta2 = (1.0 / (1.0 + np.exp(-logit)) - y) / len(X)
    delta1 = (1.0 - a**2) * np.outer(delta2, w2)
    return delta1.T @ X, delta1.sum(axis=0)


def distinct_units(model: MLP) -> int:
    """How many different (w, b) rows the hidden layer has.

    >>> distinct_units(constant_model("tanh", 0.5)), distinct_units(MLP(2, [4, 1], seed=0))
    (1, 4)
    """
    hidden = model.layers[0]
    rows = np.column_stack([hidden.weight(), hidden.bias()])
    return len(np.unique(rows, axis=0))


def first_step_check() -> list[dict[str, Any]]:
    """Print the engine's first gradients at the equal start beside the hand formulas."""
    dW, db = engine_gradients(constant_model("tanh", CONSTANT))
    W1 = np.full((HIDDEN, 2), CONSTANT)
    hand_W, hand_b = hand_gradients(W1, np.zeros(HIDDEN), np.full(HIDDEN, CONSTANT), 0.0)
    rows = [
        Row(f"dL/dW(1)[{j}, 0]", f"sum_n delta(1)_n{j} x_n0", hand_W[j, 0], dW[j, 0])
        for j in range(HIDDEN)
    ]
    rows += [
        Row("dL/db_j, every unit j", "sum_n delta(1)_nj", hand_b[0], db[0]),
        Row(
            "largest difference between units",
            "the same z, a, delta(1) for all",
            float(np.ptp(np.column_stack([hand_W, hand_b]), axis=0).max()),
            float(np.ptp(np.column_stack([dW, db]), axis=0).max()),
        ),
        Row(
            "largest |engine - hand|, all of W(1), b(1)",
            "the hand formulas, entry by entry",
            0.0,
            float(max(np.abs(dW - hand_W).max(), np.abs(db - hand_b).max())),
        ),
    ]
    return table(
        f"one forward and backward from every weight {CONSTANT:g}: every hidden unit gets the "
        "same gradient",
        rows,
    )


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Check the first gradients by hand, then train from equal and from random weights."""
    demo_parser(NAME, __doc__).parse_args(argv)
    check = first_step_check()
    same, rand = _train_both()
    _print_training(same, rand)
    rows = _compare_trained(same, rand)
    said = fix(
        "model.load_state_dict({k: 0.0 if k.endswith('.b') else 0.5 for k in model.state_dict()})",
        f'model = MLP(2, [{HIDDEN}, 1], activation="tanh", seed=0)  # nn\'s random init',
    )
    keep = ("start_spread", "spread", "accuracy", "loss", "units")
    return {
        "first_step": check,
        "same": {k: same[k] for k in keep},
        "random": {k: rand[k] for k in keep},
        "rows": rows,
        "fix": said,
    }


def _train_both() -> tuple[dict[str, Any], dict[str, Any]]:
    """Train from equal and from random weights; add each run's loss and distinct units."""
    X, y = xor_table()
    same, rand = symmetric("tanh", CONSTANT), symmetric("tanh", None)
    for r in (same, rand):
        r["loss"], _ = evaluate(r["model"], X, y, loss=binary_cross_entropy_with_logits)
        r["units"] = distinct_units(r["model"])
    return same, rand


def _print_training(same: dict[str, Any], rand: dict[str, Any]) -> None:
    """Print both runs' final loss and the spread between hidden units' rows."""
    print(
        f"\nMLP(2, [{HIDDEN}, 1]) with tanh units on XOR, Adam, {EPOCHS} steps: "
        f"mean loss {rand['loss']:.4g} from random weights,\n"
        f"{same['loss']:.4g} from equal ones; largest difference between hidden units' rows "
        f"after training:\n{rand['spread']:.4g} from random weights, {same['spread']:g} from "
        "equal ones (exactly)"
    )


def _compare_trained(same: dict[str, Any], rand: dict[str, Any]) -> list[dict[str, Any]]:
    """Print accuracy and distinct hidden units after training, random (right) against equal."""
    return compare(
        f"after {EPOCHS} steps: random weights (right), every weight {CONSTANT:g} (bug)",
        [
            Wrong(
                "accuracy on XOR",
                "4 of 4 (XOR is learnable)",
                1.0,
                rand["accuracy"],
                same["accuracy"],
            ),
            Wrong(
                "distinct hidden units",
                f"{HIDDEN} units, {HIDDEN} rows",
                HIDDEN,
                rand["units"],
                same["units"],
            ),
        ],
    )


if __name__ == "__main__":
    main()
