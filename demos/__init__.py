"""Runnable demos: each module has main(argv) and runs as `python -m autograd_lite.demos.NAME`.

``DEMOS`` lists them by short name, in the order of the lectures, for
``autograd-lite demo --list`` and ``autograd-lite demo NAME``. Each
``main(argv)`` parses ``--out DIR`` (default ``out/<module>``), prints its
numbers, writes its pictures there, and returns its key numbers as a dict.

>>> DEMOS["backprop-intro"].module
'autograd_lite.demos.backprop_intro'
>>> sorted(DEMOS) == sorted(set(DEMOS))
True
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import NamedTuple


class Demo(NamedTuple):
    """A demo's module (with ``main(argv) -> dict``) and a one-line description."""

    module: str
    description: str


DEMOS: dict[str, Demo] = {
    "backprop-intro": Demo(
        "autograd_lite.demos.backprop_intro",
        "f = (x + y) z at x=-2, y=5, z=-4: df/dx = df/dy = -4, df/dz = 3, with its graph",
    ),
    "chain-rule": Demo(
        "autograd_lite.demos.chain_rule",
        "multivariate chain rule with fan-out: f = y + e^(xy), x = cos t, y = t^2",
    ),
    "logistic-l2": Demo(
        "autograd_lite.demos.logistic_l2",
        "logistic least squares + L2: every forward and backward line of the slide",
    ),
    "sigmoid-221": Demo(
        "autograd_lite.demos.sigmoid_221",
        "the 2-2-1 sigmoid 'Backprop Demo', w1..w6, one SGD step (E before and after)",
    ),
    "bce-classifier": Demo(
        "autograd_lite.demos.bce_classifier",
        "1-hidden-layer classifier with cross-entropy: dE/dz2 = yhat - y; batch 1/m X^T (P - Y)",
    ),
    "softmax-ce": Demo(
        "autograd_lite.demos.softmax_ce",
        "softmax cross-entropy: gradient p - y, batch form, stable softmax at scores of 1000",
    ),
    "mlp-backprop": Demo(
        "autograd_lite.demos.mlp_backprop",
        "multi-output MLP: each layer's z, sigma'(z), delta, W_bar vs numpy; by-neuron decks",
    ),
    "input-gradient": Demo(
        "autograd_lite.demos.input_gradient",
        "y = W^T x + b (seed 002): dL/dx = dL/dy W^T and dL/dW = x^T dL/dy read off the graph",
    ),
    "glm": Demo(
        "autograd_lite.demos.glm",
        "linear, logistic, Poisson regression: H = X^T S X with S >= 0 for every w; line search",
    ),
    "zero-init": Demo(
        "autograd_lite.demos.zero_init",
        "don't start at 0: ReLU units get no gradient, equal weights stay equal (symmetry)",
    ),
    "sgd": Demo(
        "autograd_lite.demos.sgd",
        "seed 000's per-example SGD with a schedule eta(t), vs constant eta and full batch (plot)",
    ),
    "conv": Demo(
        "autograd_lite.demos.conv",
        "a 3x3 convolution on Values: the shared kernel's gradient sums over every position",
    ),
    "rnn": Demo(
        "autograd_lite.demos.rnn",
        "an unrolled RNN: backprop through time; gradients scale like W's eigenvalues^t (plot)",
    ),
    "linear-collapse": Demo(
        "autograd_lite.demos.linear_collapse",
        "identity activations: a deep network is one matrix W_total = W^L ... W^1",
    ),
    "xor-threshold": Demo(
        "autograd_lite.demos.xor_threshold",
        "XOR from hard-threshold units (OR, AND, AND NOT); their gradients are all 0",
    ),
    "init-scale": Demo(
        "autograd_lite.demos.init_scale",
        "Gaussian(0, 1/m) initialisation keeps |z| independent of the fan-in m (plot)",
    ),
    "vanishing": Demo(
        "autograd_lite.demos.vanishing",
        "vanishing gradients: sigmoid vs ReLU (flat but small: why) vs shortcuts, per layer (plot)",
    ),
    "backprop-cost": Demo(
        "autograd_lite.demos.backprop_cost",
        "multiply-adds on an MLP's graph: backward = 2 forward; naive chain rule vs reuse by depth",
    ),
    "newton": Demo(
        "autograd_lite.demos.newton",
        "Newton's method vs gradient descent with Hessians from create_graph",
    ),
    "moons": Demo(
        "autograd_lite.demos.moons",
        "micrograd's moons: MLP(2, [16, 16, 1]) with the SVM loss, decision boundary",
    ),
    "xor": Demo(
        "autograd_lite.demos.xor",
        "XOR: the hand-wired threshold network, then a trained tanh MLP",
    ),
    "spiral": Demo(
        "autograd_lite.demos.spiral",
        "3-class spiral with softmax cross-entropy and Adam, decision regions",
    ),
    "spiral-batched": Demo(
        "autograd_lite.demos.spiral_batched",
        "1,500-point spiral, MLP(2, [64, 64, 3]), trained in seconds by fit(batched=True)",
    ),
    "digits": Demo(
        "autograd_lite.demos.digits",
        "8x8 handwritten digits, MLP(64, [32, 10]) by fit(batched=True): 97% on held-out images",
    ),
    "three-layer-net": Demo(
        "autograd_lite.demos.three_layer_net",
        "seed 001's ThreeLayerNet(2, 3, 1): two sigmoid hidden layers, MSE, every grad checked",
    ),
    "likelihood-nll": Demo(
        "autograd_lite.demos.likelihood_to_nll",
        "likelihood product -> log -> NLL; 2,000 examples underflow; H(p,q) = H(p) + KL(p||q)",
    ),
    "batch-rows": Demo(
        "autograd_lite.demos.batch_rows",
        "a batch as the rows of X: Y = X W + 1 b^T equals each W^T x + b; dL/dW = X^T dL/dY",
    ),
    "pooling": Demo(
        "autograd_lite.demos.pooling",
        "shift by one: every detector output changes, half the max-pooled; rotation vs conv",
    ),
    "rnn-remedies": Demo(
        "autograd_lite.demos.rnn_remedies",
        "leaky units and a gradient regulariser against a plain RNN's vanishing/exploding grads",
    ),
    "universality": Demo(
        "autograd_lite.demos.universality",
        "2^D step units compute any Boolean function; step and ReLU sums fit sin (1-D, 2-D)",
    ),
    "boolean-circuits": Demo(
        "autograd_lite.demos.boolean_circuit",
        "AND, OR, NOT as threshold units wired into XOR, majority and parity circuits",
    ),
    "hinge-sgd": Demo(
        "autograd_lite.demos.hinge_sgd",
        "seed 000's hinge-loss linear classifier by SGD, one random draw per step; subgradient",
    ),
    "l2-regression": Demo(
        "autograd_lite.demos.l2_regression",
        "degree-9 fit of 10 noisy points: lambda = 0 over-fits; fit(l2=lambda) = ridge closed form",
    ),
    "many-minima": Demo(
        "autograd_lite.demos.many_minima",
        "one MLP(2, [8, 1]) from 20 seeds: final losses within 2%, weights at different points",
    ),
    "learned-features": Demo(
        "autograd_lite.demos.learned_features",
        "a net is a GLM on learned features: refit its last layer by Newton, same loss and weights",
    ),
    # the mistakes lab: a classic bug beside the right code, and the line that fixes it
    "mistakes-grad-assign": Demo(
        "autograd_lite.demos.mistake_grad_assign",
        "mistakes lab: grad = instead of += loses a node's second use (a + a gives 1, not 2)",
    ),
    "mistakes-zero-grad": Demo(
        "autograd_lite.demos.mistake_zero_grad",
        "mistakes lab: no zero_grad between steps: grads double, steps follow their sum",
    ),
    "mistakes-topo-order": Demo(
        "autograd_lite.demos.mistake_topo_order",
        "mistakes lab: backward by recursion: a shared node passed on twice; deep chains overflow",
    ),
    "mistakes-update-in-graph": Demo(
        "autograd_lite.demos.mistake_update_in_graph",
        "mistakes lab: w = w - lr * w.grad grows the graph; the model's own weights never change",
    ),
    "mistakes-learning-rate": Demo(
        "autograd_lite.demos.mistake_learning_rate",
        "mistakes lab: a learning rate above 2/lambda_max: the loss diverges by (1 - lr lambda)^2",
    ),
    "mistakes-same-init": Demo(
        "autograd_lite.demos.mistake_same_init",
        "mistakes lab: every weight the same value: the hidden units stay identical",
    ),
}


def load(name: str) -> ModuleType:
    """The module of demo ``name`` (a key of ``DEMOS``); KeyError for an unknown name."""
    return importlib.import_module(DEMOS[name].module)
