"""``Neuron``, ``Layer`` and ``MLP``: the lecture's units, layers and networks.

A neuron computes y = f(w . x + b): weights ``w`` (one per input), a bias
``b`` and an activation f. A layer is several neurons reading the same
inputs; an MLP is layers in sequence. ``MLP(nin, nouts)`` has micrograd's
signature: hidden layers use ``activation`` (ReLU by default), the last layer
is linear unless ``output_activation`` says otherwise.

When a neuron is called, its output Value (after the activation) is labelled
with the neuron's dotted path, ``layers.0.neurons.3`` (``neuron`` for a
neuron on its own), and its parameters carry their own paths
(``layers.0.neurons.3.w.1``), so a drawn graph can group the nodes by unit.

>>> model = MLP(2, [16, 16, 1], seed=0)
>>> len(model.parameters())
337
>>> out = model([1.0, -2.0])
>>> out.label
'layers.2.neurons.0'
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from autograd_lite import Value

from .activations import DEFAULT_ACTIVATION, activation_function, activation_name
from .init import gaussian_weights, random_generator
from .inputs import Input, as_inputs
from .module import Module


class Neuron(Module):
    """One unit: ``f(w . x + b)``, weights from Gaussian(0, 1/nin), bias 0.

    ``f`` is ``activation`` (ReLU by default); micrograd's spelling
    ``Neuron(nin, nonlin=False)`` (linear) or ``nonlin=True`` (ReLU) works too.

    >>> Neuron(2, nonlin=False).activation
    'linear'
    >>> n = Neuron(2, activation="linear", seed=0)
    >>> n.load_state_dict({"w.0": 2.0, "w.1": -1.0, "b": 0.5})
    >>> y = n([3.0, 4.0])
    >>> y.data, y.label
    (2.5, 'neuron')
    """

    def __init__(
        self,
        nin: int,
        activation: str = DEFAULT_ACTIVATION,
        *,
        nonlin: bool | None = None,
        seed: int | None = None,
        rng: np.random.Generator | None = None,
    ) -> None:
        nin = _positive_int(nin, "nin", "Neuron")
        activation = activation_name(activation, nonlin, "Neuron")
        self._activate = activation_function(activation)
        self.nin = nin
        self.activation = activation
        self.w = [Value(v) for v in gaussian_weights(nin, random_generator(seed, rng))]
        self.b = Value(0.0)

    def __call__(self, x: Input) -> Value:
        return self._forward(as_inputs(x, self.nin, repr(self)))

    def _forward(self, xs: list[Value]) -> Value:
        # b + w0*x0 + w1*x1 + ...: one multiply and one add node per input.
        act = self.b
        for wi, xi in zip(self.w, xs):
            act = act + wi * xi
        out = act if self._activate is None else self._activate(act)
        out.label = self.name or "neuron"
        return out

    def __repr__(self) -> str:
        return f"Neuron({self.nin}, activation={self.activation!r})"


class Layer(Module):
    """``nout`` neurons reading the same ``nin`` inputs; returns a list of ``nout`` Values.

    ``activation`` or micrograd's ``nonlin`` as for ``Neuron``.

    As a matrix the layer is z = W x + b with W of shape (nout, nin): row j
    holds neuron j's weights (``weight()``). That is seed 004's and
    PyTorch's orientation; seeds 000 and 002 write z = W^T x + b with W of
    shape (nin, nout), the transpose.

    >>> layer = Layer(3, 2, activation="tanh", seed=0)
    >>> [y.label for y in layer([1.0, 2.0, 3.0])]
    ['neurons.0', 'neurons.1']
    """

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str = DEFAULT_ACTIVATION,
        *,
        nonlin: bool | None = None,
        seed: int | None = None,
        rng: np.random.Generator | None = None,
    ) -> None:
        nin = _positive_int(nin, "nin", "Layer")
        nout = _positive_int(nout, "nout", "Layer")
        activation = activation_name(activation, nonlin, "Layer")
        activation_function(activation)  # reject a bad name before drawing weights
        gen = random_generator(seed, rng)
        self.nin = nin
        self.nout = nout
        self.activation = activation
        self.neurons = [Neuron(nin, activation, rng=gen) for _ in range(nout)]

    def __call__(self, x: Input) -> list[Value]:
        return self._forward(as_inputs(x, self.nin, repr(self)))

    def _forward(self, xs: list[Value]) -> list[Value]:
        return [n._forward(xs) for n in self.neurons]

    # --- the layer as the lectures' matrices: z = W x + b -----------------

    def weight(self) -> np.ndarray:
        """The weights as a numpy matrix W of shape (nout, nin): row j is neuron j's w.

        This is seed 004's and PyTorch's orientation, z = W x + b. Seeds 000
        and 002 write z = W^T x with a matrix of shape (nin, nout): that
        matrix is ``weight().T``. The array is a copy.

        >>> layer = Layer(3, 2, activation="linear", seed=0)
        >>> layer.load_state_dict({"neurons.0.w.0": 1.0, "neurons.0.w.1": 2.0,
        ...     "neurons.0.w.2": 3.0, "neurons.0.b": 0.5, "neurons.1.w.0": -1.0,
        ...     "neurons.1.w.1": 0.0, "neurons.1.w.2": 4.0, "neurons.1.b": -2.0})
        >>> layer.weight()
        array([[ 1.,  2.,  3.],
               [-1.,  0.,  4.]])
        >>> x = np.array([1.0, 1.0, 2.0])
        >>> bool(np.allclose(layer.weight() @ x + layer.bias(), [v.data for v in layer(x)]))
        True
        """
        return np.array([[w.data for w in n.w] for n in self.neurons]).reshape(self.nout, self.nin)

    def weight_grad(self) -> np.ndarray:
        """dL/dW as a numpy matrix of shape (nout, nin), from each weight's ``grad``.

        After ``L.backward()`` on a linear layer's output, this is the
        lecture's delta x^T, where delta = dL/dz (seed 004: W_bar = z_bar x^T).

        >>> layer = Layer(2, 2, activation="linear", seed=0)
        >>> z = layer([1.0, -2.0])
        >>> (3.0 * z[0] + 5.0 * z[1]).backward()          # delta = (3, 5)
        >>> layer.weight_grad()                           # outer(delta, x)
        array([[  3.,  -6.],
               [  5., -10.]])
        """
        return np.array([[w.grad for w in n.w] for n in self.neurons]).reshape(self.nout, self.nin)

    def bias(self) -> np.ndarray:
        """The biases as a numpy vector b of shape (nout,) (a copy).

        >>> Layer(3, 2, seed=0).bias()     # biases start at 0
        array([0., 0.])
        """
        return np.array([n.b.data for n in self.neurons])

    def bias_grad(self) -> np.ndarray:
        """dL/db as a numpy vector of shape (nout,): the lecture's delta = dL/dz.

        >>> layer = Layer(2, 2, activation="linear", seed=0)
        >>> z = layer([1.0, -2.0])
        >>> (3.0 * z[0] + 5.0 * z[1]).backward()
        >>> layer.bias_grad()
        array([3., 5.])
        """
        return np.array([n.b.grad for n in self.neurons])

    def __repr__(self) -> str:
        return f"Layer({self.nin}, {self.nout}, activation={self.activation!r})"


class MLP(Module):
    """A multilayer perceptron: ``MLP(nin, [n1, n2, ..., nout])``.

    Hidden layers use ``activation``; the last uses ``output_activation``
    (linear by default, as the lecture pairs it with squared or hinge loss).
    Calling it on one input returns a Value when the last layer has one
    output, else a list of Values. ``seed`` (or a numpy ``rng``) makes the
    initial weights reproducible.

    >>> MLP(2, [16, 1, 1], seed=0)([0.5, 0.5]).label
    'layers.2.neurons.0'
    >>> len(MLP(2, [4, 3], seed=0)([0.5, 0.5]))
    3
    """

    def __init__(
        self,
        nin: int,
        nouts: list[int],
        activation: str = "relu",
        output_activation: str = "linear",
        *,
        seed: int | None = None,
        rng: np.random.Generator | None = None,
    ) -> None:
        nin = _positive_int(nin, "nin", "MLP")
        if isinstance(nouts, (str, bytes)) or not hasattr(nouts, "__iter__"):
            raise TypeError(
                f"MLP: nouts must be a list of layer sizes such as [16, 16, 1], "
                f"got {type(nouts).__name__}"
            )
        nouts = [_positive_int(n, f"nouts[{i}]", "MLP") for i, n in enumerate(nouts)]
        if not nouts:
            raise ValueError("MLP: nouts must list at least one layer size, e.g. [16, 16, 1]")
        activation_function(activation)
        activation_function(output_activation)
        gen = random_generator(seed, rng)
        self.nin = nin
        self.nouts = nouts
        self.activation = activation
        self.output_activation = output_activation
        sizes = [nin] + nouts
        last = len(nouts) - 1
        self.layers = [
            Layer(sizes[i], sizes[i + 1], output_activation if i == last else activation, rng=gen)
            for i in range(len(nouts))
        ]

    def __call__(self, x: Input) -> Value | list[Value]:
        xs = as_inputs(x, self.nin, repr(self))
        for layer in self.layers:
            xs = layer._forward(xs)
        return xs[0] if len(xs) == 1 else xs

    def __repr__(self) -> str:
        return (
            f"MLP({self.nin}, {self.nouts}, activation={self.activation!r}, "
            f"output_activation={self.output_activation!r})"
        )


def _positive_int(n: Any, what: str, where: str) -> int:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"{where}: {what} must be a positive int, got {type(n).__name__} {n!r}")
    if n < 1:
        raise ValueError(f"{where}: {what} must be a positive int, got {n}")
    return int(n)
