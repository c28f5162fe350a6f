"""The terminal stepper on a graph whose tree is longer than to_text prints: the table."""

from __future__ import annotations

from autograd_lite import Stepper, parse
from autograd_lite.cli.step_screen import StepScreen
from autograd_lite.expression import output_of


def test_a_graph_over_the_tree_limit_shows_the_table_with_a_note_not_a_traceback():
    f = output_of(parse("+".join(["x"] * 700), x=0.5))  # 1,399 drawn nodes, over 1,000
    screen = StepScreen(Stepper(f), "f")
    lines = screen.frame(100, 30)
    assert "(the graph is too big for the tree view: its table instead)" in lines
    assert any(line.split()[:4] == ["node", "op", "data", "grad"] for line in lines)
    screen.view = "table"
    assert not any("too big" in line for line in screen.frame(100, 30))
