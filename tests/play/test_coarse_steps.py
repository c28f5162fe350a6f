"""Stepping a network by neuron and by layer, as the lectures teach backprop.

Every number a coarse step shows is checked against what ``backward()``
computes on the same graph, against the hand formulas (σ′(z) = 1 − a² for
tanh, W̄ = δ aᵀ) and, for the weights, against finite differences.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

import nn
from autograd_lite.play.coarse_steps import CoarseStep
from autograd_lite.play.network_units import LayerUnit, NeuronUnit, NoNetworkError
from autograd_lite.play.stepper import Stepper

INPUTS = [[2.0, -1.0], [0.5, 1.5], [-1.0, 0.25]]
TARGETS = [1.0, -0.5, 0.3]


def network(sizes=(4, 1), samples=1, activation="tanh", seed=0):
    model = nn.MLP(2, list(sizes), activation=activation, seed=seed)
    loss = nn.mse([model(x) for x in INPUTS[:samples]], TARGETS[:samples])
    return model, loss


def backward_grads(root):
    """Every node's grad after ``backward()`` from zero, by identity."""
    order = root.topological_order()
    for node in order:
        node.grad = 0.0
    root.backward()
    return {id(node): node.grad for node in order}


def item(line: str, head: str) -> str:
    """The part of a listing line that starts with ``head``, up to the next item."""
    start = line.index(head)
    end = line.find(",  ", start)
    return line[start:] if end < 0 else line[start:end]


def numbers(line: str) -> list[float]:
    """The numbers written in a line (Unicode minus read as '-'; superscripts skipped)."""
    return [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?", line.replace("−", "-"))]


def test_the_lecture_neuron_by_neuron_gives_the_lecture_numbers(micrograd_neuron):
    # "building micrograd": n.grad = 0.5, w1.grad = 1, w2.grad = 0, x1.grad = -1.5, x2.grad = 0.5
    s = Stepper(micrograd_neuron(), by="neuron", notation="unicode")
    back = [c for c in s.coarse if c.kind == "backward"]
    assert len(back) == 1 and isinstance(back[0].unit, NeuronUnit)
    lines = back[0].lines
    assert lines[0] == "ā = 1   (o is the output)"
    assert lines[1] == "δ = ∂o/∂z = σ′(z)·ā = (1 − a²)·ā = 0.5·1 = 0.5"
    assert lines[2] == "w̄ᵢ = δ·xᵢ:  w̄1 = 0.5·2 = 1,  w̄2 = 0.5·0 = 0"
    assert lines[3] == "b̄ = δ = 0.5"
    assert lines[4] == "to its inputs, x̄ᵢ += wᵢ·δ:  x̄1 += (−3)·0.5 = −1.5,  x̄2 += 1·0.5 = 0.5"


def test_by_neuron_every_number_is_backwards():
    model, loss = network((4, 1))
    grads = backward_grads(loss)
    s = Stepper(loss, by="neuron", notation="unicode")
    units = [c for c in s.coarse if isinstance(c.unit, NeuronUnit)]
    assert len(units) == 10  # 5 neurons, forward and backward
    for c in units:
        u = c.unit
        if c.kind == "forward":
            z = sum(w.data * x.data for w, x in zip(u.weights, u.inputs)) + u.bias.data
            assert numbers(c.lines[1])[-1] == pytest.approx(z, rel=1e-5)
            if u.activation == "tanh":
                assert numbers(c.lines[2])[-1] == pytest.approx(math.tanh(z), rel=1e-5)
            continue
        delta = grads[id(u.z)]
        assert c.lines[1].split("   (")[0].endswith(f"= {s.number(delta)}")
        if u.activation == "tanh":  # σ′(z) = 1 − a², by hand
            assert f"= {s.format.operand(1 - u.output.data**2)}·" in c.lines[1]
        for w in u.weights:
            assert f"{s.notation.bar(s.name(w))} = " in c.lines[2]
        for w, x in zip(u.weights, u.inputs):
            op = s.format.operand
            shown = f"{s.notation.bar(s.name(w))} = {op(delta)}·{op(x.data)}"
            assert f"{shown} = {s.number(grads[id(w)])}" in c.lines[2]  # 4 weights: all shown
        assert c.lines[3].endswith(f"= {s.number(grads[id(u.bias)])}")


def test_by_layer_the_matrices_are_delta_times_a_transposed():
    model, loss = network((3, 2, 1))
    backward_grads(loss)
    expected = {
        k + 1: (layer.weight_grad(), layer.bias_grad()) for k, layer in enumerate(model.layers)
    }
    s = Stepper(loss, by="layer", notation="unicode")
    seen = set()
    for c in s.coarse:
        if c.kind != "backward" or not isinstance(c.unit, LayerUnit):
            continue
        layer = c.unit.layer
        w_bar, b_bar = expected[layer]
        blank = c.matrices.index("")
        first, second = c.matrices[:blank], c.matrices[blank + 1 :]
        for j, line in enumerate(second):  # row j: W̄[j, :] then b̄[j]
            assert numbers(line) == pytest.approx([*w_bar[j], b_bar[j]], rel=1e-5, abs=1e-9)
        a = np.array([n.output.data for n in c.unit.neurons])
        a_prev = np.array([x.data for x in c.unit.inputs])
        for j, line in enumerate(first):
            values = numbers(line)
            delta = values[-1]
            assert delta == pytest.approx(b_bar[j], rel=1e-5, abs=1e-9)  # δ = b̄ for one sample
            if c.unit.neurons[j].activation == "tanh":
                slope, a_bar = values[0], values[1]
                assert slope == pytest.approx(1 - a[j] ** 2, rel=1e-5)
                assert delta == pytest.approx(slope * a_bar, rel=1e-4, abs=1e-9)
        assert np.outer(b_bar, a_prev) == pytest.approx(w_bar)  # W̄ = δ aᵀ
        seen.add(layer)
    assert seen == {1, 2, 3}


def test_the_weight_grads_shown_match_finite_differences():
    model, loss = network((3, 1))
    s = Stepper(loss, by="neuron", notation="ascii", digits=8)
    state = model.state_dict()

    def loss_at(name: str, value: float) -> float:
        model.load_state_dict({**state, name: value})
        out = nn.mse([model(INPUTS[0])], TARGETS[:1]).data
        model.load_state_dict(state)
        return out

    checked = 0
    for c in s.coarse:
        if c.kind != "backward" or not isinstance(c.unit, NeuronUnit):
            continue
        for w in c.unit.weights:
            h = 1e-6
            slope = (loss_at(w.label, w.data + h) - loss_at(w.label, w.data - h)) / (2 * h)
            shown = item(c.lines[2], f"{s.name(w)}_bar = ")
            assert numbers(shown)[-1] == pytest.approx(slope, rel=1e-5, abs=1e-8)
            checked += 1
    assert checked == 3 * 2 + 3


@pytest.mark.parametrize("by", ["neuron", "layer"])
@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_stepping_to_the_end_leaves_backwards_grads(by, activation):
    _, loss = network((4, 3, 1), samples=3, activation=activation, seed=2)
    grads = backward_grads(loss)
    s = Stepper(loss, by=by)
    s.end()
    for node in s.order:
        assert node.grad == pytest.approx(grads[id(node)], rel=1e-12, abs=1e-15)


def test_a_loss_over_samples_steps_sample_by_sample_and_says_so():
    model, loss = network((2, 1), samples=3)
    grads = backward_grads(loss)
    s = Stepper(loss, by="neuron", notation="unicode")
    titles = [(c.kind, c.title) for c in s.coarse]
    forward = [t for k, t in titles if k == "forward"]
    assert forward[0] == "inputs" and forward[-1] == "loss"
    assert forward[1:4] == [
        "sample 1, neuron L0.N0",
        "sample 1, neuron L0.N1",
        "sample 1, neuron L1.N0",
    ]
    assert len(s.coarse) == 1 + 3 * 3 + 1 + 1 + 3 * 3
    last = [c for c in s.coarse if c.kind == "backward" and isinstance(c.unit, NeuronUnit)][-1]
    assert last.title.startswith("sample 1, ")  # the backward pass meets the samples in reverse
    w = last.unit.weights[0]
    shown = item(last.lines[2], s.notation.bar(s.name(w)) + " ")
    assert " += " in shown and shown.endswith(f"→ {s.number(grads[id(w)])}")


def test_within_a_layer_the_backward_pass_takes_neurons_in_order():
    _, loss = network((3, 1))
    s = Stepper(loss, by="neuron")
    back = [c.title for c in s.coarse if c.kind == "backward"]
    assert back == ["loss", "neuron L1.N0", "neuron L0.N0", "neuron L0.N1", "neuron L0.N2"]


def test_a_graph_with_no_neurons_is_refused_with_what_to_do(lecture_graph):
    with pytest.raises(NoNetworkError, match="use by='edge'"):
        Stepper(lecture_graph().f, by="neuron")
    with pytest.raises(ValueError, match="by must be one of 'edge', 'neuron', 'layer'"):
        Stepper(lecture_graph().f, by="weight")


def test_next_takes_a_coarse_step_and_open_walks_its_edges():
    _, loss = network((2, 1))
    s = Stepper(loss, by="neuron", notation="ascii")
    first = s.next()
    assert isinstance(first, CoarseStep) and first.title == "inputs"
    neuron = s.next()
    assert s.position == neuron.stop and s.header() == f"[2/{len(s.coarse)}] forward, neuron L0.N0:"
    edge = s.open()
    assert edge.index == neuron.start + 1 and s.header().startswith(f"[2/{len(s.coarse)} - 1/")
    while s.position < neuron.stop:
        assert s.next().index == s.position  # edge by edge inside
    assert s.shown is s.current  # the last edge step of an open coarse step shows as itself
    assert s.next() is s.coarse[2]  # then the next coarse step, whole
    assert s.back() is neuron and s.back() is first and s.back() is None


def test_big_matrices_show_their_corners():
    _, loss = network((10, 10, 1))
    s = Stepper(loss, by="layer", notation="unicode")
    layer2 = next(c for c in s.coarse if c.kind == "forward" and c.title == "layer 2")
    w_lines = [line.split("]")[0] for line in layer2.matrices]  # the W block is first
    assert len(w_lines) == 9 and all(line.count("⋯") == 1 for line in w_lines[:4])
    assert all(len(numbers(line)) == 8 for line in w_lines[:4])


@pytest.mark.parametrize("by", ["neuron", "layer"])
def test_ascii_narration_by_neuron_or_layer_is_all_ascii(by):
    # lists long enough to be cut (8 neurons), and weights adding up over two samples
    model = nn.MLP(2, [8, 1], activation="tanh", seed=0)
    loss = nn.mse([model([1.0, 2.0]), model([3.0, -1.0])], [1.0, 0.0])
    text = Stepper(loss, by=by, notation="ascii").narration()
    assert "..." in text
    assert text.isascii(), sorted({c for c in text if not c.isascii()})
