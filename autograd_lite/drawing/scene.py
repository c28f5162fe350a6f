"""The scene: what a drawing of a graph shows, decided once from the graph's shape.

A scene lists every drawn node and edge with a stable id, what each one
is (a value's record, an operation, a collapsed nn module, a copy of a
shared leaf), its role (input, parameter, constant, output, intermediate),
the nn boxes (clusters) it sits in, and how it is named. It holds no
numbers, colours or highlights: those change from one moment to the next
and live in a ``Frame`` (``frame.py``). ``dot.py`` turns a scene and a
frame into DOT; ``layout.py`` lays a scene out once and dresses the same
picture in every frame.

Ids come from the topological order, so the same graph gives the same ids
every run: ``v3`` is the record of the 4th value, ``o3`` the operation
that computes it, ``m0`` the first collapsed module, ``v0c2`` the second
copy of leaf ``v0``, ``e5`` an edge, ``cluster_1`` a box.

>>> from autograd_lite import Value
>>> x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
>>> q = x + y
>>> f = q * z
>>> from autograd_lite.drawing.scene_builder import build_scene
>>> s = build_scene(f)
>>> list(s.nodes)
['v0', 'v1', 'v2', 'o2', 'v3', 'v4', 'o4']
>>> s.id_of(q), s.op_id_of(q), [s.nodes[i].role for i in ("v0", "v2", "v4")]
('v2', 'o2', ['input', 'interior', 'output'])
>>> [(e.tail, e.head) for e in s.edges.values()][:3]
[('v0', 'o2'), ('v1', 'o2'), ('o2', 'v2')]
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .clusters import Group

DEFAULT_MAX_NODES = 1000
"""Graphs that would draw more nodes than this (values + operations) are refused."""

COLLAPSE_MODES = (None, "neuron", "layer")


class GraphTooLargeError(ValueError):
    """The graph has more nodes than ``max_nodes``; the message says what to do."""


@dataclass(eq=False)
class SceneNode:
    """One drawn node.

    ``kind``: ``"value"`` (a record), ``"op"`` (the operation computing
    ``value``), ``"unit"`` (a collapsed nn module, ``group``; ``value`` is
    its output when it has one) or ``"copy"`` (a copy of leaf ``value``
    drawn beside one of its uses). ``text`` is the name drawn in it,
    ``name`` what the narration calls ``value`` and ``title`` the full
    name (a tooltip). ``marker`` (``①``) ties a shared leaf to its copies.
    """

    id: str
    kind: str
    value: Any
    role: str
    text: str = ""
    name: str = ""
    title: str = ""
    cluster: SceneCluster | None = None
    group: Group | None = None
    marker: str = ""

    def __repr__(self) -> str:
        return f"SceneNode({self.id!r}, {self.kind}, {self.title!r})"


@dataclass(eq=False)
class SceneEdge:
    """One drawn edge from node ``tail`` to node ``head``.

    ``kind``: ``"operand"`` (``parent`` into the operation computing
    ``child``; ``slot`` is its index in ``child.parents``), ``"result"``
    (an operation to its value) or ``"module"`` (into or out of a collapsed
    module, carrying ``count`` distinct values).
    """

    id: str
    tail: str
    head: str
    kind: str
    parent: Any = None
    child: Any = None
    slot: int | None = None
    count: int = 1


@dataclass(eq=False)
class SceneCluster:
    """A box around an nn module's nodes: ``title`` is its short name, ``path`` its full one."""

    id: str
    kind: str
    title: str
    path: str
    group: Group
    parent: SceneCluster | None = None
    items: list = field(default_factory=list)  # SceneNode and SceneCluster, in order


class Scene:
    """Every drawn node, edge and box of one graph, with stable ids (see the module doc).

    ``nodes`` and ``edges`` map ids to ``SceneNode`` and ``SceneEdge`` in
    the order they are declared; ``items`` is the top level of the
    drawing (nodes and ``SceneCluster`` boxes, each box holding its own
    items); ``order`` is the graph's topological order. ``drawn`` maps
    every Value to the id of the node that shows it (its record, or the
    collapsed module it is inside), ``ops`` a computed Value to its
    operation node's id, and ``hidden`` a Value inside a collapsed module
    to that module. ``anchors`` maps the record of a leaf drawn with copies
    to the copy it is laid out next to (by an invisible edge).
    """

    def __init__(self, root: Any, order: list, collapse: str | None, groups: list) -> None:
        self.root = root
        self.order = order
        self.collapse = collapse
        self.groups = groups
        self.nodes: dict[str, SceneNode] = {}
        self.edges: dict[str, SceneEdge] = {}
        self.items: list = []
        self.clusters: list[SceneCluster] = []
        self.size = 0  # values + operations + modules drawn (copies not counted)
        self.drawn: dict[Any, str] = {}
        self.ops: dict[Any, str] = {}
        self.hidden: dict[Any, Group] = {}
        self.anchors: dict[str, str] = {}  # a shared leaf's record -> the copy it stands by
        self._between: dict[tuple[str, str], list[str]] = {}
        self._into: dict[str, list[str]] = {}

    def __repr__(self) -> str:
        return f"<Scene: {len(self.nodes)} nodes, {len(self.edges)} edges>"

    def add_edge(self, edge: SceneEdge) -> None:
        self.edges[edge.id] = edge
        self._between.setdefault((edge.tail, edge.head), []).append(edge.id)
        self._into.setdefault(edge.head, []).append(edge.id)

    def id_of(self, value: Any) -> str:
        """The id of the node that shows ``value``: its record, or the module it is inside."""
        try:
            return self.drawn[value]
        except KeyError:
            raise ValueError(f"{value!r} is not in this graph") from None

    def op_id_of(self, value: Any) -> str | None:
        """The id of the operation node computing ``value`` (None: a leaf, or inside a module)."""
        return self.ops.get(value)

    def edges_between(self, tail: str, head: str) -> list[str]:
        """The ids of the edges drawn from node ``tail`` to node ``head``."""
        return list(self._between.get((tail, head), ()))

    def edges_into(self, head: str) -> list[str]:
        """The ids of the edges drawn into node ``head``."""
        return list(self._into.get(head, ()))

    def highlight(
        self, nodes: Iterable[Any], edges: Iterable[tuple[Any, Any]]
    ) -> tuple[set[str], set[str]]:
        """Node ids and edge ids to draw highlighted for these Values and ``(parent, child)`` pairs.

        A pair marks the edges from ``parent`` into ``child``'s operation
        (with the copy of ``parent`` they start at) and from the operation to
        ``child``; inside a collapsed module it marks the module.
        """
        node_ids: set[str] = set()
        edge_ids: set[str] = set()
        for node in nodes:
            if node not in self.drawn:
                raise ValueError(f"highlight_nodes: {node!r} is not in this graph")
            node_ids.add(self.drawn[node])
        for parent, child in edges:
            if child not in self.drawn or not any(p is parent for p in child.parents):
                raise ValueError(f"highlight_edges: {parent!r} is not a parent of {child!r}")
            self._highlight_edge(parent, child, node_ids, edge_ids)
        return node_ids, edge_ids

    def _highlight_edge(self, parent: Any, child: Any, node_ids: set, edge_ids: set) -> None:
        op = self.ops.get(child)
        if op is not None:
            node_ids.add(op)
            for edge_id in self.edges_into(op):
                edge = self.edges[edge_id]
                if edge.parent is parent:
                    edge_ids.add(edge_id)
                    if self.nodes[edge.tail].kind == "copy":
                        node_ids.add(edge.tail)
            edge_ids.update(self.edges_between(op, self.drawn[child]))
        elif self.hidden.get(parent) is self.hidden.get(child):
            node_ids.add(self.drawn[child])
        else:
            edge_ids.update(self.edges_between(self.drawn[parent], self.drawn[child]))


__all__ = [
    "DEFAULT_MAX_NODES",
    "GraphTooLargeError",
    "Scene",
    "SceneCluster",
    "SceneEdge",
    "SceneNode",
]
