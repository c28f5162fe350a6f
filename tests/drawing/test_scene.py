"""The scene: stable ids, roles, copies of shared leaves, nn boxes with short names.

Pictures are checked by parsing the SVG the renderer wrote: where the
boxes and records ended up, read from their own coordinates.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from autograd_lite import Value, draw, parse, to_svg
from autograd_lite.drawing.scene_builder import build_scene
from autograd_lite.expression import output_of
from autograd_lite.play.stepper import Stepper

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"

THIRTY_LINES = "; ".join(["v1 = x*y + x"] + [f"v{k} = v{k - 1}*y + x" for k in range(2, 31)])


@pytest.fixture
def only_graphviz_pure(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The renderer every user has (CI has no `dot`): where it stacks boxes is checked."""
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


def test_ids_come_from_the_topological_order_and_are_the_same_every_time(lecture_graph):
    x, y, z, q, f = lecture_graph()
    scenes = [build_scene(f), build_scene(lecture_graph()[-1])]
    assert [list(s.nodes) for s in scenes] == [["v0", "v1", "v2", "o2", "v3", "v4", "o4"]] * 2
    s = scenes[0]
    assert (s.id_of(x), s.id_of(q), s.op_id_of(q), s.op_id_of(x)) == ("v0", "v2", "o2", None)
    assert [(e.tail, e.head, e.kind) for e in s.edges.values()] == [
        ("v0", "o2", "operand"), ("v1", "o2", "operand"), ("o2", "v2", "result"),
        ("v2", "o4", "operand"), ("v3", "o4", "operand"), ("o4", "v4", "result"),
    ]  # fmt: skip
    assert s.nodes["v0"].value is x and s.nodes["o4"].value is f
    # ids go into the DOT, so the SVG can be read by them
    svg = ET.fromstring(to_svg(f))
    drawn = {g.get("id") for g in svg.iter(f"{SVG}g")}
    assert set(s.nodes) | set(s.edges) <= drawn


def test_highlighting_an_edge_marks_both_operand_edges_of_a_times_a():
    a = Value(3.0, label="a")
    sq = a * a
    s = build_scene(sq)
    nodes, edges = s.highlight([a], [(a, sq)])
    assert nodes == {"v0", "o1"} and edges == {"e0", "e1", "e2"}
    with pytest.raises(ValueError, match="not a parent"):
        s.highlight([], [(Value(1.0), sq)])


def test_a_leaf_feeding_thirty_far_apart_nodes_is_drawn_as_copies_beside_each_use():
    values = parse(THIRTY_LINES, x=0.5, y=-1)
    x, y = values["x"], values["y"]
    s = build_scene(output_of(values))
    copies = [n for n in s.nodes.values() if n.kind == "copy"]
    of_x = [c for c in copies if c.value is x]
    of_y = [c for c in copies if c.value is y]
    assert len(of_x) == 31 and len(of_y) == 30  # one per use: v1 uses x twice, in two ops
    assert {c.text + " " + c.marker for c in of_x} == {"x \u2460"}
    assert {c.marker for c in of_y} == {"\u2461"}
    assert s.nodes[s.id_of(x)].marker == "\u2460"  # the record says which mark is its own
    # every edge out of x now starts at a copy next to its use, none at x's record
    assert not [e for e in s.edges.values() if e.tail == s.id_of(x)]
    assert sum(s.nodes[e.tail].value is x for e in s.edges.values()) == 31
    # drawn with the same fill as the record, and x ① written on it
    source = draw(output_of(values)).source
    record = re.search(rf"\b{s.id_of(x)} \[.*fillcolor=\"(#\w+)\"", source).group(1)
    copy = re.search(rf"\b{of_x[0].id} \[.*", source).group(0)
    assert f'fillcolor="{record}"' in copy and 'label="x \u2460"' in copy


INTERIOR_THIRTY = "h = x * 2; " + THIRTY_LINES.replace("+ x", "+ h")


def test_an_interior_value_feeding_thirty_far_apart_nodes_is_drawn_as_copies_too():
    values = parse(INTERIOR_THIRTY, x=0.5, y=-0.5)
    h, x = values["h"], values["x"]
    s = build_scene(output_of(values))
    of_h = [n for n in s.nodes.values() if n.kind == "copy" and n.value is h]
    assert len(of_h) == 30  # one per use, as for a leaf
    assert {c.text for c in of_h} == {"h"}
    assert {c.marker for c in of_h} == {s.nodes[s.id_of(h)].marker} != {""}  # h's own mark
    record, op = s.id_of(h), s.ops[h]
    # h keeps its operation, fed from x's record and the constant 2's
    into_h = sorted(s.nodes[e.tail].value.data for e in s.edges.values() if e.head == op)
    assert into_h == [0.5, 2.0] and s.id_of(x) in {e.tail for e in s.edges.values()}
    # and every edge out of h starts at a copy beside its use, none at h's record
    assert not [e for e in s.edges.values() if e.tail == record]
    assert sorted(e.tail for e in s.edges.values() if e.tail in {c.id for c in of_h}) == sorted(
        c.id for c in of_h
    )  # one edge out of each copy


def test_the_interior_fan_out_renders_with_its_record_before_its_copies(only_graphviz_pure):
    values = parse(INTERIOR_THIRTY, x=0.5, y=-0.5)
    h = values["h"]
    out = output_of(values)
    out.backward()
    s = build_scene(out)
    root = ET.fromstring(to_svg(out))
    xs = {}
    for g in root.iter(f"{SVG}g"):
        if g.get("class") == "node" and g.get("id"):
            xs[g.get("id")] = min(float(t.get("x")) for t in g.iter(f"{SVG}text"))
    copies = [n.id for n in s.nodes.values() if n.kind == "copy" and n.value is h]
    assert len(copies) == 30 and set(copies) <= xs.keys()  # every copy is drawn
    assert xs[s.id_of(h)] < min(xs[c] for c in copies)  # h's record, then its uses


def test_small_fan_out_stays_one_node_with_edges():
    values = parse("f = x * y + exp(x * y)", x=0.5, y=-1.5)
    s = build_scene(values["f"])
    assert not [n for n in s.nodes.values() if n.kind == "copy"]
    assert not build_scene(output_of(parse(THIRTY_LINES, x=0.5, y=-1)), copies=False).anchors


# --- nn ---------------------------------------------------------------------------


def mlp(sizes: list[int]) -> Value:
    """An MLP's output (the sum of its outputs if it has several), backpropagated."""
    import nn

    out = nn.MLP(2, sizes, seed=0)([2.0, -1.0])
    if isinstance(out, list):
        out = nn.total(out)
    out.backward()
    return out


def test_nn_nodes_show_short_names_with_the_full_path_as_tooltip():
    out = mlp([4, 1])
    svg = ET.fromstring(to_svg(out))
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    for short in ("layer 0", "neuron 3", "w0", "w1", "b"):
        assert short in texts
    assert not [t for t in texts if t and t.startswith("layers.")]
    tips = {a.get(f"{XLINK}title") for a in svg.iter(f"{SVG}a")}
    assert {"layers.0.neurons.3.w.0", "layers.0.neurons.3", "layers.1.neurons.0.b"} <= tips


def test_nn_narration_uses_short_names_that_tell_every_node_apart():
    out = mlp([4, 1])
    s = Stepper(out, notation="unicode")
    names = set(s.names.values())
    assert {"L0.N3.w0", "L0.N3.b", "L0.N3", "L1.N0", "x[0]"} <= names
    assert len(names) == len(s.order)
    assert not [n for n in names if "layers." in n or "neurons." in n]
    text = s.narration()
    assert "layers." not in text and "L0.N3.w\u03040 += " in text


def box_of(root: ET.Element, title: str) -> tuple[float, float, float, float]:
    """The box (x0, y0, x1, y1) of the cluster or node whose tooltip is ``title``."""
    for g in root.iter(f"{SVG}g"):
        a = g.find(f".//{SVG}a")
        drawn = g.get("class") in ("cluster", "node")
        if drawn and a is not None and a.get(f"{XLINK}title") == title:
            nums = [float(v) for s in g.iter() for v in re.findall(
                r"-?\d+(?:\.\d+)?", s.get("points") or s.get("d") or "")]  # fmt: skip
            if nums:
                return min(nums[0::2]), min(nums[1::2]), max(nums[0::2]), max(nums[1::2])
    raise AssertionError(f"nothing drawn with the tooltip {title!r}")


def node_at(root: ET.Element, first_text: str) -> tuple[float, float]:
    for g in root.iter(f"{SVG}g"):
        texts = [t for t in g.iter(f"{SVG}text")]
        if "node" in g.get("class", "") and texts and texts[0].text == first_text:
            return float(texts[0].get("x")), float(texts[0].get("y"))
    raise AssertionError(first_text)


def test_expanded_mlp_neurons_in_index_order_and_inputs_left_of_the_first_layer(
    only_graphviz_pure: None,
):
    out = mlp([4, 1])
    root = ET.fromstring(to_svg(out))
    tops = [box_of(root, f"layers.0.neurons.{k}")[1] for k in range(4)]
    assert tops == sorted(tops)  # neuron 0 at the top, then 1, 2, 3 (SVG y grows down)
    layer0, layer1 = box_of(root, "layers.0"), box_of(root, "layers.1")
    assert layer1[0] > layer0[2]  # the next layer to the right, not above or below
    for name in ("x[0] \u2460", "x[1] \u2461"):
        x, _ = node_at(root, name)
        assert x < layer0[0], name  # the input's record stands left of the first layer


@pytest.mark.parametrize("sizes", [[4, 1], [16, 16, 1], [8, 3], [6, 2], [7, 5, 2]])
def test_collapsed_mlp_neurons_in_index_order(sizes):
    out = mlp(sizes)
    root = ET.fromstring(to_svg(out, collapse="neuron"))
    for layer, width in enumerate(sizes):
        ys = [box_of(root, f"layers.{layer}.neurons.{k}")[1] for k in range(width)]
        assert ys == sorted(ys), layer  # today's bug: 7 ... 0, 15 ... 8


@pytest.mark.parametrize(
    "sizes", [[3, 3, 3], [6, 2], [8, 8, 1], [2, 2], [5, 5, 1], [12, 1], [10, 4], [32, 1]]
)
def test_expanded_mlp_neurons_in_index_order_in_every_layer(sizes, only_graphviz_pure: None):
    out = mlp(sizes)
    root = ET.fromstring(to_svg(out, max_nodes=None))
    for layer, width in enumerate(sizes):
        if width > 1:
            tops = [box_of(root, f"layers.{layer}.neurons.{k}")[1] for k in range(width)]
            assert tops == sorted(tops), layer


@pytest.mark.slow
def test_the_full_graph_of_an_mlp_16_16_1_loss_renders(only_graphviz_pure: None):
    import nn

    out = nn.MLP(2, [16, 16, 1], seed=0)([1.2, -0.45])
    loss = (1 + -1.0 * out).relu()
    loss.backward()
    texts = [t.text for t in ET.fromstring(to_svg(loss, max_nodes=None)).iter(f"{SVG}text")]
    # layers 0 and 1 each: the box of neuron 15 and its output record (it once lost an edge)
    assert texts.count("neuron 15") == 4 and "layer 2" in texts
