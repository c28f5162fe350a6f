"""Neural networks made of autograd_lite Values.

Everything here is built from ``Value`` nodes through the engine's public
API: a trained MLP is an ordinary graph you can draw, step through and
differentiate.

>>> from nn import MLP, SGD, fit, hinge, make_moons, to_signed
>>> X, y = make_moons(30, seed=0)
>>> model = MLP(2, [8, 8, 1], seed=0)
>>> history = fit(model, X, to_signed(y), loss=hinge, l2=1e-4,
...               optimizer=SGD(model, lr=0.5), epochs=5)
>>> len(history.loss)
5
>>> [name for name, _ in model.named_parameters()][:3]
['layers.0.neurons.0.w.0', 'layers.0.neurons.0.w.1', 'layers.0.neurons.0.b']
"""

from .activations import activation_function, activation_names
from .checkpoint import CheckpointError
from .data import (
    batches,
    make_blobs,
    make_circles,
    make_diag,
    make_moons,
    make_simple,
    make_spiral,
    make_split,
    make_xor,
    to_signed,
    xor_table,
)
from .history import History
from .layers import MLP, Layer, Neuron
from .losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    hinge,
    l2_penalty,
    loss_needs,
    mse,
    nll,
    softmax_cross_entropy,
    squared_error,
    total,
)
from .metrics import (
    accuracy,
    argmax_correct,
    logit_correct,
    probability_correct,
    sign_correct,
)
from .module import Module
from .optim import SGD, Adam, AdamW, Optimizer
from .train import evaluate, fit

__all__ = [
    "Adam",
    "AdamW",
    "CheckpointError",
    "History",
    "Layer",
    "MLP",
    "Module",
    "Neuron",
    "Optimizer",
    "SGD",
    "accuracy",
    "activation_function",
    "activation_names",
    "argmax_correct",
    "batches",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "evaluate",
    "fit",
    "hinge",
    "l2_penalty",
    "logit_correct",
    "loss_needs",
    "make_blobs",
    "make_circles",
    "make_diag",
    "make_moons",
    "make_simple",
    "make_spiral",
    "make_split",
    "make_xor",
    "mse",
    "nll",
    "probability_correct",
    "sign_correct",
    "softmax_cross_entropy",
    "squared_error",
    "to_signed",
    "total",
    "xor_table",
]
