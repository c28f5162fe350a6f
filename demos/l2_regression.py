"""L2-regularised regression: lambda = 0 over-fits ten noisy points, lambda > 0 cures it.

Bui's lecture (seed 002): "In case we use too many layers as well as too
wide hidden layers, it is very easy to fit the data when training but
prediction is often wrong. This is the overfitting problem. To mitigate
the problem, we add a regularization factor" (B18):

    L(W) = f(x; W) + lambda R(W),   R(W) = sum_ij w_ij^2,   gradient + 2 lambda W   (B07)

Grosse's lecture (seed 004, G18) names "L2-regularized regression" with
R = 1/2 w^2 (its gradient is lambda w). ``fit(l2=lambda)`` follows seed 002:
it adds lambda sum w^2 over every parameter, the bias included, with no 1/2
(gradient 2 lambda w); seed 004's lambda is ``fit(l2=lambda/2)``. With the
mean squared error of ``nn.squared_error`` (with its 1/2), fit minimises

    J(theta) = (1/n) sum_i 1/2 (phi_i . w + b - y_i)^2 + lambda (|w|^2 + b^2)

whose minimum solves (A^T A + 2 n lambda I) theta = A^T y, A = [Phi, 1]:
ridge regression, the closed form the demo computes with numpy.

Our data: n = 10 points at evenly spaced x in [-1, 1], y = sin(pi x) plus
Gaussian noise of standard deviation 0.2, and 200 held-out points from the
same source (x uniform in [-1, 1]). The model is one linear unit on the
features x, x^2, ..., x^9: ten parameters for ten points, "too wide".
lambda = 1e-3 is trained with ``fit(l2=1e-3)`` (full batch, SGD with
momentum) and matches the closed form. With lambda = 0 the minimum
interpolates the noise, but gradient descent would need some 10^7 steps to
get there (the curvature along the worst direction is ~1e-7), so each
lambda of the sweep (0, 1e-4, 1e-3, 1e-2, 1e-1) is solved with one Newton
step from the engine's gradient and Hessian (exact, J being quadratic).
The degree, noise, lambdas, learning rate and epochs are our choice.

    python -m autograd_lite.demos.l2_regression [--out out/l2_regression] [--seed 0]
"""

from __future__ import annotations

import math
import os
from typing import Any

import numpy as np
from autograd_lite.demos.plotting import save_figure
from autograd_lite.demos.report import Row, demo_parser, plot_or_skip, table

from autograd_lite import Value, grad, hessian, no_grad
from nn import SGD, Neuron, fit, l2_penalty, squared_error, total

N_TRAIN, N_HELD_OUT, DEGREE, NOISE = 10, 200, 9, 0.2
LAMBDAS = [0.0, 1e-4, 1e-3, 1e-2, 1e-1]
LAMBDA, LR, MOMENTUM, EPOCHS = 1e-3, 1.0, 0.9, 800


def features(x: np.ndarray) -> np.ndarray:
    """The rows (x, x^2, ..., x^DEGREE), one per point.

    >>> features(np.array([2.0]))[0, :3].tolist()
    [2.0, 4.0, 8.0]
    """
    return np.column_stack([x**k for k in range(1, DEGREE + 1)])


def with_ones(Phi: np.ndarray) -> np.ndarray:
    """The features with a column of ones for the bias: A = [Phi, 1]."""
    return np.column_stack([Phi, np.ones(len(Phi))])


def make_data(seed: int) -> dict[str, np.ndarray]:
    """Ten evenly spaced training points and 200 held-out ones of sin(pi x) + noise."""
    rng = np.random.default_rng(seed)
    x = np.linspace(-1.0, 1.0, N_TRAIN)
    y = np.sin(math.pi * x) + rng.normal(0.0, NOISE, N_TRAIN)
    x_out = rng.uniform(-1.0, 1.0, N_HELD_OUT)
    y_out = np.sin(math.pi * x_out) + rng.normal(0.0, NOISE, N_HELD_OUT)
    return {"x": x, "y": y, "x_out": x_out, "y_out": y_out}


def objective(theta: list[Value], Phi: np.ndarray, y: np.ndarray, lam: float) -> Value:
    """fit's loss: the mean of 1/2 (phi . w + b - y)^2 plus lam * sum of every theta^2.

    >>> objective([Value(1.0), Value(0.0)], np.array([[2.0]]), np.array([1.0]), 0.5).data
    1.0
    """
    w, b = theta[:-1], theta[-1]
    guesses = [total([wk * float(p) for wk, p in zip(w, row)]) + b for row in Phi]
    data = total([squared_error(g, float(t)) for g, t in zip(guesses, y)]) / len(y)
    return data + l2_penalty(theta, lam)


def newton_minimum(Phi: np.ndarray, y: np.ndarray, lam: float) -> tuple[np.ndarray, np.ndarray]:
    """One Newton step from theta = 0 with the engine's gradient and Hessian of ``objective``;
    returns the minimum and the Hessian."""
    start = [0.0] * (Phi.shape[1] + 1)
    g = np.array(grad(lambda theta: objective(theta, Phi, y, lam))(start))
    H = hessian(lambda theta: objective(theta, Phi, y, lam))(start)
    return np.array(start) - np.linalg.solve(H, g), H


def ridge_closed_form(Phi: np.ndarray, y: np.ndarray, lam: float) -> np.ndarray:
    """(A^T A + 2 n lam I)^-1 A^T y with A = [Phi, 1]: (w, b) minimising fit's loss.

    >>> w, b = ridge_closed_form(np.array([[1.0], [2.0]]), np.array([1.0, 2.0]), 0.0)
    >>> round(float(w), 12), abs(round(float(b), 12))          # the line y = x
    (1.0, 0.0)
    """
    A = with_ones(Phi)
    if lam == 0.0:
        return np.linalg.lstsq(A, y, rcond=None)[0]
    return np.linalg.solve(A.T @ A + 2 * len(y) * lam * np.eye(A.shape[1]), A.T @ y)


def unit_with(theta: np.ndarray) -> Neuron:
    """A linear unit on the DEGREE features holding weights theta[:-1] and bias theta[-1]."""
    unit = Neuron(DEGREE, activation="linear", seed=0)
    state = {f"w.{k}": float(v) for k, v in enumerate(theta[:-1])}
    unit.load_state_dict({**state, "b": float(theta[-1])})
    return unit


def engine_mse(unit: Neuron, Phi: np.ndarray, y: np.ndarray) -> float:
    """(1/m) sum (unit(phi) - y)^2 on the engine, without a graph."""
    with no_grad():
        return total([(unit(row) - float(t)) ** 2 for row, t in zip(Phi, y)]).data / len(y)


def train_with_fit(Phi: np.ndarray, y: np.ndarray) -> tuple[Neuron, list[float]]:
    """``fit(l2=LAMBDA)`` from theta = 0: full batch, SGD with momentum."""
    unit = unit_with(np.zeros(DEGREE + 1))
    opt = SGD(unit, lr=LR, momentum=MOMENTUM)
    history = fit(
        unit, Phi, y, loss=squared_error, l2=LAMBDA, optimizer=opt, epochs=EPOCHS, progress=False
    )
    return unit, history.loss


def sweep(data: dict[str, np.ndarray]) -> dict[float, dict[str, Any]]:
    """Every lambda's minimum (Newton, engine) and its training and held-out errors."""
    Phi, Phi_out = features(data["x"]), features(data["x_out"])
    results = {}
    for lam in LAMBDAS:
        theta, H = newton_minimum(Phi, data["y"], lam)
        unit = unit_with(theta)
        results[lam] = {
            "theta": theta,
            "hessian": H,
            "train": engine_mse(unit, Phi, data["y"]),
            "held_out": engine_mse(unit, Phi_out, data["y_out"]),
        }
    return results


def _sweep_table(data: dict[str, np.ndarray], seed: int) -> dict[float, dict[str, Any]]:
    """Print the set-up and every lambda's training and held-out errors; return the sweep."""
    print(
        f"{N_TRAIN} points of sin(pi x) + noise (sd {NOISE:g}, seed {seed}); one linear "
        f"unit on x, x^2, ..., x^{DEGREE}: {DEGREE + 1} parameters"
    )
    print("fit's loss: mean 1/2 (y_hat - y)^2 + lambda * sum of every parameter^2 (bias too)\n")
    results = sweep(data)
    print("  lambda      train MSE   held-out MSE   largest |w|   (Newton's minimum, engine)")
    for lam, r in results.items():
        big = np.max(np.abs(r["theta"]))
        print(f"  {lam:<8g}  {r['train']:10.5f}   {r['held_out']:12.5f}   {big:11.4g}")
    print(
        f"  the noise alone gives a held-out MSE of about sd^2 = {NOISE**2:g}; lambda = 0 fits the "
        "training noise\n  exactly and pays for it on new points"
    )
    return results


def _fit_table(
    Phi: np.ndarray, y: np.ndarray, closed: np.ndarray
) -> tuple[np.ndarray, list[float], list[dict[str, Any]]]:
    """Train with ``fit(l2=LAMBDA)`` and print its weights next to the closed form."""
    unit, curve = train_with_fit(Phi, y)
    trained = np.append([w.data for w in unit.w], unit.b.data)
    names = [f"w{k}" for k in range(1, DEGREE + 1)] + ["b"]
    rows = table(
        f"\nfit(l2={LAMBDA:g}) for {EPOCHS} full-batch steps (SGD, lr {LR:g}, momentum "
        f"{MOMENTUM:g}) vs the closed form",
        [
            Row(n, "(A^T A + 2 n lambda I)^-1 A^T y", c, t)
            for n, c, t in zip(names, closed, trained)
        ],
    )
    return trained, curve, rows


def _convention_table(
    H: np.ndarray, trained: np.ndarray, x: np.ndarray, Phi: np.ndarray
) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """Print the Hessian and penalty-gradient checks; return the penalty's gradient and rows."""
    A = with_ones(Phi)
    grads = np.array(grad(lambda theta: l2_penalty(theta, LAMBDA))(trained.tolist()))
    rows = table(
        "\nthe conventions, read off the engine's Hessian of J and gradient of the penalty R",
        [
            Row("d2J/dw1^2", "(1/n) sum x^2 + 2 lambda", np.mean(x**2) + 2 * LAMBDA, H[0, 0]),
            Row("d2J/dw1 dw9", "(1/n) sum x^10", np.mean(x**10), H[0, DEGREE - 1]),
            Row("d2J/db^2", "1 + 2 lambda (the bias is penalised)", 1 + 2 * LAMBDA, H[-1, -1]),
            Row("dR/dw1", "2 lambda w1 (no 1/2)", 2 * LAMBDA * trained[0], grads[0]),
            Row("dR/db", "2 lambda b", 2 * LAMBDA * trained[-1], grads[-1]),
        ],
    )
    gap = float(np.max(np.abs(H - (A.T @ A / N_TRAIN + 2 * LAMBDA * np.eye(DEGREE + 1)))))
    print(f"  the whole Hessian vs (1/n) A^T A + 2 lambda I: largest gap {gap:.1e}")
    return grads, rows


def _held_out_table(
    data: dict[str, np.ndarray],
    results: dict[float, dict[str, Any]],
    closed: dict[float, np.ndarray],
) -> tuple[dict[float, float], list[dict[str, Any]]]:
    """Print the held-out errors for lambda = 0 and LAMBDA; return every lambda's and the rows."""
    A_out = with_ones(features(data["x_out"]))
    held = {lam: r["held_out"] for lam, r in results.items()}
    rows = table(
        "\nheld-out MSE, lambda = 0 against lambda > 0 (formula in floats: closed-form theta)",
        [
            Row(
                f"lambda = {lam:g}",
                "(1/m) sum (A_out theta - y)^2",
                float(np.mean((A_out @ closed[lam] - data["y_out"]) ** 2)),
                held[lam],
            )
            for lam in (0.0, LAMBDA)
        ],
    )
    print(
        f"\nregularisation cures the over-fitting: held-out MSE {held[0.0]:.4f} with lambda = 0, "
        f"{held[LAMBDA]:.4f} with lambda = {LAMBDA:g};\nabove the noise's sd^2 = {NOISE**2:g}: "
        f"{held[0.0] - NOISE**2:.4f} against {held[LAMBDA] - NOISE**2:.4f}"
    )
    return held, rows


def _print_fresh_data() -> list[float]:
    """Print how lambda = LAMBDA fares against lambda = 0 on the data of seeds 0-19."""
    ratios = held_out_ratios(range(20))
    print(
        f"on fresh data (seeds 0-19, closed form in numpy) lambda = {LAMBDA:g} has the lower "
        f"held-out MSE in {sum(r > 1 for r in ratios)} of {len(ratios)},\nby a factor "
        f"{min(ratios):.2f} to {max(ratios):.1f} (median {np.median(ratios):.1f})"
    )
    return ratios


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Train with and without L2; return the weights, closed forms and held-out errors."""
    args = demo_parser("l2_regression", __doc__, seed=True).parse_args(argv)
    data = make_data(args.seed)
    Phi = features(data["x"])
    results = _sweep_table(data, args.seed)
    closed = {lam: ridge_closed_form(Phi, data["y"], lam) for lam in LAMBDAS}
    trained, curve, rows = _fit_table(Phi, data["y"], closed[LAMBDA])
    H = results[LAMBDA]["hessian"]
    grads, convention_rows = _convention_table(H, trained, data["x"], Phi)
    held, held_rows = _held_out_table(data, results, closed)
    rows += convention_rows + held_rows
    ratios = _print_fresh_data()
    plots = plot_or_skip(args.out, lambda plt: [_plot(plt, data, results, args.out)])
    return {
        "x": data["x"].tolist(),
        "y": data["y"].tolist(),
        "x_out": data["x_out"].tolist(),
        "y_out": data["y_out"].tolist(),
        "lambda": LAMBDA,
        "trained_theta": trained.tolist(),
        "fit_loss": curve,
        "newton_theta": {lam: r["theta"].tolist() for lam, r in results.items()},
        "hessian": H.tolist(),
        "penalty_grad": grads.tolist(),
        "train_mse": {lam: r["train"] for lam, r in results.items()},
        "held_out_mse": held,
        "held_out_ratios": ratios,
        "rows": rows,
        "plots": plots,
    }


def held_out_ratios(seeds: Any) -> list[float]:
    """Held-out MSE with lambda = 0 over that with LAMBDA, for the data of each seed (numpy)."""
    ratios = []
    for seed in seeds:
        data = make_data(seed)
        Phi, A_out = features(data["x"]), with_ones(features(data["x_out"]))
        mse = [
            np.mean((A_out @ ridge_closed_form(Phi, data["y"], lam) - data["y_out"]) ** 2)
            for lam in (0.0, LAMBDA)
        ]
        ratios.append(float(mse[0] / mse[1]))
    return ratios


def _plot(plt: Any, data: dict, results: dict, out: str) -> str:
    """The points, sin(pi x), and the fits with lambda = 0 and lambda = LAMBDA."""
    fig, ax = plt.subplots(figsize=(6.4, 4.2), dpi=110)
    x = np.linspace(-1.0, 1.0, 400)
    ax.scatter(data["x_out"], data["y_out"], s=8, color="#bbbbbb", label="held-out points")
    ax.plot(x, np.sin(math.pi * x), color="black", linewidth=1, label="sin(pi x)")
    A = with_ones(features(x))
    for lam, color in ((0.0, "#c44e52"), (LAMBDA, "#4c72b0")):
        ax.plot(
            x, A @ results[lam]["theta"], color=color, label=f"degree {DEGREE}, lambda = {lam:g}"
        )
    ax.scatter(data["x"], data["y"], s=30, color="black", zorder=3, label="training points")
    ax.set_ylim(-2.0, 2.0)
    ax.set_xlabel("x")
    ax.set_title("L2 regularisation: lambda = 0 over-fits, lambda > 0 does not", fontsize=10)
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(alpha=0.3)
    return save_figure(plt, fig, os.path.join(out, "fits.png"))


if __name__ == "__main__":
    main()
