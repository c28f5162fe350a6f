"""Vanishing gradients: a deep sigmoid network vs the same depth with ReLU.

Y. Pan's lecture ("Gradient vanish issue in really deep neural networks")
and the chain rule through L layers (L. Kaelbling's notes):

    dLoss/dW^1 = dLoss/da^L * da^L/dz^L * dz^L/da^{L-1} * ... * da^1/dW^1

Each layer contributes a factor w f'(z). The sigmoid's derivative is
sigma(z)(1 - sigma(z)) <= 1/4, so the product shrinks geometrically with
depth; ReLU's derivative is 1 wherever the unit is active.

Part 1, a chain of scalar units a_l = f(w_l a_{l-1}) with w_l = 1 and
a_0 = 1 (our choice), 20 layers: backprop's da_L/da_l against the closed
form prod_{k > l} w_k f'(z_k) evaluated with numpy.

Part 2, ``MLP(16, [16] * 20 + [1])`` with sigmoid and with ReLU hidden
units (weights from Gaussian(0, 1/m)): the mean |dy/dw| of each layer,
averaged over 8 inputs and 4 seeds, plotted per layer. The ReLU network's
gradients are flat across layers but small (about 3e-5): the demo measures
why (each layer halves the variance of the activations forward and of
delta backward) and shows Gaussian(0, 2/m) weights restoring the scale.

Part 3, the remedy seed 003 names for "really deep" networks: shortcut
(residual) connections, as in ResNet. The scalar chain becomes
a_l = a_{l-1} + sigma(w_l a_{l-1}), whose factor per layer is
1 + w_l sigma'(z_l) >= 1 (backprop vs the closed form), and the sigmoid MLP
gets h_l = h_{l-1} + sigmoid(W_l h_{l-1} + b_l) around each hidden layer.

    python -m autograd_lite.demos.vanishing [--out out/vanishing]
"""

from __future__ import annotations

import math
import os
from typing import Any

import numpy as np
from autograd_lite.demos import vanishing_remedy as remedy
from autograd_lite.demos.plotting import save_figure
from autograd_lite.demos.report import Row, demo_parser, plot_or_skip, table

from autograd_lite import Value
from nn import MLP

DEPTH = 20
WIDTH, INPUTS, SEEDS = 16, 8, 4
SHOWN = (0, 5, 10, 15, 19, 20)


def scalar_chain(activation: str, depth: int = DEPTH) -> dict[str, Any]:
    """Backprop through a_l = f(w_l a_{l-1}), w_l = 1, a_0 = 1, against the closed form."""
    a = [Value(1.0, label="a0")]
    for layer in range(1, depth + 1):
        w = Value(1.0, label=f"w{layer}")
        z = w * a[-1]
        a.append(z.sigmoid() if activation == "sigmoid" else z.relu())
        a[-1].label = f"a{layer}"
    a[-1].backward()
    ours = [v.grad for v in a]

    # Closed form with floats: z_k = w_k a_{k-1}, da_L/da_l = prod_{k > l} w_k f'(z_k).
    acts, slopes = [1.0], []
    for _ in range(depth):
        z = 1.0 * acts[-1]
        if activation == "sigmoid":
            s = 1.0 / (1.0 + np.exp(-z))
            acts.append(s)
            slopes.append(s * (1.0 - s))
        else:
            acts.append(max(z, 0.0))
            slopes.append(1.0 if z > 0 else 0.0)
    closed = [float(np.prod([1.0 * f for f in slopes[layer:]])) for layer in range(depth + 1)]
    return {"ours": ours, "closed": closed}


def layer_gradients(activation: str) -> list[float]:
    """Mean |dy/dw| per layer of MLP(WIDTH, [WIDTH] * DEPTH + [1]) over inputs and seeds."""
    sums = np.zeros(DEPTH + 1)
    for seed in range(SEEDS):
        model = MLP(WIDTH, [WIDTH] * DEPTH + [1], activation=activation, seed=seed)
        for x in np.random.default_rng(1000 + seed).normal(size=(INPUTS, WIDTH)):
            model.zero_grad()  # |dy/dw| of this input: the mean of absolute values, not the
            model(x).backward()  # absolute value of a sum over the inputs
            sums += [
                np.mean([abs(w.grad) for n in layer.neurons for w in n.w]) for layer in model.layers
            ]
    return (sums / (SEEDS * INPUTS)).tolist()


def shortcut_part(rows: list[dict[str, Any]]) -> dict[str, list[float]]:
    """Part 3: the scalar chain with a shortcut around every unit; adds its rows."""
    print(
        "\npart 3, the remedy seed 003 names: shortcut (residual) connections. With "
        "a_l = a_(l-1) + sigma(w_l a_(l-1)),\nthe backprop factor per layer is "
        "1 + w_l sigma'(z_l) >= 1 instead of w_l sigma'(z_l) <= 1/4"
    )
    chain = remedy.residual_chain()
    rows += table(
        f"sigmoid with shortcuts: da_{DEPTH}/da_l, backprop vs the closed form",
        [
            Row(
                f"da{DEPTH}/da{layer}",
                "prod_k>l (1 + sigma'(z_k))",
                chain["closed"][layer],
                chain["ours"][layer],
            )
            for layer in SHOWN
        ],
    )
    print(
        "the gradient reaching the first unit no longer vanishes; in the MLP of part 2 "
        "(column 3 above),\nh_l = h_(l-1) + sigmoid(W_l h_(l-1) + b_l) keeps the first "
        "layer's gradients at the scale of the last's"
    )
    return chain


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run both parts; return the per-layer gradients and the closed-form rows."""
    args = demo_parser("vanishing", __doc__).parse_args(argv)
    print(
        f"part 1: a chain of {DEPTH} scalar units a_l = f(w_l a_(l-1)), "
        "w_l = 1, a_0 = 1 (our choice)"
    )
    chains, rows = {}, []
    for activation, formula in (
        ("sigmoid", "prod_k>l sigma'(z_k)"),
        ("relu", "prod_k>l relu'(z_k)"),
    ):
        chains[activation] = chain = scalar_chain(activation)
        rows += table(
            f"\n{activation}: da_{DEPTH}/da_l, backprop vs the closed form",
            [
                Row(f"da{DEPTH}/da{layer}", formula, chain["closed"][layer], chain["ours"][layer])
                for layer in SHOWN
            ],
        )
    sig = chains["sigmoid"]["ours"]
    print(
        f"\nsigmoid: each layer multiplies the gradient by sigma'(z) <= 1/4 "
        f"(here about {sig[DEPTH - 1]:.3f} .. {sig[0] / sig[1]:.3f}); "
        f"after {DEPTH} layers it is {sig[0]:.2e}; "
        f"ReLU passes it through unchanged: {chains['relu']['ours'][0]:g}"
    )

    print(
        f"\npart 2: MLP({WIDTH}, [{WIDTH}] * {DEPTH} + [1]), Gaussian(0, 1/m) weights; "
        f"mean |dy/dw| per layer over {INPUTS} inputs x {SEEDS} seeds"
    )
    relu = {
        "Gaussian(0, 1/m)": remedy.relu_scales(1.0),
        "Gaussian(0, 2/m)": remedy.relu_scales(math.sqrt(2.0)),
    }
    per_layer = {
        "sigmoid": layer_gradients("sigmoid"),
        "relu": relu["Gaussian(0, 1/m)"]["grad"],
        "sigmoid + shortcut": remedy.residual_layer_gradients(),
    }
    print("  layer   sigmoid     relu        sigmoid with shortcuts (part 3)")
    for layer in range(DEPTH + 1):
        name = "output" if layer == DEPTH else f"{layer + 1:5d}"
        print(
            f"  {name:>6}  {per_layer['sigmoid'][layer]:.2e}  {per_layer['relu'][layer]:.2e}"
            f"    {per_layer['sigmoid + shortcut'][layer]:.2e}"
        )
    ratios = {act: g[0] / g[DEPTH - 1] for act, g in per_layer.items()}
    print(
        f"first hidden layer / last hidden layer: sigmoid {ratios['sigmoid']:.1e}, "
        f"relu {ratios['relu']:.2f}, sigmoid with shortcuts {ratios['sigmoid + shortcut']:.2f}\n"
    )
    factors = remedy.report(relu)
    residual = shortcut_part(rows)
    plots = plot_or_skip(args.out, lambda plt: [_plot(plt, chains, per_layer, args.out)])
    return {
        "chains": chains,
        "residual_chain": residual,
        "per_layer": per_layer,
        "ratios": ratios,
        "relu_scales": relu,
        **factors,
        "rows": rows,
        "plots": plots,
    }


def _plot(plt: Any, chains: dict[str, Any], per_layer: dict[str, list[float]], out: str) -> str:
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2), dpi=110)
    colors = {"sigmoid": "#c44e52", "relu": "#4c72b0", "sigmoid + shortcut": "#55a868"}
    layers = np.arange(DEPTH + 1)
    for act, chain in chains.items():
        left.semilogy(
            layers, chain["closed"], "-", color=colors[act], alpha=0.6, label=f"{act}: closed form"
        )
        left.semilogy(
            layers, chain["ours"], "o", color=colors[act], markersize=4, label=f"{act}: backprop"
        )
    left.set_xticks(range(0, DEPTH + 1, 2))
    left.set_xlabel("l (unit in the chain)")
    left.set_ylabel(f"|da_{DEPTH} / da_l|")
    left.set_title(f"a chain of {DEPTH} scalar units, w = 1", fontsize=10)
    left.legend(fontsize=8)
    left.grid(alpha=0.3)
    for act, grads in per_layer.items():
        right.semilogy(
            np.arange(1, DEPTH + 2), grads, "o-", color=colors[act], markersize=4, label=act
        )
    right.set_xticks(range(1, DEPTH + 2, 2))
    right.set_xlabel(f"layer (1 = next to the input, {DEPTH + 1} = output)")
    right.set_ylabel("mean |dy/dw| in the layer")
    right.set_title(f"MLP({WIDTH}, [{WIDTH}] * {DEPTH} + [1]): gradient per layer", fontsize=10)
    right.legend(fontsize=8)
    right.grid(alpha=0.3)
    return save_figure(plt, fig, os.path.join(out, "gradient_per_layer.png"))


if __name__ == "__main__":
    main()
