"""A label holding a terminal control sequence (an OSC 52 clipboard write, a screen clear)
never reaches a terminal raw: every text output refuses it as draw does, with draw's
message (drawable_text.check_graph_text)."""

from __future__ import annotations

import pytest

from autograd_lite import Value, draw, to_text
from autograd_lite.cli.step_screen import StepScreen
from autograd_lite.play.stepper import Stepper

CLIPBOARD = "x\x1b]52;c;cm0gLXJmIH4=\x07"  # OSC 52: put text on the clipboard
CLEAR = "y\x1b[2J"  # clear the screen
BELL = "z\x07"


def graph(label: str, where: str = "leaf") -> Value:
    """(a + b) * c with ``label`` on one leaf, or on the result in between."""
    a, b, c = Value(1.0, label="a"), Value(2.0, label="b"), Value(-3.0, label="c")
    if where == "leaf":
        a.label = label
    q = a + b
    if where == "result":
        q.label = label
    return q * c


def draws_message(root: Value) -> str:
    with pytest.raises(ValueError) as refused:
        draw(root)
    return str(refused.value)


LABELS = [(CLIPBOARD, "leaf"), (CLEAR, "leaf"), (BELL, "result"), (CLEAR, "result")]


@pytest.mark.parametrize(("label", "where"), LABELS)
def test_to_text_refuses_a_control_character_with_draws_message(label, where):
    f = graph(label, where)
    message = draws_message(f)
    assert message.startswith(f"the label {label!r}, which can't be drawn: it holds U+00")
    with pytest.raises(ValueError) as refused:
        to_text(f)
    assert str(refused.value) == message
    assert "\x1b" not in message and "\x07" not in message  # the message shows it escaped


@pytest.mark.parametrize(("label", "where"), LABELS)
def test_a_stepper_refuses_it_at_once_so_no_narration_table_step_or_tree_prints_it(label, where):
    f = graph(label, where)
    with pytest.raises(ValueError) as refused:
        Stepper(f)
    assert str(refused.value) == draws_message(f)


def test_a_label_changed_after_the_stepper_was_made_never_prints_raw():
    a = Value(1.0, label="a")
    f = (a + 2.0) * 3.0
    s = Stepper(f, notation="ascii")
    s.jump(4)
    a.label = CLIPBOARD  # the stepper named its nodes when it was made
    outputs = {
        "narration": s.narration,
        "table": s.table,
        "step": lambda: str(s.current),
        "steps": lambda: "\n".join(str(step) for step in s.steps),
        "header": s.header,
        "repr": lambda: repr(s),
    }
    for name, output in outputs.items():
        assert "\x1b" not in output(), name
    with pytest.raises(ValueError, match=r"the label 'x\\x1b\]52;c;.*U\+001B"):
        s.to_text()  # the tree reads labels again, and refuses as draw does
    with pytest.raises(ValueError, match=r"U\+001B"):
        StepScreen(s, "f").frame(80, 24)  # the terminal stepper's tree view
    s_table = StepScreen(s, "f")
    s_table.view = "table"
    assert not any("\x1b" in line for line in s_table.frame(80, 24))


def test_to_text_refuses_a_control_character_in_a_name_or_a_mark():
    x = Value(1.0, label="x")
    f = x * 2
    with pytest.raises(ValueError, match=r"the name 'n\\x1b\[2J'.*U\+001B"):
        to_text(f, names={x: "x", f: "n\x1b[2J", f.parents[1]: "c1"})
    with pytest.raises(ValueError, match=r"the mark '\\x1b\[2J'.*U\+001B"):
        to_text(f, marks={x: "\x1b[2J"})


def test_tab_newline_and_ordinary_unicode_labels_print_as_draw_draws_them():
    f = graph("α β", "leaf")
    draw(f)
    assert "α β   input" in to_text(f)
    assert "α β = 1   (input)" in Stepper(f).narration()
