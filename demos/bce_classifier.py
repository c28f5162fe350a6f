"""A 1-hidden-layer binary classifier with cross-entropy: dE/dz2 = yhat - y, and the batch form.

Part 1, one example, as UVA CS 6316 lecture 15 (seed 001, U11, U12, U21) writes it (no biases):

    z1 = W1^T x,  h1 = sigmoid(z1),  z2 = w2^T h1,  yhat = sigmoid(z2)
    E = -y ln(yhat) - (1 - y) ln(1 - yhat)
    dE/dw2 = (yhat - y)/(yhat(1 - yhat)) * yhat(1 - yhat) * h1 = (yhat - y) h1
    dE/dW1 = (yhat - y)/(yhat(1 - yhat)) * yhat(1 - yhat) * w2 * h1(1 - h1) * x
    w2(t + 1) = w2(t) - eta dE/dw2(t),   W1(t + 1) = W1(t) - eta dE/dW1(t)

The graph is built literally (sigmoid, then log): the demo prints h1,
dE/dyhat and the sigmoid edge's local derivative dyhat/dz2 = yhat(1 - yhat),
and multiplies them, so the cancellation to yhat - y is seen in numbers.
The slide marks the first two factors of dE/dW1 "already computed!": they
are dE/dz2, the grad of node z2, which backprop computes once and reuses,
multiplied by the edge z2 -> h1[j] (w2[j]), for every dE/dW1[i,j]. Then one
gradient-descent step with eta = 0.5 gives w2(t + 1), W1(t + 1) and E after.

Part 2, a batch of m examples with biases, on the mean loss: the
gradients the scalar graph gives (an ``nn.MLP`` with a sigmoid output and
``nn.binary_cross_entropy`` on its probability yhat) against the vectorised formulas of
Y. Pan's lecture (dZ2 = A2 - Y, dW2 = 1/m dZ2 A1^T, dZ1 = W2^T dZ2 * g'(Z1),
dW1 = 1/m dZ1 X^T, db = 1/m row sums), whose output layer is D. Bui's
dW = 1/m X^T (P - Y) with the hidden activations as X. Part 1's W1 is
p x d (seed 001: z1 = W1^T x); Pan and ``nn`` use its transpose, d x p
(z1 = W x + b, ``Layer.weight()``). Both parts name the gradient of the
weight from input i to hidden unit j dW1[i,j].

The lectures give no numbers; the weights, data and eta below are our choice.

    python -m autograd_lite.demos.bce_classifier [--out out/bce_classifier]
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
from autograd_lite.demos.report import Row, demo_parser, number, table, write_graph

from autograd_lite import Value
from nn import MLP, binary_cross_entropy, total

# Part 1: our numbers (p = 2 inputs, d = 3 hidden units) and learning rate.
X_ONE = [1.0, 0.5]
Y_ONE = 1.0
W1 = [[0.5, -0.3, 0.8], [0.2, 0.7, -0.6]]  # p x d: column j feeds hidden unit j
W2 = [1.0, -1.5, 0.6]
ETA = 0.5

# Part 2: a batch of M examples from this seed, an MLP(2, [3, 1]) from the same seed.
M = 8
SEED = 0


def build_single(W1: list[list[float]] = W1, w2: list[float] = W2) -> dict[str, Any]:
    """Part 1's graph on (X_ONE, Y_ONE) with weights ``W1`` (p x d) and ``w2``; no backward yet.

    >>> round(build_single()["E"].data, 6)
    0.575771
    """
    p, d = len(X_ONE), len(w2)
    x = [Value(v, label=f"x{i + 1}") for i, v in enumerate(X_ONE)]
    W1v = [[Value(W1[i][j], label=f"W1[{i + 1},{j + 1}]") for j in range(d)] for i in range(p)]
    w2v = [Value(w2[j], label=f"w2[{j + 1}]") for j in range(d)]
    z1 = [total([W1v[i][j] * x[i] for i in range(p)]) for j in range(d)]
    h1 = [z.sigmoid() for z in z1]
    z2 = total([w2v[j] * h1[j] for j in range(d)])
    yhat = z2.sigmoid()
    E = -Y_ONE * yhat.log() - (1 - Y_ONE) * (1 - yhat).log()
    for j in range(d):
        z1[j].label, h1[j].label = f"z1[{j + 1}]", f"h1[{j + 1}]"
    z2.label, yhat.label, E.label = "z2", "yhat", "E"
    return {"W1": W1v, "w2": w2v, "z1": z1, "h1": h1, "z2": z2, "yhat": yhat, "E": E}


def lecture_in_numpy(W1: list[list[float]] = W1, w2: list[float] = W2) -> dict[str, Any]:
    """Part 1's forward pass and the slide's gradients, with numpy (independent of the engine).

    >>> n = lecture_in_numpy()
    >>> bool(np.isclose(n["dE_dyhat"] * n["dyhat_dz2"], n["yhat"] - Y_ONE))
    True
    """
    xn, Wn, wn = np.array(X_ONE), np.array(W1), np.array(w2)
    h = 1 / (1 + np.exp(-(Wn.T @ xn)))
    yh = 1 / (1 + np.exp(-(wn @ h)))
    E = -Y_ONE * np.log(yh) - (1 - Y_ONE) * np.log(1 - yh)
    dE_dyhat = (yh - Y_ONE) / (yh * (1 - yh))
    dyhat_dz2 = yh * (1 - yh)
    dE_dz2 = dE_dyhat * dyhat_dz2  # the slide's first two factors: "already computed!"
    dE_dh1 = dE_dz2 * wn
    return {
        "h1": h,
        "yhat": yh,
        "E": E,
        "dE_dyhat": dE_dyhat,
        "dyhat_dz2": dyhat_dz2,
        "dE_dz2": dE_dz2,
        "dE_dw2": (yh - Y_ONE) * h,
        "dE_dh1": dE_dh1,
        "dE_dz1": dE_dh1 * h * (1 - h),
        "dE_dW1": np.outer(xn, (yh - Y_ONE) * wn * h * (1 - h)),
    }


def forward_rows(g: dict[str, Any], n: dict[str, Any]) -> list[dict[str, Any]]:
    """Part 1's forward table: h1 (needed for dE/dw2), yhat and E."""
    d = len(W2)
    return table(
        "part 1: one example, forward pass",
        [
            Row(f"h1[{j + 1}]", f"sigmoid((W1^T x)[{j + 1}])", n["h1"][j], g["h1"][j].data)
            for j in range(d)
        ]
        + [
            Row("yhat", "sigmoid(w2^T h1)", n["yhat"], g["yhat"].data),
            Row("E", "-y ln yhat - (1-y) ln(1-yhat)", n["E"], g["E"].data),
        ],
    )


def output_rows(g: dict[str, Any], n: dict[str, Any]) -> list[dict[str, Any]]:
    """dE/dz2 = dE/dyhat * dyhat/dz2, with both factors printed, and dE/dw2 = (yhat - y) h1."""
    yhat, z2 = g["yhat"], g["z2"]
    (dyhat_dz2,) = yhat.local_grads  # the sigmoid edge's local derivative, stored at forward
    rows = table(
        "\nbackward to w2: dE/dw2 = dE/dyhat * dyhat/dz2 * dz2/dw2",
        [
            Row("dE/dyhat", "(yhat - y) / (yhat (1 - yhat))", n["dE_dyhat"], yhat.grad),
            Row("dyhat/dz2", "yhat (1 - yhat)", n["dyhat_dz2"], dyhat_dz2),
            Row("dE/dz2", "dE/dyhat * dyhat/dz2", n["dE_dyhat"] * n["dyhat_dz2"], z2.grad),
            Row("dE/dz2", "yhat - y", n["yhat"] - Y_ONE, z2.grad),
        ]
        + [
            Row(f"dE/dw2[{j + 1}]", f"(yhat - y) h1[{j + 1}]", n["dE_dw2"][j], w.grad)
            for j, w in enumerate(g["w2"])
        ],
    )
    print(
        f"the yhat(1 - yhat) cancels: ({number(yhat.data - Y_ONE)} / {number(dyhat_dz2)}) "
        f"* {number(dyhat_dz2)} = {number(yhat.grad * dyhat_dz2)} = yhat - y"
    )
    return rows


def hidden_rows(g: dict[str, Any], n: dict[str, Any]) -> list[dict[str, Any]]:
    """dE/dW1, reusing dE/dz2 ("already computed!") through the edges z2 -> h1[j]."""
    p, d = len(X_ONE), len(W2)
    z2 = g["z2"]
    rows = table(
        "\nbackward to W1: dE/dW1 = [dE/dyhat * dyhat/dz2] * dz2/dh1 * dh1/dz1 * dz1/dW1",
        [
            Row(f"dE/dh1[{j + 1}]", f"dE/dz2 * w2[{j + 1}]", n["dE_dh1"][j], h.grad)
            for j, h in enumerate(g["h1"])
        ]
        + [
            Row(
                f"dh1[{j + 1}]/dz1[{j + 1}]",
                f"h1[{j + 1}] (1 - h1[{j + 1}])",
                n["h1"][j] * (1 - n["h1"][j]),
                h.local_grads[0],
            )
            for j, h in enumerate(g["h1"])
        ]
        + [
            Row(
                f"dE/dW1[{i + 1},{j + 1}]",
                f"(yhat - y) w2[{j + 1}] h1[{j + 1}](1 - h1[{j + 1}]) x{i + 1}",
                n["dE_dW1"][i, j],
                g["W1"][i][j].grad,
            )
            for i in range(p)
            for j in range(d)
        ],
    )
    reused = all(h.grad == z2.grad * w.data for h, w in zip(g["h1"], g["w2"]))
    print(
        f'"already computed!": dE/dz2 = {number(z2.grad)} is the grad of node z2, computed '
        "once.\nThe backward loop sends it down each edge z2 -> h1[j] times w2[j], and never "
        "forms\ndE/dyhat * dyhat/dz2 again: h1[j].grad == z2.grad * w2[j] exactly for every j: "
        f"{reused}.\nThe slide's formulas repeat that product in each of the {d} + {p * d} "
        "gradients of w2 and W1;\nbackprop forms it once."
    )
    return rows


def single_example() -> dict[str, Any]:
    """Part 1: the lecture's graph on one example; returns rows and gradients."""
    g = build_single()
    g["E"].backward()
    n = lecture_in_numpy()
    rows = forward_rows(g, n) + output_rows(g, n) + hidden_rows(g, n)
    z2, yhat = g["z2"], g["yhat"]
    return {
        "yhat": yhat.data,
        "E": g["E"].data,
        "dE_dz2": z2.grad,
        "y": Y_ONE,
        "h1": [h.data for h in g["h1"]],
        "dE_dyhat": yhat.grad,
        "dyhat_dz2": yhat.local_grads[0],
        "dE_dh1": [h.grad for h in g["h1"]],
        "dE_dw2": [w.grad for w in g["w2"]],
        "dE_dW1": [[w.grad for w in row] for row in g["W1"]],
        "reused": all(h.grad == z2.grad * w.data for h, w in zip(g["h1"], g["w2"])),
        "rows": rows,
        "root": g["E"],
        "parameters": [w for row in g["W1"] for w in row] + g["w2"],
        "graph": g,
    }


def gradient_step(g: dict[str, Any], eta: float = ETA) -> dict[str, Any]:
    """One step of the slide's w(t + 1) = w(t) - eta dE/dw(t) on part 1's Values (in place)."""
    n = lecture_in_numpy()
    W1_next = np.array(W1) - eta * n["dE_dW1"]
    w2_next = np.array(W2) - eta * n["dE_dw2"]
    for w in [w for row in g["W1"] for w in row] + g["w2"]:
        w.data -= eta * w.grad  # the update, outside the graph
    W1_ours = [[w.data for w in row] for row in g["W1"]]
    w2_ours = [w.data for w in g["w2"]]
    after = build_single(W1_ours, w2_ours)["E"].data
    E_next = lecture_in_numpy(W1_next.tolist(), w2_next.tolist())["E"]
    p, d = len(X_ONE), len(W2)
    rows = table(
        f"\none gradient-descent step, eta = {eta:g} (our choice)",
        [
            Row(
                f"w2[{j + 1}](t+1)", f"w2[{j + 1}](t) - eta dE/dw2[{j + 1}]", w2_next[j], w2_ours[j]
            )
            for j in range(d)
        ]
        + [
            Row(
                f"W1[{i + 1},{j + 1}](t+1)",
                f"W1[{i + 1},{j + 1}](t) - eta dE/dW1[{i + 1},{j + 1}]",
                W1_next[i, j],
                W1_ours[i][j],
            )
            for i in range(p)
            for j in range(d)
        ]
        + [Row("E(t+1)", "E at w2(t+1), W1(t+1)", E_next, after)],
    )
    before = n["E"]
    print(f"E went from {number(before)} to {number(after)} ({after - before:+.3g})")
    return {
        "eta": eta,
        "W1_next": W1_ours,
        "w2_next": w2_ours,
        "E_before": g["E"].data,
        "E_after": after,
        "rows": rows,
    }


def _batch_model(rng: np.random.Generator) -> tuple[MLP, np.ndarray, np.ndarray]:
    """Part 2's data (one example per row), labels and MLP(2, [3, 1]) with random biases."""
    X = rng.normal(size=(M, 2))  # one example per row
    Y = (X[:, 0] * X[:, 1] > 0).astype(float)
    model = MLP(2, [3, 1], activation="sigmoid", output_activation="sigmoid", seed=SEED)
    state = model.state_dict()  # weights from Gaussian(0, 1/fan-in); biases start at 0
    model.load_state_dict(
        {k: float(rng.normal(0.0, 0.5)) if k.endswith(".b") else v for k, v in state.items()}
    )
    return model, X, Y


def _pan_formulas(model: MLP, X: np.ndarray, Y: np.ndarray) -> dict[str, Any]:
    """Y. Pan's vectorised backprop (and D. Bui's output-layer form) with numpy."""
    # Pan's matrices (z = W x + b) are nn's: W^[1] is d x p, W^[2] is 1 x d.
    hidden, out = model.layers
    W1n, b1n = hidden.weight(), hidden.bias()[:, None]
    W2n, b2n = out.weight(), out.bias()[:, None]
    # Y. Pan's vectorised backprop; examples are the columns of Xc.
    Xc, Yc = X.T, Y[None, :]
    A1 = 1 / (1 + np.exp(-(W1n @ Xc + b1n)))
    A2 = 1 / (1 + np.exp(-(W2n @ A1 + b2n)))
    dZ2 = A2 - Yc
    dZ1 = (W2n.T @ dZ2) * A1 * (1 - A1)
    return {
        "W1": W1n,
        "b1": b1n,
        "W2": W2n,
        "b2": b2n,
        "dW2": dZ2 @ A1.T / M,
        "db2": dZ2.sum(axis=1, keepdims=True) / M,
        "dW1": dZ1 @ Xc.T / M,  # d x p
        "db1": dZ1.sum(axis=1, keepdims=True) / M,
        # D. Bui's form for the output layer: examples are rows, X = hidden activations.
        "bui": A1 @ (A2 - Yc).T / M,  # = Xb^T (P - Y) / m with Xb = A1^T, P = A2^T
        "mean_loss": float(np.mean(-Y * np.log(A2[0]) - (1 - Y) * np.log(1 - A2[0]))),
    }


def _batch_gradient_rows(model: MLP, f: dict[str, Any]) -> list[Row]:
    """Rows comparing Pan's (and Bui's) gradients with the scalar graph's, layer by layer."""
    hidden, out = model.layers
    ours_W1, ours_b1 = hidden.weight_grad(), hidden.bias_grad()
    dW1, db1, dW2, bui = f["dW1"], f["db1"], f["dW2"], f["bui"]
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
    rows_out.append(Row("db2", "1/m sum(dZ2)", f["db2"][0, 0], out.bias_grad()[0]))
    rows_out += [
        Row(f"dw2[{j + 1}]", "1/m X^T (P - Y), X = A1^T", bui[j, 0], ours_W2[j]) for j in range(3)
    ]
    return rows_in + rows_out


def _print_batch_intro(model: MLP) -> None:
    """Part 2's heading: the network, the loss and how W1 is oriented in each lecture."""
    print(
        f"\npart 2: a batch of m = {M} examples (seed {SEED}), {model}:\n"
        "the lecture's network with biases: sigmoid hidden units, yhat = sigmoid(z2), and\n"
        "nn.binary_cross_entropy on the probability yhat, averaged over the batch.\n"
        "W1[i,j] still means input i -> hidden unit j, as in part 1 (the p x d matrix of\n"
        "z1 = W1^T x). Y. Pan (seed 003) and nn write z1 = W x + b with the d x p matrix\n"
        "W = W1^T (hidden.weight()), so Pan's dW^[1] = 1/m dZ1 X^T is read at [j, i]."
    )


def batch() -> dict[str, Any]:
    """Part 2: the scalar graph's gradients of the mean loss against the batch formulas."""
    model, X, Y = _batch_model(np.random.default_rng(SEED))
    loss = total([binary_cross_entropy(model(list(x)), float(y)) for x, y in zip(X, Y)]) / M
    loss.backward()
    f = _pan_formulas(model, X, Y)
    _print_batch_intro(model)
    rows = table(
        "gradients of the mean loss: vectorised formulas vs the scalar graph",
        [Row("E", "mean of -y ln a2 - (1-y) ln(1-a2)", f["mean_loss"], loss.data)]
        + _batch_gradient_rows(model, f),
    )
    return {
        "m": M,
        "loss": loss.data,
        "X": X.tolist(),
        "Y": Y.tolist(),
        "W1": f["W1"].T.tolist(),  # p x d, part 1's orientation
        "b1": f["b1"][:, 0].tolist(),
        "w2": f["W2"][0].tolist(),
        "b2": float(f["b2"][0, 0]),
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
    root, params, g = one.pop("root"), one.pop("parameters"), one.pop("graph")
    graphs = [write_graph(root, os.path.join(args.out, "graph.svg"), parameters=params)]
    step = gradient_step(g)
    many = batch()
    print(
        f"\ndE/dz2 = {one['dE_dz2']:.10g} and yhat - y = {one['yhat'] - one['y']:.10g}; "
        f"batch: largest |formula - graph| = {many['max_gap']:.1e}"
    )
    return {
        "single": one,
        "update": step,
        "batch": many,
        "rows": one["rows"] + step["rows"] + many["rows"],
        "graphs": [p for p in graphs if p],
    }


if __name__ == "__main__":
    main()
