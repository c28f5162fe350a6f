"""Handouts: printing a network's deck (or ``--handout``) gives a page per coarse step, by
edge a page per neuron per pass, on A4 landscape, its graph text 9 pt (12 px) or more and
no number of its table cut."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

import nn
from autograd_lite.cli import main
from autograd_lite.play.network_units import neuron_units
from autograd_lite.play.slides import slides_html
from autograd_lite.play.step import FORWARD
from autograd_lite.play.stepper import Stepper

pytestmark = pytest.mark.slow

A4_LANDSCAPE = {"width": 1123, "height": 794}  # CSS px at 96 per inch
NINE_POINT = 12.0  # CSS px

# Per printed page: its title, the on-paper size of every visible graph text (font size
# times the screen transform), the smallest type anywhere else, the table cells that do not
# show their whole text, and whether anything spills off the page.
PAGES = """() => [...document.querySelectorAll('.agl-print .agl-page')].map(page => {
  const svg = page.querySelector('.agl-graph svg'), box = svg.getBoundingClientRect();
  const graph = [...svg.querySelectorAll('text')].filter(t => {
    const r = t.getBoundingClientRect();
    return r.width > 0 && t.textContent.trim() && r.right > box.left && r.left < box.right
      && r.bottom > box.top && r.top < box.bottom;
  }).map(t => parseFloat(t.getAttribute('font-size')) * t.getScreenCTM().a);
  const type = [...page.querySelectorAll('*')].filter(e => !e.closest('svg')
    && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
    .map(e => parseFloat(getComputedStyle(e).fontSize));
  const cut = [...page.querySelectorAll('.agl-table td, .agl-table th')]
    .filter(c => c.scrollWidth > c.clientWidth + 1 || c.textContent.includes('\\u2026'))
    .map(c => c.textContent);
  const title = page.querySelector('.agl-coarse-title .agl-eq');
  const spills = page.scrollHeight > page.clientHeight + 1
    || page.scrollWidth > page.clientWidth + 1;
  return {title: title ? title.textContent : '', graph, type: Math.min(...type), cut, spills,
          phase: page.querySelector('.agl-phase').textContent};
})"""


def loss():
    model = nn.MLP(2, [4, 1], activation="tanh", seed=0)
    return nn.mse([model([2.0, -1.0])], [1.0])


def edge_groups() -> tuple[list, list]:
    """The by-edge pages' groups, worked out from a Stepper: each step goes with the neuron
    its node belongs to, else with the inputs or the loss; per pass, in order of first
    appearance."""
    stepper = Stepper(loss())
    units = neuron_units(stepper.order)
    owner = {id(node): f"neuron {stepper.name(u.output)}" for u in units for node in u.members}
    inputs = {id(x) for u in units if u.layer == 1 for x in u.inputs}
    forward: list[str] = []
    backward: list[str] = []
    for step in stepper.steps:
        part = owner.get(id(step.node))
        if part is None:
            part = "inputs" if step.kind == FORWARD and id(step.node) in inputs else "loss"
        into = forward if step.kind == FORWARD else backward
        if part not in into:
            into.append(part)
    return forward, backward


def print_deck(browser, tmp_path: Path, by: str):
    path = tmp_path / f"{by}.html"
    path.write_text(slides_html(loss(), by=by), encoding="utf-8")
    ctx = browser.new_context(viewport=A4_LANDSCAPE)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_selector(".agl-deck[data-agl-ready]")
    page.emulate_media(media="print")
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    return ctx, page, errors


def pdf_pages(page) -> int:
    page.evaluate("() => window.dispatchEvent(new Event('afterprint'))")
    pdf = page.pdf(format="A4", landscape=True)
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def expected_pages(by: str) -> int:
    if by == "edge":
        forward, backward = edge_groups()
        return 1 + len(forward) + len(backward)
    return 1 + len(Stepper(loss(), by=by).coarse)


def test_by_edge_a_page_per_neuron_per_pass_in_the_stepper_order():
    forward, backward = edge_groups()
    neurons = [f"neuron L0.N{i}" for i in range(4)]
    assert sorted(forward) == sorted(["inputs", *neurons, "neuron L1.N0", "loss"])
    assert backward == ["loss", "neuron L1.N0", *reversed(neurons)]  # first appearances
    assert 1 + len(forward) + len(backward) == 14 <= 25
    assert expected_pages("neuron") == 14 and expected_pages("layer") == 8


@pytest.mark.parametrize("by, pages", [("edge", 14), ("neuron", 14), ("layer", 8)])
def test_printed_mlp_pages_read_on_a4_landscape(browser, tmp_path, by, pages):
    ctx, page, errors = print_deck(browser, tmp_path, by)
    try:
        printed = page.evaluate(PAGES)
        assert len(printed) == pages == expected_pages(by)
        for i, sheet in enumerate(printed):
            assert sheet["graph"], f"page {i} shows no graph text"
            assert min(sheet["graph"]) >= NINE_POINT, (i, sheet["title"], min(sheet["graph"]))
            assert sheet["type"] >= NINE_POINT, (i, sheet["title"], sheet["type"])
            assert sheet["cut"] == [], (i, sheet["cut"])
            assert not sheet["spills"], (i, sheet["title"])
        if by == "edge":  # forward: inputs, the neurons as they finish, the loss; backward
            titles = [(s["phase"], s["title"]) for s in printed[1:]]
            neurons = [f"neuron L0.N{i}" for i in range(4)]
            assert [t for p, t in titles if p == "forward pass"] == [
                "inputs", *neurons, "neuron L1.N0", "loss"]  # fmt: skip
            assert [t for p, t in titles if p == "backward pass"] == [
                "loss", "neuron L1.N0", *reversed(neurons)]  # fmt: skip
            lines = page.locator(".agl-print .agl-page").nth(2).locator(".agl-coarse-line")
            assert lines.last.text_content() == "L0.N0 = tanh(n4) = tanh(0.271222) = 0.264761"
        assert pdf_pages(page) == pages
        assert errors == []
    finally:
        ctx.close()


def test_a_handout_opens_on_its_printed_pages(browser, tmp_path):
    path = tmp_path / "handout.html"
    network = ["--mlp", "2,4,1", "--activation", "tanh", "--input", "2,-1", "--target", "1"]
    argv = ["slides", *network, "--loss", "mse", "--seed", "0", "--by", "neuron"]
    assert main([*argv, "--handout", "-o", str(path)]) == 0
    html = path.read_text(encoding="utf-8")
    assert '<html lang="en" class="agl-handout">' in html
    ctx = browser.new_context(viewport=A4_LANDSCAPE)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(path.as_uri())
        page.wait_for_selector(".agl-print .agl-page")  # on screen: no printing asked
        pages = page.locator(".agl-print .agl-page")
        assert pages.count() == 1 + len(Stepper(loss(), by="neuron").coarse) == 14
        assert pages.first.is_visible() and pages.last.is_visible()
        assert not page.locator(".agl-deck[data-agl-ready]").is_visible()  # no slide
        shown = page.evaluate(PAGES)
        assert min(min(s["graph"]) for s in shown) >= NINE_POINT
        assert all(s["cut"] == [] and not s["spills"] for s in shown)
        keep = os.environ.get("AUTOGRAD_LITE_HANDOUT_SCREENSHOT")
        if keep:  # how docs/handout-page.png is made
            pages.nth(10).screenshot(path=keep)
        pdf = page.pdf(format="A4", landscape=True)
        assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 14
        assert page.locator(".agl-print .agl-page").count() == 14  # still there after printing
        assert errors == []
    finally:
        ctx.close()


def test_handout_is_true_or_false():
    with pytest.raises(TypeError, match="handout must be True or False"):
        slides_html(loss(), handout="yes")
    assert "agl-handout" not in slides_html(loss(), by="neuron").split("<head>")[0]
