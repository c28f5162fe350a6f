"""Up close: a graph too big to read whole is shown at its own size, following the step.

In Chromium at 1280 x 720: the thirty-line deck (x and y drawn as copies
beside each use), fitted whole, would show text a few pixels high, so it
opens up close (beside its overview by names): the step's nodes are
drawn at full size and stay in view as the deck moves on; Z shows it
whole, and Z again up close. Text sizes are the text's bounding boxes,
in CSS pixels.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from autograd_lite import parse
from autograd_lite.expression import output_of
from autograd_lite.play.slides import write_slides
from autograd_lite.play.stepper import Stepper

pytestmark = pytest.mark.slow

THIRTY_LINES = "; ".join(["v1 = x*y + x"] + [f"v{k} = v{k - 1}*y + x" for k in range(2, 31)])

# The highlighted nodes' text height and whether each lies inside the graph's box.
SEEN = """root => {
    const area = root.querySelector(".agl-graph").getBoundingClientRect();
    const svg = root.querySelector(".agl-graph svg");
    const out = {view: svg.getAttribute("viewBox"), step: Number(root.dataset.step), marked: []};
    for (const g of root.querySelectorAll(".agl-graph g.node.hl")) {
        const r = g.getBoundingClientRect();
        const texts = [...g.querySelectorAll("text")].filter(t => t.textContent.trim());
        out.marked.push({
            id: g.dataset.id,
            target: g.classList.contains("target"),
            text: Math.min(...texts.map(t => t.getBoundingClientRect().height)),
            inside: r.left >= area.left - 1 && r.right <= area.right + 1
                && r.top >= area.top - 1 && r.bottom <= area.bottom + 1,
        });
    }
    return out;
}"""


def assert_up_close(seen: dict) -> None:
    """The step's target node is drawn at full size (text >= 14 px) and in view."""
    targets = [m for m in seen["marked"] if m["target"]]
    assert targets and all(m["inside"] and m["text"] >= 14 for m in targets), seen


def notebook_page(tmp_path: Path, player_html: str, before: str = "") -> Path:
    """A page holding ``player_html`` as a notebook's output would, after ``before``."""
    path = tmp_path / "notebook.html"
    path.write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>nb</title></head>'
        f"<body>{before}{player_html}</body></html>",
        encoding="utf-8",
    )
    return path


def open_page(browser, path: Path, step: int, still: bool = False):
    """``still``: a reader who asks for reduced motion (the view moves at once, not over
    300 ms), so each step's view can be read as soon as its key is pressed."""
    motion = "reduce" if still else "no-preference"
    ctx = browser.new_context(viewport={"width": 1280, "height": 720}, reduced_motion=motion)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.goto(f"{path.as_uri()}#s{step}")
    page.wait_for_selector("[data-agl-ready]")
    return ctx, page, errors


@pytest.fixture(scope="module")
def deck(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("close-up") / "deck.html"
    write_slides(output_of(parse(THIRTY_LINES, x=0.5, y=-1)), path)
    return path


def test_up_close_the_steps_nodes_are_read_at_full_size(browser, deck):
    ctx, page, errors = open_page(browser, deck, 150)
    try:
        root = page.query_selector(".agl-deck")
        close = root.evaluate(SEEN)  # it opens up close
        assert_up_close(close)
        assert page.get_attribute(".agl-zoom", "aria-pressed") == "true"
        page.keyboard.press("z")  # the whole graph: unreadable
        whole = root.evaluate(SEEN)
        assert whole["view"] != close["view"]
        assert whole["marked"] and max(m["text"] for m in whole["marked"]) < 8
        assert page.get_attribute(".agl-zoom", "aria-pressed") == "false"
        page.keyboard.press("z")  # and up close again
        assert root.evaluate(SEEN)["view"] == close["view"]
        assert errors == []
    finally:
        ctx.close()


def test_up_close_the_view_follows_every_step_forward_and_back(browser, deck):
    ctx, page, errors = open_page(browser, deck, 0, still=True)
    try:
        root = page.query_selector(".agl-deck")
        assert page.get_attribute(".agl-zoom", "aria-pressed") == "true"
        steps = len(Stepper(output_of(parse(THIRTY_LINES, x=0.5, y=-1))).steps)
        seen_views = set()
        for key, times in (("ArrowRight", steps), ("ArrowLeft", 25)):
            for _ in range(times):
                page.keyboard.press(key)
                now = root.evaluate(SEEN)
                for m in now["marked"]:
                    if m["target"] or len(now["marked"]) == 1:
                        assert m["inside"] and m["text"] >= 14, (now["step"], m)
                seen_views.add(now["view"])
        assert len(seen_views) > 10  # it moved along the thirty lines
        assert errors == []
    finally:
        ctx.close()


def test_a_graph_that_already_reads_at_full_size_is_left_whole(browser, tmp_path: Path):
    path = tmp_path / "lecture.html"
    write_slides(parse("q = x + y; f = q * z", x=-2, y=5, z=-4)["f"], path)
    ctx, page, errors = open_page(browser, path, 4)
    try:
        root = page.query_selector(".agl-deck")
        before = root.evaluate(SEEN)
        page.keyboard.press("z")
        after = root.evaluate(SEEN)
        assert after["view"] == before["view"]
        assert errors == []
    finally:
        ctx.close()


def test_in_a_notebook_player_z_zooms_only_the_player_that_has_focus(browser, tmp_path: Path):
    stepper = Stepper(output_of(parse(THIRTY_LINES, x=0.5, y=-1)))
    cell = '<input id="cell" value="a cell">'
    ctx, page, errors = open_page(browser, notebook_page(tmp_path, stepper._repr_html_(), cell), 0)
    try:
        root = page.query_selector(".agl-player")
        first = root.evaluate(SEEN)
        page.focus("#cell")
        page.keyboard.press("z")  # typed into the cell: the player is not touched
        assert sorted(page.input_value("#cell")) == sorted("a cellz")
        assert root.evaluate(SEEN)["view"] == first["view"]
        assert page.get_attribute(".agl-zoom", "aria-pressed") == "true"  # too big: up close
        root.click(position={"x": 5, "y": 5})
        for _ in range(120):
            page.keyboard.press("ArrowRight")
        close = root.evaluate(SEEN)
        assert_up_close(close)
        page.keyboard.press("z")  # the player with focus shows it whole
        assert root.evaluate(SEEN)["view"] != close["view"]
        assert page.get_attribute(".agl-zoom", "aria-pressed") == "false"
        assert errors == []
    finally:
        ctx.close()


def test_a_deck_written_close_up_opens_up_close(browser, tmp_path: Path):
    from autograd_lite.cli import main

    path = tmp_path / "deck.html"
    assert main(["slides", THIRTY_LINES, "x=0.5", "y=-1", "--close-up", "-o", str(path)]) == 0
    ctx, page, errors = open_page(browser, path, 120)
    try:
        root = page.query_selector(".agl-deck")
        assert page.get_attribute(".agl-zoom", "aria-pressed") == "true"
        assert_up_close(root.evaluate(SEEN))
        page.keyboard.press("z")  # Z still shows it whole
        whole = root.evaluate(SEEN)
        assert max(m["text"] for m in whole["marked"]) < 8
        assert errors == []
    finally:
        ctx.close()


def test_show_close_up_opens_a_notebook_player_up_close(browser, tmp_path: Path):
    stepper = Stepper(output_of(parse(THIRTY_LINES, x=0.5, y=-1)))
    for _ in range(130):
        stepper.next()
    player = stepper.show(close_up=True)
    assert repr(player).endswith("step 130 of 183, close up>")
    ctx, page, errors = open_page(browser, notebook_page(tmp_path, player._repr_html_()), 0)
    try:
        now = page.query_selector(".agl-player").evaluate(SEEN)
        assert now["step"] == 130
        assert_up_close(now)
        assert errors == []
    finally:
        ctx.close()


def test_close_up_must_be_a_bool():
    stepper = Stepper(parse("q = x + y; f = q * z", x=-2, y=5, z=-4)["f"])
    with pytest.raises(TypeError, match="close_up must be True or False"):
        stepper.show(close_up="yes")
    with pytest.raises(TypeError, match="close_up must be True or False"):
        write_slides(stepper, "never-written.html", close_up=1)


def test_printing_a_deck_up_close_prints_the_whole_graph_on_every_page(browser, deck):
    ctx, page, errors = open_page(browser, deck, 120)
    try:
        whole = re.search(r'<svg viewBox="([^"]+)" class="agl-drawing"', deck.read_text()).group(1)
        assert page.get_attribute(".agl-deck .agl-graph svg", "viewBox") != whole  # up close
        printed = page.evaluate(
            """() => {
                window.dispatchEvent(new Event("beforeprint"));
                const views = [...document.querySelectorAll(".agl-print .agl-graph svg")]
                    .map(s => s.getAttribute("viewBox"));
                window.dispatchEvent(new Event("afterprint"));
                return views;
            }"""
        )
        assert len(printed) == 184 and set(printed) == {whole}
        assert page.get_attribute(".agl-deck .agl-graph svg", "viewBox") != whole  # still close
        assert errors == []
    finally:
        ctx.close()
