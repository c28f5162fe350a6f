"""fit(..., live=True) in a real notebook: run in a kernel, exported by nbconvert, seen in Chromium.

The notebook is built with nbformat and executed by nbclient in a kernel
that runs this interpreter (a kernelspec written for the test), as if
ipywidgets were not installed (its first cell hides it; the widget bar is
``test_progress_widgets.py``); every message the kernel sends is recorded.
"""

from __future__ import annotations

import base64
import json
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
nbconvert = pytest.importorskip("nbconvert")
pytest.importorskip("ipykernel")

SVG = "{http://www.w3.org/2000/svg}"
EPOCHS = 50

CELLS = [
    "import sys\nsys.modules['ipywidgets'] = None  # as if not installed\nprint(sys.executable)",
    f"""\
from nn import MLP, Adam, fit, hinge, make_moons, to_signed
X, y = make_moons(60, noise=0.1, seed=0)
model = MLP(2, [8, 8, 1], seed=0)
history = fit(model, X, to_signed(y), loss=hinge, optimizer=Adam(model, lr=0.05),
              epochs={EPOCHS}, live=True)""",
    "import json\nprint(json.dumps({'loss': history.loss, 'accuracy': history.accuracy}))",
    "fit(model, X, to_signed(y), loss=hinge, epochs=3, progress=True)",
]


class RecordingClient(nbclient.NotebookClient):
    """nbclient's executor, keeping (cell index, message type, display id, is a figure) of each."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.messages: list[tuple[int, str, str | None, bool]] = []

    def process_message(self, msg: dict, cell: Any, cell_index: int) -> Any:
        content = msg.get("content", {})
        display_id = content.get("transient", {}).get("display_id")
        figure = "image/svg+xml" in content.get("data", {})
        self.messages.append((cell_index, msg["msg_type"], display_id, figure))
        return super().process_message(msg, cell, cell_index)


@pytest.fixture(scope="module")
def executed(
    tmp_path_factory: pytest.TempPathFactory, this_python_kernel: Any
) -> tuple[Any, RecordingClient, Path]:
    where = tmp_path_factory.mktemp("live-notebook")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in CELLS]
    client = RecordingClient(
        nb, km=this_python_kernel(where), timeout=300, resources={"metadata": {"path": str(where)}}
    )
    client.execute()
    return nb, client, where


def figure_outputs(cell: Any) -> list[Any]:
    return [o for o in cell.outputs if "image/svg+xml" in o.get("data", {})]


def final_svg(nb: Any) -> str:
    (figure,) = figure_outputs(nb.cells[1])
    return figure["data"]["image/svg+xml"]


def history(nb: Any) -> dict[str, list]:
    (printed,) = [o for o in nb.cells[2].outputs if o.output_type == "stream"]
    return json.loads(printed.text)


@pytest.mark.slow
def test_the_kernel_runs_this_python(executed):
    nb, _, _ = executed
    assert nb.cells[0].outputs[0].text.strip() == sys.executable


@pytest.mark.slow
def test_the_figure_is_one_output_updated_in_place(executed):
    nb, client, _ = executed
    assert len(figure_outputs(nb.cells[1])) == 1
    sent = [(kind, d, figure) for cell, kind, d, figure in client.messages if cell == 1]
    shown = [(d, figure) for kind, d, figure in sent if kind == "display_data"]
    (figure_id,) = [d for d, figure in shown if figure]  # the figure is displayed once
    (line_id,) = [d for d, figure in shown if not figure]  # and so is the progress line
    assert figure_id and line_id and figure_id != line_id
    updates = Counter((d, figure) for kind, d, figure in sent if kind == "update_display_data")
    assert updates[(figure_id, True)] >= 1  # then replaced in place, as a figure
    assert set(updates) <= {(figure_id, True), (line_id, False)}


@pytest.mark.slow
def test_nothing_is_written_to_stderr(executed):
    nb, _, _ = executed
    for cell in nb.cells:
        assert [o for o in cell.outputs if o.get("name") == "stderr"] == [], cell.source
        assert [o for o in cell.outputs if o.output_type == "error"] == [], cell.source


@pytest.mark.slow
def test_progress_is_a_text_line_that_ends_at_the_last_epoch(executed):
    nb, _, _ = executed
    (line,) = [o for o in nb.cells[1].outputs if "image/svg+xml" not in o.get("data", {})]
    assert line["data"]["text/plain"].startswith("fit: 100%")
    assert f"{EPOCHS}/{EPOCHS}" in line["data"]["text/plain"]
    (alone,) = [o for o in nb.cells[3].outputs if o.output_type == "display_data"]
    assert "3/3" in alone["data"]["text/plain"]  # progress=True without live: the line alone


@pytest.mark.slow
def test_the_last_frame_draws_the_historys_loss_and_accuracy(executed, drawn_curve):
    nb, _, _ = executed
    want = history(nb)
    svg = final_svg(nb)
    loss = drawn_curve(svg, "loss")
    assert [epoch for epoch, _ in loss] == pytest.approx(list(range(1, EPOCHS + 1)), abs=0.01)
    scale = max(want["loss"])  # pixel coordinates keep 2 decimals of a 220 px axis
    assert [v for _, v in loss] == pytest.approx(want["loss"], abs=1e-3 * scale)
    accuracy = drawn_curve(svg, "accuracy")
    assert [v for _, v in accuracy] == pytest.approx(want["accuracy"], abs=1e-3)
    assert f"epoch {EPOCHS} of {EPOCHS}" in svg


@pytest.mark.slow
def test_the_last_frame_has_the_decision_regions_and_the_points(executed):
    nb, _, _ = executed
    root = ET.fromstring(final_svg(nb))
    cells = root.findall(f".//{SVG}g[@class='cells']/{SVG}rect")
    assert {c.get("data-class") for c in cells} == {"0", "1"}
    covered = sum(float(c.get("width")) * float(c.get("height")) for c in cells)
    assert covered == pytest.approx(220 * 220, rel=1e-3)  # every cell has a class
    assert len(root.findall(f".//{SVG}g[@class='points']/{SVG}circle")) == 60
    legend = root.find(f".//{SVG}g[@class='legend']")
    assert [t.text for t in legend.iter(f"{SVG}text")] == ["class -1", "class +1"]


@pytest.mark.slow
def test_the_html_export_shows_the_figure_in_chromium(executed, browser):
    nb, _, where = executed
    html, _ = nbconvert.HTMLExporter().from_notebook_node(nb)
    page_file = where / "live.html"
    page_file.write_text(html, encoding="utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    try:
        page.goto(page_file.as_uri())
        figure = page.locator('[data-mime-type="image/svg+xml"] img')
        assert figure.count() == 1
        figure.scroll_into_view_if_needed()
        box = figure.bounding_box()
        assert box["width"] > 800 and box["height"] > 300
        loaded = figure.evaluate("img => [img.complete, img.naturalWidth, img.naturalHeight]")
        assert loaded == [True, 910, 340]  # the SVG decoded at its own size
        src = figure.get_attribute("src")
        svg = base64.b64decode(src.split(",", 1)[1]).decode("utf-8")
        assert svg == final_svg(nb)  # the export keeps the last frame
        shot = where / "live.png"
        page.screenshot(path=str(shot))
        assert shot.stat().st_size > 20_000  # a picture with curves and regions, not a blank
    finally:
        page.close()
