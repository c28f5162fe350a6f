"""Time to lay out a stepper's graph and make its frames; time to draw and render an MLP.

    python benchmarks/render.py            # --repeat N (default 3), --skip-static
    PATH=/path/to/graphviz/bin:$PATH python benchmarks/render.py   # dot too

Part 1, a stepper's pictures (what ``slides`` and ``trace --frames`` do):
for graphs of several sizes and shapes (a chain, a wide sum, a fan-out of
shared inputs, MLPs), the time of ``Stepper.layout()`` (every frame's
look, then one renderer call) and the time per frame (``frame_svg`` of
one step, from that layout), with each renderer found: ``dot`` when it is
on PATH, and ``graphviz-pure``. "fan-out, no copies" is the 30-line
expression drawn without copies of x and y: the shape that made
layered layout take minutes.

Part 2:

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
import os
import random
import re
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import graphviz  # noqa: E402

from autograd_lite import Value, draw, parse  # noqa: E402
from autograd_lite.drawing.renderer import (  # noqa: E402
    RenderError,
    find_renderer,
    pipe,
    pipe_drawing,
    script_dirs,
)
from autograd_lite.expression import output_of  # noqa: E402
from autograd_lite.play.stepper import Stepper  # noqa: E402

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


# --- part 1: one layout per stepper ---------------------------------------------------


def chain(n: int) -> Value:
    """n values in a row: x, then tanh(v * 0.9 + 0.1) again and again."""
    v = Value(0.5, label="x")
    for _ in range(n):
        v = (v * 0.9 + 0.1).tanh()
    return v


def wide(n: int) -> Value:
    """A sum of n products w_i * x_i: one wide layer."""
    total = Value(0.0, label="b")
    for i in range(n):
        total = total + Value(0.1 * i, label=f"w{i}") * Value(1.0 - 0.05 * i, label=f"x{i}")
    return total


def fan_out(lines: int) -> Value:
    """v1 = x*y + x; v2 = v1*y + x; ...: x and y feed every line."""
    text = "; ".join(["v1 = x*y + x"] + [f"v{k} = v{k - 1}*y + x" for k in range(2, lines + 1)])
    return output_of(parse(text, x=0.5, y=-1))


def interior_fan_out(lines: int) -> Value:
    """h = x * 2; v1 = x*y + h; v2 = v1*y + h; ...: a computed value h feeds every line."""
    steps = ["h = x * 2", "v1 = x*y + h"] + [f"v{k} = v{k - 1}*y + h" for k in range(2, lines + 1)]
    return output_of(parse("; ".join(steps), x=0.5, y=-0.5))


def mlp(sizes: list[int]) -> Value:
    try:
        from nn import MLP
    except ImportError:
        return hand_mlp([Value(x, label=f"x[{i}]") for i, x in enumerate(SAMPLE)], sizes)
    return MLP(2, sizes, seed=0)(list(SAMPLE))


SHAPES: list[tuple[str, Callable[[], Value], dict]] = [
    ("chain 10", lambda: chain(10), {}),
    ("chain 40", lambda: chain(40), {}),
    ("wide 10", lambda: wide(10), {}),
    ("wide 40", lambda: wide(40), {}),
    ("fan-out 10 lines", lambda: fan_out(10), {}),
    ("fan-out 30 lines", lambda: fan_out(30), {}),
    ("fan-out 30, no copies", lambda: fan_out(30), {"copies": False}),
    ("fan-out 30, computed h", lambda: interior_fan_out(30), {}),
    ("same, no copies", lambda: interior_fan_out(30), {"copies": False}),
    ("MLP(2,[4,1])", lambda: mlp([4, 1]), {}),
    ("MLP(2,[8,8,1])", lambda: mlp([8, 8, 1]), {}),
]
DECK = {"record": "compact", "scale": 1.5}  # how the slides draw


def renderers() -> list[tuple[str, str]]:
    """``(name, PATH)`` for each renderer to time: dot if on PATH, then graphviz-pure."""
    found = []
    if shutil.which("dot"):
        found.append(("dot", os.environ["PATH"]))
    pure = [d for d in script_dirs() if shutil.which("graphviz-pure", path=d)]
    if pure:
        found.append(("graphviz-pure", pure[0]))  # a PATH with no dot on it
    return found


def stepper_times(make: Callable[[], Value], options: dict, timeout: float) -> tuple:
    """``(steps, nodes drawn, layout s, ms per frame)`` of one fresh stepper."""
    stepper = Stepper(make(), notation="unicode")
    t = time.perf_counter()
    layout = stepper.layout(timeout=timeout, **DECK, **options)
    t_layout = time.perf_counter() - t
    frames = stepper.frames(**DECK, **options)
    t = time.perf_counter()
    for frame in frames:
        layout.svg(frame)
    t_frames = (time.perf_counter() - t) / len(frames)
    t = time.perf_counter()
    stepper.frames(**DECK, **options)
    t_looks = (time.perf_counter() - t) / len(frames)
    return len(stepper), len(layout.scene.nodes), t_layout, 1000 * (t_frames + t_looks)


def part_one(timeout: float) -> None:
    print("Part 1: a stepper's graph, laid out once; each frame from that layout")
    print(f"{'graph':<24}{'steps':>6}{'nodes':>7}{'renderer':>15}{'layout s':>10}{'frame ms':>10}")
    for name, path in renderers():
        saved = os.environ["PATH"]
        os.environ["PATH"] = path
        try:
            for label, make, options in SHAPES:
                try:
                    steps, nodes, t_layout, t_frame = stepper_times(make, options, timeout)
                    row = f"{t_layout:>10.2f}{t_frame:>10.2f}"
                except RenderError:  # past the timeout
                    steps, nodes = len(Stepper(make())), ""
                    row = f"{'> ' + format(timeout, 'g'):>10}{'':>10}"
                print(f"{label:<24}{steps:>6}{nodes:>7}{name:>15}{row}", flush=True)
        finally:
            os.environ["PATH"] = saved
    print()


def part_deck_and_player(repeat: int) -> None:
    """What a lecturer waits for: the whole deck and the notebook player of an MLP."""
    import nn
    from autograd_lite.slides import slides_html

    def graph() -> Any:
        model = nn.MLP(2, [8, 8, 1], seed=0)
        return nn.mse([model([2.0, -1.0])], [1.0])

    steps = len(Stepper(graph()))
    print(f"Deck and player: MLP(2, [8, 8, 1]) on one sample with MSE, {steps} steps")
    print(f"{'what':<24}{'s':>10}{'MB':>8}")
    for what, make in (
        ("deck (slides_html)", lambda: slides_html(graph())),
        ("player (_repr_html_)", lambda: Stepper(graph())._repr_html_()),
    ):
        seconds, html = median_time(make, repeat)
        print(f"{what:<24}{seconds:>10.2f}{len(html) / 1e6:>8.1f}", flush=True)
    print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement")
    parser.add_argument("--timeout", type=float, default=120, help="seconds per layout")
    parser.add_argument(
        "--skip-static", action="store_true", help="skip part 2 (part 1 and the deck and player)"
    )
    args = parser.parse_args(argv)

    part_one(args.timeout)
    part_deck_and_player(args.repeat)
    if args.skip_static:
        return 0
    print("Part 2: drawing and rendering MLP(2, [16, 16, 1]) on one sample")

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
        t_render, svg = median_time(lambda g=g: pipe_drawing(g, "svg"), args.repeat)
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
