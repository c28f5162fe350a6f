"""An expression graph at the level of its assigned names, for the player's overview.

A big expression graph (``v1 = x*y + x; v2 = ...``) that would not read
whole is shown at two levels: this overview, one box per assigned name
with its subexpression folded inside, and the scalar graph up close
beside it. A box is a labelled node (an input or an assignment) or the
unlabelled output; a node without a label belongs to the box of the
first node, in topological order, that uses it. Boxes stand in columns:
a box's column is one more than that of the furthest box feeding it.

What the browser gets: the boxes (the row of the named node, its name,
its column), the arrows between boxes, and each node's box (``owner``:
a row per node, the row of its box's node).

>>> from autograd_lite import parse
>>> from autograd_lite.expression import output_of
>>> from autograd_lite.play.stepper import Stepper
>>> s = Stepper(output_of(parse("v1 = x*y + x; v2 = v1 * 2 + y", x=3, y=4)))
>>> view = name_boxes(s, {id(n): i for i, n in enumerate(s.order)})
>>> [(b["name"], b["column"]) for b in view["boxes"]]
[('x', 0), ('y', 0), ('v1', 1), ('v2', 2)]
"""

from __future__ import annotations

from typing import Any

from .step import StepSource


def name_boxes(stepper: StepSource, row_of: dict[int, int]) -> dict[str, Any] | None:
    """The boxes, their arrows and each node's box; None when fewer than two names."""
    order = stepper.order
    owner = _owners(order, stepper.root)
    heads = [node for node in order if owner[id(node)] is node]
    if len(heads) < 2:
        return None
    arrows = _arrows(order, owner)
    column = _columns(heads, arrows)
    return {
        "boxes": [
            {"row": row_of[id(h)], "name": stepper.name(h), "column": column[id(h)]}
            for h in heads
        ],
        "arrows": [[row_of[id(a)], row_of[id(b)]] for a, b in arrows],
        "owner": [row_of[id(owner[id(node)])] for node in order],
    }


def _owners(order: list, root: Any) -> dict[int, Any]:
    """Each node's box: itself when it has a label (or is the output), else the box of the
    first node that uses it, in topological order."""
    first_user: dict[int, Any] = {}
    for node in order:
        for parent in node.parents:
            first_user.setdefault(id(parent), node)
    owner: dict[int, Any] = {}
    for node in reversed(order):
        user = first_user.get(id(node))
        named = node.label is not None or node is root or user is None
        owner[id(node)] = node if named else owner[id(user)]
    return owner


def _arrows(order: list, owner: dict[int, Any]) -> list[tuple[Any, Any]]:
    """Box to box, once each, in the order the graph first uses them."""
    seen: set[tuple[int, int]] = set()
    out = []
    for node in order:
        to = owner[id(node)]
        for parent in node.parents:
            src = owner[id(parent)]
            if src is not to and (id(src), id(to)) not in seen:
                seen.add((id(src), id(to)))
                out.append((src, to))
    return out


def _columns(heads: list, arrows: list[tuple[Any, Any]]) -> dict[int, int]:
    """One more than the furthest box feeding it; an arrow against the topological order
    of the boxes (folding can make one) is not followed."""
    rank = {id(h): i for i, h in enumerate(heads)}
    feeds: dict[int, list] = {}
    for src, to in arrows:
        if rank[id(src)] < rank[id(to)]:
            feeds.setdefault(id(to), []).append(src)
    column: dict[int, int] = {}
    for h in heads:
        column[id(h)] = max((column[id(s)] + 1 for s in feeds.get(id(h), [])), default=0)
    return column


__all__ = ["name_boxes"]
