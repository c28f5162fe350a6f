"""The input gradient dL/dx of a layer y = W^T x + b, read off the graph.

D. Bui's "Neural Networks Basics" (seed 002) writes the layer as
y = W^T x + b with W of shape (nin, nout), so w_ij joins input i to output
j, and asks for two gradients:

* dL/dW, to adjust W;
* dL/dx, "propagated back to adjust weight matrices of previous layers".

A nudge dx_0 moves every output, y_j by w_0j dx_0, so
dL/dx_0 = dL/dy_0 w_00 + dL/dy_1 w_01 + dL/dy_2 w_02; for every input at
once, with row vectors, dL/dx = dL/dy W^T, and dL/dW = x^T dL/dy (an outer
product, shape (nin, nout) like W).

The seed assumes dL/dy is known; we take L = 1/2 ||y - t||^2, so
dL/dy = y - t. Numbers (x, t, W, b) are our choice. The demo builds the
layer from Values in the seed's own orientation, then the same layer as an
``nn.Layer``, whose ``weight()`` is (nout, nin): the seed's W transposed
(seed 004's and PyTorch's y = W x + b). The nudge is checked too:
(L(x + dx_0) - L(x)) / dx_0 approaches dL/dx_0.

    python -m autograd_lite.demos.input_gradient [--out out/input_gradient]
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
from autograd_lite.demos.report import Row, demo_parser, table, write_graph

from autograd_lite import Value
from nn import Layer, squared_error, total

X = [0.5, -1.0]
T = [1.0, 0.0, -1.0]
W = [[0.2, -0.4, 0.7], [0.9, 0.1, -0.3]]  # nin x nout: w_ij joins input i to output j
B = [0.1, 0.0, -0.2]
NUDGE = 1e-6


def seed_layer(x: list[float]) -> dict[str, Any]:
    """y = W^T x + b and L = 1/2 ||y - t||^2 on Values, in seed 002's orientation."""
    xs = [Value(v, label=f"x{i}") for i, v in enumerate(x)]
    ws = [[Value(w, label=f"w{i}{j}") for j, w in enumerate(row)] for i, row in enumerate(W)]
    ys = []
    for j in range(len(B)):
        y = total([ws[i][j] * xs[i] for i in range(len(xs))]) + B[j]
        y.label = f"y{j}"
        ys.append(y)
    loss = squared_error(ys, T)
    loss.label = "L"
    loss.backward()
    return {"x": xs, "w": ws, "y": ys, "L": loss}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Compare dL/dx and dL/dW from the graph with dL/dy W^T and x^T dL/dy."""
    args = demo_parser("input_gradient", __doc__).parse_args(argv)
    g = seed_layer(X)
    Wn, x, t = np.array(W), np.array(X), np.array(T)
    y = Wn.T @ x + np.array(B)
    dL_dy = y - t  # a row vector in the seed's notation
    dL_dx = dL_dy @ Wn.T
    dL_dW = np.outer(x, dL_dy)
    print("seed 002: y = W^T x + b, W of shape (nin, nout) = (2, 3); L = 1/2 ||y - t||^2")
    print(f"the seed gives no numbers; we use x = {X}, t = {T}, W = {W}, b = {B}\n")
    rows = table(
        "dL/dy, then the input gradient dL/dx = dL/dy W^T",
        [Row(f"dL/dy{j}", f"y{j} - t{j}", dL_dy[j], g["y"][j].grad) for j in range(3)]
        + [
            Row(
                f"dL/dx{i}",
                f"dL/dy0 w{i}0 + dL/dy1 w{i}1 + dL/dy2 w{i}2",
                sum(dL_dy[j] * Wn[i, j] for j in range(3)),
                g["x"][i].grad,
            )
            for i in range(2)
        ]
        + [Row(f"dL/dx{i}", f"(dL/dy W^T)[{i}]", dL_dx[i], g["x"][i].grad) for i in range(2)],
    )
    rows += table(
        "\nthe weight gradient dL/dW = x^T dL/dy, shape (nin, nout) like W",
        [
            Row(f"dL/dw{i}{j}", f"x{i} dL/dy{j}", dL_dW[i, j], g["w"][i][j].grad)
            for i in range(2)
            for j in range(3)
        ],
    )
    nudged = seed_layer([X[0] + NUDGE, X[1]])["L"].data
    slope = (nudged - g["L"].data) / NUDGE
    print(
        f"\nthe nudge: x0 -> x0 + {NUDGE:g} changes L by {nudged - g['L'].data:.6g}, "
        f"a slope of {slope:.6f}; dL/dx0 = {g['x'][0].grad:.6f}"
    )

    layer = Layer(2, 3, activation="linear", seed=0)
    layer.load_state_dict(
        {f"neurons.{j}.w.{i}": W[i][j] for i in range(2) for j in range(3)}
        | {f"neurons.{j}.b": B[j] for j in range(3)}
    )
    xs = [Value(v) for v in X]
    squared_error(layer(xs), T).backward()
    print(
        f"\nthe same layer as nn.Layer(2, 3): layer.weight() has shape {layer.weight().shape}, "
        "(nout, nin), and equals the seed's W transposed:"
    )
    rows += table(
        "  y = W x + b in nn's orientation: dL/dx = W^T dL/dy, dL/dW = dL/dy x^T",
        [
            Row(f"weight()[{j},{i}]", f"w{i}{j}", Wn[i, j], layer.weight()[j, i])
            for i in range(2)
            for j in range(3)
        ]
        + [Row(f"dL/dx{i}", f"(weight().T dL/dy)[{i}]", dL_dx[i], xs[i].grad) for i in range(2)]
        + [
            Row(f"weight_grad()[{j},{i}]", f"x{i} dL/dy{j}", dL_dW[i, j], layer.weight_grad()[j, i])
            for i, j in [(0, 2), (1, 0)]
        ],
    )
    print(
        "\nseed 002's dL/dW = x^T dL/dy has W's own shape (nin, nout); the one-example "
        "softmax gradient\n(p - y) x^T on its later slide has the transposed shape "
        "(autograd-lite demo softmax-ce shows both)"
    )
    graphs = [write_graph(g["L"], os.path.join(args.out, "graph.svg"))]
    return {
        "x": X,
        "t": T,
        "W": W,
        "b": B,
        "input_grad": [v.grad for v in g["x"]],
        "weight_grad": [[w.grad for w in row] for row in g["w"]],
        "nudge_slope": slope,
        "nn_weight": layer.weight().tolist(),
        "nn_input_grad": [v.grad for v in xs],
        "nn_weight_grad": layer.weight_grad().tolist(),
        "rows": rows,
        "graphs": [p for p in graphs if p],
    }


if __name__ == "__main__":
    main()
