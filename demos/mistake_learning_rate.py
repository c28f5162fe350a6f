"""Mistake: a learning rate too large, so the loss grows at every step instead of shrinking.

The mistake: gradient descent with a step size above 2 / lambda_max, where
lambda_max is the largest eigenvalue of the loss's Hessian H. Here the
problem is the smallest there is: fit y = w x + b to four points (our
choice) by full-batch gradient descent on the mean squared error
L = 1/n sum (w x_i + b - y_i)^2, with one ``nn.Neuron(1, activation="linear")``
and ``nn.SGD``, from w = b = 0, for 30 steps.

What goes wrong: L is quadratic, so its Hessian H = 2/n A^T A (A has rows
(x_i, 1)) is constant and one step maps the error e = (w, b) - (w*, b*) to
(I - lr H) e. Along H's eigenvector with eigenvalue lambda the error is
multiplied by (1 - lr lambda) each step: it shrinks only if
|1 - lr lambda| < 1, that is lr < 2 / lambda. With lr = 1.2 (2 / lambda_max)
the top direction grows by |1 - 2.4| = 1.4 per step, and since the loss is
quadratic in the error, L - L* grows by 1.4^2 = 1.96 per step once that
direction dominates. With lr = 0.5 (2 / lambda_max) = 1 / lambda_max the top
direction is gone after one step and the rest shrinks by (1 - lr lambda_min)^2.

The fix: a learning rate below 2 / lambda_max (or a schedule that decays
to it). H and its eigenvalues are computed independently with numpy; the
engine's own ``hessian`` is checked against them.

    python -m autograd_lite.demos.mistake_learning_rate [--out out/mistake_learning_rate]
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
from autograd_lite.demos.mistake_report import Wrong, compare, fix
from autograd_lite.demos.plotting import save_figure
from autograd_lite.demos.report import Row, demo_parser, number, plot_or_skip, table

from autograd_lite import Value, hessian
from nn import SGD, Neuron, mse

NAME = "mistake_learning_rate"
XS = np.array([-1.0, 0.0, 1.0, 2.0])
YS = np.array([-0.9, 1.2, 2.8, 5.1])
STEPS = 30
RIGHT_FRACTION, BUG_FRACTION = 0.5, 1.2  # learning rates as fractions of 2 / lambda_max
RATIO_STEP_RIGHT = 10  # the right run's loss is ~1e-14 by step 30: read its ratio earlier


def line_loss(w: Value | float, b: Value | float) -> Value:
    """L(w, b) = 1/n sum (w x_i + b - y_i)^2 on the demo's four points.

    >>> round(line_loss(Value(0.0), Value(0.0)).data, 12)    # mean of y^2
    9.025
    """
    return mse([w * float(x) + b for x in XS], YS.tolist())


def numpy_hessian() -> np.ndarray:
    """H = 2/n A^T A with A = [x 1]: the least-squares Hessian, with numpy alone.

    >>> numpy_hessian().tolist()
    [[3.0, 1.0], [1.0, 2.0]]
    """
    A = np.column_stack([XS, np.ones_like(XS)])
    return 2.0 / len(XS) * A.T @ A


def least_squares() -> tuple[float, float, float]:
    """(w*, b*, L*): the minimum of L, from numpy's ``lstsq``.

    >>> [round(v, 4) for v in least_squares()]
    [1.96, 1.07, 0.0205]
    """
    A = np.column_stack([XS, np.ones_like(XS)])
    (w, b), *_ = np.linalg.lstsq(A, YS, rcond=None)
    return float(w), float(b), float(np.mean((A @ [w, b] - YS) ** 2))


def descend(lr: float, steps: int = STEPS) -> dict[str, Any]:
    """Full-batch gradient descent with ``nn.SGD`` at ``lr``: the loss before each step
    and after the last, and the final w, b.

    >>> run = descend(0.1, steps=2)
    >>> len(run["losses"]), round(run["losses"][0], 12)
    (3, 9.025)
    """
    unit = Neuron(1, activation="linear", seed=0)
    unit.load_state_dict({"w.0": 0.0, "b": 0.0})
    opt = SGD(unit, lr=lr)
    losses = []
    for _ in range(steps):
        loss = mse([unit([float(x)]) for x in XS], YS.tolist())
        losses.append(loss.data)
        opt.zero_grad()
        loss.backward()
        opt.step()
    losses.append(mse([unit([float(x)]) for x in XS], YS.tolist()).data)
    return {"lr": lr, "losses": losses, "w": unit.w[0].data, "b": unit.b.data}


def excess_ratio(losses: list[float], best: float, step: int) -> float:
    """(L_step - L*) / (L_(step-1) - L*): how much the excess loss grew in one step.

    >>> excess_ratio([5.0, 3.0, 2.0], 1.0, 2)
    0.5
    """
    return (losses[step] - best) / (losses[step - 1] - best)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Train at 0.5 and 1.2 times 2 / lambda_max; return the eigenvalues, ratios and rows."""
    args = demo_parser(NAME, __doc__).parse_args(argv)
    spec = _spectrum()
    w_star, b_star, best = least_squares()
    right = descend(RIGHT_FRACTION * spec["threshold"])
    bug = descend(BUG_FRACTION * spec["threshold"])
    _print_runs(right, bug)
    growth = 1.0 - bug["lr"] * spec["lam_max"]
    shrink = 1.0 - right["lr"] * spec["lam_min"]
    predictions = _prediction_table(spec, right, bug, best, growth, shrink)
    _print_why(spec, growth, shrink)
    rows = _compare_after_training(right, bug, w_star, b_star, best)
    said = _fix_lines(right, bug, spec["threshold"])
    plots = plot_or_skip(args.out, lambda plt: [_plot(plt, right, bug, best, args.out)])
    return {
        "hessian": spec["H"].tolist(),
        "engine_hessian": spec["engine_H"].tolist(),
        "lambda_max": spec["lam_max"],
        "lambda_min": spec["lam_min"],
        "threshold": spec["threshold"],
        "best": best,
        "right": right,
        "bug": bug,
        "predicted_growth": growth**2,
        "measured_growth": excess_ratio(bug["losses"], best, STEPS),
        "predicted_shrink": shrink**2,
        "measured_shrink": excess_ratio(right["losses"], best, RATIO_STEP_RIGHT),
        "predictions": predictions,
        "rows": rows,
        "fix": said,
        "plots": plots,
    }


def _spectrum() -> dict[str, Any]:
    """H from numpy and from the engine, their eigenvalues and the threshold 2 / lambda_max."""
    H = numpy_hessian()
    lam_min, lam_max = (float(v) for v in np.linalg.eigvalsh(H))
    engine_H = hessian(line_loss)(0.0, 0.0)
    return {
        "H": H,
        "engine_H": engine_H,
        "lam_min": lam_min,
        "lam_max": lam_max,
        "engine_max": float(np.linalg.eigvalsh(engine_H)[-1]),
        "threshold": 2.0 / lam_max,
    }


def _print_runs(right: dict, bug: dict) -> None:
    """Print the problem and the first and last losses of both runs."""
    print(f"fit y = w x + b to x = {XS.tolist()}, y = {YS.tolist()}: L = mean (w x + b - y)^2")
    print(f"gradient descent with nn.SGD from w = b = 0, {STEPS} steps\n")
    for name, run in (("right", right), ("bug", bug)):
        print(f"loss, lr = {run['lr']:.4f} ({name}):\n  {_head_and_tail(run['losses'])}")
    print()


def _prediction_table(
    spec: dict[str, Any], right: dict, bug: dict, best: float, growth: float, shrink: float
) -> list[dict[str, Any]]:
    """Print H (numpy beside the engine) and the predicted against the measured loss ratios."""
    H, engine_H = spec["H"], spec["engine_H"]
    return table(
        "why: H = 2/n A^T A is constant (numpy; the engine's hessian beside it), and each step\n"
        "multiplies the error along an eigenvector of H by (1 - lr lambda)",
        [
            Row(
                "lambda_max", "largest eigenvalue of 2/n A^T A", spec["lam_max"], spec["engine_max"]
            ),
            Row("H[0, 0]", "2/n sum x_i^2", H[0, 0], engine_H[0, 0]),
            Row("H[0, 1]", "2/n sum x_i", H[0, 1], engine_H[0, 1]),
            Row("H[1, 1]", "2/n n = 2", H[1, 1], engine_H[1, 1]),
            Row(
                f"(L_{STEPS} - L*)/(L_{STEPS - 1} - L*), bug",
                "(1 - lr lambda_max)^2",
                growth**2,
                excess_ratio(bug["losses"], best, STEPS),
            ),
            Row(
                f"(L_{RATIO_STEP_RIGHT} - L*)/(L_{RATIO_STEP_RIGHT - 1} - L*), right",
                "(1 - lr lambda_min)^2",
                shrink**2,
                excess_ratio(right["losses"], best, RATIO_STEP_RIGHT),
            ),
        ],
    )


def _print_why(spec: dict[str, Any], growth: float, shrink: float) -> None:
    """Print the threshold and what each learning rate does to the error per step."""
    print(
        f"threshold 2/lambda_max = {number(spec['threshold'])}; "
        f"lambda_min = {number(spec['lam_min'])}\n"
        f"right lr = {RIGHT_FRACTION} x 2/lambda_max = 1/lambda_max: 1 - lr lambda_max = 0, "
        "the top direction is gone\n  after one step; the other shrinks by "
        f"|1 - lr lambda_min| = {number(abs(shrink))} per step\n"
        f"bug lr = {BUG_FRACTION} x 2/lambda_max: |1 - lr lambda_max| = {number(abs(growth))} > 1, "
        "the error flips sign and grows each step\n"
    )


def _compare_after_training(
    right: dict, bug: dict, w_star: float, b_star: float, best: float
) -> list[dict[str, Any]]:
    """Print the final loss, w and b of both runs beside numpy's least squares."""
    return compare(
        f"after {STEPS} steps, lr = {right['lr']:.4f} (right) and {bug['lr']:.4f} (bug)",
        [
            Wrong("loss", "L* = min, numpy lstsq", best, right["losses"][-1], bug["losses"][-1]),
            Wrong("w", "w*, numpy lstsq", w_star, right["w"], bug["w"]),
            Wrong("b", "b*, numpy lstsq", b_star, right["b"], bug["b"]),
        ],
    )


def _fix_lines(right: dict, bug: dict, threshold: float) -> dict[str, str]:
    """Print the buggy optimizer line and the fixed one."""
    return fix(
        f"opt = SGD(unit, lr={bug['lr']:.4f})  # {BUG_FRACTION} x 2/lambda_max",
        f"opt = SGD(unit, lr={right['lr']:.4f})  # any lr < 2/lambda_max = {threshold:.4f}, "
        "or a schedule decaying below it",
    )


def _head_and_tail(losses: list[float], k: int = 4) -> str:
    head = ", ".join(f"{v:.4g}" for v in losses[:k])
    tail = ", ".join(f"{v:.4g}" for v in losses[-k:])
    return f"L_0..L_{k - 1} = {head}  ...  L_{len(losses) - k}..L_{len(losses) - 1} = {tail}"


def _plot(plt: Any, right: dict, bug: dict, best: float, out: str) -> str:
    fig, ax = plt.subplots(figsize=(6.4, 4), dpi=110)
    for run, name, color in ((right, "right", "#55a868"), (bug, "bug", "#c44e52")):
        excess = [max(v - best, 1e-300) for v in run["losses"]]
        ax.semilogy(excess, "o-", color=color, markersize=3, label=f"lr = {run['lr']:.3f} ({name})")
    ax.set_xlabel("step")
    ax.set_ylabel("L - L* (log scale)")
    ax.set_title("lr above 2/lambda_max: the loss grows by (1 - lr lambda_max)^2", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return save_figure(plt, fig, os.path.join(out, "loss.png"))


if __name__ == "__main__":
    main()
