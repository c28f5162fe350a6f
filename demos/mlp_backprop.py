"""Backprop for a multi-output MLP: the scalar graph's grads are the lecture's matrix equations.

Grosse's CSC 411 lecture 10 (seed 004), "Multilayer Perceptron (multiple
outputs)", in vectorised form:

    forward:  z = W(1) x + b(1),  h = sigma(z),  y = W(2) h + b(2),  L = 1/2 ||t - y||^2
    backward: y_bar = y - t,  W(2)_bar = y_bar h^T,  b(2)_bar = y_bar,
              h_bar = W(2)^T y_bar,  z_bar = h_bar o sigma'(z),
              W(1)_bar = z_bar x^T,  b(1)_bar = z_bar

Read as a recursion over layers (a(0) = x, a(l) = f(z(l)), delta(l) = dL/dz(l)):

    delta(L) = y - t,  delta(l) = f'(z(l)) o W(l+1)^T delta(l+1),
    dL/dW(l) = delta(l) a(l-1)^T,  dL/db(l) = delta(l)

This demo builds ``MLP(3, [4, 4, 2], activation="sigmoid")`` (two hidden
layers, so the recursion runs twice), backpropagates through its scalar
graph, reads each layer's grads as matrices with ``Layer.weight_grad()``
and ``bias_grad()``, and compares them with the equations above evaluated
with numpy. W(l) has shape (nout, nin), as in the lecture and in ``nn``; the
loss has the lecture's 1/2, so y_bar = y - t. The lecture gives no numbers:
the input, target and weights (seed 0; biases drawn too) are our choice.

    python -m autograd_lite.demos.mlp_backprop [--out out/mlp_backprop]
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
from autograd_lite.demos.report import Row, demo_parser, table, write_graph

from nn import MLP, squared_error

X = [0.5, -1.2, 2.0]
T = [1.0, -0.5]
SIZES = [4, 4, 2]
SEED = 0


def build() -> tuple[MLP, Any]:
    """The network (sigmoid hidden layers, linear output) and its loss, after backward."""
    model = MLP(len(X), SIZES, activation="sigmoid", seed=SEED)
    rng = np.random.default_rng(SEED + 1)
    state = model.state_dict()
    model.load_state_dict(
        {k: float(rng.normal(0, 0.5)) if k.endswith(".b") else v for k, v in state.items()}
    )
    loss = squared_error(model(X), T)
    loss.label = "L"
    loss.backward()
    return model, loss


def lecture_backward(
    weights: list[np.ndarray], biases: list[np.ndarray], x: np.ndarray, t: np.ndarray
) -> dict[str, list[np.ndarray]]:
    """The lecture's recursion with numpy: deltas, dL/dW and dL/db for every layer."""
    a, zs = [x], []
    for layer, (W, b) in enumerate(zip(weights, biases)):
        zs.append(W @ a[-1] + b)
        last = layer == len(weights) - 1
        a.append(zs[-1] if last else 1 / (1 + np.exp(-zs[-1])))
    delta = a[-1] - t  # y_bar = y - t (the loss has the 1/2)
    deltas, dW, db = [], [], []
    for layer in reversed(range(len(weights))):
        deltas.insert(0, delta)
        dW.insert(0, np.outer(delta, a[layer]))  # delta a^T
        db.insert(0, delta)
        if layer > 0:
            s = a[layer]  # sigma(z), so sigma'(z) = s (1 - s)
            delta = s * (1 - s) * (weights[layer].T @ delta)  # f'(z) o W^T delta
    return {"a": a, "deltas": deltas, "dW": dW, "db": db}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Compare every layer's grads with the lecture's matrix equations; return the gaps."""
    args = demo_parser("mlp_backprop", __doc__).parse_args(argv)
    model, loss = build()
    print(f"{model}: the lecture's MLP with multiple outputs, one more hidden layer")
    print(f"the lecture gives no numbers; we use x = {X}, t = {T}, weights from seed {SEED}")
    print(
        "W(l) is (nout, nin) and z = W x + b, as seed 004 and nn write it; "
        "L = 1/2 ||t - y||^2 has the\nlecture's 1/2 (nn.squared_error), so y_bar = y - t\n"
    )
    weights = [layer.weight() for layer in model.layers]
    biases = [layer.bias() for layer in model.layers]
    lecture = lecture_backward(weights, biases, np.array(X), np.array(T))

    y_bar = lecture["deltas"][-1]
    last, n = model.layers[-1], len(model.layers)
    out_rows = table(
        f"output layer W({n}), entry by entry (seed 004's scalar form; h = a({n - 1}))",
        [Row(f"y_bar[{k}]", "y_k - t_k", y_bar[k], v) for k, v in enumerate(last.bias_grad())]
        + [
            Row(f"W({n})_bar[{k},{i}]", f"y_bar_{k} h_{i}", lecture["dW"][-1][k, i], g)
            for (k, i), g in np.ndenumerate(last.weight_grad())
        ],
    )
    print("\nevery layer as matrices: largest |lecture formula - scalar graph|")
    gaps = []
    for k, layer in enumerate(model.layers, start=1):
        gW = float(np.max(np.abs(lecture["dW"][k - 1] - layer.weight_grad())))
        gb = float(np.max(np.abs(lecture["db"][k - 1] - layer.bias_grad())))
        gaps += [gW, gb]
        shape = "x".join(map(str, layer.weight().shape))
        print(f"  layer {k}: dL/dW = delta a^T ({shape})  {gW:.1e}    dL/db = delta  {gb:.1e}")
    h_bar = weights[-1].T @ y_bar
    print(
        f"\nh_bar = W({n})^T y_bar = {np.round(h_bar, 6).tolist()}; then "
        f"delta({n - 1}) = sigma'(z({n - 1})) o h_bar, and so on down to layer 1"
    )
    largest = max(gaps + [r["gap"] for r in out_rows])
    print(f"largest difference over all {len(model.parameters())} parameters: {largest:.1e}")
    graphs = [
        write_graph(loss, os.path.join(args.out, "graph.svg"), collapse="neuron", rankdir="LR")
    ]
    return {
        "x": X,
        "t": T,
        "weights": [w.tolist() for w in weights],
        "biases": [b.tolist() for b in biases],
        "weight_grads": [layer.weight_grad().tolist() for layer in model.layers],
        "bias_grads": [layer.bias_grad().tolist() for layer in model.layers],
        "max_gap": largest,
        "loss": loss.data,
        "rows": out_rows,
        "graphs": [p for p in graphs if p],
    }


if __name__ == "__main__":
    main()
