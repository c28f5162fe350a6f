"""A Ctrl-C while the renderer runs stops it, wherever the Ctrl-C lands: while it starts
(before the renderer's handle is back), while it works, or in the progress hook."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest

from autograd_lite.drawing import renderer
from autograd_lite.drawing.renderer import pipe

SLOW = "echo $$ > {pid}\nexec sleep 600\n"  # a stand-in dot that says who it is, then waits


def gone(pid: int) -> bool:
    """Whether process ``pid`` has ended and been reaped (it can no longer be signalled)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def slow_dot(monkeypatch, stand_in_dot, tmp_path):
    pid = tmp_path / "dot.pid"
    monkeypatch.setenv(
        "PATH", f"{stand_in_dot(SLOW.format(pid=pid))}{os.pathsep}{os.environ['PATH']}"
    )
    return pid


def started_pid(pid_file) -> int:
    deadline = time.monotonic() + 30
    while not (pid_file.exists() and pid_file.read_text().strip()):
        assert time.monotonic() < deadline, "the stand-in renderer never started"
        time.sleep(0.01)
    return int(pid_file.read_text())


def test_a_ctrl_c_as_the_renderer_starts_stops_it(monkeypatch, stand_in_dot, tmp_path):
    pid_file = slow_dot(monkeypatch, stand_in_dot, tmp_path)
    real = subprocess.Popen

    def popen_then_ctrl_c(*args, **kwargs):  # the Ctrl-C lands before Popen returns
        process = real(*args, **kwargs)
        started_pid(pid_file)
        signal.raise_signal(signal.SIGINT)
        return process

    monkeypatch.setattr(renderer.subprocess, "Popen", popen_then_ctrl_c)
    before = signal.getsignal(signal.SIGINT)
    with pytest.raises(KeyboardInterrupt):
        pipe("digraph { a -> b }", "svg", timeout=60)
    assert gone(started_pid(pid_file))
    assert signal.getsignal(signal.SIGINT) is before  # the handler is put back


def test_a_ctrl_c_in_the_progress_hook_stops_the_renderer(monkeypatch, stand_in_dot, tmp_path):
    pid_file = slow_dot(monkeypatch, stand_in_dot, tmp_path)

    def waiting(elapsed: float) -> None:  # a progress bar, interrupted as it draws
        started_pid(pid_file)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        pipe("digraph { a -> b }", "svg", timeout=60, waiting=waiting)
    assert gone(started_pid(pid_file))


def test_past_its_timeout_the_renderer_is_stopped_with_the_same_message(
    monkeypatch, stand_in_dot, tmp_path
):
    pid_file = slow_dot(monkeypatch, stand_in_dot, tmp_path)
    with pytest.raises(renderer.RenderTimeout, match=r"did not finish within 0\.5 s"):
        pipe("digraph { a -> b }", "svg", timeout=0.5)
    assert gone(started_pid(pid_file))
