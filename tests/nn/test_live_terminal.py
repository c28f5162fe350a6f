"""fit(..., live=True) on a terminal: tqdm's bar, redrawn in place, through a real pty."""

from __future__ import annotations

import io
import os
import sys

import pytest

pexpect = pytest.importorskip("pexpect")

SCRIPT = """\
from nn import MLP, fit, hinge, make_moons, to_signed
X, y = make_moons(20, seed=0)
history = fit(MLP(2, [4, 1], seed=0), X, to_signed(y), loss=hinge, epochs=30, live=True)
print("done", len(history.loss))
"""


@pytest.mark.slow
def test_live_on_a_terminal_is_tqdms_bar_redrawn_in_place():
    screen = io.StringIO()
    child = pexpect.spawn(
        sys.executable,
        ["-c", SCRIPT],
        encoding="utf-8",
        timeout=60,
        dimensions=(24, 100),
        env={**os.environ, "TERM": "xterm"},
        logfile=screen,
    )
    child.expect(r"fit: 100%\|[^\r\n]*\| 30/30 \[")
    child.expect("done 30")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    out = screen.getvalue()
    bar = out[: out.index("done 30")]
    assert bar.count("\rfit:") >= 2  # drawn, then redrawn over itself
    assert bar.count("\n") == 1  # one line in all: the bar ends with a newline at close
    assert "<svg" not in out and "epoch 30 of 30" not in out  # no figure on a terminal
