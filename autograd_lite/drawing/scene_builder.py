"""How a scene is built: roles, boxes, copies of shared values, edges (see ``scene.py``).

The rules, each a small function:

* ``roles``: what each value is (input, parameter, constant, output, intermediate);
* ``collapsed_units``: which nn modules are drawn as one node;
* ``values_to_copy``: which shared values are drawn as a copy beside each use;
* ``SceneBuilder``: places every node in its box, in an order that reads
  inputs, layer 0, layer 1, ..., loss, then adds the edges.

>>> from autograd_lite import Value
>>> x = Value(2.0, label="x")
>>> f = x * 3
>>> sorted(roles(f.topological_order(), f, None).values())
['constant', 'input', 'output']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .clusters import Group, find_groups, parameter_labels
from .drawable_text import check_graph_text
from .module_names import short_label, short_title
from .scene import (
    COLLAPSE_MODES,
    DEFAULT_MAX_NODES,
    GraphTooLargeError,
    Scene,
    SceneCluster,
    SceneEdge,
    SceneNode,
)

COPY_MIN_USES = 4
COPY_MIN_SPAN = 60
"""A value (a leaf, or one computed once) feeding at least ``COPY_MIN_USES``
nodes whose edges would run across more than ``COPY_MIN_SPAN`` layers in all
is drawn as a small copy beside each use. Long edges from one node to many
far-apart layers are what make layered layout slow (dot's crossing
minimisation works on every layer each edge crosses), and they tangle the
picture."""


# --- rules -------------------------------------------------------------------------


def build_scene(
    root: Any,
    *,
    cluster: bool = True,
    collapse: str | None = None,
    parameters: Iterable[Any] | None = None,
    names: Mapping[Any, str] | None = None,
    copies: bool = True,
    max_nodes: int | None = DEFAULT_MAX_NODES,
) -> Scene:
    """The scene of ``root``'s graph; the options are ``draw``'s (see ``dot.draw``).

    Raises GraphTooLargeError when it would draw more than ``max_nodes``
    values, operations and modules.
    """
    if collapse not in COLLAPSE_MODES:
        raise ValueError(f"collapse must be None, 'neuron' or 'layer', got {collapse!r}")
    check_max_nodes(max_nodes)
    if not hasattr(root, "topological_order"):
        raise TypeError(f"draw() takes a Value, got {type(root).__name__}")
    order = root.topological_order()
    check_graph_text(order, names)
    groups = find_groups(order) if (cluster or collapse) else []
    scene = Scene(root, order, collapse, groups)
    units = collapsed_units(groups, collapse)
    scene.hidden = {node: unit for unit in units for node in unit.members}
    scene.size = drawn_size(order, scene.hidden, len(units))
    if max_nodes is not None and scene.size > max_nodes:
        raise GraphTooLargeError(too_large_message(order, groups, collapse, scene.size, max_nodes))
    SceneBuilder(scene, units, cluster, parameters, names or {}, copies).build()
    return scene


def check_max_nodes(max_nodes: Any) -> None:
    """A ValueError unless ``max_nodes`` is a positive whole number or None.

    >>> check_max_nodes(0)
    Traceback (most recent call last):
    ...
    ValueError: max_nodes must be a positive number or None, got 0
    """
    if max_nodes is not None and (
        isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1
    ):
        raise ValueError(f"max_nodes must be a positive number or None, got {max_nodes!r}")


def roles(order: list, root: Any, parameters: Iterable[Any] | None) -> dict:
    """Value -> ``input``, ``parameter``, ``constant``, ``output`` or ``interior``.

    The root is the output. A leaf is a parameter when it is in
    ``parameters``, or (without that argument) when its label looks like one
    (``clusters.parameter_labels``); other labelled leaves are inputs,
    unlabelled ones constants.
    """
    leaves = [n for n in order if not n.parents]
    if parameters is not None:
        chosen = set(parameters)
        is_param = [leaf in chosen for leaf in leaves]
    else:
        positions = parameter_labels(leaves)
        is_param = [i in positions for i in range(len(leaves))]
    out = {n: "interior" for n in order}
    for leaf, param in zip(leaves, is_param):
        out[leaf] = "parameter" if param else ("input" if leaf.label else "constant")
    out[root] = "output"
    return out


def collapsed_units(groups: list[Group], collapse: str | None) -> list[Group]:
    """The modules drawn as one node each: every neuron, or every layer (or none)."""
    if collapse is None:
        return []
    units: list[Group] = []
    for top in groups:
        if collapse == "neuron" and top.kind == "layer":
            units.extend(top.children)
        else:
            units.append(top)
    return units


def drawn_size(order: list, hidden: Mapping, n_units: int) -> int:
    """Values, operations and modules drawn: what ``max_nodes`` counts."""
    return n_units + sum(1 + bool(n.parents) for n in order if n not in hidden)


def too_large_message(
    order: list, groups: list[Group], collapse: str | None, size: int, max_nodes: int
) -> str:
    """Why the graph is refused, and which ``collapse`` would draw it."""
    head = f"the graph would draw {size} nodes, more than max_nodes={max_nodes}"
    options = []
    for mode in ("neuron", "layer"):
        if mode == collapse:
            continue
        units = collapsed_units(groups, mode)
        hidden = {n: u for u in units for n in u.members}
        n = drawn_size(order, hidden, len(units))
        if units and n < size:
            options.append(f"collapse={mode!r} draws {n}")
    if options:
        advice = "; ".join(options) + " (draw(root, collapse=...), autograd-lite draw --collapse)"
    elif not groups:
        advice = "no nn module labels to collapse by; draw a smaller part of the graph"
    else:
        advice = "even collapsed it is too large; draw a smaller part of the graph"
    return (
        f"{head}: {advice}, or pass max_nodes=None (--max-nodes none) to draw it anyway "
        "(rendering may be slow)"
    )


def values_to_copy(order: list, drawn: set) -> list:
    """The values to draw as copies beside their uses (see ``COPY_MIN_USES``), in order.

    ``drawn`` holds the values drawn with an operation of their own; a
    value to copy is a leaf or one of those, and its uses are those of its
    children drawn. A node's layer is its depth (the longest path to it
    from a leaf); a value's span is how far its uses lie beyond the nearest
    one, summed.
    """
    depth = depths(order)
    users: dict[Any, list] = {}
    for node in order:
        if node in drawn:
            for p in _unique(node.parents):
                if not p.parents or p in drawn:
                    users.setdefault(p, []).append(node)
    chosen = []
    for leaf, uses in users.items():
        if len(uses) >= COPY_MIN_USES:
            nearest = min(depth[u] for u in uses)
            if sum(depth[u] - nearest for u in uses) > COPY_MIN_SPAN:
                chosen.append(leaf)
    position = {node: i for i, node in enumerate(order)}
    return sorted(chosen, key=position.__getitem__)


def depths(order: list) -> dict:
    """Node -> the length of the longest path to it from a leaf (leaves: 0)."""
    depth: dict[Any, int] = {}
    for node in order:
        depth[node] = 1 + max((depth[p] for p in node.parents), default=-1)
    return depth


def leaves_into_boxes(order: list, owner: Mapping) -> list:
    """Leaves outside every nn box that feed nodes inside one (a network's inputs).

    Drawn once outside, their edges would have to run around the first
    layer's box into every neuron (dot keeps a box's layers to the box);
    a copy inside each neuron reads as the ``w0 * x0`` of its formula, and
    the input's own record stands left of the first layer.
    """
    found = []
    for node in order:
        if node in owner:
            for p in node.parents:
                if not p.parents and p not in owner and not any(p is f for f in found):
                    found.append(p)
    return found


def marker(k: int) -> str:
    """The mark tying shared leaf number ``k`` to its copies: ① to ⑳, then (21), (22), ...

    >>> marker(0), marker(19), marker(20)
    ('①', '⑳', '(21)')
    """
    return chr(0x2460 + k) if k < 20 else f"({k + 1})"


def owners(groups: list[Group]) -> dict:
    """Node -> the innermost group (a neuron) that owns it."""
    owner: dict = {}
    for top in groups:
        for unit in top.children or [top]:
            for node in unit.members:
                owner[node] = unit
    return owner


def cluster_title(group: Group) -> str:
    """``layer 0``, ``neuron 3`` (``neuron 3 #2`` for a module evaluated again)."""
    return short_title(group.path) + group.title[len(group.path) :]


# --- building ----------------------------------------------------------------------


class SceneBuilder:
    """Fills a Scene: places the nodes in their boxes, then adds the edges."""

    def __init__(
        self,
        scene: Scene,
        units: list[Group],
        cluster: bool,
        parameters: Iterable[Any] | None,
        names: Mapping[Any, str],
        copies: bool,
    ) -> None:
        self.scene, self.names = scene, names
        order = scene.order
        self.index = {node: i for i, node in enumerate(order)}
        self.roles = roles(order, scene.root, parameters)
        self.owner = owners(scene.groups) if cluster and scene.collapse is None else {}
        self.cluster_units = cluster and scene.collapse == "neuron"
        drawn = {n for n in order if n.parents and n not in scene.hidden}
        shared = values_to_copy(order, drawn) + leaves_into_boxes(order, self.owner)
        shared = [n for n in order if n in set(shared) and n not in self.owner] if copies else []
        self.copied = {leaf: marker(k) for k, leaf in enumerate(shared)}
        self.copy_at: dict[tuple[Any, Any], str] = {}  # (leaf, the value it feeds) -> copy id
        self.depth = depths(order) if self.copied else {}
        self.boxes: dict[Group, SceneCluster] = {}
        self.unit_ids = {unit: f"m{k}" for k, unit in enumerate(units)}

    def build(self) -> None:
        for _, _, kind, item, box in sorted(self._placements(), key=lambda p: (p[0], p[1])):
            if kind == "value":
                self._add_value(item, box)
            else:
                self._add_unit(item, box)
        self._number_clusters()
        self._add_edges()
        self._anchor_copies()

    # --- nodes ------------------------------------------------------------------

    def _placements(self) -> list[tuple]:
        """``(anchor, position, kind, item, box)`` for every drawn value and module.

        A module's items are declared where its outermost module's first
        output comes in the topological order (not where its first
        parameter does), so the source reads inputs, layer 0, layer 1, ...
        """
        out = []
        for i, node in enumerate(self.scene.order):
            unit = self.scene.hidden.get(node)
            if unit is None:
                box = self.owner.get(node)
                out.append((self._anchor(box, i), i, "value", node, box))
            elif node is unit.outputs[0]:
                box = unit.parent if self.cluster_units else None
                out.append((self._anchor(unit, i), i, "unit", unit, box))
        return out

    def _anchor(self, group: Group | None, i: int) -> int:
        if group is None:
            return i
        while group.parent is not None:
            group = group.parent
        return self.index[group.outputs[0]]

    def _add_value(self, node: Any, box: Group | None) -> None:
        where = self._box(box)
        for parent in _unique(node.parents):
            if parent in self.copied:
                self._add_copy(parent, node, where)
        label, i = node.label, self.index[node]
        if label:
            text = short_label(label, box.path if box is not None else None)
        else:
            text = self.names.get(node, "") if node.parents else ""
        name = self.names.get(node) or label or ""
        record = SceneNode(f"v{i}", "value", node, self.roles[node], text, name, label or name)
        record.marker = self.copied.get(node, "")
        self._add(record, where)
        self.scene.drawn[node] = record.id
        if node.parents:
            title = f"{node.op} ({name})" if name else node.op
            op = SceneNode(f"o{i}", "op", node, "op", node.op, name, title)
            self._add(op, where)
            self.scene.ops[node] = op.id

    def _add_copy(self, leaf: Any, user: Any, where: SceneCluster | None) -> None:
        main = f"v{self.index[leaf]}"
        k = 1 + sum(1 for (other, _) in self.copy_at if other is leaf)
        name = self.names.get(leaf) or leaf.label or ""
        text = leaf.label or name
        copy = SceneNode(f"{main}c{k}", "copy", leaf, self.roles[leaf], text, name)
        copy.title = f"{text} (the same node as {main}, drawn again beside each use)"
        copy.marker = self.copied[leaf]
        self._add(copy, where)
        self.copy_at[(leaf, user)] = copy.id

    def _anchor_copies(self) -> None:
        """Each shared leaf's record goes beside one of its copies: the middle one of
        the uses nearest the inputs (so an MLP's input sits left of the middle neuron)."""
        for leaf in self.copied:
            uses = [(self.depth[user], copy) for (other, user), copy in self.copy_at.items()
                    if other is leaf]  # fmt: skip
            nearest = min(d for d, _ in uses)
            first = [copy for d, copy in uses if d == nearest]
            self.scene.anchors[self.scene.drawn[leaf]] = first[(len(first) - 1) // 2]

    def _add_unit(self, unit: Group, box: Group | None) -> None:
        outs = unit.outputs
        value = outs[0] if len(outs) == 1 else None
        boxed = box is not None or unit.kind == "layer" or unit.parent is None
        role = "output" if value is self.scene.root else "module"
        text = cluster_title(unit) if boxed else unit.title
        node = SceneNode(self.unit_ids[unit], "unit", value, role, text, unit.title, unit.title)
        node.group = unit
        self._add(node, self._box(box))
        for member in unit.members:
            self.scene.drawn[member] = node.id

    def _add(self, node: SceneNode, where: SceneCluster | None) -> None:
        node.cluster = where
        self.scene.nodes[node.id] = node
        (self.scene.items if where is None else where.items).append(node)

    def _box(self, group: Group | None) -> SceneCluster | None:
        """The scene's box for ``group``, made (with the boxes around it) on first use."""
        if group is None:
            return None
        found = self.boxes.get(group)
        if found is None:
            outer = self._box(group.parent)
            found = SceneCluster("", group.kind, cluster_title(group), group.title, group, outer)
            self.boxes[group] = found
            (self.scene.items if outer is None else outer.items).append(found)
        return found

    def _number_clusters(self) -> None:
        """``cluster_0``, ``cluster_1``, ... in the order the boxes are declared."""
        stack = [i for i in reversed(self.scene.items) if isinstance(i, SceneCluster)]
        while stack:
            box = stack.pop()
            box.id = f"cluster_{len(self.scene.clusters)}"
            self.scene.clusters.append(box)
            stack.extend(i for i in reversed(box.items) if isinstance(i, SceneCluster))

    # --- edges ------------------------------------------------------------------

    def _add_edges(self) -> None:
        """Every edge, in topological order of the value it leads to.

        An operation gets one edge per parent entry (``a * a``: two), from
        the parent's record or from its copy beside the operation; a
        collapsed module gets one edge per (source, module) pair.
        """
        scene = self.scene
        carried: dict[str, list] = {}  # module edge id -> the distinct values it carries
        for node in scene.order:
            if not node.parents:
                continue
            op = scene.ops.get(node)
            if op is not None:
                for slot, parent in enumerate(node.parents):
                    tail = self.copy_at.get((parent, node)) or scene.drawn[parent]
                    self._edge(tail, op, "operand", parent, node, slot)
                self._edge(op, scene.drawn[node], "result", node, node)
            else:
                self._module_edges(node, carried)
        for edge_id, values in carried.items():
            scene.edges[edge_id].count = len(values)

    def _module_edges(self, node: Any, carried: dict[str, list]) -> None:
        scene = self.scene
        unit = scene.hidden[node]
        for parent in node.parents:
            source = scene.hidden.get(parent)
            if source is unit or (source is not None and not parent.parents):
                continue  # inside the module, or a weight shared with another module
            ids = scene.edges_between(scene.drawn[parent], scene.drawn[node])
            edge_id = ids[0] if ids else self._edge(
                scene.drawn[parent], scene.drawn[node], "module", parent, node
            ).id  # fmt: skip
            values = carried.setdefault(edge_id, [])
            if not any(v is parent for v in values):
                values.append(parent)

    def _edge(
        self, tail: str, head: str, kind: str, parent: Any, child: Any, slot: int | None = None
    ) -> SceneEdge:
        edge = SceneEdge(f"e{len(self.scene.edges)}", tail, head, kind, parent, child, slot)
        self.scene.add_edge(edge)
        return edge


def _unique(nodes: Iterable[Any]) -> list:
    out: list = []
    for n in nodes:
        if not any(n is m for m in out):
            out.append(n)
    return out


__all__ = [
    "COPY_MIN_SPAN",
    "COPY_MIN_USES",
    "SceneBuilder",
    "build_scene",
    "check_max_nodes",
    "collapsed_units",
    "drawn_size",
    "values_to_copy",
    "marker",
    "roles",
    "too_large_message",
]
