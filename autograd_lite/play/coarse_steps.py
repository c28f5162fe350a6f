"""Steps at the level the lectures teach: a neuron at a time, or a layer at a time.

A ``Stepper(f, by="neuron")`` still takes the edge steps of ``by="edge"``
(every number comes from them), but orders the graph so that each neuron's
nodes come together (``network_units.grouped_order``), and cuts the steps
into *coarse steps*: runs of edge steps about the same unit. In the forward
pass a neuron's run computes ``z = Σᵢ wᵢ·xᵢ + b`` and ``a = f(z)``; in the
backward pass it takes ``δ = ∂L/∂z = f′(z)·ā`` and writes ``w̄ᵢ = δ·xᵢ`` and
``b̄ = δ``, and passes ``wᵢ·δ`` back to its inputs. ``by="layer"`` takes a
whole layer's neurons as one run and writes it with matrices. Nodes outside
any neuron (the inputs, the loss) make runs of their own.

A coarse step's ``lines`` are its narration with the numbers
(``unit_story.py`` writes them); ``start`` and ``stop`` are the positions
before its first and after its last edge step, so taking it is
``stepper.jump(stop)`` and opening it is stepping from ``start``.

>>> import nn
>>> from autograd_lite.play.stepper import Stepper
>>> neuron = nn.Neuron(2, activation="tanh", seed=0)
>>> neuron.load_state_dict({"w.0": 0.5, "w.1": -1.0, "b": 0.0})
>>> s = Stepper(neuron([2.0, -1.0]), by="neuron", digits=3, notation="unicode")
>>> [(c.kind, c.title) for c in s.coarse]
[('forward', 'inputs'), ('forward', 'neuron'), ('backward', 'neuron')]
>>> print(s.coarse[2].text)
neuron, backward:
  ā = 1   (neuron is the output)
  δ = ∂neuron/∂z = σ′(z)·ā = (1 − a²)·ā = 0.0707·1 = 0.0707
  w̄ᵢ = δ·xᵢ:  w̄0 = 0.0707·2 = 0.141,  w̄1 = 0.0707·(−1) = −0.0707
  b̄ = δ = 0.0707
  to its inputs, x̄ᵢ += wᵢ·δ:  x̄[0] += 0.5·0.0707 = 0.0353,  x̄[1] += (−1)·0.0707 = −0.0707
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .network_units import LayerUnit, NeuronUnit
from .step import BACKWARD, FORWARD, Step, StepSource
from .unit_story import Story, run_story

LEVELS = ("edge", "neuron", "layer")
"""What ``Stepper(by=...)`` steps by."""


@dataclass(eq=False)
class CoarseStep:
    """One neuron's, one layer's, the inputs' or the loss's part of one pass.

    ``index`` counts coarse steps from 1; ``kind`` is ``"forward"`` or
    ``"backward"``; ``unit`` is the ``NeuronUnit`` or ``LayerUnit`` (None for
    the inputs and the loss); ``steps`` are its edge steps, positions
    ``start + 1`` to ``stop``. ``lines`` say what it computes, with the
    numbers; ``matrices``, for a layer, are the lines of its small
    matrices; ``why`` states the convention they are written in.
    """

    index: int
    kind: str
    title: str
    start: int
    stop: int
    steps: list = field(default_factory=list, repr=False)
    unit: Any = field(default=None, repr=False)
    lines: list = field(default_factory=list, repr=False)
    matrices: list = field(default_factory=list, repr=False)
    why: str = field(default="", repr=False)

    @property
    def text(self) -> str:
        """The title, then each line (and matrix line) indented."""
        return self.under(f"{self.title}, {self.kind}:", "  ")

    def under(self, head: str, indent: str) -> str:
        """``head``, then each line and matrix line on a line of its own after ``indent``."""
        return "\n".join([head, *(f"{indent}{line}" for line in self.lines + self.matrices)])

    @cached_property
    def nodes(self) -> list:
        """The nodes it computes or writes the grads of (for highlighting)."""
        return _unique(n for step in self.steps for n in (step.node, step.target) if n is not None)

    @cached_property
    def edges(self) -> list[tuple[Any, Any]]:
        """The edges ``(parent, child)`` its steps use."""
        return _unique(edge for step in self.steps for edge in step.edges)

    @cached_property
    def targets(self) -> list:
        """The nodes whose grads it writes."""
        return _unique(step.target for step in self.steps if step.target is not None)

    def __str__(self) -> str:
        return self.text


def coarse_steps(stepper: StepSource, units: Sequence[NeuronUnit | LayerUnit]) -> list[CoarseStep]:
    """The runs of ``stepper.steps`` about the same unit, each with its story.

    ``stepper``'s order must keep each unit's nodes together (``grouped_order``).
    """
    unit_of = {id(node): unit for unit in units for node in unit.members}
    samples = max((u.sample for u in units), default=1)
    story = Story(stepper, samples > 1)
    out: list[CoarseStep] = []
    run: list[Step] = []
    for step in stepper.steps:
        if run and _run_key(run[-1], unit_of) != _run_key(step, unit_of):
            out.append(_coarse(len(out) + 1, run, unit_of, story))
            run = []
        run.append(step)
        story.take(step)
    if run:
        out.append(_coarse(len(out) + 1, run, unit_of, story))
    return out


def _unique(items: Iterable[Any]) -> list[Any]:
    """``items`` in order, each once: by identity (a node, or an edge's two nodes)."""
    out: dict[Any, Any] = {}
    for item in items:
        key = tuple(map(id, item)) if isinstance(item, tuple) else id(item)
        out.setdefault(key, item)
    return list(out.values())


def _run_key(step: Step, unit_of: dict) -> tuple:
    """Steps with the same key make one run: the pass, and the unit (or the loose part)."""
    phase = FORWARD if step.kind == FORWARD else BACKWARD
    unit = unit_of.get(id(step.node))  # the seed's node is the root: a unit's output, or the loss
    if unit is not None:
        return (phase, id(unit))
    if step.kind == FORWARD and not step.node.parents:
        return (phase, "inputs")
    return (phase, "loss")


def _coarse(index: int, run: list[Step], unit_of: dict, story: Story) -> CoarseStep:
    first = run[0]
    kind = FORWARD if first.kind == FORWARD else BACKWARD
    unit = unit_of.get(id(first.node))
    title, lines, matrices, why = run_story(story, kind, unit, run)
    return CoarseStep(
        index=index,
        kind=kind,
        title=title,
        start=first.index - 1,
        stop=run[-1].index,
        steps=list(run),
        unit=unit,
        lines=lines,
        matrices=matrices,
        why=why,
    )


__all__ = ["LEVELS", "CoarseStep", "coarse_steps"]
