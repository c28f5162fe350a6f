"""Which nn module owns each node of a graph, read from the nodes' labels.

The nn library labels a neuron's parameters with dotted paths and the
neuron's output Value with the neuron's own path::

    layers.0.neurons.3.w.0   layers.0.neurons.3.w.1   layers.0.neurons.3.b
    layers.0.neurons.3       (the neuron's output)

A node belongs to neuron ``layers.0.neurons.3`` when it lies on a path from
one of that neuron's parameters to that neuron's output (the parameters and
the output included). Neurons whose paths share a prefix ending in
``.<name>.<index>`` (``layers.0``) form a layer. A graph that evaluates the
same neuron several times (a loss over a batch) has one group per output
node, numbered in topological order.

Only labels and parents are read. The rules, in detail:

* a *parameter label* ends in ``w``, ``b``, ``weight`` or ``bias``, possibly
  with a number (``w1``, ``w_2``) and integer indices (``w.1``); the dotted
  part before it, if any, names the module (``layers.0.neurons.3``);
* a node is a neuron's output when it is not a leaf and its label is the
  module path of some parameter leaf in the graph;
* the walk back from an output does not cross another neuron's output, so a
  neuron's inputs (the previous layer's outputs) stay outside it;
* unlabelled constants that a member uses (the ``0`` that starts a Python
  ``sum``) belong to the group too;
* a node claimed by two groups (shared weights) stays with the first.

>>> from autograd_lite import Value
>>> x = Value(1.0, label="x")
>>> w, b = Value(0.5, label="n.0.w.0"), Value(0.1, label="n.0.b")
>>> out = (w * x + b).tanh(); out.label = "n.0"
>>> [g.title for g in find_groups(out.topological_order())]
['n.0']
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

_PARAMETER_NAME = r"(?:w|b|weight|bias)(?:_?\d+)?(?:\.\d+)*"
PARAMETER_LABEL = re.compile(rf"^(?:(?P<module>[A-Za-z_]\w*(?:\.\w+)*)\.)?{_PARAMETER_NAME}$")
WEIGHT_NAME = re.compile(r"^(?:w|weight)(?:_?\d+)?(?:\.\d+)*$")
# ``layers.0.neurons.3`` -> ``layers.0``: drop a trailing ``.<name>.<index>``.
_PARENT_MODULE = re.compile(r"^(?P<parent>.+\.\d+)\.[A-Za-z_]\w*\.\d+$")


def parameter_module(label: str | None) -> str | None:
    """The module path of a dotted parameter label, else None.

    >>> parameter_module("layers.0.neurons.3.w.1"), parameter_module("w1")
    ('layers.0.neurons.3', None)
    """
    if not label:
        return None
    m = PARAMETER_LABEL.match(label)
    return m.group("module") if m else None


def parent_module(path: str) -> str | None:
    """The path of the module that contains module ``path`` (its layer), else None.

    >>> parent_module("layers.0.neurons.3"), parent_module("neurons.3")
    ('layers.0', None)
    """
    m = _PARENT_MODULE.match(path)
    return m.group("parent") if m else None


def parameter_labels(leaves: Sequence[Any]) -> set[int]:
    """Positions in ``leaves`` whose labels name parameters.

    Dotted paths ending in a parameter name (``layers.0.neurons.3.w.1``) and
    weight-like bare names (``w``, ``w1``, ``weight``) always do. A bare
    ``b``/``bias`` (``b``, ``b1``) does only when some leaf is weight-like,
    so ``b`` in the lectures' ``a * b + c`` stays an input while ``b`` in
    ``x1*w1 + x2*w2 + b`` is the bias.

    >>> from autograd_lite import Value
    >>> sorted(parameter_labels([Value(1, label=n) for n in ("a", "b", "c")]))
    []
    >>> sorted(parameter_labels([Value(1, label=n) for n in ("x1", "w1", "b")]))
    [1, 2]
    """
    dotted: set[int] = set()
    bare: set[int] = set()
    has_weight = False
    for i, leaf in enumerate(leaves):
        label = leaf.label
        if not label:
            continue
        m = PARAMETER_LABEL.match(label)
        if m is None:
            continue
        if m.group("module"):
            dotted.add(i)
        else:
            bare.add(i)
            has_weight = has_weight or bool(WEIGHT_NAME.match(label))
    if has_weight:
        return dotted | bare
    return dotted | {i for i in bare if WEIGHT_NAME.match(leaves[i].label)}


@dataclass(eq=False)
class Group:
    """One drawn module: a neuron (one evaluation of it) or a layer.

    ``members`` are the nodes it owns in topological order (a layer's are
    its neurons'); ``outputs`` are the neuron outputs it produces.
    """

    path: str
    kind: str  # "neuron" or "layer"
    title: str
    members: list = field(default_factory=list)
    outputs: list = field(default_factory=list)
    params: list = field(default_factory=list)
    children: list = field(default_factory=list)
    parent: Group | None = None

    def __repr__(self) -> str:
        return f"Group({self.kind} {self.title!r}, {len(self.members)} nodes)"


def find_groups(order: Sequence[Any]) -> list[Group]:
    """The module groups of a graph given in topological order, outermost first.

    Layers come with their neurons in ``children``; a neuron with no layer
    path is a top-level group of its own. Groups are ordered by their first
    output in ``order``, so the result depends only on the graph.
    """
    index = {node: i for i, node in enumerate(order)}
    params: dict[str, set] = {}
    for node in order:
        if not node.parents:
            module = parameter_module(node.label)
            if module is not None:
                params.setdefault(module, set()).add(node)
    if not params:
        return []
    outputs = [n for n in order if n.parents and n.label in params]
    boundaries = set(outputs)

    owner: dict[Any, Group] = {}
    neurons: list[Group] = []
    seen: dict[str, int] = {}
    for out in outputs:
        path = out.label
        members = _members_of(out, params[path], boundaries, index)
        members = [n for n in members if n not in owner]
        if out not in members:
            continue
        k = seen.get(path, 0)
        seen[path] = k + 1
        title = path if k == 0 else f"{path} #{k + 1}"
        group = Group(path, "neuron", title, members, [out])
        group.params = [n for n in members if not n.parents and n in params[path]]
        for n in members:
            owner[n] = group
        neurons.append(group)

    top: list[Group] = []
    layers: dict[tuple[str, int], Group] = {}
    instance: dict[str, int] = {}  # how many times each neuron path was seen
    for group in neurons:
        k = instance.get(group.path, 0)
        instance[group.path] = k + 1
        layer_path = parent_module(group.path)
        if layer_path is None:
            top.append(group)
            continue
        layer = layers.get((layer_path, k))
        if layer is None:
            title = layer_path if k == 0 else f"{layer_path} #{k + 1}"
            layer = layers[(layer_path, k)] = Group(layer_path, "layer", title)
            top.append(layer)
        group.parent = layer
        layer.children.append(group)
        layer.outputs.extend(group.outputs)
        layer.params.extend(group.params)
    for layer in layers.values():
        layer.members = sorted(
            (n for child in layer.children for n in child.members), key=index.__getitem__
        )
    return top


def _members_of(out: Any, own_params: set, boundaries: set, index: dict) -> list:
    """Nodes on a path from ``own_params`` to ``out``, in topological order."""
    region = {out}
    stack = [out]
    while stack:
        node = stack.pop()
        for p in node.parents:
            if p in region or p in boundaries:
                continue
            if not p.parents and p not in own_params:
                continue  # an input or a constant: outside the neuron
            region.add(p)
            stack.append(p)
    members: set = set()
    for node in sorted(region, key=index.__getitem__):
        if node in own_params or any(p in members for p in node.parents):
            members.add(node)
    # Unlabelled constants a member uses (the 0 that starts ``sum(...)``) go with it.
    for node in list(members):
        for p in node.parents:
            if not p.parents and not p.label:
                members.add(p)
    return sorted(members, key=index.__getitem__)


__all__ = [
    "Group",
    "PARAMETER_LABEL",
    "find_groups",
    "parameter_labels",
    "parameter_module",
    "parent_module",
]
