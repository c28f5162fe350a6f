"""Univariate logistic least squares with L2 regularisation, line by line.

The lecture's example of the full backpropagation algorithm (Grosse,
CSC 411 lecture 10). Forward pass:

    z = w x + b,  y = sigma(z),  L = 1/2 (y - t)^2,  R = 1/2 w^2,  L_reg = L + lambda R

Backward pass, in error-signal notation (v_bar = dL_reg/dv):

    L_reg_bar = 1
    R_bar = L_reg_bar lambda
    L_bar = L_reg_bar
    y_bar = L_bar (y - t)
    z_bar = y_bar sigma'(z)
    w_bar = z_bar x + R_bar w     (w fans out to z and to R)
    b_bar = z_bar

The lecture gives no numbers; this demo uses x = 1.5, t = 1, w = 0.5,
b = -0.25, lambda = 0.1, prints every slide line with the engine's value
next to the slide's formula evaluated with plain floats, and draws the graph.

    python -m autograd_lite.demos.logistic_l2 [--out out/logistic_l2]
"""

from __future__ import annotations

import math
import os
from typing import Any

from autograd_lite.demos.report import Row, demo_parser, table, write_graph

from autograd_lite import Value

INPUTS = {"x": 1.5, "t": 1.0, "w": 0.5, "b": -0.25, "lambda": 0.1}
"""Our choice of numbers (the lecture gives none)."""


def build(x: float, t: float, w: float, b: float, lam: float) -> dict[str, Value]:
    """The lecture's graph, every named quantity a labelled node."""
    nodes = {name: Value(v, label=name) for name, v in zip(INPUTS, (x, t, w, b, lam))}
    xv, tv, wv, bv, lv = (nodes[k] for k in INPUTS)
    wx = wv * xv
    wx.label = "wx"
    z = wx + bv
    y = z.sigmoid()
    diff = y - tv
    square = diff**2
    loss = 0.5 * square
    w2 = wv**2
    reg = 0.5 * w2
    penalty = lv * reg
    lreg = loss + penalty
    named = {"y - t": diff, "(y - t)^2": square, "w^2": w2, "lambda R": penalty}
    named.update({"z": z, "y": y, "L": loss, "R": reg, "L_reg": lreg})
    for name, node in named.items():
        node.label = name
    nodes.update(named)
    return nodes


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the example; return every slide line's (lecture, ours) pair."""
    args = demo_parser("logistic_l2", __doc__).parse_args(argv)
    x, t, w, b, lam = INPUTS.values()
    print("univariate logistic least squares with L2 regularisation")
    print(
        "the lecture gives no numbers; we use "
        + ", ".join(f"{k} = {v:g}" for k, v in INPUTS.items())
    )
    print()
    g = build(x, t, w, b, lam)
    g["L_reg"].backward()

    # The slide's formulas, evaluated with plain floats.
    z = w * x + b
    y = 1.0 / (1.0 + math.exp(-z))
    loss = 0.5 * (y - t) ** 2
    reg = 0.5 * w**2
    lreg = loss + lam * reg
    lreg_bar = 1.0
    r_bar = lreg_bar * lam
    l_bar = lreg_bar
    y_bar = l_bar * (y - t)
    z_bar = y_bar * y * (1.0 - y)  # sigma'(z) = sigma(z) (1 - sigma(z))
    w_bar = z_bar * x + r_bar * w
    b_bar = z_bar

    forward = table(
        "forward pass",
        [
            Row("z", "w x + b", z, g["z"].data),
            Row("y", "sigma(z)", y, g["y"].data),
            Row("L", "1/2 (y - t)^2", loss, g["L"].data),
            Row("R", "1/2 w^2", reg, g["R"].data),
            Row("L_reg", "L + lambda R", lreg, g["L_reg"].data),
        ],
    )
    backward = table(
        "\nbackward pass (v_bar = dL_reg/dv)",
        [
            Row("L_reg_bar", "1", lreg_bar, g["L_reg"].grad),
            Row("R_bar", "L_reg_bar lambda", r_bar, g["R"].grad),
            Row("L_bar", "L_reg_bar", l_bar, g["L"].grad),
            Row("y_bar", "L_bar (y - t)", y_bar, g["y"].grad),
            Row("z_bar", "y_bar sigma'(z)", z_bar, g["z"].grad),
            Row("w_bar", "z_bar x + R_bar w", w_bar, g["w"].grad),
            Row("b_bar", "z_bar", b_bar, g["b"].grad),
        ],
    )
    # "How you would have done it in calculus class", plus the regulariser.
    s = 1.0 / (1.0 + math.exp(-(w * x + b)))
    calculus = table(
        "\nthe calculus-class closed forms",
        [
            Row(
                "dL_reg/dw",
                "(s(wx+b) - t) s'(wx+b) x + lambda w",
                (s - t) * s * (1 - s) * x + lam * w,
                g["w"].grad,
            ),
            Row("dL_reg/db", "(s(wx+b) - t) s'(wx+b)", (s - t) * s * (1 - s), g["b"].grad),
        ],
    )
    print(
        f"\nw fans out (to z and to R): w_bar = z_bar x + R_bar w = "
        f"{z_bar * x:.10g} + {r_bar * w:.10g} = {g['w'].grad:.10g}"
    )
    graphs = [write_graph(g["L_reg"], os.path.join(args.out, "graph.svg"))]
    return {
        "inputs": dict(INPUTS),
        "values": {k: g[k].data for k in ("z", "y", "L", "R", "L_reg")},
        "grads": {k: g[k].grad for k in ("L_reg", "R", "L", "y", "z", "w", "b")},
        "rows": forward + backward + calculus,
        "graphs": [p for p in graphs if p],
    }


if __name__ == "__main__":
    main()
