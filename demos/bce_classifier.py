"""A 1-hidden-layer binary classifier with cross-entropy: dE/dz2 = yhat - y, and the batch form.

Part 1, one example, as UVA CS 6316 lecture 15 writes it (no biases):

    z1 = W1^T x,  h1 = sigmoid(z1),  z2 = w2^T h1,  yhat = sigmoid(z2)
    E = -y ln(yhat) - (1 - y) ln(1 - yhat)
    dE/dw2 = (yhat - y)/(yhat(1 - yhat)) * yhat(1 - yhat) * h1 = (yhat - y) h1
    dE/dW1 = (yhat - y) * w2 * h1(1 - h1) * x

The graph is built literally (sigmoid, then log): the engine multiplies
dE/dyhat by dyhat/dz2 and the yhat(1 - yhat) cancels to yhat - y.

Part 2, a batch of m examples with biases, on the mean loss: the
gradients the scalar graph gives (an ``nn.MLP`` with a sigmoid output and
``nn.binary_cross_entropy`` on its probability yhat) against the vectorised formulas of
Y. Pan's lecture (dZ2 = A2 - Y, dW2 = 1/m dZ2 A1^T, dZ1 = W2^T dZ2 * g'(Z1),
dW1 = 1/m dZ1 X^T, db = 1/m row sums), whose output layer is D. Bui's
dW = 1/m X^T (P - Y) with the hidden activations as X. Part 1's W1 is
p x d (seed 001: z1 = W1^T x); Pan and ``nn`` use its transpose, d x p
(z1 = W x + b, ``Layer.weight()``). Both parts name the gradient of the
weight from input i to hidden unit j dW1[i,j].

The lectures give no numbers; the weights and data below are our choice.

    python -m autograd_lite.demos.bce_classifier [--out out/bce_classifier]
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
from autograd_lite.demos.report import Row, demo_parser, table, write_graph

from autograd_lite import Value
from nn import MLP, binary_cross_entropy, total

# Part 1: our numbers (p = 2 inputs, d = 3 hidden units).
X_ONE = [1.0, 0.5]
Y_ONE = 1.0
W1 = [[0.5, -0.3, 0.8], [0.2, 0.7, -0.6]]  # p x d: column j feeds hidden unit j
W2 = [1.0, -1.5, 0.6]

# Part 2: a batch of M examples from this seed, an MLP(2, [3, 1]) from the same seed.
M = 8
SEED = 0


def single_example() -> dict[str, Any]:
    """Part 1: the lecture's graph on one example; returns rows and gradients."""
    p, d = len(X_ONE), len(W2)
    x = [Value(v, label=f"x{i + 1}") for i, v in enumerate(X_ONE)]
    W1v = [[Value(W1[i][j], label=f"W1[{i + 1},{j + 1}]") for j in range(d)] for i in range(p)]
    w2v = [Value(W2[j], label=f"w2[{j + 1}]") for j in range(d)]
    z1 = [total([W1v[i][j] * x[i] for i in range(p)]) for j in range(d)]
    h1 = [z.sigmoid() for z in z1]
    z2 = total([w2v[j] * h1[j] for j in range(d)])
    yhat = z2.sigmoid()
    E = -Y_ONE * yhat.log() - (1 - Y_ONE) * (1 - yhat).log()
    for j in range(d):
        z1[j].label, h1[j].label = f"z1[{j + 1}]", f"h1[{j + 1}]"
    z2.label, yhat.label, E.label = "z2", "yhat", "E"
    E.backward()

    # The lecture's formulas with numpy.
    xn, Wn, wn = np.array(X_ONE), np.array(W1), np.array(W2)
    h = 1 / (1 + np.exp(-(Wn.T @ xn)))
    yh = 1 / (1 + np.exp(-(wn @ h)))
    En = -Y_ONE * np.log(yh) - (1 - Y_ONE) * np.log(1 - yh)
    dW1 = np.outer(xn, (yh - Y_ONE) * wn * h * (1 - h))

    rows = table(
        "part 1: one example, E = -y ln(yhat) - (1 - y) ln(1 - yhat)",
        [
            Row("yhat", "sigmoid(w2^T sigmoid(W1^T x))", yh, yhat.data),
            Row("E", "-y ln yhat - (1-y) ln(1-yhat)", En, E.data),
            Row(
                "dE/dyhat",
                "(yhat - y) / (yhat (1 - yhat))",
                (yh - Y_ONE) / (yh * (1 - yh)),
                yhat.grad,
            ),
            Row("dE/dz2", "yhat - y", yh - Y_ONE, z2.grad),
        ]
        + [
            Row(f"dE/dw2[{j + 1}]", f"(yhat - y) h1[{j + 1}]", (yh - Y_ONE) * h[j], w2v[j].grad)
            for j in range(d)
        ]
        + [
            Row(
                f"dE/dW1[{i + 1},{j + 1}]",
                f"(yhat - y) w2[{j + 1}] h1[{j + 1}](1 - h1[{j + 1}]) x{i + 1}",
                dW1[i, j],
                W1v[i][j].grad,
            )
            for i in range(p)
            for j in range(d)
        ],
    )
    params = [w for row in W1v for w in row] + w2v
    return {
        "yhat": yhat.data,
        "E": E.data,
        "dE_dz2": z2.grad,
        "y": Y_ONE,
        "rows": rows,
        "root": E,
        "parameters": params,
    }


def batch() -> dict[str, Any]:
    """Part 2: the scalar graph's gradients of the mean loss against the batch formulas."""
    rng = np.random.default_rng(SEED)
    X = rng.normal(size=(M, 2))  # one example per row
    Y = (X[:, 0] * X[:, 1] > 0).astype(float)
    model = MLP(2, [3, 1], activation="sigmoid", output_activation="sigmoid", seed=SEED)
    state = model.state_dict()  # weights from Gaussian(0, 1/fan-in); biases start at 0
    model.load_state_dict(
        {k: float(rng.normal(0.0, 0.5)) if k.endswith(".b") else v for k, v in state.items()}
    )
    loss = total([binary_cross_entropy(model(list(x)), float(y)) for x, y in zip(X, Y)]) / M
    loss.backward()

    # Pan's matrices (z = W x + b) are nn's: W^[1] is d x p, W^[2] is 1 x d.
    hidden, out = model.layers
    W1n, b1n = hidden.weight(), hidden.bias()[:, None]
    W2n, b2n = out.weight(), out.bias()[:, None]

    # Y. Pan's vectorised backprop; examples are the columns of Xc.
    Xc, Yc = X.T, Y[None, :]
    A1 = 1 / (1 + np.exp(-(W1n @ Xc + b1n)))
    A2 = 1 / (1 + np.exp(-(W2n @ A1 + b2n)))
    dZ2 = A2 - Yc
    dW2 = dZ2 @ A1.T / M
    db2 = dZ2.sum(axis=1, keepdims=True) / M
    dZ1 = (W2n.T @ dZ2) * A1 * (1 - A1)
    dW1 = dZ1 @ Xc.T / M  # d x p
    db1 = dZ1.sum(axis=1, keepdims=True) / M
    # D. Bui's form for the output layer: examples are rows, X = hidden activations.
    bui = A1 @ (A2 - Yc).T / M  # = Xb^T (P - Y) / m with Xb = A1^T, P = A2^T
    mean_loss = float(np.mean(-Y * np.log(A2[0]) - (1 - Y) * np.log(1 - A2[0])))

    ours_W1, ours_b1 = hidden.weight_grad(), hidden.bias_grad()
    rows_in = [
        Row(f"dW1[{i + 1},{j + 1}]", f"1/m (dZ1 X^T)[{j + 1},{i + 1}]", dW1[j, i], ours_W1[j, i])
        for i in range(2)
        for j in range(3)
    ]
    rows_in += [
        Row(f"db1[{j + 1}]", "1/m sum(dZ1, axis=1)", db1[j, 0], ours_b1[j]) for j in range(3)
    ]
    ours_W2 = out.weight_grad()[0]
    rows_out = [Row(f"dw2[{j + 1}]", "1/m dZ2 A1^T", dW2[0, j], ours_W2[j]) for j in range(3)]
    rows_out.append(Row("db2", "1/m sum(dZ2)", db2[0, 0], out.bias_grad()[0]))
    rows_out += [
        Row(f"dw2[{j + 1}]", "1/m X^T (P - Y), X = A1^T", bui[j, 0], ours_W2[j]) for j in range(3)
    ]
    print(
        f"\npart 2: a batch of m = {M} examples (seed {SEED}), {model}:\n"
        "the lecture's network with biases: sigmoid hidden units, yhat = sigmoid(z2), and\n"
        "nn.binary_cross_entropy on the probability yhat, averaged over the batch.\n"
        "W1[i,j] still means input i -> hidden unit j, as in part 1 (the p x d matrix of\n"
        "z1 = W1^T x). Y. Pan (seed 003) and nn write z1 = W x + b with the d x p matrix\n"
        "W = W1^T (hidden.weight()), so Pan's dW^[1] = 1/m dZ1 X^T is read at [j, i]."
    )
    rows = table(
        "gradients of the mean loss: vectorised formulas vs the scalar graph",
        [Row("E", "mean of -y ln a2 - (1-y) ln(1-a2)", mean_loss, loss.data)] + rows_in + rows_out,
    )
    return {
        "m": M,
        "loss": loss.data,
        "X": X.tolist(),
        "Y": Y.tolist(),
        "W1": W1n.T.tolist(),  # p x d, part 1's orientation
        "b1": b1n[:, 0].tolist(),
        "w2": W2n[0].tolist(),
        "b2": float(b2n[0, 0]),
        "rows": rows,
        "max_gap": max(r["gap"] for r in rows),
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run both parts; return their rows and the key numbers."""
    args = demo_parser("bce_classifier", __doc__).parse_args(argv)
    print("binary classifier with one hidden layer of sigmoid units and cross-entropy loss")
    print(
        f"the lectures give no numbers; we use x = {X_ONE}, y = {Y_ONE:g}, "
        f"W1 = {W1} (p x d), w2 = {W2}\n"
    )
    one = single_example()
    root, params = one.pop("root"), one.pop("parameters")
    graphs = [write_graph(root, os.path.join(args.out, "graph.svg"), parameters=params)]
    many = batch()
    print(
        f"\ndE/dz2 = {one['dE_dz2']:.10g} and yhat - y = {one['yhat'] - one['y']:.10g}; "
        f"batch: largest |formula - graph| = {many['max_gap']:.1e}"
    )
    return {
        "single": one,
        "batch": many,
        "rows": one["rows"] + many["rows"],
        "graphs": [p for p in graphs if p],
    }


if __name__ == "__main__":
    main()
