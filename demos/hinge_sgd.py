"""A linear classifier with the hinge loss, trained by SGD one random example at a time.

L. Kaelbling's notes (seed 000) train a network by "(stochastic) gradient
descent, adjusting w to minimize sum_i L(NN(x(i); w), y(i))", and name the
first of the two versions "we already know" (K03): the "classifier w/ hinge
loss", a linear unit guess = w^T x + w0 with labels y in {-1, +1} and

    L_h(guess, y) = max(0, 1 - y guess)          (``nn.hinge``, the SVM loss)

trained with the notes' SGD loop (K16):

    for t = 1 to T:
        i = random draw from {1 ... n}
        forward and backward on (x(i), y(i)) alone
        W = W - eta dL/dW,   w0 = w0 - eta dL/dw0

The hinge has a kink at y guess = 1, so its gradient is a subgradient:

    dL/dw = -y x,  dL/dw0 = -y   where y guess < 1 (inside the margin or wrong)
    dL/dw = 0,     dL/dw0 = 0    where y guess > 1 (at 1, nn takes 0: relu'(0) = 0)

so an example beyond the margin does not move the weights. The demo trains
one ``nn.Neuron(2, activation="linear")`` from w = 0 on 40 separable points
(two Gaussian clusters around (-1.5, -1) and (1.5, 1), spread 0.6, labels
-1/+1), prints the mean hinge loss and accuracy after each pass, and checks
two steps' gradients by hand: the first (w = 0, every point inside the
margin) and the first draw beyond the margin (gradient 0). The data,
eta = 0.1 and the 15 passes (T = 600 draws) are our choice; the notes leave
regularisation for "next time", so there is none.

    python -m autograd_lite.demos.hinge_sgd [--out out/hinge_sgd]
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
from autograd_lite.demos.plotting import save_curves, save_decision_boundary
from autograd_lite.demos.report import Row, demo_parser, plot_or_skip, table

from autograd_lite import no_grad
from nn import SGD, Neuron, hinge, make_blobs, to_signed

N, EPOCHS, ETA, SEED = 40, 15, 0.1, 0
CENTRES, SPREAD = [[-1.5, -1.0], [1.5, 1.0]], 0.6


def make_data() -> tuple[np.ndarray, np.ndarray]:
    """The 40 points and their labels in {-1, +1}.

    >>> X, y = make_data()
    >>> X.shape, sorted(set(y.tolist()))
    ((40, 2), [-1, 1])
    """
    X, labels = make_blobs(N, centers=CENTRES, std=SPREAD, seed=SEED)
    return X, to_signed(labels)


def mean_hinge_and_accuracy(unit: Neuron, X: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(1/n) sum_i max(0, 1 - y_i guess_i) and the fraction with sign(guess_i) = y_i."""
    with no_grad():
        guesses = [unit(x).data for x in X]
    losses = [max(0.0, 1.0 - t * g) for g, t in zip(guesses, y)]
    return float(np.mean(losses)), float(np.mean([t * g > 0 for g, t in zip(guesses, y)]))


def hand_subgradient(w: np.ndarray, b: float, x: np.ndarray, t: float) -> np.ndarray:
    """(dL/dw1, dL/dw2, dL/dw0) of max(0, 1 - t (w . x + b)), by the rule above.

    >>> hand_subgradient(np.zeros(2), 0.0, np.array([2.0, -1.0]), 1.0).tolist()
    [-2.0, 1.0, -1.0]
    """
    if t * (w @ x + b) < 1.0:
        return np.array([-t * x[0], -t * x[1], -t])
    return np.zeros(3)


def weights(unit: Neuron) -> np.ndarray:
    """(w1, w2, w0) of the unit, as numbers."""
    return np.array([unit.w[0].data, unit.w[1].data, unit.b.data])


def train(X: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    """The notes' loop; records each pass's loss and accuracy and every step's gradient."""
    unit = Neuron(2, activation="linear", seed=SEED)
    unit.load_state_dict({"w.0": 0.0, "w.1": 0.0, "b": 0.0})
    opt = SGD(unit, lr=ETA)
    draws = np.random.default_rng(SEED + 1).integers(N, size=EPOCHS * N).tolist()
    loss, accuracy = mean_hinge_and_accuracy(unit, X, y)
    curve, acc, steps = [loss], [accuracy], []
    for t, i in enumerate(draws):
        before = weights(unit)
        opt.zero_grad()
        step_loss = hinge(unit(X[i]), y[i])
        step_loss.backward()
        grads = np.array([unit.w[0].grad, unit.w[1].grad, unit.b.grad])
        opt.step()
        steps.append({"t": t, "i": i, "before": before, "grad": grads, "after": weights(unit)})
        if (t + 1) % N == 0:
            loss, accuracy = mean_hinge_and_accuracy(unit, X, y)
            curve.append(loss)
            acc.append(accuracy)
    return {"unit": unit, "draws": draws, "loss": curve, "accuracy": acc, "steps": steps}


def margin(step: dict, X: np.ndarray, y: np.ndarray) -> float:
    """y guess for the step's draw, with the weights it started from."""
    w1, w2, w0 = step["before"]
    x = X[step["i"]]
    return float(y[step["i"]] * (w1 * x[0] + w2 * x[1] + w0))


def step_rows(step: dict, X: np.ndarray, y: np.ndarray) -> list[Row]:
    """One step's gradient by the subgradient rule, and its update, next to the engine's."""
    w, b = step["before"][:2], step["before"][2]
    x, t = X[step["i"]], float(y[step["i"]])
    hand = hand_subgradient(w, b, x, t)
    inside = t * (w @ x + b) < 1.0
    rule = ["-y x1", "-y x2", "-y"] if inside else ["0", "0", "0"]
    names = ["dL/dw1", "dL/dw2", "dL/dw0"]
    rows = [Row(n, r, h, g) for n, r, h, g in zip(names, rule, hand, step["grad"])]
    return rows + [
        Row(f"{p} after", f"{p} - eta {n}", v - ETA * h, a)
        for p, n, v, h, a in zip(("w1", "w2", "w0"), names, step["before"], hand, step["after"])
    ]


def _print_passes(run: dict[str, Any]) -> None:
    """Print the set-up and each pass's mean hinge loss and accuracy."""
    print(
        f"{N} points, two clusters (labels -1/+1); guess = w . x + w0, "
        f"L = max(0, 1 - y guess); SGD, eta = {ETA:g}, one random draw per step"
    )
    print("\n  pass   draws   mean hinge loss   accuracy   (pass 0: w = 0, every guess 0)")
    for k, (loss, acc) in enumerate(zip(run["loss"], run["accuracy"])):
        print(f"  {k:4d}   {k * N:5d}   {loss:15.6f}   {acc:8.0%}")


def _checked_steps(
    steps: list[dict[str, Any]], X: np.ndarray, y: np.ndarray
) -> tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]]:
    """Print the first step and the first draw beyond the margin, checked by hand."""
    first = steps[0]
    beyond = next(s for s in steps if margin(s, X, y) > 1.0)
    rows = table(
        f"\nstep t = 1: draw i = {first['i'] + 1}, x = {np.round(X[first['i']], 4).tolist()}, "
        f"y = {y[first['i']]:+d}, w = 0, so y guess = 0 < 1 (subgradient -y x)",
        step_rows(first, X, y),
    )
    rows += table(
        f"\nstep t = {beyond['t'] + 1}, the first draw beyond the margin: i = {beyond['i'] + 1}, "
        f"y guess = {margin(beyond, X, y):.4f} > 1, so the gradient is 0 and w stays",
        step_rows(beyond, X, y),
    )
    return first, beyond, rows


def _print_outcome(run: dict[str, Any]) -> int:
    """Print how many steps moved w, when the loss reached 0 and the final weights."""
    unit, steps = run["unit"], run["steps"]
    moved = sum(bool(np.any(s["grad"] != 0.0)) for s in steps)
    zero = next((k for k, v in enumerate(run["loss"]) if v == 0.0), None)
    print(
        f"\n{moved} of the {len(steps)} steps moved w: a point beyond the margin stops pulling."
        + (
            ""
            if zero is None
            else f"\nFrom pass {zero} every point is beyond it: the loss is exactly 0 and no "
            "step moves w again\n(no regularisation term: the notes leave it for next time)"
        )
    )
    print(f"final w = ({unit.w[0].data:.4f}, {unit.w[1].data:.4f}), w0 = {unit.b.data:.4f}")
    return moved


def _plots(out: str, run: dict[str, Any], X: np.ndarray, y: np.ndarray) -> list[str]:
    """The loss and accuracy curves and the decision boundary, if matplotlib is there."""
    labels01 = ((y + 1) // 2).astype(int)
    return plot_or_skip(
        out,
        lambda plt: [
            save_curves(
                plt,
                [max(v, 1e-6) for v in run["loss"]],
                run["accuracy"],
                os.path.join(out, "curves.png"),
                title="hinge loss by SGD, one random example per step (a loss of 0 at 1e-6)",
                xlabel=f"pass over the data ({N} draws)",
            ),
            save_decision_boundary(
                plt,
                run["unit"],
                X,
                labels01,
                os.path.join(out, "boundary.png"),
                "linear classifier, hinge loss: w . x + w0 = 0",
                class_names=["y = -1", "y = +1"],
            ),
        ],
    )


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Train the hinge classifier by SGD; return its curves, weights and the checked steps."""
    args = demo_parser("hinge_sgd", __doc__).parse_args(argv)
    X, y = make_data()
    run = train(X, y)
    unit = run["unit"]
    _print_passes(run)
    first, beyond, rows = _checked_steps(run["steps"], X, y)
    moved = _print_outcome(run)
    plots = _plots(args.out, run, X, y)
    return {
        "X": X.tolist(),
        "y": y.tolist(),
        "draws": run["draws"],
        "loss": run["loss"],
        "accuracy": run["accuracy"],
        "w": [unit.w[0].data, unit.w[1].data],
        "b": unit.b.data,
        "steps_checked": {
            name: {key: np.asarray(v).tolist() for key, v in s.items()}
            for name, s in (("first", first), ("beyond_margin", beyond))
        },
        "steps_that_moved": moved,
        "rows": rows,
        "plots": plots,
    }


if __name__ == "__main__":
    main()
