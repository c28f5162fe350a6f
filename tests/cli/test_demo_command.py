"""autograd-lite demo: bad options and bad output folders give one line, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def run_demo(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "autograd_lite", "demo", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )


def the_error(done: subprocess.CompletedProcess) -> str:
    """The one line that says what was wrong (argparse puts its usage before it)."""
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    *usage, line = done.stderr.strip().splitlines()
    if usage:  # argparse's usage block: "usage: ..." and its indented continuation lines
        assert usage[0].startswith("usage: ") and all(u.startswith(" ") for u in usage[1:])
    return line


def test_out_naming_an_existing_file_is_refused_by_name(tmp_path):
    (tmp_path / "taken").write_text("mine")
    line = the_error(run_demo("backprop-intro", "--out", "taken", cwd=tmp_path))
    assert line.startswith("autograd-lite demo backprop-intro: error: argument --out:")
    assert "'taken' is a file, not a folder" in line
    assert (tmp_path / "taken").read_text() == "mine"


def test_out_inside_a_file_is_refused_by_name(tmp_path):
    (tmp_path / "taken").write_text("mine")
    line = the_error(run_demo("chain-rule", "--out", "taken/pictures", cwd=tmp_path))
    assert "argument --out: 'taken' is a file, so 'taken/pictures' can't be a folder" in line


def test_out_that_cannot_be_created_is_one_line_naming_it(tmp_path):
    line = the_error(run_demo("backprop-intro", "--out", "/proc/no-such-folder", cwd=tmp_path))
    assert line.startswith("autograd-lite demo: error: ")
    assert "/proc/no-such-folder" in line


@pytest.mark.parametrize(
    "args, words",
    [
        (["spiral-batched", "--lr", "nan"], "argument --lr: must be a finite number > 0, got nan"),
        (["spiral-batched", "--lr", "-1"], "argument --lr: must be a finite number > 0, got -1"),
        (["moons", "--seed", "-1"], "argument --seed: must be an int >= 0, got -1"),
        (["spiral-batched", "--points", "2"], "--points must be at least 3 (one per class)"),
    ],
)
def test_bad_demo_options_are_one_line_naming_the_option(tmp_path, args, words):
    line = the_error(run_demo(*args, cwd=tmp_path))
    assert line.startswith(f"autograd-lite demo {args[0]}: error: ")
    assert words in line
