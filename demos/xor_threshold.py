"""XOR with hard-threshold units, the lecture's hand-wired network.

Grosse's CSC 411 lecture 10 (seed 004), "Designing a network to compute
XOR", with its hard threshold y = 1 if z > 0 else 0, which ``nn`` uses
(seeds 000 and 001 put step(0) = 1 instead; the demo shows that no unit
here meets z = 0, so the choice does not change the table):

    h1 computes x1 OR x2,  h2 computes x1 AND x2,  y computes h1 AND NOT h2

(the slide's text reads "h1 AND NOT x2"; that is x1 AND NOT x2, which is 0 at
(0, 1), so the unit must read h2, as the weights in the picture do). The
network is ``autograd_lite.demos.xor.hand_wired_xor()``: step units with
h1 = step(x1 + x2 - 0.5), h2 = step(x1 + x2 - 1.5), y = step(h1 - h2 - 0.5).

The demo prints the truth table next to the Boolean functions, shows that
every weight's gradient is 0 (the step's derivative is 0 wherever it exists,
so gradient descent cannot train it), and follows the lecture's remark that
a logistic unit approximates a hard threshold when weights and biases are
scaled up: sigmoid units with the same weights times k approach XOR; their
gradients are not exactly 0, but shrink as the units saturate. The graph
(graph.svg) is the loss 1/2 (y - 1)^2 at x = (1, 0) after backward: every
weight's grad is 0.

    python -m autograd_lite.demos.xor_threshold [--out out/xor_threshold]
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
from autograd_lite.demos.plotting import save_figure
from autograd_lite.demos.report import Row, demo_parser, plot_or_skip, table, write_graph
from autograd_lite.demos.xor import HAND_WIRED, hand_wired_xor

from nn import MLP, squared_error

INPUTS = [(0, 0), (0, 1), (1, 0), (1, 1)]
SCALES = [1.0, 10.0, 100.0]


def lecture_truth_table(x1: int, x2: int) -> dict[str, int]:
    """The lecture's Boolean functions, with Python's own and/or/not."""
    h1 = int(bool(x1) or bool(x2))
    h2 = int(bool(x1) and bool(x2))
    return {
        "h1": h1,
        "h2": h2,
        "y": int(bool(h1) and not h2),
        "slide text": int(bool(h1) and not x2),
    }


def smallest_pre_activation(net: MLP) -> float:
    """The smallest |z| = |w . x + b| over every unit of ``net`` and every input."""
    out = []
    for x in INPUTS:
        hidden = [float(v) for v in x]
        for layer in net.layers:
            z = layer.weight() @ np.array(hidden) + layer.bias()
            out.extend(abs(z).tolist())
            hidden = [v.data for v in layer(hidden)]
    return min(out)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the threshold network; return its outputs, gradients and sigmoid approximation."""
    args = demo_parser("xor_threshold", __doc__).parse_args(argv)
    net = hand_wired_xor()
    print("hand-wired threshold network for XOR (weights from autograd_lite.demos.xor):")
    for name, value in HAND_WIRED.items():
        print(f"  {name:24s} {value:g}")
    print()

    rows, outputs, grads = [], [], []
    for x in INPUTS:
        hidden = net.layers[0]([float(v) for v in x])
        out = net([float(v) for v in x])
        lecture = lecture_truth_table(*x)
        rows += [
            Row(f"h1{x}", "x1 OR x2", lecture["h1"], hidden[0].data),
            Row(f"h2{x}", "x1 AND x2", lecture["h2"], hidden[1].data),
            Row(f"y{x}", "h1 AND NOT h2", lecture["y"], out.data),
        ]
        outputs.append(out.data)
        net.zero_grad()
        squared_error(out, float(x[0] ^ x[1])).backward()
        grads.append(max(abs(p.grad) for p in net.parameters()))
    truth = table("truth table: the lecture's Boolean functions vs the step network", rows)
    slide = [lecture_truth_table(*x)["slide text"] for x in INPUTS]
    xor_column = [a ^ b for a, b in INPUTS]
    print(
        f"\nthe slide's text says y = h1 AND NOT x2; on {INPUTS} that gives {slide}, "
        f"but XOR is {xor_column},\nso the output unit must read h2: y = h1 AND NOT h2"
    )
    closest = smallest_pre_activation(net)
    print(
        f"\nstep(0): nn uses seed 004's hard threshold, 1 if z > 0 else 0, so step(0) = 0;\n"
        "seeds 000 and 001 write step(0) = 1. Here no unit ever sees z = 0 (the smallest |z|\n"
        f"over all units and inputs is {closest:g}), so both conventions give the same table"
    )
    print(
        "\nthe step's derivative is 0: with loss 1/2 (y - t)^2, the largest |dloss/dw| over "
        f"all weights is {max(grads):g} at every input {grads}"
    )

    print("\nlogistic units approximate hard thresholds when weights and biases are scaled by k")
    print("(the gradients are no longer 0, but shrink as the sigmoids saturate):")
    approx_rows, approx = [], {}
    for k in SCALES:
        soft = MLP(2, [2, 1], activation="sigmoid", output_activation="sigmoid", seed=0)
        soft.load_state_dict({name: k * v for name, v in HAND_WIRED.items()})
        ys, gs = [], []
        for x in INPUTS:
            out = soft([float(v) for v in x])
            soft.zero_grad()
            squared_error(out, float(x[0] ^ x[1])).backward()
            ys.append(out.data)
            gs.append(max(abs(p.grad) for p in soft.parameters()))
        approx[k] = {"outputs": ys, "largest_grad": max(gs)}
        approx_rows += [
            Row(f"k={k:g}: y{x}", "x1 XOR x2", x[0] ^ x[1], y) for x, y in zip(INPUTS, ys)
        ]
        print(
            f"  k = {k:5g}: outputs {[round(y, 4) for y in ys]}, largest |dloss/dw| {max(gs):.3g}"
        )
    soft_rows = table("\nsigmoid(k z) network vs XOR", approx_rows)

    graph_net = hand_wired_xor()
    root = squared_error(graph_net([1.0, 0.0]), 1.0)
    root.label = "loss"
    root.backward()
    graphs = [
        write_graph(root, os.path.join(args.out, "graph.svg"), parameters=graph_net.parameters())
    ]
    plots = plot_or_skip(args.out, lambda plt: [_plot(plt, net, args.out)])
    return {
        "smallest_abs_z": closest,
        "slide_text": slide,
        "outputs": outputs,
        "largest_grads": grads,
        "sigmoid": approx,
        "rows": truth + soft_rows,
        "graphs": [p for p in graphs if p],
        "plots": plots,
    }


def _plot(plt: Any, net: MLP, out: str) -> str:
    """The input square: where the step network outputs 1, and its two hidden units' lines."""
    grid = np.linspace(-0.5, 1.5, 201)
    gx, gy = np.meshgrid(grid, grid)
    field = np.array([net([a, b]).data for a, b in zip(gx.ravel(), gy.ravel())]).reshape(gx.shape)
    fig, ax = plt.subplots(figsize=(5, 4.6), dpi=110)
    ax.imshow(field, origin="lower", extent=(-0.5, 1.5, -0.5, 1.5), cmap="Blues", vmin=0, vmax=2.5)
    line = np.array([-0.5, 1.5])
    ax.plot(line, 0.5 - line, "--", color="#dd8452", label="h1: x1 + x2 = 0.5 (OR)")
    ax.plot(line, 1.5 - line, "--", color="#c44e52", label="h2: x1 + x2 = 1.5 (AND)")
    for a, b in INPUTS:
        t = a ^ b
        ax.scatter(
            [a],
            [b],
            s=90,
            marker="s" if t else "o",
            c="black" if t else "white",
            edgecolors="black",
            zorder=3,
        )
        ax.annotate(f"XOR = {t}", (a, b), textcoords="offset points", xytext=(8, 8), fontsize=8)
    ax.set_xlim(-0.5, 1.5)
    ax.set_ylim(-0.5, 1.5)
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.set_title("step network: y = 1 on the shaded band, h1 AND NOT h2", fontsize=10)
    ax.legend(loc="upper right", fontsize=8, framealpha=0.9)
    return save_figure(plt, fig, os.path.join(out, "regions.png"))


if __name__ == "__main__":
    main()
