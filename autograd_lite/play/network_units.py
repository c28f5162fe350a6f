"""The neurons and layers of a graph, as the lectures step through them.

A graph built by nn (``MLP``, ``Layer``, ``Neuron``) carries its structure
in its labels (``drawing/clusters.py`` reads it): each evaluation of a
neuron is a group of nodes ending in its output ``a = f(z)``, with
``z = Σᵢ wᵢ·xᵢ + b``. A ``NeuronUnit`` names those parts: ``a``, ``z``, the
activation, each weight with the input it multiplies, the bias. A
``LayerUnit`` is a layer's neurons in one evaluation. A loss over several
samples evaluates the network once per sample; ``sample`` numbers them
(from 1) in the order the forward pass meets them.

A single neuron written with micrograd's names (``x1*w1 + x2*w2 + b``, then
``tanh``: no module paths) is one unit too: its weights are the leaves
named like weights, its output the root.

``grouped_order`` orders the graph's nodes so that each unit's nodes come
together, inputs first; its reverse is then a valid backward order that
takes the units one after another, last layer first.

>>> import nn
>>> from autograd_lite import Value
>>> model = nn.MLP(2, [3, 1], activation="tanh", seed=0)
>>> loss = (model([2.0, -1.0]) - 1.0) ** 2
>>> units = neuron_units(loss.topological_order())
>>> [(u.layer, u.index, u.activation, len(u.weights)) for u in units]
[(1, 0, 'tanh', 2), (1, 1, 'tanh', 2), (1, 2, 'tanh', 2), (2, 0, 'linear', 3)]
>>> [(layer.layer, len(layer.neurons)) for layer in layer_units(units)]
[(1, 3), (2, 1)]
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..drawing.clusters import (
    Group,
    find_groups,
    parameter_labels,
    parameter_module,
    parent_module,
)

ACTIVATIONS = ("tanh", "relu", "sigmoid", "exp", "log")
"""Ops that, applied to the weighted sum, make a neuron's output ``a = f(z)``."""


class NoNetworkError(ValueError):
    """A graph with no neurons was asked to step by neuron or by layer."""


@dataclass(eq=False)
class NeuronUnit:
    """One evaluation of one neuron: ``a = f(z)``, ``z = Σᵢ wᵢ·xᵢ + b``.

    ``layer`` counts from 1 (the lectures' a⁽¹⁾ is the first layer's
    output; nn's path says ``layers.0``), ``index`` from 0 within the layer.
    ``weights`` and ``inputs`` pair up; ``bias`` is None for a neuron
    without one. ``members`` are every node of the unit, in topological order.
    """

    path: str
    sample: int
    layer: int
    index: int
    output: Any
    z: Any
    activation: str
    weights: list = field(default_factory=list)
    inputs: list = field(default_factory=list)
    bias: Any = None
    members: list = field(default_factory=list)

    def __repr__(self) -> str:
        return f"NeuronUnit({self.path!r}, sample {self.sample}, layer {self.layer})"


@dataclass(eq=False)
class LayerUnit:
    """One evaluation of one layer: its neurons, in index order."""

    path: str
    sample: int
    layer: int
    neurons: list = field(default_factory=list)

    @property
    def members(self) -> list:
        return [node for neuron in self.neurons for node in neuron.members]

    @property
    def inputs(self) -> list:
        """The layer's input vector a⁽ˡ⁻¹⁾: the first neuron's inputs."""
        return self.neurons[0].inputs if self.neurons else []

    def __repr__(self) -> str:
        return f"LayerUnit({self.path!r}, sample {self.sample}, {len(self.neurons)} neurons)"


def neuron_units(order: Sequence[Any]) -> list[NeuronUnit]:
    """Every neuron evaluation in the graph given in topological ``order``.

    Raises NoNetworkError when there is none: a graph with no nn labels and
    no leaf named like a weight.
    """
    groups = _neuron_groups(order)
    if not groups:
        raise NoNetworkError(
            "this graph has no neurons to step through: by='neuron' and by='layer' need a "
            "graph built by nn (MLP, Layer, Neuron) or a neuron with weights named w1, w2, ...; "
            "use by='edge' (--by edge)"
        )
    depth = _layer_depths(groups)
    samples: dict[str, int] = {}
    units = []
    for group in groups:
        samples[group.path] = samples.get(group.path, 0) + 1
        units.append(_unit(group, samples[group.path], depth[group]))
    return units


def layer_units(neurons: Sequence[NeuronUnit]) -> list[LayerUnit]:
    """The neurons gathered by layer and sample, in the order of their first neuron."""
    layers: dict[tuple[int, int], LayerUnit] = {}
    for n in neurons:
        key = (n.sample, n.layer)
        if key not in layers:
            layers[key] = LayerUnit(parent_module(n.path) or "layer", n.sample, n.layer)
        layers[key].neurons.append(n)
    return list(layers.values())


def grouped_order(order: Sequence[Any], units: Sequence[Any]) -> list[Any]:
    """``order`` rearranged so each unit's members are together, leaves outside units first
    and other nodes (the loss) as late as they can come.

    Between those rules the original order is kept as far as the graph
    allows (a unit sits where its last node was). Raises NoNetworkError if
    the units cannot be kept whole (a node outside a unit lies between two
    of its nodes).
    """
    index = {node: i for i, node in enumerate(order)}
    unit_of: dict[Any, int] = {}
    for k, unit in enumerate(units):
        for node in unit.members:
            unit_of[node] = k
    items: dict[Any, list] = {}  # item -> its nodes; an item is a unit number or a node
    for node in order:
        items.setdefault(unit_of.get(node, node), []).append(node)
    needs: dict[Any, set] = {item: set() for item in items}
    users: dict[Any, list] = {item: [] for item in items}
    for item, nodes in items.items():
        for node in nodes:
            for p in node.parents:
                source = unit_of.get(p, p)
                if source != item and source not in needs[item]:
                    needs[item].add(source)
                    users[source].append(item)

    def rank(item: Any) -> tuple[int, int]:  # loose leaves, then units, then the rest
        nodes = items[item]
        if isinstance(item, int):
            return (1, index[nodes[-1]])
        return (0 if not nodes[0].parents else 2, index[nodes[-1]])

    ready = [(rank(item), id(item), item) for item, need in needs.items() if not need]
    heapq.heapify(ready)
    out: list[Any] = []
    waiting = {item: len(need) for item, need in needs.items()}
    while ready:
        _, _, item = heapq.heappop(ready)
        out.extend(items[item])
        for user in users[item]:
            waiting[user] -= 1
            if waiting[user] == 0:
                heapq.heappush(ready, (rank(user), id(user), user))
    if len(out) != len(order):
        raise NoNetworkError("the neurons of this graph overlap other nodes; use by='edge'")
    return out


def backward_order(order: Sequence[Any], units: Sequence[Any]) -> list[Any]:
    """A topological order whose reverse takes the units of ``grouped_order(order)``
    last layer first and, within a layer, its neurons in index order.

    ``order`` is ``grouped_order``'s; the neurons of one layer read nothing of
    each other, so taking them in either order is as valid.
    """
    unit_of = {node: unit for unit in units for node in unit.members}
    blocks: list[list[Any]] = []
    for node in order:
        unit = unit_of.get(node)
        if blocks and unit is not None and unit_of.get(blocks[-1][0]) is unit:
            blocks[-1].append(node)
        else:
            blocks.append([node])
    out: list[Any] = []
    i = 0
    while i < len(blocks):
        j = i + 1
        layer = _layer_key(unit_of.get(blocks[i][0]))
        while (
            layer is not None and j < len(blocks) and _layer_key(unit_of.get(blocks[j][0])) == layer
        ):
            j += 1
        for block in reversed(blocks[i:j]):
            out.extend(block)
        i = j
    return out


def _layer_key(unit: Any) -> tuple[int, int] | None:
    return (unit.sample, unit.layer) if isinstance(unit, NeuronUnit) else None


# --- reading one unit ----------------------------------------------------------------------


def _neuron_groups(order: Sequence[Any]) -> list[Group]:
    groups: list[Group] = []
    for top in find_groups(order):
        groups.extend(top.children if top.kind == "layer" else [top])
    if groups:
        return groups
    return _bare_neuron(order)


def _bare_neuron(order: Sequence[Any]) -> list[Group]:
    """The whole graph as one neuron, when its leaves are named like weights (x1*w1 + b)."""
    leaves = [n for n in order if not n.parents]
    params = [leaves[i] for i in sorted(parameter_labels(leaves))]
    if not params or not order or not order[-1].parents:
        return []
    root = order[-1]
    members = [n for n in order if n.parents or any(n is p for p in params)]
    return [Group("neuron", "neuron", "neuron", members, [root], params)]


def _unit(group: Group, sample: int, layer: int) -> NeuronUnit:
    out = group.outputs[0]
    inside = set(group.members)
    z = out
    activation = "linear"
    if out.op in ACTIVATIONS and len(out.parents) == 1 and out.parents[0] in inside:
        z, activation = out.parents[0], out.op
    # this neuron's parameters: its own, and those an earlier evaluation of it owns
    params = set(group.params) | {
        p for n in group.members for p in n.parents
        if not p.parents and parameter_module(p.label) == group.path
    }  # fmt: skip
    weights, inputs = [], []
    for node in group.members:
        if node.op == "*" and len(node.parents) == 2:
            a, b = node.parents
            if a in params and b not in params:
                weights.append(a)
                inputs.append(b)
            elif b in params and a not in params:
                weights.append(b)
                inputs.append(a)
    used = set(weights)
    biases = [p for p in _in_order(params, group) if p not in used]
    return NeuronUnit(
        path=group.path,
        sample=sample,
        layer=layer,
        index=_neuron_index(group.path),
        output=out,
        z=z,
        activation=activation,
        weights=weights,
        inputs=inputs,
        bias=biases[0] if len(biases) == 1 else None,
        members=list(group.members),
    )


def _in_order(params: set, group: Group) -> list:
    """``params`` in the order the group's nodes first use them."""
    out: list = []
    for node in [*group.params, *(p for n in group.members for p in n.parents)]:
        if node in params and node not in out:
            out.append(node)
    return out


def _layer_depths(groups: Sequence[Group]) -> dict[Group, int]:
    """Each neuron's layer, counted from 1: one more than the deepest neuron it reads."""
    owner = {g.outputs[0]: g for g in groups}
    depth: dict[Group, int] = {}
    for group in groups:  # in topological order of their outputs: readers after what they read
        inside = set(group.members)
        read = [
            owner[p] for n in group.members for p in n.parents if p in owner and p not in inside
        ]
        depth[group] = 1 + max((depth.get(g, 0) for g in read), default=0)
    return depth


def _neuron_index(path: str) -> int:
    last = path.rsplit(".", 1)[-1]
    return int(last) if last.isdigit() else 0


__all__ = [
    "ACTIVATIONS",
    "backward_order",
    "LayerUnit",
    "NeuronUnit",
    "NoNetworkError",
    "grouped_order",
    "layer_units",
    "neuron_units",
]
