"""What the player's overview is drawn from: the network (any ``by``) or the graph's names.

A box per assigned name, with the unnamed nodes folded into the first name
that uses them; a circle per neuron, and every node's neuron for stepping by
edge. Checked against graphs whose structure is known by hand.
"""

from __future__ import annotations

import nn
from autograd_lite import Value, parse
from autograd_lite.expression import output_of
from autograd_lite.play.name_boxes import name_boxes
from autograd_lite.play.network_view import network_view
from autograd_lite.play.player_data import player_data
from autograd_lite.play.stepper import Stepper


def rows(stepper: Stepper) -> dict[int, int]:
    return {id(n): i for i, n in enumerate(stepper.order)}


def named(stepper: Stepper, row: int) -> str:
    return stepper.name(stepper.order[row])


def test_a_box_per_assigned_name_in_columns_of_dependence():
    s = Stepper(output_of(parse("a = x*y + x; b = a*y + tanh(x); f = a*b", x=0.5, y=-1)))
    view = name_boxes(s, rows(s))
    assert [(b["name"], b["column"]) for b in view["boxes"]] == [
        ("x", 0), ("y", 0), ("a", 1), ("b", 2), ("f", 3)
    ]
    arrows = {(named(s, a), named(s, b)) for a, b in view["arrows"]}
    assert arrows == {("x", "a"), ("y", "a"), ("a", "b"), ("y", "b"), ("x", "b"),
                      ("a", "f"), ("b", "f")}


def test_unnamed_nodes_fold_into_the_name_that_uses_them():
    s = Stepper(output_of(parse("a = x*y + x; f = a * 2 + tanh(a)", x=0.5, y=-1)))
    view = name_boxes(s, rows(s))
    owner = {s.name(n): named(s, view["owner"][i]) for i, n in enumerate(s.order)}
    x_times_y = next(n for n in s.order if n.op == "*" and n.label is None and
                     {p.label for p in n.parents} == {"x", "y"})
    assert owner[s.name(x_times_y)] == "a"
    assert {owner[s.name(n)] for n in s.order if n.op == "tanh"} == {"f"}
    assert owner["x"] == "x" and owner["f"] == "f"


def test_an_unnamed_output_is_a_box_and_one_name_is_no_overview():
    x, y = Value(2.0, label="x"), Value(3.0, label="y")
    s = Stepper(x * y + x)
    view = name_boxes(s, rows(s))
    assert [b["name"] for b in view["boxes"]][-1] == s.name(s.root)
    lone = Stepper(Value(2.0) * 3)
    assert name_boxes(lone, rows(lone)) is None  # only the output has a name


def test_a_network_stepped_by_edge_has_its_overview_and_each_nodes_neuron():
    model = nn.MLP(2, [3, 1], activation="tanh", seed=0)
    s = Stepper(nn.mse([model([2.0, -1.0])], [1.0]))  # by edge
    view = network_view(s, rows(s))
    assert [len(layer["neurons"]) for layer in view["samples"][0]["layers"]] == [3, 1]
    neuron_rows = {n["row"] for layer in view["samples"][0]["layers"] for n in layer["neurons"]}
    weights = [i for i, n in enumerate(s.order) if (n.label or "").startswith(
        "layers.0.neurons.1.w")]
    assert len(weights) == 2
    for i in weights:  # the second hidden neuron's weights belong to its output
        assert view["owner"][i] in neuron_rows
        assert s.order[view["owner"][i]].label == "layers.0.neurons.1"
    leaves = [i for i, n in enumerate(s.order) if n.label in ("x[0]", "x[1]")]
    assert leaves and all(view["owner"][i] == -1 for i in leaves)  # inputs: no neuron's


def test_player_data_ships_the_network_else_the_names_else_neither():
    model = nn.MLP(2, [2, 1], seed=0)
    net = Stepper(model([1.0, 2.0]))
    expr = Stepper(output_of(parse("a = x*y; f = a + x", x=1, y=2)))
    lone = Stepper(Value(2.0) * 3)
    for s, has in ((net, "network"), (expr, "names"), (lone, None)):
        data = player_data(s, s.scene(), s.frame_steps(), None, start=0, scale=1.0)
        assert [k for k in ("network", "names") if data[k]] == ([has] if has else [])
