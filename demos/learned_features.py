"""A deep net is a GLM on learned features: refit its last layer as logistic regression.

Y. Pan's "Deep learning" (seed 003, P08) recalls the generalised linear model,
yhat = t(x^T w) with loss l(t(x^T w), y), and says what is special about deep
learning: "Use a deep NN: phi_theta(x)^T w", so yhat = t(phi_theta(x)^T w) and
the loss is l(t(phi_theta(x)^T w), y); "now your training parameters include
both w and theta". Here t is the sigmoid and l the binary cross-entropy
(logistic regression; seed 003 prints the log-likelihood, without the minus).

The demo trains ``MLP(2, [4, 1])`` (4 tanh hidden units, as in the seed's
classic example with 4 units, and a sigmoid output) on 200 noisy moons with the
binary cross-entropy plus lambda |all weights|^2 (lambda = 1e-3) by full-batch
Adam. Then it freezes theta (the hidden layer), takes the features
phi_theta(x) = the hidden layer's outputs a[1] = tanh(W[1] x + b[1]) (4 numbers
per point, plus a 1 for the bias), and refits the last layer as logistic
regression on them by Newton's method (IRLS) in numpy:

    J(w) = 1/n sum l(sigmoid(phi^T w), y) + lambda |w|^2
    grad = 1/n Phi^T (yhat - y) + 2 lambda w,   H = 1/n Phi^T diag(yhat(1 - yhat)) Phi + 2 lambda I

J is convex with a single minimiser w_GLM, so J(w_GLM) <= J(w_trained) always,
and the two weight vectors agree exactly when training has converged, i.e. when
the network's own gradient for its last layer, which backprop computes and
which is this same formula, is 0. Otherwise the gap w_trained - w_GLM is about
one Newton step, H^-1 grad J(w_trained). The demo refits after 100, 1000 and
1500 epochs (Adam lr 0.05, then 0.005 for the last 500): the gap is 0.86 (|w|
is about 6), then 1.1e-3, then 2e-13, when |grad J| is 2e-14; J(w_trained) -
J(w_GLM) goes 1.4e-3, 4.5e-8, 0. Loading w_GLM into the network's last layer
gives a network whose loss on the engine's graph is J(w_GLM) and whose
last-layer gradient is 0: the network is that GLM. The same GLM on the raw
inputs (x1, x2, 1) reaches J = 0.33 and 88% accuracy against 0.18 and 95% on
phi_theta(x): the learned features do the work.

With ``--hidden 8,8`` (two hidden layers, phi = the second one's outputs) the
same holds (gap 7e-5, J difference 5.5e-12 after 1500 epochs), but under the
L2 penalty its 8 features end up nearly copies of one another (Phi has two large
singular values, the rest below 3e-3), so w_GLM is unique mostly thanks to
lambda. The data, the widths, tanh, lambda, the learning rates and the epochs
are our choice.

    python -m autograd_lite.demos.learned_features [--out out/learned_features]
"""

from __future__ import annotations

import argparse
import os
from typing import Any

import numpy as np
from autograd_lite.demos.plotting import save_figure
from autograd_lite.demos.report import Row, demo_parser, plot_or_skip, positive_int, table

from autograd_lite import no_grad
from nn import MLP, Adam, binary_cross_entropy, fit, l2_penalty, make_moons, total

POINTS, NOISE, DATA_SEED, MODEL_SEED = 200, 0.25, 0, 0
HIDDEN, L2 = [4], 1e-3
STAGES = [(100, 0.05), (900, 0.05), (500, 0.005)]  # (epochs, Adam's lr); a refit after each
NEWTON_TOL, NEWTON_MAX = 1e-12, 50
J_FORMULA = "1/n sum l(t(phi^T w), y) + lambda |w|^2"
GRAD_FORMULA = "|1/n Phi^T (yhat - y) + 2 lambda w|"


def features(model: MLP, X: np.ndarray) -> np.ndarray:
    """phi_theta(x) by the formula, with numpy: the last hidden layer's outputs
    a = tanh(W a_prev + b) for every row of ``X``, with a column of 1s for the bias.

    >>> features(MLP(2, [3, 1], activation="tanh", seed=0), np.zeros((4, 2))).shape
    (4, 4)
    """
    a = X
    for layer in model.layers[:-1]:
        a = np.tanh(a @ layer.weight().T + layer.bias())
    return np.column_stack([a, np.ones(len(a))])


def engine_features(model: MLP, X: np.ndarray) -> np.ndarray:
    """phi_theta(x) as the engine computes it: each row through the frozen hidden layers."""
    rows = []
    with no_grad():
        for x in X:
            a = list(x)
            for layer in model.layers[:-1]:
                a = layer(a)
            rows.append([v.data for v in a] + [1.0])
    return np.array(rows)


def glm_loss(Phi: np.ndarray, y: np.ndarray, w: np.ndarray, l2: float = L2) -> float:
    """J(w) = mean of softplus(z) - y z (the cross-entropy of sigmoid(z)) + l2 |w|^2, z = Phi w.

    >>> round(glm_loss(np.ones((2, 1)), np.array([0.0, 1.0]), np.zeros(1)), 6)  # log 2
    0.693147
    """
    z = Phi @ w
    return float(np.mean(np.logaddexp(0.0, z) - y * z) + l2 * w @ w)


def glm_gradient(Phi: np.ndarray, y: np.ndarray, w: np.ndarray, l2: float = L2) -> np.ndarray:
    """grad J = 1/n Phi^T (sigmoid(Phi w) - y) + 2 l2 w.

    >>> glm_gradient(np.ones((2, 1)), np.array([1.0, 1.0]), np.zeros(1), l2=0.0)
    array([-0.5])
    """
    p = 1.0 / (1.0 + np.exp(-(Phi @ w)))
    return Phi.T @ (p - y) / len(y) + 2.0 * l2 * w


def glm_hessian(Phi: np.ndarray, w: np.ndarray, l2: float = L2) -> np.ndarray:
    """H = 1/n Phi^T diag(p (1 - p)) Phi + 2 l2 I, p = sigmoid(Phi w).

    >>> glm_hessian(np.ones((2, 1)), np.zeros(1), l2=0.0)
    array([[0.25]])
    """
    p = 1.0 / (1.0 + np.exp(-(Phi @ w)))
    return Phi.T @ (Phi * (p * (1.0 - p))[:, None]) / len(Phi) + 2.0 * l2 * np.eye(len(w))


def newton_glm(Phi: np.ndarray, y: np.ndarray, l2: float = L2) -> tuple[np.ndarray, list[float]]:
    """Logistic regression on the columns of ``Phi`` by Newton's method (IRLS) from w = 0;
    returns w and |grad J| before each step (the last one below ``NEWTON_TOL``).

    >>> Phi = np.column_stack([np.linspace(-1, 1, 6), np.ones(6)])
    >>> w, norms = newton_glm(Phi, np.array([0, 0, 1, 0, 1, 1.0]))
    >>> norms[-1] < 1e-12 < norms[-2], len(norms) < 10
    (True, True)
    """
    w = np.zeros(Phi.shape[1])
    norms = []
    for _ in range(NEWTON_MAX):
        g = glm_gradient(Phi, y, w, l2)
        norms.append(float(np.linalg.norm(g)))
        if norms[-1] < NEWTON_TOL:
            break
        w = w - np.linalg.solve(glm_hessian(Phi, w, l2), g)
    return w, norms


def last_layer(model: MLP) -> np.ndarray:
    """The output unit's weights and bias as one vector (w, b)."""
    out = model.layers[-1]
    return np.append(out.weight()[0], out.bias()[0])


def set_last_layer(model: MLP, w: np.ndarray) -> None:
    """Write (w, b) into the output unit; the hidden layers are left as they are."""
    out = model.layers[-1]
    state = {f"neurons.0.w.{i}": float(v) for i, v in enumerate(w[:-1])}
    out.load_state_dict({**state, "neurons.0.b": float(w[-1])})


def engine_objective(model: MLP, X: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """J on the engine's graph, through the whole network: mean cross-entropy of its output
    + lambda |last layer|^2; returns J and dJ/d(w, b) of the last layer from backward."""
    out = model.layers[-1]
    terms = [binary_cross_entropy(model(x), float(t)) for x, t in zip(X, y)]
    J = total(terms) / len(terms) + l2_penalty(out, L2)
    model.zero_grad()
    J.backward()
    return J.data, np.append(out.weight_grad()[0], out.bias_grad()[0])


def refit(model: MLP, X: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    """Freeze theta, refit the last layer as a GLM on phi_theta(x); compare with the trained one."""
    Phi = features(model, X)
    trained = last_layer(model)
    glm, newton_norms = newton_glm(Phi, y)
    gradient = glm_gradient(Phi, y, trained)
    step = np.linalg.solve(glm_hessian(Phi, trained), gradient)
    J_engine, grad_engine = engine_objective(model, X, y)
    return {
        "Phi": Phi,
        "hidden": [(layer.weight(), layer.bias()) for layer in model.layers[:-1]],
        "trained": trained,
        "glm": glm,
        "newton_norms": newton_norms,
        "J_trained": glm_loss(Phi, y, trained),
        "J_glm": glm_loss(Phi, y, glm),
        "J_trained_engine": J_engine,
        "grad_norm": float(np.linalg.norm(gradient)),
        "grad_norm_engine": float(np.linalg.norm(grad_engine)),
        "distance": float(np.linalg.norm(trained - glm)),
        "newton_step": float(np.linalg.norm(step)),
        "accuracy_trained": float(np.mean((Phi @ trained > 0) == y)),
        "accuracy_glm": float(np.mean((Phi @ glm > 0) == y)),
    }


def train_and_refit(
    X: np.ndarray, y: np.ndarray, hidden: list[int]
) -> tuple[MLP, list[dict[str, Any]]]:
    """Train ``MLP(2, hidden + [1])`` in ``STAGES``; refit the last layer as a GLM after each."""
    model = MLP(2, hidden + [1], activation="tanh", output_activation="sigmoid", seed=MODEL_SEED)
    snapshots, epochs = [], 0
    for stage_epochs, lr in STAGES:
        optimizer = Adam(model, lr=lr)
        fit(
            model,
            X,
            y,
            loss=binary_cross_entropy,
            optimizer=optimizer,
            epochs=stage_epochs,
            l2=L2,
            progress=False,
            batched=True,
        )
        epochs += stage_epochs
        snapshots.append({"epochs": epochs, "lr": lr, **refit(model, X, y)})
    return model, snapshots


def print_snapshots(snapshots: list[dict[str, Any]]) -> None:
    """One line per refit: the two losses, the distance, and the Newton step that explains it."""
    print(
        "the trained last layer w_trained against the GLM refit w_GLM on the frozen features;\n"
        "Newton step = |H^-1 grad J(w_trained)|, grad J = the gradient at w_trained\n"
        "  epochs    J(w_trained)        J(w_GLM)  difference  |w_trained - w_GLM|  Newton step"
        "  |grad J|"
    )
    for s in snapshots:
        print(
            f"  {s['epochs']:6d}  {s['J_trained']:.12f}  {s['J_glm']:.12f}  "
            f"{s['J_trained'] - s['J_glm']:10.1e}  {s['distance']:19.2e}  "
            f"{s['newton_step']:11.2e}  {s['grad_norm']:8.1e}"
        )
    print(
        "J(w_GLM) <= J(w_trained) at every refit (w_GLM minimises the convex J); the gap in w is "
        "one Newton\nstep from w_trained, and it closes as training converges "
        "(the gradient for the last layer goes to 0)"
    )


def hidden_formula(layers: int) -> str:
    """phi_theta(x) written out for ``layers`` tanh hidden layers.

    >>> hidden_formula(2)
    'tanh(W2 tanh(W1 x + b1) + b2)'
    """
    text = "x"
    for k in range(1, layers + 1):
        text = f"tanh(W{k} {text} + b{k})"
    return text


def engine_rows(model: MLP, X: np.ndarray, y: np.ndarray, last: dict[str, Any]) -> list[dict]:
    """The lecture's formulas next to the engine's numbers, after the last refit; leaves the
    network with the GLM's last layer."""
    Phi, glm = last["Phi"], last["glm"]
    phi_engine = engine_features(model, X)
    set_last_layer(model, glm)
    J_glm_engine, grad_glm_engine = engine_objective(model, X, y)
    with no_grad():
        yhat0 = model(X[0]).data
    return table(
        f"\nafter {last['epochs']} epochs: the network's graph against the GLM formulas",
        [
            Row(
                "sum of phi_theta(x) over the data",
                hidden_formula(len(model.layers) - 1),
                Phi[:, :-1].sum(),
                phi_engine[:, :-1].sum(),
            ),
            Row("J(w_trained)", J_FORMULA, last["J_trained"], last["J_trained_engine"]),
            Row("|dJ/dw| at w_trained", GRAD_FORMULA, last["grad_norm"], last["grad_norm_engine"]),
            Row("J(w_GLM), loaded into the net", J_FORMULA, last["J_glm"], J_glm_engine),
            Row(
                "|dJ/dw| at w_GLM",
                GRAD_FORMULA,
                float(np.linalg.norm(glm_gradient(Phi, y, glm))),
                float(np.linalg.norm(grad_glm_engine)),
            ),
            Row(
                "yhat(x_0), net with w_GLM",
                "sigmoid(phi_theta(x_0)^T w_GLM)",
                1.0 / (1.0 + np.exp(-(Phi[0] @ glm))),
                yhat0,
            ),
        ],
    )


def raw_inputs_glm(X: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    """The same GLM on the raw inputs (x1, x2, 1) instead of the learned features."""
    P = np.column_stack([X, np.ones(len(X))])
    w, _ = newton_glm(P, y)
    return {"w": w, "J": glm_loss(P, y, w), "accuracy": float(np.mean((P @ w > 0) == y))}


def save_weights(plt: Any, snapshots: list[dict[str, Any]], path: str) -> str:
    """The trained last layer's weights next to the GLM's, one panel per snapshot."""
    fig, axes = plt.subplots(1, len(snapshots), figsize=(4 * len(snapshots), 3.5), dpi=110)
    for ax, snap in zip(np.atleast_1d(axes), snapshots):
        k = np.arange(len(snap["glm"]))
        ax.bar(k - 0.2, snap["trained"], width=0.4, color="#4c72b0", label="trained last layer")
        ax.bar(k + 0.2, snap["glm"], width=0.4, color="#dd8452", label="GLM refit (Newton)")
        ax.set_xticks(k, [f"phi_{i + 1}" for i in k[:-1]] + ["bias"])
        ax.set_title(f"after {snap['epochs']} epochs", fontsize=10)
        ax.grid(alpha=0.3, axis="y")
    np.atleast_1d(axes)[0].set_ylabel("last-layer weight")
    np.atleast_1d(axes)[0].legend(fontsize=8)
    return save_figure(plt, fig, path)


def layer_sizes(text: str) -> list[int]:
    """argparse type: hidden layer sizes such as ``8,8``.

    >>> layer_sizes("8,8")
    [8, 8]
    """
    try:
        return [positive_int(part) for part in text.split(",")]
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"expected sizes such as 8,8, got {text!r}") from err


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Train, refit the last layer as a GLM three times; return the losses and distances."""
    parser = demo_parser("learned_features", __doc__)
    parser.add_argument(
        "--hidden",
        type=layer_sizes,
        default=HIDDEN,
        help="hidden layer sizes, comma-separated (default 4; try 8,8)",
    )
    args = parser.parse_args(argv)
    X, y = make_moons(POINTS, noise=NOISE, seed=DATA_SEED)
    print(
        f"MLP(2, {args.hidden + [1]}), tanh hidden units, sigmoid output, on make_moons({POINTS}, "
        f"noise={NOISE});\nbinary cross-entropy + {L2:g} |all weights|^2, full-batch Adam;\n"
        f"phi_theta(x) = the last hidden layer's {args.hidden[-1]} outputs, plus 1 for the bias\n"
    )
    model, snapshots = train_and_refit(X, y, args.hidden)
    print_snapshots(snapshots)
    last = snapshots[-1]
    print(
        "Newton from w = 0 on the features: |grad J| = "
        + ", ".join(f"{g:.0e}" for g in last["newton_norms"])
        + f" ({len(last['newton_norms']) - 1} steps)"
    )
    rows = engine_rows(model, X, y, last)
    raw = raw_inputs_glm(X, y)
    print(
        f"\nthe same GLM on the raw inputs (x1, x2, 1): J = {raw['J']:.4f}, accuracy "
        f"{raw['accuracy']:.1%};\non the learned features phi_theta(x): J = {last['J_glm']:.4f}, "
        f"accuracy {last['accuracy_glm']:.1%}"
    )
    images = plot_or_skip(
        args.out, lambda plt: [save_weights(plt, snapshots, os.path.join(args.out, "weights.png"))]
    )
    return {
        "snapshots": [{k: v for k, v in s.items() if k != "newton_norms"} for s in snapshots],
        "newton_norms": last["newton_norms"],
        "newton_steps": len(last["newton_norms"]) - 1,
        "raw_inputs": raw,
        "data": {"points": POINTS, "noise": NOISE, "seed": DATA_SEED, "l2": L2},
        "rows": rows,
        "images": images,
    }


if __name__ == "__main__":
    main()
