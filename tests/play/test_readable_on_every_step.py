"""Readable from the back of a hall, measured in Chromium on every step.

For the lecture's graph, the tanh neuron with micrograd's names and
MLP(2, [4, 1]) on one sample with MSE, a deck at 1280 x 720 and at
1024 x 768 shows every graph text on screen (not hidden, not covered:
the overview's included) at 18 px or more: font size times the screen
transform. The chain-rule line and the table stay at 17 px or more, every
text has a contrast of 4.5:1 or more on the fill behind it, and the nodes
an edge step talks about are in view. MLP(2, [16, 16, 1]) by neuron: the
detail and the step's nodes at 18 px, the overview at 12. A notebook
output 500 px wide: 12 px.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import nn
from autograd_lite.play.slides import slides_html
from autograd_lite.play.stepper import Stepper

pytestmark = pytest.mark.slow

MEASURE = (Path(__file__).parent / "readable_measure.js").read_text(encoding="utf-8")


def lecture_graph():
    from autograd_lite import Value

    x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
    q = x + y
    q.label = "q"
    f = q * z
    f.label = "f"
    return f


def mlp_loss(hidden=(4,)):
    model = nn.MLP(2, [*hidden, 1], activation="tanh", seed=0)
    return nn.mse([model([2.0, -1.0])], [1.0])


def walk(browser, tmp_path: Path, html: str, size: tuple[int, int], wait: int = 20):
    """Every position the arrow key reaches, measured once the detail is there (a reader
    who asks for reduced motion: the detail moves at once; the end is the same)."""
    path = tmp_path / "deck.html"
    path.write_text(html, encoding="utf-8")
    ctx = browser.new_context(
        viewport={"width": size[0], "height": size[1]}, reduced_motion="reduce"
    )
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_selector("[data-agl-ready]")
    seen = []
    try:
        while True:
            page.wait_for_timeout(wait)
            now = page.evaluate(MEASURE)
            seen.append(now)
            if seen[-1]["end"]:
                break
            page.keyboard.press("ArrowRight")
        frame = page.evaluate(
            "() => document.querySelector('[data-agl-ready]').getBoundingClientRect().toJSON()"
        )
    finally:
        ctx.close()
    assert errors == []
    return seen, frame


def least(seen: list[dict], key: str) -> tuple[float, int, str]:
    """The smallest size of `key` over every step: (px, step, its text)."""
    return min(((s[key][0], s["step"], s[key][1]) for s in seen if s[key]), default=(99, -1, ""))


def assert_readable(seen: list[dict], graph: float, overview: float) -> None:
    assert least(seen, "graph")[0] >= graph - 0.01, least(seen, "graph")
    assert least(seen, "overview")[0] >= overview - 0.01, least(seen, "overview")
    assert least(seen, "line")[0] >= 17 - 0.01, least(seen, "line")
    assert least(seen, "table")[0] >= 17 - 0.01, least(seen, "table")
    assert least(seen, "contrast")[0] >= 4.5, least(seen, "contrast")
    assert [(s["step"], s["away"]) for s in seen if s["away"]] == []
    assert all(s["graph"] for s in seen[1:]), "a step with no graph text in view"


GRAPHS = {"lecture": lecture_graph, "tanh neuron": "micrograd", "MLP(2, [4, 1])": mlp_loss}


@pytest.mark.parametrize("size", [(1280, 720), (1024, 768)], ids=["16:9", "4:3"])
@pytest.mark.parametrize("name", list(GRAPHS))
def test_every_step_reads_at_18px_with_417_contrast(
    browser, tmp_path, micrograd_neuron, name, size
):
    make = GRAPHS[name]
    root = micrograd_neuron() if make == "micrograd" else make()
    steps = len(Stepper(root))
    seen, frame = walk(browser, tmp_path, slides_html(root), size)
    assert [s["step"] for s in seen] == list(range(steps + 1))
    assert_readable(seen, graph=18, overview=18)
    # by edge too, the neuron a step's node or target belongs to is lit in the overview
    assert [s["step"] for s in seen if s["owned"] and not s["lit"]] == []
    if name == "MLP(2, [4, 1])":
        assert sum(s["owned"] for s in seen) > 80
    assert frame["height"] == pytest.approx(size[1], abs=1)  # the whole height: no bars
    assert frame["width"] == pytest.approx(size[0], abs=1)


@pytest.mark.parametrize("by", ["neuron", "layer"])
def test_mlp_by_neuron_and_layer_reads_at_18px(browser, tmp_path, by):
    seen, _ = walk(browser, tmp_path, slides_html(mlp_loss(), by=by), (1280, 720))
    assert len(seen) == len(Stepper(mlp_loss(), by=by).coarse) + 1
    assert_readable(seen, graph=18, overview=18)


def test_a_16_16_1_network_by_neuron_detail_at_18px_overview_at_12(browser, tmp_path):
    html = slides_html(mlp_loss((16, 16)), by="neuron", max_steps=None, max_nodes=None)
    seen, _ = walk(browser, tmp_path, html, (1280, 720))
    assert len(seen) == len(Stepper(mlp_loss((16, 16)), by="neuron").coarse) + 1
    assert_readable(seen, graph=18, overview=12)
    assert all(s["lit"] for s in seen[1:] if s["unit"]), "a neuron's step with no lit node"


NOTEBOOK = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>nb</title>
<style>body {{ margin: 0; }} .out {{ width: 500px; padding: 0; }}</style></head>
<body><div class="out">{}</div></body></html>"""


@pytest.mark.parametrize("name", list(GRAPHS))
def test_a_500px_notebook_output_reads_at_12px(browser, tmp_path, micrograd_neuron, name):
    make = GRAPHS[name]
    root = micrograd_neuron() if make == "micrograd" else make()
    html = NOTEBOOK.format(Stepper(root)._repr_html_())
    path = tmp_path / "nb.html"
    path.write_text(html, encoding="utf-8")
    ctx = browser.new_context(viewport={"width": 800, "height": 900}, reduced_motion="reduce")
    page = ctx.new_page()
    try:
        page.goto(path.as_uri())
        page.wait_for_selector("[data-agl-ready]")
        page.click("[data-agl-ready]", position={"x": 5, "y": 5})
        seen = []
        for _ in range(len(Stepper(root).steps) + 1):
            page.wait_for_timeout(20)
            seen.append(page.evaluate(MEASURE))
            page.keyboard.press("ArrowRight")
    finally:
        ctx.close()
    assert least(seen, "graph")[0] >= 12 - 0.01, least(seen, "graph")
    assert least(seen, "overview")[0] >= 12 - 0.01, least(seen, "overview")
    assert least(seen, "contrast")[0] >= 4.5, least(seen, "contrast")


def test_the_detail_slides_to_the_next_step_within_400ms(browser, tmp_path):
    """Without reduced motion the detail's window moves over 300 ms: midway it is between
    the two steps' windows, and by 400 ms it has arrived."""
    path = tmp_path / "deck.html"
    path.write_text(slides_html(mlp_loss()), encoding="utf-8")
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    page = ctx.new_page()
    view = "() => document.querySelector('.agl-graph svg.agl-drawing').getAttribute('viewBox')"
    try:
        page.goto(f"{path.as_uri()}#s20")
        page.wait_for_selector("[data-agl-ready]")
        page.wait_for_timeout(400)
        before = page.evaluate(view)
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(120)
        during = page.evaluate(view)
        page.wait_for_timeout(400)
        after = page.evaluate(view)
    finally:
        ctx.close()
    start, mid, end = ([float(v) for v in w.split()] for w in (before, during, after))
    assert start != end and mid not in (start, end)
    assert all(min(a, b) - 0.01 <= m <= max(a, b) + 0.01 for a, m, b in zip(start, mid, end))
