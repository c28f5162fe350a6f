"""A standard stream closed before the command starts (``>&-``, ``0<&-``, ``2>&-``).

The streams are really closed (by bash, just before it runs the command),
not pointed at /dev/null: Python then starts with ``sys.stdout`` (or
``sys.stdin``, ``sys.stderr``) set to None. A command that needs the stream
says so in one line and exits 1; one that does not (``-o FILE``) does its work.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="closes streams with bash")

LECTURE = ["q = x + y; f = q * z", "x=-2", "y=5", "z=-4"]
SCRIPT = Path(sys.executable).with_name("autograd-lite")
STARTS = {  # the ways of running the command: the console script and python -m
    "autograd-lite": [str(SCRIPT)],
    "python -m": [sys.executable, "-m", "autograd_lite"],
}

# Runs the command with a hook that reports any uncaught exception (a traceback, which
# would go nowhere when standard error is closed) on the file descriptor $HOOK_FD.
HOOKED = (
    "import os, sys\n"
    "def tell(*args): os.write(int(os.environ['HOOK_FD']), b'uncaught exception\\n')\n"
    "sys.excepthook = tell; sys.unraisablehook = tell\n"
    "from autograd_lite.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


def closed(redirections: str, command: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """Run ``command`` under bash with ``redirections`` (such as ``>&-``) applied first."""
    return subprocess.run(
        ["bash", "-c", f'exec "$@" {redirections}', "bash", *command],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def hooked(redirections: str, args: list[str], cwd: Path) -> tuple[int, str]:
    """Exit status and what the hook reported, for ``args`` run with ``redirections``."""
    read, write = os.pipe()
    try:
        done = subprocess.run(
            ["bash", "-c", f'exec "$@" {redirections}', "bash", sys.executable, "-c", HOOKED]
            + args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(write,),
            env={**os.environ, "HOOK_FD": str(write)},
            cwd=cwd,
            timeout=120,
        )
        os.close(write)
        write = -1
        with os.fdopen(read, "rb") as reported:
            read = -1
            return done.returncode, reported.read().decode()
    finally:
        for fd in (read, write):
            if fd >= 0:
                os.close(fd)


@pytest.mark.parametrize("start", list(STARTS))
@pytest.mark.parametrize(
    "args",
    [["trace", *LECTURE], ["draw", *LECTURE], ["slides", *LECTURE], ["demo", "--list"]],
    ids=["trace", "draw", "slides", "demo-list"],
)
def test_a_closed_standard_output_is_one_line_and_exit_1(tmp_path, start, args):
    if start == "autograd-lite" and not SCRIPT.exists():
        pytest.skip(f"no console script at {SCRIPT}")
    done = closed(">&-", STARTS[start] + args, tmp_path)
    assert done.returncode == 1
    assert done.stderr == (
        f"autograd-lite {args[0]}: error: can't write to standard output: it is closed\n"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("start", list(STARTS))
def test_step_with_standard_input_closed_is_one_line_and_exit_1(tmp_path, start):
    if start == "autograd-lite" and not SCRIPT.exists():
        pytest.skip(f"no console script at {SCRIPT}")
    done = closed("0<&-", [*STARTS[start], "step", *LECTURE], tmp_path)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == "autograd-lite step: error: can't read standard input: it is closed\n"


def test_step_with_standard_input_and_output_closed_is_one_line_and_exit_1(tmp_path):
    done = closed("0<&- >&-", [*STARTS["python -m"], "step", *LECTURE], tmp_path)
    assert done.returncode == 1
    line = done.stderr.removeprefix("autograd-lite step: error: can't ")
    assert line in (
        "read standard input: it is closed\n",
        "write to standard output: it is closed\n",
    )


def test_trace_needs_no_standard_input(tmp_path):
    done = closed("0<&-", [*STARTS["python -m"], "trace", *LECTURE], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "grads after the backward pass" in done.stdout


@pytest.mark.parametrize("command", ["draw", "slides"])
def test_writing_a_file_needs_no_standard_output(tmp_path, command):
    target = "out.svg" if command == "draw" else "out.html"
    done = closed(">&-", [*STARTS["python -m"], command, *LECTURE, "-o", target], tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith(f"wrote {tmp_path / target}")
    assert (tmp_path / target).stat().st_size > 0


def test_a_closed_standard_error_keeps_messages_off_standard_output(tmp_path):
    done = closed("2>&-", [*STARTS["python -m"], "draw", *LECTURE, "-o", "g.svg"], tmp_path)
    assert done.returncode == 0
    assert done.stdout == ""  # "wrote g.svg" belongs on standard error, not here
    assert (tmp_path / "g.svg").read_text().startswith("<?xml")


def test_with_output_and_error_closed_a_file_is_still_written(tmp_path):
    status, reported = hooked(">&- 2>&-", ["draw", *LECTURE, "-o", "g.svg"], tmp_path)
    assert (status, reported) == (0, "")
    assert (tmp_path / "g.svg").read_text().startswith("<?xml")


@pytest.mark.parametrize(
    "args",
    [["trace", *LECTURE], ["draw", *LECTURE], ["slides", *LECTURE], ["demo", "--list"]],
    ids=["trace", "draw", "slides", "demo-list"],
)
def test_with_output_and_error_closed_the_exit_status_tells_and_nothing_is_uncaught(tmp_path, args):
    status, reported = hooked(">&- 2>&-", args, tmp_path)
    assert (status, reported) == (1, "")


def test_a_file_opened_later_never_takes_a_closed_streams_number(tmp_path):
    # With fd 1 closed, the next file opened would be fd 1: "standard output" for
    # anything that writes there (a renderer, a C library).
    probe = (
        "import os, sys\n"
        "from autograd_lite.cli.terminal import guarded\n"
        "def run():\n"
        "    fd = os.open('probe', os.O_WRONLY | os.O_CREAT)\n"
        "    sys.stderr.write(f'{fd}\\n')\n"
        "    return 0\n"
        "sys.exit(guarded('probe', run))\n"
    )
    done = closed("0<&- >&-", [sys.executable, "-c", probe], tmp_path)
    assert done.returncode == 0, done.stderr
    assert int(done.stderr) > 2
