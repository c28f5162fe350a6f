"""Max pooling makes a convolution's output roughly shift-invariant; rotations break equivariance.

Y. Pan's "Deep learning" (seed 003, P15; P14 is the convolution itself):
convolution is *translation equivariant*, f(g(x)) = g(f(x)): "if we move
an object from one location to another, the representation will move the
same amount in the output", but "a convolutional operation itself is NOT
naturally equivariant to rotations/scaling". Pooling, "usually applied after
the filtering and activation function", is translation *invariant* "to some
degree". The seed's shift example (from Goodfellow et al., Fig. 9.8, whose
picture is not in the seed's text): shift the input right by one unit and
"every value in the bottom row [the detector outputs] has changed, but only
half of the values in the top row [max pooling, width 3, stride 1] have
changed, because the max pooling units are sensitive only to the maximum
value in the neighborhood, not its exact location."

Part 1, in 1-D: a signal x of 13 numbers and a kernel k = (0.5, 1, -0.5)
(our numbers, chosen so that the seed's counts come out: every detector
output changes, half the pooled ones do), the detector
d[i] = relu(sum_a k[a] x[i + a]) computed with Values, then max pooling
p[i] = max(d[i], d[i+1], d[i+2]). Shift x right by one (a zero enters on
the left) and count, away from that border, which outputs change. The
detector only moves: d(shift x)[i] = d(x)[i-1] exactly (equivariance);
average pooling, for contrast, changes everywhere. Max pooling passes the
gradient only to each window's maximum: the engine's dL/dd for
L = sum_i p[i] is how many windows d[i] wins.

Part 2, in 2-D: the 5 x 5 image and the non-symmetric 3 x 3 kernel K of
the ``conv`` demo, and the discrete Laplacian [[0, 1, 0], [1, -4, 1],
[0, 1, 0]], which a 90-degree rotation leaves unchanged. Rotating the image
by 90 degrees does not rotate the output, conv(rot x, K) != rot conv(x, K),
but it does for the Laplacian, because conv(rot x, rot K) = rot conv(x, K):
rotating the input is the same as rotating the kernel. Shifting the image
does shift the output. Every number is checked against numpy's correlation.

    python -m autograd_lite.demos.pooling [--out out/pooling]
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np
from autograd_lite.demos.conv import IMAGE, KERNEL, correlate
from autograd_lite.demos.plotting import save_figure
from autograd_lite.demos.report import Row, demo_parser, plot_or_skip, table
from numpy.lib.stride_tricks import sliding_window_view

from autograd_lite import Value
from nn import total

SIGNAL = (0.0, 0.0, 2.0, 3.0, 3.0, 2.0, 3.0, 3.0, 0.0, 2.0, 2.0, 3.0, 0.0)
"""The 1-D input (our numbers)."""

KERNEL_1D = (0.5, 1.0, -0.5)
POOL = 3
"""Pooling width; the stride is 1, as in the seed's figure."""

LAPLACIAN = np.array([[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]])
"""A kernel with the 90-degree rotation's symmetry: np.rot90(LAPLACIAN) == LAPLACIAN."""


def correlate_1d(x: Sequence[Any], k: Sequence[float]) -> list[Any]:
    """out[i] = sum_a k[a] x[i + a], no padding (Values or floats).

    >>> correlate_1d([1.0, 2.0, 3.0, 4.0], [1.0, -1.0])
    [-1.0, -1.0, -1.0]
    """
    return [total([w * x[i + a] for a, w in enumerate(k)]) for i in range(len(x) - len(k) + 1)]


def detector(x: Sequence[float]) -> list[Value]:
    """The detector stage d = relu(x correlated with KERNEL_1D), on Values.

    >>> [v.data for v in detector([0.0, 2.0, 4.0, 0.0])]   # relu(0 + 2 - 2), relu(1 + 4 - 0)
    [0.0, 5.0]
    """
    xs = [Value(v, label=f"x[{i}]") for i, v in enumerate(x)]
    return [c.relu() for c in correlate_1d(xs, KERNEL_1D)]


def max_pool(d: Sequence[Any], width: int = POOL) -> list[Any]:
    """p[i] = max(d[i], ..., d[i + width - 1]), stride 1: the winning node itself.

    >>> max_pool([1.0, 3.0, 2.0, 0.0])
    [3.0, 3.0]
    """
    return [max(d[i : i + width]) for i in range(len(d) - width + 1)]


def average_pool(d: Sequence[Any], width: int = POOL) -> list[Any]:
    """The mean of each window of ``width``, stride 1.

    >>> average_pool([1.0, 3.0, 2.0, 0.0])
    [2.0, 1.6666666666666667]
    """
    return [total(list(d[i : i + width])) / width for i in range(len(d) - width + 1)]


def shift_right(x: Sequence[float]) -> tuple[float, ...]:
    """x moved one place right; a zero enters on the left and the last value drops out.

    >>> shift_right((1.0, 2.0, 3.0))
    (0.0, 1.0, 2.0)
    """
    return (0.0, *x[:-1])


def changed(before: Sequence[float], after: Sequence[float]) -> list[bool]:
    """Whether each output changed, from position 1 on (position 0 reads the zero that entered).

    >>> changed([0.0, 1.0, 2.0], [0.0, 1.0, 5.0])
    [False, True]
    """
    return [a != b for a, b in zip(before[1:], after[1:])]


def data(values: Sequence[Any]) -> list[float]:
    """The numbers of Values (numbers pass through).

    >>> data([Value(2.0), 3])
    [2.0, 3.0]
    """
    return [v.data if isinstance(v, Value) else float(v) for v in values]


def shift_on_values() -> dict[str, Any]:
    """Part 1 with the engine: detector, max and average pooling, before and after the shift."""
    out: dict[str, Any] = {}
    for name, x in (("before", SIGNAL), ("after", shift_right(SIGNAL))):
        d = detector(x)
        pooled = max_pool(d)
        out[name] = {
            "d": data(d),
            "max": data(pooled),
            "avg": data(average_pool(d)),
        }
        if name == "before":
            total(pooled).backward()
            out["d_grad"] = [v.grad for v in d]
    return out


def shift_in_numpy() -> dict[str, Any]:
    """Part 1 in floats: numpy's correlation, relu and pooling windows."""
    out: dict[str, Any] = {}
    for name, x in (("before", SIGNAL), ("after", shift_right(SIGNAL))):
        d = np.maximum(np.correlate(np.array(x), np.array(KERNEL_1D), mode="valid"), 0.0)
        windows = sliding_window_view(d, POOL)
        out[name] = {"d": d, "max": windows.max(axis=1), "avg": windows.mean(axis=1)}
        if name == "before":
            out["wins"] = np.bincount(
                windows.argmax(axis=1) + np.arange(len(windows)), minlength=len(d)
            )
    return out


def correlate_2d(x: np.ndarray, k: np.ndarray) -> np.ndarray:
    """O[i, j] = sum_{a,b} k[a, b] x[i + a, j + b], no padding, in numpy.

    >>> correlate_2d(np.arange(9.0).reshape(3, 3), np.eye(2)).tolist()
    [[4.0, 6.0], [10.0, 12.0]]
    """
    return np.einsum("ijab,ab->ij", sliding_window_view(x, k.shape), k)


def conv_on_values(x: np.ndarray, k: np.ndarray) -> np.ndarray:
    """The ``conv`` demo's correlation (stride 1, no padding) of x's pixels as Values.

    >>> conv_on_values(np.arange(9.0).reshape(3, 3), np.eye(2)).tolist()
    [[4.0, 6.0], [10.0, 12.0]]
    """
    xs = [[Value(float(v)) for v in row] for row in x]
    return np.array([[o.data for o in row] for row in correlate(xs, k.tolist(), 1, 0)])


def shifted_image(x: np.ndarray) -> np.ndarray:
    """x moved one column right, zeros entering on the left.

    >>> shifted_image(np.array([[1.0, 2.0], [3.0, 4.0]])).tolist()
    [[0.0, 1.0], [0.0, 3.0]]
    """
    moved = np.roll(x, 1, axis=1)
    moved[:, 0] = 0.0
    return moved


def rotation_gaps(conv_fn: Any) -> dict[str, float]:
    """Largest differences that test equivariance, with ``conv_fn(x, k)`` doing the convolution."""
    rot = np.rot90

    def gap(a: np.ndarray, b: np.ndarray) -> float:
        return float(np.max(np.abs(a - b)))

    return {
        "rot_K": gap(conv_fn(rot(IMAGE), KERNEL), rot(conv_fn(IMAGE, KERNEL))),
        "rot_laplacian": gap(conv_fn(rot(IMAGE), LAPLACIAN), rot(conv_fn(IMAGE, LAPLACIAN))),
        "rot_both": gap(conv_fn(rot(IMAGE), rot(KERNEL)), rot(conv_fn(IMAGE, KERNEL))),
        "shift_K": gap(
            conv_fn(shifted_image(IMAGE), KERNEL)[:, 1:], conv_fn(IMAGE, KERNEL)[:, :-1]
        ),
    }


def shift_rows(ours: dict[str, Any], ref: dict[str, Any]) -> tuple[list[Row], dict[str, int]]:
    """Counts of changed outputs and the equivariance gaps, engine against numpy."""
    counts: dict[str, int] = {}
    rows = []
    labels = {"d": "detector d", "max": "max-pooled p", "avg": "average-pooled"}
    claims = {"d": "all (seed: every value)", "max": "half (seed)", "avg": "(not in the seed)"}
    for key, label in labels.items():
        n = len(ours["before"][key]) - 1
        mine = sum(changed(ours["before"][key], ours["after"][key]))
        theirs = sum(changed(list(ref["before"][key]), list(ref["after"][key])))
        counts[key] = mine
        rows.append(Row(f"{label} outputs that change (of {n})", claims[key], theirs, mine))
    for key, label in (("d", "d"), ("max", "p")):
        mine = max(abs(a - b) for a, b in zip(ours["after"][key][1:], ours["before"][key]))
        theirs = np.max(np.abs(ref["after"][key][1:] - ref["before"][key][:-1]))
        rows.append(
            Row(f"max_i |{label}(shift x)[i] - {label}(x)[i-1]|", "0: it moves", theirs, mine)
        )
    return rows, counts


def print_shift(ours: dict[str, Any]) -> None:
    def line(name: str, xs: Sequence[float]) -> None:
        print(f"  {name:24s}" + "".join(f"{v:6g}" for v in xs))

    def marks(name: str, key: str) -> None:
        flags = changed(ours["before"][key], ours["after"][key])
        print(f"  {name:24s}{'':6s}" + "".join(f"{'*' if f else '.':>6s}" for f in flags))

    line("x", SIGNAL)
    line("shift x", shift_right(SIGNAL))
    for key, name in (("d", "detector d"), ("max", "max pool p")):
        line(f"{name}(x)", ours["before"][key])
        line(f"{name}(shift x)", ours["after"][key])
        marks("changed (*)", key)


def shift_example() -> dict[str, Any]:
    """Part 1: print the rows before and after the shift, the counts and the gradient routing."""
    print(
        f"part 1: d = relu(x correlated with k), k = {KERNEL_1D}; max pooling of width {POOL}, "
        "stride 1\n(our numbers); x shifted right by one, a zero entering on the left; "
        "* marks a changed output\n(position 0 reads that zero, so it is left out)"
    )
    ours, ref = shift_on_values(), shift_in_numpy()
    print_shift(ours)
    rows, counts = shift_rows(ours, ref)
    rows_out = table("\nthe shift: which outputs change, and do they just move?", rows)
    print(
        f"the detector moved with the input (translation equivariance), so all {counts['d']} of "
        f"its outputs changed;\nthe max of each window of {POOL} stays while the winner stays "
        f"inside it: {counts['max']} of {len(ours['before']['max']) - 1} pooled outputs changed.\n"
        "With stride 1 the pooled row moves with the input too (equivariant); invariance is that\n"
        "its values at fixed positions mostly stay. Average pooling (for contrast) changed more:\n"
        "every value in a window counts"
    )
    grad_gap = float(np.max(np.abs(np.array(ours["d_grad"]) - ref["wins"])))
    print(
        "\nmax pooling routes the gradient to each window's winner: for L = sum_i p[i],\n"
        f"  dL/dd (graph)                  {[round(g, 12) for g in ours['d_grad']]}\n"
        f"  windows each d[i] wins (numpy) {ref['wins'].tolist()}   |difference| {grad_gap:.0e}"
    )
    return {**ours, "changed": counts, "rows": rows_out}


ROTATION_ROWS = (
    ("rot_K", "conv(rot x, K) vs rot conv(x, K)", "not 0: not rotation-equivariant"),
    ("rot_laplacian", "conv(rot x, L) vs rot conv(x, L)", "0: L = Laplacian = rot L"),
    ("rot_both", "conv(rot x, rot K) vs rot conv(x, K)", "0: rotate x = rotate K"),
    ("shift_K", "conv(shift x, K) vs shift conv(x, K)", "0 away from the border"),
)


def rotation_example() -> dict[str, Any]:
    """Part 2: the 2-D convolution under a 90-degree rotation and a shift, graph vs numpy."""
    print(
        "\npart 2: the conv demo's 5 x 5 image x and 3 x 3 kernel K; rot = 90 degrees "
        "anticlockwise (np.rot90)"
    )
    conv_rot = conv_on_values(np.rot90(IMAGE), KERNEL)
    rot_conv = np.rot90(conv_on_values(IMAGE, KERNEL))
    for name, m in (("conv(rot x, K)", conv_rot), ("rot conv(x, K)", rot_conv)):
        print(f"  {name}:\n" + "\n".join("    " + "".join(f"{v:8.3g}" for v in r) for r in m))
    ours, ref = rotation_gaps(conv_on_values), rotation_gaps(correlate_2d)
    rows = table(
        "\nequivariance: the largest difference between the two sides",
        [Row(label, claim, ref[key], ours[key]) for key, label, claim in ROTATION_ROWS],
    )
    print(
        "rotating the image acts on the output like rotating the kernel, so only a kernel that\n"
        "the rotation leaves unchanged gives a rotated output; shifting the image always does"
    )
    return {"gaps": ours, "conv_rot_x": conv_rot, "rot_conv_x": rot_conv, "rows": rows}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the shift example and the rotation check; return the counts, outputs and gaps."""
    args = demo_parser("pooling", __doc__).parse_args(argv)
    shift = shift_example()
    rotation = rotation_example()
    plots = plot_or_skip(args.out, lambda plt: [_plot(plt, shift, args.out)])
    return {
        "before": shift["before"],
        "after": shift["after"],
        "changed": shift["changed"],
        "compared": {k: len(shift["before"][k]) - 1 for k in shift["changed"]},
        "d_grad": shift["d_grad"],
        "rotation": rotation["gaps"],
        "conv_rot_x": rotation["conv_rot_x"].tolist(),
        "rot_conv_x": rotation["rot_conv_x"].tolist(),
        "rows": shift["rows"] + rotation["rows"],
        "plots": plots,
    }


def _plot(plt: Any, ours: dict[str, Any], out: str) -> str:
    fig, axes = plt.subplots(2, 1, figsize=(6.2, 4.6), dpi=110, sharex=True)
    for ax, key, title in zip(
        axes,
        ("max", "d"),
        ("max pooling, width 3: half the outputs stay", "detector: every output moves"),
    ):
        offset = (POOL - 1) / 2 if key == "max" else 0.0  # draw a window at its centre
        for name, color in (("before", "#4c72b0"), ("after", "#c44e52")):
            ys = ours[name][key]
            xs = np.arange(len(ys)) + offset
            label = "x" if name == "before" else "x shifted right by one"
            ax.plot(xs, ys, "o-", color=color, label=label, markersize=4)
        ax.set_title(title, fontsize=10)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8)
    axes[1].set_xlabel("position in the detector row")
    return save_figure(plt, fig, os.path.join(out, "shift.png"))


if __name__ == "__main__":
    main()
