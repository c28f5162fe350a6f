"""The network as the lectures draw it, for the player's overview: inputs, neurons, loss.

A player stepping by neuron or by layer shows two levels at once: this
overview (one circle per neuron with its activation and grad, drawn by
``player.js``) and, beside it, the scalar graph up close around the step.
What the browser needs is where each circle's numbers live: the player's
rows (``player_data``) of the inputs, of each neuron's output per layer,
and of the loss, once per sample; and, per coarse step, which neurons it
is about.

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

from .network_units import LayerUnit, NeuronUnit
from .step import StepSource


def network_view(stepper: StepSource, row_of: dict[int, int]) -> dict[str, Any] | None:
    """Rows of the inputs, the neurons by layer and the loss, per sample (None by edge)."""
    coarse = getattr(stepper, "coarse", [])
    neurons = _neurons(coarse)
    if not neurons:
        return None
    samples: dict[int, dict[int, list[NeuronUnit]]] = {}
    for n in neurons:
        samples.setdefault(n.sample, {}).setdefault(n.layer, []).append(n)
    out = []
    for sample in sorted(samples):
        layers = samples[sample]
        first = layers[min(layers)]
        out.append({
            "inputs": [_row(row_of, x) for x in first[0].inputs],
            "layers": [
                {"title": f"layer {layer}", "activation": layers[layer][0].activation,
                 "neurons": [{"row": row_of[id(n.output)], "name": stepper.name(n.output)}
                             for n in sorted(layers[layer], key=lambda n: n.index)]}
                for layer in sorted(layers)
            ],
        })  # fmt: skip
    root = stepper.root
    is_output = any(n.output is root for n in neurons)
    return {"samples": out, "loss": -1 if is_output else row_of[id(root)]}


def unit_rows(unit: Any, row_of: dict[int, int]) -> list[int]:
    """The rows of the outputs of the neurons a coarse step's unit is about."""
    if isinstance(unit, NeuronUnit):
        return [row_of[id(unit.output)]]
    if isinstance(unit, LayerUnit):
        return [row_of[id(n.output)] for n in unit.neurons]
    return []


def _neurons(coarse: list) -> list[NeuronUnit]:
    out: dict[int, NeuronUnit] = {}
    for c in coarse:
        units = c.unit.neurons if isinstance(c.unit, LayerUnit) else [c.unit]
        for u in units:
            if isinstance(u, NeuronUnit):
                out.setdefault(id(u), u)
    return list(out.values())


def _row(row_of: dict[int, int], node: Any) -> int:
    return row_of.get(id(node), -1)


__all__ = ["network_view", "unit_rows"]
