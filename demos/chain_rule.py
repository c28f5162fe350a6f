"""The multivariate chain rule with fan-out: f = y + e^{xy}, x = cos t, y = t^2.

The lecture (Grosse, CSC 411 lecture 10, "Multivariate Chain Rule") plugs
into

    df/dt = (df/dx)(dx/dt) + (df/dy)(dy/dt) = (y e^{xy})(-sin t) + (1 + x e^{xy})(2t)

and writes the same in error-signal notation, t_bar = x_bar dx/dt + y_bar dy/dt.
In the graph t fans out to x and y, and y fans out again (to the sum and to
the product xy); backward adds the gradients arriving along every path.
The lecture gives no value of t: this demo uses t = 1 for the line-by-line
table and a sweep over t in [-3, 3] for the plot.

    python -m autograd_lite.demos.chain_rule [--out out/chain_rule]
"""

from __future__ import annotations

import math
import os
from typing import Any

import numpy as np
from autograd_lite.demos.plotting import save_figure
from autograd_lite.demos.report import Row, demo_parser, plot_or_skip, table, write_graph

from autograd_lite import Value

T = 1.0
"""Our choice of t (the lecture gives none)."""


def build(t: float) -> dict[str, Value]:
    """The graph of f(x(t), y(t)) with t, x, y, xy, e^{xy} and f labelled."""
    tv = Value(t, label="t")
    x = tv.cos()
    x.label = "x"
    y = tv**2
    y.label = "y"
    xy = x * y
    xy.label = "xy"
    e = xy.exp()
    e.label = "e^xy"
    f = y + e
    f.label = "f"
    return {"t": tv, "x": x, "y": y, "xy": xy, "e^xy": e, "f": f}


def closed_form(t: float | np.ndarray) -> tuple[Any, Any]:
    """f(t) and the lecture's df/dt, with plain floats or numpy arrays."""
    x, y = np.cos(t), t**2
    e = np.exp(x * y)
    return y + e, (y * e) * (-np.sin(t)) + (1 + x * e) * (2 * t)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the example; return the table rows at t = 1 and the sweep."""
    args = demo_parser("chain_rule", __doc__).parse_args(argv)
    print("f(x, y) = y + e^{xy},  x(t) = cos t,  y(t) = t^2")
    print(f"the lecture gives no t; we use t = {T:g}\n")
    g = build(T)
    t, x, y, f = g["t"], g["x"], g["y"], g["f"]
    f.backward()

    # The lecture's formulas with plain floats.
    x_, y_ = math.cos(T), T**2
    e_ = math.exp(x_ * y_)
    x_bar, y_bar = y_ * e_, 1 + x_ * e_
    dx_dt, dy_dt = -math.sin(T), 2 * T
    (dx_dt_ours,) = x.local_grads
    (dy_dt_ours,) = y.local_grads
    rows = table(
        "forward and backward at t = 1",
        [
            Row("x", "cos t", x_, x.data),
            Row("y", "t^2", y_, y.data),
            Row("f", "y + e^{xy}", y_ + e_, f.data),
            Row("x_bar = df/dx", "y e^{xy}", x_bar, x.grad),
            Row("y_bar = df/dy", "1 + x e^{xy}", y_bar, y.grad),
            Row("dx/dt", "-sin t", dx_dt, dx_dt_ours),
            Row("dy/dt", "2t", dy_dt, dy_dt_ours),
            Row(
                "t_bar = df/dt", "x_bar dx/dt + y_bar dy/dt", x_bar * dx_dt + y_bar * dy_dt, t.grad
            ),
        ],
    )
    print(
        "\nfan-out: y reaches f along two paths (y itself and xy); y_bar adds them:\n"
        f"  1 (through '+') + x e^xy (through xy) = 1 + {x_ * e_:.10g} = {y.grad:.10g}"
    )

    ts = np.linspace(-3.0, 3.0, 61)
    ours = []
    for tk in ts:
        gk = build(float(tk))
        gk["f"].backward()
        ours.append(gk["t"].grad)
    _, lecture = closed_form(ts)
    sweep_gap = float(np.max(np.abs(np.array(ours) - lecture)))
    print(f"\ndf/dt at 61 values of t in [-3, 3]: largest |ours - lecture| = {sweep_gap:.1e}")

    graphs = [write_graph(f, os.path.join(args.out, "graph.svg"))]
    plots = plot_or_skip(args.out, lambda plt: [_plot(plt, ts, ours, args.out)])
    return {
        "t": T,
        "df_dt": t.grad,
        "x_bar": x.grad,
        "y_bar": y.grad,
        "rows": rows,
        "sweep_t": ts.tolist(),
        "sweep_df_dt": ours,
        "sweep_gap": sweep_gap,
        "graphs": [p for p in graphs if p],
        "plots": plots,
    }


def _plot(plt: Any, ts: np.ndarray, ours: list[float], out: str) -> str:
    fine = np.linspace(ts[0], ts[-1], 601)
    f_fine, d_fine = closed_form(fine)
    fig, ax = plt.subplots(figsize=(7, 4), dpi=110)
    ax.plot(fine, f_fine, color="#888888", label="f(t) = t² + exp(t² cos t)")
    ax.plot(fine, d_fine, color="#4c72b0", label="df/dt, lecture's closed form")
    ax.plot(ts, ours, "o", color="#dd8452", markersize=4, label="df/dt, autograd-lite backward")
    ax.axhline(0.0, color="black", linewidth=0.5)
    ax.set_xlabel("t")
    ax.set_title("multivariate chain rule: t fans out to x = cos t and y = t²", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return save_figure(plt, fig, os.path.join(out, "df_dt.png"))


if __name__ == "__main__":
    main()
