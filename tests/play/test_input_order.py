"""The opening's list of inputs: plain inputs first, then parameters by layer, neuron and index."""

from __future__ import annotations

import nn
from autograd_lite import parse
from autograd_lite.play.input_order import inputs_in_order
from autograd_lite.play.step_words import opening, plain
from autograd_lite.play.stepper import Stepper


def test_mlp_2_4_1_lists_x_then_layer_0_neuron_0_w0_w1_b_and_on_to_layer_1():
    loss = nn.mse([nn.MLP(2, [4, 1], activation="tanh", seed=0)([2.0, -1.0])], [1.0])
    labels = [v.label for v in inputs_in_order(loss.topological_order())]
    neurons = [f"layers.0.neurons.{j}.{p}" for j in range(4) for p in ("w.0", "w.1", "b")]
    last = [f"layers.1.neurons.0.w.{i}" for i in range(4)] + ["layers.1.neurons.0.b"]
    assert labels == ["x[0]", "x[1]", *neurons, *last]


def test_neuron_10_comes_after_neuron_2_and_w_10_after_w_2():
    model = nn.MLP(11, [12, 1], seed=0)
    labels = [v.label for v in inputs_in_order(model([0.0] * 11).topological_order())]
    assert labels.index("layers.0.neurons.2.b") < labels.index("layers.0.neurons.10.w.0")
    assert labels.index("layers.0.neurons.0.w.2") < labels.index("layers.0.neurons.0.w.10")
    assert labels[:11] == [f"x[{i}]" for i in range(11)]


def test_micrograd_neuron_lists_x1_x2_w1_w2_b():
    o = parse("o = tanh(x1*w1 + x2*w2 + b)", x1=2, x2=0, w1=-3, w2=1, b=6.8813735870195432)["o"]
    assert [v.label for v in inputs_in_order(o.topological_order())] == [
        "x1",
        "x2",
        "w1",
        "w2",
        "b",
    ]


def test_an_expression_without_parameters_keeps_the_graph_order():
    f = parse("q = x + y; f = q * z", x=-2, y=5, z=-4)["f"]
    assert [v.label for v in inputs_in_order(f.topological_order())] == ["x", "y", "z"]


def test_the_opening_slide_lists_x_then_layer_0_neuron_0_w0_w1_b_then_layer_1():
    loss = nn.mse([nn.MLP(2, [4, 1], activation="tanh", seed=0)([2.0, -1.0])], [1.0])
    words = plain(opening(Stepper(loss)))
    assert words.startswith(
        "Inputs: x[0] = 2, x[1] = \u22121, L0.N0.w0 = 0.0889047, L0.N0.w1 = \u22120.0934122, "
        "L0.N0.b = 0, L0.N1.w0 = 0.452847,"
    )
    assert words.index("L0.N3.b = 0") < words.index("L1.N0.w0") < words.index("L1.N0.b")
