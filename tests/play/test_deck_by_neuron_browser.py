"""A network's deck by neuron and by layer in Chromium at 1280 x 720: the network's
overview beside the graph up close, coarse steps that open into their edge steps, a
printed page per coarse step, and graph text readable from the back of a hall."""

from __future__ import annotations

from pathlib import Path

import pytest

import nn
from autograd_lite.play.slides import slides_html
from autograd_lite.play.stepper import Stepper

pytestmark = pytest.mark.slow

# The on-screen size of every visible text of the detail's highlighted nodes (font size
# times the screen transform), and of every overview text.
SIZES = """() => {
  const sizes = sel => [...document.querySelectorAll(sel)].filter(t => {
    const r = t.getBoundingClientRect();
    const box = t.closest("svg").getBoundingClientRect();
    return r.width > 0 && t.textContent.trim() && r.right > box.left && r.left < box.right
      && r.bottom > box.top && r.top < box.bottom;
  }).map(t => parseFloat(t.getAttribute("font-size")) * t.getScreenCTM().a);
  return {detail: sizes(".agl-deck:not(.agl-print) .agl-graph g.node.hl text"),
          overview: sizes(".agl-overview text")};
}"""


def loss():
    model = nn.MLP(2, [4, 1], activation="tanh", seed=0)
    return nn.mse([model([2.0, -1.0])], [1.0])


def open_deck(browser, tmp_path: Path, by: str, size=(1280, 720)):
    path = tmp_path / f"{by}.html"
    path.write_text(slides_html(loss(), by=by), encoding="utf-8")
    ctx = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_selector(".agl-deck[data-agl-ready]")
    return ctx, page, errors


def state(page) -> tuple[int, str, str]:
    deck = page.locator(".agl-deck[data-agl-ready]")
    count = page.locator(".agl-deck[data-agl-ready] .agl-count").text_content()
    return int(deck.get_attribute("data-step")), deck.get_attribute("data-coarse"), count


def test_keys_take_a_neuron_at_a_time_and_o_opens_one(browser, tmp_path):
    coarse = Stepper(loss(), by="neuron").coarse
    ctx, page, errors = open_deck(browser, tmp_path, "neuron")
    try:
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        assert state(page) == (coarse[1].stop, "2", f"2 / {len(coarse)}")
        assert (
            "z = Σᵢ wᵢ·xᵢ + b" in page.locator(".agl-deck[data-agl-ready] .agl-story").inner_text()
        )
        page.keyboard.press("o")
        assert state(page) == (coarse[1].start + 1, "", f"2 / {len(coarse)} · 1/8")
        page.keyboard.press("ArrowLeft")  # back from the first edge step: the step before, whole
        assert state(page) == (coarse[0].stop, "1", f"1 / {len(coarse)}")
        page.keyboard.press("ArrowRight")
        page.locator(".agl-deck[data-agl-ready] .agl-open").click()  # the button opens too
        assert state(page)[0] == coarse[1].start + 1
        assert errors == []
    finally:
        ctx.close()


def test_the_overview_has_a_circle_per_neuron_and_the_detail_reads_at_18px(browser, tmp_path):
    coarse = Stepper(loss(), by="neuron").coarse
    ctx, page, errors = open_deck(browser, tmp_path, "neuron")
    try:
        assert page.locator(".agl-overview circle").count() == 2 + 4 + 1  # inputs and neurons
        assert page.locator(".agl-overview rect").count() == 1  # the loss
        for k in range(len(coarse)):
            page.keyboard.press("ArrowRight")
            page.wait_for_timeout(350)  # the detail's move
            sizes = page.evaluate(SIZES)
            assert sizes["detail"], f"no highlighted text in view at coarse step {k + 1}"
            assert min(sizes["detail"]) >= 18 - 0.01, (k + 1, min(sizes["detail"]))
            assert min(sizes["overview"]) >= 12 - 0.01
            lit = page.locator(".agl-overview .agl-ov-node.hl").count()
            assert lit == (1 if coarse[k].unit is not None else 0)
        assert errors == []
    finally:
        ctx.close()


def test_printing_by_layer_gives_a_page_per_layer_step(browser, tmp_path):
    coarse = Stepper(loss(), by="layer").coarse
    ctx, page, errors = open_deck(browser, tmp_path, "layer")
    try:
        page.emulate_media(media="print")
        page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
        assert page.locator(".agl-print .agl-page").count() == len(coarse) + 1
        pages = page.locator(".agl-print .agl-page")
        assert "W̄⁽¹⁾" in pages.nth(len(coarse)).inner_text()
        assert errors == []
    finally:
        ctx.close()
