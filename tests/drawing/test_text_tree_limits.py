"""to_text has draw's node limit: a 100,000-node chain is refused at once, with draw's kind
of advice, and max_nodes= lifts it; the Stepper's tree does the same."""

from __future__ import annotations

import pytest

from autograd_lite import Value, draw, to_text
from autograd_lite.drawing.scene import DEFAULT_MAX_NODES, GraphTooLargeError
from autograd_lite.play.stepper import Stepper


def chain(values: int) -> Value:
    """x * 1.0001 * 1.0001 ...: ``values`` values (x, and a constant and a product a round)."""
    v = Value(0.5, label="x")
    for _ in range((values - 1) // 2):
        v = v * 1.0001
    return v


def drawn(root: Value) -> int:
    """What draw counts: every value, and an operation for each computed one."""
    return sum(1 + bool(n.parents) for n in root.topological_order())


def test_to_text_refuses_a_100000_node_chain_at_once_saying_what_to_do():
    big = chain(100_001)
    with pytest.raises(GraphTooLargeError) as refused:
        to_text(big)
    said = str(refused.value)
    assert said.startswith("the graph would draw 150001 nodes, more than max_nodes=1000")
    assert "(its text tree would be 100001 lines)" in said
    assert "pass max_nodes=None to print it anyway" in said


def test_to_text_refuses_exactly_the_graphs_draw_refuses():
    inside, outside = chain(667), chain(669)  # 1000 and 1003 values and operations
    assert drawn(inside) == DEFAULT_MAX_NODES and drawn(outside) > DEFAULT_MAX_NODES
    assert len(to_text(inside).splitlines()) == 1 + 2 * 333
    draw(inside)
    for refuse in (to_text, draw):
        with pytest.raises(GraphTooLargeError, match="would draw 1003 nodes, more than max_nodes"):
            refuse(outside)


def test_max_nodes_lifts_or_lowers_the_limit_as_in_draw():
    big = chain(2001)  # 3001 values and operations
    assert len(to_text(big, max_nodes=None).splitlines()) == 2001
    assert len(to_text(big, max_nodes=3001).splitlines()) == 2001
    with pytest.raises(GraphTooLargeError, match="more than max_nodes=2"):
        to_text(Value(1.0, label="x") * 2, max_nodes=2)


@pytest.mark.parametrize("bad", [0, -5, 2.5, True, "1000"])
def test_max_nodes_that_is_not_a_positive_number_is_refused_as_draw_refuses_it(bad):
    x = Value(1.0, label="x") * 2
    with pytest.raises(ValueError) as by_draw:
        draw(x, max_nodes=bad)
    with pytest.raises(ValueError) as by_text:
        to_text(x, max_nodes=bad)
    assert str(by_text.value) == str(by_draw.value)


def test_the_steppers_tree_has_the_same_limit_and_the_same_way_out():
    s = Stepper(chain(1201), notation="ascii")
    s.jump(5)
    with pytest.raises(GraphTooLargeError, match="would draw 1801 nodes, more than max_nodes=1000"):
        s.to_text()
    with pytest.raises(GraphTooLargeError, match="would draw 1801 nodes, more than max_nodes=1000"):
        s.draw()
    assert len(s.to_text(max_nodes=None).splitlines()) == 1201 + 1  # and the marks' key
    assert "> n2 = n1 * c2" in s.to_text(max_nodes=None)  # step 5 computes n2


def test_the_steppers_narration_and_table_are_a_line_a_step_and_a_node_so_they_stay():
    # Not a drawing: one line a step (or node), what the Stepper already holds.
    s = Stepper(chain(1201), notation="ascii")
    assert len(s.table().splitlines()) == 1 + 1201
    assert s.narration().count("\n") > len(s)
