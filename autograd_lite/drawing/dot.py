"""``draw``: a computation graph as a ``graphviz.Digraph``.

Each Value is a record ``{ label | data | grad }``; each operation is a small
node of its own between its inputs and its result, and the edge from an input
into the operation carries the local derivative d(result)/d(input) that the
operation's rule stored. ``a * a`` has two edges from ``a``.

Drawing is three steps, a module each: the *scene* (``scene.py``: what is
drawn, with stable ids, computed once from the graph's shape), a *frame*
(``frame.py``: the texts, fills and highlights of one moment) and the DOT
text of the two (here). Every node and edge carries its scene id
(``id=v0``), which graphviz copies into the SVG, so a picture can be
addressed without knowing anything about the renderer.

The graph is read only through ``data``, ``grad``, ``grad_computed``,
``parents``, ``local_grads``, ``op`` and ``label``, and ids come from the
topological order, so the same graph gives the same DOT text (and the same
SVG) every run.

>>> from autograd_lite import Value
>>> x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
>>> f = (x + y) * z
>>> f.backward()
>>> g = draw(f)
>>> for line in g.source.splitlines()[4:7]:
...     print(line.strip())
v0 [label="{ x | data -2 | grad -4 }" fillcolor="#cfe3fa" id=v0 style=filled]
v1 [label="{ y | data 5 | grad -4 }" fillcolor="#cfe3fa" id=v1 style=filled]
v2 [label="{ data 3 | grad -4 }" fillcolor="#ffffff" id=v2 style=filled]
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import graphviz

from ..engine.value import Value
from .box_stacking import stacks_boxes_reversed
from .drawable_text import literal
from .frame import COLOR_MODES, Frame, NodeLook, frame_of, shade
from .palette import (  # fmt: skip
    CLUSTER_COLOR,
    CLUSTER_FONT_SIZE,
    CLUSTER_TEXT_COLOR,
    COPY_FONT_SIZE,
    EDGE_FONT_SIZE,
    EDGE_LABEL_COLOR,
    FONT,
    HIGHLIGHT,
    HIGHLIGHT_EDGE_PEN,
    HIGHLIGHT_PEN,
    LEGEND_FONT_SIZE,
    NEGATIVE,
    NODE_FONT_SIZE,
    OP_COLOR,
    OUTPUT_PEN,
    PEN,
    POSITIVE,
    ROLE_COLORS,
    ROLE_NAMES,
)
from .renderer import ORDER_HINTS, Drawing
from .scene import (  # fmt: skip
    COLLAPSE_MODES,
    DEFAULT_MAX_NODES,
    GraphTooLargeError,
    Scene,
    SceneCluster,
    SceneNode,
)
from .scene_builder import build_scene

EDGE_LABEL_LIMIT = 150
"""Drawings up to this many nodes put local derivatives in edge labels, bigger ones in xlabels."""

RANKDIRS = ("LR", "TB", "RL", "BT")
RECORD_STYLES = ("wide", "compact")

SPACED_LAYERS_LIMIT = 600
"""Up to this many nodes, nn layers are kept a layer apart (``_between_boxes``).
graphviz-pure 0.2.2 loses one such edge in the 1,627-node drawing of
MLP(2, [16, 16, 1])'s loss ("lost edge"), so bigger drawings go without."""

COPY_EDGE_WEIGHT = 8
"""With copies of shared values in a drawing, the other edges pull this much
harder to be straight, so a long chain runs level instead of climbing
beside its copies."""


@dataclass(frozen=True)
class DotStyle:
    """The options that shape the DOT text but not the scene or the frame."""

    rankdir: str = "LR"
    scale: float = 1.0
    record: str = "wide"
    legend: bool = False
    color: str | None = "role"
    local_grads: bool = True

    def __post_init__(self) -> None:
        if self.rankdir not in RANKDIRS:
            raise ValueError(
                f"rankdir must be 'LR' or 'TB' (or 'RL', 'BT'), got {self.rankdir!r}"
            )
        if self.record not in RECORD_STYLES:
            raise ValueError(f"record must be 'wide' or 'compact', got {self.record!r}")
        scale = self.scale
        if isinstance(scale, bool) or not isinstance(scale, (int, float)):
            raise TypeError(f"scale must be a number like 1.5, got {scale!r}")
        if not (math.isfinite(scale) and 0.1 <= scale <= 10):
            raise ValueError(f"scale must be between 0.1 and 10, got {scale!r}")

    @property
    def across(self) -> bool:
        return self.rankdir in ("LR", "RL")

    def size(self, points: float) -> str:
        return _number(points * self.scale)


def draw(
    root: Value,
    *,
    rankdir: str = "LR",
    number_format: str | Callable[[float], str] | Any = ".6g",
    local_grads: bool = True,
    color: str | None = "role",
    legend: bool = False,
    cluster: bool = True,
    collapse: str | None = None,
    parameters: Iterable[Value] | None = None,
    highlight_nodes: Iterable[Value] = (),
    highlight_edges: Iterable[tuple[Value, Value]] = (),
    names: Mapping[Value, str] | None = None,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    scale: float = 1.0,
    record: str = "wide",
    copies: bool = True,
) -> graphviz.Digraph:
    """The graph that ``root`` was computed by, ready to render or show in Jupyter.

    Options:

    * ``rankdir``: ``"LR"`` (inputs on the left) or ``"TB"`` (inputs on top).
    * ``number_format``: a format spec for data, grad and edge numbers
      (``".6g"``, six significant digits like the narration; ``".4f"``) or
      a function from float to str.
    * ``local_grads``: write each edge's local derivative on it (as the edge's
      label up to 150 drawn nodes; in bigger or collapsed drawings as an
      ``xlabel``, which takes no layout space: edge labels make dot spread
      dense layers apart and lay out several times slower).
    * ``color``: ``"role"`` fills each value by what it is, ``"grad"`` by its
      gradient (blue for positive, red for negative, stronger for larger
      ``|grad|`` relative to the largest in the drawing), ``None`` no fill.
    * ``legend``: add a box explaining the colours and the edge numbers.
    * ``cluster``: box the nodes of each nn neuron and layer (see
      ``autograd_lite.drawing.clusters`` for how nodes are assigned to modules);
      inside a box, a node shows the short name (``w0`` for
      ``layers.0.neurons.3.w.0``, ``neuron 3``) and its full path as a
      tooltip, and inputs are placed left of the first layer.
    * ``collapse``: ``"neuron"`` or ``"layer"`` draws each neuron (layer) as
      one node, with its inputs coming in and its output going out.
    * ``parameters``: the Values that are parameters (e.g. ``model.parameters()``);
      by default they are recognised by their labels.
    * ``highlight_nodes``, ``highlight_edges``: Values and ``(parent, child)``
      pairs to draw thick and coloured (the stepper uses these). An edge pair
      marks the edges from ``parent`` into ``child``'s operation and from the
      operation to ``child``. In a collapsed drawing, whatever is hidden
      inside a module highlights that module's node.
    * ``names``: what the narration calls each node (the stepper passes
      its ``n1, n2, ...``): unlabelled results show it; only the text
      changes, not roles.
    * ``max_nodes``: refuse (GraphTooLargeError) a drawing with more nodes than
      this, counting values, operations and collapsed modules; None: no limit.
    * ``scale``: multiply every font size and pen width (``1.5`` for a
      projector); the spacing between nodes stays, so the picture gets
      denser and its text larger when it is fitted to a screen.
    * ``record``: ``"wide"`` (``label | data | grad`` in a row) or
      ``"compact"`` (the label beside ``data`` over ``grad``, and layers
      closer together: narrower, for slides).
    * ``copies``: draw a leaf that feeds many nodes far apart (``x`` in
      thirty lines of ``v = v*y + x``) once with its data and grad, and as
      a small copy marked ``x ①`` beside each use, instead of with one long
      edge to each: layered layout of such edges is slow and tangled.

    Each value is a record ``{ label | data | grad }``; a value without a
    label has just ``{ data | grad }``.

    Roles (for ``color="role"``): the root is the *output*. A leaf is a
    *parameter* when it is in ``parameters``, or, without that argument, when
    its label looks like one (``layers.0.neurons.3.w.1``, ``w``, ``w1``,
    ``weight``; ``b``/``bias`` too when some weight is present, so the ``b``
    of ``a * b + c`` is an input). Other labelled leaves are *inputs*;
    unlabelled leaves are *constants* (numbers mixed into arithmetic). All
    other nodes are intermediate. A node no backward pass has reached shows
    ``grad not computed`` with a dashed border, never a misleading 0.

    >>> from autograd_lite import Value
    >>> a = Value(3.0, label="a")
    >>> sq = a * a
    >>> sq.backward()
    >>> sum(" -> o1" in line for line in draw(sq).source.splitlines())
    2
    """
    style = DotStyle(rankdir, scale, record, legend, color, local_grads)
    scene = build_scene(
        root, cluster=cluster, collapse=collapse, parameters=parameters, names=names,
        copies=copies, max_nodes=max_nodes,
    )  # fmt: skip
    frame = frame_of(
        scene, color=color, number_format=number_format, local_grads=local_grads,
        highlight_nodes=highlight_nodes, highlight_edges=highlight_edges,
    )  # fmt: skip
    return dot_graph(scene, frame, style)


def dot_graph(scene: Scene, frame: Frame, style: DotStyle) -> Drawing:
    """The DOT graph of ``scene`` looking like ``frame``: ids, records, boxes, edges.

    >>> from autograd_lite import Value
    >>> from autograd_lite.drawing.scene_builder import build_scene
    >>> scene = build_scene(Value(2.0, label="x") * 3)
    >>> dot_graph(scene, frame_of(scene), DotStyle(scale=2)).source.splitlines()[2].strip()
    'node [fontname=Helvetica fontsize=24 penwidth=2 shape=record]'
    """
    graph_attr = {"rankdir": style.rankdir, "fontname": FONT, "fontsize": style.size(12)}
    # The order the nodes are declared in (inputs, then each layer's neurons
    # in index order) survives the layout.
    graph_attr.update(ORDER_HINTS)
    if scene.collapse is not None:
        graph_attr["ranksep"] = "0.9"  # room for the many edges between layers
    elif style.record == "compact":
        graph_attr["ranksep"] = "0.3"  # layers closer: more of the picture is text
    node_attr = {"shape": "record", "fontname": FONT, "fontsize": style.size(NODE_FONT_SIZE)}
    # Arrowheads grow with the pen width already: scaling their size too
    # would make them twice as large again.
    edge_attr = {"fontname": FONT, "fontsize": style.size(EDGE_FONT_SIZE), "arrowsize": "0.7"}
    if style.scale != 1:
        node_attr["penwidth"] = edge_attr["penwidth"] = style.size(PEN)
    g = Drawing(
        name="autograd_lite", graph_attr=graph_attr, node_attr=node_attr, edge_attr=edge_attr
    )
    first = _network_inputs(scene)
    if first:
        with g.subgraph() as column:
            column.attr(rank="min")
            for node in first:
                _emit_node(column, node, frame.nodes[node.id], style)
    declared = Declared(_stacks_neurons(scene) and stacks_boxes_reversed())
    for item in scene.items:
        _emit_item(g, item, frame, style, {node.id for node in first}, declared)
    _emit_edges(g, scene, frame, style)
    _keep_neurons_in_order(g, scene, declared)
    if style.legend:
        _legend(g, scene, frame, style)
    return g


# --- nodes -------------------------------------------------------------------------


def _network_inputs(scene: Scene) -> list[SceneNode]:
    """The records of inputs drawn again inside nn boxes: they stand in the first column.

    Left to itself dot puts such a record beside its copy, which may be
    several layers into the first layer's box, and so under the box.
    """
    boxed = {n.value for n in scene.nodes.values() if n.kind == "copy" and n.cluster is not None}
    return [n for n in scene.items if isinstance(n, SceneNode) and n.kind == "value"
            and n.value in boxed]  # fmt: skip


class Declared:
    """The order a box's items are declared in.

    A layer's neuron boxes are declared last first when the renderer stacks
    inner boxes in reverse (``box_stacking``), so that on every renderer
    they read 0, 1, 2, ... from the top.
    """

    def __init__(self, neurons_last_first: bool) -> None:
        self.neurons_last_first = neurons_last_first

    def items(self, box: SceneCluster) -> list:
        if self.neurons_last_first and _neuron_boxes_only(box):
            return box.items[::-1]
        return list(box.items)


def _neuron_boxes_only(box: SceneCluster) -> bool:
    return box.kind == "layer" and all(isinstance(i, SceneCluster) for i in box.items)


def _stacks_neurons(scene: Scene) -> bool:
    """True when some layer's box holds two or more neuron boxes (the renderer's way matters)."""
    return any(_neuron_boxes_only(box) and len(box.items) > 1 for box in scene.clusters)


def _emit_item(
    target: Any, item: Any, frame: Frame, style: DotStyle, skip: set, declared: Declared
) -> None:
    if isinstance(item, SceneCluster):
        with target.subgraph(name=item.id) as sub:
            sub.attr(
                id=item.id,
                label=graphviz.nohtml(item.title),
                tooltip=graphviz.nohtml(item.path),
                style="rounded,dashed" if item.kind == "neuron" else "rounded",
                color=CLUSTER_COLOR,
                fontcolor=CLUSTER_TEXT_COLOR,
                fontsize=style.size(CLUSTER_FONT_SIZE),
                labeljust="l",
            )
            for inner in declared.items(item):
                _emit_item(sub, inner, frame, style, skip, declared)
    elif item.id not in skip:
        _emit_node(target, item, frame.nodes[item.id], style)


def _emit_node(target: Any, node: SceneNode, look: NodeLook, style: DotStyle) -> None:
    attrs = {"id": node.id}
    if node.kind == "op":
        attrs.update(
            shape="ellipse", style="filled", fillcolor=OP_COLOR,
            margin=f"{_number(0.04 * style.scale)},{_number(0.02 * style.scale)}",
            height=style.size(0.3),
        )  # fmt: skip
        _mark(attrs, look, style)
        target.node(node.id, graphviz.nohtml(literal(look.fields[0])), **attrs)
        return
    attrs.update(_fill(look))
    if node.title and node.title != node.text:
        attrs["tooltip"] = graphviz.nohtml(literal(node.title))
    if node.kind == "copy":
        style_words = ["rounded", "filled"] if look.fill else ["rounded"]
        attrs.update(
            shape="box", style=",".join(style_words + (["dashed"] if look.dashed else [])),
            fontsize=style.size(COPY_FONT_SIZE), height=style.size(0.22),
            margin=f"{_number(0.05 * style.scale)},{_number(0.01 * style.scale)}",
        )  # fmt: skip
        _mark(attrs, look, style)
        target.node(node.id, graphviz.nohtml(_field(look.fields[0])), **attrs)
        return
    if node.kind == "unit":
        attrs["shape"] = "Mrecord"
        label = _record([_field(f) for f in look.fields], style.across)
    else:
        label = _value_record(look.fields, style)
    _mark(attrs, look, style)
    target.node(node.id, label, **attrs)


def _value_record(fields: tuple[str, ...], style: DotStyle) -> str:
    texts = [_field(f) for f in fields]
    if style.record == "wide" or len(texts) < 2:
        return _record(texts, style.across)
    *name, data, grad = texts
    if not name:  # data over grad
        return graphviz.nohtml(f"{data} | {grad}" if style.across else f"{{ {data} | {grad} }}")
    body = f"{name[0]} | {{ {data} | {grad} }}"  # the name beside data over grad
    return graphviz.nohtml("{ " + body + " }" if style.across else body)


def _fill(look: NodeLook) -> dict:
    attrs: dict[str, str] = {}
    if look.fill is not None:
        attrs["fillcolor"] = look.fill
        attrs["style"] = "filled,dashed" if look.dashed else "filled"
    elif look.dashed:
        attrs["style"] = "dashed"
    return attrs


def _mark(attrs: dict, look: NodeLook, style: DotStyle) -> None:
    if look.highlight:
        attrs["color"] = HIGHLIGHT
        attrs["penwidth"] = style.size(HIGHLIGHT_PEN)
    elif look.bold:
        attrs["penwidth"] = style.size(OUTPUT_PEN)


_RECORD_SPECIAL = re.compile(r'([{}|<>"])')


def _field(text: str) -> str:
    """``text`` as a literal record field: escapes, entities and the record syntax
    characters taken literally."""
    return _RECORD_SPECIAL.sub(r"\\\1", literal(text))


def _record(fields: list[str], across: bool) -> str:
    # In an LR graph a record's fields stack vertically unless wrapped in { }.
    body = " | ".join(fields)
    return graphviz.nohtml("{ " + body + " }" if across else body)


def _number(x: float) -> str:
    return f"{x:.4g}"


# --- edges -------------------------------------------------------------------------


def _emit_edges(g: Any, scene: Scene, frame: Frame, style: DotStyle) -> None:
    # An edge ``label`` gets layout space of its own (dot adds a rank for it):
    # best for small drawings, but in big or collapsed ones it spreads dense
    # layers far apart and makes layout several times slower, so those use
    # ``xlabel``, placed after layout.
    small = scene.collapse is None and scene.size <= EDGE_LABEL_LIMIT
    label_key = "label" if small else "xlabel"
    copies = any(n.kind == "copy" and n.cluster is None for n in scene.nodes.values())
    for record, copy in scene.anchors.items():
        g.edge(record, copy, style="invis")
    for edge in scene.edges.values():
        look = frame.edges[edge.id]
        attrs: dict[str, str] = {}
        if look.label:
            key = "label" if edge.kind == "module" else label_key
            attrs[key] = graphviz.nohtml(literal(look.label))
            attrs["fontcolor"] = EDGE_LABEL_COLOR
        if look.highlight:
            attrs["color"] = HIGHLIGHT
            attrs["penwidth"] = style.size(HIGHLIGHT_EDGE_PEN)
        if copies and scene.nodes[edge.tail].kind != "copy":
            attrs["weight"] = str(COPY_EDGE_WEIGHT)
        if scene.size <= SPACED_LAYERS_LIMIT and _between_boxes(scene, edge):
            attrs["minlen"] = "2"
        attrs["id"] = edge.id
        g.edge(edge.tail, edge.head, **attrs)


def _between_boxes(scene: Scene, edge: Any) -> bool:
    """An edge from one top-level box (an nn layer) into another, weights drawn.

    Laid out one layer longer, so the next layer's weights, a layer before
    its products, never share a layer with the previous layer's outputs:
    the boxes then stand side by side instead of one above the other.
    """
    if scene.collapse is not None:
        return False
    tail, head = _top_box(scene.nodes[edge.tail]), _top_box(scene.nodes[edge.head])
    return tail is not None and head is not None and tail is not head


def _top_box(node: SceneNode) -> SceneCluster | None:
    box = node.cluster
    while box is not None and box.parent is not None:
        box = box.parent
    return box


# --- neurons in index order ---------------------------------------------------------


def _keep_neurons_in_order(g: Any, scene: Scene, declared: Declared) -> None:
    """Invisible guides that keep each layer's neurons in index order, top to bottom.

    All the neurons of an MLP layer are wired alike, so every order of them
    crosses the same number of edges and dot picks one of many (``7 ... 0,
    15 ... 8``). A ladder of invisible points before the first layer, one
    per neuron in order, each joined to its neuron, makes index order the
    one with fewest crossings; in each later layer, neuron i is joined to
    neuron i of the layer before.
    """
    layers = _layers(scene, declared)
    if not layers or max(len(neurons) for neurons in layers) < 2:
        return
    for before, after in zip(layers, layers[1:]):
        for (_, tail), (head, _) in zip(before, after):
            g.edge(tail, head, style="invis")
    first = layers[0]
    with g.subgraph() as ladder:
        ladder.attr(rank="same")
        for k in range(len(first)):
            ladder.node(f"ladder{k}", "", shape="point", style="invis", width="0", height="0")
    for k in range(len(first) - 1):
        g.edge(f"ladder{k}", f"ladder{k + 1}", style="invis")
    for k, (head, _) in enumerate(first):
        g.edge(f"ladder{k}", head, style="invis")


def _layers(scene: Scene, declared: Declared) -> list[list[tuple[str, str]]]:
    """Each layer's neurons in the order they are declared, as ``(first node id, last node id)``."""
    groups: dict[Any, list] = {}  # a layer's group (None: no layer) -> its neurons
    for item in scene.items:
        if isinstance(item, SceneCluster) and item.kind == "layer":
            groups[item.group] = declared.items(item)
        elif item.group is not None and item.group.kind == "neuron":
            groups.setdefault(item.group.parent, []).append(item)  # not in a layer's box
    layers = []
    for neurons in groups.values():
        layers.append([e for e in map(_ends, neurons) if e is not None])
    return [layer for layer in layers if layer]





def _ends(item: Any) -> tuple[str, str] | None:
    """A neuron's first node and its output's record (a collapsed neuron: itself)."""
    if isinstance(item, SceneNode):
        return (item.id, item.id) if item.kind == "unit" else None
    nodes = [n for n in item.items if isinstance(n, SceneNode)]
    values = [n for n in nodes if n.kind == "value"]
    return (nodes[0].id, nodes[-1].id) if values else None


# --- legend ------------------------------------------------------------------------


def _legend(g: Any, scene: Scene, frame: Frame, style: DotStyle) -> None:
    """One node holding a table: a swatch, then what it means, per row."""
    rows = _legend_rows(scene, frame, style)
    cells = "".join(
        f'<tr><td {attrs} width="{style.size(36)}" height="{style.size(18)}">{swatch}</td>'
        f'<td border="0" align="left">{text}</td></tr>'
        for swatch, attrs, text in rows
    )
    table = (
        f'<table border="1" cellborder="0" cellspacing="4" cellpadding="3" '
        f'style="rounded" color="{CLUSTER_COLOR}">'
        f'<tr><td colspan="2">legend</td></tr>{cells}</table>'
    )
    g.node("legend", f"<{table}>", shape="plain", fontsize=style.size(LEGEND_FONT_SIZE))


def _legend_rows(scene: Scene, frame: Frame, style: DotStyle) -> list[tuple[str, str, str]]:
    plain = 'border="1"'
    rows = [
        (
            '<table border="0" cellborder="1" cellspacing="0" cellpadding="2">'
            "<tr><td>label</td><td>data</td><td>grad</td></tr></table>",
            'border="0"',
            "a value: its label, data and grad",
        ),
        ("op", f'{plain} style="rounded" bgcolor="{OP_COLOR}"', "an operation"),
    ]
    units = any(n.kind == "unit" for n in scene.nodes.values())
    if style.color == "role":
        present = {n.role for n in scene.nodes.values() if n.kind == "value"}
        if units:
            present.add("module")
        for role in ("input", "parameter", "constant", "interior", "module", "output"):
            if role in present:
                rows.append(("", f'{plain} bgcolor="{ROLE_COLORS[role]}"', ROLE_NAMES[role]))
    elif style.color == "grad":
        positive = f'{plain} bgcolor="{shade(POSITIVE, 0.45)}"'
        rows.append(("", positive, "grad &gt; 0 (stronger: larger)"))
        rows.append(("", f'{plain} bgcolor="{shade(NEGATIVE, 0.45)}"', "grad &lt; 0"))
        rows.append(("", plain, "grad = 0"))
        if units:
            rows.append(("", f'{plain} style="rounded"', "collapsed module"))
    if any(not v.grad_computed for v in scene.order):
        rows.append(
            ("", f'{plain} style="dashed"', "grad not computed (no backward pass reached it)")
        )
    if style.local_grads:
        rows.append(("1.5", 'border="0"', "edge number: local derivative d(result) / d(input)"))
    if units:
        rows.append(("3 values", 'border="0"', "edge carrying several values into a module"))
    if any(n.kind == "copy" for n in scene.nodes.values()):
        rows.append(("x &#9312;", 'border="0"', "a shared input, drawn again beside each use"))
    if frame.highlighted:
        rows.append(("", f'border="3" color="{HIGHLIGHT}"', "highlighted"))
    return rows


__all__ = [
    "COLLAPSE_MODES",
    "COLOR_MODES",
    "DEFAULT_MAX_NODES",
    "DotStyle",
    "GraphTooLargeError",
    "HIGHLIGHT",
    "ROLE_COLORS",
    "dot_graph",
    "draw",
]
