"""The backprop player in Chromium at 1280 x 720: three players on one page.

A: the lecture's f = (x + y) z, plain; B: three lines of v = v*y + x (x
feeds four nodes, so its grad has four terms); C: the lecture in predict
mode. Everything the browser shows is checked against the Stepper's own
numbers and texts, and the picture against Python's own dressing of the
one layout (``Layout.inline_svg``).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from autograd_lite import parse
from autograd_lite.play.stepper import Stepper

SHAPES = ("polygon", "polyline", "ellipse", "path", "rect", "circle", "line")
FANOUT = "v1 = x*y + x; v2 = v1*y + x; v3 = v2*y + x"

pytestmark = pytest.mark.slow


def lecture() -> Stepper:
    return Stepper(parse("q = x + y; f = q * z", x=-2, y=5, z=-4)["f"], notation="unicode")


def fanout() -> Stepper:
    return Stepper(parse(FANOUT, x=0.5, y=-1)["v3"], notation="unicode")


def with_prefix(html: str, name: str) -> str:
    """A player's HTML with a fixed id prefix, so the test can find it."""
    import re

    prefix = re.search(r'id="(agl[0-9a-f]+-)player"', html).group(1)
    return html.replace(prefix, f"{name}-")


@pytest.fixture(scope="module")
def page_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    players = [
        with_prefix(lecture()._repr_html_(), "a"),
        with_prefix(fanout()._repr_html_(), "b"),
        with_prefix(lecture().show(predict=True)._repr_html_(), "c"),
    ]
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>players</title>'
        '</head><body><h1>Three players</h1><input id="elsewhere" value="a notebook cell">'
        + "<p>between</p>".join(players)
        + "</body></html>"
    )
    path = tmp_path_factory.mktemp("players") / "players.html"
    path.write_text(page, encoding="utf-8")
    return path


@pytest.fixture()
def page(browser, page_file: Path):
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    tab = ctx.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.on("console", lambda m: m.type == "error" and errors.append(m.text))
    tab.goto(page_file.as_uri())
    yield tab
    assert errors == []
    ctx.close()


STATE = """root => ({
    step: Number(root.dataset.step),
    counter: root.querySelector(".agl-count").textContent,
    line: root.querySelector(".agl-line") ? root.querySelector(".agl-line").textContent : null,
    words: root.querySelector(".agl-words").textContent,
    asked: root.classList.contains("agl-asking"),
    ready: root.hasAttribute("data-agl-ready"),
})"""


def state(page, name: str) -> dict:
    return page.locator(f"#{name}-player").evaluate(STATE)


def focus(page, name: str) -> None:
    page.locator(f"#{name}-player .agl-story").click()  # a click on the player gives it the keys


def go(page, name: str, k: int) -> None:
    page.locator(f"#{name}-player .agl-scrub").fill(str(k))
    assert state(page, name)["step"] == k


def texts_of_node(page, name: str, node_id: str) -> list[str]:
    return page.locator(f"#{name}-player g[data-id='{node_id}'] text").all_text_contents()


# --- keys, focus, two players ------------------------------------------------------------------


def test_keys_move_only_the_player_that_has_focus(page):
    assert [state(page, n)["ready"] for n in "abc"] == [True, True, True]
    page.keyboard.press("ArrowRight")  # nothing has focus: no player moves
    assert [state(page, n)["step"] for n in "abc"] == [0, 0, 0]
    focus(page, "a")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    assert [state(page, n)["step"] for n in "abc"] == [3, 0, 0]
    focus(page, "b")
    page.keyboard.press("End")
    assert [state(page, n)["step"] for n in "abc"] == [3, len(fanout()), 0]
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Space")
    page.keyboard.press("Home")
    assert [state(page, n)["step"] for n in "abc"] == [3, 0, 0]
    page.locator("#elsewhere").click()  # the notebook's own field: its keys are its own
    page.keyboard.press("ArrowRight")
    page.keyboard.press("End")
    assert [state(page, n)["step"] for n in "abc"] == [3, 0, 0]
    a_step_3 = texts_of_node(page, "a", "v2")
    assert a_step_3 == ["q", "data 3", "grad ?"]  # B's moves left A's picture alone
    assert texts_of_node(page, "b", "v2") == ["n1", "data", "grad ?"]


def test_the_narration_of_every_step_is_the_steppers_own_text(page):
    s = lecture()
    focus(page, "a")
    assert state(page, "a")["line"] is None  # position 0: the overview
    assert state(page, "a")["words"].startswith("Inputs: x = −2, y = 5, z = −4.")
    for k, step in enumerate(s.steps, start=1):
        page.keyboard.press("ArrowRight")
        shown = state(page, "a")
        assert (shown["step"], shown["counter"], shown["line"]) == (k, f"{k} / 10", step.text)
    page.keyboard.press("ArrowRight")  # at the end it stays
    assert state(page, "a")["step"] == 10
    for k in range(9, -1, -1):
        page.keyboard.press("ArrowLeft")
        assert state(page, "a")["line"] == (s.steps[k - 1].text if k else None)


# --- the picture: the one layout, dressed as Python dresses it ----------------------------------


DRESS = """root => {
    const out = {};
    for (const g of root.querySelectorAll("svg g[data-id]")) {
        const shapes = [...g.querySelectorAll(SHAPES)];
        out[g.dataset.id] = {
            cls: g.getAttribute("class"),
            texts: [...g.querySelectorAll("text")].map(t => [t.textContent,
                t.getAttribute("fill"), t.getAttribute("font-weight")]),
            pens: shapes.map(s => ["fill", "stroke", "stroke-width", "stroke-dasharray"]
                .map(a => s.getAttribute(a))),
        };
    }
    return out;
}""".replace("SHAPES", repr(", ".join(SHAPES)))


def python_dress(svg: str) -> dict:
    """What DRESS reads, from the SVG Python makes of the same frame (an inline <svg>)."""
    out = {}
    for g in ET.fromstring(svg).iter("g"):
        if g.get("data-id") is None:
            continue
        shapes = [e for e in g.iter() if e.tag in SHAPES]
        out[g.get("data-id")] = {
            "cls": g.get("class"),
            "texts": [[t.text or "", t.get("fill"), t.get("font-weight")]
                      for t in g.iter("text")],  # fmt: skip
            "pens": [[e.get(a) for a in ("fill", "stroke", "stroke-width", "stroke-dasharray")]
                     for e in shapes],  # fmt: skip
        }
    return out


@pytest.mark.parametrize("name, make", [("a", lecture), ("b", fanout)])
def test_the_browser_dresses_the_picture_as_python_does_at_every_step(page, name, make):
    s = make()
    layout = s.layout(record="compact")
    frames = s.frames(record="compact")
    root = page.locator(f"#{name}-player")
    for k in [*range(len(s) + 1), 2, 0]:  # forward, then jumps back
        go(page, name, k)
        want = python_dress(layout.inline_svg(frames[k], id_prefix=f"{name}-"))
        assert root.evaluate(DRESS) == want, k


BOXES = """root => Object.fromEntries([...root.querySelectorAll("svg g.node[data-id]")].map(g => {
    const b = g.getBBox();
    return [g.dataset.id, [b.x, b.y, b.width, b.height].map(v => Math.round(v * 100) / 100)];
}))"""


def test_every_node_keeps_its_box_at_every_step(page):
    root = page.locator("#b-player")
    first = root.evaluate(BOXES)
    assert len(first) == len(fanout().scene().nodes)
    for k in range(1, len(fanout()) + 1):
        go(page, "b", k)
        assert root.evaluate(BOXES) == first, k


def test_a_value_not_yet_computed_shows_a_blank(page):
    go(page, "a", 2)  # x and y are computed, q (step 3) is not
    assert texts_of_node(page, "a", "v2") == ["q", "data", "grad ?"]
    into_plus = page.locator("#a-player g.edge[data-head='o2'] text").all_text_contents()
    assert into_plus == ["", ""]  # the local derivatives come with q's step
    cells = page.locator("#a-player td.agl-data").all_text_contents()
    assert cells == ["−2", "5", "", "", ""]
    go(page, "a", 3)
    assert texts_of_node(page, "a", "v2") == ["q", "data 3", "grad ?"]
    assert page.locator("#a-player g.edge[data-head='o2'] text").all_text_contents() == ["1", "1"]


# --- the scrubber and play -----------------------------------------------------------------------


def test_the_scrubber_goes_to_any_step(page):
    s = lecture()
    go(page, "a", 7)
    assert state(page, "a")["line"] == s.steps[6].text
    assert page.locator("#a-player td.hit").all_text_contents() == ["−4"]  # q̄ = −4 is written
    go(page, "a", 0)
    assert state(page, "a")["line"] is None


def test_play_runs_to_the_last_step_and_stops(page):
    focus(page, "a")
    page.keyboard.press("+")
    page.keyboard.press("+")  # 4x: a step every 0.25 s
    assert page.locator("#a-player .agl-speed").input_value() == "3"
    page.keyboard.press("p")
    page.wait_for_function("document.querySelector('#a-player').classList.contains('agl-playing')")
    page.wait_for_function(
        "document.querySelector('#a-player').dataset.step === '10' && "
        "!document.querySelector('#a-player').classList.contains('agl-playing')",
        timeout=30_000,
    )
    assert state(page, "a")["line"] == lecture().steps[9].text
    assert [state(page, n)["step"] for n in "bc"] == [0, 0]


# --- clicking a node: every contribution to its grad -------------------------------------------

TERMS = """root => [...root.querySelectorAll(".agl-inspect tr.agl-term")].map(tr =>
    [...tr.querySelectorAll("td")].map(td => td.textContent).concat([tr.className]))"""


def test_clicking_a_node_shows_each_term_of_its_grad_and_the_one_of_this_step(page):
    s = fanout()
    x = s.node("x")
    terms = [st for st in s.steps if st.target is x]
    assert [st.index for st in terms] == [11, 15, 19, 20]
    go(page, "b", 15)
    root = page.locator("#b-player")
    root.locator("g[data-id='v0']").click()
    inspector = root.locator(".agl-inspect")
    assert inspector.is_visible()
    assert inspector.locator(".agl-inspect-name").text_content() == "x"
    assert inspector.locator(".agl-inspect-data").text_content() == "data x = 0.5"
    assert inspector.locator(".agl-inspect-grad").text_content() == (
        f"grad so far x̄ = {s.number(terms[1].grad_after)}")  # fmt: skip
    rows = root.evaluate(TERMS)
    n = s.notation
    want = []
    for st in terms:
        child = s.name(st.node)
        formula = f"{n.bar(child)} · {n.local(child, 'x')}"
        if st.index > 15:
            want.append([str(st.index), formula, "", "", "later", "agl-term later"])
            continue
        numbers = f"= {s.format.operand(st.upstream)} · {s.format.operand(st.local)}"
        kind = "agl-term now" if st.index == 15 else "agl-term done"
        want.append([str(st.index), formula, numbers, f"= {s.number(st.contribution)}",
                     s.number(st.grad_after), kind])  # fmt: skip
    assert rows == want
    go(page, "b", 20)  # the inspector follows the steps
    rows = root.evaluate(TERMS)
    assert [r[-1] for r in rows] == ["agl-term done"] * 3 + ["agl-term now"]
    assert rows[-1][4] == s.number(terms[-1].grad_after) == s.number(0.0)  # x̄ ends at 0
    root.locator("g[data-id='o3']").click()  # an operation shows the value it computes
    assert inspector.locator(".agl-inspect-name").text_content() == "v1"
    page.keyboard.press("Escape")
    assert not inspector.is_visible()


# --- predict mode --------------------------------------------------------------------------------


def test_predict_mode_hides_each_number_until_it_is_revealed(page):
    s = lecture()
    focus(page, "c")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")  # x and y are given: nothing to predict
    assert (state(page, "c")["step"], state(page, "c")["asked"]) == (2, False)
    page.keyboard.press("ArrowRight")
    shown = state(page, "c")
    assert (shown["step"], shown["asked"]) == (3, True)
    assert shown["line"] == "q = x + y = −2 + 5 = ?"
    assert shown["words"].startswith("What is q now?")
    assert texts_of_node(page, "c", "v2") == ["q", "data ?", "grad ?"]
    assert "asked" in page.locator("#c-player g[data-id='v2']").get_attribute("class")
    asked_text = page.locator("#c-player text.agl-asked")
    assert asked_text.all_text_contents() == ["data ?"]  # only the number asked for stands out
    assert page.locator("#c-player td.asked").all_text_contents() == ["?"]
    assert "3" not in page.locator("#c-player td.agl-data").all_text_contents()
    page.keyboard.press("Enter")
    shown = state(page, "c")
    assert (shown["step"], shown["asked"], shown["line"]) == (3, False, s.steps[2].text)
    assert texts_of_node(page, "c", "v2") == ["q", "data 3", "grad ?"]
    assert asked_text.count() == 0
    for _ in range(4):  # z (given), f asked, f revealed, the seed asked
        page.keyboard.press("ArrowRight")
    shown = state(page, "c")
    assert (shown["step"], shown["asked"]) == (6, True)
    assert shown["line"] == "f̄ = ?   (f.grad = ?)"
    page.locator("#c-player .agl-reveal").click()
    assert state(page, "c")["line"] == s.steps[5].text
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")  # step 8 asked: z̄; its grad cell is a question
    assert state(page, "c")["line"] == "z̄ += f̄ · ∂f/∂z = 1 · 3 = ?   (z.grad = ?)"
    assert texts_of_node(page, "c", "v3") == ["z", "data −4", "grad ?"]
    page.keyboard.press("ArrowLeft")  # back: the step before, answered
    assert (state(page, "c")["step"], state(page, "c")["asked"]) == (7, False)
