"""Generalised linear models: linear, logistic and Poisson regression, convexity, line search.

Y. Pan's "Deep learning" (seed 003) recalls the recipe for a single sample
(x, y): a linear function x^T w, a transfer function yhat = t(x^T w), and a
loss l(yhat, y). Its announcements add: Poisson regression predicts
exp(x^T w); "to prove convex, prove the Hessian of the loss is positive
semidefinite"; "in the line search method, add a for loop to search for the
best eta". Here, averaged over n samples:

    linear     t(z) = z           l = (yhat - y)^2                     grad 2/n X^T (yhat - y)
    logistic   t(z) = sigmoid(z)  l = -y log yhat - (1-y) log(1-yhat)  grad 1/n X^T (yhat - y)
    Poisson    t(z) = exp(z)      l = yhat - y log yhat                grad 1/n X^T (yhat - y)

Erratum: seed 003 writes the logistic loss as y log yhat + (1 - y) log(1 - yhat),
without the minus sign: that is the log-likelihood, which is concave (its
Hessian is negative semidefinite) and is maximised. The loss is its negative,
the binary cross-entropy (``nn.binary_cross_entropy``). The seed gives no
Poisson loss: we use its negative log-likelihood without the constant log y!.

For each model the demo takes ``grad`` and ``hessian`` of the mean loss at a
point w, compares them with the closed forms (linear 2/n X^T X, logistic
1/n X^T diag(p(1-p)) X, Poisson 1/n X^T diag(exp(Xw)) X), and checks that
the Hessian's eigenvalues are >= 0. Seed 004's logistic least squares,
1/2 (sigmoid(x^T w) - y)^2, is shown not convex: its Hessian has a negative
eigenvalue at the point we pick.

Convex for every w, not just at one point (P03): each sample's loss depends
on w only through z_i = x_i^T w, so its Hessian is l''(z_i) x_i x_i^T and the
mean loss has H = 1/n X^T S X with S = diag(s_i), s_i = l''(z_i):

    linear     s_i = 2                           (1 with the 1/2 in front)
    logistic   s_i = sigmoid(z_i)(1 - sigmoid(z_i))   in (0, 1/4] since 0 < sigmoid < 1
    Poisson    s_i = exp(z_i)                    > 0

So v^T H v = 1/n sum_i s_i (x_i^T v)^2 >= 0 for every v and every w. As an
illustration (not the proof) the demo draws random w and puts the smallest
eigenvalue of the engine's Hessian next to numpy's 1/n X^T S X. Seed 004's
1/2 (sigmoid(z) - y)^2 has s_i = sigmoid'(z)^2 + (sigmoid(z) - y) sigmoid''(z),
which is negative for some z, and there the argument fails.

Then gradient descent on the logistic loss
with a line search: at each step, try every eta in a list and keep the one
with the least loss, against a fixed eta. The data (n = 40, a bias column
and two features) and the points are our choice.

    python -m autograd_lite.demos.glm [--out out/glm]
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import numpy as np
from autograd_lite.demos.plotting import save_figure
from autograd_lite.demos.report import Row, demo_parser, plot_or_skip, table

from autograd_lite import Value, grad, hessian, no_grad, value_and_grad
from nn import binary_cross_entropy, total

N, SEED = 40, 0
W_TRUE = np.array([0.3, -1.0, 0.7])
W_AT = [0.1, 0.2, -0.1]  # where gradients and Hessians are evaluated
W_NONCONVEX = [2.0, 3.0, -3.0]  # a point where 1/2 (sigmoid(x^T w) - y)^2 curves down
ETAS = [2.0**k for k in range(3, -9, -1)]  # the line search tries 8, 4, ..., 1/256
FIXED_ETA, STEPS = 0.5, 25
RANDOM_W, W_SPREAD = 4, 1.0  # how many random w, drawn from Gaussian(0, W_SPREAD^2)


GRADIENT = {
    "linear": "2/n X^T (Xw - y)",
    "logistic": "1/n X^T (sigmoid(Xw) - y)",
    "poisson": "1/n X^T (exp(Xw) - y)",
}
CURVATURE = {
    "linear": ("2", "a constant > 0 (1 with a 1/2 in front of the square)"),
    "logistic": ("sigmoid(z_i)(1 - sigmoid(z_i))", "0 < sigmoid < 1, so s_i is in (0, 1/4]"),
    "poisson": ("exp(z_i)", "exp is > 0 everywhere"),
    "lls": (
        "sigmoid'(z_i)^2 + (sigmoid(z_i) - y_i) sigmoid'(z_i)(1 - 2 sigmoid(z_i))",
        "negative for some z_i and y_i: no argument",
    ),
}
"""s_i = l''(z_i), the second derivative of one sample's loss in z = x^T w, and why it is >= 0."""

HESSIAN = {
    "linear": "2/n X^T X",
    "logistic": "1/n X^T diag(p(1-p)) X",
    "poisson": "1/n X^T diag(exp(Xw)) X",
}


def make_data() -> dict[str, np.ndarray]:
    """X with a bias column, and targets for each of the three models."""
    rng = np.random.default_rng(SEED)
    X = np.column_stack([np.ones(N), rng.normal(size=(N, 2))])
    z = X @ W_TRUE
    return {
        "X": X,
        "linear": z + rng.normal(scale=0.3, size=N),
        "logistic": (rng.random(N) < 1 / (1 + np.exp(-z))).astype(float),
        "poisson": rng.poisson(np.exp(z)).astype(float),
    }


def mean_loss(model: str, X: np.ndarray, y: np.ndarray) -> Callable[[list[Value]], Value]:
    """The model's mean loss as a function of the weights (a list of Values)."""

    def loss(w: list[Value]) -> Value:
        terms = []
        for row, target in zip(X.tolist(), y.tolist()):
            z = total([wi * xi for wi, xi in zip(w, row)])
            if model == "linear":
                terms.append((z - target) ** 2)
            elif model == "logistic":
                terms.append(binary_cross_entropy(z.sigmoid(), target))
            elif model == "poisson":
                terms.append(z.exp() - target * z)  # yhat - y log yhat, log yhat = z
            else:  # seed 004's logistic least squares
                terms.append(0.5 * (z.sigmoid() - target) ** 2)
        return total(terms) / len(terms)

    return loss


def closed_forms(model: str, X: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple:
    """The gradient and Hessian of the mean loss, derived by hand."""
    z = X @ w
    n = len(y)
    if model == "linear":
        return 2 / n * X.T @ (z - y), 2 / n * X.T @ X
    if model == "logistic":
        p = 1 / (1 + np.exp(-z))
        return X.T @ (p - y) / n, X.T @ (X * (p * (1 - p))[:, None]) / n
    mu = np.exp(z)
    return X.T @ (mu - y) / n, X.T @ (X * mu[:, None]) / n


def convexity(data: dict[str, np.ndarray]) -> dict[str, Any]:
    """Gradients and Hessians of the three GLMs against their closed forms."""
    X, w = data["X"], np.array(W_AT)
    out: dict[str, Any] = {"rows": []}
    for model in ("linear", "logistic", "poisson"):
        f = mean_loss(model, X, data[model])
        g, H = np.array(grad(f)(W_AT)), hessian(f)(W_AT)
        g_hand, H_hand = closed_forms(model, X, data[model], w)
        eig = np.linalg.eigvalsh(H)
        out[model] = {"grad": g.tolist(), "hessian": H.tolist(), "eigenvalues": eig.tolist()}
        out["rows"] += table(
            f"\n{model} regression at w = {W_AT}: gradient and Hessian",
            [
                Row(f"dl/dw{i}", "1/n X^T (yhat - y) (x2 if linear)", g_hand[i], g[i])
                for i in range(3)
            ]
            + [
                Row(f"H[{i},{j}]", HESSIAN[model], H_hand[i, j], H[i, j])
                for i in range(3)
                for j in range(i, 3)
            ],
        )
        print(f"  eigenvalues of the Hessian: {np.round(eig, 6).tolist()}: all >= 0, convex")
    return out


def curvature(model: str, z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """s_i = l''(z_i): the diagonal of S in H = 1/n X^T S X (numpy).

    >>> curvature("logistic", np.array([0.0]), np.array([1.0])).tolist()
    [0.25]
    """
    if model == "linear":
        return np.full_like(z, 2.0)
    p = 1 / (1 + np.exp(-z))
    if model == "logistic":
        return p * (1 - p)
    if model == "poisson":
        return np.exp(z)
    slope = p * (1 - p)  # seed 004's 1/2 (sigmoid(z) - y)^2
    return slope**2 + (p - y) * slope * (1 - 2 * p)


def convex_for_every_w(data: dict[str, np.ndarray]) -> dict[str, Any]:
    """S's formula for each GLM, and the smallest eigenvalue at random w: engine vs numpy."""
    X, n = data["X"], N
    points = np.random.default_rng(SEED + 1).normal(scale=W_SPREAD, size=(RANDOM_W, 3))
    print(
        "\nconvex for every w, not just at one point (P03): sample i's loss depends on w\n"
        "  only through z_i = x_i^T w, so H = 1/n X^T S X with S = diag(s_i), s_i = l''(z_i),\n"
        "  and v^T H v = 1/n sum_i s_i (x_i^T v)^2 >= 0 for every v once every s_i >= 0"
    )
    out: dict[str, Any] = {"w": points.tolist(), "rows": []}
    for model in ("linear", "logistic", "poisson"):
        formula, why = CURVATURE[model]
        print(f"\n{model}: s_i = {formula}: {why}")
        y, hessians, smallest, lowest_s = data[model], [], [], []
        for w in points:
            H = hessian(mean_loss(model, X, y))(w.tolist())
            s = curvature(model, X @ w, y)
            H_np = X.T @ (X * s[:, None]) / n
            hessians.append(H.tolist())
            smallest.append((float(np.linalg.eigvalsh(H_np)[0]), float(np.linalg.eigvalsh(H)[0])))
            lowest_s.append(float(s.min()))
        out["rows"] += table(
            f"  smallest eigenvalue of the Hessian at {RANDOM_W} random w (an illustration)",
            [
                Row(f"lambda_min at w = {np.round(w, 2).tolist()}", "eig(1/n X^T S X)", a, b)
                for w, (a, b) in zip(points, smallest)
            ],
        )
        print(f"  smallest s_i at each w: {[f'{v:.3g}' for v in lowest_s]}")
        out[model] = {
            "s_formula": formula,
            "hessians": hessians,
            "min_eigenvalues": [b for _, b in smallest],
            "min_s": lowest_s,
        }
    y = data["logistic"]
    s_lls = curvature("lls", X @ np.array(W_NONCONVEX), y)
    print(
        f"\nseed 004's 1/2 (sigmoid(z) - y)^2: s_i = {CURVATURE['lls'][0]}\n"
        f"  at w = {W_NONCONVEX}: smallest s_i = {s_lls.min():.3g} < 0, and the Hessian "
        "has a negative eigenvalue (below)"
    )
    out["lls"] = {"s_formula": CURVATURE["lls"][0], "min_s": float(s_lls.min())}
    return out


def not_convex(data: dict[str, np.ndarray]) -> dict[str, Any]:
    """The seed's logistic log-likelihood as written, and seed 004's logistic least squares."""
    X, y = data["X"], data["logistic"]
    written = hessian(lambda w: -1.0 * mean_loss("logistic", X, y)(w))(W_AT)
    lls = hessian(mean_loss("lls", X, y))(W_NONCONVEX)
    e_written, e_lls = np.linalg.eigvalsh(written), np.linalg.eigvalsh(lls)
    print(
        "\nerratum, seed 003: it writes the logistic loss as y log yhat + (1 - y) log(1 - yhat).\n"
        "  That is the log-likelihood: its Hessian's eigenvalues are "
        f"{np.round(e_written, 6).tolist()}\n"
        "  (all <= 0: concave, to be maximised). The loss is its negative, "
        "-y log yhat - (1 - y) log(1 - yhat), as above."
    )
    print(
        f"\nnot every pair is convex: seed 004's 1/2 (sigmoid(x^T w) - y)^2 at w = {W_NONCONVEX} "
        f"has Hessian eigenvalues {np.round(e_lls, 6).tolist()}"
    )
    return {"written_eigenvalues": e_written.tolist(), "lls_eigenvalues": e_lls.tolist()}


def descend(f: Callable, w: list[float], search: bool) -> dict[str, list[float]]:
    """STEPS steps of gradient descent; with ``search``, eta is the best of ``ETAS`` each step."""
    losses, etas = [], []
    for _ in range(STEPS):
        value, g = value_and_grad(f)(w)
        losses.append(value)
        if search:
            with no_grad():
                tried = [f([Value(wi - eta * gi) for wi, gi in zip(w, g)]).data for eta in ETAS]
            eta = ETAS[int(np.argmin(tried))]
        else:
            eta = FIXED_ETA
        etas.append(eta)
        w = [wi - eta * gi for wi, gi in zip(w, g)]
    losses.append(f([Value(wi) for wi in w]).data)
    return {"loss": losses, "eta": etas, "w": w}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the convexity checks and the line search; return the numbers."""
    args = demo_parser("glm", __doc__).parse_args(argv)
    data = make_data()
    print(
        f"generalised linear models on n = {N} samples (seed {SEED}; our choice): "
        "x = (1, x1, x2), yhat = t(x^T w)"
    )
    convex = convexity(data)
    every_w = convex_for_every_w(data)
    concave = not_convex(data)
    f = mean_loss("logistic", data["X"], data["logistic"])
    searched = descend(f, [0.0, 0.0, 0.0], search=True)
    fixed = descend(f, [0.0, 0.0, 0.0], search=False)
    print(
        f"\nline search on the logistic loss from w = 0: each step tries eta in "
        f"{ETAS[0]:g}, {ETAS[1]:g}, ..., {ETAS[-1]:g} and keeps the best"
    )
    print(f"  step   loss (line search)  eta chosen   loss (fixed eta = {FIXED_ETA:g})")
    for t in (0, 1, 2, 3, 5, 10, STEPS):
        eta = f"{searched['eta'][t]:g}" if t < STEPS else ""
        print(f"  {t:4d}   {searched['loss'][t]:.10f}  {eta:>10}   {fixed['loss'][t]:.10f}")
    plots = plot_or_skip(args.out, lambda plt: [_plot(plt, searched, fixed, args.out)])
    return {
        "data": {k: v.tolist() for k, v in data.items()},
        **convex,
        **concave,
        "every_w": every_w,
        "line_search": searched,
        "fixed": fixed,
        "plots": plots,
    }


def _plot(plt: Any, searched: dict, fixed: dict, out: str) -> str:
    fig, ax = plt.subplots(figsize=(6, 4), dpi=110)
    ax.plot(searched["loss"], "o-", color="#4c72b0", markersize=3, label="line search over eta")
    ax.plot(fixed["loss"], "s-", color="#c44e52", markersize=3, label=f"fixed eta = {FIXED_ETA:g}")
    ax.set_xlabel("gradient descent step")
    ax.set_ylabel("mean logistic loss")
    ax.set_title("logistic regression: line search for eta vs a fixed eta", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return save_figure(plt, fig, os.path.join(out, "line_search.png"))


if __name__ == "__main__":
    main()
