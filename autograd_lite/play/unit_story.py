"""What a coarse step says: a neuron's or a layer's forward and backward, with its numbers.

Every number is read from the edge steps of the run (and the grads they
wrote before it), never computed again here, so the story shows exactly
what ``backward()`` computes. A neuron's forward is ``z = Σᵢ wᵢ·xᵢ + b``
and ``a = f(z)``; its backward ``ā`` (from the layer above,
``Σₖ wₖ·δₖ``, or from the loss), ``δ = ∂L/∂z = f′(z)·ā``, ``w̄ᵢ = δ·xᵢ``,
``b̄ = δ``, and what it passes back to its inputs. A layer's are the same
in matrices (``LAYER_CONVENTION``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .matrix_text import corners, side_by_side
from .network_units import LayerUnit, NeuronUnit
from .step import BACKWARD, FORWARD, Step, StepSource

LAYER_CONVENTION = (
    "W⁽ˡ⁾ has one row per neuron (n_out × n_in), z⁽ˡ⁾ = W⁽ˡ⁾a⁽ˡ⁻¹⁾ + b⁽ˡ⁾, a⁽⁰⁾ = x; "
    "layer l is nn's layers.(l−1)"
)
LAYER_CONVENTION_ASCII = (
    "W(l) has one row per neuron (n_out x n_in), z(l) = W(l) a(l-1) + b(l), a(0) = x; "
    "layer l is nn's layers.(l-1)"
)
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
# f'(z) written with a = f(z): how each activation's slope is computed.
_SLOPE = {
    "tanh": ("(1 − a²)", "(1 - a^2)"),
    "sigmoid": ("a(1 − a)", "a(1 - a)"),
    "relu": ("[z > 0]", "[z > 0]"),
    "exp": ("a", "a"),
    "log": ("1/z", "1/z"),
}
SHOWN = 4
"""Items of a list a line shows before it writes ``…``."""


class Story:
    """The stepper's names, numbers and notation, and the grads written so far."""

    def __init__(self, stepper: StepSource, samples: bool) -> None:
        self.stepper = stepper
        self.samples = samples
        self.grads: dict[int, float] = {}
        self.writes: dict[int, list[Step]] = {}
        n = stepper.notation
        self.t = n.times
        self.unicode = n.unicode
        self.delta, self.slope = ("δ", "σ′") if n.unicode else ("delta", "f'")
        self.more, self.then = ("…", "→") if n.unicode else ("...", "->")
        self.root = stepper.name(stepper.root)

    def take(self, step: Step) -> None:
        """Note the grad ``step`` writes."""
        if step.target is not None:
            self.grads[id(step.target)] = step.grad_after
            self.writes.setdefault(id(step.target), []).append(step)

    def num(self, x: Any) -> str:
        return self.stepper.number(x)

    def op(self, x: Any) -> str:
        return self.stepper.format.operand(x)

    def bar(self, node_or_symbol: Any) -> str:
        name = (
            node_or_symbol if isinstance(node_or_symbol, str) else self.stepper.name(node_or_symbol)
        )
        return self.stepper.notation.bar(name)

    def name(self, node: Any) -> str:
        return self.stepper.name(node)

    def sup(self, layer: int) -> str:
        return f"⁽{str(layer).translate(_SUPERSCRIPT)}⁾" if self.unicode else f"({layer})"

    def capped(self, items: list[str], shown: int) -> list[str]:
        """``items``, or its first ``shown - 1``, a count of those left out, and the last."""
        if len(items) <= shown + 1:
            return items
        return items[: shown - 1] + [f"{self.more} ({len(items) - shown} more)", items[-1]]

    def each(self, run: Sequence[Step]) -> list[str]:
        """Each step's line, the middle left out past 6."""
        lines = [s.text for s in run]
        if len(lines) <= 6:
            return lines
        return lines[:3] + [f"{self.more} {len(lines) - 5} more steps"] + lines[-2:]

    def partial(self, of: str) -> str:
        d = "∂" if self.unicode else "d"
        return f"{d}{self.root}/{d}{of}"


def run_story(
    story: Story, kind: str, unit: NeuronUnit | LayerUnit | None, run: Sequence[Step]
) -> tuple[str, list[str], list[str], str]:
    """``(title, lines, matrix lines, why)`` of the coarse step made of ``run``."""
    if isinstance(unit, NeuronUnit) and unit.weights:
        title = _sampled(story, unit.sample, _neuron_title(story, unit))
        if kind == FORWARD:
            return title, _neuron_forward(story, unit), [], ""
        return title, _neuron_backward(story, unit, run), [], ""
    if isinstance(unit, LayerUnit) and all(n.weights for n in unit.neurons):
        title = _sampled(story, unit.sample, f"layer {unit.layer}")
        why = LAYER_CONVENTION if story.unicode else LAYER_CONVENTION_ASCII
        if kind == FORWARD:
            lines, matrices = _layer_forward(story, unit)
        else:
            lines, matrices = _layer_backward(story, unit, run)
        return title, lines, matrices, why
    if unit is not None:  # a module whose neurons are not weighted sums: its edge steps
        title = _sampled(story, unit.sample, f"module {unit.path}")
        return title, story.each(run), [], ""
    if kind == FORWARD and all(not s.node.parents for s in run):
        items = [f"{story.name(s.node)} = {story.num(s.node.data)}" for s in run]
        return "inputs", [",  ".join(story.capped(items, 10))], [], ""
    return "loss", story.each(run), [], ""


# --- one neuron ----------------------------------------------------------------------------


def _neuron_title(story: Story, unit: NeuronUnit) -> str:
    name = story.name(unit.output)
    return name if name.startswith("neuron") else f"neuron {name}"


def _neuron_forward(story: Story, u: NeuronUnit) -> list[str]:
    t = story.t
    names = story.capped([story.name(x) for x in u.inputs], SHOWN + 2)
    values = story.capped([story.num(x.data) for x in u.inputs], SHOWN + 2)
    lines = [f"x = ({', '.join(names)}) = ({', '.join(values)})"]
    products = [f"{story.op(w.data)}{t}{story.op(x.data)}" for w, x in zip(u.weights, u.inputs)]
    bias = [] if u.bias is None else [story.op(u.bias.data)]
    sigma = "Σᵢ " if story.unicode else "sum_i "
    plus_b = " + b" if u.bias is not None else ""
    z_name = "z" if u.z is not u.output else story.name(u.output)
    terms = " + ".join(story.capped(products, SHOWN) + bias)
    wx = f"wᵢ{t}xᵢ" if story.unicode else f"w_i{t}x_i"
    lines.append(f"{z_name} = {sigma}{wx}{plus_b} = {terms} = {story.num(u.z.data)}")
    if u.z is not u.output:
        a, z = story.num(u.output.data), story.num(u.z.data)
        lines.append(f"{story.name(u.output)} = {u.activation}(z) = {u.activation}({z}) = {a}")
    return lines


def _neuron_backward(story: Story, u: NeuronUnit, run: Sequence[Step]) -> list[str]:
    t, d = story.t, story.delta
    abar = story.grads.get(id(u.output), 0.0)
    lines = [_a_bar_line(story, u, abar)]
    delta = story.grads.get(id(u.z), 0.0)
    slope = _slope_step(u, run)
    if slope is None:
        lines.append(f"{d} = {story.partial('z')} = {story.bar('a')} = {story.num(delta)}"
                     f"   (linear: {story.slope}(z) = 1)")  # fmt: skip
    else:
        form = _SLOPE.get(u.activation, (f"{story.slope}(z)",) * 2)[0 if story.unicode else 1]
        lines.append(
            f"{d} = {story.partial('z')} = {story.slope}(z){t}{story.bar('a')} = {form}{t}"
            f"{story.bar('a')} = {story.op(slope.local)}{t}{story.op(abar)} = {story.num(delta)}"
        )
    inside = {id(n) for n in u.members}
    weights = [_written(story, s) for w in u.weights for s in run if s.target is w]
    lead = f"w̄ᵢ = {d}{t}xᵢ:  " if story.unicode else f"w_i_bar = {d}{t}x_i:  "
    lines.append(lead + ",  ".join(story.capped(weights, SHOWN)))
    for s in run:
        if u.bias is not None and s.target is u.bias:
            more = "" if s.grad_before is None else f" {story.then} {story.num(s.grad_after)}"
            sign = "=" if s.grad_before is None else "+="
            lines.append(f"{story.bar(u.bias)} {sign} {d} = {story.num(s.contribution)}{more}")
    place = {id(x): i for i, x in enumerate(u.inputs)}
    own = inside | {id(w) for w in u.weights} | {id(u.bias)}
    back = [s for s in run if s.kind == BACKWARD and id(s.target) not in own]
    back.sort(key=lambda s: place.get(id(s.target), len(place)))
    passed = [
        f"{story.bar(s.target)} += {story.op(s.local)}{t}{story.op(s.upstream)} = "
        f"{story.num(s.contribution)}"
        for s in back
    ]
    if passed:
        lead = (
            f"to its inputs, x̄ᵢ += wᵢ{t}{d}:  "
            if story.unicode
            else f"to its inputs, x_i_bar += w_i{t}{d}:  "
        )
        lines.append(lead + ",  ".join(story.capped(passed, SHOWN)))
    return lines


def _a_bar_line(story: Story, u: NeuronUnit, abar: float) -> str:
    a = story.bar("a")
    if u.output is story.stepper.root:
        return f"{a} = 1   ({story.name(u.output)} is the output)"
    if _from_layer_above(story, u):
        products = [
            f"{story.op(s.local)}{story.t}{story.op(s.upstream)}"
            for s in story.writes[id(u.output)]
        ]
        terms = " + ".join(story.capped(products, SHOWN))
        sum_k = f"Σₖ wₖ{story.t}{story.delta}ₖ" if story.unicode else f"sum_k w_k{story.t}delta_k"
        return f"{a} = {sum_k} = {terms} = {story.num(abar)}   (from the layer above)"
    return f"{a} = {story.partial('a')} = {story.num(abar)}   (from the loss)"


def _slope_step(u: NeuronUnit, run: Sequence[Step]) -> Step | None:
    if u.z is u.output:
        return None
    return next((s for s in run if s.node is u.output and s.target is u.z), None)


def _written(story: Story, s: Step) -> str:
    """``w̄0 = δ·x0 = …`` for one weight's step (``+=`` and the new total when it adds up)."""
    product = f"{story.op(s.upstream)}{story.t}{story.op(s.local)} = {story.num(s.contribution)}"
    if s.grad_before is None:
        return f"{story.bar(s.target)} = {product}"
    return f"{story.bar(s.target)} += {product} {story.then} {story.num(s.grad_after)}"


# --- one layer -------------------------------------------------------------------------------


def _layer_forward(story: Story, layer: LayerUnit) -> tuple[list[str], list[str]]:
    up, down = story.sup(layer.layer), story.sup(layer.layer - 1)
    act = layer.neurons[0].activation
    linear = all(n.z is n.output for n in layer.neurons)
    inside = f"W{up}a{down} + b{up}"
    line = f"a{up} = z{up} = {inside}" if linear else f"a{up} = {act}(z{up}),  z{up} = {inside}"
    names = story.capped([story.name(n.output) for n in layer.neurons], SHOWN + 2)
    column = [[story.num(x.data)] for x in layer.inputs]
    blocks = [
        (f"W{up} =", _rows(story, [[w.data for w in n.weights] for n in layer.neurons])),
        (f"a{down} =", corners(column, _gap(story))),
        (f"b{up} =", _column(story, [_data(n.bias) for n in layer.neurons])),
        (f"z{up} =", _column(story, [n.z.data for n in layer.neurons])),
    ]
    if not linear:
        blocks.append((f"a{up} =", _column(story, [n.output.data for n in layer.neurons])))
    return [line, f"a{up} = ({', '.join(names)})"], side_by_side(blocks)


def _layer_backward(
    story: Story, layer: LayerUnit, run: Sequence[Step]
) -> tuple[list[str], list[str]]:
    up, down, d = story.sup(layer.layer), story.sup(layer.layer - 1), story.delta
    T = "ᵀ" if story.unicode else "^T"
    neurons = layer.neurons
    abar = [story.grads.get(id(n.output), 0.0) for n in neurons]
    if any(n.output is story.stepper.root for n in neurons):
        source = f"{story.bar('a')}{up} = 1   (the output)"
    elif all(_from_layer_above(story, n) for n in neurons):
        above = story.sup(layer.layer + 1)
        source = f"{story.bar('a')}{up} = W{above}{T}{d}{above}   (from the layer above)"
    else:
        source = f"{story.bar('a')}{up} = {story.partial('a' + up)}   (from the loss)"
    slopes = [_slope_step(n, run) for n in neurons]
    hadamard = "⊙" if story.unicode else "*"
    if all(s is None for s in slopes):
        delta_line = f"{d}{up} = {story.bar('a')}{up}   (linear: {story.slope} = 1)"
    else:
        delta_line = f"{d}{up} = {story.slope}(z{up}) {hadamard} {story.bar('a')}{up}"
    grads = {id(s.target): s for s in run if s.kind == BACKWARD}
    adds = any(
        grads[id(w)].grad_before is not None for n in neurons for w in n.weights if id(w) in grads
    )
    sign = "+=" if adds else "="
    wbar, bbar = story.bar("W"), story.bar("b")
    update = f"{wbar}{up} {sign} {d}{up}a{down}{T},   {bbar}{up} {sign} {d}{up}"
    blocks = []
    if any(s is not None for s in slopes):
        blocks.append(
            (
                f"{story.slope}(z{up}) =",
                _column(story, [1.0 if s is None else s.local for s in slopes]),
            )
        )
    blocks += [
        (f"{story.bar('a')}{up} =", _column(story, abar)),
        (f"{d}{up} =", _column(story, [story.grads.get(id(n.z), 0.0) for n in neurons])),
    ]
    contributions = [[_share(grads, w) for w in n.weights] for n in neurons]
    second = [
        (f"{wbar}{up} {sign}", _rows(story, contributions)),
        (f"{bbar}{up} {sign}", _column(story, [_share(grads, n.bias) for n in neurons])),
    ]
    return [source, delta_line, update], side_by_side(blocks) + [""] + side_by_side(second)


def _from_layer_above(story: Story, n: NeuronUnit) -> bool:
    """Whether every term of the neuron's ``ā`` came from a product (wₖ·δₖ) of a layer above."""
    writes = story.writes.get(id(n.output), [])
    return bool(writes) and all(s.kind == BACKWARD and s.node.op == "*" for s in writes)


def _share(grads: dict[int, Step], node: Any) -> float:
    """What this run added to ``node``'s grad (0 if nothing)."""
    step = None if node is None else grads.get(id(node))
    return 0.0 if step is None else step.contribution


# --- helpers -----------------------------------------------------------------------------------


def _sampled(story: Story, sample: int, title: str) -> str:
    return f"sample {sample}, {title}" if story.samples else title


def _data(node: Any) -> float:
    return 0.0 if node is None else node.data


def _gap(story: Story) -> str:
    return "⋯" if story.unicode else "..."


def _rows(story: Story, numbers: list[list[float]]) -> list[list[str]]:
    return corners([[story.num(x) for x in row] for row in numbers], _gap(story))


def _column(story: Story, numbers: list[float]) -> list[list[str]]:
    return _rows(story, [[x] for x in numbers])


__all__ = ["LAYER_CONVENTION", "LAYER_CONVENTION_ASCII", "SHOWN", "Story", "run_story"]
