"""Activation functions by name: the f in a neuron's y = f(w . x + b).

The names are the lectures' choices (Grosse, CSC 411 lecture 10): linear,
relu, softplus (soft ReLU), step (hard threshold), sigmoid (logistic) and
tanh. Each is the engine's own op record (``autograd_lite.engine.ops``), so its
derivative comes from the op's rule; ``linear`` applies nothing. A one-input
``custom_op`` is an activation by its name too.

Conventions at z = 0, where the lectures disagree:

* ``step(0) = 0``: the hard threshold of seed 004 (1 if z > 0, 0 if
  z <= 0). Seeds 000 and 001 write step(0) = 1 (1 "otherwise", 1 for
  x >= 0). Its derivative is 0 everywhere, at 0 too (seed 001 leaves it
  "?"): a step unit passes no gradient.
* ``relu'(0) = 0``, as in PyTorch. Seed 001's table gives f'(x) = 1 for
  x >= 0, so 1 at 0. relu(0) = 0 either way.

Hidden units rarely land exactly on 0 once weights are random, but a unit
whose weights and bias are all 0 does (see ``autograd-lite demo zero-init``).

>>> from autograd_lite import Value
>>> activation_function("step")(Value(0.0)).data         # seed 004, not seeds 000/001
0.0
>>> z = Value(0.0)
>>> activation_function("relu")(z).backward()
>>> z.grad                                                # PyTorch's choice, not seed 001's 1
0.0
>>> activation_function("relu")(Value(-2.0)).data
0.0
>>> activation_function("linear") is None
True
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from autograd_lite import Value
from autograd_lite.engine import ops
from autograd_lite.engine.value import apply

Activation = Callable[[Value], Value]


def activation_names() -> list[str]:
    """``linear`` and the names of the ops offered as activations (``ops.activations()``):
    the lectures' five, and every one-input ``custom_op``.

    >>> activation_names()[:4]
    ['linear', 'tanh', 'sigmoid', 'relu']
    """
    return ["linear", *ops.activations()]


class _Default(str):
    """The default activation's name, told apart (by identity) from the same name passed in."""


DEFAULT_ACTIVATION: str = _Default("relu")
"""What a Neuron or Layer uses when neither ``activation`` nor ``nonlin`` is given."""


def activation_name(activation: str, nonlin: Any, where: str) -> str:
    """The activation asked for by ``activation`` and micrograd's ``nonlin`` flag.

    micrograd spells it ``Neuron(nin, nonlin=True)``: True is ReLU, False is
    linear. Given together, they must agree: ``nonlin=False`` only with
    ``"linear"``, ``nonlin=True`` with any other activation.

    >>> activation_name(DEFAULT_ACTIVATION, False, "Neuron")
    'linear'
    >>> activation_name("tanh", True, "Neuron")
    'tanh'
    """
    if nonlin is None:
        return str(activation) if isinstance(activation, str) else activation
    if not isinstance(nonlin, bool):
        raise TypeError(f"{where}: nonlin must be True or False, got {type(nonlin).__name__}")
    if activation is DEFAULT_ACTIVATION:
        return "relu" if nonlin else "linear"
    if nonlin != (activation != "linear"):
        meaning = "a nonlinear activation (micrograd's ReLU)" if nonlin else "linear"
        raise ValueError(
            f"{where}: nonlin={nonlin} means {meaning}, but activation={activation!r}; "
            "give one of the two"
        )
    return activation


def activation_function(name: str) -> Activation | None:
    """The engine operation for activation ``name``; None for ``"linear"``.

    >>> activation_function("tanh")(Value(0.0)).data
    0.0
    """
    if not isinstance(name, str):
        raise TypeError(
            f"activation must be a name (one of {', '.join(activation_names())}), "
            f"got {type(name).__name__}"
        )
    if name == "linear":
        return None
    op = ops.activations().get(name)
    if op is None:
        raise ValueError(
            f"unknown activation {name!r}; choose one of {', '.join(activation_names())}"
        )
    if op.method:
        return getattr(Value, op.method)
    return lambda v: apply(op, v)
