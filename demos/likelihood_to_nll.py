"""From the likelihood of a data set to the negative log-likelihood, and the CE gradient.

Seed 000 (L. Kaelbling, "Loss for classification: NLL", K12): with a softmax
output a and a one-hot label y, Π_i a_i^{y_i} is the probability the network
assigns to the correct class; "we would like to maximize the probability our
network assigns to the whole dataset", Π_j Π_i a_i^(j) y_i^(j); log is
monotonic, so maximise the log, Σ_j Σ_i y_i^(j) log a_i^(j), or minimise
NLL(a, y) = -Σ_i y_i log a_i ("negative log likelihood, log loss, cross
entropy"). Seed 002 (D. Bui, B11, B12): H(p, q) = -Σ p log q = H(p) +
D_KL(p‖q), H(p) = 0 for a one-hot p, and L_i = -log P(Y = y_i | X = x_i).
Seed 003 (Y. Pan, P02): the cross-entropy gradient "is a matrix and is a
summation of N outer products".

The demo, on a linear softmax classifier a = softmax(W x + b) (an
``nn.Layer(2, 3)``, nn's orientation: W is classes x features):

1. six labelled points: each example's Π_k a_k^{y_k}, their product (the
   likelihood), its log, the sum of logs and the NLL, all with numbers;
2. 2,000 points: the product underflows to 0.0 in floats (and in the
   engine, whose log then refuses it, and whose gradient is 0), while the
   sum of logs stays finite;
3. H(p, q) = H(p) + KL(p‖q) for one example, with a one-hot and a soft
   target, and L_i = -log P(correct) for each of the six points;
4. dL/dW of L = Σ_i L_i is Σ_i (p_i - y_i) x_iᵀ: each outer product printed,
   their sum next to the engine's ``weight_grad()``.

Our choices (the seeds give no numbers): the points, W and b, the blobs'
centres and spread, and the soft target (0.7, 0.2, 0.1).

    python -m autograd_lite.demos.likelihood_to_nll [--out out/likelihood_to_nll]
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from typing import Any

import numpy as np
from autograd_lite.demos.matrix_text import matrix_lines, side_by_side
from autograd_lite.demos.plotting import save_figure
from autograd_lite.demos.report import Row, demo_parser, plot_or_skip, table

from autograd_lite import Value, log_softmax, softmax
from nn import Layer, make_blobs, nll, softmax_cross_entropy, total

POINTS = [(-1.2, 0.1), (-0.6, -0.7), (0.9, 0.3), (1.4, -0.5), (0.2, 1.3), (-0.4, 0.6)]
LABELS = [0, 0, 1, 1, 2, 2]
WEIGHT = [[-1.0, -0.5], [1.0, -0.5], [0.0, 1.0]]  # row k: class k's weights (classes x features)
BIAS = [0.2, 0.0, -0.2]
CLASSES = 3
MANY, CENTRES, SPREAD, SEED = 2000, [(-1.0, 0.0), (1.0, 0.0), (0.0, 1.5)], 0.7, 0
SOFT_TARGET = [0.7, 0.2, 0.1]
EXAMPLE = 0  # the example of part 3


def classifier() -> Layer:
    """The linear softmax classifier's scores z = W x + b, as an ``nn.Layer(2, 3)``.

    >>> classifier().weight()[2].tolist()
    [0.0, 1.0]
    """
    layer = Layer(2, CLASSES, activation="linear", seed=SEED)
    layer.load_state_dict(
        {f"neurons.{k}.w.{i}": WEIGHT[k][i] for k in range(CLASSES) for i in range(2)}
        | {f"neurons.{k}.b": BIAS[k] for k in range(CLASSES)}
    )
    return layer


def product(values: Sequence[Value]) -> Value:
    """values[0] * values[1] * ... on the graph (``nn.total`` for products).

    >>> product([Value(0.5), Value(0.5), Value(4.0)]).data
    1.0
    """
    acc = values[0]
    for v in values[1:]:
        acc = acc * v
    return acc


def softmax_rows(S: np.ndarray) -> np.ndarray:
    """Row-wise softmax in numpy (max shifted): the independent side of the tables.

    >>> softmax_rows(np.array([[0.0, 0.0]])).tolist()
    [[0.5, 0.5]]
    """
    E = np.exp(S - S.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def probabilities_in_floats(X: np.ndarray) -> np.ndarray:
    """a^(j) = softmax(W x_j + b) for every row of X, in numpy."""
    return softmax_rows(X @ np.array(WEIGHT).T + np.array(BIAS))


def likelihood_of_points(layer: Layer) -> dict[str, Any]:
    """Part 1 (K12): Π_k a_k^{y_k} per example, the likelihood, its log, the NLL."""
    Y = np.eye(CLASSES)[LABELS]
    print(f"part 1 (seed 000, K12): {len(POINTS)} labelled points, a = softmax(W x + b)")
    print(f"  W = {WEIGHT} (row k: class k), b = {BIAS}")
    probs, per_example, log_terms, losses = _point_graphs(layer, Y)
    _print_points(probs, per_example[0].data, Y[0])
    likelihood = product(per_example)
    log_likelihood = total(log_terms)
    nll_sum = total(losses)
    rows = _likelihood_table(Y, per_example, likelihood, log_likelihood, nll_sum)
    print(
        f"  log turns the product of {len(POINTS)} probabilities into a sum; NLL = -log "
        "likelihood,\n  so the NLL is smallest where the likelihood is largest"
    )
    return {
        "probs": probs,
        "per_example": [v.data for v in per_example],
        "likelihood": likelihood.data,
        "log_likelihood": log_likelihood.data,
        "nll": nll_sum.data,
        "rows": rows,
    }


def _point_graphs(
    layer: Layer, Y: np.ndarray
) -> tuple[list[list[float]], list[Value], list[Value], list[Value]]:
    """Per point: a = softmax(z), Π_k a_k^{y_k}, Σ_k y_k log a_k and nn.nll, on the graph."""
    probs, per_example, log_terms, losses = [], [], [], []
    for x, y in zip(POINTS, Y):
        z = layer(list(x))
        a = softmax(z)
        probs.append([v.data for v in a])
        per_example.append(product([a_k ** float(y_k) for a_k, y_k in zip(a, y)]))
        log_terms.append(total([float(y_k) * a_k.log() for a_k, y_k in zip(a, y)]))
        losses.append(nll(z, int(np.argmax(y))))
    return probs, per_example, log_terms, losses


def _print_points(probs: list[list[float]], first: float, y0: np.ndarray) -> None:
    """Print each point's a, then example 0's Π_k a_k^{y_k} factor by factor."""
    for j, (x, a) in enumerate(zip(POINTS, probs)):
        shown = ", ".join(f"{p:.4f}" for p in a)
        print(f"  x({j}) = {x}, class {LABELS[j]}: a = ({shown})")
    factors = " · ".join(f"a_{k}^{int(y_k)}" for k, y_k in enumerate(y0))
    numbers = " · ".join(f"{p:.4f}" if y_k else "1" for p, y_k in zip(probs[0], y0))
    print(
        f"  example 0, y = {tuple(int(v) for v in y0)}: {factors} = {numbers} = "
        f"{first:.4f} (a^0 = 1)"
    )


def _likelihood_table(
    Y: np.ndarray,
    per_example: list[Value],
    likelihood: Value,
    log_likelihood: Value,
    nll_sum: Value,
) -> list[dict[str, Any]]:
    """Print the per-example probabilities, the likelihood, its log and the NLL beside numpy."""
    P = probabilities_in_floats(np.array(POINTS))
    correct = P[np.arange(len(POINTS)), LABELS]
    return table(
        "\n  the probability of the whole data set, its log, and the NLL",
        [
            Row(f"example {j}", "Π_k a_k^y_k = a_(its class)", correct[j], per_example[j].data)
            for j in range(len(POINTS))
        ]
        + [
            Row("likelihood", "Π_j Π_k a_k^(j) y_k^(j)", np.prod(P**Y), likelihood.data),
            Row(
                "log likelihood",
                "Σ_j Σ_k y_k^(j) log a_k^(j)",
                np.sum(Y * np.log(P)),
                log_likelihood.data,
            ),
            Row(
                "log of the likelihood",
                "log Π_j Π_k a^y",
                math.log(np.prod(correct)),
                likelihood.log().data,
            ),
            Row("NLL (Σ_j nn.nll)", "-Σ_j Σ_k y log a", -np.sum(Y * np.log(P)), nll_sum.data),
        ],
    )


def running_in_floats(correct: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The running product of ``correct`` (one float multiply at a time) and its running
    sum of logs.

    >>> [p.tolist() for p in running_in_floats(np.array([0.5, 0.5]))][0]
    [0.5, 0.25]
    """
    prods, acc = [], 1.0
    for p in correct.tolist():
        acc *= p
        prods.append(acc)
    return np.array(prods), np.cumsum(np.log(correct))


def underflow(layer: Layer, out: str) -> dict[str, Any]:
    """Part 2: the product of 2,000 probabilities underflows; the sum of their logs does not."""
    X, labels = make_blobs(MANY, centers=CENTRES, std=SPREAD, seed=SEED)
    correct = probabilities_in_floats(X)[np.arange(MANY), labels]
    prods, logs = running_in_floats(correct)
    first_zero = int(np.argmax(prods == 0.0)) + 1 if (prods == 0.0).any() else None
    _print_running(prods, logs, first_zero)
    engine = _engine_likelihood(layer, X, labels)
    rows = _print_engine_side(engine, logs[-1])
    plots = plot_or_skip(out, lambda plt: [plot_running(plt, prods, logs, out)])
    return {
        "X": X,
        "labels": labels,
        "float_product": float(prods[-1]),
        "first_zero": first_zero,
        "engine_likelihood": engine["likelihood"].data,
        "engine_log_refused": engine["refused"],
        "log_likelihood": engine["log_likelihood"].data,
        "likelihood_grad_max": float(np.abs(engine["flat"]).max()),
        "log_likelihood_grad": engine["from_log"].tolist(),
        "plots": plots,
        "rows": rows,
    }


def _print_running(prods: np.ndarray, logs: np.ndarray, first_zero: int | None) -> None:
    """Print the running float product and log-sum at a few j, and where the product hits 0.0."""
    print(
        f"\npart 2: {MANY} points from three blobs (centres {CENTRES},\n"
        f"  spread {SPREAD}, seed {SEED}), the same classifier"
    )
    print("  j      product of the first j a_y (floats)   sum of their logs   log10 of the product")
    for j in (1, 10, 100, 500, 1000, 1500, MANY):
        print(
            f"  {j:<5}  {prods[j - 1]:<37.6g}  {logs[j - 1]:<18.4f}  "
            f"{logs[j - 1] / math.log(10):.2f}"
        )
    print(
        f"  the product reaches 0.0 at j = {first_zero}: e^{logs[first_zero - 1]:.1f} is below "
        f"the smallest float, {np.nextafter(0, 1):.3g} = e^{math.log(np.nextafter(0, 1)):.1f}"
    )


def _engine_likelihood(layer: Layer, X: np.ndarray, labels: np.ndarray) -> dict[str, Any]:
    """The engine's likelihood (is its log refused?), log-likelihood and dL/dW of each."""
    scores = [layer(list(x)) for x in X.tolist()]
    likelihood = product([softmax(z)[int(k)] for z, k in zip(scores, labels)])
    likelihood.label = "likelihood"
    try:
        likelihood.log()
        refused = ""
    except ValueError as err:
        refused = str(err)
    log_likelihood = total([log_softmax(z)[int(k)] for z, k in zip(scores, labels)])
    likelihood.backward()
    flat = layer.weight_grad()
    layer.zero_grad()
    log_likelihood.backward()
    from_log = layer.weight_grad()
    layer.zero_grad()
    return {
        "likelihood": likelihood,
        "refused": refused,
        "log_likelihood": log_likelihood,
        "flat": flat,
        "from_log": from_log,
    }


def _print_engine_side(engine: dict[str, Any], float_log_sum: float) -> list[dict[str, Any]]:
    """Print the engine's likelihood, its finite log-likelihood and both gradients' sizes."""
    print(f"  the engine's likelihood: {engine['likelihood'].data}; its log: {engine['refused']}")
    rows = table(
        "  the engine's log-likelihood, Σ_j log_softmax(z^(j))_y, is finite",
        [Row("log likelihood", "Σ_j log a_y^(j)", float_log_sum, engine["log_likelihood"].data)],
    )
    print(
        f"  dL/dW of the likelihood itself: largest |entry| {np.abs(engine['flat']).max():g} "
        f"(underflowed too);\n  of the log-likelihood: largest |entry| "
        f"{np.abs(engine['from_log']).max():.4g}, so we train on the log"
    )
    return rows


def plot_running(plt: Any, prods: np.ndarray, logs: np.ndarray, out: str) -> str:
    """log10 of the running float product (it stops at 0.0) against the running log-sum."""
    fig, ax = plt.subplots(figsize=(6, 3.8), dpi=110)
    j = np.arange(1, len(prods) + 1)
    with np.errstate(divide="ignore"):
        shown = np.where(prods > 0, np.log10(np.where(prods > 0, prods, 1.0)), np.nan)
    ax.plot(j, logs / math.log(10), color="#4c72b0", label="Σ log a_y / ln 10 (finite)")
    ax.plot(j, shown, color="#c44e52", linestyle="--", label="log10 of the float product")
    ax.axhline(math.log10(np.nextafter(0, 1)), color="gray", linewidth=0.8, label="smallest float")
    if (prods == 0.0).any():
        zero = int(np.argmax(prods == 0.0)) + 1
        ax.axvline(
            zero, color="#c44e52", linewidth=0.8, linestyle=":", label=f"product = 0.0 (j = {zero})"
        )
    ax.set_xlabel("examples j")
    ax.set_ylabel("log10 of the likelihood")
    ax.set_title("the product of probabilities underflows; the sum of logs does not", fontsize=10)
    ax.legend(fontsize=8, loc="lower left")
    ax.grid(alpha=0.3)
    return save_figure(plt, fig, os.path.join(out, "underflow.png"))


def entropy_split(scores: Sequence[float], p: Sequence[float], name: str) -> dict[str, Any]:
    """B11 for one example: H(p, q) = H(p) + KL(p‖q), q = softmax(scores), target ``p``."""
    z = [Value(s, label=f"z{k}") for k, s in enumerate(scores)]
    log_q = log_softmax(z)
    cross = softmax_cross_entropy(z, list(p))
    kl = total([p_k * (math.log(p_k) - lq) for p_k, lq in zip(p, log_q) if p_k > 0.0])
    pn, qn = np.array(p), softmax_rows(np.array([scores]))[0]
    seen = pn > 0.0  # 0 log 0 = 0
    h_p = float(-np.sum(pn[seen] * np.log(pn[seen]))) + 0.0  # + 0.0: no "-0" printed
    kl_n = float(np.sum(pn[seen] * np.log(pn[seen] / qn[seen])))
    h_pq = float(-np.sum(pn * np.log(qn)))
    cross.backward()
    cross_grad = [v.grad for v in z]
    for v in z:
        v.zero_grad()
    kl.backward()
    kl_grad = [v.grad for v in z]
    target = "(" + ", ".join(f"{v:g}" for v in p) + ")"
    rows = table(
        f"\n  {name} target p = {target}",
        [
            Row("H(p)", "-Σ p log p (0 log 0 = 0)", h_p, cross.data - kl.data),
            Row("KL(p‖q)", "Σ p log(p / q)", kl_n, kl.data),
            Row("H(p, q)", "-Σ p log q", h_pq, cross.data),
            Row("H(p) + KL(p‖q)", "the two above, added", h_p + kl_n, cross.data),
        ]
        + [Row(f"dH(p,q)/dz{k}", "q - p", qn[k] - pn[k], cross_grad[k]) for k in range(CLASSES)]
        + [
            Row(f"dKL(p‖q)/dz{k}", "q - p (H(p) has no z)", qn[k] - pn[k], kl_grad[k])
            for k in range(CLASSES)
        ],
    )
    return {
        "target": list(p),
        "H_p": cross.data - kl.data,
        "KL": kl.data,
        "H_pq": cross.data,
        "cross_grad": cross_grad,
        "kl_grad": kl_grad,
        "rows": rows,
    }


def cross_entropy_parts(layer: Layer) -> dict[str, Any]:
    """Part 3: B11 on one example (one-hot and soft target), B12 on all six."""
    scores = [v.data for v in layer(list(POINTS[EXAMPLE]))]
    q = softmax_rows(np.array([scores]))[0]
    print(
        f"\npart 3 (seed 002, B11): H(p, q) = H(p) + KL(p‖q) for example {EXAMPLE}, "
        f"x = {POINTS[EXAMPLE]}, q = softmax(z) = ({', '.join(f'{v:.4f}' for v in q)})"
    )
    one_hot = entropy_split(scores, np.eye(CLASSES)[LABELS[EXAMPLE]].tolist(), "one-hot")
    soft = entropy_split(scores, SOFT_TARGET, "soft (our choice)")
    print(
        "  one-hot p: H(p) = 0, so H(p, q) = KL(p‖q) = -log q_y; a soft p adds its own "
        "entropy,\n  a constant: minimising H(p, q) over z minimises KL(p‖q) (same gradient q - p)"
    )
    X = np.array(POINTS)
    S = X @ np.array(WEIGHT).T + np.array(BIAS)
    P = softmax_rows(S)
    losses = [nll(layer(list(x)), y).data for x, y in zip(POINTS, LABELS)]
    rows = table(
        "\n  seed 002, B12: L_i = -log P(Y = y_i | X = x_i) = -s_y + log Σ_j e^s_j "
        "(nn.nll computes the right side)",
        [
            Row(f"L_{i}", f"-log P(Y = {y} | x_{i})", -math.log(P[i, y]), losses[i])
            for i, y in enumerate(LABELS)
        ],
    )
    worst = int(np.argmax(losses))
    print(
        f"  the largest loss is example {worst} (P(correct) = {P[worst, LABELS[worst]]:.4f}): "
        "minimising L_i maximises P(correct)"
    )
    return {
        "one_hot": one_hot,
        "soft": soft,
        "losses": losses,
        "rows": one_hot["rows"] + soft["rows"] + rows,
    }


def sum_of_outer_products(layer: Layer) -> dict[str, Any]:
    """Part 4 (P02): dL/dW of L = Σ_i L_i is Σ_i (p_i - y_i) x_iᵀ, each outer product printed."""
    X, Y = np.array(POINTS), np.eye(CLASSES)[LABELS]
    P = probabilities_in_floats(X)
    outers = [np.outer(P[i] - Y[i], X[i]) for i in range(len(X))]
    _print_outer_products(X, P - Y, outers)
    summed = np.sum(outers, axis=0)
    grad_sum, bias_sum, grad_mean = _engine_nll_grads(layer)
    print(
        side_by_side(
            [
                ["  Σ_i (p_i - y_i) x_iᵀ ="],
                matrix_lines(summed, "8.5f"),
                ["  engine's weight_grad() ="],
                matrix_lines(grad_sum, "8.5f"),
            ]
        )
    )
    print(
        f"  rank of the sum: {np.linalg.matrix_rank(summed)}; it equals (P - Y)ᵀ X, "
        "seed 002's Xᵀ (P - Y) transposed"
    )
    rows = _outer_table(summed, P - Y, grad_sum, grad_mean, bias_sum)
    return {
        "outer_products": [o.tolist() for o in outers],
        "weight_grad": grad_sum.tolist(),
        "weight_grad_mean": grad_mean.tolist(),
        "bias_grad": bias_sum.tolist(),
        "rows": rows,
    }


def _print_outer_products(X: np.ndarray, errors: np.ndarray, outers: list[np.ndarray]) -> None:
    """Print each example's (p_i - y_i) x_iᵀ as a column times a row equals a matrix."""
    print(
        "\npart 4 (seed 003, P02): L = Σ_i L_i; dL/dW is 'a summation of N outer products', "
        "(p_i - y_i) x_iᵀ,\n  each classes x features, rank 1 (nn's W is classes x features)"
    )
    for i, outer in enumerate(outers):
        print(
            side_by_side(
                [
                    [f"  i = {i}"],
                    matrix_lines(errors[i][:, None], "7.4f"),
                    ["x_iᵀ", ""],
                    matrix_lines(X[i], "4.1f"),
                    ["=", ""],
                    matrix_lines(outer, "7.4f"),
                ]
            )
        )


def _engine_nll_grads(layer: Layer) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The engine's dL/dW and dL/db of L = Σ_i nll, and dW of the mean loss L / N."""
    layer.zero_grad()
    total([nll(layer(list(x)), y) for x, y in zip(POINTS, LABELS)]).backward()
    grad_sum, bias_sum = layer.weight_grad(), layer.bias_grad()
    layer.zero_grad()
    (total([nll(layer(list(x)), y) for x, y in zip(POINTS, LABELS)]) / len(POINTS)).backward()
    grad_mean = layer.weight_grad()
    layer.zero_grad()
    return grad_sum, bias_sum, grad_mean


def _outer_table(
    summed: np.ndarray,
    errors: np.ndarray,
    grad_sum: np.ndarray,
    grad_mean: np.ndarray,
    bias_sum: np.ndarray,
) -> list[dict[str, Any]]:
    """Print the summed outer products, their mean and the bias gradient beside the engine."""
    n = len(POINTS)
    cells = [(k, m) for k in range(CLASSES) for m in range(summed.shape[1])]
    return table(
        "\n  the sum, entry by entry; then the mean loss 1/N Σ_i L_i; then the bias",
        [
            Row(f"dL/dW[{k},{m}]", "Σ_i (p_i - y_i)_k x_i,m", summed[k, m], grad_sum[k, m])
            for k, m in cells
        ]
        + [
            Row(
                f"d(L/N)/dW[{k},{m}]",
                "1/N Σ_i (p_i - y_i)_k x_i,m",
                summed[k, m] / n,
                grad_mean[k, m],
            )
            for k, m in cells
        ]
        + [
            Row(f"dL/db[{k}]", "Σ_i (p_i - y_i)_k", np.sum(errors[:, k]), bias_sum[k])
            for k in range(CLASSES)
        ],
    )


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the four parts; return their key numbers and every table row."""
    args = demo_parser("likelihood_to_nll", __doc__).parse_args(argv)
    layer = classifier()
    one = likelihood_of_points(layer)
    two = underflow(layer, args.out)
    three = cross_entropy_parts(layer)
    four = sum_of_outer_products(layer)
    return {
        "points": POINTS,
        "labels": LABELS,
        "W": WEIGHT,
        "b": BIAS,
        "likelihood": one,
        "underflow": two,
        "cross_entropy": three,
        "outer": four,
        "rows": one["rows"] + two["rows"] + three["rows"] + four["rows"],
        "plots": two["plots"],
    }


if __name__ == "__main__":
    main()
