"""fit(..., progress=True) in a real notebook kernel with ipywidgets: tqdm's widget bar.

The notebook is built with nbformat and executed by nbclient, which keeps
the widgets' final state in the notebook's metadata, so the test reads what
the bar shows at the end: its value, its total and its text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("ipywidgets")

EPOCHS = 7
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

CELL = f"""\
from nn import MLP, fit, make_moons, to_signed
X, y = make_moons(40, noise=0.1, seed=0)
history = fit(MLP(2, [4, 1], seed=0), X, to_signed(y), epochs={EPOCHS}, progress=True)
print(len(history.loss), repr(history.loss[-1]))"""


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory, this_python_kernel: Any) -> Any:
    where: Path = tmp_path_factory.mktemp("widget-notebook")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(CELL)]
    client = nbclient.NotebookClient(
        nb,
        km=this_python_kernel(where),
        timeout=300,
        store_widget_state=True,
        resources={"metadata": {"path": str(where)}},
    )
    client.execute()
    return nb


def widget_models(nb: Any) -> dict[str, dict]:
    """Each widget's final state by model id, as nbclient stored it."""
    stored = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    return {model_id: entry["state"] for model_id, entry in stored.items()}


@pytest.mark.slow
def test_with_ipywidgets_progress_is_tqdms_widget_bar_and_nothing_red(executed):
    (cell,) = executed.cells
    assert [o for o in cell.outputs if o.output_type == "error"] == []
    assert [o for o in cell.outputs if o.get("name") == "stderr"] == []
    views = [o for o in cell.outputs if WIDGET_VIEW in o.get("data", {})]
    assert len(views) == 1  # one bar, not one per epoch
    (printed,) = [o for o in cell.outputs if o.get("name") == "stdout"]
    assert printed.text.split()[0] == str(EPOCHS)  # the training itself ran every epoch


@pytest.mark.slow
def test_the_widget_bar_ends_full_with_the_last_loss(executed):
    (cell,) = executed.cells
    last_loss = float([o for o in cell.outputs if o.get("name") == "stdout"][0].text.split()[1])
    models = widget_models(executed)
    progress = ("FloatProgressModel", "IntProgressModel")
    (bar,) = [m for m in models.values() if m.get("_model_name") in progress]
    assert bar["max"] == EPOCHS and bar["value"] == EPOCHS
    texts = [m.get("value", "") for m in models.values() if m.get("_model_name") == "HTMLModel"]
    shown = " ".join(texts)
    assert f"{EPOCHS}/{EPOCHS}" in shown and "fit" in shown
    assert f"loss={last_loss:.4g}" in shown  # the bar's postfix: the last epoch's loss
