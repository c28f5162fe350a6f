"""The terminal stepper puts the terminal back however it ends: keys, signals, a hang-up.

``autograd-lite step`` runs in a pseudo-terminal under a small parent
program that, like a shell, waits for it and then reports its exit status
and whether the terminal's settings (echo, canonical mode, ...) are the
ones it started with. The stepper's own output must leave the alternate
screen and show the cursor again after entering and hiding them.
"""

from __future__ import annotations

import io
import os
import signal
import sys
import time
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")

pytestmark = pytest.mark.skipif(os.name != "posix", reason="terminals and signals: POSIX")

LECTURE = ["q = x + y; f = q * z", "x=-2", "y=5", "z=-4"]
ALT_SCREEN, MAIN_SCREEN = "\x1b[?1049h", "\x1b[?1049l"
HIDE_CURSOR, SHOW_CURSOR = "\x1b[?25l", "\x1b[?25h"
FIRST_FRAME = "Press → or space for the first."

# The parent, as a shell would be: it survives the keys that signal its child
# (Ctrl-C, Ctrl-\), writes the child's pid to argv[1], then says how the child ended
# and whether the terminal settings are back as they were.
PARENT = """
import signal, subprocess, sys, termios
before = termios.tcgetattr(0)
child = subprocess.Popen(sys.argv[2:])
signal.signal(signal.SIGINT, signal.SIG_IGN)
signal.signal(signal.SIGQUIT, signal.SIG_IGN)
with open(sys.argv[1], "w") as f:
    f.write(str(child.pid))
status = child.wait()
same = termios.tcgetattr(0) == before
print(f"[status {status}] [terminal settings {'restored' if same else 'CHANGED'}]", flush=True)
"""

# Runs the command and records any uncaught exception (a traceback) in $HOOK_FILE.
HOOKED = (
    "import os, sys\n"
    "def tell(*args):\n"
    "    open(os.environ['HOOK_FILE'], 'a').write('uncaught exception\\n')\n"
    "sys.excepthook = tell; sys.unraisablehook = tell\n"
    "from autograd_lite.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


def environment(**extra: str) -> dict[str, str]:
    return {**os.environ, "TERM": "xterm", "PYTHONIOENCODING": "utf-8", **extra}


def child_pid(pid_file: Path) -> int:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if pid_file.exists() and pid_file.read_text():
            return int(pid_file.read_text())
        time.sleep(0.01)
    raise AssertionError("the parent never started the stepper")


def send_signal(name: str):
    return lambda terminal, pid: os.kill(pid, getattr(signal, name))


def press(keys: str):
    return lambda terminal, pid: terminal.send(keys)


WAYS_OUT = {  # how the stepper is left: (what is done, the exit status it must give)
    "q": (press("q"), 0),
    "Ctrl-D": (press("\x04"), 0),
    "Ctrl-C": (press("\x03"), 130),
    "Ctrl-backslash": (press("\x1c"), 128 + signal.SIGQUIT),
    "SIGTERM": (send_signal("SIGTERM"), 128 + signal.SIGTERM),
    "SIGHUP": (send_signal("SIGHUP"), 128 + signal.SIGHUP),
}


@pytest.mark.parametrize("way", list(WAYS_OUT))
def test_every_way_out_of_the_stepper_puts_the_terminal_back(tmp_path: Path, way: str):
    leave, status = WAYS_OUT[way]
    pid_file = tmp_path / "pid"
    seen = io.StringIO()
    command = [sys.executable, "-m", "autograd_lite", "step", *LECTURE]
    terminal = pexpect.spawn(
        sys.executable,
        ["-c", PARENT, str(pid_file), *command],
        encoding="utf-8",
        timeout=30,
        dimensions=(30, 110),
        env=environment(),
    )
    terminal.logfile_read = seen
    try:
        terminal.expect_exact(FIRST_FRAME)  # the screen is up and waiting for a key
        leave(terminal, child_pid(pid_file))
        terminal.expect(r"\[status (-?\d+)\] \[terminal settings (\w+)\]")
        got = (int(terminal.match.group(1)), terminal.match.group(2))
        terminal.expect(pexpect.EOF)
    finally:
        terminal.close(force=True)
    output = seen.getvalue()
    assert got == (status, "restored")
    assert "Traceback" not in output
    assert output.rindex(MAIN_SCREEN) > output.rindex(ALT_SCREEN)
    assert output.rindex(SHOW_CURSOR) > output.rindex(HIDE_CURSOR)
    if status == 0:
        assert "stopped at step 0 of 10" in output


def test_closing_the_terminal_ends_the_stepper_with_129_and_no_traceback(tmp_path: Path):
    hook = tmp_path / "uncaught"
    terminal = pexpect.spawn(
        sys.executable,
        ["-c", HOOKED, "step", *LECTURE],
        encoding="utf-8",
        timeout=30,
        dimensions=(30, 110),
        env=environment(HOOK_FILE=str(hook)),
    )
    try:
        terminal.expect_exact(FIRST_FRAME)
        terminal.ptyproc.fileobj.close()  # the window closes: the stepper gets SIGHUP
        deadline = time.monotonic() + 30
        while terminal.isalive() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not terminal.isalive(), "the stepper kept running after its terminal closed"
    finally:
        terminal.close(force=True)
    assert (terminal.exitstatus, terminal.signalstatus) == (128 + signal.SIGHUP, None)
    assert not hook.exists(), hook.read_text()
