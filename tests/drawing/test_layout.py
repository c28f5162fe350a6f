"""One layout per graph: a stepper's pictures hold still, and cost one renderer call.

Every frame's SVG is parsed back here and each node's bounding box is
computed from its own shapes, so the test holds whatever the renderer
does, as long as the picture does not move.
"""

from __future__ import annotations

import os
import re
import stat
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from autograd_lite import Value, parse
from autograd_lite.drawing.frame import frame_of
from autograd_lite.drawing.layout import Layout
from autograd_lite.drawing.renderer import find_renderer
from autograd_lite.drawing.scene_builder import build_scene
from autograd_lite.drawing.svg_template import LayoutError, SvgTemplate
from autograd_lite.expression import output_of
from autograd_lite.play.stepper import Stepper

SVG = "{http://www.w3.org/2000/svg}"
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")


def lecture() -> Stepper:
    return Stepper(output_of(parse("q = x + y; f = q * z", x=-2, y=5, z=-4)), notation="unicode")


def neuron() -> Stepper:
    values = parse(
        "o = tanh(x1*w1 + x2*w2 + b)", x1=2, x2=0, w1=-3, w2=1, b=6.8813735870195432
    )
    return Stepper(values["o"], notation="unicode")


def small_mlp() -> Stepper:
    import nn

    model = nn.MLP(2, [3, 1], seed=0)
    return Stepper(model([2.0, -1.0]), notation="unicode")


def boxes(svg: str) -> dict[str, tuple[float, float, float, float]]:
    """Each drawn node's bounding box, from the coordinates of its shapes and texts."""
    out = {}
    for g in ET.fromstring(svg).iter(f"{SVG}g"):
        if "node" not in g.get("class", "").split():
            continue
        xs, ys = [], []
        for shape in g.iter():
            tag = shape.tag.rpartition("}")[2]
            if tag in ("polygon", "polyline"):
                points = [float(v) for v in NUMBER.findall(shape.get("points"))]
                xs += points[0::2]
                ys += points[1::2]
            elif tag == "path":
                points = [float(v) for v in NUMBER.findall(shape.get("d"))]
                xs += points[0::2]
                ys += points[1::2]
            elif tag == "ellipse":
                cx, cy = float(shape.get("cx")), float(shape.get("cy"))
                rx, ry = float(shape.get("rx")), float(shape.get("ry"))
                xs += [cx - rx, cx + rx]
                ys += [cy - ry, cy + ry]
            elif tag == "text":
                xs.append(float(shape.get("x")))
                ys.append(float(shape.get("y")))
        out[g.get("data-id")] = (min(xs), min(ys), max(xs), max(ys))
    return out


def texts_of(svg: str, node_id: str) -> list[str]:
    for g in ET.fromstring(svg).iter(f"{SVG}g"):
        if g.get("data-id") == node_id:
            return [t.text or "" for t in g.iter(f"{SVG}text")]
    raise AssertionError(f"no node {node_id}")


@pytest.mark.parametrize("make", [lecture, neuron, small_mlp], ids=["lecture", "neuron", "mlp"])
def test_every_frame_keeps_every_node_where_the_first_frame_has_it(make):
    stepper = make()
    layout = stepper.layout()
    svgs = [layout.svg(frame) for frame in stepper.frames()]
    first = boxes(svgs[0])
    assert len(first) == len(stepper.scene().nodes)
    for k, svg in enumerate(svgs[1:], start=1):
        now = boxes(svg)
        assert now.keys() == first.keys()
        for node_id, box in first.items():
            assert now[node_id] == pytest.approx(box, abs=0.5), (k, node_id)


def test_only_texts_colours_and_highlights_change_and_they_follow_the_stepper():
    stepper = lecture()
    frames = stepper.frames()
    layout = stepper.layout()
    scene = stepper.scene()
    x = scene.id_of(stepper.node("x"))
    for position, frame in enumerate(frames):
        stepper.jump(position)
        svg = layout.svg(frame)
        grad = stepper.node("x").grad if stepper.node("x").grad_computed else None
        shown = texts_of(svg, x)
        # x is step 1 of the forward pass: before it, its data is blank (forward reveal)
        assert shown[0] == "x" and shown[1] == ("data" if position == 0 else "data \u22122")
        assert shown[2] == ("grad ?" if grad is None else f"grad {stepper.number(grad)}")
    # step 9, x̄ += q̄ · ∂q/∂x: x, q and the + between them are highlighted, x is written
    svg = layout.svg(frames[9])
    marked = {g.get("data-id") for g in ET.fromstring(svg).iter(f"{SVG}g")
              if " hl" in g.get("class", "")}  # fmt: skip
    q = stepper.node("q")
    assert marked >= {x, scene.id_of(q), scene.op_id_of(q)}
    assert f'id="{x}" class="node value hl target"' in svg


def test_a_stepper_lays_its_graph_out_with_one_renderer_call(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    if os.name != "posix":
        pytest.skip("uses a shell script as a stand-in for dot")
    log = tmp_path / "calls"
    fake = tmp_path / "dot"
    fake.write_text(f'#!/bin/sh\necho call >> "{log}"\nexec "{find_renderer()}" "$@"\n')
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", str(tmp_path))
    stepper = neuron()
    svgs = [stepper.frame_svg(k) for k in range(len(stepper) + 1)]
    assert len(svgs) == 21 and len(set(svgs)) == 21
    assert log.read_text().splitlines() == ["call"]


def test_frames_of_a_deck_use_prefixed_ids_that_stay_unique():
    stepper = lecture()
    layout = stepper.layout()
    a = layout.inline_svg(stepper.frame(3), id_prefix="s3-")
    b = layout.inline_svg(stepper.frame(4), id_prefix="s4-")
    ids = re.findall(r'(?<![\w-])id="([^"]+)"', a + b)
    assert len(ids) == len(set(ids)) and all(i.startswith(("s3-", "s4-")) for i in ids)
    ET.fromstring(a)  # well-formed


def test_the_widest_text_of_every_frame_fits_the_reserved_field():
    x = Value(1.0, label="x")
    f = (x * 1e-7).exp()  # grads from 1e-7 to 1: long and short numbers in one field
    stepper = Stepper(f)
    layout = stepper.layout()
    reserved = layout.reserved.nodes[stepper.scene().id_of(x)].fields
    assert reserved[2] == "grad 1e-07"  # wider than "grad ?" and "grad 1" in Helvetica


def test_a_renderer_svg_that_does_not_match_the_scene_is_an_error():
    x = Value(1.0, label="x")
    scene = build_scene(x * 2)
    frame = frame_of(scene)
    with pytest.raises(LayoutError, match=r"no group for nodes \['v0', 'v1', 'v2', 'o2'\]"):
        SvgTemplate('<svg xmlns="http://www.w3.org/2000/svg"><g id="v9"/></svg>', scene, frame)
    with pytest.raises(LayoutError, match="drew 0 texts in node v0, expected 3"):
        SvgTemplate('<svg xmlns="http://www.w3.org/2000/svg"><g id="v0"/></svg>', scene, frame)
    with pytest.raises(LayoutError, match="not well-formed"):
        SvgTemplate("<svg", scene, frame)
    assert Layout(scene, [frame]).svg(frame).count("data 1") == 1


def test_odd_labels_and_non_finite_numbers_survive_a_layout():
    a = Value(1.0, label='a|b{c}<d>"&')
    b = Value(1.0, label="two\nlines")
    a.data, b.data = float("inf"), float("nan")  # Value() refuses them; .data does not
    stepper = Stepper(a * b)
    svg = stepper.frame_svg(len(stepper))
    root = ET.fromstring(svg)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert 'a|b{c}<d>"&' in texts and "two" in texts and "lines" in texts
    assert "data inf" in texts and "data nan" in texts
