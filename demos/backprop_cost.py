"""The cost of backprop: the backward pass is about as expensive as two forward passes.

Grosse's CSC 411 lecture 10, "Computational Cost":

* forward: one add-multiply per weight, z_i = sum_j w_ij x_j + b_i;
* backward: two add-multiplies per weight, w_bar_ki = y_bar_k h_i and
  h_bar_i = sum_k y_bar_k w_ki;
* so the cost is linear in the number of layers and quadratic in the
  number of units per layer.

Nothing here is hard-coded: the demo walks each MLP's graph in topological
order and counts, for the forward pass, every ``w * x`` node (a multiply,
whose product the next ``+`` node adds in) and, for the backward pass, every
edge out of such a node into a node that needs a gradient (a parameter, an
input, or anything computed from them): each is one
``parent.grad += node.grad * local``.
Counting the gradients of the inputs x too (this engine computes them)
gives exactly two per weight; a network that needs no input gradients
saves one per first-layer weight. Last, the engine's own loop: one operation per node forwards, one
multiply-add per edge backwards.

    python -m autograd_lite.demos.backprop_cost [--out out/backprop_cost]
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

from autograd_lite.demos.plotting import save_figure
from autograd_lite.demos.report import Row, demo_parser, plot_or_skip, table

from autograd_lite import Value
from nn import MLP

ARCHITECTURES = [(16, [32, 32, 1]), (8, [8, 8, 8, 8, 1]), (32, [64, 1]), (64, [64, 64, 64, 10])]
WIDTHS, DEPTH = [4, 8, 16, 32, 64], 2
SEED = 0


def count(model: MLP, with_inputs: bool = False) -> dict[str, Any]:
    """Multiply-adds of one forward and one backward pass, counted on the graph.

    Returns totals and per-layer counts (by the layer of each weight).
    """
    nin = model.nin
    xs = [Value(0.1 * (i + 1), label=f"x[{i}]") for i in range(nin)]
    out = model(xs)
    outs = out if isinstance(out, list) else [out]
    root = outs[0]
    for o in outs[1:]:
        root = root + o  # one backward pass for every output
    order = root.topological_order()

    layer_of = {id(p): int(name.split(".")[1]) for name, p in model.named_parameters()}
    needs = {id(p) for p in model.parameters()}
    if with_inputs:
        needs |= {id(x) for x in xs}
    for node in order:  # parents come first, so one pass settles every node
        if any(id(p) in needs for p in node.parents):
            needs.add(id(node))

    forward, backward = Counter(), Counter()
    for node in order:
        if node.op != "*":
            continue
        weights = [p for p in node.parents if id(p) in layer_of]
        if not weights:
            continue
        layer = layer_of[id(weights[0])]
        forward[layer] += 1  # w * x, then one + adds it in
        backward[layer] += sum(1 for p in node.parents if id(p) in needs)
    interior = [n for n in order if n.parents]
    edges = sum(len(n.parents) for n in interior)
    return {
        "weights": sum(1 for name, _ in model.named_parameters() if ".w." in name),
        "first_layer_weights": sum(
            1
            for name, _ in model.named_parameters()
            if name.startswith("layers.0.") and ".w." in name
        ),
        "forward": sum(forward.values()),
        "backward": sum(backward.values()),
        "forward_per_layer": [forward[k] for k in range(len(model.layers))],
        "backward_per_layer": [backward[k] for k in range(len(model.layers))],
        "nodes": len(interior),
        "edges": edges,
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Count forward and backward multiply-adds on several MLPs; return the counts."""
    args = demo_parser("backprop_cost", __doc__).parse_args(argv)
    results, rows = [], []
    for nin, sizes in ARCHITECTURES:
        model = MLP(nin, sizes, activation="sigmoid", seed=SEED)
        c = count(model)
        c_in = count(model, with_inputs=True)
        W, W1 = c["weights"], c["first_layer_weights"]
        rows += table(
            f"\n{model} ({W} weights, {W1} in the first layer)",
            [
                Row("forward multiply-adds", "1 per weight = W", W, c["forward"]),
                Row("backward multiply-adds", "2 per weight = 2W", 2 * W, c_in["backward"]),
                Row("backward / forward", "2", 2.0, c_in["backward"] / c["forward"]),
                Row(
                    "  without input gradients",
                    "2W - W1 (x needs no gradient)",
                    2 * W - W1,
                    c["backward"],
                ),
            ],
        )
        print(
            f"  the engine's own loop: {c['nodes']} operations forward (one per node), "
            f"{c['edges']} multiply-adds backward (one per edge): {c['edges'] / c['nodes']:.2f}x"
        )
        c["backward_without_inputs"] = c.pop("backward")
        c["backward_per_layer"] = c_in["backward_per_layer"]
        results.append(
            {
                "model": repr(model),
                "name": f"MLP({nin}, {sizes})",
                **c,
                "backward": c_in["backward"],
            }
        )

    print(f"\ncost against width n for MLP(n, [n] * {DEPTH} + [1]): quadratic in n")
    scaling = []
    for n in WIDTHS:
        model = MLP(n, [n] * DEPTH + [1], activation="sigmoid", seed=SEED)
        c, c_in = count(model), count(model, with_inputs=True)
        scaling.append(
            {
                "width": n,
                "weights": c["weights"],
                "forward": c["forward"],
                "backward": c_in["backward"],
                "backward_without_inputs": c["backward"],
            }
        )
        print(
            f"  n = {n:3d}: weights {DEPTH}n^2 + n = {DEPTH * n * n + n:6d}; "
            f"forward {c['forward']:6d}, "
            f"backward {c_in['backward']:6d} ({c_in['backward'] / c['forward']:.2f}x; "
            f"without input gradients {c['backward']:6d})"
        )
    plots = plot_or_skip(args.out, lambda plt: [_plot(plt, results[0], scaling, args.out)])
    return {"architectures": results, "scaling": scaling, "rows": rows, "plots": plots}


def _plot(plt: Any, first: dict[str, Any], scaling: list[dict[str, int]], out: str) -> str:
    import numpy as np

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2), dpi=110)
    layers = np.arange(len(first["forward_per_layer"]))
    left.bar(layers - 0.2, first["forward_per_layer"], width=0.4, color="#4c72b0", label="forward")
    left.bar(
        layers + 0.2, first["backward_per_layer"], width=0.4, color="#c44e52", label="backward"
    )
    for k, (f, b) in enumerate(zip(first["forward_per_layer"], first["backward_per_layer"])):
        left.annotate(
            f"{b / f:.0f}x" if b % f == 0 else f"{b / f:.2f}x",
            (k + 0.2, b),
            ha="center",
            va="bottom",
            fontsize=8,
        )
    left.set_xticks(layers, [f"layer {k + 1}" for k in layers])
    left.set_ylabel("multiply-adds, counted on the graph")
    left.set_title(f"{first['name']}: multiply-adds per layer", fontsize=10)
    left.legend(fontsize=8)
    widths = np.array([s["width"] for s in scaling])
    right.loglog(widths, [s["forward"] for s in scaling], "o-", color="#4c72b0", label="forward")
    right.loglog(
        widths, [s["backward"] for s in scaling], "s-", color="#c44e52", label="backward (2x)"
    )
    right.loglog(widths, 2 * widths**2, "--", color="gray", label="2n² (slope 2)")
    right.set_xticks(widths, [str(w) for w in widths])
    right.minorticks_off()
    right.set_xlabel("units per layer n")
    right.set_ylabel("multiply-adds")
    right.set_title(f"MLP(n, [n] * {DEPTH} + [1]): quadratic in the width", fontsize=10)
    right.legend(fontsize=8)
    right.grid(alpha=0.3)
    return save_figure(plt, fig, os.path.join(out, "multiply_adds.png"))


if __name__ == "__main__":
    main()
