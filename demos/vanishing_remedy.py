"""What the ``vanishing`` demo measures beyond the plain chains: shortcuts, and ReLU's scale.

* ``residual_chain``: the scalar chain with a shortcut around every unit,
  a_l = a_{l-1} + f(w_l a_{l-1}), whose backprop factor per layer is
  1 + w_l f'(z_l) >= 1 instead of w_l f'(z_l) (seed 003: "ResNet ... uses
  shortcut connection to skip one or more layers").
* ``residual_layer_gradients``: the deep sigmoid MLP with a shortcut around
  each hidden layer, h_l = h_{l-1} + sigmoid(W_l h_{l-1} + b_l).
* ``relu_scales``: per layer, the RMS of the ReLU MLP's activations a_l and
  of delta_l = dy/dz_l, which explain why its weight gradients
  dy/dW_l = delta_l a_{l-1}^T are the same size in every layer but small.

>>> chain = residual_chain(3)
>>> max(abs(a - b) for a, b in zip(chain["ours"], chain["closed"])) < 1e-15
True
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograd_lite import Value
from nn import MLP, Layer

DEPTH = 20
WIDTH, INPUTS, SEEDS = 16, 8, 4


def residual_chain(depth: int = DEPTH) -> dict[str, list[float]]:
    """a_l = a_{l-1} + sigmoid(w_l a_{l-1}), w_l = 1, a_0 = 1: backprop vs prod (1 + sigma')."""
    a = [Value(1.0, label="a0")]
    for layer in range(1, depth + 1):
        a.append(a[-1] + (1.0 * a[-1]).sigmoid())
        a[-1].label = f"a{layer}"
    a[-1].backward()
    acts, factors = [1.0], []
    for _ in range(depth):
        s = 1.0 / (1.0 + math.exp(-acts[-1]))
        factors.append(1.0 + s * (1.0 - s))  # d a_l / d a_{l-1} = 1 + w sigma'(w a_{l-1})
        acts.append(acts[-1] + s)
    closed = [math.prod(factors[layer:]) for layer in range(depth + 1)]
    return {"ours": [v.grad for v in a], "closed": closed}


def residual_layer_gradients() -> list[float]:
    """Mean |dy/dw| per layer of the sigmoid MLP with a shortcut around each hidden layer."""
    sums = np.zeros(DEPTH + 1)
    for seed in range(SEEDS):
        rng = np.random.default_rng(seed)
        hidden = [Layer(WIDTH, WIDTH, "sigmoid", rng=rng) for _ in range(DEPTH)]
        last = Layer(WIDTH, 1, "linear", rng=rng)
        for x in np.random.default_rng(1000 + seed).normal(size=(INPUTS, WIDTH)):
            h = [Value(float(v)) for v in x]
            for layer in [*hidden, last]:
                layer.zero_grad()  # |dy/dw| of this input, not of a sum over inputs
            for layer in hidden:
                h = [hi + ai for hi, ai in zip(h, layer(h))]  # the shortcut
            last(h)[0].backward()
            sums += [np.abs(layer.weight_grad()).mean() for layer in [*hidden, last]]
    return (sums / (SEEDS * INPUTS)).tolist()


def relu_scales(gain: float) -> dict[str, list[float]]:
    """RMS of a_l and of delta_l = dy/dz_l per hidden layer, and mean |dy/dw| per layer.

    ``gain`` scales nn's Gaussian(0, 1/m) weights: 1 keeps them, sqrt(2)
    gives Gaussian(0, 2/m) (He et al., 2015).
    """
    acts, deltas, grads = np.zeros(DEPTH), np.zeros(DEPTH), np.zeros(DEPTH + 1)
    for seed in range(SEEDS):
        model = MLP(WIDTH, [WIDTH] * DEPTH + [1], activation="relu", seed=seed)
        model.load_state_dict({k: gain * v for k, v in model.state_dict().items()})
        for x in np.random.default_rng(1000 + seed).normal(size=(INPUTS, WIDTH)):
            outs, h = [], [Value(float(v)) for v in x]
            model.zero_grad()  # |dy/dw| of this input, not of a sum over inputs
            for layer in model.layers:
                h = layer(h)
                outs.append(h)
            h[0].backward()
            acts += [_rms([o.data for o in layer]) for layer in outs[:-1]]
            deltas += [_rms([o.parents[0].grad for o in layer]) for layer in outs[:-1]]
            grads += [np.abs(layer.weight_grad()).mean() for layer in model.layers]
    n = SEEDS * INPUTS
    return {"a": (acts / n).tolist(), "delta": (deltas / n).tolist(), "grad": (grads / n).tolist()}


def per_layer_factor(values: list[float]) -> float:
    """The geometric mean of values[l + 1] / values[l]: the average factor per layer."""
    return (values[-1] / values[0]) ** (1.0 / (len(values) - 1))


def _rms(xs: list[float]) -> float:
    return math.sqrt(sum(x * x for x in xs) / len(xs))


def report(relu: dict[str, dict[str, list[float]]]) -> dict[str, Any]:
    """Print why ReLU's gradients are flat but small; return the per-layer factors."""
    nn_init, he = relu["Gaussian(0, 1/m)"], relu["Gaussian(0, 2/m)"]
    fa, fd = per_layer_factor(nn_init["a"]), per_layer_factor(nn_init["delta"][::-1])
    print(
        "why ReLU's weight gradients are flat but small: dy/dW_l = delta_l a_(l-1)^T. With\n"
        "Gaussian(0, 1/m) weights, E[z^2] in the next layer = m * (1/m) * E[a^2], and ReLU zeroes\n"
        "about half its inputs, so E[a^2] = E[z^2] / 2: each layer halves the variance of the\n"
        "activations going forward, and of delta = relu'(z) o W^T delta_next going backward\n"
        "(an RMS factor of 1/sqrt(2) = 0.707 per layer). Layer l multiplies a_(l-1), shrunk\n"
        f"l - 1 times, by delta_l, shrunk {DEPTH} - l times: the same product for every l."
    )
    print(
        f"  measured per layer (RMS over {INPUTS} inputs x {SEEDS} seeds): activations x {fa:.3f} "
        f"forward, delta x {fd:.3f} backward (lecture: 0.707)"
    )
    print(
        "  layer   RMS a_l    RMS delta_l   mean|dy/dW_l|   "
        "with Gaussian(0, 2/m): RMS a_l   mean|dy/dW_l|"
    )
    for layer in (0, 4, 9, 14, DEPTH - 1):
        print(
            f"  {layer + 1:5d}  {nn_init['a'][layer]:9.2e}  {nn_init['delta'][layer]:11.2e}  "
            f"{nn_init['grad'][layer]:14.2e}  {he['a'][layer]:27.2e}  {he['grad'][layer]:14.2e}"
        )
    print(
        "  Gaussian(0, 2/m) (He et al.'s initialisation for ReLU) keeps both at scale: flat and "
        "no longer small"
    )
    return {"activation_factor": fa, "delta_factor": fd}
