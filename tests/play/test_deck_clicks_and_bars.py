"""The deck in Chromium at 1280 x 720: one bar over a whole name, clicks with one meaning
each, and predict mode's ``?`` readable on a projector.

- A bar over micrograd's ``x1w1`` is one element spanning the name, and the text around
  it keeps its spaces; ``x̄`` stays a character of its own.
- A click on a node opens its contributions; anywhere else on the slide (the graph's
  background, the narration, the table) moves forward, on its left third back; a drag
  that selects text moves nothing.
- The ``?`` of a forward step's table cell has a contrast of 4.5:1 or more (WCAG AA).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from autograd_lite import parse
from autograd_lite.drawing.notation import BAR_END, BAR_START
from autograd_lite.play.slides import slides_html
from autograd_lite.play.step_words import caption, plain, whole_bars
from autograd_lite.play.stepper import Stepper

pytestmark = pytest.mark.slow


def lecture() -> Stepper:
    return Stepper(parse("q = x + y; f = q * z", x=-2, y=5, z=-4)["f"], notation="unicode")


def open_deck(browser, html: str, tmp_path: Path, step: int = 0):
    path = tmp_path / "deck.html"
    path.write_text(html, encoding="utf-8")
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri() + f"#s{step}")
    page.wait_for_selector(".agl-deck[data-agl-ready]")
    return ctx, page, errors


def step_of(page) -> int:
    return int(page.locator(".agl-deck[data-agl-ready]").get_attribute("data-step"))


def as_seen(stepper: Stepper, text: str) -> str:
    """``text`` as the page shows it: each ``bar(x1w1)`` the bare name, under its bar."""
    marked = whole_bars(stepper).marked(text)
    return marked.replace(BAR_START, "").replace(BAR_END, "")


# --- one bar over the whole name -------------------------------------------------------------

BARS = """box => [...box.querySelectorAll(".agl-over")].map(span => {
    const probe = document.createElement("span");
    probe.textContent = span.textContent;
    span.parentNode.insertBefore(probe, span);
    const wide = [span.getBoundingClientRect().width, probe.getBoundingClientRect().width];
    probe.remove();
    return {name: span.textContent, line: getComputedStyle(span).textDecorationLine,
            width: wide[0], nameWidth: wide[1]};
})"""


def test_in_chromium_one_bar_spans_x1w1_and_the_words_keep_their_spaces(
    browser, tmp_path, micrograd_neuron
):
    s = Stepper(micrograd_neuron(), notation="unicode")
    step = s.steps[14]  # bar(x1w1) += bar(x1w1 + x2w2) · ∂(x1w1 + x2w2)/∂x1w1 = 0.5 · 1
    assert step.text.startswith("bar(x1w1) += bar(x1w1 + x2w2) · ")
    ctx, page, errors = open_deck(browser, slides_html(s), tmp_path, step=15)
    try:
        line, words = page.locator(".agl-deck .agl-line"), page.locator(".agl-deck .agl-words")
        assert line.text_content() == as_seen(s, step.text)
        assert line.text_content().startswith("x1w1 += x1w1 + x2w2 · ∂(x1w1 + x2w2)/∂x1w1 = ")
        bars = line.evaluate(BARS)
        assert [b["name"] for b in bars] == ["x1w1", "x1w1 + x2w2"]
        for bar in bars:  # one element with a line over it, as wide as the whole name
            assert bar["line"] == "overline"
            assert bar["width"] == pytest.approx(bar["nameWidth"], abs=0.5) and bar["width"] > 40
        said = words.text_content()
        assert said == as_seen(s, plain(caption(s, step)))
        assert ": x1w1 + x2w2 times the local derivative" in said  # the space is kept
        assert [b["name"] for b in words.evaluate(BARS)] == ["x1w1 + x2w2", "x1w1"]
        assert not re.search("[\u0304\u0305\u0098\u009c]", said + line.text_content())
        page.locator(".agl-deck g[data-node='x1w1']").first.click()  # its contributions
        grad = page.locator(".agl-deck .agl-inspect-grad")
        assert grad.text_content() == "grad so far x1w1 = 0.5"
        assert [b["name"] for b in grad.evaluate(BARS)] == ["x1w1"]
        assert errors == []
    finally:
        ctx.close()


def test_in_chromium_a_one_letter_bar_stays_x_bar(browser, tmp_path, micrograd_neuron):
    s = Stepper(micrograd_neuron(), notation="unicode")
    ctx, page, errors = open_deck(browser, slides_html(s), tmp_path, step=19)
    try:
        line = page.locator(".agl-deck .agl-line")
        assert line.text_content() == as_seen(s, s.steps[18].text)
        assert line.text_content().startswith("x̄1 += x1w1 · ∂x1w1/∂x1 = 0.5 · (−3) = −1.5")
        assert [b["name"] for b in line.evaluate(BARS)] == ["x1w1"]  # not x̄1's
        assert errors == []
    finally:
        ctx.close()


# --- clicks, each with one meaning -----------------------------------------------------------


@pytest.fixture()
def lecture_deck(browser, tmp_path):
    ctx, page, errors = open_deck(browser, slides_html(lecture()), tmp_path, step=5)
    yield page
    assert errors == []
    ctx.close()


def test_in_chromium_a_click_on_the_narration_moves_forward(lecture_deck):
    page = lecture_deck
    words = page.locator(".agl-deck .agl-words")
    box = words.bounding_box()
    assert box["x"] + 0.4 * box["width"] > 1280 / 3
    words.click(position={"x": box["width"] * 0.6, "y": box["height"] / 2})
    assert step_of(page) == 6
    page.locator(".agl-deck .agl-line").click(position={"x": 500, "y": 10})
    assert step_of(page) == 7


def test_in_chromium_a_click_on_the_left_third_of_the_table_moves_back(lecture_deck):
    page = lecture_deck
    table = page.locator(".agl-deck .agl-grads")
    box = table.bounding_box()
    table.click(position={"x": 1280 / 3 - box["x"] - 20, "y": box["height"] / 2})
    assert step_of(page) == 4
    table.click(position={"x": 1280 / 3 - box["x"] + 20, "y": box["height"] / 2})
    assert step_of(page) == 5  # the middle third: forward
    page.mouse.click(1000, 150)  # the graph's background, on the right: forward
    assert step_of(page) == 6


def test_in_chromium_a_click_on_a_node_opens_its_contributions_and_stays(lecture_deck):
    page = lecture_deck
    page.locator(".agl-deck g[data-node='q']").first.click()
    inspector = page.locator(".agl-deck .agl-inspect")
    assert inspector.is_visible() and inspector.locator(".agl-inspect-name").text_content() == "q"
    assert step_of(page) == 5
    inspector.locator(".agl-inspect-data").click()  # a click in it moves nothing either
    assert step_of(page) == 5 and inspector.is_visible()


def test_in_chromium_a_drag_that_selects_words_moves_nothing(lecture_deck):
    page = lecture_deck
    box = page.locator(".agl-deck .agl-words").bounding_box()
    y = box["y"] + 12
    assert page.locator(".agl-deck .agl-words").text_content().startswith("Forward pass: f is")
    page.mouse.move(box["x"] + 460, y)  # from the right two thirds, over the words
    page.mouse.down()
    page.mouse.move(box["x"] + 300, y, steps=5)
    page.mouse.move(box["x"] + 150, y, steps=5)
    page.mouse.up()
    assert page.evaluate("String(getSelection())") != ""
    assert step_of(page) == 5


# --- predict mode's ? on a projector ---------------------------------------------------------


def luminance(rgb: str) -> float:
    """WCAG's relative luminance of a computed colour, ``rgb(r, g, b)``."""
    channels = [int(c) / 255 for c in re.findall(r"\d+", rgb)[:3]]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_is_wcags():
    assert contrast("rgb(0, 0, 0)", "rgb(255, 255, 255)") == pytest.approx(21)
    assert contrast("rgb(232, 89, 12)", "rgb(28, 90, 166)") == pytest.approx(1.92, abs=0.01)


def test_in_chromium_predict_modes_forward_question_mark_reads_on_a_projector(browser, tmp_path):
    html = slides_html(lecture(), predict=True)
    ctx, page, errors = open_deck(browser, html, tmp_path, step=3)  # q = x + y = −2 + 5 = ?
    try:
        cell = page.locator(".agl-deck td.asked")
        assert cell.text_content() == "?" and "hit" in cell.get_attribute("class")
        ink, paper = cell.evaluate("td => [getComputedStyle(td).color, "
                                   "getComputedStyle(td).backgroundColor]")  # fmt: skip
        assert contrast(ink, paper) >= 4.5, (ink, paper)
        text = page.locator(".agl-deck text.agl-asked")
        fill = text.evaluate("t => getComputedStyle(t).fill")
        box = text.evaluate("t => t.closest('g').querySelector('polygon, path').getAttribute"
                            "('fill')")  # fmt: skip
        paper = "rgb({}, {}, {})".format(*(int(box[i : i + 2], 16) for i in (1, 3, 5)))
        assert contrast(fill, paper) >= 4.5, (fill, paper)
        assert errors == []
    finally:
        ctx.close()
