"""The player in a real notebook: built with nbformat, run by nbclient in a kernel running
this Python, exported by nbconvert, and the export used in Chromium with the keys.

Set AUTOGRAD_LITE_PLAYER_SCREENSHOTS=DIR to keep the pictures of the export
at three steps (how docs/notebook-player-*.png are made).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
nbconvert = pytest.importorskip("nbconvert")
pytest.importorskip("ipykernel")

pytestmark = pytest.mark.slow

NEURON = "n = x1*w1 + x2*w2 + b; o = tanh(n)"
CELLS = [
    f"""\
from autograd_lite import parse, Stepper
values = parse("{NEURON}", x1=2, x2=0, w1=-3, w2=1, b=6.8813735870195432)
s = Stepper(values["o"], number_format=".4f", notation="unicode")
s.jump(4)
s""",
    'Stepper(values["o"], number_format=".4f", notation="unicode").show(predict=True)',
    "import json\nprint(json.dumps([step.text for step in s.steps]))",
    """\
from autograd_lite import Value
v = Value(0.5, label="x")
for _ in range(400):
    v = v * 1.01
Stepper(v)""",
]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory, this_python_kernel: Any) -> tuple:
    where = tmp_path_factory.mktemp("player-notebook")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in CELLS]
    client = nbclient.NotebookClient(
        nb, km=this_python_kernel(where), timeout=300, resources={"metadata": {"path": str(where)}}
    )
    client.execute()
    html, _ = nbconvert.HTMLExporter().from_notebook_node(nb)
    page_file = where / "player.html"
    page_file.write_text(html, encoding="utf-8")
    return nb, page_file


def stepper_texts(nb: Any) -> list[str]:
    (printed,) = [o for o in nb.cells[2].outputs if o.output_type == "stream"]
    return json.loads(printed.text)


def test_each_player_is_one_html_output_and_nothing_goes_wrong(exported):
    nb, _ = exported
    for cell in nb.cells:
        assert [o for o in cell.outputs if o.output_type == "error"] == [], cell.source
        assert [o for o in cell.outputs if o.get("name") == "stderr"] == [], cell.source
    for k in (0, 1):
        (out,) = nb.cells[k].outputs
        html = out["data"]["text/html"]
        assert html.count('class="agl-player') == 1 and html.count('<img class="agl-still"') == 1
        assert out["data"]["text/plain"].startswith(("<Stepper of o", "<Player of o"))
    (refused,) = nb.cells[3].outputs  # over the drawing limit: the message, not a wait
    assert "agl-refusal" in refused["data"]["text/html"]
    assert "more than max_nodes=1000" in refused["data"]["text/html"]


def test_in_the_export_the_keys_step_through_and_the_narration_is_the_steppers(
    exported, browser, tmp_path: Path
):
    nb, page_file = exported
    texts = stepper_texts(nb)
    assert len(texts) == 20
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(page_file.as_uri())
        players = page.locator(".agl-player")
        assert players.count() == 2
        page.wait_for_function(
            "[...document.querySelectorAll('.agl-player')].every(p => p.dataset.aglReady === '')")
        first, second = players.nth(0), players.nth(1)
        line = first.locator(".agl-line")
        assert first.get_attribute("data-step") == "4"  # where the Stepper stood
        assert line.text_content() == texts[3]
        keep = os.environ.get("AUTOGRAD_LITE_PLAYER_SCREENSHOTS")
        first.scroll_into_view_if_needed()
        first.locator(".agl-story").click()
        for k in range(5, 21):
            page.keyboard.press("ArrowRight")
            assert first.get_attribute("data-step") == str(k)
            assert line.text_content() == texts[k - 1], k
            if keep and k in (7, 12):
                first.screenshot(path=str(Path(keep) / f"notebook-player-{k}.png"))
        assert second.get_attribute("data-step") == "0"  # the other player did not move
        first.locator("g.node[data-node='w1']").click()  # its one term is this step's
        inspector = first.locator(".agl-inspect")
        assert inspector.locator(".agl-inspect-name").text_content() == "w1"
        now = inspector.locator("tr.agl-term.now td").all_text_contents()
        assert now == ["20", "n̄1 · ∂n1/∂w1", "= 0.5000 · 2.0000", "= 1.0000", "1.0000"]
        if keep:
            first.screenshot(path=str(Path(keep) / "notebook-player-20.png"))
        page.keyboard.press("Home")
        page.keyboard.press("ArrowRight")
        assert line.text_content() == texts[0]
        # the predict player asks before it tells
        second.locator(".agl-story").click()
        for _ in range(3):
            page.keyboard.press("ArrowRight")  # x1 and w1 are given; step 3 asks
        assert second.locator(".agl-line").text_content() == "n1 = x1 * w1 = 2.0000 * (−3.0000) = ?"
        page.keyboard.press("Enter")
        assert second.locator(".agl-line").text_content() == texts[2]
        assert errors == []
    finally:
        page.close()


def test_without_javascript_the_export_shows_the_step_and_says_why_no_more(exported, browser):
    nb, page_file = exported
    texts = stepper_texts(nb)
    ctx = browser.new_context(viewport={"width": 1280, "height": 720}, java_script_enabled=False)
    page = ctx.new_page()
    try:
        page.goto(page_file.as_uri())
        first = page.locator(".agl-player").nth(0)
        still = first.locator("img.agl-still")  # what an untrusted notebook shows too
        assert still.is_visible() and still.evaluate("i => i.complete && i.naturalWidth") > 500
        assert first.locator(".agl-line").text_content() == texts[3]
        assert "needs JavaScript" in first.locator(".agl-static").text_content()
        assert first.locator("button").count() == 0  # no controls that would do nothing
    finally:
        ctx.close()
