"""An unrolled recurrent network: backprop through time, and gradients that scale like W^t.

Y. Pan's "Deep learning" (seed 003), recurrent NN, with the weights W, U,
b, c, V shared across time:

    a(t) = b + W h(t-1) + U x(t),   h(t) = tanh(a(t)),   o(t) = c + V h(t)

Part 1 unrolls T = 5 steps of it with Values (2 hidden units, 1 input, 1
output; numbers our choice) under L = 1/2 sum_t (o(t) - y(t))^2, and compares
the graph's gradients with backprop through time written out with numpy:

    delta_o(t) = o(t) - y(t)
    h_bar(t)   = V^T delta_o(t) + W^T a_bar(t+1)        (a_bar(T+1) = 0)
    a_bar(t)   = h_bar(t) o (1 - h(t)^2)
    dL/dW = sum_t a_bar(t) h(t-1)^T,  dL/dU = sum_t a_bar(t) x(t)^T,  dL/db = sum_t a_bar(t)
    dL/dV = sum_t delta_o(t) h(t)^T,  dL/dc = sum_t delta_o(t)

The shared W collects one term from every time step.

Part 2, the seed's argument for why long RNNs are hard to train: with no
input and no tanh, h(t) = W h(t-1) = W^t h(0), and for a symmetric
W = Q Lambda Q^T this is h(t) = Q Lambda^t Q^T h(0). (Erratum: the seed
writes h(t) = Q^T Lambda^t Q h(0). The two agree exactly when Q^2 commutes
with Lambda^t: for distinct eigenvalues, when Q^2 is diagonal, as for a
symmetric Q or a 90-degree rotation; for the 30-degree rotation used here
they differ.)
The gradient of L = u^T h(t) with respect to h(0) is (W^T)^t u =
Q Lambda^t Q^T u, so it shrinks or grows like the largest |eigenvalue| to the
power t. The demo backpropagates through t = 1 ... 30 steps for eigenvalues
(0.9, 0.5) and (1.1, 0.5), with Q a rotation by 30 degrees (our choice).

    python -m autograd_lite.demos.rnn [--out out/rnn]
"""

from __future__ import annotations

import math
import os
from typing import Any

import numpy as np
from autograd_lite.demos.plotting import save_figure
from autograd_lite.demos.report import Row, demo_parser, plot_or_skip, table

from autograd_lite import Value
from nn import squared_error, total

PARAMS = {
    "W": [[0.5, -0.3], [0.2, 0.4]],
    "U": [[1.0], [-0.5]],
    "b": [0.1, -0.1],
    "V": [[0.7, -1.2]],
    "c": [0.05],
}
XS = [0.5, -1.0, 0.8, 0.0, 1.2]
YS = [0.2, -0.1, 0.4, 0.0, 0.3]
ANGLE = math.radians(30.0)
SPECTRA = {"vanishing": (0.9, 0.5), "exploding": (1.1, 0.5)}
HORIZON = 30


def values(name: str) -> list[list[Value]]:
    """The parameter ``name`` as a matrix of labelled Values."""
    rows = PARAMS[name] if isinstance(PARAMS[name][0], list) else [[v] for v in PARAMS[name]]
    return [
        [Value(float(v), label=f"{name}[{i},{j}]") for j, v in enumerate(r)]
        for i, r in enumerate(rows)
    ]


def matvec(M: list[list[Value]], v: list[Any]) -> list[Value]:
    return [total([m * x for m, x in zip(row, v)]) for row in M]


def unrolled() -> dict[str, Any]:
    """Part 1: T steps of the seed's RNN on Values; returns the graph's gradients."""
    P = {name: values(name) for name in PARAMS}
    h: list[Any] = [Value(0.0, label="h0[0]"), Value(0.0, label="h0[1]")]
    outputs = []
    for x in XS:
        Wh, Ux = matvec(P["W"], h), matvec(P["U"], [x])
        h = [(P["b"][i][0] + Wh[i] + Ux[i]).tanh() for i in range(2)]
        outputs.append(P["c"][0][0] + matvec(P["V"], h)[0])
    loss = squared_error(outputs, YS)
    loss.backward()
    grads = {k: np.array([[v.grad for v in row] for row in M]) for k, M in P.items()}
    return {"loss": loss.data, "grads": grads, "o": [o.data for o in outputs]}


def bptt() -> dict[str, Any]:
    """Part 1 with numpy: the forward pass, then backprop through time."""
    W, U, V = (np.array(PARAMS[k]) for k in ("W", "U", "V"))
    b, c = np.array(PARAMS["b"]), np.array(PARAMS["c"])
    hs, outs = [np.zeros(2)], []
    for x in XS:
        hs.append(np.tanh(b + W @ hs[-1] + U[:, 0] * x))
        outs.append(c + V @ hs[-1])
    g = {k: np.zeros_like(np.array(v, dtype=float)) for k, v in PARAMS.items()}
    g["b"], g["c"] = np.zeros(2), np.zeros(1)
    a_next = np.zeros(2)
    for t in reversed(range(len(XS))):
        d_o = outs[t] - YS[t]
        h_bar = V.T @ d_o + W.T @ a_next
        a_bar = h_bar * (1 - hs[t + 1] ** 2)
        g["W"] += np.outer(a_bar, hs[t])
        g["U"] += np.outer(a_bar, [XS[t]])
        g["b"] += a_bar
        g["V"] += np.outer(d_o, hs[t + 1])
        g["c"] += d_o
        a_next = a_bar
    g["b"], g["c"] = g["b"][:, None], g["c"][:, None]
    loss = 0.5 * sum(float((o - y)[0]) ** 2 for o, y in zip(outs, YS))
    return {"loss": loss, "grads": g}


def linear_recurrence(spectrum: tuple[float, float]) -> dict[str, Any]:
    """Part 2: ||dL/dh(0)|| for L = u^T h(t), h(t) = W h(t-1), t = 1 .. HORIZON."""
    Q = np.array([[math.cos(ANGLE), -math.sin(ANGLE)], [math.sin(ANGLE), math.cos(ANGLE)]])
    W = Q @ np.diag(spectrum) @ Q.T
    h0, u = np.array([1.0, 0.0]), np.array([1.0, 0.0])
    norms, closed, h_last = [], [], None
    for t in range(1, HORIZON + 1):
        start = [Value(float(v), label=f"h0[{i}]") for i, v in enumerate(h0)]
        h: list[Any] = start
        for _ in range(t):
            h = [total([float(W[i, j]) * h[j] for j in range(2)]) for i in range(2)]
        total([float(u[i]) * h[i] for i in range(2)]).backward()
        norms.append(math.hypot(start[0].grad, start[1].grad))
        closed.append(float(np.linalg.norm(Q @ np.diag(np.power(spectrum, t)) @ Q.T @ u)))
        h_last = [v.data for v in h]
    lam_t = np.diag(np.power(spectrum, HORIZON))
    return {
        "W": W.tolist(),
        "norms": norms,
        "closed": closed,
        "h_T": h_last,
        "correct_h_T": (Q @ lam_t @ Q.T @ h0).tolist(),
        "seed_h_T": (Q.T @ lam_t @ Q @ h0).tolist(),
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run both parts; return the gradients and the norms per horizon."""
    args = demo_parser("rnn", __doc__).parse_args(argv)
    graph, hand = unrolled(), bptt()
    print(f"part 1: the seed's RNN unrolled for T = {len(XS)} steps; x = {XS}, y = {YS} (ours)")
    rows = table(
        "L = 1/2 sum_t (o(t) - y(t))^2 and its gradients: BPTT by hand vs the graph",
        [Row("L", "1/2 sum_t (o(t) - y(t))^2", hand["loss"], graph["loss"])]
        + [
            Row(f"dL/d{k}[{i},{j}]", FORMULAS[k], hand["grads"][k][i, j], g)
            for k in PARAMS
            for (i, j), g in np.ndenumerate(graph["grads"][k])
        ],
    )
    linear = {name: linear_recurrence(spec) for name, spec in SPECTRA.items()}
    print(
        "\npart 2: h(t) = W h(t-1), W = Q Lambda Q^T, Q a rotation by 30 degrees; "
        "L = u^T h(t), u = (1, 0);\n|dL/dh(0)| from backprop through t steps, "
        "the closed form |Q Lambda^t Q^T u|, and the top eigenvalue^t"
    )
    head = "".join(f"  {'eigenvalues ' + str(spec):^38}" for spec in SPECTRA.values())
    print(f"       {head}")
    sub = "".join(f"  {'graph':>12}{'formula':>13}{'lambda^t':>13}" for _ in SPECTRA)
    print(f"    t  {sub}")
    for t in (1, 2, 5, 10, 20, HORIZON):
        cells = "".join(
            f"  {r['norms'][t - 1]:12.5e}{r['closed'][t - 1]:13.5e}{max(spec) ** t:13.5e}"
            for r, spec in zip(linear.values(), SPECTRA.values())
        )
        print(f"  {t:3d}  {cells}")
    print(
        "the ratio graph / lambda^t tends to |q1 . u| = cos 30 degrees = 0.866, q1 the top "
        "eigenvector:\nbelow 1 the gradient vanishes geometrically, above 1 it explodes"
    )
    ex = linear["vanishing"]
    print(
        f"\nerratum, seed 003: for W = Q Lambda Q^T, h(t) = Q Lambda^t Q^T h(0). At t = {HORIZON},"
        f" eigenvalues {SPECTRA['vanishing']}:\n"
        f"  the graph's h(t)                {np.round(ex['h_T'], 10).tolist()}\n"
        f"  Q Lambda^t Q^T h(0)             {np.round(ex['correct_h_T'], 10).tolist()}\n"
        f"  the seed's Q^T Lambda^t Q h(0)  {np.round(ex['seed_h_T'], 10).tolist()}  (not the same)"
    )
    plots = plot_or_skip(args.out, lambda plt: [_plot(plt, linear, args.out)])
    return {
        "graph_grads": {k: v.tolist() for k, v in graph["grads"].items()},
        "loss": graph["loss"],
        "linear": linear,
        "rows": rows,
        "plots": plots,
    }


FORMULAS = {
    "W": "sum_t a_bar(t) h(t-1)^T",
    "U": "sum_t a_bar(t) x(t)^T",
    "b": "sum_t a_bar(t)",
    "V": "sum_t delta_o(t) h(t)^T",
    "c": "sum_t delta_o(t)",
}


def _plot(plt: Any, linear: dict[str, Any], out: str) -> str:
    fig, ax = plt.subplots(figsize=(6.2, 4), dpi=110)
    t = np.arange(1, HORIZON + 1)
    for (name, r), color in zip(linear.items(), ["#4c72b0", "#c44e52"]):
        top = max(SPECTRA[name])
        ax.semilogy(t, r["norms"], "o", color=color, markersize=3, label=f"{name}: backprop")
        ax.semilogy(
            t, r["closed"], "-", color=color, alpha=0.5, label=f"{name}: |Q Lambda^t Q^T u|"
        )
        ax.semilogy(t, top**t, ":", color=color, label=f"{top:g}^t")
    ax.set_xlabel("t (steps backpropagated through)")
    ax.set_ylabel("|dL/dh(0)|")
    ax.set_title("a linear RNN: the gradient scales like the top eigenvalue to the t", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    return save_figure(plt, fig, os.path.join(out, "gradient_through_time.png"))


if __name__ == "__main__":
    main()
