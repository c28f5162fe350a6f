"""Newton's method vs gradient descent, with Hessians from ``create_graph``.

    python -m autograd_lite.demos.newton [--out DIR]

1-D: f(x) = e^x - 2x, minimum at x = ln 2. 2-D: Rosenbrock's
f(x, y) = (1 - x)^2 + 100 (y - x^2)^2 from (-1.2, 1), minimum at (1, 1),
whose curved valley makes gradient descent crawl. Newton's step solves
H d = g with the Hessian that autograd-lite computes by differentiating its
own gradient. Last, the Hessian of the logistic loss against its closed form
X^T diag(p (1 - p)) X.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from autograd_lite.demos.report import demo_parser

from autograd_lite import Value, grad, hessian


def f1(x: Value) -> Value:
    return x.exp() - 2 * x


def rosenbrock(x: Value, y: Value) -> Value:
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def logistic_loss(w: list[Value], X: np.ndarray, y: np.ndarray) -> Value:
    total = Value(0.0)
    for xi, yi in zip(X, y):
        score = w[0] * xi[0]
        for wj, xij in zip(w[1:], xi[1:]):
            score = score + wj * xij
        total = total + (score * -yi).softplus()  # log(1 + e^{-y w.x})
    return total


def minimise(
    f: Callable[..., Value],
    start: list[float],
    method: str,
    lr: float = 0.0,
    tol: float = 1e-8,
    max_steps: int = 100_000,
) -> tuple[np.ndarray, list[float]]:
    """Iterate until |grad| <= tol; returns the point and |grad| per step."""
    argnums = tuple(range(len(start)))
    gradient = grad(f, argnums=argnums)
    curvature = hessian(f)
    p = np.array(start, dtype=float)
    norms = []
    for _ in range(max_steps):
        g = np.array(gradient(*p), dtype=float)
        norms.append(float(np.linalg.norm(g)))
        if norms[-1] <= tol:
            break
        if method == "newton":
            p = p - np.linalg.solve(curvature(*p), g)
        else:
            p = p - lr * g
    return p, norms


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = demo_parser("newton", __doc__).parse_args(argv)
    out = Path(args.out)

    results: dict[str, Any] = {}
    print("Newton's method vs gradient descent (stop when |grad| <= 1e-8)")
    runs = {
        "1-D e^x - 2x from x=2": (f1, [2.0], 0.3, [math.log(2)]),
        "2-D Rosenbrock from (-1.2, 1)": (rosenbrock, [-1.2, 1.0], 1e-3, [1.0, 1.0]),
    }
    for title, (f, start, lr, best) in runs.items():
        pn, newton = minimise(f, start, "newton")
        pg, descent = minimise(f, start, "descent", lr=lr)
        print(f"  {title}")
        print(f"    Newton:           {len(newton) - 1:6d} steps, ends at {np.round(pn, 10)}")
        print(
            f"    gradient descent: {len(descent) - 1:6d} steps (lr {lr}), ends at "
            f"{np.round(pg, 10)}"
        )
        results[title] = {
            "newton_steps": len(newton) - 1,
            "descent_steps": len(descent) - 1,
            "newton_point": pn.tolist(),
            "descent_point": pg.tolist(),
            "minimum": best,
            "newton_norms": newton,
            "descent_norms": descent,
        }

    rng = np.random.default_rng(0)
    X = rng.normal(size=(8, 3))
    y = np.where(rng.random(8) < 0.5, -1.0, 1.0)
    w = np.array([0.2, -0.4, 0.7])
    ours = hessian(lambda w: logistic_loss(w, X, y))(w)
    p = 1 / (1 + np.exp(-(X @ w)))
    closed = X.T @ np.diag(p * (1 - p)) @ X
    gap = float(np.max(np.abs(ours - closed)))
    print("Hessian of the logistic loss at w = [0.2, -0.4, 0.7], 8 points:")
    print("  autograd-lite:\n" + _indent(np.array2string(ours, precision=6)))
    print("  closed form X^T diag(p(1-p)) X:\n" + _indent(np.array2string(closed, precision=6)))
    print(f"  largest difference: {gap:.2e}")
    results["logistic_hessian"] = {"ours": ours.tolist(), "closed": closed.tolist(), "gap": gap}

    results["plot"] = _plot(results, out)
    return results


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


def _plot(results: dict[str, Any], out: Path) -> str | None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed (pip install 'autograd-lite[plots]'): no plot")
        return None
    out.mkdir(parents=True, exist_ok=True)
    runs = [k for k in results if k.startswith(("1-D", "2-D"))]
    fig, axes = plt.subplots(1, len(runs), figsize=(11, 4))
    for ax, title in zip(axes, runs):
        r = results[title]
        ax.semilogy(r["descent_norms"], label=f"gradient descent ({r['descent_steps']} steps)")
        ax.semilogy(r["newton_norms"], "o-", label=f"Newton ({r['newton_steps']} steps)")
        ax.set_xscale("symlog", linthresh=10)
        ax.set_title(title)
        ax.set_xlabel("step")
        ax.set_ylabel("|gradient|")
        ax.legend()
    fig.tight_layout()
    path = out / "newton_vs_descent.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    print(f"wrote {path}")
    return str(path)


if __name__ == "__main__":
    main()
