"""The slide deck: the player full screen, a step per slide with the lecture's numbers, one
picture of the graph, one file that loads nothing, the same bytes every run, the command,
and a real browser (keys, clicks, deep links, predict mode, printing, no JavaScript)."""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from autograd_lite import Value, parse
from autograd_lite.cli import main
from autograd_lite.drawing.dot import HIGHLIGHT
from autograd_lite.expression import output_of
from autograd_lite.play.slides import TooManyStepsError, slides_html, write_slides
from autograd_lite.play.stepper import Stepper

EXPR = "q = x + y; f = q * z"
VALUES = ["x=-2", "y=5", "z=-4"]
LECTURE = [EXPR, *VALUES]
STEP_9 = "x̄ += q̄ · ∂q/∂x = (−4) · 1 = −4   (x.grad = −4)"
STEP_8 = "z̄ += f̄ · ∂f/∂z = 1 · 3 = 3   (z.grad = 3)"


def lecture_stepper() -> Stepper:
    return Stepper(output_of(parse(EXPR, x=-2, y=5, z=-4)), notation="unicode")


@pytest.fixture(scope="module")
def deck() -> str:
    return slides_html(lecture_stepper(), title="f = (x + y) z")


# --- reading the deck back: a small tree of the HTML ----------------------------------

VOID = {"meta", "br", "link", "img", "input", "hr", "col", "source", "wbr"}
SVG_SHAPES = {"polygon", "ellipse", "path", "polyline"}


class Element:
    def __init__(self, tag: str, attrs: dict[str, str], parent: Element | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Element | str] = []

    def iter(self, tag: str | None = None):
        for child in self.children:
            if isinstance(child, Element):
                if tag is None or child.tag == tag:
                    yield child
                yield from child.iter(tag)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def find(self, tag: str, cls: str | None = None) -> Element:
        for e in self.iter(tag):
            if cls is None or cls in e.classes():
                return e
        raise AssertionError(f"no <{tag} class={cls!r}>")


class TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = self.at = Element("#document", {}, None)

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: v or "" for k, v in attrs}, self.at)
        self.at.children.append(element)
        if tag not in VOID:
            self.at = element

    def handle_startendtag(self, tag, attrs):
        self.at.children.append(Element(tag, {k: v or "" for k, v in attrs}, self.at))

    def handle_endtag(self, tag):
        e = self.at
        while e is not None and e.tag != tag:
            e = e.parent
        assert e is not None and e.parent is not None, f"unbalanced </{tag}>"
        self.at = e.parent

    def handle_data(self, data):
        self.at.children.append(data)


def slides_of(html: str) -> list[Element]:
    builder = TreeBuilder()
    builder.feed(html)
    builder.close()
    return [s for s in builder.root.iter("section") if "slide" in s.classes()]


def deck_data(html: str) -> dict:
    """The player's data in a deck: the looks and story of every step."""
    (text,) = re.findall(r'<script type="application/json" class="agl-data">(.*?)</script>', html)
    return json.loads(text)


# --- the slides -----------------------------------------------------------------------


def test_a_slide_per_step_after_an_opening_slide(deck: str):
    slides = slides_of(deck)
    assert len(slides) == len(lecture_stepper()) + 1 == 11
    assert [s.attrs["id"] for s in slides] == [f"s{k}" for k in range(11)]
    kinds = [s.attrs.get("data-kind") for s in slides]
    assert kinds == [None] + ["forward"] * 5 + ["seed"] + ["backward"] * 4
    counters = [s.find("span", "counter").text() for s in slides]
    assert counters == [f"{k} / 10" for k in range(11)]
    # ONE picture of the graph for the whole deck; the player dresses it for each step
    for slide in slides:
        assert list(slide.iter("svg")) == []
    assert deck.count("<svg") == 1
    assert len(deck_data(deck)["changes"]) == 11


def test_x_plus_y_times_z_gives_minus4_minus4_3_on_the_slides(deck: str):
    slides = slides_of(deck)
    eq = {k: s.find("p", "eq").text() for k, s in enumerate(slides) if k}
    assert eq[3] == "q = x + y = −2 + 5 = 3"
    assert eq[5] == "f = q * z = 3 * (−4) = −12"
    assert eq[6] == "f̄ = 1   (f.grad = 1)"
    assert eq[8] == STEP_8
    assert eq[9] == STEP_9
    assert eq[10] == "ȳ += q̄ · ∂q/∂y = (−4) · 1 = −4   (y.grad = −4)"
    # where the local derivative comes from, in the words under the line
    caption = slides[9].find("p", "caption").text()
    assert "∂q/∂x = 1" in caption and "because q = x + y" in caption
    assert slides[9].attrs["data-target"] == "x" and slides[9].attrs["data-node"] == "q"
    # the grads table (drawn by the player, see the Chromium tests) gets each node's terms
    rows = {r["name"]: r for r in deck_data(deck)["rows"]}
    assert {n: r["terms"][-1][4] for n, r in rows.items()} == {
        "x": "−4", "y": "−4", "q": "−4", "z": "3", "f": "1"}  # fmt: skip


def test_the_deck_loads_nothing_from_outside(deck: str):
    # the SVG namespace is a name, not an address: player.js makes its icons with it
    lowered = deck.lower().replace('"http://www.w3.org/2000/svg"', '"svg-namespace"')
    assert "http://" not in lowered and "https://" not in lowered
    assert "//" not in " ".join(re.findall(r'(?:src|href)\s*=\s*"([^"]*)"', lowered))
    assert not re.search(r"\bsrc\s*=", lowered)  # no scripts, images or frames from files
    for banned in ("<link", "@import", "@font-face", "<img", "<iframe", "<object", "<embed"):
        assert banned not in lowered
    assert re.findall(r"url\(([^)]*)\)", lowered) == []
    assert "default-src 'none'" in deck  # and the page forbids itself to load anything
    hrefs = re.findall(r'href="([^"]*)"', deck)
    assert hrefs and all(re.fullmatch(r"#s\d+", h) for h in hrefs)


def test_the_same_graph_gives_the_same_bytes(deck: str):
    assert slides_html(lecture_stepper(), title="f = (x + y) z") == deck
    # and across processes with different hash seeds, through the command
    outputs = []
    for seed in ("1", "2"):
        done = subprocess.run(
            [sys.executable, "-m", "autograd_lite", "slides", *LECTURE],
            capture_output=True,
            timeout=60,
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=True,
        )
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1] and outputs[0].startswith(b"<!DOCTYPE html>")


def test_everything_shown_is_escaped():
    a = Value(2.0, label='<u>"a"&</u>')
    f = a * Value(3.0, label="</script><script>alert(1)</script>")
    html = slides_html(f, title="<em>title</em> & </title><script>alert(2)</script>")
    assert "alert(1)</script>" not in html and "alert(2)</script>" not in html
    assert "<u>" not in html and "<em>" not in html
    assert html.count("<script>") == 2  # the deck's own two (and its data's)
    assert html.count("</script>") == 3
    assert "&lt;em&gt;title&lt;/em&gt; &amp; &lt;/title&gt;" in html
    rows = {r["name"]: r for r in deck_data(html)["rows"]}
    assert rows['<u>"a"&</u>']["terms"][-1][4] == "3"
    assert slides_of(html)[1].attrs["data-node"] == '<u>"a"&</u>'


def test_a_predict_deck_without_javascript_folds_each_answer_away():
    html = slides_html(lecture_stepper(), predict=True)
    slides = slides_of(html)
    assert slides[3].find("p", "eq").text() == "q = x + y = −2 + 5 = ?"
    fold = slides[3].find("details")
    assert fold.find("summary").text() == "reveal"
    assert fold.find("p", "eq").text() == "q = x + y = −2 + 5 = 3"
    assert list(slides[1].iter("details")) == []  # x = −2 is given: nothing to fold
    assert deck_data(html)["predict"] is True
    with pytest.raises(TypeError, match="predict must be True or False"):
        slides_html(lecture_stepper(), predict="yes")


@pytest.mark.slow
def test_the_thirty_line_deck_is_one_picture_and_small():
    lines = ["v1 = x*y + x"] + [f"v{k} = v{k - 1}*y + x" for k in range(2, 31)]
    stepper = Stepper(output_of(parse("; ".join(lines), x=0.5, y=-1)), notation="unicode")
    html = slides_html(stepper, title="thirty lines")
    assert len(stepper) == 183 and html.count('<section class="slide') == 184
    assert html.count("<svg") == 1
    assert len(html.encode("utf-8")) < 1_000_000  # a picture per slide made it 40 MB


def test_a_stepper_keeps_its_position_and_a_value_ends_with_its_grads():
    stepper = lecture_stepper()
    stepper.jump(4)
    slides_html(stepper)
    assert stepper.position == 4
    named = parse(EXPR, x=-2, y=5, z=-4)
    slides_html(output_of(named))
    assert [named[n].grad for n in "xyz"] == [-4.0, -4.0, 3.0]


def test_a_deck_too_long_is_refused_clearly(tmp_path: Path):
    old = tmp_path / "deck.html"
    old.write_text("old deck")
    with pytest.raises(TooManyStepsError, match="10 steps, more than max_steps=5"):
        write_slides(lecture_stepper(), old, max_steps=5)
    assert old.read_text() == "old deck"
    assert list(tmp_path.iterdir()) == [old]


# --- the command ----------------------------------------------------------------------


def test_slides_command_writes_the_deck(tmp_path: Path, capsys: pytest.CaptureFixture):
    out = tmp_path / "deck.html"
    assert main(["slides", *LECTURE, "-o", str(out)]) == 0
    assert capsys.readouterr().err == f"wrote {out.resolve()} (11 slides)\n"
    slides = slides_of(out.read_text(encoding="utf-8"))
    assert slides[9].find("p", "eq").text() == STEP_9
    assert slides[0].find("p", "lead").text() == EXPR  # the title defaults to EXPR
    assert main(["slides", *LECTURE, "-o", str(out), "--title", "Lecture 1", "--digits", "3"]) == 0
    assert "<title>Lecture 1</title>" in out.read_text(encoding="utf-8")


def test_slides_command_without_output_writes_stdout(capsys: pytest.CaptureFixture):
    assert main(["slides", *LECTURE]) == 0
    assert capsys.readouterr().out.count('<section class="slide') == 11


def test_slides_command_rejects_bad_input_clearly(tmp_path: Path, capsys: pytest.CaptureFixture):
    out = tmp_path / "deck.html"
    assert main(["slides", "q = x + ; f = q", "x=1", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("autograd-lite slides: error: in EXPR, line 1") and "^" in err
    assert main(["slides", "x + y", "x=1", "-o", str(out)]) == 1
    assert "unknown name 'y'" in capsys.readouterr().err
    missing = tmp_path / "no" / "deck.html"
    assert main(["slides", *LECTURE, "-o", str(missing)]) == 1
    assert "no such directory" in capsys.readouterr().err
    assert main(["slides", *LECTURE, "-o", str(tmp_path)]) == 1
    assert "is a directory" in capsys.readouterr().err
    assert main(["slides", *LECTURE, "-o", str(out), "--max-steps", "3"]) == 1
    assert "more than max_steps=3" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main(["slides", EXPR, "x=abc", "y=5", "z=-4", "-o", str(out)])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "'abc' is not a number" in err and "Traceback" not in err
    assert not out.exists()


def test_slides_is_listed_in_help(capsys: pytest.CaptureFixture):
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "slides" in capsys.readouterr().out


# --- a real browser -------------------------------------------------------------------

@pytest.fixture()
def deck_file(tmp_path: Path, deck: str) -> Path:
    path = tmp_path / "deck.html"
    path.write_text(deck, encoding="utf-8")
    return path


def open_deck(browser, path: Path, **context):
    ctx = browser.new_context(viewport={"width": 1280, "height": 720}, **context)
    page = ctx.new_page()
    seen = {"requests": [], "errors": []}
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("console", lambda m: m.type == "error" and seen["errors"].append(m.text))
    page.goto(path.as_uri())
    return ctx, page, seen


def visible_slide(page) -> dict:
    """The step the deck shows: its number, counter, chain-rule line and highlighted nodes."""
    return page.evaluate(
        """(highlight) => {
            const deck = document.querySelector(".agl-deck[data-agl-ready]");
            if (!deck) { return {count: 0}; }
            const marked = [...deck.querySelectorAll("svg g.node")].filter(g =>
                [...g.querySelectorAll("polygon, ellipse, path")].some(shape =>
                    shape.getAttribute("stroke") === highlight &&
                    getComputedStyle(shape).stroke === "rgb(194, 65, 12)"));
            const eq = deck.querySelector(".agl-line");
            const box = deck.getBoundingClientRect();
            return {
                count: 1,
                id: "s" + deck.dataset.step,
                counter: deck.querySelector(".agl-count").textContent,
                eq: eq ? eq.textContent : null,
                values: marked.filter(g => g.dataset.node).map(g => g.dataset.node).sort(),
                titles: marked.map(g => g.querySelector("title").textContent).sort(),
                target: [...deck.querySelectorAll("svg g.node.target")].map(g => g.dataset.node),
                edges: [...deck.querySelectorAll("svg g.edge.hl")].map(
                    g => g.querySelector("title").textContent),
                grads: [...deck.querySelectorAll("td.agl-grad")].map(td => td.textContent),
                hit: [...deck.querySelectorAll("td.hit")].map(td => td.textContent),
                asked: deck.classList.contains("agl-asking"),
                inside: box.left >= -1 && box.top >= -1 &&
                        box.right <= innerWidth + 1 && box.bottom <= innerHeight + 1,
            };
        }""",
        HIGHLIGHT,
    )


@pytest.mark.slow
def test_in_chromium_the_keys_and_clicks_move_through_the_slides(browser, deck_file: Path):
    ctx, page, seen = open_deck(browser, deck_file)
    try:
        shown = visible_slide(page)
        assert (shown["count"], shown["id"], shown["counter"]) == (1, "s0", "0 / 10")
        assert shown["inside"]
        page.keyboard.press("ArrowRight")
        shown = visible_slide(page)
        assert (shown["id"], shown["counter"], shown["eq"]) == ("s1", "1 / 10", "x = −2   (input)")
        assert shown["values"] == ["x"]
        for _ in range(8):
            page.keyboard.press("ArrowRight")
        shown = visible_slide(page)
        assert (shown["count"], shown["id"], shown["counter"]) == (1, "s9", "9 / 10")
        assert shown["eq"] == STEP_9
        # df/dx += ...: the edge x -> + -> q, both its ends, and x is the one written
        assert shown["values"] == ["q", "x"] and shown["target"] == ["x"]
        assert shown["titles"] == ["+ (q)", "q", "x"]
        assert shown["edges"] == ["x \u2192 + (q)", "+ (q) \u2192 q"]
        dash = "\u2013"
        assert shown["grads"] == ["−4", dash, "−4", "3", "1"] and shown["hit"] == ["−4"]
        assert page.url.endswith("#s9")
        page.keyboard.press("ArrowLeft")
        shown = visible_slide(page)
        assert (shown["id"], shown["counter"], shown["eq"]) == ("s8", "8 / 10", STEP_8)
        assert shown["values"] == ["f", "z"] and shown["target"] == ["z"]
        for key, want in [("End", "s10"), ("Home", "s0"), ("PageDown", "s1"), ("Space", "s2")]:
            page.keyboard.press(key)
            assert visible_slide(page)["id"] == want, key
        page.keyboard.press("PageUp")
        assert visible_slide(page)["id"] == "s1"
        page.mouse.click(1000, 400)  # the right half: next
        assert visible_slide(page)["id"] == "s2"
        page.mouse.click(200, 400)  # the left half: back
        assert visible_slide(page)["id"] == "s1"
        page.locator(".agl-deck button.agl-next").click()
        assert visible_slide(page)["id"] == "s2"
        page.goto(deck_file.as_uri() + "#s7")  # a link to a slide opens at that slide
        assert visible_slide(page)["counter"] == "7 / 10"
        assert seen["errors"] == []
        assert seen["requests"] and all(u.startswith("file:") for u in seen["requests"])
    finally:
        ctx.close()


@pytest.mark.slow
def test_in_chromium_each_step_highlights_what_the_stepper_draws(browser, deck_file: Path):
    stepper = lecture_stepper()
    ctx, page, seen = open_deck(browser, deck_file)
    try:
        dash = "\u2013"
        for k in range(len(stepper) + 1):
            page.goto(deck_file.as_uri() + f"#s{k}")
            stepper.jump(k)
            nodes, _ = stepper.highlights()
            shown = visible_slide(page)
            assert shown["id"] == f"s{k}"
            assert shown["eq"] == (stepper.steps[k - 1].text if k else None)
            assert shown["values"] == sorted(stepper.name(n) for n in nodes), k
            assert shown["grads"] == [dash if g is None else stepper.number(g)
                                      for _, _, _, g in stepper.rows()], k  # fmt: skip
        assert seen["errors"] == []
    finally:
        ctx.close()


@pytest.mark.slow
def test_in_chromium_a_backward_slide_fits_the_screen(browser, deck_file: Path, tmp_path: Path):
    ctx, page, _ = open_deck(browser, deck_file)
    try:
        page.goto(deck_file.as_uri() + "#s9")
        assert visible_slide(page)["inside"]
        box = page.evaluate(
            """() => {
                const svg = document.querySelector(".agl-deck svg.agl-drawing");
                const r = svg.getBoundingClientRect();
                return [r.width, r.height];
            }"""
        )
        assert box[0] > 900  # the graph is scaled up to fill the slide's width
        shot = tmp_path / "slides.png"
        page.screenshot(path=str(shot))
        data = shot.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">II", data[16:24]) == (1280, 720)
        keep = os.environ.get("AUTOGRAD_LITE_SLIDES_SCREENSHOT")
        if keep:  # how docs/slides.png is made
            shutil.copyfile(shot, keep)
        page.set_viewport_size({"width": 1920, "height": 1080})  # a projector: scaled to fit
        page.wait_for_function(
            "document.querySelector('.agl-deck').getBoundingClientRect().width > 1900")
        assert visible_slide(page)["inside"]
    finally:
        ctx.close()


@pytest.mark.slow
def test_in_chromium_without_javascript_every_slide_is_shown(browser, deck_file: Path):
    ctx, page, _ = open_deck(browser, deck_file, java_script_enabled=False)
    try:
        sections = page.locator("section.slide").all()
        assert sum(s.is_visible() for s in sections) == 11
        lines = [s.locator("p.eq").text_content() for s in sections[1:]]
        assert lines == [step.text for step in lecture_stepper().steps]
        graph = page.locator(".agl-deck svg.agl-drawing")
        assert graph.is_visible() and "data −12" in graph.text_content()  # after the last step
    finally:
        ctx.close()


@pytest.mark.slow
def test_in_chromium_every_step_shows_one_picture_of_the_graph(browser, deck_file: Path):
    """One layout: at every step the same viewBox and the same nodes in the same places."""
    ctx, page, _ = open_deck(browser, deck_file)
    geometry = """() => {
        const svg = document.querySelector(".agl-deck svg.agl-drawing");
        const at = [...svg.querySelectorAll("polygon, ellipse, path, polyline, text")].map(e =>
            ["points", "d", "cx", "x"].map(a => e.getAttribute(a)).join("|"));
        return [svg.getAttribute("viewBox"), document.querySelectorAll("svg.agl-drawing").length,
                at.join(";")];
    }"""
    try:
        first = page.evaluate(geometry)
        assert first[1] == 1
        for k in range(1, 11):
            page.keyboard.press("ArrowRight")
            assert visible_slide(page)["id"] == f"s{k}"
            assert page.evaluate(geometry) == first, k
    finally:
        ctx.close()


@pytest.mark.slow
def test_in_chromium_the_page_may_load_nothing(browser, deck_file: Path):
    """The deck's own policy forbids every load: an image or a fetch from outside is blocked."""
    ctx, page, seen = open_deck(browser, deck_file)
    failed = {}
    page.on("requestfailed", lambda r: failed.setdefault(r.url, r.failure))
    try:
        blocked = page.evaluate(
            """async () => {
                const seen = [];
                document.addEventListener("securitypolicyviolation",
                    e => seen.push(e.violatedDirective));
                const img = new Image();
                img.src = "https://example.com/pixel.png";
                document.body.appendChild(img);
                let fetched = "not blocked";
                try { await fetch("https://example.com/x.json"); }
                catch (e) { fetched = "blocked"; }
                await new Promise(r => setTimeout(r, 200));
                return [fetched, seen.sort()];
            }"""
        )
        assert blocked == ["blocked", ["connect-src", "img-src"]]
        outside = [u for u in seen["requests"] if not u.startswith("file:")]
        assert outside == ["https://example.com/pixel.png"]  # asked for, and stopped by
        assert failed == {outside[0]: "csp"}  # the page's policy, before any network
    finally:
        ctx.close()


@pytest.mark.slow
def test_in_chromium_predict_mode_asks_then_reveals(browser, tmp_path: Path):
    path = tmp_path / "quiz.html"
    assert main(["slides", *LECTURE, "--predict", "-o", str(path)]) == 0
    ctx, page, seen = open_deck(browser, path)
    try:
        page.goto(path.as_uri() + "#s8")  # a deep link asks its step's question first
        shown = visible_slide(page)
        assert (shown["id"], shown["asked"]) == ("s8", True)
        assert shown["eq"] == "z̄ += f̄ · ∂f/∂z = 1 · 3 = ?   (z.grad = ?)"
        assert shown["grads"][3] == "?" and shown["target"] == ["z"]
        page.keyboard.press("ArrowRight")  # the next key reveals
        shown = visible_slide(page)
        assert (shown["id"], shown["asked"], shown["eq"]) == ("s8", False, STEP_8)
        assert shown["grads"][3] == "3"
        page.keyboard.press("ArrowRight")  # and then asks the next step's
        shown = visible_slide(page)
        assert (shown["id"], shown["asked"]) == ("s9", True)
        assert page.locator(".agl-deck g[data-node='x'] text").all_text_contents() == [
            "x", "data −2", "grad ?"]  # fmt: skip
        keep = os.environ.get("AUTOGRAD_LITE_PREDICT_SCREENSHOTS")
        if keep:  # how docs/slides-predict-*.png are made
            page.screenshot(path=str(Path(keep) / "slides-predict-asked.png"))
        page.keyboard.press("Enter")
        assert visible_slide(page)["eq"] == STEP_9
        if keep:
            page.screenshot(path=str(Path(keep) / "slides-predict-revealed.png"))
        assert seen["errors"] == []
    finally:
        ctx.close()


@pytest.mark.slow
def test_in_chromium_printing_gives_a_page_per_step(browser, deck_file: Path):
    ctx, page, seen = open_deck(browser, deck_file)
    try:
        pdf = page.pdf(prefer_css_page_size=True, print_background=True)
        assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 11
        assert visible_slide(page)["id"] == "s0"  # the deck is as it was after printing
        assert page.locator(".agl-print").count() == 0
        assert seen["errors"] == []
    finally:
        ctx.close()


# --- one layout, a time budget, progress ---------------------------------------------


def test_a_deck_past_its_time_budget_stops_with_a_message():
    stepper = lecture_stepper()
    from autograd_lite.play.slides import PROJECTOR

    stepper.layout(**PROJECTOR)  # laid out already: the budget runs out among the slides
    from autograd_lite.drawing.renderer import RenderError

    with pytest.raises(RenderError, match=r"making the slides took longer than 1e-09 s and was "
                       r"stopped \(at slide 0 of 10\).*--timeout"):  # fmt: skip
        slides_html(stepper, timeout=1e-9)
    with pytest.raises(RenderError, match="did not finish within"):  # the layout itself
        slides_html(lecture_stepper(), timeout=1e-9)


def test_slides_command_takes_a_number_format(tmp_path: Path):
    out = tmp_path / "neuron.html"
    expr = ["tanh(x1*w1 + x2*w2 + b)", "x1=2", "x2=0", "w1=-3", "w2=1", "b=6.8813735870195432"]
    assert main(["slides", *expr, "-o", str(out), "--format", ".4f"]) == 0
    html = out.read_text(encoding="utf-8")
    assert "b = 6.8814" in html and "data 6.8814" in html and "6.88137" not in html


def test_slides_command_shows_progress_on_a_terminal(tmp_path: Path):
    import pexpect

    out = tmp_path / "deck.html"
    child = pexpect.spawn(
        sys.executable,
        ["-m", "autograd_lite", "slides", *LECTURE, "-o", str(out)],
        encoding="utf-8",
        timeout=60,
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    said = child.before
    assert "slides" in said and "%|" in said  # tqdm's bar, on stderr, which is the terminal
    assert "wrote" in said and out.exists()
    done = subprocess.run(  # in a pipe: no bar
        [sys.executable, "-m", "autograd_lite", "slides", *LECTURE, "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stderr == f"wrote {out.resolve()} (11 slides)\n"


# --- on a projector ------------------------------------------------------------------

NEURON = ["tanh(x1*w1 + x2*w2 + b)", "x1=2", "x2=0", "w1=-3", "w2=1", "b=6.8813735870195432"]

SMALLEST_TEXT = """async () => {
    const deck = document.querySelector(".agl-deck");
    const out = [];
    for (let k = 0; k <= Number(deck.querySelector(".agl-scrub").max); k++) {
        location.hash = "#s" + k;
        while (deck.dataset.step !== String(k)) {
            await new Promise(r => setTimeout(r, 10));
        }
        let least = [Infinity, Infinity, ""];
        for (const t of deck.querySelectorAll("svg text")) {
            if (!t.textContent.trim()) { continue; }
            const m = t.getScreenCTM();
            const font = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
            const box = t.getBoundingClientRect().height;
            if (Math.min(box, font) < Math.min(least[0], least[1])) {
                least = [box, font, t.textContent];
            }
        }
        const g = deck.querySelector("svg.agl-drawing").getBoundingClientRect();
        out.push({id: "s" + k, box: least[0], font: least[1], text: least[2],
                  graph: [Math.round(g.width), Math.round(g.height)]});
    }
    return out;
}"""


@pytest.mark.slow
@pytest.mark.parametrize("args, least", [(LECTURE, 22), (NEURON, 14)], ids=["lecture", "neuron"])
def test_in_chromium_the_graph_text_is_large_enough_for_a_projector(
    browser, tmp_path: Path, args, least
):
    path = tmp_path / "deck.html"
    assert main(["slides", *args, "-o", str(path)]) == 0
    ctx, page, seen = open_deck(browser, path)
    try:
        measured = page.evaluate(SMALLEST_TEXT)
        assert len(measured) == (11 if args is LECTURE else 21)
        for m in measured:
            # the text's bounding box, and the font size it is drawn at, in CSS px
            assert m["box"] >= least and m["font"] >= least, m
        assert len({tuple(m["graph"]) for m in measured}) == 1  # never re-zoomed
        assert seen["errors"] == []
    finally:
        ctx.close()


@pytest.mark.slow
def test_in_chromium_a_long_table_shows_the_block_with_the_current_node(browser, tmp_path: Path):
    terms = [Value(float(k), label=f"a{k}") for k in range(40)]
    total = terms[0]
    for t in terms[1:]:
        total = total + t
    path = tmp_path / "deck.html"
    write_slides(total, path)
    ctx, page, seen = open_deck(browser, path)
    try:
        page.goto(path.as_uri() + f"#s{len(Stepper(total)) - 3}")
        shown = page.evaluate(
            """() => {
                const s = document.querySelector(".agl-deck");
                const box = s.querySelector(".agl-grads.agl-scrolled");
                const hit = s.querySelector("td.hit").getBoundingClientRect();
                const r = box.getBoundingClientRect();
                return {clipped: box.scrollHeight > box.clientHeight + 1,
                        visible: hit.top >= r.top - 1 && hit.bottom <= r.bottom + 1,
                        blocks: box.querySelectorAll("table").length};
            }"""
        )
        assert shown == {"clipped": True, "visible": True, "blocks": shown["blocks"]}
        assert shown["blocks"] > 2
        assert seen["errors"] == []
    finally:
        ctx.close()
