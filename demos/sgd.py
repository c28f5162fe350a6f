"""Stochastic gradient descent, one example at a time, with a schedule eta(t).

L. Kaelbling's notes (seed 000) train with

    for t = 1 to T:
        i = random draw from {1 ... n}
        forward and backward on (x(i), y(i)) alone
        W = W - eta(t) dL/dW,   W_0 = W_0 - eta(t) dL/dW_0

The demo runs it on the simplest network the notes name, "regressor w/
quadratic loss, f = identity": one ``nn.Neuron(1, activation="linear")``,
L = 1/2 (w x + b - y)^2, on n = 50 points of y = 2x - 1 plus noise (our
data). Three runs see the same number of examples (T = 500, ten passes):

* SGD with the decaying schedule eta(t) = eta0 / (1 + t / tau), which
  ``nn.SGD`` takes as a callable of the step t (counted from 0);
* SGD with a constant eta = eta0: it keeps jumping around the minimum,
  because each step follows one example's gradient, not the mean;
* full-batch gradient descent on the mean gradient, once per pass over the
  data (10 steps), with eta = 0.5: a larger step, as it follows the mean
  gradient, not one example's.

Each is compared with the least-squares solution (numpy's ``lstsq``), the
minimum of the mean loss. eta0 = 0.1, tau = 10 and the full batch's 0.5
are our choice.

    python -m autograd_lite.demos.sgd [--out out/sgd]
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import numpy as np
from autograd_lite.demos.plotting import save_figure
from autograd_lite.demos.report import Row, demo_parser, plot_or_skip, table

from autograd_lite import no_grad
from nn import SGD, Neuron, squared_error, total

N, T, SEED = 50, 500, 0
ETA0, TAU, FULL_ETA = 0.1, 10.0, 0.5


def schedule(t: int) -> float:
    """eta(t) = eta0 / (1 + t / tau)."""
    return ETA0 / (1.0 + t / TAU)


def make_data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(SEED)
    x = rng.uniform(-2, 2, size=N)
    return x, 2.0 * x - 1.0 + rng.normal(scale=0.5, size=N)


def mean_loss(unit: Neuron, x: np.ndarray, y: np.ndarray) -> float:
    """1/n sum_i 1/2 (w x_i + b - y_i)^2, without recording a graph."""
    with no_grad():
        return total([squared_error(unit([xi]), yi) for xi, yi in zip(x, y)]).data / len(x)


def fresh_unit() -> Neuron:
    unit = Neuron(1, activation="linear", seed=SEED)
    unit.load_state_dict({"w.0": 0.0, "b": 0.0})
    return unit


def stochastic(x: np.ndarray, y: np.ndarray, lr: float | Callable[[int], float]) -> dict:
    """T steps, each on one example drawn at random; the mean loss every N steps."""
    unit, draws = fresh_unit(), np.random.default_rng(SEED + 1).integers(N, size=T)
    opt = SGD(unit, lr=lr)
    curve = [mean_loss(unit, x, y)]
    for t, i in enumerate(draws.tolist()):
        opt.zero_grad()
        squared_error(unit([x[i]]), y[i]).backward()
        opt.step()
        if (t + 1) % N == 0:
            curve.append(mean_loss(unit, x, y))
    return {"w": unit.w[0].data, "b": unit.b.data, "curve": curve, "draws": draws.tolist()}


def full_batch(x: np.ndarray, y: np.ndarray) -> dict:
    """T / N steps of gradient descent on the mean loss, FULL_ETA each."""
    unit = fresh_unit()
    opt = SGD(unit, lr=FULL_ETA)
    curve = [mean_loss(unit, x, y)]
    for _ in range(T // N):
        opt.zero_grad()
        (total([squared_error(unit([xi]), yi) for xi, yi in zip(x, y)]) / N).backward()
        opt.step()
        curve.append(mean_loss(unit, x, y))
    return {"w": unit.w[0].data, "b": unit.b.data, "curve": curve}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the three trainings; return their parameters and loss curves."""
    args = demo_parser("sgd", __doc__).parse_args(argv)
    x, y = make_data()
    (w_star, b_star), *_ = np.linalg.lstsq(np.column_stack([x, np.ones(N)]), y, rcond=None)
    best = float(np.mean(0.5 * (w_star * x + b_star - y) ** 2))
    runs = {
        "SGD, eta(t) = eta0/(1 + t/tau)": stochastic(x, y, schedule),
        "SGD, constant eta0": stochastic(x, y, ETA0),
        f"full batch, eta = {FULL_ETA:g}": full_batch(x, y),
    }
    print(
        f"n = {N} points of y = 2x - 1 + noise (seed {SEED}); "
        "one linear unit, L = 1/2 (wx + b - y)^2"
    )
    print(
        f"each run sees {T} examples' gradients (10 passes); eta0 = {ETA0:g}, tau = {TAU:g}; "
        f"eta({T - 1}) = {schedule(T - 1):.4f}\n"
    )
    rows = []
    for name, r in runs.items():
        rows += table(
            name,
            [
                Row("w", "least squares w*", w_star, r["w"]),
                Row("b", "least squares b*", b_star, r["b"]),
                Row("mean loss", "its minimum", best, r["curve"][-1]),
            ],
        )
    print("\nmean loss after each pass over the data:")
    print("  pass  " + "  ".join(f"{name:>32s}" for name in runs))
    for k in range(T // N + 1):
        print(f"  {k:4d}  " + "  ".join(f"{r['curve'][k]:32.8f}" for r in runs.values()))
    print(
        "constant eta keeps bouncing around the minimum (each step follows one example);\n"
        "the decaying eta(t) settles. On 50 points the full batch is cheap and wins per pass;\n"
        "SGD's case is data too large for one step to see all of it."
    )
    plots = plot_or_skip(args.out, lambda plt: [_plot(plt, runs, best, args.out)])
    return {
        "x": x.tolist(),
        "y": y.tolist(),
        "w_star": float(w_star),
        "b_star": float(b_star),
        "runs": runs,
        "rows": rows,
        "plots": plots,
    }


def _plot(plt: Any, runs: dict, best: float, out: str) -> str:
    fig, ax = plt.subplots(figsize=(6.4, 4), dpi=110)
    for (name, r), color in zip(runs.items(), ["#4c72b0", "#dd8452", "#55a868"]):
        ax.semilogy([c - best for c in r["curve"]], "o-", color=color, markersize=3, label=name)
    ax.set_xlabel(f"passes over the data ({N} examples' gradients each)")
    ax.set_ylabel("mean loss - its minimum (log scale)")
    ax.set_title("per-example SGD with a schedule, constant eta, full batch", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return save_figure(plt, fig, os.path.join(out, "loss_per_pass.png"))


if __name__ == "__main__":
    main()
