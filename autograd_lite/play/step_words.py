"""What a step means, in words: the sentence under each step of the player and the deck.

The words are built from a ``Step``'s parts (its kind, nodes, numbers and
the stepper's names and notation), never by reading its text back. They
come as *segments*, ``(text, code)`` pairs, where ``code`` marks a name or
a formula: the player renders them with ``textContent`` in the browser and
the deck's no-JavaScript pages as escaped HTML, so a label can never
become markup.

>>> from autograd_lite import parse
>>> from autograd_lite.play.stepper import Stepper
>>> s = Stepper(parse("q = x + y; f = q * z", x=-2, y=5, z=-4)["f"], notation="unicode")
>>> print(plain(caption(s, s.steps[8])))  # doctest: +NORMALIZE_WHITESPACE
Chain rule on the edge x → q: q̄ times the local derivative ∂q/∂x = 1,
because q = x + y, is added into x̄ (x.grad).
>>> words_html([("Forward pass: ", False), ("q", True)])
'Forward pass: <code>q</code>'
"""

from __future__ import annotations

from html import escape
from typing import Any

from ..drawing.notation import WholeBars
from .input_order import inputs_in_order
from .step import FORWARD, SEED, Step, StepSource

Words = list[tuple[str, bool]]
"""A sentence as ``(text, code)`` segments."""


def caption(stepper: StepSource, step: Step) -> Words:
    """The words under ``step``: what it computes and why."""
    if step.kind == FORWARD:
        words = _forward(stepper, step)
    elif step.kind == SEED:
        words = _seed(stepper, step)
    else:
        words = _backward(stepper, step)
    if step.index == len(stepper) and step.kind != FORWARD:
        root = stepper.name(stepper.root)
        words += [(" Done: every grad is now what ", False), (f"{root}.backward()", True)]
        words += [(" gives.", False)]
    return words


def opening(stepper: StepSource) -> Words:
    """The words before the first step: the inputs, and how many steps of each pass."""
    total, forward = len(stepper), stepper.forward_count
    inputs = inputs_in_order(stepper.order)  # parameters by layer, neuron and index
    words: Words = []
    if inputs:
        words.append(("Inputs: ", False))
        for i, node in enumerate(inputs):
            words.append((", " if i else "", False))
            words.append((f"{stepper.name(node)} = {stepper.number(node.data)}", True))
        words.append((". ", False))
    words += [
        (f"{total} steps: {forward} forward (compute each value, inputs to output ", False),
        (stepper.name(stepper.root), True),
        (f"), then {total - forward} backward (the chain rule, one edge at a time).", False),
    ]
    return words


def plain(words: Words) -> str:
    """The words as plain text."""
    return "".join(text for text, _ in words)


def words_html(words: Words, bars: WholeBars | None = None) -> str:
    """The words as HTML: escaped text, names and formulas in ``<code>``; with ``bars``
    (``whole_bars``), a bar over a whole name a ``<span class="agl-over">``."""
    html = escape if bars is None else bars.html
    return "".join(
        f"<code>{html(text)}</code>" if code else html(text) for text, code in words if text
    )


def whole_bars(stepper: StepSource) -> WholeBars:
    """Where the stepper's texts put a bar over a whole name (``bar(x1w1)``), for a page."""
    return WholeBars(stepper.notation, [stepper.name(node) for node in stepper.order])


def _forward(stepper: StepSource, step: Step) -> Words:
    node = step.node
    name = stepper.name(node)
    if not node.parents:
        what = "an input: its value is given" if node.label else "a constant of the expression"
        return [("Forward pass: ", False), (name, True), (f" is {what}.", False)]
    words: Words = [("Forward pass: ", False), (name, True), (" is computed from ", False)]
    words += _and([stepper.name(p) for p in _unique(node.parents)])
    return words + [(" by ", False), (node.op, True), (".", False)]


def _seed(stepper: StepSource, step: Step) -> Words:
    n, name = stepper.notation, stepper.name(step.node)
    return [
        ("The backward pass starts at the output ", False),
        (name, True),
        (": ", False),
        (f"{n.bar(name)} = {n.local(name, name)} = 1", True),
        (", the gradient of the output, which every bar below stands for.", False),
    ]


def _backward(stepper: StepSource, step: Step) -> Words:
    n = stepper.notation
    child, parent = stepper.name(step.node), stepper.name(step.parent)
    words: Words = [
        ("Chain rule on the edge ", False),
        (parent, True),
        (" \u2192 ", False),
        (child, True),
        (": ", False),
        (n.bar(child), True),
        (" times the local derivative ", False),
        (f"{n.local(child, parent)} = {stepper.number(step.local)}", True),
        (", because ", False),
        (f"{child} = {stepper.formula(step.node)}", True),
        (", is added into ", False),
        (n.bar(parent), True),
        (f" ({parent}.grad).", False),
    ]
    if step.grad_before is not None:
        words.append(
            (f" It already held {stepper.number(step.grad_before)} from another path: "
             "the contributions add up.", False)  # fmt: skip
        )
    return words


def _and(names: list[str]) -> Words:
    words: Words = []
    for i, name in enumerate(names):
        if i:
            words.append((" and " if i == len(names) - 1 else ", ", False))
        words.append((name, True))
    return words


def _unique(nodes: Any) -> list[Any]:
    out: list[Any] = []
    for node in nodes:
        if not any(node is seen for seen in out):
            out.append(node)
    return out


__all__ = ["Words", "caption", "opening", "plain", "whole_bars", "words_html"]
