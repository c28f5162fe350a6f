"""Seed 001's PyTorch ThreeLayerNet(2, 3, 1): two sigmoid hidden layers, every gradient by hand.

Seed 001 (U04) writes a network with 2 hidden layers as

    z1 = W1^T x,  h1 = sigmoid(z1),  z2 = W2^T h1,  h2 = sigmoid(z2),
    z3 = w3^T h2,  yhat = sigmoid(z3)

and as PyTorch code, ``model = ThreeLayerNet(2, 3, 1)``: ``W1``, ``W2``, ``w3``
are ``nn.Linear(2, 3)``, ``nn.Linear(3, 3)``, ``nn.Linear(3, 1)``, each
followed by ``nn.Sigmoid()``. ``nn.Linear`` has a bias and the equations drop
it (U02), so we keep it, as the code does: z1 = W1^T x + b1, and so on
(b = 0 gives the slide's equations). ``ThreeLayerNet`` below is the seed's
class with autograd-lite's ``nn.Layer`` in place of ``nn.Linear``. W1 is
p x d as in the equations (input i -> unit j); ``Layer.weight()`` is its
transpose, as ``nn.Linear.weight`` is.

The seed gives no data: one input x, its target y, and every weight and bias
below are our choice. The loss is the seed's regression loss "MSE",
E = 1/2 (y - yhat)^2 (U08): with the 1/2, so that dE/dyhat = yhat - y
(``nn.squared_error``; ``nn.mse`` is the mean without the 1/2).

Backprop by hand (numpy), each delta built from the one after it, "already
computed!" (U21):

    d3 = dE/dz3 = (yhat - y) yhat (1 - yhat)    dE/dw3 = d3 h2     dE/db3 = d3
    d2 = dE/dz2 = (w3 d3) o h2 (1 - h2)         dE/dW2 = h1 d2^T   dE/db2 = d2
    d1 = dE/dz1 = (W2 d2) o h1 (1 - h1)         dE/dW1 = x d1^T    dE/db1 = d1

The demo prints every forward value and every gradient next to the engine's,
then checks all 25 parameter gradients against central differences of the
numpy forward, (E(theta + h) - E(theta - h)) / 2h.

    python -m autograd_lite.demos.three_layer_net [--out out/three_layer_net]
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
from autograd_lite.demos.report import Row, demo_parser, table, write_graph

from autograd_lite import Value
from nn import Layer, Module, activation_function, squared_error

X = [1.0, 2.0]
Y = 1.0
WEIGHTS = {
    "W1": [[0.1, -0.4, 0.7], [0.5, 0.2, -0.3]],  # p x d: column j feeds hidden unit j
    "b1": [0.1, -0.1, 0.2],
    "W2": [[0.6, -0.2, 0.3], [-0.5, 0.4, 0.8], [0.2, 0.9, -0.7]],  # d x d
    "b2": [0.0, 0.1, -0.2],
    "w3": [1.2, -0.8, 0.5],
    "b3": [0.3],
}
"""Our choice (the seed gives no numbers), in the equations' orientation z = W^T h + b."""

H = 1e-5
"""The step of the central differences."""

LAYERS = (("W1", "b1"), ("W2", "b2"), ("w3", "b3"))


class ThreeLayerNet(Module):
    """Seed 001's ``ThreeLayerNet(d_in, d_hidden, d_out)``: 3 linear layers, a sigmoid after each.

    >>> model = ThreeLayerNet(2, 3, 1, seed=0)
    >>> len(model.parameters())  # (2*3 + 3) + (3*3 + 3) + (3*1 + 1)
    25
    >>> 0.0 < model([1.0, 2.0]).data < 1.0
    True
    """

    def __init__(self, d_in: int, d_hidden: int, d_out: int, *, seed: int | None = None) -> None:
        rng = np.random.default_rng(seed)
        self.W1 = Layer(d_in, d_hidden, "linear", rng=rng)
        self.W2 = Layer(d_hidden, d_hidden, "linear", rng=rng)
        self.w3 = Layer(d_hidden, d_out, "linear", rng=rng)
        self.nonlinear = activation_function("sigmoid")

    def forward(self, x: Any) -> dict[str, list[Value]]:
        """The seed's forward, keeping each stage: z1, h1, z2, h2, z3 and y_hat (labelled)."""
        out: dict[str, list[Value]] = {"z1": self.W1(x)}
        out["h1"] = [self.nonlinear(z) for z in out["z1"]]
        out["z2"] = self.W2(out["h1"])
        out["h2"] = [self.nonlinear(z) for z in out["z2"]]
        out["z3"] = self.w3(out["h2"])
        out["y_hat"] = [self.nonlinear(z) for z in out["z3"]]
        for name, nodes in out.items():
            for j, node in enumerate(nodes):
                node.label = f"{name}[{j + 1}]"
        return out

    def __call__(self, x: Any) -> Value | list[Value]:
        y_hat = self.forward(x)["y_hat"]
        return y_hat[0] if len(y_hat) == 1 else y_hat

    def load_seed_weights(self, weights: dict[str, list[Any]]) -> None:
        """Set W1, b1, W2, b2, w3, b3 given in the equations' orientation (W is nin x nout)."""
        state = {}
        for layer_name, bias_name in LAYERS:
            W = np.array(weights[layer_name], dtype=float).reshape(-1, len(weights[bias_name]))
            for j, b in enumerate(weights[bias_name]):
                state[f"{layer_name}.neurons.{j}.b"] = float(b)
                for i in range(W.shape[0]):
                    state[f"{layer_name}.neurons.{j}.w.{i}"] = float(W[i, j])
        self.load_state_dict(state)

    def seed_grads(self) -> dict[str, np.ndarray]:
        """Each parameter's grad in the equations' orientation: dE/dW1 is p x d, and so on."""
        grads = {}
        for layer_name, bias_name in LAYERS:
            layer = getattr(self, layer_name)
            grads[layer_name] = layer.weight_grad().T
            grads[bias_name] = layer.bias_grad()
        grads["w3"] = grads["w3"][:, 0]
        return grads


def sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic function on a numpy array."""
    return 1.0 / (1.0 + np.exp(-z))


def numpy_forward(theta: dict[str, np.ndarray], x: np.ndarray, y: float) -> dict[str, Any]:
    """The seed's equations with the biases, in numpy; returns every stage and E = 1/2 (y-yhat)^2.

    >>> theta = {k: np.array(v) for k, v in WEIGHTS.items()}
    >>> round(float(numpy_forward(theta, np.array(X), Y)["E"]), 6)
    0.053202
    """
    f = {"z1": theta["W1"].T @ x + theta["b1"]}
    f["h1"] = sigmoid(f["z1"])
    f["z2"] = theta["W2"].T @ f["h1"] + theta["b2"]
    f["h2"] = sigmoid(f["z2"])
    f["z3"] = theta["w3"] @ f["h2"] + theta["b3"]
    f["y_hat"] = sigmoid(f["z3"])
    f["E"] = 0.5 * (y - f["y_hat"][0]) ** 2
    return f


def hand_backprop(theta: dict[str, np.ndarray], x: np.ndarray, y: float) -> dict[str, Any]:
    """The deltas and every gradient, layer by layer from the top, in numpy."""
    f = numpy_forward(theta, x, y)
    y_hat, h1, h2 = f["y_hat"], f["h1"], f["h2"]
    g = {"dE/dy_hat": y_hat - y}
    g["d3"] = g["dE/dy_hat"] * y_hat * (1 - y_hat)  # dE/dz3
    g["w3"], g["b3"] = g["d3"][0] * h2, g["d3"]
    g["dE/dh2"] = theta["w3"] * g["d3"][0]  # reuses d3
    g["d2"] = g["dE/dh2"] * h2 * (1 - h2)  # dE/dz2
    g["W2"], g["b2"] = np.outer(h1, g["d2"]), g["d2"]
    g["dE/dh1"] = theta["W2"] @ g["d2"]  # reuses d2
    g["d1"] = g["dE/dh1"] * h1 * (1 - h1)  # dE/dz1
    g["W1"], g["b1"] = np.outer(x, g["d1"]), g["d1"]
    return g


def central_differences(
    theta: dict[str, np.ndarray], x: np.ndarray, y: float, h: float = H
) -> dict[str, np.ndarray]:
    """dE/dtheta for every parameter, nudging one entry at a time by +-h in the numpy forward."""
    grads = {}
    for name, value in theta.items():
        grad = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            up = {k: v.copy() for k, v in theta.items()}
            down = {k: v.copy() for k, v in theta.items()}
            up[name][index] += h
            down[name][index] -= h
            e_up, e_down = numpy_forward(up, x, y)["E"], numpy_forward(down, x, y)["E"]
            grad[index] = (e_up - e_down) / (2 * h)
        grads[name] = grad
    return grads


def entry(name: str, index: tuple[int, ...]) -> str:
    """A parameter entry as the tables name it: W1[1,2], b1[3], w3[2] (1-based)."""
    return f"{name}[{','.join(str(i + 1) for i in index)}]"


def parameter_formula(name: str, index: tuple[int, ...]) -> str:
    """The hand-backprop formula of one parameter's gradient."""
    below = {"W1": "x", "W2": "h1", "w3": "h2"}
    delta = {"W1": "d1", "b1": "d1", "W2": "d2", "b2": "d2", "w3": "d3", "b3": "d3"}[name]
    if name.startswith("b"):
        return f"{delta}[{index[0] + 1}]"
    if name == "w3":
        return f"d3 h2[{index[0] + 1}]"
    return f"{below[name]}[{index[0] + 1}] {delta}[{index[1] + 1}]"


def forward_rows(f: dict[str, Any], nodes: dict[str, list[Value]], E: Value) -> list[dict]:
    """Every forward value: numpy's equations against the engine's nodes."""
    formulas = {
        "z1": "(W1^T x + b1)",
        "h1": "sigmoid(z1)",
        "z2": "(W2^T h1 + b2)",
        "h2": "sigmoid(z2)",
        "z3": "(w3^T h2 + b3)",
        "y_hat": "sigmoid(z3)",
    }
    rows = [
        Row(node.label, f"{formulas[name]}[{j + 1}]", f[name][j], node.data)
        for name, stage in nodes.items()
        for j, node in enumerate(stage)
    ]
    rows.append(Row("E", "1/2 (y - y_hat)^2", f["E"], E.data))
    return table("forward pass", rows)


def delta_rows(level: int, g: dict[str, Any], nodes: dict[str, list[Value]]) -> list[Row]:
    """Hidden layer ``level`` (1 or 2): dE/dh, the delta above sent down, then d = dE/dz."""
    h, upper = f"h{level}", {2: "w3 d3", 1: "W2 d2"}[level]
    return [
        Row(f"dE/d{h}[{j + 1}]", f"({upper})[{j + 1}]", g[f"dE/d{h}"][j], node.grad)
        for j, node in enumerate(nodes[h])
    ] + [
        Row(
            f"d{level}[{j + 1}] = dE/dz{level}[{j + 1}]",
            f"dE/d{h}[{j + 1}] {h}[{j + 1}] (1 - {h}[{j + 1}])",
            g[f"d{level}"][j],
            node.grad,
        )
        for j, node in enumerate(nodes[f"z{level}"])
    ]


def backward_rows(g: dict[str, Any], model: ThreeLayerNet, nodes: dict) -> list[dict]:
    """Each delta and every gradient, one table per layer from the top, hand vs engine."""
    ours = model.seed_grads()
    (y_hat,) = nodes["y_hat"]
    heads = {
        3: [
            Row("dE/dy_hat", "y_hat - y", g["dE/dy_hat"][0], y_hat.grad),
            Row("d3 = dE/dz3", "(y_hat - y) y_hat (1 - y_hat)", g["d3"][0], nodes["z3"][0].grad),
        ],
        2: delta_rows(2, g, nodes),
        1: delta_rows(1, g, nodes),
    }
    rows = []
    for level, (weight, bias) in zip((3, 2, 1), reversed(LAYERS)):
        params = [
            Row(f"dE/d{entry(n, i)}", parameter_formula(n, i), g[n][i], ours[n][i])
            for n in (weight, bias)
            for i in np.ndindex(g[n].shape)
        ]
        start = ", from dE/dE = 1" if level == 3 else f", reusing d{level + 1}"
        rows += table(f"\nbackward, layer {level}: {weight}, {bias}{start}", heads[level] + params)
    return rows


def difference_rows(fd: dict[str, np.ndarray], ours: dict[str, np.ndarray]) -> list[dict]:
    """Every parameter gradient: central differences of the numpy forward against the engine."""
    rows = [
        Row(f"dE/d{entry(n, i)}", "[E(+h) - E(-h)] / 2h", fd[n][i], ours[n][i])
        for n in fd
        for i in np.ndindex(fd[n].shape)
    ]
    title = f"\ncentral differences: each parameter nudged by +-h = {H:g} in the numpy forward"
    return table(title, rows)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Build ThreeLayerNet(2, 3, 1), run one example forward and backward, check every number."""
    args = demo_parser("three_layer_net", __doc__).parse_args(argv)
    model = ThreeLayerNet(2, 3, 1)
    model.load_seed_weights(WEIGHTS)
    print("seed 001's ThreeLayerNet(2, 3, 1), sigmoid after every layer; E = 1/2 (y - y_hat)^2")
    print(f"the seed gives no data; we use x = {X}, y = {Y:g} and (z = W^T h + b):")
    for name, value in WEIGHTS.items():
        print(f"  {name} = {value}")
    print()
    nodes = model.forward(X)
    E = squared_error(nodes["y_hat"][0], Y)
    E.label = "E"
    E.backward()

    theta = {k: np.array(v, dtype=float) for k, v in WEIGHTS.items()}
    x = np.array(X)
    f, g = numpy_forward(theta, x, Y), hand_backprop(theta, x, Y)
    rows = forward_rows(f, nodes, E) + backward_rows(g, model, nodes)
    print(
        "d3 is computed once and reused for dE/dh2 = w3 d3, d2 for dE/dh1 = W2 d2 "
        '(seed 001: "already computed!")'
    )
    ours = model.seed_grads()
    fd = central_differences(theta, x, Y)
    fd_rows = difference_rows(fd, ours)
    fd_gap = max(r["gap"] for r in fd_rows)
    print(f"largest |central difference - engine| over all 25 parameters: {fd_gap:.1e}")
    graph = write_graph(E, os.path.join(args.out, "graph.svg"), parameters=model.parameters())
    return {
        "x": X,
        "y": Y,
        "weights": WEIGHTS,
        "forward": {k: [v.data for v in stage] for k, stage in nodes.items()},
        "E": E.data,
        "grads": {k: v.tolist() for k, v in ours.items()},
        "node_grads": {k: [v.grad for v in stage] for k, stage in nodes.items()},
        "finite_differences": {k: v.tolist() for k, v in fd.items()},
        "max_gap": max(r["gap"] for r in rows),
        "max_fd_gap": fd_gap,
        "rows": rows,
        "fd_rows": fd_rows,
        "graphs": [graph] if graph else [],
    }


if __name__ == "__main__":
    main()
