"""``autograd-lite draw``: the lecture's expressions drawn from the command line."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from autograd_lite.cli import main

SVG = "{http://www.w3.org/2000/svg}"
EXPR = "q = x + y; f = q * z"
VALUES = ["x=-2", "y=5", "z=-4"]


def svg_texts(svg: str) -> list[str]:
    return [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]


def test_draw_x_plus_y_times_z_writes_an_svg_with_the_backward_pass_done(
    tmp_path: Path, capsys: pytest.CaptureFixture
):
    out = tmp_path / "f.svg"
    assert main(["draw", EXPR, *VALUES, "-o", str(out)]) == 0
    texts = svg_texts(out.read_text())
    for expected in ("x", "q", "f", "data -12", "grad -4", "grad 3", "grad 1"):
        assert expected in texts
    assert capsys.readouterr().err == f"wrote {out.resolve()}\n"


def test_without_output_the_svg_goes_to_stdout(capsys: pytest.CaptureFixture):
    assert main(["draw", EXPR, *VALUES]) == 0
    assert "data -12" in svg_texts(capsys.readouterr().out)


def test_no_backward_shows_grads_as_not_computed(capsys: pytest.CaptureFixture):
    assert main(["draw", EXPR, *VALUES, "--no-backward"]) == 0
    assert svg_texts(capsys.readouterr().out).count("grad not computed") == 5


def test_png_and_options(tmp_path: Path):
    out = tmp_path / "neuron.png"
    args = ["draw", "o = tanh(x1*w1 + x2*w2 + b)", "x1=2", "x2=0", "w1=-3", "w2=1", "b=6.8814"]
    assert main([*args, "-o", str(out), "--legend", "--rankdir", "TB", "--color", "grad"]) == 0
    assert out.read_bytes().startswith(b"\x89PNG")
    dot = tmp_path / "neuron.dot"
    assert main([*args, "-o", str(dot), "--format", ".2f", "--no-local-grads"]) == 0
    source = dot.read_text()
    assert "data 0.71" in source and "grad 1.00" in source
    assert "fontcolor" not in source


def test_a_bad_value_is_a_usage_error_without_traceback(capsys: pytest.CaptureFixture):
    with pytest.raises(SystemExit) as info:
        main(["draw", EXPR, "x=abc", "y=5", "z=-4"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "'abc' is not a number" in err
    assert "Traceback" not in err


def test_a_parse_error_points_at_the_text(capsys: pytest.CaptureFixture):
    assert main(["draw", "q = x + ; f = q", "x=1"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("autograd-lite draw: error: in EXPR, line 1")
    assert "^" in err and "Traceback" not in err


def test_an_unknown_suffix_and_a_too_large_graph_are_clear_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture
):
    assert main(["draw", EXPR, *VALUES, "-o", str(tmp_path / "f.pdf")]) == 1
    assert "suffix" in capsys.readouterr().err
    assert main(["draw", EXPR, *VALUES, "--max-nodes", "3"]) == 1
    assert "more than max_nodes=3" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_the_installed_command_runs_without_the_venv_on_path(tmp_path: Path):
    # As when someone runs .venv/bin/autograd-lite without activating the venv:
    # PATH has neither dot nor graphviz-pure, which is found next to Python.
    empty = tmp_path / "bin"
    empty.mkdir()
    env = {**os.environ, "PATH": str(empty)}
    done = subprocess.run(
        [sys.executable, "-m", "autograd_lite", "draw", EXPR, *VALUES, "-o", "f.svg"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "grad -4" in svg_texts((tmp_path / "f.svg").read_text())
    bad = subprocess.run(
        [sys.executable, "-m", "autograd_lite", "draw", "log(x)", "x=0"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 1
    assert "log: needs x > 0" in bad.stderr and "Traceback" not in bad.stderr


@pytest.mark.parametrize(
    "spec, words",
    [("10000000g", "width 10000000; the most is 40"), (".500f", "precision 500; the most is 20")],
)
def test_draw_refuses_an_absurd_format_before_drawing(capsys, spec, words):
    with pytest.raises(SystemExit) as stop:
        main(["draw", EXPR, *VALUES, "--format", spec])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_draw_format_fill_characters_are_drawn_as_given(capsys):
    assert main(["draw", EXPR, *VALUES, "--format", "|>8.1f"]) == 0
    assert "data ||||-2.0" in svg_texts(capsys.readouterr().out)
