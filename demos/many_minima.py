"""Many minima of about the same value: one small network trained from 20 seeds.

L. Kaelbling's notes (seed 001, U20), "Non-Convexity of Neural Nets": "In very
high dimensions, there exists many local minimum which are about the same"
(Pascanu et al., "On the saddle point problem for non-convex optimization", 2014).

The demo trains ``MLP(2, [8, 1])`` with tanh hidden units on 100 noisy moons
(``make_moons(100, noise=0.25)``: the classes overlap) from the seeds 0..19,
with the binary cross-entropy on the logit plus the L2 penalty lambda |theta|^2
(lambda = 1e-3, so that minima exist: without it the weights could grow for
ever) and full-batch Adam (lr 0.05, 400 epochs, ``fit(batched=True)``). For
each seed it prints the final loss, computed on the engine's graph and again
from the formula with numpy, then their mean, min, max and spread.

Are these different points, or one minimum found 20 times? Raw weight vectors
can't tell: swapping two hidden units, or flipping the signs of one unit's
weights, bias and output weight (tanh is odd), gives the same function. So the
demo aligns each run to the best one, trying every order of the hidden units
and each unit's sign, and measures what is left: the aligned distance. It also
walks the straight line between the two (aligned) weight vectors: a loss
above both ends on the way is a barrier on that line (a curved path may go
round it); a loss that falls all the way to the best run's says the other run
had not finished going downhill.

What we see (the numbers are our choice: the data, widths, lambda, lr, epochs,
the 10% threshold; 400 epochs keep the demo under 5 s): the 20 losses lie
within 2% of each other (0.2154 to 0.2195). 12 seeds reach the best seed's
point (aligned distance under 10% of |theta|, which is about 8.4); 8 end 1.9 to
4.7 away. The runs have not quite finished (|grad L| up to 3e-3): with
``--epochs 1600`` (10 to 15 s) they settle into exactly two minima, 17 seeds at
loss 0.21538 and 3 at 0.21794, 4.1 apart after alignment with a barrier of
0.005 between them: different points, losses 1.2% apart. Runs that stop on
a slow, nearly flat stretch, as some do after 400 epochs, are what Pascanu et
al. point at: in high dimensions plateaus and saddles, not bad minima, are the
obstacle. Our net has only 33 parameters, far from "very high dimensions", but
the contrast with fewer already shows: with ``--hidden 3`` (13 parameters) a bad
minimum traps seeds, 9 reach 0.2263 and 11 stop at 0.3215, 42% higher.

    python -m autograd_lite.demos.many_minima [--out out/many_minima] [--hidden 8] [--epochs 400]
"""

from __future__ import annotations

import functools
import itertools
import os
from typing import Any, NamedTuple

import numpy as np
from autograd_lite.demos.report import Row, demo_parser, plot_or_skip, positive_int, table

from nn import MLP, Adam, binary_cross_entropy_with_logits, fit, l2_penalty, make_moons, total

POINTS, NOISE, DATA_SEED = 100, 0.25, 0
HIDDEN, SEEDS, EPOCHS, LR, L2 = 8, 20, 400, 0.05, 1e-3
MAX_HIDDEN = 8  # the alignment tries all hidden-unit orders: 8! = 40,320
SAME_POINT = 0.1  # aligned distance below 10% of |theta|: the same point
LINE_STEPS = 21  # points on the straight line between two runs
LOSS_FORMULA = "1/n sum softplus(z) - y z + lambda |theta|^2"


class Weights(NamedTuple):
    """A trained ``MLP(2, [h, 1])``: one row (w_1, w_2, b, v) per hidden unit, where v is
    the unit's output weight, and the output bias c."""

    units: np.ndarray
    c: float

    def vector(self) -> np.ndarray:
        """Every parameter in one vector."""
        return np.append(self.units.ravel(), self.c)


def read_weights(model: MLP) -> Weights:
    """The hidden units' rows (w, b, v) and the output bias of a trained ``MLP(2, [h, 1])``.

    >>> read_weights(MLP(2, [3, 1], seed=0)).units.shape
    (3, 4)
    """
    hidden, out = model.layers
    units = np.column_stack([hidden.weight(), hidden.bias(), out.weight()[0]])
    return Weights(units, float(out.bias()[0]))


def numpy_loss(w: Weights, X: np.ndarray, y: np.ndarray, l2: float = L2) -> float:
    """The training loss from the formula: mean softplus(z) - y z + l2 |theta|^2, with
    logit z = v . tanh(W x + b) + c.

    >>> w = Weights(np.zeros((2, 4)), 0.0)           # z = 0: loss log 2
    >>> round(numpy_loss(w, np.zeros((3, 2)), np.array([0, 1, 1])), 6)
    0.693147
    """
    z = np.tanh(X @ w.units[:, :2].T + w.units[:, 2]) @ w.units[:, 3] + w.c
    return float(np.mean(np.logaddexp(0.0, z) - y * z) + l2 * np.sum(w.vector() ** 2))


@functools.cache
def all_orders(h: int) -> np.ndarray:
    """Every permutation of range(h), one per row (h! rows)."""
    return np.array(list(itertools.permutations(range(h))))


def align(to: Weights, w: Weights) -> Weights:
    """``w`` with its hidden units reordered and sign-flipped to come closest to ``to``:
    the same function (a tanh unit's (w, b, v) and (-w, -b, -v) give the same output).

    Swapping units or signs changes only which unit is which, so the squared
    distance is a sum over units: for each order, each unit takes its better sign.

    >>> a = Weights(np.array([[1.0, 2, 3, 4], [5, 6, 7, 8]]), 0.5)
    >>> b = Weights(-a.units[::-1], 0.5)             # units swapped, signs flipped
    >>> bool(np.array_equal(align(a, b).units, a.units))
    True
    """
    plus = ((to.units[:, None, :] - w.units[None, :, :]) ** 2).sum(axis=2)
    minus = ((to.units[:, None, :] + w.units[None, :, :]) ** 2).sum(axis=2)
    rows = np.arange(len(to.units))
    orders = all_orders(len(to.units))
    order = orders[np.minimum(plus, minus)[rows, orders].sum(axis=1).argmin()]
    signs = np.where(plus[rows, order] <= minus[rows, order], 1.0, -1.0)
    return Weights(w.units[order] * signs[:, None], w.c)


def distance(a: Weights, b: Weights) -> float:
    """|a - b| over every parameter, as they are (no alignment)."""
    return float(np.linalg.norm(a.vector() - b.vector()))


def barrier(a: Weights, b: Weights, X: np.ndarray, y: np.ndarray) -> float:
    """How far the loss rises, on the straight line from ``a`` to ``b``, above the
    higher of its two ends (0 when it never does: no wall between them).

    >>> X, y = np.zeros((2, 2)), np.array([0, 1])
    >>> a = Weights(np.zeros((1, 4)), 0.0)
    >>> barrier(a, a, X, y)
    0.0
    """
    line = [
        numpy_loss(Weights((1 - t) * a.units + t * b.units, (1 - t) * a.c + t * b.c), X, y)
        for t in np.linspace(0.0, 1.0, LINE_STEPS)
    ]
    return max(0.0, max(line) - max(line[0], line[-1]))


def train(seed: int, X: np.ndarray, y: np.ndarray, hidden: int, epochs: int) -> MLP:
    """``MLP(2, [hidden, 1])`` (tanh) from ``seed``, trained by full-batch Adam."""
    model = MLP(2, [hidden, 1], activation="tanh", seed=seed)
    fit(
        model,
        X,
        y,
        loss=binary_cross_entropy_with_logits,
        optimizer=Adam(model, lr=LR),
        epochs=epochs,
        l2=L2,
        accuracy=None,
        progress=False,
        batched=True,
    )
    return model


def engine_loss(model: MLP, X: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """The training loss on the engine's graph and the length of its gradient |dL/dtheta|."""
    terms = [binary_cross_entropy_with_logits(model(x), float(t)) for x, t in zip(X, y)]
    loss = total(terms) / len(terms) + l2_penalty(model, L2)
    model.zero_grad()
    loss.backward()
    return loss.data, float(np.linalg.norm([p.grad for p in model.parameters()]))


def run_seeds(hidden: int, epochs: int) -> list[dict[str, Any]]:
    """Train from every seed; each run's engine loss, numpy loss, gradient and weights."""
    X, y = make_moons(POINTS, noise=NOISE, seed=DATA_SEED)
    runs = []
    for seed in range(SEEDS):
        model = train(seed, X, y, hidden, epochs)
        loss, grad_norm = engine_loss(model, X, y)
        w = read_weights(model)
        runs.append(
            {
                "seed": seed,
                "loss": loss,
                "numpy_loss": numpy_loss(w, X, y),
                "grad_norm": grad_norm,
                "weights": w,
            }
        )
    best = min(runs, key=lambda r: r["loss"])["weights"]
    for r in runs:
        near = align(best, r["weights"])
        r["raw_distance"] = distance(best, r["weights"])
        r["aligned_distance"] = distance(best, near)
        r["barrier"] = barrier(best, near, X, y)
        r["norm"] = float(np.linalg.norm(r["weights"].vector()))
    return runs


def print_weights(runs: list[dict[str, Any]], best_seed: int) -> None:
    """One line per run, best loss first: how far its weights are from the best run's."""
    print(
        f"\nweights, compared with the best run (seed {best_seed}); 'aligned' = after "
        "reordering and\nsign-flipping hidden units to match it; barrier = rise of the loss on "
        "the straight line"
    )
    print("  seed      loss   |grad L|  |theta|  distance  aligned  barrier")
    for r in sorted(runs, key=lambda r: r["loss"]):
        print(
            f"  {r['seed']:4d}  {r['loss']:.5f}  {r['grad_norm']:8.1e}  {r['norm']:7.2f}  "
            f"{r['raw_distance']:8.2f}  {r['aligned_distance']:7.3f}  {r['barrier']:7.5f}"
        )


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The spread of the final losses and how many runs reach the best run's point."""
    losses = np.array([r["loss"] for r in runs])
    same = [r["seed"] for r in runs if r["aligned_distance"] < SAME_POINT * r["norm"]]
    other = [r for r in runs if r["seed"] not in same]
    walled = [r["seed"] for r in other if r["barrier"] > 0.0]
    return {
        "mean": float(losses.mean()),
        "min": float(losses.min()),
        "max": float(losses.max()),
        "spread": float(losses.max() - losses.min()),
        "std": float(losses.std()),
        "same_point_seeds": same,
        "other_point_seeds": [r["seed"] for r in other],
        "walled_off_seeds": walled,
        "sloped_seeds": [r["seed"] for r in other if r["seed"] not in walled],
        "other_losses": [r["loss"] for r in other],
        "other_aligned_distances": [r["aligned_distance"] for r in other],
    }


def print_summary(s: dict[str, Any], hidden: int) -> None:
    """The spread, and what the weights say about it."""
    print(
        f"\n{SEEDS} seeds: loss mean {s['mean']:.5f}, min {s['min']:.5f}, max {s['max']:.5f}; "
        f"spread (max - min) {s['spread']:.5f} = {s['spread'] / s['mean']:.1%} of the mean, "
        f"std {s['std']:.5f}"
    )
    print(
        f"{len(s['same_point_seeds'])} seeds end at the best run's point (aligned distance < "
        f"{SAME_POINT:.0%} of |theta|): {s['same_point_seeds']}"
    )
    if s["other_point_seeds"]:
        above = max(s["other_losses"]) / s["min"] - 1.0
        print(
            f"{len(s['other_point_seeds'])} end at other points, aligned distance "
            f"{min(s['other_aligned_distances']):.2f} to {max(s['other_aligned_distances']):.2f}"
            f", losses {min(s['other_losses']):.5f} to {max(s['other_losses']):.5f} (at most "
            f"{above:.1%} above the best)"
        )
    walled, sloped = s["walled_off_seeds"], s["sloped_seeds"]
    if walled:
        print(f"  on the straight line from the best point the loss rises before reaching {walled}")
    if sloped:
        print(
            f"  from {sloped} it slopes down all the way to the best point: those runs stopped on "
            "a\n  nearly flat stretch (|grad L| is not 0 yet; with --epochs 1600 they settle)"
        )
    other = ("--hidden 3", "narrower") if hidden != 3 else (f"--hidden {HIDDEN}", "wider")
    print(f"(try {other[0]} for a {other[1]} net)")


def save_scatter(plt: Any, runs: list[dict[str, Any]], path: str, hidden: int) -> str:
    """Each run's final loss against its aligned distance from the best run."""
    fig, ax = plt.subplots(figsize=(5.5, 3.8), dpi=110)
    ax.scatter([r["aligned_distance"] for r in runs], [r["loss"] for r in runs], color="#4c72b0")
    ax.set_ylim(0.0, 1.15 * max(r["loss"] for r in runs))  # from 0: the spread to scale
    ax.set_xlabel("distance from the best run's weights (after aligning hidden units)")
    ax.set_ylabel("final training loss")
    ax.set_title(f"MLP(2, [{hidden}, 1]) from {SEEDS} seeds: final loss and distance", fontsize=10)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Train from 20 seeds; return the losses, their spread and the weight distances."""
    parser = demo_parser("many_minima", __doc__)
    parser.add_argument("--hidden", type=positive_int, default=HIDDEN, help="hidden units")
    parser.add_argument("--epochs", type=positive_int, default=EPOCHS, help="Adam steps")
    args = parser.parse_args(argv)
    if args.hidden > MAX_HIDDEN:
        parser.error(f"--hidden is at most {MAX_HIDDEN} (the alignment tries every order)")
    print(
        f"MLP(2, [{args.hidden}, 1]), tanh, on make_moons({POINTS}, noise={NOISE}); "
        f"BCE on the logit + {L2:g} |theta|^2; Adam lr {LR}, {args.epochs} full-batch "
        f"epochs; seeds 0..{SEEDS - 1}\n"
    )
    runs = run_seeds(args.hidden, args.epochs)
    rows = table(
        "final training loss of each seed",
        [Row(f"L, seed {r['seed']}", LOSS_FORMULA, r["numpy_loss"], r["loss"]) for r in runs],
    )
    best_seed = min(runs, key=lambda r: r["loss"])["seed"]
    print_weights(runs, best_seed)
    summary = summarise(runs)
    print_summary(summary, args.hidden)
    images = plot_or_skip(
        args.out,
        lambda plt: [
            save_scatter(plt, runs, os.path.join(args.out, "loss_vs_distance.png"), args.hidden)
        ],
    )
    keys = ("seed", "loss", "grad_norm", "raw_distance", "aligned_distance", "barrier", "norm")
    return {
        **summary,
        "losses": [r["loss"] for r in runs],
        "best_seed": best_seed,
        "runs": [{k: r[k] for k in keys} for r in runs],
        "weights": [r["weights"] for r in runs],
        "data": {"points": POINTS, "noise": NOISE, "seed": DATA_SEED, "l2": L2},
        "rows": rows,
        "images": images,
    }


if __name__ == "__main__":
    main()
