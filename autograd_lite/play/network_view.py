"""The network as the lectures draw it, for the player's overview: inputs, neurons, loss.

A player of a network shows two levels at once (always by neuron or by
layer; by edge when the whole graph would not read): this overview (one
circle per neuron with its activation and grad, drawn by ``player.js``)
and, beside it, the scalar graph up close around the step. What the
browser needs is where each circle's numbers live: the player's rows
(``player_data``) of the inputs, of each neuron's output per layer, and
of the loss, once per sample; per coarse step, which neurons it is about;
and, for stepping by edge, which neuron each node belongs to (``owner``:
a row per node, the row of its neuron's output, or -1).

>>> import nn
>>> from autograd_lite.play.stepper import Stepper
>>> model = nn.MLP(2, [3, 1], activation="tanh", seed=0)
>>> s = Stepper(nn.mse([model([2.0, -1.0])], [1.0]), by="neuron")
>>> view = network_view(s, {id(n): i for i, n in enumerate(s.order)})
>>> [len(layer["neurons"]) for layer in view["samples"][0]["layers"]], view["loss"] >= 0
([3, 1], True)
"""

from __future__ import annotations

from typing import Any

from .network_units import LayerUnit, NeuronUnit, NoNetworkError, layer_units, neuron_units
from .step import StepSource


def network_view(stepper: StepSource, row_of: dict[int, int]) -> dict[str, Any] | None:
    """Rows of the inputs, the neurons by layer and the loss, per sample, and each node's
    neuron; None for a graph with no neurons."""
    neurons = _unique(n for c in getattr(stepper, "coarse", []) for n in neurons_of(c.unit))
    if not neurons:
        try:
            neurons = neuron_units(stepper.order)
        except NoNetworkError:
            return None
    ordered = sorted(neurons, key=lambda n: (n.sample, n.layer, n.index))
    samples: dict[int, list[LayerUnit]] = {}
    for layer in layer_units(ordered):
        samples.setdefault(layer.sample, []).append(layer)
    out = [
        {
            "inputs": [row_of.get(id(x), -1) for x in layers[0].inputs],
            "layers": [
                {
                    "title": f"layer {layer.layer}",
                    "activation": layer.neurons[0].activation,
                    "neurons": [
                        {"row": row_of[id(n.output)], "name": stepper.name(n.output)}
                        for n in layer.neurons
                    ],
                }
                for layer in layers
            ],
        }
        for _, layers in sorted(samples.items())
    ]
    is_output = any(n.output is stepper.root for n in neurons)
    owner = [-1] * len(row_of)
    for n in neurons:
        for node in n.members:
            owner[row_of[id(node)]] = row_of[id(n.output)]
    return {"samples": out, "loss": -1 if is_output else row_of[id(stepper.root)], "owner": owner}


def unit_rows(unit: Any, row_of: dict[int, int]) -> list[int]:
    """The rows of the outputs of the neurons a coarse step's unit is about."""
    return [row_of[id(n.output)] for n in neurons_of(unit)]


def neurons_of(unit: Any) -> list[NeuronUnit]:
    """A coarse step's neurons: the neuron, a layer's neurons, or none (inputs, loss)."""
    if isinstance(unit, LayerUnit):
        return list(unit.neurons)
    return [unit] if isinstance(unit, NeuronUnit) else []


def _unique(neurons: Any) -> list[NeuronUnit]:
    out: dict[int, NeuronUnit] = {}
    for n in neurons:
        out.setdefault(id(n), n)
    return list(out.values())


__all__ = ["network_view", "neurons_of", "unit_rows"]
