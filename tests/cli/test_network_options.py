"""--mlp and --neuron: the network decks, traces and drawings of nn, without Python."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import nn
from autograd_lite.cli import build_parser, main
from autograd_lite.cli.assignments import graph_from_args
from autograd_lite.cli.network_options import joined_negative_lists, micrograd_neuron
from autograd_lite.play.stepper import Stepper

MLP_221 = ["--mlp", "2,4,1", "--activation", "tanh", "--input", "2,-1", "--target", "1"]
LECTURE_MLP = [*MLP_221, "--loss", "mse", "--seed", "0"]
NEURON = ["--neuron", "--input", "2,0", "--weights", "-3,1", "--bias", "6.8813735870195432"]


def python_mlp_loss():
    """What a Python user writes for LECTURE_MLP."""
    model = nn.MLP(2, [4, 1], activation="tanh", seed=0)
    return nn.mse([model([2.0, -1.0])], [1.0])


def graph_of(*argv: str):
    """The graph ``autograd-lite trace ARGV`` builds: (named inputs, root)."""
    return graph_from_args(build_parser().parse_args(joined_negative_lists(["trace", *argv])))


# --- --mlp ------------------------------------------------------------------------


def test_mlp_2_4_1_tanh_mse_traces_as_the_python_stepper_narrates(capsys):
    assert main(["trace", *LECTURE_MLP, "--ascii"]) == 0
    out = capsys.readouterr().out
    expected = Stepper(python_mlp_loss(), notation="ascii").narration()
    assert out.startswith(expected + "\n\n")
    assert "L0.N3.w1" in expected and "L1.N0.b" in expected


def test_mlp_seed_defaults_to_0_and_loss_to_mse(capsys):
    assert main(["trace", *MLP_221, "--ascii"]) == 0
    assert capsys.readouterr().out.startswith(
        Stepper(python_mlp_loss(), notation="ascii").narration()
    )


def test_mlp_deck_has_a_slide_per_step_of_the_python_stepper(tmp_path: Path, capsys):
    deck = tmp_path / "mlp.html"
    assert main(["slides", *LECTURE_MLP, "-o", str(deck)]) == 0
    steps = len(Stepper(python_mlp_loss()))
    assert capsys.readouterr().err == f"wrote {deck.resolve()} ({steps + 1} slides)\n"
    html = deck.read_text(encoding="utf-8")
    assert html.count('<section class="slide') == steps + 1
    assert "<title>MLP 2,4,1 (tanh), mse loss</title>" in html


def test_mlp_without_a_loss_has_the_network_output_as_root():
    _, root = graph_of("--mlp", "2,3,1", "--input", "0.5,1")
    expected = nn.MLP(2, [3, 1], seed=0)([0.5, 1.0])  # relu hidden, linear out, seed 0
    assert root.label == "layers.1.neurons.0" and root.data == expected.data
    assert len(Stepper(root)) == len(Stepper(expected))


@pytest.mark.parametrize(
    "loss, sizes, target, python",
    [
        ("squared_error", "2,3,2", "1,0", lambda o: nn.squared_error(o, [1.0, 0.0])),
        ("hinge", "2,3,1", "-1", lambda o: nn.hinge(o, -1.0)),
        (
            "binary_cross_entropy_with_logits",
            "2,3,1",
            "1",
            lambda o: nn.binary_cross_entropy_with_logits(o, 1.0),
        ),
        ("nll", "2,3,3", "2", lambda o: nn.nll(o, 2)),
        ("softmax_cross_entropy", "2,3,3", "0", lambda o: nn.softmax_cross_entropy(o, 0)),
    ],
)
def test_each_loss_is_called_as_a_python_user_calls_it(loss, sizes, target, python):
    _, root = graph_of("--mlp", sizes, "--input", "0.5,-1", "--loss", loss, "--target", target)
    nin, *nouts = (int(n) for n in sizes.split(","))
    expected = python(nn.MLP(nin, nouts, seed=0)([0.5, -1.0]))
    assert root.data == expected.data
    assert len(Stepper(root)) == len(Stepper(expected))


def test_binary_cross_entropy_wants_a_sigmoid_output(capsys):
    argv = ["--mlp", "2,3,1", "--input", "1,2", "--loss", "binary_cross_entropy"]
    assert main(["trace", *argv, "--target", "1", "--output-activation", "sigmoid"]) == 0
    capsys.readouterr()
    assert main(["trace", *argv, "--target", "1", "--seed", "1"]) == 1  # a linear output
    err = capsys.readouterr().err
    assert err.startswith("autograd-lite trace: error: binary_cross_entropy: yhat must be")


# --- --neuron ---------------------------------------------------------------------


def test_micrograd_neuron_o_is_0_7071_with_x1_grad_minus_1_5_and_w2_grad_0():
    named, o = graph_of(*NEURON)
    o.backward()
    assert round(o.data, 4) == 0.7071
    grads = {name: named[name].grad for name in ("x1", "w1", "x2", "w2")}
    assert grads == pytest.approx({"x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0})
    labels = [v.label for v in o.topological_order()]
    assert labels == ["x1", "w1", "x1w1", "x2", "w2", "x2w2", "x1w1x2w2", "b", "n", "o"]


def test_micrograd_neuron_of_three_inputs_and_a_linear_one_ends_at_n():
    o = micrograd_neuron([1.0, 2.0, 3.0], [1.0, 1.0, 1.0], 0.5)
    assert o.label == "o" and o.parents[0].parents[0].label == "x1w1x2w2x3w3"
    n = micrograd_neuron([1.0], [2.0], 0.5, "linear")
    assert (n.label, n.data) == ("n", 2.5)


def test_neuron_trace_table_shows_the_lecture_grads(capsys):
    assert main(["trace", *NEURON, "--format", ".4f", "--ascii"]) == 0
    table = capsys.readouterr().out.split("grads after the backward pass\n")[1]
    rows = {line.split()[0]: line.split()[-2:] for line in table.splitlines()[1:]}
    assert rows["x1"] == ["2.0000", "-1.5000"] and rows["w2"] == ["1.0000", "0.0000"]
    assert rows["o"] == ["0.7071", "1.0000"]


# --- the same options for step and draw, negative lists ---------------------------------


def test_step_prints_what_trace_prints_for_a_network(capsys):
    assert main(["trace", *NEURON, "--ascii"]) == 0
    traced = capsys.readouterr().out
    assert main(["step", *NEURON, "--ascii"]) == 0  # stdin is not a terminal here
    assert capsys.readouterr().out == traced


def test_draw_draws_the_mlp_in_layer_boxes(tmp_path: Path, capsys):
    assert main(["draw", *LECTURE_MLP, "-o", str(tmp_path / "mlp.svg")]) == 0
    svg = (tmp_path / "mlp.svg").read_text(encoding="utf-8")
    assert "layer 0" in svg and "neuron 3" in svg


def test_a_list_starting_with_a_minus_sign_works_with_and_without_equals(capsys):
    argv = ["--mlp", "2,1", "--target", "-1", "--bias", "-2"]
    assert joined_negative_lists(["draw", *argv, "--input", "-2,1"]) == [
        "draw", "--mlp", "2,1", "--target=-1", "--bias=-2", "--input=-2,1",
    ]  # fmt: skip
    for form in (["--input", "-2,1", "--target", "-1"], ["--input=-2,1", "--target=-1"]):
        assert main(["trace", "--mlp", "2,1", *form, "--ascii"]) == 0
        out = capsys.readouterr().out
        assert "x[0] = -2   (input)" in out and "c1 = -1" in out
    _, root = graph_of("--neuron", "--input", "-2", "--weights", "-1e-1", "--bias", "-0.5")
    assert root.data == pytest.approx(math.tanh(0.2 - 0.5))


# --- bad input: one line naming the option, exit 2 -------------------------------------


@pytest.mark.parametrize(
    "argv, words",
    [
        (["--mlp", "2,4,1", "--input", "1,2,3"], "argument --input: --mlp 2,4,1 takes 2 inputs"),
        ([*MLP_221[:-2], "--target", "1,2"], "argument --target: 2 targets for 1 output"),
        (["--mlp", "2,3", "--input", "1,2", "--loss", "nll", "--target", "3"], "--target: class 3"),
        (["--mlp", "2,3", "--input", "1,2", "--loss", "hinge", "--target", "1"], "one output"),
        (["--mlp", "2,1", "--input", "1,2", "--loss", "mse"], "--loss mse needs --target"),
        (["--neuron", "--input", "1,2", "--weights", "1"], "argument --weights: 1 weights"),
        (["--neuron", "--input", "1,2"], "--neuron needs --weights"),
        (["--mlp", "2,1"], "need --input"),
        (["--mlp", "2,3,2", "--input", "1,2"], "--mlp 2,3,2 has 2 outputs"),
        (["--input", "1,2"], "--input needs --mlp or --neuron"),
        (["--mlp", "2,1", "--input", "1,2", "--bias", "1"], "--bias is for --neuron"),
        (["x * y", "x=1", "--mlp", "2,1", "--input", "1,2"], "give EXPR or --mlp/--neuron"),
        (["--mlp", "2,1", "--neuron"], "argument --neuron: not allowed with argument --mlp"),
        (["--mlp", "2"], "'2' needs the inputs and at least one layer"),
        (["--mlp", "2,0"], "every size must be at least 1"),
        (["--mlp", "2,1", "--input", "1,x"], "'1,x' is not a list of numbers"),
        (["--mlp", "2,1", "--input", "1,2", "--seed", "-1"], "argument --seed: '-1' is negative"),
        (["--mlp", "2,1", "--input", "1,2", "--activation", "swish"], "'swish' is not one of"),
        (["--mlp", "2,1", "--input", "1,2", "--loss", "l1", "--target", "1"], "invalid choice"),
        ([], "the following arguments are required: EXPR (or --mlp or --neuron)"),
    ],
)
@pytest.mark.parametrize("command", ["trace", "step", "draw", "slides"])
def test_a_network_option_that_does_not_fit_is_a_usage_error(command, argv, words, capsys):
    with pytest.raises(SystemExit) as info:
        main([command, *argv])
    assert info.value.code == 2
    err = capsys.readouterr().err
    last = err.strip().splitlines()[-1]
    assert last.startswith(f"autograd-lite {command}: error: ") and words in last
    assert "Traceback" not in err
