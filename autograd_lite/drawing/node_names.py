"""A distinct, deterministic name for every node of a graph: its label, or ``n1``, ``c1``.

Labels are used as they are (a repeated label gets ``#2``, ``#3``); nn's
long parameter paths are shortened as the narration shows them; an
unlabelled result is ``n1``, ``n2``, ... and an unlabelled leaf (a
constant) ``c1``, ``c2``, ..., skipping names a label already took.

>>> from autograd_lite import Value
>>> x = Value(2.0, label="x")
>>> f = x * 3 + x
>>> sorted(node_names(f.topological_order()).values())
['c1', 'n1', 'n2', 'x']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .module_names import narration_names


def node_names(order: Sequence[Any]) -> dict[Any, str]:
    """A distinct, deterministic name for every node (see ``Stepper.name``)."""
    short = narration_names({n.label for n in order if n.label})
    taken = {short.get(n.label, n.label) for n in order if n.label}
    names: dict[Any, str] = {}
    used: set[str] = set()
    counters = {"n": 0, "c": 0}

    def fresh(prefix: str) -> str:
        while True:
            counters[prefix] += 1
            candidate = f"{prefix}{counters[prefix]}"
            if candidate not in taken and candidate not in used:
                return candidate

    for node in order:
        label = node.label
        if label:
            name = base = short.get(label, label)
            k = 1
            while name in used:
                k += 1
                name = f"{base}#{k}"
        else:
            name = fresh("n" if node.parents else "c")
        used.add(name)
        names[node] = name
    return names


__all__ = ["node_names"]
