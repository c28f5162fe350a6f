"""The player and the deck stay inside their time budget (the layout and every step's look),
and a graph inside both default limits (a 124-round tanh chain: 1,242 steps, 993 drawn
nodes) is shown in seconds and a bounded amount of memory."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograd_lite import Value
from autograd_lite.cli import main
from autograd_lite.drawing.progress import Budget
from autograd_lite.drawing.renderer import RenderError
from autograd_lite.play.player import NOTEBOOK_LOOK
from autograd_lite.play.slides import PROJECTOR, write_slides
from autograd_lite.play.stepper import Stepper

ROUNDS = 124


def tanh_chain(rounds: int = ROUNDS) -> Value:
    """x = tanh(x * w_k + b_k), ``rounds`` times, every leaf labelled."""
    x = Value(0.5, label="x")
    for k in range(rounds):
        x = (x * Value(0.9, label=f"w{k}") + Value(0.1, label=f"b{k}")).tanh()
    return x


def test_the_chain_is_inside_both_default_limits():
    s = Stepper(tanh_chain())
    assert len(s) == 1242 and s.scene().size == 993  # max_steps 2000, max_nodes 1000


@pytest.fixture
def slow_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every look at a budget's clock finds 10 ms more gone: a budget of 1 s runs out
    after about a hundred checks, whatever the speed of the machine."""
    calls = {"n": 0}

    def elapsed(self: Budget) -> float:
        calls["n"] += 1
        return calls["n"] * 0.01

    monkeypatch.setattr(Budget, "elapsed", elapsed)


# --- the notebook player ----------------------------------------------------------------


@pytest.mark.slow
def test_the_124_round_chain_player_with_timeout_5_answers_within_10_seconds():
    s = Stepper(tanh_chain())
    started = time.monotonic()
    html = s.show(timeout=5)._repr_html_()
    assert time.monotonic() - started < 10  # the product's bound, not a benchmark
    if "agl-refusal" in html:  # a slow machine: the limit's message, saying how far it got
        assert "5 s" in html and re.search(r"(stopped at frame|at step) \d+ of 1242", html)
    else:
        assert html.count('class="agl-player') == 1 and '"steps":1242' in html


# The peak is VmHWM, this process's own high-water mark. Not getrusage's
# ru_maxrss: Linux carries it over from the parent across fork and exec, so
# after a test that held 500 MB it would report the parent's peak, not ours.
MEASURE = """
import re, sys
sys.path.insert(0, {here!r})
from test_player_budget import tanh_chain
from autograd_lite import Stepper
from autograd_lite.play.slides import slides_html
html = Stepper(tanh_chain()).show(timeout=5)._repr_html_()
deck = slides_html(tanh_chain())  # the deck's own budget, 60 s: made whole
with open("/proc/self/status") as status:
    peak_kb = int(re.search(r"VmHWM:\\s+(\\d+) kB", status.read()).group(1))
print(peak_kb, len(html), len(deck))
"""


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads Linux's VmHWM")
def test_the_124_round_chain_player_and_deck_peak_under_300_mb():
    here = str(Path(__file__).parent)
    done = subprocess.run(
        [sys.executable, "-c", MEASURE.format(here=here)],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    peak_kb, html, deck = (int(n) for n in done.stdout.split())
    assert peak_kb < 300 * 1024, f"peak RSS {peak_kb / 1024:.0f} MB"
    assert deck > 1_000_000  # the deck was made whole, not refused


def test_a_player_past_its_budget_stops_among_the_steps_with_a_message(slow_clock):
    s = Stepper(tanh_chain())
    # laid out already (its frames made once, with it): the budget runs out making the
    # steps with their questions, which predict mode adds
    s.layout(**NOTEBOOK_LOOK)
    with pytest.raises(RenderError) as caught:
        s.show(timeout=1, predict=True).html()
    said = str(caught.value)
    assert said.startswith("making the player took longer than 1 s and was stopped (at step ")
    stopped_at = int(re.search(r"at step (\d+) of 1242", said).group(1))
    assert 0 < stopped_at < 1242  # checked while the steps were made, not only before
    assert "timeout=" in said
    assert s.position == 0  # the stepper is back where it was


def test_a_player_past_its_budget_shows_the_message_in_the_notebook(slow_clock):
    s = Stepper(tanh_chain())
    s.layout(**NOTEBOOK_LOOK)
    html = s.show(timeout=1, predict=True)._repr_html_()
    assert "agl-refusal" in html and "making the player took longer than 1 s" in html


def test_a_layout_past_its_budget_stops_while_measuring_the_steps():
    s = Stepper(tanh_chain())
    started = time.monotonic()
    with pytest.raises(RenderError, match=r"laying out the graph did not finish within 1e-09 s "
                       r"\(stopped at frame 0 of 1242\); draw a smaller graph"):  # fmt: skip
        s.layout(timeout=1e-9)
    assert time.monotonic() - started < 10


def test_a_player_refuses_a_timeout_that_is_not_a_positive_number():
    s = Stepper(Value(2.0, label="x") * 3)
    for bad in (0, -1, float("nan"), "5", True):
        with pytest.raises(ValueError, match="timeout must be a positive number of seconds"):
            s.show(timeout=bad)


def test_a_small_player_with_no_time_limit_is_made():
    assert "agl-player" in Stepper(Value(2.0, label="x") * 3).show(timeout=None).html()


# --- the deck ----------------------------------------------------------------------------


def test_a_deck_past_its_budget_stops_among_the_steps_with_a_message(slow_clock, tmp_path):
    s = Stepper(tanh_chain(), notation="unicode")
    s.layout(**PROJECTOR)
    out = tmp_path / "deck.html"
    with pytest.raises(RenderError, match=r"making the slides took longer than 1 s and was "
                       r"stopped \(at slide [1-9]\d* of 1242\)"):  # fmt: skip
        write_slides(s, out, timeout=1)
    assert not out.exists()


def test_write_slides_of_the_chain_with_a_small_timeout_stops_with_a_message(tmp_path):
    out = tmp_path / "deck.html"
    started = time.monotonic()
    with pytest.raises(RenderError, match=r"(stopped at frame|at slide) \d+ of 1242"):
        write_slides(tanh_chain(), out, timeout=0.05)
    assert time.monotonic() - started < 10
    assert not out.exists()


def chain_expression(rounds: int = ROUNDS) -> list[str]:
    """The chain as the command line takes it (an expression is at most 2000 characters and
    100 levels deep): one ``w`` and one ``b`` for every round, in four assignments."""
    parts, before = [], "x"
    for part in range(4):
        text = before
        for _ in range(rounds // 4):
            text = f"tanh({text}*w+b)"
        before = f"y{part + 1}"
        parts.append(f"{before}={text}")
    return ["; ".join(parts), "x=0.5", "w=0.9", "b=0.1"]


def test_slides_command_with_a_small_timeout_stops_with_a_message(tmp_path, capsys):
    out = tmp_path / "deck.html"
    started = time.monotonic()
    code = main(["slides", *chain_expression(), "-o", str(out), "--timeout", "0.1"])
    assert time.monotonic() - started < 10
    said = capsys.readouterr().err
    assert code != 0 and not out.exists()
    assert re.search(r"(stopped at frame|at slide) \d+ of 996", said), said
    assert "Traceback" not in said


def test_a_player_and_a_deck_make_each_frame_once(monkeypatch, tmp_path):
    """The layout sizes the boxes from every step's frame; the page reuses those frames."""
    from autograd_lite.drawing.frame_changes import FrameMaker

    made = {"n": 0}
    step = FrameMaker.step

    def counted(self, **marks):
        made["n"] += 1
        return step(self, **marks)

    monkeypatch.setattr(FrameMaker, "step", counted)
    s = Stepper(tanh_chain(5))
    assert "agl-player" in s.show().html()
    assert made["n"] == len(s) + 1
    made["n"] = 0
    write_slides(Stepper(tanh_chain(5)), tmp_path / "deck.html")
    assert made["n"] == len(s) + 1
