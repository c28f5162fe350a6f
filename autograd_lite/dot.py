"""``draw``: a computation graph as a ``graphviz.Digraph``.

Each Value is a record ``{ label | data | grad }``; each operation is a small
node of its own between its inputs and its result, and the edge from an input
into the operation carries the local derivative d(result)/d(input) that the
operation's rule stored. ``a * a`` has two edges from ``a``.

The graph is read only through ``data``, ``grad``, ``grad_computed``,
``parents``, ``local_grads``, ``op`` and ``label``, and node names come from
the topological order, so the same graph gives the same DOT text (and the
same SVG) every run.

>>> from autograd_lite import Value
>>> x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
>>> f = (x + y) * z
>>> f.backward()
>>> g = draw(f)
>>> for line in g.source.splitlines()[4:7]:
...     print(line.strip())
v0 [label="{ x | data -2 | grad -4 }" fillcolor="#cfe3fa" style=filled]
v1 [label="{ y | data 5 | grad -4 }" fillcolor="#cfe3fa" style=filled]
v2 [label="{ data 3 | grad -4 }" fillcolor="#ffffff" style=filled]
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import graphviz

from .clusters import Group, find_groups, parameter_labels
from .renderer import Drawing
from .value import Value

DEFAULT_MAX_NODES = 1000
"""Graphs that would draw more nodes than this (values + operations) are refused."""

EDGE_LABEL_LIMIT = 150
"""Drawings up to this many nodes put local derivatives in edge labels, bigger ones in xlabels."""

MAX_FORMAT_WIDTH = 40
MAX_FORMAT_PRECISION = 20
"""The widest field and the most digits ``number_format`` may ask for (a width of
10,000,000 would take minutes and a gigabyte to lay out, and show nothing more)."""

# Fill colours: light enough that black text stays readable on them.
ROLE_COLORS: dict[str, str] = {
    "input": "#cfe3fa",
    "parameter": "#ffe0b2",
    "constant": "#e9e9e9",
    "output": "#c8ecc0",
    "interior": "#ffffff",
    "module": "#e6def5",
}
ROLE_NAMES: dict[str, str] = {
    "input": "input",
    "parameter": "parameter",
    "constant": "constant",
    "output": "output",
    "interior": "intermediate",
    "module": "collapsed module",
}
OP_COLOR = "#f3f3f3"
POSITIVE = (0x21, 0x66, 0xAC)  # grad > 0: blue
NEGATIVE = (0xB2, 0x18, 0x2B)  # grad < 0: red
HIGHLIGHT = "#e8590c"
EDGE_LABEL_COLOR = "#555555"
CLUSTER_COLOR = "#9e9e9e"
FONT = "Helvetica"

COLOR_MODES = ("role", "grad", None)
COLLAPSE_MODES = (None, "neuron", "layer")


class GraphTooLargeError(ValueError):
    """The graph has more nodes than ``max_nodes``; the message says what to do."""


def draw(
    root: Value,
    *,
    rankdir: str = "LR",
    number_format: str | Callable[[float], str] = ".4g",
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
) -> graphviz.Digraph:
    """The graph that ``root`` was computed by, ready to render or show in Jupyter.

    Options:

    * ``rankdir``: ``"LR"`` (inputs on the left) or ``"TB"`` (inputs on top).
    * ``number_format``: a format spec for data, grad and edge numbers
      (``".4g"``, ``".3f"``) or a function from float to str.
    * ``local_grads``: write each edge's local derivative on it (as the edge's
      label up to 150 drawn nodes; in bigger or collapsed drawings as an
      ``xlabel``, which takes no layout space: edge labels make dot spread
      dense layers apart and lay out several times slower).
    * ``color``: ``"role"`` fills each value by what it is, ``"grad"`` by its
      gradient (blue for positive, red for negative, stronger for larger
      ``|grad|`` relative to the largest in the drawing), ``None`` no fill.
    * ``legend``: add a box explaining the colours and the edge numbers.
    * ``cluster``: box the nodes of each nn neuron and layer (see
      ``autograd_lite.clusters`` for how nodes are assigned to modules);
      inside a box, labels drop the path the box shows (``w.1`` for
      ``layers.0.neurons.3.w.1``).
    * ``collapse``: ``"neuron"`` or ``"layer"`` draws each neuron (layer) as
      one node, with its inputs coming in and its output going out.
    * ``parameters``: the Values that are parameters (e.g. ``model.parameters()``);
      by default they are recognised by their labels.
    * ``highlight_nodes``, ``highlight_edges``: Values and ``(parent, child)``
      pairs to draw thick and coloured (the stepper uses these). An edge pair
      marks the edges from ``parent`` into ``child``'s operation and from the
      operation to ``child``. In a collapsed drawing, whatever is hidden
      inside a module highlights that module's node.
    * ``names``: what to show for unlabelled nodes (the stepper passes the
      ``n1, n2, ...`` of its narration); only the text changes, not roles.
    * ``max_nodes``: refuse (GraphTooLargeError) a drawing with more nodes than
      this, counting values, operations and collapsed modules; None: no limit.

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
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"rankdir must be 'LR' or 'TB' (or 'RL', 'BT'), got {rankdir!r}")
    if color not in COLOR_MODES:
        raise ValueError(f"color must be 'role', 'grad' or None, got {color!r}")
    if collapse not in COLLAPSE_MODES:
        raise ValueError(f"collapse must be None, 'neuron' or 'layer', got {collapse!r}")
    if max_nodes is not None and max_nodes < 1:
        raise ValueError(f"max_nodes must be a positive number or None, got {max_nodes!r}")
    fmt = number_formatter(number_format)

    order = root.topological_order()
    _check_drawable_text(order, names)
    index = {node: i for i, node in enumerate(order)}
    groups = find_groups(order) if (cluster or collapse) else []
    units = _collapsed_units(groups, collapse)
    hidden = {node: unit for unit in units for node in unit.members}

    size = _drawn_size(order, hidden, len(units))
    if max_nodes is not None and size > max_nodes:
        raise GraphTooLargeError(_too_large_message(order, groups, collapse, size, max_nodes))

    roles = _roles(order, root, parameters)
    owner = _owners(groups) if cluster and collapse is None else {}
    unit_id = {unit: f"m{k}" for k, unit in enumerate(units)}

    def node_id(node: Any) -> str:
        unit = hidden.get(node)
        return f"v{index[node]}" if unit is None else unit_id[unit]

    scale = _grad_scale(order, hidden, units) if color == "grad" else 0.0
    highlighted, edge_marks = _highlights(highlight_nodes, highlight_edges, index, hidden, node_id)

    graph_attr = {"rankdir": rankdir, "fontname": FONT, "fontsize": "12"}
    if collapse is not None:
        graph_attr["ranksep"] = "0.9"  # room for the many edges between layers
    # An edge ``label`` gets layout space of its own (dot adds a rank for it):
    # best for small drawings, but in big or collapsed ones it spreads dense
    # layers far apart and makes layout several times slower, so those use
    # ``xlabel``, placed after layout.
    label_key = "label" if collapse is None and size <= EDGE_LABEL_LIMIT else "xlabel"
    g = Drawing(
        name="autograd_lite",
        graph_attr=graph_attr,
        node_attr={"shape": "record", "fontname": FONT, "fontsize": "12"},
        edge_attr={"fontname": FONT, "fontsize": "10", "arrowsize": "0.7"},
    )
    across = rankdir in ("LR", "RL")

    def emit_value(target: graphviz.Digraph, node: Any) -> None:
        i = index[node]
        shown = _short_label(node, owner) if node.label else (names or {}).get(node)
        fields = [_record_text(shown)] if shown else []
        fields += [f"data {_record_text(fmt(node.data))}", _grad_text(node, fmt)]
        attrs = _fill(roles[node], node, color, scale)
        if node is root and color is not None:
            attrs["penwidth"] = "2"
        _mark(attrs, f"v{i}" in highlighted)
        target.node(f"v{i}", _record(fields, across), **attrs)
        if node.parents:
            op_attrs = {
                "shape": "ellipse",
                "style": "filled",
                "fillcolor": OP_COLOR,
                "margin": "0.04,0.02",
                "height": "0.3",
            }
            _mark(op_attrs, f"o{i}" in highlighted)
            target.node(f"o{i}", graphviz.nohtml(_plain_text(node.op)), **op_attrs)

    def emit_unit(target: graphviz.Digraph, unit: Group) -> None:
        fields = [_record_text(unit.title)]
        outs = unit.outputs
        if unit.kind == "neuron":
            act = outs[0].op if outs[0].op not in ("+", "-") else "linear"
            fields.append(f"{_record_text(act)}, {_count(len(unit.params), 'param')}")
        else:
            fields.append(
                f"{_count(len(unit.children), 'neuron')}, {_count(len(unit.params), 'param')}"
            )
        if len(outs) == 1:
            fields += [f"data {_record_text(fmt(outs[0].data))}", _grad_text(outs[0], fmt)]
            attrs = _fill("output" if outs[0] is root else "module", outs[0], color, scale)
        else:
            fields.append(f"{len(outs)} outputs")
            attrs = _fill("module", None, color, scale)
        attrs["shape"] = "Mrecord"
        _mark(attrs, unit_id[unit] in highlighted)
        target.node(unit_id[unit], _record(fields, across), **attrs)

    # Place every drawn item (a value with its op, or a collapsed module) in
    # the cluster of its innermost module, clusters nested like the modules.
    # A module's items are declared where its first output comes in the
    # topological order (not where its first parameter does), so the source
    # reads inputs, layer 0, layer 1, ..., loss.
    placed: list[tuple[int, int, tuple, Group | None]] = []
    for i, node in enumerate(order):
        unit = hidden.get(node)
        if unit is None:
            box = owner.get(node)
            placed.append((_anchor(box, index, i), i, ("value", node), box))
        elif node is unit.outputs[0]:
            box = unit.parent if (cluster and collapse == "neuron") else None
            placed.append((_anchor(unit, index, i), i, ("unit", unit), box))
    placed.sort(key=lambda p: (p[0], p[1]))
    contents: dict[Group | None, list] = {None: []}
    for _, _, item, box in placed:
        _place(contents, item, box)

    clusters = iter(range(len(contents)))

    def emit(target: graphviz.Digraph, box: Group | None) -> None:
        for kind, item in contents[box]:
            if kind == "value":
                emit_value(target, item)
            elif kind == "unit":
                emit_unit(target, item)
            else:
                with target.subgraph(name=f"cluster_{next(clusters)}") as sub:
                    sub.attr(
                        label=graphviz.nohtml(item.title),
                        style="rounded,dashed" if item.kind == "neuron" else "rounded",
                        color=CLUSTER_COLOR,
                        fontcolor="#616161",
                        fontsize="11",
                        labeljust="l",
                    )
                    emit(sub, item)

    emit(g, None)

    edges = _edges(order, index, hidden, node_id, local_grads and label_key, fmt, edge_marks)
    for src, dst, attrs in edges:
        g.edge(src, dst, **attrs)

    if legend:
        _legend(g, order, roles, hidden, units, color, local_grads, bool(highlighted))
    return g


# --- what each node is ------------------------------------------------------


def _roles(order: list, root: Any, parameters: Iterable[Any] | None) -> dict:
    leaves = [n for n in order if not n.parents]
    if parameters is not None:
        chosen = set(parameters)
        is_param = [leaf in chosen for leaf in leaves]
    else:
        positions = parameter_labels(leaves)
        is_param = [i in positions for i in range(len(leaves))]
    roles = {n: "interior" for n in order}
    for leaf, param in zip(leaves, is_param):
        roles[leaf] = "parameter" if param else ("input" if leaf.label else "constant")
    roles[root] = "output"
    return roles


def _short_label(node: Any, owner: dict) -> str:
    """A label inside its module's cluster, without the module path the cluster shows.

    ``layers.0.neurons.3.w.1`` in cluster ``layers.0.neurons.3`` is ``w.1``.
    """
    label = node.label
    unit = owner.get(node)
    if unit is not None and label.startswith(unit.path + "."):
        return label[len(unit.path) + 1 :]
    return label


def _owners(groups: list[Group]) -> dict:
    """Node -> the innermost group (a neuron) that owns it."""
    owner: dict = {}
    for top in groups:
        for unit in top.children or [top]:
            for node in unit.members:
                owner[node] = unit
    return owner


def _collapsed_units(groups: list[Group], collapse: str | None) -> list[Group]:
    if collapse is None:
        return []
    units: list[Group] = []
    for top in groups:
        if collapse == "neuron" and top.kind == "layer":
            units.extend(top.children)
        else:
            units.append(top)
    return units


def _drawn_size(order: list, hidden: dict, n_units: int) -> int:
    return n_units + sum(1 + bool(n.parents) for n in order if n not in hidden)


def _too_large_message(
    order: list, groups: list[Group], collapse: str | None, size: int, max_nodes: int
) -> str:
    head = f"the graph would draw {size} nodes, more than max_nodes={max_nodes}"
    options = []
    for mode in ("neuron", "layer"):
        if mode == collapse:
            continue
        units = _collapsed_units(groups, mode)
        hidden = {n for u in units for n in u.members}
        n = _drawn_size(order, hidden, len(units))
        if units and n < size:
            options.append(f"collapse={mode!r} draws {n}")
    if options:
        advice = "; ".join(options) + " (draw(root, collapse=...), autograd-lite draw --collapse)"
    else:
        advice = (
            "no nn module labels to collapse by; draw a smaller part of the graph"
            if not groups
            else "even collapsed it is too large; draw a smaller part of the graph"
        )
    return (
        f"{head}: {advice}, or pass max_nodes=None (--max-nodes none) to draw it anyway "
        "(rendering may be slow)"
    )


# --- text -------------------------------------------------------------------


def number_formatter(spec: str | Callable[[float], str]) -> Callable[[Any], str]:
    """The function that writes a number as ``draw`` shows it: by a format spec or a function.

    A spec is checked once: a valid float format, at most ``MAX_FORMAT_WIDTH``
    wide and ``MAX_FORMAT_PRECISION`` digits, with a fill character SVG can
    hold. A function's text is checked each time.

    >>> number_formatter(".3f")(2 / 3)
    '0.667'
    >>> number_formatter("10000000.2f")
    Traceback (most recent call last):
    ...
    ValueError: number_format '10000000.2f' asks for width 10000000; the most is 40
    """
    if callable(spec):
        user = spec

        def fmt_by_function(x: Any) -> str:
            text = str(user(_as_float(x)))
            _check_drawable(text, "number_format gave the text")
            return text

        return fmt_by_function
    _check_format_spec(spec)

    def fmt(x: Any) -> str:
        x = _as_float(x)
        return format(0.0 if x == 0 else x, spec)  # never "-0"

    return fmt


_FORMAT_SPEC = re.compile(
    r"(?:(?P<fill>.)?[<>=^])?[-+ ]?z?#?0?(?P<width>\d*)[,_]?(?:\.(?P<precision>\d+))?[a-zA-Z%]?",
    re.DOTALL,
)


def _check_format_spec(spec: Any) -> None:
    try:
        format(1.5, spec)
    except (TypeError, ValueError):
        raise ValueError(f"number_format {spec!r} is not a float format spec like '.4g'") from None
    parts = _FORMAT_SPEC.fullmatch(spec)
    if parts is None:
        raise ValueError(f"number_format {spec!r} is not a float format spec like '.4g'")
    width, precision = int(parts["width"] or 0), int(parts["precision"] or 0)
    if width > MAX_FORMAT_WIDTH:
        raise ValueError(
            f"number_format {spec!r} asks for width {width}; the most is {MAX_FORMAT_WIDTH}"
        )
    if precision > MAX_FORMAT_PRECISION:
        raise ValueError(
            f"number_format {spec!r} asks for precision {precision}; "
            f"the most is {MAX_FORMAT_PRECISION}"
        )
    if parts["fill"]:
        _check_drawable(parts["fill"], f"number_format {spec!r} fills with")


def _as_float(x: Any) -> float:
    # A grad is a Value after backward(create_graph=True): show its number.
    return float(getattr(x, "data", x))


def _grad_text(node: Any, fmt: Callable[[Any], str]) -> str:
    return f"grad {_record_text(fmt(node.grad))}" if node.grad_computed else "grad not computed"


_RECORD_SPECIAL = re.compile(r'([{}|<>"])')


def _record_text(text: str) -> str:
    """``text`` as a literal record field: the record syntax characters escaped."""
    text = text.replace("\\", "\\\\").replace("&", "&amp;")
    text = _RECORD_SPECIAL.sub(r"\\\1", text)
    return text.replace("\r\n", "\\n").replace("\n", "\\n")


def _plain_text(text: str) -> str:
    """``text`` as a literal label outside a record: Graphviz's escapes (``\\N``) and
    entities (``&amp;``) taken literally; the quoting is graphviz's."""
    text = text.replace("\\", "\\\\").replace("&", "&amp;")
    return text.replace("\r\n", "\\n").replace("\n", "\\n")


# What XML 1.0, and so SVG, can hold: tab, newline, carriage return and the
# characters from U+0020 on, except the surrogates and U+FFFE, U+FFFF.
_UNDRAWABLE = re.compile(r"[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _check_drawable(text: str, what: str) -> None:
    bad = _UNDRAWABLE.search(text)
    if bad is not None:
        raise ValueError(
            f"{what} {text!r}, which can't be drawn: it holds U+{ord(bad.group()):04X}, "
            "a character SVG (XML 1.0) does not allow"
        )


def _check_drawable_text(order: list, names: Mapping[Any, str] | None) -> None:
    """Refuse, naming it, a label, name or operation that SVG could not hold."""
    for node in order:
        if node.label:
            _check_drawable(node.label, "the label")
        _check_drawable(node.op, "the operation")
    for name in (names or {}).values():
        _check_drawable(name, "the name")


def _record(fields: list[str], across: bool) -> str:
    # In an LR graph a record's fields stack vertically unless wrapped in { }.
    body = " | ".join(fields)
    return graphviz.nohtml("{ " + body + " }" if across else body)


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


# --- colour -----------------------------------------------------------------


def _fill(role: str, node: Any, color: str | None, scale: float) -> dict:
    attrs: dict[str, str] = {}
    dashed = node is not None and not node.grad_computed
    if color == "role":
        attrs["fillcolor"] = ROLE_COLORS[role]
        attrs["style"] = "filled,dashed" if dashed else "filled"
    elif color == "grad":
        attrs["fillcolor"] = _grad_color(node, scale)
        attrs["style"] = "filled,dashed" if dashed else "filled"
    elif dashed:
        attrs["style"] = "dashed"
    return attrs


def _grad_scale(order: list, hidden: dict, units: list[Group]) -> float:
    shown = [n for n in order if n not in hidden]
    shown += [u.outputs[0] for u in units if len(u.outputs) == 1]
    sizes = [abs(_as_float(n.grad)) for n in shown if n.grad_computed]
    sizes = [s for s in sizes if math.isfinite(s)]
    return max(sizes, default=0.0)


def _grad_color(node: Any, scale: float) -> str:
    """White for 0, blue (positive) or red (negative) with strength sqrt(|g| / max|g|)."""
    if node is None or not node.grad_computed:
        return "#ffffff"
    g = _as_float(node.grad)
    if g == 0 or math.isnan(g) or scale == 0:
        return "#ffffff"
    t = 1.0 if math.isinf(g) else math.sqrt(min(abs(g) / scale, 1.0))
    strength = 0.12 + 0.43 * t  # at most 55% of the full colour: black text stays readable
    base = POSITIVE if g > 0 else NEGATIVE
    return "#" + "".join(f"{round(255 + (c - 255) * strength):02x}" for c in base)


def _mark(attrs: dict, on: bool) -> None:
    if on:
        attrs["color"] = HIGHLIGHT
        attrs["penwidth"] = "3"


# --- edges and highlights ---------------------------------------------------


def _highlights(
    nodes: Iterable[Any],
    edges: Iterable[tuple[Any, Any]],
    index: dict,
    hidden: dict,
    node_id: Callable[[Any], str],
) -> tuple[set[str], set[tuple]]:
    """Drawn node names to highlight, and edge keys ``(src, dst, parent)`` to highlight."""
    names: set[str] = set()
    marks: set[tuple] = set()
    for node in nodes:
        if node not in index:
            raise ValueError(f"highlight_nodes: {node!r} is not in this graph")
        names.add(node_id(node))
    for pair in edges:
        parent, child = pair
        if child not in index or not any(p is parent for p in child.parents):
            raise ValueError(f"highlight_edges: {parent!r} is not a parent of {child!r}")
        unit = hidden.get(child)
        if unit is None:
            i = index[child]
            marks.add((node_id(parent), f"o{i}", parent))
            marks.add((f"o{i}", f"v{i}", None))
            names.add(f"o{i}")
        elif hidden.get(parent) is unit:
            names.add(node_id(child))
        else:
            marks.add((node_id(parent), node_id(child), None))
    return names, marks


def _edges(
    order: list,
    index: dict,
    hidden: dict,
    node_id: Callable[[Any], str],
    local_grads: str | bool,
    fmt: Callable[[Any], str],
    marks: set[tuple],
) -> list[tuple[str, str, dict]]:
    """Every edge to draw, in topological order of the node it leads to.

    Edges into a drawn operation come one per parent entry (``a * a``: two),
    with the local derivative as the attribute ``local_grads`` names
    (``"label"`` or ``"xlabel"``; False: none).
    Edges into a collapsed module come once per (source, module) pair,
    labelled with how many distinct values they carry when more than one.
    """
    edges: list[tuple[str, str, dict]] = []
    into_units: dict[tuple[str, str], list] = {}
    for i, node in enumerate(order):
        if not node.parents:
            continue
        unit = hidden.get(node)
        if unit is None:
            op = f"o{i}"
            for parent, local in zip(node.parents, node.local_grads):
                text = graphviz.nohtml(_plain_text(fmt(local))) if local_grads else ""
                attrs = {local_grads: text, "fontcolor": EDGE_LABEL_COLOR} if local_grads else {}
                src = node_id(parent)
                if (src, op, parent) in marks:
                    _mark_edge(attrs)
                edges.append((src, op, attrs))
            attrs = {}
            if (op, f"v{i}", None) in marks:
                _mark_edge(attrs)
            edges.append((op, f"v{i}", attrs))
            continue
        for parent in node.parents:
            source_unit = hidden.get(parent)
            if source_unit is unit:
                continue
            if source_unit is not None and not parent.parents:
                continue  # a weight shared with another module: drawn inside both
            key = (node_id(parent), node_id(node))
            entry = into_units.get(key)
            if entry is None:
                entry = into_units[key] = [set(), len(edges)]
                edges.append((key[0], key[1], {}))
            entry[0].add(parent)
    for (src, dst), (values, at) in into_units.items():
        attrs: dict[str, str] = {}
        if len(values) > 1:
            attrs = {"label": f"{len(values)} values", "fontcolor": EDGE_LABEL_COLOR}
        if (src, dst, None) in marks:
            _mark_edge(attrs)
        edges[at] = (src, dst, attrs)
    return edges


def _mark_edge(attrs: dict) -> None:
    attrs["color"] = HIGHLIGHT
    attrs["penwidth"] = "2.5"


def _anchor(group: Group | None, index: dict, i: int) -> int:
    """Where the outermost module around ``group`` is declared: its first output."""
    if group is None:
        return i
    while group.parent is not None:
        group = group.parent
    return index[group.outputs[0]]


def _place(contents: dict, item: tuple, box: Group | None) -> None:
    chain = []
    g = box
    while g is not None:
        chain.append(g)
        g = g.parent
    for g in reversed(chain):
        if g not in contents:
            contents[g] = []
            contents[g.parent].append(("cluster", g))
    contents[box].append(item)


# --- legend -----------------------------------------------------------------


def _legend(
    g: graphviz.Digraph,
    order: list,
    roles: dict,
    hidden: dict,
    units: list[Group],
    color: str | None,
    local_grads: bool,
    highlighted: bool,
) -> None:
    """One node holding a table: a swatch, then what it means, per row."""
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
    if color == "role":
        present = {roles[n] for n in order if n not in hidden}
        if units:
            present.add("module")
        for role in ("input", "parameter", "constant", "interior", "module", "output"):
            if role in present:
                rows.append(("", f'{plain} bgcolor="{ROLE_COLORS[role]}"', ROLE_NAMES[role]))
    elif color == "grad":
        rows.append(("", f'{plain} bgcolor="{_shade(POSITIVE)}"', "grad &gt; 0 (stronger: larger)"))
        rows.append(("", f'{plain} bgcolor="{_shade(NEGATIVE)}"', "grad &lt; 0"))
        rows.append(("", plain, "grad = 0"))
        if units:
            rows.append(("", f'{plain} style="rounded"', "collapsed module"))
    if any(not n.grad_computed for n in order):
        rows.append(
            ("", f'{plain} style="dashed"', "grad not computed (no backward pass reached it)")
        )
    if local_grads:
        rows.append(("1.5", 'border="0"', "edge number: local derivative d(result) / d(input)"))
    if units:
        rows.append(("3 values", 'border="0"', "edge carrying several values into a module"))
    if highlighted:
        rows.append(("", f'border="3" color="{HIGHLIGHT}"', "highlighted"))
    cells = "".join(
        f'<tr><td {attrs} width="36" height="18">{swatch}</td>'
        f'<td border="0" align="left">{text}</td></tr>'
        for swatch, attrs, text in rows
    )
    table = (
        f'<table border="1" cellborder="0" cellspacing="4" cellpadding="3" '
        f'style="rounded" color="{CLUSTER_COLOR}">'
        f'<tr><td colspan="2">legend</td></tr>{cells}</table>'
    )
    g.node("legend", f"<{table}>", shape="plain", fontsize="10")


def _shade(base: tuple[int, int, int]) -> str:
    return "#" + "".join(f"{round(255 + (c - 255) * 0.45):02x}" for c in base)


__all__ = [
    "DEFAULT_MAX_NODES",
    "GraphTooLargeError",
    "MAX_FORMAT_PRECISION",
    "MAX_FORMAT_WIDTH",
    "draw",
    "number_formatter",
]
