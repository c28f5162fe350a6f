"""``--by neuron`` and ``--by layer`` on the command line: trace, step, slides, and the
terminal stepper, each saying what the Python ``Stepper(by=...)`` says."""

from __future__ import annotations

from pathlib import Path

import pytest

import nn
from autograd_lite.cli import main
from autograd_lite.cli.step_command import interact
from autograd_lite.cli.step_screen import StepScreen
from autograd_lite.play.stepper import Stepper

MLP = ["--mlp", "2,4,1", "--activation", "tanh", "--input", "2,-1", "--target", "1"]


def python_loss():
    model = nn.MLP(2, [4, 1], activation="tanh", seed=0)
    return nn.mse([model([2.0, -1.0])], [1.0])


@pytest.mark.parametrize("by", ["neuron", "layer"])
def test_trace_by_narrates_as_the_python_stepper(by, capsys):
    assert main(["trace", *MLP, "--by", by, "--ascii"]) == 0
    expected = Stepper(python_loss(), by=by, notation="ascii").narration()
    out = capsys.readouterr().out
    assert out.startswith(expected + "\n\n")
    assert f"backward pass, by {by}" in expected


def test_trace_by_neuron_of_an_expression_says_what_to_do(capsys):
    assert main(["trace", "f = x * y", "x=1", "y=2", "--by", "neuron"]) == 1
    err = capsys.readouterr().err
    assert "no neurons to step through" in err and "--by edge" in err
    assert "Traceback" not in err


def test_slides_by_layer_has_a_slide_per_layer_step(tmp_path: Path, capsys):
    deck = tmp_path / "layers.html"
    assert main(["slides", *MLP, "--by", "layer", "-o", str(deck)]) == 0
    coarse = Stepper(python_loss(), by="layer").coarse
    assert capsys.readouterr().err == f"wrote {deck.resolve()} ({len(coarse) + 1} slides)\n"
    assert '"by":"layer"' in deck.read_text(encoding="utf-8")


def test_the_line_stepper_by_neuron_says_each_neuron_and_opens_one():
    s = Stepper(python_loss(), by="neuron", notation="ascii")
    said: list[str] = []

    class Out:
        def write(self, text: str) -> None:
            said.append(text)

        def flush(self) -> None:
            pass

    commands = iter(["n", "n", "o", "n", "q"])
    assert interact(s, lambda prompt: next(commands), Out()) == 0
    text = "".join(said)
    assert "[2/13] forward, neuron L0.N0:" in text
    assert "z = sum_i w_i*x_i + b = " in text
    assert "[2/13 - 1/8] forward:" in text and "[2/13 - 2/8] forward:" in text


def test_the_terminal_stepper_by_neuron_shows_the_neuron_and_opens_it_with_o():
    s = Stepper(python_loss(), by="neuron", notation="unicode")
    screen = StepScreen(s, "MLP")
    for _ in range(12):
        screen.handle("right")
    shown = "\n".join(screen.frame(120, 40))
    assert "[12/13] backward, neuron L0.N2:" in shown
    assert "δ = ∂n26/∂z = σ′(z)·ā = (1 − a²)·ā = " in shown
    screen.handle("o")
    opened = "\n".join(screen.frame(120, 40))
    assert "[12/13 · 1/9] backward:" in opened
    screen.handle("left")  # back from the first edge step: the neuron before, closed
    assert s.shown is s.coarse[10]


def test_the_terminal_stepper_by_layer_shows_the_matrices():
    s = Stepper(python_loss(), by="layer", notation="unicode")
    screen = StepScreen(s, "MLP")
    for _ in range(6):
        screen.handle("right")
    shown = "\n".join(screen.frame(140, 50))
    assert "[6/7] backward, layer 2:" in shown
    assert "W̄⁽²⁾ = [" in shown  # the matrix itself, not only the formula above it
