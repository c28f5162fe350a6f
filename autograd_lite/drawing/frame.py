"""A frame: how a scene looks at one moment: every node's text, fill and highlight.

The scene (``scene.py``) says what is drawn and never changes; a frame
says what each drawn thing shows now: a value's ``data`` and ``grad``
text, its fill, a dashed border while its grad is not computed, which
nodes and edges are highlighted, and the number on each edge. A stepper
makes one frame per step over one scene and one layout.

In a forward pass a value the pass has not reached yet shows a blank
``data`` (and the edges into its operation no local derivative: the
operation's rule has not run), and in predict mode the number the class
is asked for shows ``?`` until it is revealed.

Frames are plain data keyed by the scene's ids (``to_dict`` gives JSON),
so a player can apply them in a browser as well as here.

>>> from autograd_lite import Value
>>> from autograd_lite.drawing.scene_builder import build_scene
>>> x, y = Value(-2.0, label="x"), Value(5.0, label="y")
>>> q = x + y
>>> q.backward()
>>> look = frame_of(build_scene(q), highlight_nodes=[x])
>>> look.nodes["v0"].fields, look.nodes["v0"].highlight, look.edges["e0"].label
(('x', 'data -2', 'grad 1'), True, '1')
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from .number_format import NumberFormat
from .number_format import number_format as as_number_format
from .palette import NEGATIVE, OP_COLOR, POSITIVE, ROLE_COLORS
from .scene import Scene, SceneEdge, SceneNode
from .text_width import widest

COLOR_MODES = ("role", "grad", None)
NOT_COMPUTED = "grad not computed"
PENDING = "grad ?"
"""What a stepper's frames show before a grad is computed: short, because a
layout that holds still reserves the width of the widest text in every box,
and the dashed border already says the grad is not there yet."""
BLANK_DATA = "data"
"""The data field of a value the forward pass has not computed yet."""
ASKED = "?"
"""In place of the number a predict-mode question hides."""
FIELDS = ("data", "grad")


@dataclass(frozen=True)
class NodeLook:
    """How one node looks: its record ``fields`` (texts), fill, border and marks.

    ``dashed``: the grad is not computed yet. ``bold``: the output.
    ``highlight``: the current step is about it. ``target``: the current
    step writes its grad. ``asked``: ``"data"`` or ``"grad"`` when that
    number is a question (predict mode) and reads ``?``, else ``""``.
    """

    fields: tuple[str, ...]
    fill: str | None = None
    dashed: bool = False
    bold: bool = False
    highlight: bool = False
    target: bool = False
    asked: str = ""


@dataclass(frozen=True)
class EdgeLook:
    """How one edge looks: the text on it (a local derivative) and whether it is highlighted."""

    label: str = ""
    highlight: bool = False


@dataclass(frozen=True)
class Frame:
    """A look for every node and edge of one scene, by id."""

    nodes: Mapping[str, NodeLook] = field(default_factory=dict)
    edges: Mapping[str, EdgeLook] = field(default_factory=dict)

    @property
    def highlighted(self) -> bool:
        return any(n.highlight for n in self.nodes.values())

    def to_dict(self) -> dict:
        """Plain dicts and lists, ready for ``json.dumps``."""
        return {
            "nodes": {k: {**asdict(v), "fields": list(v.fields)} for k, v in self.nodes.items()},
            "edges": {k: asdict(v) for k, v in self.edges.items()},
        }


def frame_of(scene: Scene, **marks: Any) -> Frame:
    """The scene as its graph is now (data, grads), with these marks (``dresser``'s keywords).

    ``color``, ``number_format``, ``local_grads``, ``highlight_nodes`` and
    ``highlight_edges`` are ``draw``'s options; ``targets`` are Values
    whose grad the current step writes; ``not_computed`` is the grad field
    of a value no backward pass has reached. ``uncomputed`` are Values the
    forward pass has not computed yet: their data is blank, and so are the
    local derivatives on the edges into their operation. ``asked`` holds
    ``(value, "data")`` or ``(value, "grad")``: a number shown as ``?``.

    >>> from autograd_lite import Value
    >>> from autograd_lite.drawing.scene_builder import build_scene
    >>> x = Value(2.0, label="x")
    >>> f = x * 3
    >>> look = frame_of(build_scene(f), uncomputed=[f], asked=[(f, "data")])
    >>> look.nodes["v2"].fields, look.nodes["v2"].asked, look.edges["e0"].label
    (('data ?', 'grad not computed'), 'data', '')
    """
    looks = dresser(scene, **marks)
    nodes = {node_id: looks.node(node_id) for node_id in scene.nodes}
    edges = {edge_id: looks.edge(edge_id) for edge_id in scene.edges}
    return Frame(nodes, edges)


def dresser(
    scene: Scene,
    *,
    color: str | None = "role",
    number_format: str | Any = None,
    local_grads: bool = True,
    highlight_nodes: Iterable[Any] = (),
    highlight_edges: Iterable[tuple[Any, Any]] = (),
    targets: Iterable[Any] = (),
    not_computed: str = NOT_COMPUTED,
    uncomputed: Iterable[Any] = (),
    asked: Iterable[tuple[Any, str]] = (),
) -> Dresser:
    """What ``frame_of`` makes a frame with (its keywords are these): a ``Dresser`` that gives
    the look of one node or edge at a time, so a frame can be made from the last one by
    redoing only the looks that changed (``frame_changes.py``)."""
    if color not in COLOR_MODES:
        raise ValueError(f"color must be 'role', 'grad' or None, got {color!r}")
    fmt = as_number_format(number_format)
    marked_nodes, marked_edges = scene.highlight(highlight_nodes, highlight_edges)
    written = {scene.id_of(t) for t in targets}
    scale = grad_scale(scene) if color == "grad" else 0.0
    text = _Text(fmt, not_computed, _ids(uncomputed), _questions(asked))
    return Dresser(scene, text, color, scale, local_grads, marked_nodes, marked_edges, written)


@dataclass(frozen=True, eq=False)
class Dresser:
    """The looks of one moment of a scene, one node or edge at a time (see ``dresser``).

    ``marked_nodes``, ``marked_edges`` and ``written`` are the ids highlighted and the
    ids whose grad the step writes; ``scale`` is ``grad_scale`` for ``color="grad"``.
    """

    scene: Scene
    text: _Text
    color: str | None
    scale: float
    local_grads: bool
    marked_nodes: set[str]
    marked_edges: set[str]
    written: set[str]

    def node(self, node_id: str) -> NodeLook:
        look = _node_look(self.scene, self.scene.nodes[node_id], self.text, self.color, self.scale)
        return NodeLook(
            look.fields, look.fill, look.dashed, look.bold,
            node_id in self.marked_nodes, node_id in self.written, look.asked,
        )  # fmt: skip

    def edge(self, edge_id: str) -> EdgeLook:
        label = _edge_label(self.scene.edges[edge_id], self.text, self.local_grads)
        return EdgeLook(label, edge_id in self.marked_edges)


def _ids(values: Iterable[Any]) -> frozenset[int]:
    return frozenset(id(v) for v in values)


def _questions(asked: Iterable[tuple[Any, str]]) -> frozenset[tuple[int, str]]:
    out = set()
    for value, which in asked:
        if which not in FIELDS:
            raise ValueError(f"asked: the field must be 'data' or 'grad', got {which!r}")
        out.add((id(value), which))
    return frozenset(out)


def reserve(frames: Sequence[Frame]) -> Frame:
    """One frame whose every text is the widest that place shows in any of ``frames``.

    Laid out once, it leaves room for every frame's text, so all frames
    share its positions and sizes. Fills and marks come from the first.

    >>> from autograd_lite import Value
    >>> from autograd_lite.drawing.scene_builder import build_scene
    >>> x = Value(2.0, label="x")
    >>> f = x * 3.5
    >>> scene = build_scene(f)
    >>> before = frame_of(scene, not_computed=PENDING)
    >>> f.backward()
    >>> reserve([before, frame_of(scene)]).nodes["v0"].fields   # grad 3.5 is wider than grad ?
    ('x', 'data 2', 'grad 3.5')
    """
    if not frames:
        raise ValueError("reserve() needs at least one frame")
    first = frames[0]
    nodes = {
        node_id: widest_look([f.nodes[node_id] for f in frames]) for node_id in first.nodes
    }
    edges = {
        edge_id: EdgeLook(widest(f.edges[edge_id].label for f in frames))
        for edge_id in first.edges
    }
    return Frame(nodes, edges)


def widest_look(looks: Sequence[NodeLook]) -> NodeLook:
    """One node's look in ``reserve``: each field the widest of ``looks`` (in frame order),
    the fill and border of the first."""
    count = max(len(n.fields) for n in looks)
    fields = tuple(widest(n.fields[k] for n in looks if k < len(n.fields)) for k in range(count))
    first = looks[0]
    return NodeLook(fields, first.fill, first.dashed, first.bold)


# --- one node ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Text:
    """How numbers, missing grads, values not computed yet and questions read in one frame."""

    number: NumberFormat
    not_computed: str
    uncomputed: frozenset[int] = frozenset()
    asked: frozenset[tuple[int, str]] = frozenset()

    def data(self, value: Any) -> str:
        if (id(value), "data") in self.asked:
            return f"data {ASKED}"
        if self.is_uncomputed(value):
            return BLANK_DATA
        return f"data {self.number(value.data)}"

    def grad(self, value: Any) -> str:
        if (id(value), "grad") in self.asked:
            return f"grad {ASKED}"
        return grad_text(value, self.number, self.not_computed)

    def is_uncomputed(self, value: Any) -> bool:
        return id(value) in self.uncomputed

    def asked_field(self, value: Any) -> str:
        """``"data"`` or ``"grad"`` if that number of ``value`` is asked for, else ``""``."""
        return next((w for w in FIELDS if (id(value), w) in self.asked), "")


def _node_look(
    scene: Scene, node: SceneNode, text: _Text, color: str | None, scale: float
) -> NodeLook:
    value = node.value
    if node.kind == "op":
        return NodeLook((node.text,), OP_COLOR)
    if node.kind == "unit":
        return _unit_look(node, text, color, scale)
    name = f"{node.text} {node.marker}".strip()
    fill, dashed = fill_of(node.role, value, color, scale)
    if node.kind == "copy":
        return NodeLook((name,), fill, dashed)
    fields = ((name,) if name else ()) + (text.data(value), text.grad(value))
    bold = value is scene.root and color is not None
    return NodeLook(fields, fill, dashed, bold=bold, asked=text.asked_field(value))


def _unit_look(node: SceneNode, text: _Text, color: str | None, scale: float) -> NodeLook:
    group = node.group
    outs = group.outputs
    if group.kind == "neuron":
        act = outs[0].op if outs[0].op not in ("+", "-") else "linear"
        about = f"{act}, {_count(len(group.params), 'param')}"
    else:
        about = f"{_count(len(group.children), 'neuron')}, {_count(len(group.params), 'param')}"
    if node.value is None:
        fill, dashed = fill_of("module", None, color, scale)
        return NodeLook((node.text, about, f"{len(outs)} outputs"), fill, dashed)
    fill, dashed = fill_of(node.role, node.value, color, scale)
    fields = (node.text, about, text.data(node.value), text.grad(node.value))
    return NodeLook(fields, fill, dashed, asked=text.asked_field(node.value))


def grad_text(value: Any, fmt: NumberFormat, not_computed: str = NOT_COMPUTED) -> str:
    """``grad -4``, or ``grad not computed`` before any backward pass reaches it."""
    return f"grad {fmt(value.grad)}" if value.grad_computed else not_computed


def _edge_label(edge: SceneEdge, text: _Text, local_grads: bool) -> str:
    if edge.kind == "operand":
        if not local_grads or text.is_uncomputed(edge.child):
            return ""
        return text.number(edge.child.local_grads[edge.slot])
    if edge.kind == "module" and edge.count > 1:
        return f"{edge.count} values"
    return ""


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


# --- colour ------------------------------------------------------------------------


def fill_of(role: str, value: Any, color: str | None, scale: float) -> tuple[str | None, bool]:
    """``(fill colour or None, dashed)`` of a value with this role."""
    dashed = value is not None and not value.grad_computed
    if color == "role":
        return ROLE_COLORS[role], dashed
    if color == "grad":
        return grad_color(value, scale), dashed
    return None, dashed


def grad_scale(scene: Scene) -> float:
    """The largest finite |grad| drawn: ``color="grad"`` shades relative to it."""
    sizes = []
    for node in scene.nodes.values():
        value = node.value
        if node.kind in ("value", "unit") and value is not None and value.grad_computed:
            size = abs(float(getattr(value.grad, "data", value.grad)))
            if math.isfinite(size):
                sizes.append(size)
    return max(sizes, default=0.0)


def grad_color(value: Any, scale: float) -> str:
    """White for 0, blue (positive) or red (negative) with strength sqrt(|g| / max|g|)."""
    if value is None or not value.grad_computed:
        return "#ffffff"
    g = float(getattr(value.grad, "data", value.grad))
    if g == 0 or math.isnan(g) or scale == 0:
        return "#ffffff"
    t = 1.0 if math.isinf(g) else math.sqrt(min(abs(g) / scale, 1.0))
    strength = 0.12 + 0.43 * t  # at most 55% of the full colour: black text stays readable
    base = POSITIVE if g > 0 else NEGATIVE
    return shade(base, strength)


def shade(base: tuple[int, int, int], strength: float) -> str:
    """``base`` mixed with white: 0 is white, 1 is ``base``."""
    return "#" + "".join(f"{round(255 + (c - 255) * strength):02x}" for c in base)


__all__ = [
    "ASKED",
    "BLANK_DATA",
    "COLOR_MODES",
    "Dresser",
    "EdgeLook",
    "Frame",
    "NOT_COMPUTED",
    "NodeLook",
    "PENDING",
    "fill_of",
    "dresser",
    "frame_of",
    "grad_color",
    "grad_scale",
    "grad_text",
    "reserve",
    "shade",
    "widest_look",
]
