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

Reuse. Y. Pan (seed 003, P20): backpropagation "is just taking gradient by
chain rule with careful ordering to avoid repeat computations"; Grosse (seed
004, G26) asks "what are the disadvantages" of the calculus-class derivation,
which writes each of dL/dw and dL/db out in full and so computes the common
factor (sigma(wx + b) - t) sigma'(wx + b) once for each. The demo counts both
ways on the same graph, the lecture's loss 1/2 (y - t)^2 on
``MLP(n, [n] * (L - 1) + [1])`` with sigmoid hidden units, L = 1..8 layers:

* naive: every dL/dw on its own, as the sum over every path from L down to w
  of the product of the local derivatives on the path, starting from
  dL/dL = 1: one multiply per edge of each path, shared prefixes recomputed
  for every parameter and every path (a counter in the demo's own code);
* backprop: one reverse topological pass, one ``node.grad * local`` per edge
  of the engine's graph (all of them, even those into x, t and the constant
  1/2, as the engine's loop does).

Both give the same gradients. The closed forms, from the graph nn builds (a
unit is b + w0 x0 + w1 x1 + ..., a chain of adds, then the sigmoid; the loss
head is 1/2 * (t - y)**2, 3 edges down to y):

* n = 1, a chain: the path to the weight of layer j is 3 + 2 (output unit)
  + 3 per sigmoid unit in between + 3, so lengths 5, 8, 11, ... and the
  biases' one less: naive 3L^2 + 6L, quadratic in depth; backprop
  5 edges per sigmoid unit, 4 for the linear output, 5 in the head: 5L + 4.
* n = 2: each layer doubles the paths to everything below it (3 * 2^L - 3
  paths in all), and their lengths grow with depth: naive
  (21L - 10) 2^(L-1) + 5, exponential in depth; backprop 9 edges per unit,
  8 for the output, 5 in the head: 18L - 5, linear in depth (G22).

The widths, the depths, the input 0.1, 0.2, ... and t = 1 are our choice.

    python -m autograd_lite.demos.backprop_cost [--out out/backprop_cost]
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

from autograd_lite.demos.plotting import save_figure
from autograd_lite.demos.report import Row, demo_parser, plot_or_skip, table

from autograd_lite import Value
from nn import MLP, squared_error

ARCHITECTURES = [(16, [32, 32, 1]), (8, [8, 8, 8, 8, 1]), (32, [64, 1]), (64, [64, 64, 64, 10])]
WIDTHS, DEPTH = [4, 8, 16, 32, 64], 2
SEED = 0
REUSE_WIDTHS, REUSE_DEPTHS, TARGET = (1, 2), range(1, 9), 1.0

CLOSED_FORMS: dict[int, tuple[str, Callable[[int], int], str, Callable[[int], int]]] = {
    1: ("3L^2 + 6L", lambda L: 3 * L * L + 6 * L, "5L + 4", lambda L: 5 * L + 4),
    2: (
        "(21L - 10) 2^(L-1) + 5",
        lambda L: (21 * L - 10) * 2 ** (L - 1) + 5,
        "18L - 5",
        lambda L: 18 * L - 5,
    ),
}
"""width: (naive formula, naive(L), backprop formula, backprop(L)), derived in the docstring."""


def _graph_of(model: MLP) -> tuple[list[Value], list[Value]]:
    """The inputs 0.1, 0.2, ... and the topological order of the sum of the model's outputs."""
    xs = [Value(0.1 * (i + 1), label=f"x[{i}]") for i in range(model.nin)]
    out = model(xs)
    outs = out if isinstance(out, list) else [out]
    root = outs[0]
    for o in outs[1:]:
        root = root + o  # one backward pass for every output
    return xs, root.topological_order()


def _needing_grad(model: MLP, order: list[Value], xs: list[Value], with_inputs: bool) -> set[int]:
    """Ids of the nodes that need a gradient: parameters (and inputs) and all computed from them."""
    needs = {id(p) for p in model.parameters()}
    if with_inputs:
        needs |= {id(x) for x in xs}
    for node in order:  # parents come first, so one pass settles every node
        if any(id(p) in needs for p in node.parents):
            needs.add(id(node))
    return needs


def _multiply_adds(
    order: list[Value], layer_of: dict[int, int], needs: set[int]
) -> tuple[Counter, Counter]:
    """Forward and backward multiply-adds per layer, from the ``w * x`` nodes of the graph."""
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
    return forward, backward


def count(model: MLP, with_inputs: bool = False) -> dict[str, Any]:
    """Multiply-adds of one forward and one backward pass, counted on the graph.

    Returns totals and per-layer counts (by the layer of each weight).
    """
    xs, order = _graph_of(model)
    layer_of = {id(p): int(name.split(".")[1]) for name, p in model.named_parameters()}
    needs = _needing_grad(model, order, xs, with_inputs)
    forward, backward = _multiply_adds(order, layer_of, needs)
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


def paths_to(root: Value, target: Value) -> Iterator[list[float]]:
    """Every path from ``root`` down to ``target``, as the local derivatives along it.

    >>> x = Value(3.0)
    >>> sorted(paths_to(x * x + x, x))  # two edges into x * x, one straight to x
    [[1.0], [1.0, 3.0], [1.0, 3.0]]
    """
    below = {id(target)}  # target and every node computed from it
    for node in root.topological_order():
        if any(id(p) in below for p in node.parents):
            below.add(id(node))
    stack: list[tuple[Value, list[float]]] = [(root, [])]
    while stack:
        node, path = stack.pop()
        if node is target:
            yield path
            continue
        for parent, local in zip(node.parents, node.local_grads):
            if id(parent) in below:
                stack.append((parent, path + [local]))


def naive_gradients(root: Value, params: list[Value]) -> dict[str, Any]:
    """Each d root/dw on its own: the sum over paths of the product of local derivatives.

    Nothing is shared between parameters or paths; every multiply is counted.

    >>> w, b = Value(2.0), Value(1.0)
    >>> r = naive_gradients((w * 3.0 + b) * (w * 3.0 + b), [w, b])
    >>> r["grads"], r["multiplies"], r["paths"]  # d(3w + b)^2: 2 (3w + b) 3 and 2 (3w + b)
    ([42.0, 14.0], 10, 4)
    """
    grads, multiplies, paths = [], 0, 0
    for w in params:
        total_over_paths = 0.0
        for path in paths_to(root, w):
            product = 1.0  # dL/dL
            for local in path:
                product *= local
                multiplies += 1
            total_over_paths += product
            paths += 1
        grads.append(total_over_paths)
    return {"grads": grads, "multiplies": multiplies, "paths": paths}


def reuse(width: int, depth: int) -> dict[str, Any]:
    """Naive chain-rule products against one backward pass, on a net of ``depth`` layers."""
    model = MLP(width, [width] * (depth - 1) + [1], activation="sigmoid", seed=SEED)
    loss = squared_error(model([0.1 * (i + 1) for i in range(width)]), TARGET)
    params = model.parameters()
    naive = naive_gradients(loss, params)
    model.zero_grad()
    loss.backward()
    gap = max(abs(g - p.grad) for g, p in zip(naive["grads"], params))
    edges = sum(len(node.parents) for node in loss.topological_order())
    return {
        "width": width,
        "depth": depth,
        "parameters": len(params),
        "paths": naive["paths"],
        "naive": naive["multiplies"],
        "backward": edges,
        "gap": gap,
    }


def print_reuse(width: int) -> list[dict[str, Any]]:
    """The table of naive against backprop multiplies for one width, depths 1..8."""
    naive_form, naive_of, back_form, back_of = CLOSED_FORMS[width]
    shape = "a chain" if width == 1 else f"width {width}"
    print(
        f"\nreuse, MLP({width}, [{width}] * (L - 1) + [1]) ({shape}): "
        f"naive = {naive_form}, backprop = {back_form}"
    )
    print("   L  params  paths   naive  (closed form)  backprop  (closed form)  naive/backprop")
    found = []
    for depth in REUSE_DEPTHS:
        r = reuse(width, depth)
        found.append(r)
        print(
            f"  {depth:2d}  {r['parameters']:6d}  {r['paths']:5d}  {r['naive']:6d}  "
            f"{naive_of(depth):13d}  {r['backward']:8d}  {back_of(depth):12d}  "
            f"{r['naive'] / r['backward']:14.1f}"
        )
    print(
        "  both give the same gradients: largest |naive - backward()| = "
        f"{max(r['gap'] for r in found):.0e}"
    )
    return found


def _architecture(nin: int, sizes: list[int]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Print one architecture's table and engine-loop line; return its counts and rows."""
    model = MLP(nin, sizes, activation="sigmoid", seed=SEED)
    c = count(model)
    c_in = count(model, with_inputs=True)
    W, W1 = c["weights"], c["first_layer_weights"]
    rows = table(
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
    name = f"MLP({nin}, {sizes})"
    return {"model": repr(model), "name": name, **c, "backward": c_in["backward"]}, rows


def _scaling() -> list[dict[str, int]]:
    """Print and return the counts for MLP(n, [n] * DEPTH + [1]) over WIDTHS."""
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
    return scaling


def _reuse_tables() -> dict[int, list[dict[str, Any]]]:
    """Print the naive-against-backprop tables for each width in REUSE_WIDTHS, with comments."""
    print(
        "\nreuse (seed 003, P20; seed 004, G26): each dL/dw by its own chain-rule product "
        "along every path,\nagainst one backward pass; multiplies of local derivatives, "
        "counted as the code runs"
    )
    reused = {width: print_reuse(width) for width in REUSE_WIDTHS}
    print(
        "  L = 1 is seed 004's calculus-class way: dL/dw and dL/db each recompute their common\n"
        "  factor dL/dz (there (y - t) sigma'(z)). Deeper, the naive way recomputes every shared\n"
        "  prefix for every parameter and every path; backprop computes each node's dL/dnode\n"
        "  once and reuses it for every edge below: linear in depth, as G22 says."
    )
    return reused


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Count forward and backward multiply-adds on several MLPs; return the counts."""
    args = demo_parser("backprop_cost", __doc__).parse_args(argv)
    results, rows = [], []
    for nin, sizes in ARCHITECTURES:
        result, found_rows = _architecture(nin, sizes)
        results.append(result)
        rows += found_rows
    scaling = _scaling()
    reused = _reuse_tables()
    plots = plot_or_skip(
        args.out,
        lambda plt: [_plot(plt, results[0], scaling, args.out), _plot_reuse(plt, reused, args.out)],
    )
    return {
        "architectures": results,
        "scaling": scaling,
        "reuse": {str(width): found for width, found in reused.items()},
        "rows": rows,
        "plots": plots,
    }


def _plot_reuse(plt: Any, reused: dict[int, list[dict[str, Any]]], out: str) -> str:
    fig, ax = plt.subplots(figsize=(6, 4.2), dpi=110)
    for (width, found), color in zip(reused.items(), ("#4c72b0", "#c44e52")):
        depths = [r["depth"] for r in found]
        name = "chain (n = 1)" if width == 1 else f"width n = {width}"
        ax.semilogy(depths, [r["naive"] for r in found], "o-", color=color, label=f"naive, {name}")
        ax.semilogy(
            depths, [r["backward"] for r in found], "s--", color=color, label=f"backprop, {name}"
        )
    ax.set_xlabel("layers L")
    ax.set_ylabel("multiplies of local derivatives")
    ax.set_title("each dL/dw on its own vs one backward pass", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return save_figure(plt, fig, os.path.join(out, "reuse.png"))


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
