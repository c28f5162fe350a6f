"""Activation functions by name: the f in a neuron's y = f(w . x + b).

The names are the lectures' choices (Grosse, CSC 411 lecture 10): linear,
relu, softplus (soft ReLU), step (hard threshold), sigmoid (logistic) and
tanh. Each maps to the engine's own operation, so its derivative comes from
the engine's rule; ``linear`` applies nothing.

>>> from autograd_lite import Value
>>> activation_function("relu")(Value(-2.0)).data
0.0
>>> activation_function("linear") is None
True
"""

from __future__ import annotations

from collections.abc import Callable

from autograd_lite import Value

Activation = Callable[[Value], Value]

ACTIVATIONS: dict[str, Activation | None] = {
    "linear": None,
    "relu": Value.relu,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "softplus": Value.softplus,
    "step": Value.step,
}


def activation_function(name: str) -> Activation | None:
    """The engine operation for activation ``name``; None for ``"linear"``.

    >>> activation_function("tanh")(Value(0.0)).data
    0.0
    """
    if not isinstance(name, str):
        raise TypeError(
            f"activation must be a name (one of {', '.join(ACTIVATIONS)}), "
            f"got {type(name).__name__}"
        )
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ValueError(
            f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}"
        ) from None
