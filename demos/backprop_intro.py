"""Backpropagation intro: f(x, y, z) = (x + y) z at x = -2, y = 5, z = -4.

The lecture (UVA CS 6316, "Backpropagation Intro") splits f into
q = x + y and f = q z, writes the local derivatives dq/dx = dq/dy = 1,
df/dq = z, df/dz = q, and chains them backwards from df/df = 1 to
df/dx = df/dy = -4 and df/dz = 3: "by increasing x by a scale of 1, we
decrease f by a scale of 4". This demo builds the same graph, prints each
lecture line next to the engine's number and draws the graph before and
after the backward pass.

    python -m autograd_lite.demos.backprop_intro [--out out/backprop_intro]
"""

from __future__ import annotations

import os
from typing import Any

from autograd_lite.demos.report import Row, demo_parser, table, write_graph

from autograd_lite import Value

X, Y, Z = -2.0, 5.0, -4.0
"""The lecture's inputs."""

LECTURE_GRADS = {"x": -4.0, "y": -4.0, "z": 3.0}
"""The lecture's answer, as printed on its slides."""


def build(x: float = X, y: float = Y, z: float = Z) -> dict[str, Value]:
    """The graph q = x + y, f = q z, with every node labelled."""
    xv, yv, zv = Value(x, label="x"), Value(y, label="y"), Value(z, label="z")
    q = xv + yv
    q.label = "q"
    f = q * zv
    f.label = "f"
    return {"x": xv, "y": yv, "z": zv, "q": q, "f": f}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the example; return the forward values, the gradients and the table rows."""
    args = demo_parser("backprop_intro", __doc__).parse_args(argv)
    g = build()
    x, y, z, q, f = g["x"], g["y"], g["z"], g["q"], g["f"]
    print(f"f(x, y, z) = (x + y) z  with the lecture's x = {X:g}, y = {Y:g}, z = {Z:g}")
    graphs = [write_graph(f, os.path.join(args.out, "forward.svg"))]
    print()
    # The lecture's formulas, evaluated with plain floats.
    q_ = X + Y
    f_ = q_ * Z
    forward = table(
        "forward pass",
        [Row("q", "x + y", q_, q.data), Row("f", "q z", f_, f.data)],
    )
    (dq_dx, dq_dy), (df_dq, df_dz) = q.local_grads, f.local_grads
    local = table(
        "\nlocal derivatives (stored on the graph's edges at forward time)",
        [
            Row("dq/dx", "1", 1.0, dq_dx),
            Row("dq/dy", "1", 1.0, dq_dy),
            Row("df/dq", "z", Z, df_dq),
            Row("df/dz", "q", q_, df_dz),
        ],
    )

    f.backward()
    backward = table(
        "\nbackward pass, from df/df = 1",
        [
            Row("df/df", "1", 1.0, f.grad),
            Row("df/dz", "q", q_, z.grad),
            Row("df/dq", "z", Z, q.grad),
            Row("df/dy", "df/dq dq/dy = z * 1", Z * 1.0, y.grad),
            Row("df/dx", "df/dq dq/dx = z * 1", Z * 1.0, x.grad),
        ],
    )
    print("\nthe slides' numbers: df/dx = -4, df/dy = -4, df/dz = 3")
    grads = {"x": x.grad, "y": y.grad, "z": z.grad, "q": q.grad, "f": f.grad}
    print("  ours:              " + ", ".join(f"df/d{k} = {grads[k]:g}" for k in LECTURE_GRADS))

    h = 1e-3
    nudged = build(X + h)["f"].data
    print(
        f"\nnudge x by h = {h:g}: f changes by {nudged - f.data:+.6f} "
        f"= {(nudged - f.data) / h:.4f} h"
        " (increase x by 1, f decreases by 4)"
    )
    graphs.append(write_graph(f, os.path.join(args.out, "backward.svg")))
    return {
        "q": q.data,
        "f": f.data,
        "grads": grads,
        "local_grads": {"dq/dx": dq_dx, "dq/dy": dq_dy, "df/dq": df_dq, "df/dz": df_dz},
        "nudge_slope": (nudged - f.data) / h,
        "rows": forward + local + backward,
        "graphs": [p for p in graphs if p],
    }


if __name__ == "__main__":
    main()
