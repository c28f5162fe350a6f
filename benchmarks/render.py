"""Time to draw and render the graph of MLP(2, [16, 16, 1]) on one moons sample.

    python benchmarks/render.py            # --repeat N (default 3)

Three drawings of the same graph (the hinge loss of one sample, after
backward): the full graph (about 1,600 drawn nodes, above the default node
limit, so ``max_nodes=None``), ``collapse="neuron"`` and ``collapse="layer"``.
For each: the time to build the DOT source (``draw``) and to render it to SVG
(the renderer program included), medians over the repeats. "full, as
lecture" is the full graph with only what the anchor draws (no clusters,
edge numbers or colours).

The anchor, when micrograd 0.1.0 is installed (``pip install -e ".[bench]"``):
the same network in micrograd, drawn the way its lecture notebook does (one
record per value named by ``id()``, one node per op, no edge labels), built
here with the same ``graphviz`` package and rendered by the same program.
ratio = anchor time / our time (higher is better for us).

Uses ``nn.MLP`` when nn is importable, else an MLP of Values built here with
nn's labels (``layers.0.neurons.3.w.1``, outputs ``layers.0.neurons.3``).
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import graphviz  # noqa: E402

from autograd_lite import Value, draw  # noqa: E402
from autograd_lite.renderer import find_renderer, pipe  # noqa: E402

SAMPLE = (1.2, -0.45)  # a point of the moons data set, label +1
# What the lecture's drawing shows: no clusters, no edge numbers, no colours.
PLAIN = {"cluster": False, "local_grads": False, "color": None}
NODE_LINE = re.compile(r"^\s*[vom]\d+ \[", re.M)


def our_loss() -> tuple[Value, str]:
    try:
        from nn import MLP

        model = MLP(2, [16, 16, 1], seed=0)
        out = model(list(SAMPLE))
        source = "nn.MLP"
    except ImportError:
        out = hand_mlp([Value(x, label=f"x[{i}]") for i, x in enumerate(SAMPLE)])
        source = "hand-built MLP with nn's labels"
    loss = (1 + -1.0 * out).relu()
    loss.label = "loss"
    loss.backward()
    return loss, source


def hand_mlp(xs: list[Value], sizes: tuple[int, ...] = (16, 16, 1)) -> Value:
    rnd = random.Random(0)
    for li, nout in enumerate(sizes):
        outs = []
        for ni in range(nout):
            path = f"layers.{li}.neurons.{ni}"
            act = Value(0.0, label=f"{path}.b")
            for k, x in enumerate(xs):
                act = act + Value(rnd.gauss(0, len(xs) ** -0.5), label=f"{path}.w.{k}") * x
            out = act.relu() if li < len(sizes) - 1 else act
            out.label = path
            outs.append(out)
        xs = outs
    return xs[0]


def micrograd_loss() -> Any | None:
    try:
        from micrograd.engine import Value as MValue
        from micrograd.nn import MLP
    except ImportError:
        return None
    random.seed(0)
    model = MLP(2, [16, 16, 1])
    loss = (1 + -1.0 * model([MValue(x) for x in SAMPLE])).relu()
    loss.backward()
    return loss


def lecture_draw(root: Any) -> graphviz.Digraph:
    """The lecture notebook's way: walk _prev, name nodes by id(), records for values."""
    nodes, edges = set(), set()
    stack = [root]
    while stack:
        v = stack.pop()
        if v in nodes:
            continue
        nodes.add(v)
        for child in v._prev:
            edges.add((child, v))
            stack.append(child)
    g = graphviz.Digraph(graph_attr={"rankdir": "LR"})
    for n in nodes:
        uid = str(id(n))
        g.node(uid, label=f"{{ data {n.data:.4f} | grad {n.grad:.4f} }}", shape="record")
        if n._op:
            g.node(uid + n._op, label=n._op)
            g.edge(uid + n._op, uid)
    for a, b in edges:
        g.edge(str(id(a)), str(id(b)) + b._op)
    return g


def median_time(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement")
    args = parser.parse_args(argv)

    loss, built_from = our_loss()
    size = len(loss.topological_order())
    print(f"graph: {built_from}, {size} values; renderer: {find_renderer()}")
    print(f"{'drawing':<20}{'nodes':>7}{'draw s':>10}{'render s':>10}{'svg kB':>9}{'ratio':>8}")

    anchor = micrograd_loss()
    anchor_render = None
    if anchor is not None:
        t_draw, g = median_time(lambda: lecture_draw(anchor), args.repeat)
        t_render, svg = median_time(lambda: pipe(g.source, "svg"), args.repeat)
        anchor_render = t_render
        n = g.source.count("label=")  # one per node: its edges have none
        print(
            f"{'micrograd lecture':<20}{n:>7}{t_draw:>10.4f}{t_render:>10.3f}"
            f"{len(svg) / 1000:>9.0f}{'':>8}"
        )

    for name, options in (
        ("full", {"max_nodes": None}),
        ("full, as lecture", {"max_nodes": None, **PLAIN}),
        ("collapse=neuron", {"collapse": "neuron"}),
        ("collapse=layer", {"collapse": "layer"}),
    ):
        t_draw, g = median_time(lambda o=options: draw(loss, **o), args.repeat)
        t_render, svg = median_time(lambda g=g: pipe(g.source, "svg"), args.repeat)
        nodes = len(NODE_LINE.findall(g.source))
        ratio = ""
        if anchor_render is not None and name.startswith("full"):
            ratio = f"{anchor_render / t_render:.2f}"
        print(
            f"{name:<20}{nodes:>7}{t_draw:>10.4f}{t_render:>10.3f}{len(svg) / 1000:>9.0f}{ratio:>8}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
