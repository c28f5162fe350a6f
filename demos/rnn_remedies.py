"""Two remedies for vanishing and exploding RNN gradients: leaky units and gradient regularisation.

Y. Pan's "Deep learning" (seed 003, P18, after P16's RNN and P17's
W = Q Lambda Q^T argument, see the ``rnn`` demo) lists "some ideas to help":
echo-state networks, "some explicit regularization technique to force the
gradient magnitude across time steps to be similar", "leaky units/skip
connections/remove connections", and LSTM/GRU. This demo shows the second
and the third on a line of T = 30 scalar units (T and the weights
w = 0.9 and 1.1, the ``rnn`` demo's top eigenvalues, are reused from it):

    plain:  h_t = tanh(a_t),  a_t = w h_{t-1} + u x_t,  dh_t/dh_{t-1} = w tanh'(a_t)
    leaky:  h_t = alpha h_{t-1} + (1 - alpha) tanh(a_t),
            dh_t/dh_{t-1} = alpha + (1 - alpha) w tanh'(a_t)

and the same two without the tanh ("linear", tanh' = 1: the seed's P17
argument, where the factor is w itself). With L = h_T, dL/dh_0 is the
product of the factors, so it behaves like (w tanh')^T for the plain unit and
like (alpha + (1 - alpha) w tanh')^T, a factor pulled towards 1, for the
leaky one. (Erratum: the seed writes h_t = alpha h_{t-1} + (1 - alpha) h_t,
with h_t on both sides, which would force h_t = h_{t-1}; the right-hand h_t
is the new candidate tanh(W h_{t-1} + U x_t), as in Goodfellow et al.,
section 10.9.2.)

Gradient regularisation (Pascanu, Mikolov and Bengio, 2013) penalises
per-step ratios of the backpropagated gradient that are far from 1:

    Omega = sum_t ( |dL/dh_t  dh_t/dh_{t-1}| / |dL/dh_t| - 1 )^2

The demo reads dL/dh_t off the engine (``backward(create_graph=True)``, so
the gradients are Values), builds Omega from them, differentiates Omega with
respect to w (a gradient of gradients), and takes 5 gradient steps on Omega
alone with step size 0.01, from w = 0.9 (tanh, vanishing) and w = 1.1
(linear, exploding). In practice Omega is added to the task's loss; alone
it shows which way it pulls. In a line of scalar units the ratio is
|dh_t/dh_{t-1}|, whatever L is, so Pascanu et al.'s choice to hold dL/dh_t
constant when differentiating Omega changes nothing here.

Our choices: alpha = 0.9, u = 1, x_t = 0.5 sin t, h_0 = 0, the step size and
the number of steps.

    python -m autograd_lite.demos.rnn_remedies [--out out/rnn_remedies]
"""

from __future__ import annotations

import math
import os
from typing import Any

import numpy as np
from autograd_lite.demos.plotting import save_figure
from autograd_lite.demos.report import Row, demo_parser, plot_or_skip, table
from autograd_lite.demos.rnn import HORIZON, SPECTRA

from autograd_lite import Value, value_and_grad
from nn import total

T = HORIZON
INPUTS = tuple(0.5 * math.sin(t) for t in range(1, T + 1))
"""x_1 ... x_T (our choice)."""
U, ALPHA = 1.0, 0.9
WEIGHTS = {name: max(spectrum) for name, spectrum in SPECTRA.items()}
"""w = 0.9 (vanishing) and 1.1 (exploding): the ``rnn`` demo's top eigenvalues."""
UNITS = ("linear", "tanh")
CASES = tuple((unit, w) for unit in UNITS for w in WEIGHTS.values())
REGULARISE = (("tanh", WEIGHTS["vanishing"]), ("linear", WEIGHTS["exploding"]))
STEPS, STEP_SIZE = 5, 0.01
OMEGA_FORMULAS = {
    "linear": "sum_t (|w| - 1)^2 = T (w - 1)^2",
    "tanh": "sum_t (|w tanh'(a_t)| - 1)^2",
}
PRODUCT_FORMULAS = {
    ("plain", "linear"): "w^T",
    ("leaky", "linear"): "(alpha + (1-alpha) w)^T",
    ("plain", "tanh"): "prod_t w tanh'(a_t)",
    ("leaky", "tanh"): "prod_t (alpha + (1-alpha) w tanh'(a_t))",
}
REGULARISE_NOTES = {
    "linear": "every step's ratio is w: Omega = T (w - 1)^2 pulls w, and the gradient, to 1",
    "tanh": (
        "one weight can't make every w tanh'(a_t) equal 1 (tanh' changes with the input):\n"
        "  Omega stops at its minimum over w, the ratios closer to 1, |dL/dh_0| {gain:.0f}x larger"
    ),
}


def unroll(w: Any, alpha: float, unit: str) -> list[Value]:
    """h_0 ... h_T of the line of units on Values; alpha = 0 is the plain RNN.

    >>> h = unroll(0.5, 0.0, "linear")
    >>> h[-1].backward()
    >>> h[0].grad == 0.5 ** T
    True
    """
    h = [Value(0.0, label="h0")]
    for t, x in enumerate(INPUTS, start=1):
        a = w * h[-1] + U * x
        candidate = a.tanh() if unit == "tanh" else a
        h.append(candidate if alpha == 0.0 else alpha * h[-1] + (1.0 - alpha) * candidate)
        h[-1].label = f"h{t}"
    return h


def step_factors(w: float, alpha: float, unit: str) -> np.ndarray:
    """dh_t/dh_{t-1} = alpha + (1 - alpha) w tanh'(a_t) for t = 1 .. T, in floats.

    >>> round(float(step_factors(1.1, 0.9, "linear")[0]), 12)   # alpha + (1 - alpha) w
    1.01
    """
    h, factors = 0.0, []
    for x in INPUTS:
        a = w * h + U * x
        candidate, slope = (math.tanh(a), 1.0 - math.tanh(a) ** 2) if unit == "tanh" else (a, 1.0)
        factors.append(alpha + (1.0 - alpha) * w * slope)
        h = alpha * h + (1.0 - alpha) * candidate
    return np.array(factors)


def through_time(w: float, alpha: float, unit: str) -> dict[str, list[float]]:
    """dh_T/dh_k for k = 0 .. T: the graph's, and the product of the factors after step k.

    >>> r = through_time(0.9, 0.0, "tanh")
    >>> abs(r["graph"][0] - r["product"][0]) < 1e-15
    True
    """
    h = unroll(w, alpha, unit)
    h[-1].backward()
    factors = step_factors(w, alpha, unit)
    return {
        "graph": [v.grad for v in h],
        "product": [float(np.prod(factors[k:])) for k in range(T + 1)],
        "factors": factors.tolist(),
    }


def omega(w: Value, unit: str) -> Value:
    """Pascanu et al.'s Omega for the plain line, built from the engine's dL/dh_t, L = h_T.

    >>> round(omega(Value(1.1), "linear").data, 12)   # T (w - 1)^2
    0.3
    """
    h = unroll(w, 0.0, unit)
    h[-1].backward(create_graph=True)  # every h_t.grad = dL/dh_t is a Value of w
    g = [v.grad for v in h]
    return total([(abs(g[t - 1]) / abs(g[t]) - 1.0) ** 2 for t in range(1, T + 1)])


def omega_in_floats(w: float, unit: str) -> float:
    """Omega = sum_t (|w tanh'(a_t)| - 1)^2, from the factors in floats.

    >>> round(omega_in_floats(0.9, "linear"), 12)
    0.3
    """
    return float(np.sum((np.abs(step_factors(w, 0.0, unit)) - 1.0) ** 2))


def regularise(unit: str, w: float) -> list[dict[str, float]]:
    """STEPS steps w <- w - STEP_SIZE dOmega/dw; Omega, its slope and the ratios at each w."""
    history = []
    for step in range(STEPS + 1):
        value, slope = value_and_grad(lambda v: omega(v, unit))(w)
        h = 1e-6
        central = (omega_in_floats(w + h, unit) - omega_in_floats(w - h, unit)) / (2 * h)
        g = through_time(w, 0.0, unit)["graph"]  # dL/dh_k from a plain backward pass
        history.append(
            {
                "step": step,
                "w": w,
                "omega": value,
                "omega_floats": omega_in_floats(w, unit),
                "slope": slope,
                "slope_central": central,
                "ratios": [abs(g[t - 1] / g[t]) for t in range(1, T + 1)],
                "mean_ratio": abs(g[0]) ** (1.0 / T),  # g[T] = dL/dh_T = 1
                "dL_dh0": abs(g[0]),
            }
        )
        w = w - STEP_SIZE * slope
    return history


def case_name(kind: str, unit: str, w: float) -> str:
    """How the tables and the returned dict name a case.

    >>> case_name("leaky", "tanh", 0.9)
    'leaky tanh w = 0.9'
    """
    return f"{kind} {unit} w = {w:g}"


def print_profiles(runs: dict[str, dict[str, list[float]]]) -> None:
    """|dh_T/dh_{T-s}| for a few s, plain next to leaky, for each case."""
    print(f"\n|dh_T/dh_(T-s)| from the graph, s steps back (T = {T}, alpha = {ALPHA:g})")
    print("  s   " + "".join(f"{case_name('', *c).strip():>22s}" for c in CASES))
    print("      " + "".join(f"{'plain':>11s}{'leaky':>11s}" for _ in CASES))
    for s in (1, 5, 10, 20, T):
        cells = "".join(
            f"{abs(runs[case_name(kind, *c)]['graph'][T - s]):11.3e}"
            for c in CASES
            for kind in ("plain", "leaky")
        )
        print(f"  {s:2d}  {cells}")


def leaky_units() -> dict[str, Any]:
    """Part 1: plain against leaky, dL/dh_0 from the graph against the product of the factors."""
    runs = {
        case_name(kind, unit, w): through_time(w, alpha, unit)
        for unit, w in CASES
        for kind, alpha in (("plain", 0.0), ("leaky", ALPHA))
    }
    print_profiles(runs)
    rows = table(
        "\ndL/dh_0 = dh_T/dh_0: the product of the per-step factors vs the graph",
        [
            Row(name, PRODUCT_FORMULAS[tuple(name.split()[:2])], r["product"][0], r["graph"][0])
            for name, r in runs.items()
        ],
    )
    per_step = {name: abs(r["graph"][0]) ** (1.0 / T) for name, r in runs.items()}
    print("per-step factor |dL/dh_0|^(1/T):")
    for unit, w in CASES:
        plain, leaky = (per_step[case_name(kind, unit, w)] for kind in ("plain", "leaky"))
        print(f"  {case_name('', unit, w).strip():16s} plain {plain:.4f}   leaky {leaky:.4f}")
    print(
        "the leaky unit's factor alpha + (1 - alpha) w tanh' is pulled towards 1 from either "
        "side,\nso its gradient neither vanishes nor explodes as fast. (With tanh, w = 1.1 does "
        "not explode here:\ntanh'(a_t) < 1 makes the plain factor w tanh' = "
        f"{per_step[case_name('plain', 'tanh', WEIGHTS['exploding'])]:.2f} on average.)"
    )
    return {"runs": runs, "rows": rows, "per_step": per_step}


def print_regularised(unit: str, history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The steps of one run of ``regularise``, and its table rows."""
    print(f"  plain {unit} unit from w = {history[0]['w']:g}")
    print("    step       w      Omega   dOmega/dw  per-step ratio  |dL/dh_0|")
    for r in history:
        print(
            f"    {r['step']:4d}  {r['w']:6.4f}  {r['omega']:9.4f}  {r['slope']:10.4f}"
            f"  {r['mean_ratio']:14.4f}  {r['dL_dh0']:9.3e}"
        )
    first, last = history[0], history[-1]
    rows = table(
        f"  Omega and dOmega/dw, {unit}: the closed form (the slope: central differences of it) "
        "vs the graph",
        [
            Row(f"Omega at w = {r['w']:.6g}", OMEGA_FORMULAS[unit], r["omega_floats"], r["omega"])
            for r in (first, last)
        ]
        + [
            Row(
                f"dOmega/dw at w = {r['w']:.6g}",
                "central difference",
                r["slope_central"],
                r["slope"],
            )
            for r in (first, last)
        ],
    )
    print("  " + REGULARISE_NOTES[unit].format(gain=last["dL_dh0"] / first["dL_dh0"]))
    return rows


def gradient_regularisation() -> dict[str, Any]:
    """Part 2: gradient steps on Pascanu et al.'s Omega, from below and from above 1."""
    print(
        "\ngradient regularisation: Omega = sum_t (|dL/dh_t dh_t/dh_(t-1)| / |dL/dh_t| - 1)^2 "
        "(Pascanu et al. 2013),\nfrom the graph's dL/dh_t (create_graph); "
        f"{STEPS} steps w <- w - {STEP_SIZE:g} dOmega/dw on Omega alone"
    )
    regularised, rows = {}, []
    for unit, w in REGULARISE:
        regularised[case_name("plain", unit, w)] = history = regularise(unit, w)
        rows += print_regularised(unit, history)
    print(
        "the per-step ratio |dh_t/dh_(t-1)| (geometric mean) moves towards 1 from below (tanh) and "
        "from above (linear)"
    )
    return {"regularised": regularised, "rows": rows}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the leaky units and the regulariser; return the gradients and the steps."""
    args = demo_parser("rnn_remedies", __doc__).parse_args(argv)
    print(
        f"a line of T = {T} units, h_0 = 0, x_t = 0.5 sin t, u = {U:g}, L = h_T; "
        f"leaky units with alpha = {ALPHA:g}\n(erratum, seed 003: its leaky unit "
        "h_t = alpha h_(t-1) + (1 - alpha) h_t has h_t on both sides;\n"
        "the right-hand one is the candidate tanh(W h_(t-1) + U x_t))"
    )
    leaky = leaky_units()
    reg = gradient_regularisation()
    plots = plot_or_skip(args.out, lambda plt: [_plot(plt, leaky["runs"], args.out)])
    return {
        "dL_dh0": {name: r["graph"][0] for name, r in leaky["runs"].items()},
        "profiles": {name: r["graph"] for name, r in leaky["runs"].items()},
        "per_step": leaky["per_step"],
        "regularised": reg["regularised"],
        "rows": leaky["rows"] + reg["rows"],
        "plots": plots,
    }


def _plot(plt: Any, runs: dict[str, dict[str, list[float]]], out: str) -> str:
    fig, ax = plt.subplots(figsize=(6.4, 4.2), dpi=110)
    s = np.arange(T + 1)
    colors = ["#4c72b0", "#c44e52", "#55a868", "#8172b3"]
    for (unit, w), color in zip(CASES, colors):
        for kind, style in (("plain", "o-"), ("leaky", "--")):
            grads = np.abs(runs[case_name(kind, unit, w)]["graph"][::-1])
            ax.semilogy(s, grads, style, color=color, markersize=3, label=case_name(kind, unit, w))
    ax.set_xlabel("s, steps backpropagated through")
    ax.set_ylabel("|dh_T / dh_(T-s)|")
    ax.set_title(f"leaky units (alpha = {ALPHA:g}) keep the gradient near 1", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, ncol=2)
    return save_figure(plt, fig, os.path.join(out, "leaky_gradients.png"))


if __name__ == "__main__":
    main()
