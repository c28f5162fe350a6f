"""Neurons read 0, 1, 2, ... from the top on whichever renderer draws them.

``graphviz-pure`` stacks a box's inner boxes last-declared on top, ``dot``
2.43 first-declared on top; the drawing asks the renderer which (a probe)
and declares a layer's neuron boxes to suit it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from autograd_lite import draw, to_svg
from autograd_lite.drawing.box_stacking import stacks_boxes_reversed

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"


def plain_layout(first_on_top: bool) -> str:
    """What ``dot -Tplain`` prints for the probe: a0..b2 in three rows, y growing upwards."""
    rows = [2.25, 1.4167, 0.5833] if first_on_top else [0.5833, 1.4167, 2.25]
    nodes = [f"node {n}{k} {x} {y} 0.75 0.5 {n}{k} solid ellipse black lightgrey"
             for k, y in enumerate(rows) for n, x in (("a", 0.7), ("b", 1.9))]  # fmt: skip
    return "\n".join(["graph 1 2.6 2.8", *nodes, "stop"])


def mlp_output(sizes: list[int]):
    import nn

    out = nn.MLP(2, sizes, seed=0)([2.0, -1.0])
    out = nn.total(out) if isinstance(out, list) else out
    out.backward()
    return out


def declared_neurons(source: str, layer: int) -> list[int]:
    """The neuron numbers of ``layer`` in the order their boxes are declared in DOT."""
    found = re.findall(rf'tooltip="layers\.{layer}\.neurons\.(\d+)"\n', source)
    return [int(k) for k in found]


def tops(svg: str, layer: int, width: int) -> list[float]:
    root = ET.fromstring(svg)
    found = {}
    for g in root.iter(f"{SVG}g"):
        a = g.find(f".//{SVG}a")
        title = a.get(f"{XLINK}title") if a is not None else None
        if g.get("class") == "cluster" and title and title.startswith(f"layers.{layer}.neurons."):
            outline = g.find(f".//{SVG}path").get("d")
            ys = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", outline)]
            found[int(title.rsplit(".", 1)[1])] = min(ys[1::2])
    return [found[k] for k in range(width)]


def test_graphviz_pure_is_found_to_stack_the_last_declared_box_on_top(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no dot: the pip-installed graphviz-pure
    assert stacks_boxes_reversed() is True
    source = draw(mlp_output([4, 1])).source
    assert declared_neurons(source, 0) == [3, 2, 1, 0]  # so that 0 ends on top


def test_a_renderer_that_keeps_the_declared_order_gets_the_neurons_in_index_order(
    monkeypatch, stand_in_dot
):
    layout = plain_layout(first_on_top=True)
    monkeypatch.setenv("PATH", str(stand_in_dot(f"cat >/dev/null\necho '{layout}'\n")))
    assert stacks_boxes_reversed() is False
    source = draw(mlp_output([4, 1])).source
    assert declared_neurons(source, 0) == [0, 1, 2, 3]


def test_a_renderer_that_fails_the_probe_is_taken_to_stack_like_graphviz_pure(
    monkeypatch, stand_in_dot
):
    monkeypatch.setenv("PATH", str(stand_in_dot("echo broken >&2\nexit 3\n")))
    assert stacks_boxes_reversed() is True


def test_a_renderer_that_prints_no_layout_is_taken_to_stack_like_graphviz_pure(
    monkeypatch, stand_in_dot
):
    monkeypatch.setenv("PATH", str(stand_in_dot("cat >/dev/null\necho 'graph 1 2 3'\n")))
    assert stacks_boxes_reversed() is True


def real_dot() -> str | None:
    dot = shutil.which("dot")
    if dot is None:
        return None
    done = subprocess.run([dot, "-V"], capture_output=True, text=True)
    return dot if "graphviz version" in done.stderr else None


@pytest.mark.skipif(real_dot() is None, reason="no Graphviz `dot` on PATH (CI has none)")
@pytest.mark.parametrize("sizes", [[4, 1], [12, 1], [3, 3, 3], [10, 4]])
def test_with_graphvizs_own_dot_the_neurons_are_in_index_order_too(sizes):
    svg = to_svg(mlp_output(sizes), max_nodes=None)
    for layer, width in enumerate(sizes):
        if width > 1:
            assert tops(svg, layer, width) == sorted(tops(svg, layer, width)), layer
