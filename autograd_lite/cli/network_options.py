"""``--mlp 2,4,1`` or ``--neuron`` instead of EXPR: a network's graph from the command line.

trace, step, draw and slides add these options with
``add_network_arguments(parser)``; ``network_from_args(args)`` builds the
graph a Python user gets from ``nn``:

* ``--mlp 2,4,1 --input 2,-1`` is ``MLP(2, [4, 1], activation, output_activation,
  seed=SEED)([2.0, -1.0])``; with ``--loss mse --target 1`` the root is
  ``nn.mse([output], [1.0])`` (a per-sample loss such as ``hinge`` is
  called as ``hinge(output, 1.0)``), else the network's output;
* ``--neuron --input 2,0 --weights -3,1 --bias 6.88`` is micrograd's neuron,
  with its names: ``x1 x2 w1 w2 x1w1 x2w2 x1w1x2w2 b n o`` (the sum
  ``x1*w1 + x2*w2`` is labelled by micrograd's variable name ``x1w1x2w2``,
  which the expression language and the drawings accept).

A number list may start with a minus sign (``--input -2,1``): argparse
would take ``-2,1`` for an option, so ``joined_negative_lists`` rewrites it
as ``--input=-2,1`` before parsing. A count that does not fit the network
is a usage error naming the option (exit status 2).

>>> joined_negative_lists(["slides", "--mlp", "2,1", "--input", "-2,1"])
['slides', '--mlp', '2,1', '--input=-2,1']
>>> number_list("2, -1")
[2.0, -1.0]
>>> layer_sizes("2,4,1")
[2, 4, 1]
"""

from __future__ import annotations

import argparse
import math
import re
from collections.abc import Callable, Sequence
from typing import Any

import nn
from nn.losses import takes_class_index, takes_whole_batch

from ..engine.value import Value

LOSSES: dict[str, Callable[..., Value]] = {
    "mse": nn.mse,
    "squared_error": nn.squared_error,
    "hinge": nn.hinge,
    "binary_cross_entropy": nn.binary_cross_entropy,
    "binary_cross_entropy_with_logits": nn.binary_cross_entropy_with_logits,
    "softmax_cross_entropy": nn.softmax_cross_entropy,
    "nll": nn.nll,
}
"""The losses of ``nn`` that fit one sample, by the name ``--loss`` takes."""

NUMBER_LIST_OPTIONS = ("--input", "--weights", "--bias", "--target")
_NEGATIVE_LIST = re.compile(r"^-[\d.]")

NEURON_ACTIVATION = "tanh"
"""``--neuron``'s activation when ``--activation`` is not given (micrograd's)."""


def joined_negative_lists(argv: Sequence[str]) -> list[str]:
    """``argv`` with ``--input -2,1`` (and the other number lists) written ``--input=-2,1``.

    Nothing after ``--`` is touched.

    >>> joined_negative_lists(["trace", "--neuron", "--bias", "-6.5", "--", "--input", "-1"])
    ['trace', '--neuron', '--bias=-6.5', '--', '--input', '-1']
    """
    out: list[str] = []
    items = list(argv)
    i = 0
    while i < len(items):
        token = items[i]
        if token == "--":
            return out + items[i:]
        following = items[i + 1] if i + 1 < len(items) else ""
        if token in NUMBER_LIST_OPTIONS and _NEGATIVE_LIST.match(following):
            out.append(f"{token}={following}")
            i += 2
        else:
            out.append(token)
            i += 1
    return out


def number_list(text: str) -> list[float]:
    """argparse type for ``--input 2,-1``: finite numbers separated by commas.

    >>> number_list("2,x")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: '2,x' is not a list of numbers such as 2,-1
    """
    try:
        numbers = [float(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a list of numbers such as 2,-1"
        ) from None
    if not all(math.isfinite(n) for n in numbers):
        raise argparse.ArgumentTypeError(f"in {text!r}, every number must be finite")
    return numbers


def layer_sizes(text: str) -> list[int]:
    """argparse type for ``--mlp 2,4,1``: the number of inputs, then each layer's size.

    >>> layer_sizes("2")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: '2' needs the inputs and at least one layer, as in 2,4,1
    """
    try:
        sizes = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a list of whole numbers such as 2,4,1"
        ) from None
    if len(sizes) < 2:
        raise argparse.ArgumentTypeError(
            f"{text!r} needs the inputs and at least one layer, as in 2,4,1"
        )
    if min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"in {text!r}, every size must be at least 1")
    return sizes


def activation(text: str) -> str:
    """argparse type for ``--activation``: one of ``nn.activation_names()``.

    >>> activation("tanh")
    'tanh'
    """
    names = nn.activation_names()
    if text not in names:
        raise argparse.ArgumentTypeError(f"{text!r} is not one of {', '.join(names)}")
    return text


def seed(text: str) -> int:
    """argparse type for ``--seed``: a whole number >= 0, as numpy's seeds are.

    >>> seed("7")
    7
    """
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if n < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is negative; a seed is 0 or more")
    return n


def add_network_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--mlp``, ``--neuron`` and their inputs, parameters, loss and target."""
    group = parser.add_argument_group(
        "a network instead of EXPR",
        "a list may start with a minus sign: --input -2,1 or --input=-2,1",
    )
    shape = group.add_mutually_exclusive_group()
    shape.add_argument(
        "--mlp",
        type=layer_sizes,
        metavar="SIZES",
        help="an nn.MLP: the number of inputs, then each layer's size (2,4,1 is MLP(2, [4, 1]))",
    )
    shape.add_argument(
        "--neuron",
        action="store_true",
        help="one neuron, named as in micrograd: x1, w1, x1w1, ..., b, n, o",
    )
    group.add_argument("--input", type=number_list, metavar="X", help="the inputs, as in 2,-1")
    group.add_argument(
        "--weights", type=number_list, metavar="W", help="--neuron's weights, one per input"
    )
    group.add_argument("--bias", type=_one_number, metavar="B", help="--neuron's bias (default 0)")
    group.add_argument(
        "--activation",
        type=activation,
        metavar="NAME",
        help=f"the hidden layers' activation, one of {', '.join(nn.activation_names())} "
        f"(default relu, as nn.MLP; {NEURON_ACTIVATION} for --neuron)",
    )
    group.add_argument(
        "--output-activation",
        type=activation,
        metavar="NAME",
        help="the last layer's activation (default linear)",
    )
    group.add_argument(
        "--loss",
        choices=tuple(LOSSES),
        metavar="NAME",
        help=f"the loss of the output and --target, one of {', '.join(LOSSES)} "
        "(default mse when --target is given; without either the output is the root)",
    )
    group.add_argument(
        "--target",
        type=number_list,
        metavar="Y",
        help="the target, one per output (a class index for softmax_cross_entropy and nll)",
    )
    group.add_argument(
        "--seed", type=seed, default=None, metavar="N", help="--mlp's seed (default 0)"
    )


def _one_number(text: str) -> float:
    numbers = number_list(text)
    if len(numbers) != 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not one number")
    return numbers[0]


def wants_network(args: argparse.Namespace) -> bool:
    """Whether the arguments ask for a network (``--mlp`` or ``--neuron``)."""
    return getattr(args, "mlp", None) is not None or bool(getattr(args, "neuron", False))


def check_network_args(args: argparse.Namespace) -> str | None:
    """What is wrong with the network options together, as argparse would say it; None if fine."""
    if not wants_network(args):
        given = [
            option
            for option in ("input", "weights", "bias", "activation", "output_activation",
                           "loss", "target", "seed")
            if getattr(args, option, None) is not None
        ]  # fmt: skip
        if given:
            return f"--{given[0].replace('_', '-')} needs --mlp or --neuron"
        return None
    if args.expression is not None or args.assignments:
        return "give EXPR or --mlp/--neuron, not both"
    if args.input is None:
        return "--mlp and --neuron need --input, as in --input 2,-1"
    if args.neuron:
        return _check_neuron(args)
    return _check_mlp(args)


def _check_neuron(args: argparse.Namespace) -> str | None:
    for option in ("output_activation", "seed"):
        if getattr(args, option) is not None:
            return f"--{option.replace('_', '-')} is for --mlp, not --neuron"
    if args.weights is None:
        return "--neuron needs --weights, one per input, as in --weights -3,1"
    if len(args.weights) != len(args.input):
        return (
            f"argument --weights: {len(args.weights)} weights for {len(args.input)} "
            "inputs; give one per input"
        )
    return _check_loss(args, 1)


def _check_mlp(args: argparse.Namespace) -> str | None:
    for option in ("weights", "bias"):
        if getattr(args, option) is not None:
            return f"--{option} is for --neuron; --mlp's parameters come from --seed"
    nin = args.mlp[0]
    if len(args.input) != nin:
        got = len(args.input)
        return f"argument --input: --mlp {_sizes(args.mlp)} takes {nin} inputs, got {got}"
    return _check_loss(args, args.mlp[-1])


def _check_loss(args: argparse.Namespace, outputs: int) -> str | None:
    if args.target is None:
        if args.loss is not None:
            return f"--loss {args.loss} needs --target"
        if outputs != 1:
            return (
                f"--mlp {_sizes(args.mlp)} has {outputs} outputs and a graph one root: "
                "give --target (and --loss), or end with a layer of 1"
            )
        return None
    loss = LOSSES[args.loss or "mse"]
    if takes_class_index(loss):
        if len(args.target) != 1 or not args.target[0].is_integer():
            return f"argument --target: --loss {args.loss} takes one class index, as in --target 0"
        if not 0 <= args.target[0] < outputs:
            return f"argument --target: class {args.target[0]:g} is not one of 0 to {outputs - 1}"
        return None
    if loss in (nn.hinge, nn.binary_cross_entropy, nn.binary_cross_entropy_with_logits):
        if outputs != 1:
            return f"--loss {args.loss} takes one output, but the network has {outputs}"
    if len(args.target) != outputs:
        return (
            f"argument --target: {len(args.target)} targets for {outputs} "
            f"output{'s' if outputs != 1 else ''}; give one per output"
        )
    return None


def _sizes(sizes: Sequence[int]) -> str:
    return ",".join(str(n) for n in sizes)


def network_from_args(args: argparse.Namespace) -> tuple[dict[str, Value], Value]:
    """The graph ``--mlp`` or ``--neuron`` asks for: ``(named inputs, root)``.

    The options must have passed ``check_network_args``; a loss that
    refuses its input (a probability outside [0, 1]) is a ValueError.
    """
    out = neuron(args) if args.neuron else mlp_output(args)
    root = out if args.target is None else loss_of(args.loss or "mse", out, args.target)
    named = {v.label: v for v in root.topological_order() if not v.parents and v.label}
    return named, root


def mlp_output(args: argparse.Namespace) -> Value | list[Value]:
    """``MLP(nin, sizes, activation, output_activation, seed=...)(input)``."""
    model = nn.MLP(
        args.mlp[0],
        args.mlp[1:],
        activation=args.activation or "relu",
        output_activation=args.output_activation or "linear",
        seed=0 if args.seed is None else args.seed,
    )
    return model(args.input)


def loss_of(name: str, out: Value | list[Value], target: list[float]) -> Value:
    """The loss ``name`` of one output and its target, as a Python user calls it.

    >>> loss_of("mse", Value(3.0), [1.0]).data
    4.0
    >>> loss_of("nll", [Value(0.0), Value(0.0)], [1.0]).data == math.log(2)
    True
    """
    loss = LOSSES[name]
    if takes_class_index(loss):
        return loss(out if isinstance(out, list) else [out], int(target[0]))
    y: Any = target[0] if len(target) == 1 else target
    if takes_whole_batch(loss):
        return loss([out], [y])
    return loss(out, y)


def neuron(args: argparse.Namespace) -> Value:
    """micrograd's neuron o = f(x1*w1 + x2*w2 + ... + b), every node named as in the lecture.

    With ``--activation linear`` there is no ``o``: the root is ``n``.
    """
    return micrograd_neuron(
        args.input, args.weights, 0.0 if args.bias is None else args.bias,
        args.activation or NEURON_ACTIVATION,
    )  # fmt: skip


def micrograd_neuron(
    inputs: Sequence[float], weights: Sequence[float], bias: float, activation: str = "tanh"
) -> Value:
    """o = f(x1*w1 + ... + b) with micrograd's labels: x1, w1, x1w1, x1w1x2w2, b, n, o.

    >>> o = micrograd_neuron([2.0, 0.0], [-3.0, 1.0], 6.8813735870195432)
    >>> o.backward()
    >>> round(o.data, 4), [v.label for v in o.topological_order()][:3]
    (0.7071, ['x1', 'w1', 'x1w1'])
    """
    terms = []
    for i, (x, w) in enumerate(zip(inputs, weights), start=1):
        term = Value(x, label=f"x{i}") * Value(w, label=f"w{i}")
        term.label = f"x{i}w{i}"
        terms.append(term)
    total = terms[0]
    for term in terms[1:]:
        total = total + term
        total.label = f"{total.parents[0].label}{term.label}"
    n = total + Value(bias, label="b")
    n.label = "n"
    f = nn.activation_function(activation)
    if f is None:
        return n
    o = f(n)
    o.label = "o"
    return o


def network_title(args: argparse.Namespace) -> str:
    """A short name for the network, for a deck's title and the stepper's header.

    >>> ns = argparse.Namespace(mlp=[2, 4, 1], neuron=False, activation="tanh",
    ...     output_activation=None, loss=None, target=[1.0])
    >>> network_title(ns)
    'MLP 2,4,1 (tanh), mse loss'
    """
    if args.neuron:
        title = f"One neuron ({args.activation or NEURON_ACTIVATION})"
    else:
        hidden = args.activation or "relu"
        last = args.output_activation or "linear"
        out = f", {last} out" if last != "linear" else ""
        title = f"MLP {_sizes(args.mlp)} ({hidden}{out})"
    if args.target is not None:
        title += f", {args.loss or 'mse'} loss"
    return title


__all__ = [
    "LOSSES",
    "add_network_arguments",
    "check_network_args",
    "joined_negative_lists",
    "layer_sizes",
    "loss_of",
    "micrograd_neuron",
    "network_from_args",
    "network_title",
    "number_list",
    "seed",
    "wants_network",
]
