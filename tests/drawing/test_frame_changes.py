"""Frames made from the last one (FrameMaker, FrameSteps) are exactly the frames made whole."""

from __future__ import annotations

import random

import pytest

import nn
from autograd_lite import Value
from autograd_lite.drawing.frame import reserve
from autograd_lite.drawing.frame_changes import FrameMaker, FrameSteps
from autograd_lite.drawing.scene_builder import build_scene
from autograd_lite.play.stepper import Stepper


def random_graph(seed: int) -> Value:
    """Leaves and operations on anything made so far: fan-out, a node used twice by one op."""
    rng = random.Random(seed)
    nodes = [Value(round(rng.uniform(-2, 2), 3), label=rng.choice(["x", "w", None, "b"]))
             for _ in range(rng.randint(1, 4))]  # fmt: skip
    for _ in range(rng.randint(1, 14)):
        a, b = rng.choice(nodes), rng.choice(nodes)
        op = rng.choice(["+", "*", "-", "tanh", "relu", "square"])
        if op == "+":
            nodes.append(a + b)
        elif op == "*":
            nodes.append(a * b)
        elif op == "-":
            nodes.append(a - b)
        elif op == "square":
            nodes.append(a**2)
        else:
            nodes.append(getattr(a, op)())
    return nodes[-1]


def shared_input_chain() -> Value:
    """One input feeding every round far apart: drawn as copies beside each use."""
    x = Value(0.3, label="x")
    acc = Value(0.0, label="a0")
    for k in range(8):
        acc = (acc * x + Value(0.1 * k)).tanh()
    return acc


def small_mlp() -> Value:
    model = nn.MLP(2, [3, 1])
    for k, p in enumerate(model.parameters()):
        p.data = ((k * 7919) % 13 - 6) / 5.0
    out = model([Value(0.5, label="x0"), Value(-1.0, label="x1")])
    return (out - 1.0) ** 2


OPTIONS = [
    {},
    {"color": "grad"},
    {"color": None, "local_grads": False, "number_format": ".3f"},
    {"record": "compact", "copies": False},
]


@pytest.mark.parametrize("options", OPTIONS)
@pytest.mark.parametrize("seed", range(12))
def test_frame_steps_of_random_graphs_equal_the_frames_made_whole(seed, options):
    s = Stepper(random_graph(seed))
    s.jump(len(s) // 3)
    steps = s.frame_steps(questions=True, **options)
    whole = [s.frame(k, **options) for k in range(len(s) + 1)]
    asked = [s.question_frame(k, **options) for k in range(len(s) + 1)]
    assert list(steps) == whole and [steps[k] for k in range(len(s) + 1)] == whole
    assert list(steps.question_frames()) == asked
    assert [steps.question(k) for k in range(len(s) + 1)] == asked
    assert steps.reserved() == reserve(whole)
    assert s.position == len(s) // 3  # the stepper is left where it stood


@pytest.mark.parametrize("options", [{"collapse": None}, {"collapse": "neuron"},
                                     {"collapse": "layer", "color": "grad"}])  # fmt: skip
def test_frame_steps_of_a_network_and_of_copied_inputs_equal_the_whole_frames(options):
    for root in (small_mlp(), shared_input_chain()):
        s = Stepper(root)
        steps = s.frame_steps(questions=True, **options)
        assert list(steps) == [s.frame(k, **options) for k in range(len(s) + 1)]
        assert list(steps.question_frames()) == [
            s.question_frame(k, **options) for k in range(len(s) + 1)
        ]


def test_each_step_keeps_only_the_looks_it_changes():
    x = Value(2.0, label="x")
    f = x * 3
    s = Stepper(f)
    steps = s.frame_steps()
    assert len(steps.changes[0].nodes) == len(s.scene().nodes)  # the first frame whole
    assert all(len(c.nodes) <= 4 for c in steps.changes[1:])
    assert isinstance(steps, FrameSteps) and steps[-1] == s.frame(len(s))


def test_a_value_changed_behind_the_makers_back_is_redrawn():
    x = Value(2.0, label="x")
    f = x * 3
    maker = FrameMaker(build_scene(f))
    maker.step()
    x.data = 5.0  # not by a stepper: the maker finds it by looking
    x.grad = 0.0
    assert maker.step().nodes["v0"].fields == ("x", "data 5", "grad 0")


def test_peek_needs_a_frame_to_compare_with():
    maker = FrameMaker(build_scene(Value(1.0, label="x") * 2))
    with pytest.raises(ValueError, match="make one with step"):
        maker.peek()


def test_a_frame_maker_refuses_a_bad_colour_at_once():
    with pytest.raises(ValueError, match="color must be"):
        FrameMaker(build_scene(Value(1.0, label="x") * 2), color="rainbow")
