"""Universality: 2^D threshold units for any Boolean function; sums of units for any curve.

Grosse's CSC 411 lecture 10 (seed 004): feed-forward nets with nonlinear
activations "are universal function approximators", shown "for various
activation functions (thresholds, logistic, ReLU, etc.)": "Even though
ReLU is 'almost' linear, it's nonlinear enough!" (G06). For binary inputs
and targets (G07): "Hard threshold hidden units, linear output. Strategy:
2^D hidden units, each of which responds to one particular input
configuration. Only requires one hidden layer, though it needs to be
extremely wide!"

Part 1 builds that network for D = 3 with the slide's inputs and targets
in {-1, 1}: hidden unit k has weights c_k (its configuration) and bias
-2.5 (the slide's 2.5), so z = c_k . x - 2.5 is 0.5 at x = c_k and at most
-1.5 elsewhere, and step(z) (seed 004's hard threshold, 1 if z > 0) fires
for that input alone; the linear output is y = sum_k t(c_k) h_k, the truth
table read off. The slide shows three rows of its table,
(-1, -1, 1) -> -1, (-1, 1, -1) -> 1, (-1, 1, 1) -> 1; the other five are
our choice. Then every one of the 2^(2^3) = 256 Boolean functions of 3
inputs is loaded into the same 8 units and checked on all 8 inputs.

Part 2 (1-D) approximates sin on [0, pi]. N step units make a staircase:
with pieces of width delta = pi / (N + 1), unit k fires past x = k delta
(k = 1..N) and its output weight is the jump sin(m_k) - sin(m_(k-1)) between
the piece midpoints m_k, so the error is at most delta / 2 (|sin'| <= 1).
N ReLU units relu(x - a_k) with knots a_k = k pi / N (k = 0..N-1) make a
broken line whose output weights and bias are fitted by least squares
(numpy) on 201 points; the networks are evaluated with the engine on 1001
points. The staircase's error halves when N doubles, the ReLU sum's falls
about fourfold (the interpolating broken line's error is at most
(pi/N)^2 / 8).

Part 3 (2-D) fits sin(x1) sin(x2) on [0, pi]^2 with N = 4, 16, 64 ReLU
units relu(w . x + b) pointing in random directions w (unit length) with
their kinks through random points of the square (seed 0), output weights by
least squares on a 21 x 21 grid, errors measured by the engine on a 31 x 31
grid. The sizes, knots, grids and the second part of the truth table are
our choice.

    python -m autograd_lite.demos.universality [--out out/universality]
"""

from __future__ import annotations

import itertools
import math
import os
from typing import Any

import numpy as np
from autograd_lite.demos.plotting import save_figure
from autograd_lite.demos.report import Row, demo_parser, plot_or_skip, table

from autograd_lite import no_grad
from nn import MLP

D = 3
CONFIGURATIONS = list(itertools.product((-1.0, 1.0), repeat=D))
"""The 2^D inputs in {-1, 1}^D, one per hidden unit, in this order."""

BIAS = -(D - 0.5)
"""Each hidden unit's bias, -2.5: z = c . x - 2.5 > 0 only when x = c."""

LECTURE_ROWS = {(-1.0, -1.0, 1.0): -1.0, (-1.0, 1.0, -1.0): 1.0, (-1.0, 1.0, 1.0): 1.0}
"""The three rows of the truth table the slide shows."""

OUR_ROWS = {
    (-1.0, -1.0, -1.0): -1.0,
    (1.0, -1.0, -1.0): 1.0,
    (1.0, -1.0, 1.0): -1.0,
    (1.0, 1.0, -1.0): -1.0,
    (1.0, 1.0, 1.0): 1.0,
}
"""The other five rows: our choice."""

UNITS_1D = [2, 4, 8, 16, 32]
UNITS_2D = [4, 16, 64]
X_FIT = np.linspace(0.0, math.pi, 201)
X_EVAL = np.linspace(0.0, math.pi, 1001)
GRID_FIT, GRID_EVAL, SEED = 21, 31, 0


def lookup_table_network(truth: dict[tuple[float, ...], float]) -> MLP:
    """2^D step units, unit k firing for configuration k alone; linear output sum_k t_k h_k.

    >>> net = lookup_table_network({**LECTURE_ROWS, **OUR_ROWS})
    >>> net([-1.0, 1.0, -1.0]).data, net([1.0, 1.0, -1.0]).data
    (1.0, -1.0)
    """
    net = MLP(D, [len(CONFIGURATIONS), 1], activation="step", output_activation="linear", seed=0)
    state = {"layers.1.neurons.0.b": 0.0}
    for k, c in enumerate(CONFIGURATIONS):
        state.update({f"layers.0.neurons.{k}.w.{i}": ci for i, ci in enumerate(c)})
        state[f"layers.0.neurons.{k}.b"] = BIAS
        state[f"layers.1.neurons.0.w.{k}"] = truth[c]
    net.load_state_dict(state)
    return net


def every_boolean_function() -> int:
    """How many of the 2^(2^D) truth tables the lookup-table network computes exactly."""
    right = 0
    with no_grad():
        for targets in itertools.product((-1.0, 1.0), repeat=len(CONFIGURATIONS)):
            net = lookup_table_network(dict(zip(CONFIGURATIONS, targets)))
            outputs = [net(list(c)).data for c in CONFIGURATIONS]
            right += outputs == list(targets)
    return right


def staircase_network(n: int) -> MLP:
    """n step units step(x - k delta), delta = pi / (n + 1): sin held at each piece's midpoint.

    >>> net = staircase_network(2)           # pieces [0, pi/3], (pi/3, 2pi/3], (2pi/3, pi]
    >>> round(net([1.5]).data, 12) == round(math.sin(math.pi / 2), 12)
    True
    """
    delta = math.pi / (n + 1)
    heights = [math.sin((k + 0.5) * delta) for k in range(n + 1)]
    net = MLP(1, [n, 1], activation="step", output_activation="linear", seed=0)
    state = {"layers.1.neurons.0.b": heights[0]}
    for k in range(n):
        state[f"layers.0.neurons.{k}.w.0"] = 1.0
        state[f"layers.0.neurons.{k}.b"] = -(k + 1) * delta
        state[f"layers.1.neurons.0.w.{k}"] = heights[k + 1] - heights[k]
    net.load_state_dict(state)
    return net


def staircase_in_floats(n: int, x: np.ndarray) -> np.ndarray:
    """The staircase with numpy: sin(m_k) on piece k = ceil(x / delta) - 1 (x = 0: piece 0)."""
    delta = math.pi / (n + 1)
    piece = np.clip(np.ceil(x / delta) - 1, 0, n).astype(int)
    return np.sin((piece + 0.5) * delta)


def relu_features(x: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The hidden ReLU outputs relu(W x + b) of rows ``x``, and a column of ones (the bias)."""
    return np.column_stack([np.maximum(0.0, x @ W.T + b), np.ones(len(x))])


def relu_network(W: np.ndarray, b: np.ndarray, x_fit: np.ndarray, t_fit: np.ndarray) -> MLP:
    """Hidden units relu(W x + b) as given; output weights and bias by least squares (numpy).

    >>> x, t = np.array([[0.0], [1.0]]), np.array([1.0, 3.0])
    >>> net = relu_network(np.ones((1, 1)), np.zeros(1), x, t)
    >>> round(net([2.0]).data, 12)                # the line 1 + 2 relu(x)
    5.0
    """
    v, *_ = np.linalg.lstsq(relu_features(x_fit, W, b), t_fit, rcond=None)
    n, nin = W.shape
    net = MLP(nin, [n, 1], activation="relu", output_activation="linear", seed=0)
    state = {"layers.1.neurons.0.b": float(v[-1])}
    for k in range(n):
        state.update({f"layers.0.neurons.{k}.w.{i}": float(W[k, i]) for i in range(nin)})
        state[f"layers.0.neurons.{k}.b"] = float(b[k])
        state[f"layers.1.neurons.0.w.{k}"] = float(v[k])
    net.load_state_dict(state)
    return net


def engine_outputs(net: MLP, x: np.ndarray) -> np.ndarray:
    """The network's output at each row of ``x``, computed by the engine without a graph."""
    with no_grad():
        return np.array([net(row.tolist()).data for row in x])


def square_grid(steps: int) -> np.ndarray:
    """The steps x steps grid on [0, pi]^2, as rows (x1, x2)."""
    g = np.linspace(0.0, math.pi, steps)
    return np.array(list(itertools.product(g, g)))


def random_relu_units(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """n units relu(w . x + b): w a random unit vector, the kink w . x = -b through a random
    point of the square."""
    angle = rng.uniform(0.0, 2.0 * math.pi, n)
    W = np.column_stack([np.cos(angle), np.sin(angle)])
    through = rng.uniform(0.0, math.pi, (n, 2))
    return W, -np.sum(W * through, axis=1)


def part_lookup_table() -> dict[str, Any]:
    """Part 1: the slide's construction for D = 3, its table, and all 256 functions."""
    truth = {**LECTURE_ROWS, **OUR_ROWS}
    net = lookup_table_network(truth)
    hidden = np.array([[h.data for h in net.layers[0](list(c))] for c in CONFIGURATIONS])
    rows = []
    for c in CONFIGURATIONS:
        source = "slide" if c in LECTURE_ROWS else "ours"
        rows.append(
            Row(f"y{tuple(int(v) for v in c)}", f"t ({source})", truth[c], net(list(c)).data)
        )
    print(
        f"part 1: D = {D} inputs in {{-1, 1}}, {len(CONFIGURATIONS)} = 2^D hidden step units, "
        f"unit k: w = c_k, b = {BIAS:g}"
    )
    print(f"  z = c_k . x - {-BIAS:g} is {D + BIAS:g} at x = c_k and <= {D - 2 + BIAS:g} elsewhere")
    identity = bool(np.array_equal(hidden, np.eye(len(CONFIGURATIONS))))
    print(f"  hidden outputs over the 8 inputs form the identity matrix: {identity}")
    rows = table("  output y = sum_k t(c_k) h_k vs the truth table t", rows)
    right = every_boolean_function()
    total = 2 ** len(CONFIGURATIONS)
    print(
        f"  every truth table of {D} inputs loaded into the same 8 units: {right} / {total} exact"
    )
    for d in (3, 10, 784):
        print(f"  D = {d:3d} inputs need 2^D = {2.0**d:.4g} hidden units", end="")
        print(" (28 x 28 pixels)" if d == 784 else "")
    return {"rows": rows, "hidden_identity": identity, "functions_right": right, "total": total}


def part_one_d() -> dict[str, Any]:
    """Part 2: staircases of step units and least-squares sums of ReLUs fitting sin on [0, pi]."""
    target = np.sin(X_EVAL)
    stair, relu, rows, nets = {}, {}, [], {}
    for n in UNITS_1D:
        steps = staircase_network(n)
        stair[n] = float(np.max(np.abs(engine_outputs(steps, X_EVAL[:, None]) - target)))
        stair_floats = float(np.max(np.abs(staircase_in_floats(n, X_EVAL) - target)))
        knots = np.arange(n) * math.pi / n
        ramps = relu_network(np.ones((n, 1)), -knots, X_FIT[:, None], np.sin(X_FIT))
        relu[n] = float(np.max(np.abs(engine_outputs(ramps, X_EVAL[:, None]) - target)))
        v = np.append(ramps.layers[1].weight()[0], ramps.layers[1].bias())
        relu_floats = relu_features(X_EVAL[:, None], np.ones((n, 1)), -knots) @ v
        rows += [
            Row(
                f"{n} steps: max|sin - y|",
                f"<= pi/(2(N+1)) = {math.pi / (2 * (n + 1)):.4f}",
                stair_floats,
                stair[n],
            ),
            Row(
                f"{n} ReLUs: max|sin - y|",
                f"broken line; (pi/N)^2/8 = {(math.pi / n) ** 2 / 8:.2e}",
                float(np.max(np.abs(relu_floats - target))),
                relu[n],
            ),
        ]
        nets[n] = (steps, ramps)
    print(
        f"\npart 2: sin on [0, pi] from N hidden units; max error over {len(X_EVAL)} points "
        "(formula in floats: the same network in numpy)"
    )
    rows = table("  N step units (a staircase) and N ReLU units (least-squares output)", rows)
    print("     N   steps: max error   ratio   ReLUs: max error   ratio")
    for a, b in zip(UNITS_1D, [None, *UNITS_1D]):
        ratios = (
            ("", "") if b is None else (f"{stair[b] / stair[a]:.2f}", f"{relu[b] / relu[a]:.2f}")
        )
        print(f"  {a:4d}   {stair[a]:16.4g}   {ratios[0]:>5s}   {relu[a]:16.4g}   {ratios[1]:>5s}")
    print("  doubling N about halves the staircase's error and quarters the ReLU sum's")
    return {"rows": rows, "staircase": stair, "relu": relu, "nets": nets}


def part_two_d() -> dict[str, Any]:
    """Part 3: sin(x1) sin(x2) from a few random ReLU units, output by least squares."""
    rng = np.random.default_rng(SEED)
    fit_grid, eval_grid = square_grid(GRID_FIT), square_grid(GRID_EVAL)
    target = np.sin(eval_grid[:, 0]) * np.sin(eval_grid[:, 1])
    t_fit = np.sin(fit_grid[:, 0]) * np.sin(fit_grid[:, 1])
    errors, units, rows, fits = {}, {}, [], {}
    for n in UNITS_2D:
        W, b = random_relu_units(n, rng)
        net = relu_network(W, b, fit_grid, t_fit)
        out = engine_outputs(net, eval_grid)
        v, *_ = np.linalg.lstsq(relu_features(fit_grid, W, b), t_fit, rcond=None)
        in_floats = relu_features(eval_grid, W, b) @ v
        errors[n] = float(np.max(np.abs(out - target)))
        units[n] = {"W": W.tolist(), "b": b.tolist()}
        fits[n] = out
        rows.append(
            Row(
                f"{n} ReLUs: max|f - y|",
                "least squares on the 21 x 21 grid",
                float(np.max(np.abs(in_floats - target))),
                errors[n],
            )
        )
    print(
        f"\npart 3: f = sin(x1) sin(x2) on [0, pi]^2 from N random ReLU units, "
        f"max error on the {GRID_EVAL} x {GRID_EVAL} grid"
    )
    rows = table("  (formula in floats: numpy's least-squares fit evaluated in numpy)", rows)
    return {"rows": rows, "max_error": errors, "units": units, "fits": fits, "target": target}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the three parts; return the lookup table's checks and the error tables."""
    args = demo_parser("universality", __doc__).parse_args(argv)
    one = part_lookup_table()
    curve = part_one_d()
    plane = part_two_d()
    plots = plot_or_skip(args.out, lambda plt: [_plot(plt, curve, plane, args.out)])
    return {
        "hidden_identity": one["hidden_identity"],
        "lookup_outputs": [r["ours"] for r in one["rows"]],
        "functions_right": one["functions_right"],
        "functions_total": one["total"],
        "staircase_max_error": curve["staircase"],
        "relu_max_error": curve["relu"],
        "relu_2d_max_error": plane["max_error"],
        "relu_2d_units": plane["units"],
        "x_fit": X_FIT.tolist(),
        "x_eval": X_EVAL.tolist(),
        "rows": one["rows"] + curve["rows"] + plane["rows"],
        "plots": plots,
    }


def _plot(plt: Any, curve: dict, plane: dict, out: str) -> str:
    """sin with an 8-unit staircase and ReLU sum; max error against N; the 2-D fit."""
    fig, axes = plt.subplots(1, 3, figsize=(13, 4), dpi=110)
    steps, ramps = curve["nets"][8]
    x = X_EVAL[::5]
    axes[0].plot(x, np.sin(x), color="black", label="sin x")
    axes[0].plot(x, engine_outputs(steps, x[:, None]), color="#dd8452", label="8 step units")
    axes[0].plot(x, engine_outputs(ramps, x[:, None]), "--", color="#4c72b0", label="8 ReLU units")
    axes[0].set_title("1-D: sums of hidden units", fontsize=10)
    axes[0].legend(fontsize=8)
    for key, name, color in (
        ("staircase", "step units", "#dd8452"),
        ("relu", "ReLU units", "#4c72b0"),
    ):
        axes[1].loglog(UNITS_1D, list(curve[key].values()), "o-", color=color, label=name)
    axes[1].set_xticks(UNITS_1D, [str(n) for n in UNITS_1D])
    axes[1].minorticks_off()
    axes[1].set_xlabel("hidden units N")
    axes[1].set_ylabel("max |sin x - y(x)|")
    axes[1].set_title("error: ~1/N for steps, ~1/N^2 for ReLUs", fontsize=10)
    axes[1].grid(alpha=0.3)
    axes[1].legend(fontsize=8)
    n = UNITS_2D[-1]
    field = plane["fits"][n].reshape(GRID_EVAL, GRID_EVAL).T
    shade = axes[2].imshow(field, origin="lower", extent=(0, math.pi, 0, math.pi), cmap="viridis")
    axes[2].set_title(f"2-D: {n} ReLU units fitting sin(x1) sin(x2)", fontsize=10)
    axes[2].set_xlabel("x1")
    axes[2].set_ylabel("x2")
    fig.colorbar(shade, ax=axes[2], shrink=0.85)
    return save_figure(plt, fig, os.path.join(out, "universality.png"))


if __name__ == "__main__":
    main()
