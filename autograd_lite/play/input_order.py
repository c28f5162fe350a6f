"""The order a graph's inputs are listed in: plain inputs, then parameters by layer and neuron.

A graph's topological order visits an MLP's parameters as the forward pass
first needs them: the last layer's bias before the first layer's weights.
A list of the inputs reads better the way the network is written: the
inputs (``x[0]``, ``x[1]``) in the order the graph meets them, then each
module's parameters, modules in index order (``layers.0.neurons.0``,
``layers.0.neurons.1``, ..., ``layers.1.neurons.0``), within a module its
weights by index and then its bias, as nn defines them. Only labels are
read (``drawing.clusters``' parameter labels), so a hand-built neuron with
labels ``w1``, ``w2``, ``b`` is ordered the same way.

>>> from autograd_lite import Value
>>> labels = ["layers.1.neurons.0.b", "layers.1.neurons.0.w.0", "layers.0.neurons.0.b",
...           "layers.0.neurons.0.w.0", "x[0]", "layers.0.neurons.0.w.1", "x[1]",
...           "layers.0.neurons.10.w.0", "layers.0.neurons.2.w.0"]
>>> [v.label for v in inputs_in_order([Value(1.0, label=t) for t in labels])]
... # doctest: +NORMALIZE_WHITESPACE
['x[0]', 'x[1]', 'layers.0.neurons.0.w.0', 'layers.0.neurons.0.w.1', 'layers.0.neurons.0.b',
 'layers.0.neurons.2.w.0', 'layers.0.neurons.10.w.0', 'layers.1.neurons.0.w.0',
 'layers.1.neurons.0.b']
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ..drawing.clusters import PARAMETER_LABEL, WEIGHT_NAME, parameter_module

_NUMBER = re.compile(r"\d+")
_Key = tuple[Any, ...]


def inputs_in_order(order: Iterable[Any]) -> list[Any]:
    """The labelled leaves of ``order``: plain inputs as met, then parameters by module and index.

    >>> from autograd_lite import parse
    >>> named = parse("o = tanh(x1*w1 + x2*w2 + b)", x1=2, x2=0, w1=-3, w2=1, b=6.88)
    >>> [v.label for v in inputs_in_order(named["o"].topological_order())]
    ['x1', 'x2', 'w1', 'w2', 'b']
    """
    leaves = [node for node in order if not node.parents and node.label]
    plain = [node for node in leaves if PARAMETER_LABEL.match(node.label) is None]
    parameters = [node for node in leaves if PARAMETER_LABEL.match(node.label) is not None]
    return plain + sorted(parameters, key=lambda node: parameter_key(node.label))


def parameter_key(label: str) -> _Key:
    """A sort key for a parameter label: its module's path by index, weights, then bias.

    >>> parameter_key("layers.0.neurons.3.w.1") < parameter_key("layers.0.neurons.3.b")
    True
    >>> parameter_key("layers.0.neurons.2.b") < parameter_key("layers.0.neurons.10.w.0")
    True
    """
    module = parameter_module(label) or ""
    name = label[len(module) + 1 :] if module else label
    return (_natural(module), 0 if WEIGHT_NAME.match(name) else 1, _natural(name))


def _natural(text: str) -> _Key:
    """``"layers.10"`` -> ``("layers.", 10, "")``: numbers compare as numbers."""
    pieces = _NUMBER.split(text)
    numbers = [int(n) for n in _NUMBER.findall(text)]
    key: list[Any] = []
    for i, piece in enumerate(pieces):
        key.append(piece)
        if i < len(numbers):
            key.append(numbers[i])
    return tuple(key)


__all__ = ["inputs_in_order", "parameter_key"]
