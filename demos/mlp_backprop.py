"""Backprop for a multi-output MLP: the scalar graph's grads are the lecture's matrix equations.

Grosse's CSC 411 lecture 10 (seed 004, G20 scalar form and G21 vectorised
form), "Multilayer Perceptron (multiple outputs)", in vectorised form:

    forward:  z = W(1) x + b(1),  h = sigma(z),  y = W(2) h + b(2),  L = 1/2 ||t - y||^2
    backward: y_bar = y - t,  W(2)_bar = y_bar h^T,  b(2)_bar = y_bar,
              h_bar = W(2)^T y_bar,  z_bar = h_bar o sigma'(z),
              W(1)_bar = z_bar x^T,  b(1)_bar = z_bar

Read as a recursion over layers (a(0) = x, a(l) = f(z(l)), δ(l) = dL/dz(l), the
lecture's z_bar; seed 000's K18 "long chain to W¹"):

    δ(L) = y - t,  δ(l) = σ′(z(l)) ⊙ W(l+1)^T δ(l+1),
    dL/dW(l) = W̄(l) = δ(l) a(l-1)^T,  dL/db(l) = δ(l)

This demo builds ``MLP(3, [4, 4, 2], activation="sigmoid")`` (two hidden
layers, so the recursion runs twice), backpropagates through its scalar
graph, and prints, for the output layer entry by entry and then for every
hidden layer l as vectors and small matrices: z(l), ā(l) = W(l+1)^T δ(l+1),
σ′(z(l)), δ(l) (on a line that starts ``δ(l)``) and W̄(l), each as the
lecture's formula with numpy next to what the graph holds (the z nodes' data
and grads, the sigmoid edges' local derivatives, ``Layer.weight_grad()``).
W(l) has shape (nout, nin), as in the lecture and in ``nn``; the loss has the
lecture's 1/2, so y_bar = y - t. The lecture gives no numbers: the input,
target and weights (seed 0; biases drawn too) are our choice.

It then writes slide decks of the same loss, ``deck-by-neuron.html`` (a slide
per neuron per pass: δ = σ′(z)·ā, w̄ᵢ = δ·xᵢ) and ``deck-by-layer.html`` (a slide
per layer per pass, in the matrices above), and prints what the ``--by`` deck
says when backprop reaches layer 1 (``--by edge`` also writes
``deck-by-edge.html``, one chain-rule product per slide). Decks need a Graphviz
renderer (``dot`` or ``graphviz-pure``); without one the demo says so and goes on.

    python -m autograd_lite.demos.mlp_backprop [--out out/mlp_backprop] [--by edge|neuron|layer]
"""

from __future__ import annotations

import argparse
import os
import textwrap
from typing import Any

import numpy as np
from autograd_lite.demos.report import Row, demo_parser, table, write_graph

from autograd_lite import Value
from autograd_lite.drawing.viz import GraphTooLargeError, RendererNotFoundError, RenderError
from autograd_lite.play.coarse_steps import LEVELS
from autograd_lite.play.matrix_text import side_by_side
from autograd_lite.play.player import TooManyStepsError
from autograd_lite.play.slides import write_slides
from autograd_lite.play.stepper import Stepper
from nn import MLP, squared_error

X = [0.5, -1.2, 2.0]
T = [1.0, -0.5]
SIZES = [4, 4, 2]
SEED = 0
DECKS = ("neuron", "layer")
"""The decks always written; ``--by`` adds its own if it is another."""


def build() -> tuple[MLP, list[list[Value]], Value]:
    """The network (sigmoid hidden layers, linear output), every layer's outputs a(l) as
    Values, and the loss, after backward.

    >>> model, outputs, loss = build()
    >>> [len(a) for a in outputs], outputs[0][0].op, loss.grad
    ([4, 4, 2], 'sigmoid', 1.0)
    """
    model = MLP(len(X), SIZES, activation="sigmoid", seed=SEED)
    rng = np.random.default_rng(SEED + 1)
    state = model.state_dict()
    model.load_state_dict(
        {k: float(rng.normal(0, 0.5)) if k.endswith(".b") else v for k, v in state.items()}
    )
    outputs, a = [], X
    for layer in model.layers:  # what model(X) does, keeping each layer's outputs
        a = layer(a)
        outputs.append(a)
    loss = squared_error(outputs[-1], T)
    loss.label = "L"
    loss.backward()
    return model, outputs, loss


def lecture_backward(
    weights: list[np.ndarray], biases: list[np.ndarray], x: np.ndarray, t: np.ndarray
) -> dict[str, list[np.ndarray]]:
    """The lecture's recursion with numpy: z, a, σ′(z), ā, δ, dL/dW and dL/db for every layer.

    Lists are indexed from layer 1 (``a`` from a(0) = x); the output layer's
    σ′ is 1 (it is linear).

    >>> r = lecture_backward([np.eye(2)], [np.zeros(2)], np.array([1.0, 2.0]), np.zeros(2))
    >>> r["deltas"][0].tolist(), r["dW"][0].tolist()
    ([1.0, 2.0], [[1.0, 2.0], [2.0, 4.0]])
    """
    a, zs = [x], []
    for layer, (W, b) in enumerate(zip(weights, biases)):
        zs.append(W @ a[-1] + b)
        last = layer == len(weights) - 1
        a.append(zs[-1] if last else 1 / (1 + np.exp(-zs[-1])))
    slopes = [a[k] * (1 - a[k]) for k in range(1, len(weights))] + [np.ones_like(t)]
    a_bar = a[-1] - t  # y_bar = y - t (the loss has the 1/2)
    deltas, a_bars, dW, db = [], [], [], []
    for layer in reversed(range(len(weights))):
        delta = slopes[layer] * a_bar  # δ = σ′(z) ⊙ ā
        deltas.insert(0, delta)
        a_bars.insert(0, a_bar)
        dW.insert(0, np.outer(delta, a[layer]))  # δ a^T
        db.insert(0, delta)
        a_bar = weights[layer].T @ delta  # ā below = W^T δ
    return {
        "a": a,
        "z": zs,
        "slopes": slopes,
        "a_bars": a_bars,
        "deltas": deltas,
        "dW": dW,
        "db": db,
    }


def output_table(model: MLP, lecture: dict[str, list[np.ndarray]]) -> list[dict[str, Any]]:
    """The output layer entry by entry, in seed 004's scalar form."""
    y_bar = lecture["deltas"][-1]
    last, n = model.layers[-1], len(model.layers)
    return table(
        f"output layer W({n}), entry by entry (seed 004's scalar form; h = a({n - 1}))",
        [Row(f"y_bar[{k}]", "y_k - t_k", y_bar[k], v) for k, v in enumerate(last.bias_grad())]
        + [
            Row(f"W({n})_bar[{k},{i}]", f"y_bar_{k} h_{i}", lecture["dW"][-1][k, i], g)
            for (k, i), g in np.ndenumerate(last.weight_grad())
        ],
    )


PAD = 30
"""Width of the name-and-formula column of the recursion's lines."""


def vector_pair(symbol: str, formula: str, where: str, lecture: Any, graph: Any) -> float:
    """Print ``symbol = formula = [numpy]``, then under it ``graph: where = [graph]`` and
    the largest difference; return it.

    >>> vector_pair("δ(1)", "σ′(z) ⊙ ā", "z.grad", [0.5, -1.0], [0.5, -1.0])
    δ(1) = σ′(z) ⊙ ā              = [ 0.5  -1 ]
      graph: z.grad               = [ 0.5  -1 ]   |diff| 0e+00
    0.0
    """
    lecture, graph = np.asarray(lecture, dtype=float), np.asarray(graph, dtype=float)
    cells = [[f"{v:.6g}" for v in row] for row in (lecture, graph)]
    widths = [max(len(a), len(b)) for a, b in zip(*cells)]  # numpy's over the graph's
    gap = float(np.max(np.abs(lecture - graph)))
    rows = ["[ " + "  ".join(c.rjust(w) for c, w in zip(row, widths)) + " ]" for row in cells]
    print(f"{symbol} = {formula}".ljust(PAD) + f"= {rows[0]}")
    print(f"  graph: {where}".ljust(PAD) + f"= {rows[1]}   |diff| {gap:.0e}")
    return gap


def hidden_layer(
    model: MLP, outputs: list[list[Value]], lecture: dict[str, list[np.ndarray]], at: int
) -> dict[str, Any]:
    """Print hidden layer ``at`` (from 1): z, ā, σ′(z), δ and W̄, numpy over the graph's numbers;
    return the graph's numbers and the largest difference."""
    units, layer, k = outputs[at - 1], model.layers[at - 1], at - 1
    zs = [a.parents[0] for a in units]  # a = sigmoid(z): the z node is its one parent
    graph = {
        "layer": at,
        "z": [z.data for z in zs],
        "a_bar": [a.grad for a in units],
        "sigma_prime": [a.local_grads[0] for a in units],  # the sigmoid edge's da/dz
        "delta": [z.grad for z in zs],
        "weight_grad": layer.weight_grad().tolist(),
    }
    print(f"\nlayer {at}, hidden (nn's layers.{k}, {len(units)} sigmoid units)")
    z, a, up, down = f"z({at})", f"a({at})", f"({at + 1})", f"a({at - 1})"
    lines = [  # symbol, the lecture's formula, what the graph holds, its key
        (z, f"W({at}) {down} + b({at})", "z.data", "z"),
        (f"ā({at})", f"W{up}ᵀ δ{up}", "a.grad", "a_bar"),
        (f"σ′({z})", f"{a} ⊙ (1 − {a})", "∂a/∂z on each edge", "sigma_prime"),
        (f"δ({at})", f"σ′({z}) ⊙ ā({at})", "z.grad", "delta"),
    ]
    keys = {"z": "z", "a_bar": "a_bars", "sigma_prime": "slopes", "delta": "deltas"}
    gaps = [
        vector_pair(symbol, formula, where, lecture[keys[key]][k], graph[key])
        for symbol, formula, where, key in lines
    ]
    gaps.append(matrix_pair(f"W̄({at}) = δ({at}) {down}ᵀ", k, lecture["dW"][k], layer))
    graph["max_gap"] = max(gaps)
    return graph


def matrix_pair(title: str, k: int, lecture: np.ndarray, layer: Any) -> float:
    """Print the lecture's W̄ (numpy) beside the graph's ``layer.weight_grad()``; return the
    largest difference."""
    shape = "x".join(map(str, lecture.shape))
    blocks = [
        ("numpy", [[f"{v:.4g}" for v in row] for row in lecture]),
        ("graph", [[f"{v:.4g}" for v in row] for row in layer.weight_grad()]),
    ]
    gap = float(np.max(np.abs(lecture - layer.weight_grad())))
    print(f"{title} ({shape}); graph: layers.{k}.weight_grad()   |diff| {gap:.0e}")
    print("\n".join(side_by_side(blocks)))
    return gap


def deck_excerpt(stepper: Stepper, first_layer: list[Value]) -> tuple[str, list[str]]:
    """What the deck says when backprop reaches layer 1, as lines to print: its first slide
    about layer 1, or, by edge, the steps δ(1)ᵢ = σ′(zᵢ)·āᵢ (the edge from a(1)ᵢ to its z)."""
    if stepper.by == "edge":
        zs = {id(a.parents[0]) for a in first_layer}
        steps = [s.text for s in stepper.steps if s.target is not None and id(s.target) in zs]
        where = f"({len(stepper)} steps), the {len(steps)} that make δ(1)"
        return where, [wrapped for s in steps for wrapped in _wrap(s)]
    slide = next(
        c for c in stepper.coarse if c.kind == "backward" and getattr(c.unit, "layer", 0) == 1
    )
    lines = [wrapped for line in slide.lines for wrapped in _wrap(line)]
    where = (
        f"({len(stepper.coarse)} steps: a {stepper.by}, the inputs or the loss at a time),"
        f" back at {slide.title}"
    )
    return where, lines + [("  " + m).rstrip() for m in slide.matrices]


def _wrap(line: str) -> list[str]:
    return textwrap.wrap(line, 98, initial_indent="  ", subsequent_indent="      ")


def write_deck(loss: Value, path: str, by: str) -> str | None:
    """Write the slide deck of ``loss`` stepped ``by`` to ``path``; None, said why, if it can't."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    try:
        title = f"MLP({len(X)}, {SIZES}) backprop, by {by}"
        written = write_slides(loss, path, title, by=by, progress=False)
    except (RendererNotFoundError, RenderError, GraphTooLargeError, TooManyStepsError) as err:
        print(f"skipped the deck {path}: {err}")
        return None
    print(f"wrote {path}")
    return str(written)


def write_decks(loss: Value, out: str, by: str, first_layer: list[Value]) -> dict[str, str]:
    """The decks by neuron and by layer (and by ``by``), then what the ``by`` deck says about
    layer 1; returns the paths written, by level."""
    print("\nslide decks of this loss (open one in a browser: arrow keys step, O opens a step")
    print("by neuron or by layer into its edge steps):")
    decks = {}
    for level in dict.fromkeys([by, *DECKS]):
        path = write_deck(loss, os.path.join(out, f"deck-by-{level}.html"), level)
        if path:
            decks[level] = path
    stepper = Stepper(loss, by=by, notation="unicode")
    stepper.end()  # a new Stepper starts before the forward pass; put every grad back
    where, lines = deck_excerpt(stepper, first_layer)
    print(textwrap.fill(f"the deck by {by} {where}:", 98, subsequent_indent="    "))
    print("\n".join(lines))
    return decks


def layer_gaps(model: MLP, lecture: dict[str, list[np.ndarray]]) -> list[float]:
    """Print, for every layer, the largest |lecture formula - graph| of dL/dW and dL/db."""
    print("\nevery layer as matrices: largest |lecture formula - scalar graph|")
    gaps = []
    for k, layer in enumerate(model.layers, start=1):
        gW = float(np.max(np.abs(lecture["dW"][k - 1] - layer.weight_grad())))
        gb = float(np.max(np.abs(lecture["db"][k - 1] - layer.bias_grad())))
        gaps += [gW, gb]
        shape = "x".join(map(str, layer.weight().shape))
        print(f"  layer {k}: dL/dW = δ aᵀ ({shape})  {gW:.1e}    dL/db = δ  {gb:.1e}")
    return gaps


def _parser() -> argparse.ArgumentParser:
    """The demo's parser, with --by for the deck it quotes."""
    parser = demo_parser("mlp_backprop", __doc__)
    parser.add_argument(
        "--by",
        choices=LEVELS,
        default="neuron",
        help="step the deck it quotes by edge, neuron or layer (by neuron and by layer are "
        "always written)",
    )
    return parser


def _print_setup(model: MLP) -> None:
    """Print the network, our numbers and the conventions."""
    print(f"{model}:\nthe lecture's MLP with multiple outputs, with one more hidden layer")
    print(f"the lecture gives no numbers; we use x = {X}, t = {T}, weights from seed {SEED}")
    print(
        "W(l) is (nout, nin) and z = W x + b, as seed 004 and nn write it; "
        "L = 1/2 ||t - y||^2 has the\nlecture's 1/2 (nn.squared_error), so y_bar = y - t\n"
    )


def _recursion(
    model: MLP, outputs: list[list[Value]], lecture: dict[str, list[np.ndarray]]
) -> tuple[float, list[dict[str, Any]]]:
    """Print δ(l) from the output layer down; return the output gap and each hidden layer's."""
    n = len(model.layers)
    print("\nthe recursion, from the output down: δ(l) = ∂L/∂z(l), the lecture's z_bar")
    print("(each: the lecture's formula with numpy, then what autograd-lite's graph holds)")
    y_nodes = outputs[-1]  # layer n is linear: its outputs y are its z nodes
    out_gap = vector_pair(
        f"δ({n})", "y − t", "y.grad", lecture["deltas"][-1], [y.grad for y in y_nodes]
    )
    hidden = [hidden_layer(model, outputs, lecture, k) for k in reversed(range(1, n))][::-1]
    return out_gap, hidden


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Compare every layer's grads with the lecture's matrix equations; return the gaps."""
    args = _parser().parse_args(argv)
    model, outputs, loss = build()
    _print_setup(model)
    weights = [layer.weight() for layer in model.layers]
    biases = [layer.bias() for layer in model.layers]
    lecture = lecture_backward(weights, biases, np.array(X), np.array(T))
    out_rows = output_table(model, lecture)
    out_gap, hidden = _recursion(model, outputs, lecture)

    gaps = layer_gaps(model, lecture) + [r["gap"] for r in out_rows]
    print(f"largest difference over all {len(model.parameters())} parameters: {max(gaps):.1e}")
    largest = max(gaps + [out_gap] + [h["max_gap"] for h in hidden])
    print(f"and over every z, ā, σ′(z) and δ above too: {largest:.1e}")
    result = {
        "x": X,
        "t": T,
        "weights": [w.tolist() for w in weights],
        "biases": [b.tolist() for b in biases],
        "weight_grads": [layer.weight_grad().tolist() for layer in model.layers],
        "bias_grads": [layer.bias_grad().tolist() for layer in model.layers],
        "hidden_layers": hidden,
        "max_gap": largest,
        "loss": loss.data,
        "rows": out_rows,
    }
    print()
    graphs = [
        write_graph(loss, os.path.join(args.out, "graph.svg"), collapse="neuron", rankdir="LR")
    ]
    result["graphs"] = [p for p in graphs if p]
    result["decks"] = write_decks(loss, args.out, args.by, outputs[0])
    return result


if __name__ == "__main__":
    main()
