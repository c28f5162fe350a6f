"""What the commands do when writing fails: Ctrl-C, a full disk, a closed pipe, an ASCII terminal.

Each case runs the command in a fresh process, the way a user meets it.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograd_lite.cli.terminal import guarded

LECTURE = ["q = x + y; f = q * z", "x=-2", "y=5", "z=-4"]

# 75 chained tanh units: about 300 nodes, whose drawing takes graphviz-pure minutes
LONG = "a0 = x*y; " + "; ".join(f"a{i} = tanh(a{i - 1}*y + x)" for i in range(1, 75))
# An intermediate s that feeds 118 nodes: its layout takes graphviz-pure about
# a minute (a shared leaf is drawn as copies, a shared intermediate is not).
FANOUT = "s = x*y; a0 = tanh(s); " + "; ".join(f"a{i} = tanh(a{i - 1}*s + s)" for i in range(1, 60))


def run_cli(*args: str, env: dict | None = None, **options) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "autograd_lite", *args],
        capture_output="stdout" not in options,
        stderr=subprocess.PIPE if "stdout" in options else None,
        env={**os.environ, **(env or {})},
        timeout=120,
        **options,
    )


# --- Ctrl-C -----------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ["trace", FANOUT, "x=0.5", "y=0.7", "--frames", "frames"],
        ["draw", FANOUT, "x=0.5", "y=0.7", "--max-nodes", "none", "-o", "g.svg"],
        ["slides", FANOUT, "x=0.5", "y=0.7", "--max-steps", "none", "-o", "deck.html"],
        ["demo", "moons", "--steps", "100000", "--out", "pictures"],
    ],
    ids=["trace", "draw", "slides", "demo"],
)
def test_ctrl_c_exits_130_with_one_line_and_no_temporary_files(tmp_path, args, stand_in_dot):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    pid, printed = tmp_path / "renderer.pid", tmp_path / "printed.txt"
    renders = args[0] != "demo"
    if renders:  # FANOUT is now drawn in a moment: Ctrl-C it while `dot` runs
        slow = stand_in_dot(f"echo $$ > {pid}\nexec {shutil.which('sleep')} 600\n")
        env["PATH"] = f"{slow}{os.pathsep}{env['PATH']}"
    with open(printed, "w") as stdout:
        child = subprocess.Popen(
            [sys.executable, "-m", "autograd_lite", *args],
            cwd=tmp_path,
            stdout=stdout,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
    try:
        if renders:  # inside the command: its renderer has started (and said so)
            wait_for(lambda: pid.exists() and pid.read_text().strip() != "", child)
        else:  # inside the demo: it has printed its first training step
            wait_for(lambda: "\nstep " in printed.read_text(), child)
        child.send_signal(signal.SIGINT)
        _, err = child.communicate(timeout=60)
    finally:
        child.kill()
        child.wait()
    assert child.returncode == 130
    assert err == f"autograd-lite {args[0]}: interrupted\n"
    hidden = [p.name for p in tmp_path.rglob(".*")]
    assert hidden == []
    if renders:  # and the renderer was stopped, not left running
        with pytest.raises(ProcessLookupError):
            os.kill(int(pid.read_text()), 0)


def wait_for(ready, child: subprocess.Popen, seconds: float = 120) -> None:
    """Poll until ``ready()``: a sign the command is well inside its work, not a guess
    of how long it takes to get there (which a loaded machine can make wrong)."""
    deadline = time.monotonic() + seconds
    while not ready():
        assert child.poll() is None, f"it ended ({child.returncode}) before it could be stopped"
        assert time.monotonic() < deadline, f"no sign of work after {seconds} s"
        time.sleep(0.01)


# --- a full disk --------------------------------------------------------------------


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize(
    "args",
    [
        ["trace", *LECTURE],
        ["step", *LECTURE],
        ["draw", *LECTURE],
        ["slides", *LECTURE],
        ["demo", "--list"],
        ["demo", "backprop-intro", "--out", "pictures"],
    ],
    ids=["trace", "step", "draw", "slides", "demo-list", "demo"],
)
def test_a_full_disk_is_one_line_naming_standard_output(tmp_path, args):
    with open("/dev/full", "w") as full:
        done = run_cli(*args, stdout=full, stdin=subprocess.DEVNULL, cwd=tmp_path, text=True)
    assert done.returncode == 1
    name = args[0]
    assert done.stderr.splitlines()[-1:] == [
        f"autograd-lite {name}: error: can't write to standard output: No space left on device"
    ]
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr


# --- a reader that goes away ------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [["trace", LONG, "x=0.5", "y=0.7"], ["step", LONG, "x=0.5", "y=0.7"], ["slides", *LECTURE]],
    ids=["trace", "step", "slides"],
)
def test_a_closed_pipe_ends_quietly(args):
    # Like `| head -1`: the output is far larger than the pipe holds.
    child = subprocess.Popen(
        [sys.executable, "-m", "autograd_lite", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    child.stdout.readline()
    child.stdout.close()
    err = child.stderr.read()
    assert child.wait(timeout=120) == 0
    assert err == b""


# --- an ASCII-only terminal ---------------------------------------------------------------

ASCII = {"LANG": "C", "LC_ALL": "C", "PYTHONIOENCODING": "ascii"}


@pytest.mark.parametrize("command", ["trace", "step"])
def test_an_ascii_terminal_refuses_a_label_it_cannot_print_in_one_line(command):
    done = run_cli(command, "é = x + y; f = é * z", "x=1", "y=2", "z=3", env=ASCII, text=True)
    assert done.returncode == 1
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert lines[0].startswith(f"autograd-lite {command}: error: the label '\\xe9' can't be")
    assert "ascii" in lines[0]


def test_an_ascii_terminal_still_prints_the_lectures_narration():
    done = run_cli("trace", *LECTURE, env=ASCII, text=True)
    assert done.returncode == 0, done.stderr
    # the bar notation in its ASCII spelling
    assert "x_bar += q_bar * dq/dx = (-4) * 1 = -4   (x.grad = -4)" in done.stdout
    assert done.stdout.isascii()


@pytest.mark.parametrize("command", ["draw", "slides"])
def test_svg_and_html_go_out_as_utf_8_whatever_the_terminal(command):
    done = run_cli(command, "é = x + y; f = é * z", "x=1", "y=2", "z=3", env=ASCII)
    assert done.returncode == 0, done.stderr
    assert "é".encode() in done.stdout


def test_narration_falls_back_to_ascii_spellings_on_an_ascii_stream():
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="ascii", errors="strict")
    real, sys.stdout = sys.stdout, stream
    try:
        status = guarded(
            "autograd-lite trace", lambda: print("df/dx \u2212 1 \u00d7 2 \u2192 3 \u2026") or 0
        )
    finally:
        sys.stdout = real
    stream.flush()
    assert status == 0
    assert raw.getvalue() == b"df/dx - 1 * 2 -> 3 ...\n"


def test_a_character_with_no_ascii_spelling_is_a_one_line_error(capsys):
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="ascii", errors="strict")
    real, sys.stdout = sys.stdout, stream
    try:
        status = guarded("autograd-lite trace", lambda: print("x = \u4e09") or 0)
    finally:
        sys.stdout = real
    assert status == 1
    err = capsys.readouterr().err
    assert err.startswith("autograd-lite trace: error: can't print") and err.count("\n") == 1


# --- errors name the file asked for, never a temporary one -------------------------------


@pytest.mark.parametrize(
    "args, target",
    [
        (["draw", *LECTURE, "-o", "taken.svg"], "taken.svg"),
        (["slides", *LECTURE, "-o", "taken.html"], "taken.html"),
    ],
)
def test_writing_over_a_folder_names_the_target_not_a_temporary_file(tmp_path, args, target):
    (tmp_path / target).mkdir()
    done = run_cli(*args, cwd=tmp_path, text=True)
    assert done.returncode == 1
    line = done.stderr.strip()
    assert target in line and ".tmp" not in line and "\n" not in line
    assert sorted(p.name for p in tmp_path.iterdir()) == [target]


def test_render_into_a_folder_path_names_it(tmp_path: Path):
    from autograd_lite import Value, render

    (tmp_path / "g.svg").mkdir()
    with pytest.raises(IsADirectoryError) as info:
        render(Value(1.0, label="x") * 2, tmp_path / "g.svg")
    assert str(tmp_path / "g.svg") in str(info.value) and ".tmp" not in str(info.value)
    assert [p.name for p in tmp_path.iterdir()] == ["g.svg"]


def test_saving_a_model_into_a_folder_path_names_it(tmp_path: Path):
    from nn import MLP

    (tmp_path / "m.json").mkdir()
    with pytest.raises(IsADirectoryError) as info:
        MLP(2, [1], seed=0).save(tmp_path / "m.json")
    assert str(tmp_path / "m.json") in str(info.value) and ".m.json." not in str(info.value)
    assert [p.name for p in tmp_path.iterdir()] == ["m.json"]
