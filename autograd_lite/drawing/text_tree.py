"""``to_text``: a graph as an indented tree, for a plain REPL or a terminal.

The output is at the top; under each node come the nodes it was computed
from, each on its edge's line with the local derivative the op gave it. A
node used more than once is drawn in full the first time and referred to
by name after (``x (see above)``), so the text stays as small as the graph.

>>> from autograd_lite import Value
>>> x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
>>> q = x + y; q.label = "q"
>>> f = q * z; f.label = "f"
>>> f.backward()
>>> print(to_text(f))
f = q * z   data -12   grad 1
├── q = x + y   data 3   grad -4      ∂f/∂q = -4
│   ├── x   input   data -2   grad -4      ∂q/∂x = 1
│   └── y   input   data 5   grad -4      ∂q/∂y = 1
└── z   input   data -4   grad 3      ∂f/∂z = 3
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

from ..engine import ops
from .drawable_text import check_graph_text, check_printable
from .node_names import node_names
from .notation import notation as choose_notation
from .number_format import number_format as make_number_format
from .scene import DEFAULT_MAX_NODES, GraphTooLargeError
from .scene_builder import check_max_nodes, drawn_size

UNICODE = {"tee": "├── ", "last": "└── ", "bar": "│   ", "d": "∂"}
ASCII = {"tee": "|-- ", "last": "`-- ", "bar": "|   ", "d": "d"}

NOT_YET = "?"
"""The data of a value the forward pass has not computed yet (``data ?``)."""

MAX_INDENT = 24
"""Deeper levels are drawn at this indent, marked with their depth."""


def to_text(
    root: Any,
    *,
    names: Mapping[Any, str] | None = None,
    marks: Mapping[Any, str] | None = None,
    number_format: Any = None,
    notation: Any = None,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    uncomputed: Collection[Any] = (),
) -> str:
    """The graph ``root`` was computed by, as an indented tree (see the module doc).

    ``names``: what to call each node (default: its label, else ``n1, n2,
    ...`` for results and ``c1, c2, ...`` for constants, as the ``Stepper``
    names them). ``marks``: a short string to put before a node's line
    (the terminal stepper marks the current node with ``>``).
    ``number_format``: as for ``draw`` and ``Stepper`` (``".6g"`` by
    default). ``notation``: ``"unicode"`` (box-drawing lines, ``∂q/∂x``),
    ``"ascii"`` (``|--``, ``dq/dx``) or None (what ``sys.stdout`` can print).
    ``uncomputed``: values whose data is not computed yet (a ``Stepper`` in
    the forward pass): their data reads ``data ?``, and so do the local
    derivatives of the edges into them (their operation has not run).

    As ``draw``, it refuses (GraphTooLargeError, before any text is made)
    a graph of more than ``max_nodes`` values and operations (None: no
    limit), and (ValueError) a label, operation or name holding a
    character a drawing can't hold or a terminal would act on
    (``drawable_text.check_printable``): a control character such as ESC,
    CR or CSI would reach the terminal raw.

    >>> from autograd_lite import Value
    >>> a = Value(3.0, label="a")
    >>> print(to_text(a * a, notation="ascii"))
    n1 = a * a   data 9   grad -
    |-- a   input   data 3   grad -      dn1/da = 3
    `-- a (see above)      dn1/da = 3
    """
    if not hasattr(root, "parents"):
        raise TypeError(f"to_text() takes a Value, got {type(root).__name__}")
    check_max_nodes(max_nodes)
    order = root.topological_order()
    size = drawn_size(order, {}, 0)
    if max_nodes is not None and size > max_nodes:
        raise GraphTooLargeError(too_long_message(order, size, max_nodes))
    if names is None:
        names = node_names(order)
    check_graph_text(order, names, printed=True)
    for mark in (marks or {}).values():
        check_printable(mark, "the mark")
    form = choose_notation(notation)
    style = UNICODE if form.unicode else ASCII
    fmt = make_number_format(number_format)
    hidden = {id(node) for node in uncomputed}
    return "\n".join(_lines(root, names, marks or {}, style, fmt, hidden))


def too_long_message(order: list, size: int, max_nodes: int) -> str:
    """Why ``to_text`` refuses a graph: ``draw``'s count and limit, and what to do.

    >>> from autograd_lite import Value
    >>> x = Value(1.0, label="x")
    >>> print(too_long_message((x * x).topological_order(), 3, 2))  # doctest: +NORMALIZE_WHITESPACE
    the graph would draw 3 nodes, more than max_nodes=2 (its text tree would be 3 lines):
    print a smaller part of the graph (to_text of a node inside it), or pass max_nodes=None
    to print it anyway
    """
    lines = 1 + sum(len(node.parents) for node in order)
    return (
        f"the graph would draw {size} nodes, more than max_nodes={max_nodes} (its text tree "
        f"would be {lines} lines): print a smaller part of the graph (to_text of a node "
        "inside it), or pass max_nodes=None to print it anyway"
    )


def _lines(
    root: Any,
    names: Mapping[Any, str],
    marks: Mapping[Any, str],
    style: dict,
    fmt: Callable,
    hidden: set[int],
) -> list[str]:
    """Depth-first, with an explicit stack (a chain of a million nodes is fine)."""
    lines: list[str] = []
    drawn: set[int] = set()
    # (node, prefix of its line, prefix of its children's lines, edge text, depth)
    stack: list[tuple[Any, str, str, str, int]] = [(root, "", "", "", 0)]
    while stack:
        node, head, tail, edge, depth = stack.pop()
        mark = marks.get(node, "")
        mark = f"{mark} " if mark else ""
        deep = f"[depth {depth}] " if depth > MAX_INDENT else ""
        if id(node) in drawn:
            lines.append(f"{head}{deep}{mark}{names[node]} (see above){edge}")
            continue
        drawn.add(id(node))
        lines.append(f"{head}{deep}{mark}{_describe(node, names, fmt, hidden)}{edge}")
        children = list(zip(node.parents, node.local_grads))
        for k in range(len(children) - 1, -1, -1):
            parent, local = children[k]
            last = k == len(children) - 1
            branch = style["last"] if last else style["tee"]
            below = tail + ("    " if last else style["bar"])
            if depth >= MAX_INDENT:  # no deeper indent: the depth is written instead
                below = tail
            d = style["d"]
            shown = NOT_YET if id(node) in hidden else fmt(local)  # its rule has not run
            edge_text = f"      {d}{names[node]}/{d}{names[parent]} = {shown}"
            stack.append((parent, tail + branch, below, edge_text, depth + 1))
    return lines


def _describe(node: Any, names: Mapping[Any, str], fmt: Callable, hidden: set[int]) -> str:
    name = names[node]
    grad = fmt(node.grad) if node.grad_computed else "-"
    data = NOT_YET if id(node) in hidden else fmt(node.data)
    if not node.parents:
        kind = "input" if node.label else "constant"
        return f"{name}   {kind}   data {data}   grad {grad}"
    record = ops.named(node.op)
    operands = [names[p] for p in node.parents]
    formula = record.formula(operands) if record else f"{node.op}({', '.join(operands)})"
    return f"{name} = {formula}   data {data}   grad {grad}"


__all__ = ["MAX_INDENT", "NOT_YET", "to_text", "too_long_message"]
