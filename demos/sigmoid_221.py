"""The lecture's "Backprop Demo": a 2-2-1 network with sigmoid hidden units, w1..w6.

From UVA CS 6316 lecture 15 ("Backprop Demo"):

    f1:  z1 = x1 w1 + x2 w3          z2 = x1 w2 + x2 w4
    f2:  h1 = exp(z1) / (1 + exp(z1))  h2 = exp(z2) / (1 + exp(z2))
    f3:  yhat = h1 w5 + h2 w6
    f4:  E = (y - yhat)^2
    w(t+1) = w(t) - eta dE/dw(t)

The slide asks "dE/dw_i = ??" and gives no numbers. This demo picks
x = (0.35, 0.9), y = 0.5, w1..w6 = 0.1, 0.8, 0.4, 0.6, 0.3, 0.9 and
eta = 0.5, derives every dE/dw_i by hand with numpy (independent of the
engine), compares them with backpropagation, and takes one SGD step,
showing E before and after.

    python -m autograd_lite.demos.sigmoid_221 [--out out/sigmoid_221]
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
from autograd_lite.demos.report import Row, demo_parser, table, write_graph

from autograd_lite import Value

X1, X2, TARGET = 0.35, 0.9, 0.5
WEIGHTS = {"w1": 0.1, "w2": 0.8, "w3": 0.4, "w4": 0.6, "w5": 0.3, "w6": 0.9}
ETA = 0.5
"""Our choice of numbers (the lecture gives none)."""


def forward(
    w: dict[str, Value], x1: float = X1, x2: float = X2, y: float = TARGET
) -> dict[str, Value]:
    """The slide's f1..f4 on Values; returns every named node."""
    x1v, x2v, yv = Value(x1, label="x1"), Value(x2, label="x2"), Value(y, label="y")
    nodes = {"x1": x1v, "x2": x2v, "y": yv}
    nodes["x1 w1"] = x1v * w["w1"]
    nodes["x1 w2"] = x1v * w["w2"]
    nodes["x2 w3"] = x2v * w["w3"]
    nodes["x2 w4"] = x2v * w["w4"]
    nodes["z1"] = nodes["x1 w1"] + nodes["x2 w3"]
    nodes["z2"] = nodes["x1 w2"] + nodes["x2 w4"]
    nodes["h1"] = nodes["z1"].sigmoid()
    nodes["h2"] = nodes["z2"].sigmoid()
    nodes["h1 w5"] = nodes["h1"] * w["w5"]
    nodes["h2 w6"] = nodes["h2"] * w["w6"]
    nodes["yhat"] = nodes["h1 w5"] + nodes["h2 w6"]
    nodes["y - yhat"] = yv - nodes["yhat"]
    nodes["E"] = nodes["y - yhat"] ** 2
    for name, node in nodes.items():
        node.label = name
    return nodes


def closed_form(
    w: dict[str, float], x1: float = X1, x2: float = X2, y: float = TARGET
) -> dict[str, Any]:
    """E and every dE/dw_i derived by hand, with numpy floats."""
    x = np.array([x1, x2])
    W = np.array([[w["w1"], w["w2"]], [w["w3"], w["w4"]]])  # column i feeds z_i
    v = np.array([w["w5"], w["w6"]])
    z = x @ W
    h = np.exp(z) / (1 + np.exp(z))
    yhat = h @ v
    E = (y - yhat) ** 2
    dyhat = -2 * (y - yhat)  # dE/dyhat
    dv = dyhat * h  # dE/dw5, dE/dw6 = dE/dyhat h_i
    dz = dyhat * v * h * (1 - h)  # dE/dz_i = dE/dyhat w_{4+i} h_i (1 - h_i)
    dW = np.outer(x, dz)  # dE/dw = dE/dz_i x_j
    grads = {
        "w1": dW[0, 0],
        "w2": dW[0, 1],
        "w3": dW[1, 0],
        "w4": dW[1, 1],
        "w5": dv[0],
        "w6": dv[1],
    }
    return {
        "E": float(E),
        "yhat": float(yhat),
        "h": h,
        "grads": {k: float(g) for k, g in grads.items()},
    }


FORMULAS = {
    "w1": "-2(y - yhat) w5 h1(1-h1) x1",
    "w2": "-2(y - yhat) w6 h2(1-h2) x1",
    "w3": "-2(y - yhat) w5 h1(1-h1) x2",
    "w4": "-2(y - yhat) w6 h2(1-h2) x2",
    "w5": "-2(y - yhat) h1",
    "w6": "-2(y - yhat) h2",
}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Backprop and one SGD step; return the gradients and E before and after."""
    args = demo_parser("sigmoid_221", __doc__).parse_args(argv)
    print("the lecture's Backprop Demo: 2 inputs, 2 sigmoid hidden units, 1 linear output,")
    print("E = (y - yhat)^2 (the slide's squared error, without a 1/2)")
    print(
        f"the slide gives no numbers; we use x1 = {X1:g}, x2 = {X2:g}, y = {TARGET:g}, "
        + ", ".join(f"{k} = {v:g}" for k, v in WEIGHTS.items())
        + f", eta = {ETA:g}\n"
    )
    w = {name: Value(v, label=name) for name, v in WEIGHTS.items()}
    g = forward(w)
    g["E"].backward()
    hand = closed_form(WEIGHTS)
    forward_rows = table(
        "forward pass",
        [
            Row("yhat", "h1 w5 + h2 w6", hand["yhat"], g["yhat"].data),
            Row("E", "(y - yhat)^2", hand["E"], g["E"].data),
        ],
    )
    grad_rows = table(
        "\ndE/dw_i: the chain rule by hand vs backpropagation",
        [Row(f"dE/d{k}", FORMULAS[k], hand["grads"][k], w[k].grad) for k in WEIGHTS],
    )

    stepped = {k: WEIGHTS[k] - ETA * w[k].grad for k in WEIGHTS}
    stepped_hand = {k: WEIGHTS[k] - ETA * hand["grads"][k] for k in WEIGHTS}
    step_rows = table(
        f"\none SGD step, w(t+1) = w(t) - eta dE/dw(t) with eta = {ETA:g}",
        [
            Row(f"{k}(t+1)", f"{WEIGHTS[k]:g} - eta dE/d{k}", stepped_hand[k], stepped[k])
            for k in WEIGHTS
        ],
    )
    after = forward({k: Value(v, label=k) for k, v in stepped.items()})["E"].data
    after_hand = closed_form(stepped_hand)["E"]
    e_rows = table(
        "\nthe error before and after the step",
        [
            Row("E before", "(y - yhat)^2", hand["E"], g["E"].data),
            Row("E after", "(y - yhat)^2", after_hand, after),
        ],
    )
    print(f"\nE went from {g['E'].data:.6g} to {after:.6g} ({after / g['E'].data:.1%} of before)")
    graphs = [write_graph(g["E"], os.path.join(args.out, "graph.svg"))]
    return {
        "grads": {k: w[k].grad for k in WEIGHTS},
        "E_before": g["E"].data,
        "E_after": after,
        "weights_after": stepped,
        "rows": forward_rows + grad_rows + step_rows + e_rows,
        "graphs": [p for p in graphs if p],
    }


if __name__ == "__main__":
    main()
