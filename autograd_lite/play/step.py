"""One step of the walk through a graph, and what a player needs of the walk.

A ``Step`` is one line of the narration in parts: the node it computes (a
forward step) or the edge its gradient flows along (a backward step), with
the numbers. ``StepSource`` is what the player, the deck and the step words
read of a ``Stepper``, so they take any walk that offers it.

>>> from autograd_lite import Value, Stepper
>>> s = Stepper(Value(2.0, label="x") * 3)
>>> s.steps[0]
Step(1, 'forward', 'x = 2   (input)')
>>> isinstance(s, StepSource)
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from ..engine.op_record import Op

FORWARD, SEED, BACKWARD = "forward", "seed", "backward"

# draw() options by what they shape: the scene (built once), or only the look.
SCENE_OPTIONS = ("cluster", "collapse", "parameters", "copies", "max_nodes")
LOOK_OPTIONS = ("color", "local_grads", "number_format")
STYLE_OPTIONS = ("rankdir", "scale", "record", "legend")


@dataclass(frozen=True, eq=False)
class Step:
    """One step of a forward or backward pass, in parts.

    ``kind`` is ``"forward"`` (``node`` is computed from its parents),
    ``"seed"`` (d root/d root = 1) or ``"backward"`` (one edge: ``parent``
    receives ``contribution = upstream * local``). ``grad_before`` and
    ``grad_after`` are the grad of the node this step writes (the parent,
    or the root for the seed); None means not computed yet. ``operation``
    is the record (``ops.py``) of ``node``'s op: the op that computes it
    (forward) and whose rule gave the local derivative (backward); None for
    a leaf, or a node made by an op the registry does not know.

    The narration is ``equation`` and ``note`` (``x = -2`` and ``input``);
    ``str(step)`` joins them as one line. ``why`` says where a backward
    step's local derivative comes from (``∂q/∂x = 1 because q = x + y``).
    ``question`` and ``question_note`` are the same line with the number
    the step computes written ``?`` (``q = x + y = −2 + 5 = ?``), for
    predict mode; both are empty where there is nothing to predict (an
    input's value is given). Slides and players build their own text from
    these parts, never by reading the line back.
    """

    index: int
    kind: str
    node: Any
    parent: Any = None
    upstream: float | None = None
    local: float | None = None
    contribution: float | None = None
    grad_before: float | None = None
    grad_after: float | None = None
    operation: Op | None = field(default=None, repr=False)
    equation: str = field(default="", repr=False)
    note: str = field(default="", repr=False)
    why: str = field(default="", repr=False)
    question: str = field(default="", repr=False)
    question_note: str = field(default="", repr=False)

    @property
    def text(self) -> str:
        """The narration line: ``equation   (note)``."""
        return f"{self.equation}   ({self.note})" if self.note else self.equation

    @property
    def asks(self) -> bool:
        """Whether predict mode hides this step's answer until it is revealed."""
        return bool(self.question)

    @property
    def answered(self) -> tuple[Any, str] | None:
        """``(node, "data")`` or ``(node, "grad")``: the field whose number this
        step asks for (None for an input or a constant, which is given)."""
        if not self.asks:
            return None
        return (self.node, "data") if self.kind == FORWARD else (self.target, "grad")

    @property
    def target(self) -> Any:
        """The node whose grad this step writes (None for a forward step)."""
        if self.kind == BACKWARD:
            return self.parent
        if self.kind == SEED:
            return self.node
        return None

    @property
    def edges(self) -> list[tuple[Any, Any]]:
        """The edges ``(parent, child)`` this step uses."""
        if self.kind == BACKWARD:
            return [(self.parent, self.node)]
        if self.kind == FORWARD:
            return [(p, self.node) for p in _unique(self.node.parents)]
        return []

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Step({self.index}, {self.kind!r}, {self.text!r})"


@runtime_checkable
class StepSource(Protocol):
    """What the player reads of a walk: its steps, names, numbers and pictures."""

    steps: list[Step]
    position: int
    root: Any

    def __len__(self) -> int: ...

    def name(self, node: Any) -> str: ...

    def number(self, x: Any) -> str: ...

    def scene(self, **options: Any) -> Any: ...

    def layout(
        self, *, timeout: float | None = None, waiting: Any = None, **options: Any
    ) -> Any: ...

    def frames(self, **options: Any) -> list[Any]: ...

    def frame_steps(
        self, *, questions: bool = False, checking: Any = None, **options: Any
    ) -> Any: ...

    def question_frames(self, **options: Any) -> list[Any]: ...


def _unique(nodes: Sequence[Any]) -> list[Any]:
    out: list[Any] = []
    for n in nodes:
        if not any(n is m for m in out):
            out.append(n)
    return out


def check_drawing_options(options: dict) -> None:
    """Raise TypeError naming any of ``options`` that no picture method knows."""
    check_options(options, SCENE_OPTIONS + LOOK_OPTIONS + STYLE_OPTIONS)


def check_options(options: dict, allowed: Sequence[str]) -> None:
    """Raise TypeError naming any of ``options`` not in ``allowed``."""
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        raise TypeError(f"unknown drawing options {unknown}; these are known: {sorted(allowed)}")


__all__ = [
    "BACKWARD",
    "FORWARD",
    "LOOK_OPTIONS",
    "SCENE_OPTIONS",
    "SEED",
    "STYLE_OPTIONS",
    "Step",
    "StepSource",
    "check_drawing_options",
    "check_options",
]
