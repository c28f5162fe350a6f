"""fit's progress where it runs: a text line in a notebook, whole lines in a pipe, nothing red.

The terminal's tqdm bar is tested in test_train.py (in process) and
test_live_terminal.py (through a pty); a real kernel in test_live_notebook.py.
"""

import json
import subprocess
import sys

import pytest

import nn.train
from nn import MLP, fit, jupyter, make_moons, to_signed


@pytest.fixture
def data():
    X, y = make_moons(10, seed=0)
    return X, to_signed(y)


def test_progress_in_a_notebook_is_one_text_line_updated_in_place(notebook, data, capsys):
    fit(MLP(2, [3, 1], seed=0), *data, epochs=4, progress=True)
    assert notebook.figures() == []
    (line,) = notebook.text_lines()
    assert line[0]["text/plain"].startswith("fit:  25%") and "1/4" in line[0]["text/plain"]
    assert line[-1]["text/plain"].startswith("fit: 100%") and "4/4" in line[-1]["text/plain"]
    assert capsys.readouterr() == ("", "")  # nothing red on stderr, nothing on stdout


def test_a_long_run_in_a_notebook_shows_progress_by_itself(notebook, data, monkeypatch):
    monkeypatch.setattr(nn.train, "_LONG_RUN_SECONDS", 0.0)
    fit(MLP(2, [3, 1], seed=0), *data, epochs=3)
    assert "3/3" in notebook.text_lines()[0][-1]["text/plain"]


def test_a_short_run_in_a_notebook_shows_none(notebook, data):
    fit(MLP(2, [3, 1], seed=0), *data, epochs=3)
    assert notebook.outputs == []


def test_when_tqdms_notebook_bar_cannot_start_the_text_line_is_used(
    notebook, data, monkeypatch, capsys
):
    import tqdm.notebook

    monkeypatch.setattr(jupyter, "has_ipywidgets", lambda: True)
    monkeypatch.setattr(tqdm.notebook, "IProgress", None)  # what tqdm sets when it can't use it
    fit(MLP(2, [3, 1], seed=0), *data, epochs=3, progress=True)
    assert "3/3" in notebook.text_lines()[0][-1]["text/plain"]
    assert capsys.readouterr().err == ""


def test_progress_in_a_pipe_is_whole_lines_on_stderr(data, capsys):
    fit(MLP(2, [3, 1], seed=0), *data, epochs=5, progress=True)
    out, err = capsys.readouterr()
    assert out == "" and "\r" not in err and err.endswith("\n")
    lines = err.splitlines()
    assert lines[0].startswith("fit:  20%") and "1/5" in lines[0]  # the first epoch at once
    assert lines[-1].startswith("fit: 100%") and "5/5" in lines[-1]  # and the last
    assert len(lines) == 2  # the run took far less than 2 s: nothing in between


def test_importing_nn_and_training_load_no_ipython_or_tqdm():
    code = (
        "import sys, json\n"
        "from nn import MLP, fit, make_moons, to_signed\n"
        "X, y = make_moons(10, seed=0)\n"
        "fit(MLP(2, [3, 1], seed=0), X, to_signed(y), epochs=2)\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = json.loads(done.stdout)
    assert not [m for m in loaded if m.split(".")[0] in ("IPython", "tqdm", "ipykernel")]
    assert "nn.live_view" not in loaded
