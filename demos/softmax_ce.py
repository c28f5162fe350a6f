"""Softmax cross-entropy: the loss, its gradient p - y, the batch form, and the stable softmax.

From D. Bui's "Neural Networks Basics" (softmax classifier, cross entropy,
stable softmax) and UVA CS 6316 lecture 15 (multi-class loss):

1. The lecture's example: true class y = (0, 1, 0) and predicted
   yhat = (0.1, 0.7, 0.2), so E = -sum_j y_j log yhat_j = -log 0.7. Scores
   with that softmax are s = log yhat (plus any constant). The gradient of
   L = -s_y + log sum_j e^{s_j} with respect to s is p - y.
2. The batch form with L2 regularisation,
   dL/dW = 1/m X^T (P - Y) + 2 lambda W, for softmax regression
   (scores S = X W, one example per row of X), against the scalar graph.
3. Large scores: e^{s_k} / sum_j e^{s_j} overflows for s = (1000, 1001, 1002)
   (our choice: the lecture gives no numbers); subtracting max_k s_k first
   gives the same probabilities without it.

Two slips in seed 002 are flagged where they are used: its cross-entropy
line log(e^{s_y} / sum_j e^{s_j}) = -s_y + log sum_j e^{s_j} lacks a minus
sign on the left, and its one-example gradient (p - y) x^T is the
transpose of its batch form 1/m X^T (P - Y).

    python -m autograd_lite.demos.softmax_ce [--out out/softmax_ce]
"""

from __future__ import annotations

import math
import os
from typing import Any

import numpy as np
from autograd_lite.demos.report import Row, demo_parser, table, write_graph

from autograd_lite import Value, log_softmax, logsumexp, softmax
from nn import softmax_cross_entropy, total

LECTURE_Y = [0.0, 1.0, 0.0]
LECTURE_YHAT = [0.1, 0.7, 0.2]
LARGE = [1000.0, 1001.0, 1002.0]
LAMBDA = 0.01
M, FEATURES, CLASSES, SEED = 6, 4, 3, 0


def lecture_example() -> dict[str, Any]:
    """Part 1: the (0.1, 0.7, 0.2) example; rows, and the loss Value for drawing."""
    scores = [Value(math.log(p), label=f"s{k}") for k, p in enumerate(LECTURE_YHAT)]
    k_true = LECTURE_Y.index(1.0)
    probs = softmax(scores)
    E = -log_softmax(scores)[k_true]
    E.label = "E"
    E.backward()
    nn_loss = softmax_cross_entropy(scores, k_true).data
    yhat = np.array(LECTURE_YHAT)  # softmax(log yhat) = yhat, as yhat sums to 1
    lse = math.log(sum(math.exp(math.log(p)) for p in LECTURE_YHAT))
    rows = table(
        "part 1: y = (0, 1, 0), yhat = (0.1, 0.7, 0.2), scores s = log yhat",
        [Row(f"p{k}", f"e^s{k} / sum_j e^sj", yhat[k], probs[k].data) for k in range(3)]
        + [
            Row("E", "-log 0.7", -math.log(0.7), E.data),
            Row("E", "-s_y + log sum_j e^sj", -math.log(0.7) + lse, E.data),
            Row("E (nn.softmax_cross_entropy)", "-sum_j y_j log yhat_j", -math.log(0.7), nn_loss),
        ]
        + [
            Row(f"dE/ds{k}", "p - y", LECTURE_YHAT[k] - LECTURE_Y[k], scores[k].grad)
            for k in range(3)
        ],
    )
    as_written = math.log(LECTURE_YHAT[k_true])  # seed 002's left side, log(e^s_y / sum e^s_j)
    print(
        "\nerratum, seed 002 (D. Bui), cross entropy: it writes\n"
        "    log(e^s_y / sum_j e^s_j) = -s_y + log sum_j e^s_j\n"
        f"  but here the left side is log 0.7 = {as_written:.4f} and the right side "
        f"{-as_written:.4f}.\n"
        "  Correct: -log(e^s_y / sum_j e^s_j) = -s_y + log sum_j e^s_j (its L_i = -log P, "
        "as the next slide has it)."
    )
    return {
        "E": E.data,
        "grads": [s.grad for s in scores],
        "seed_left_side": as_written,
        "rows": rows,
        "root": E,
    }


def batch_gradient() -> dict[str, Any]:
    """Part 2: 1/m X^T (P - Y) + 2 lambda W against the scalar graph."""
    rng = np.random.default_rng(SEED)
    X = rng.normal(size=(M, FEATURES))
    labels = rng.integers(0, CLASSES, size=M)
    Wn = rng.normal(scale=0.5, size=(FEATURES, CLASSES))
    W = [
        [Value(float(Wn[i, k]), label=f"W[{i},{k}]") for k in range(CLASSES)]
        for i in range(FEATURES)
    ]
    losses = []
    for x, c in zip(X, labels):
        s = [total([W[i][k] * float(x[i]) for i in range(FEATURES)]) for k in range(CLASSES)]
        losses.append(-log_softmax(s)[int(c)])
    reg = total([w * w for row in W for w in row])
    L = total(losses) / M + LAMBDA * reg
    L.backward()

    S = X @ Wn
    P = np.exp(S - S.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    Y = np.eye(CLASSES)[labels]
    dW = X.T @ (P - Y) / M + 2 * LAMBDA * Wn
    Ln = float(np.mean(-np.log(P[np.arange(M), labels])) + LAMBDA * np.sum(Wn**2))
    print(
        f"\npart 2: softmax regression on m = {M} examples (seed {SEED}), "
        f"{FEATURES} features, {CLASSES} classes, lambda = {LAMBDA:g}"
    )
    rows = table(
        "L = 1/m sum_j L_j + lambda sum w^2 and its gradient",
        [Row("L", "1/m sum_j (-s_yj + log sum e^s) + lambda R", Ln, L.data)]
        + [
            Row(f"dL/dW[{i},{k}]", "1/m X^T (P - Y) + 2 lambda W", dW[i, k], W[i][k].grad)
            for i in range(FEATURES)
            for k in range(CLASSES)
        ],
    )
    one = single_example_gradient(X[0], int(labels[0]), Wn, P[0], Y[0])
    return {
        "loss": L.data,
        "rows": rows + one["rows"],
        "single": one,
        "max_gap": max(r["gap"] for r in rows + one["rows"]),
    }


def single_example_gradient(
    x: np.ndarray, label: int, Wn: np.ndarray, p: np.ndarray, y: np.ndarray
) -> dict[str, Any]:
    """Seed 002's one-example gradient (p - y) x^T: the transpose of W's shape."""
    W = [[Value(float(Wn[i, k])) for k in range(CLASSES)] for i in range(FEATURES)]
    s = [total([W[i][k] * float(x[i]) for i in range(FEATURES)]) for k in range(CLASSES)]
    (-log_softmax(s)[label]).backward()
    seed_form = np.outer(p - y, x)  # classes x features, as seed 002 stacks the rows
    graph = np.array([[w.grad for w in row] for row in W])  # features x classes, like W
    print(
        f"\none example (x = row 0 of X, class {label}), no regularisation: seed 002 stacks "
        "dL/dW_i = (p_i - y_i) x^T as rows,\n"
        f"(p - y) x^T, a {seed_form.shape[0]} x {seed_form.shape[1]} (classes x features) matrix; "
        f"its batch form 1/m X^T (P - Y) is {FEATURES} x {CLASSES}\n"
        "(features x classes), the shape of W (S = X W). The two orientations are transposes "
        "(a slip in the seed):"
    )
    rows = table(
        "  dL/dW[i,k] from the graph vs the seed's single-example matrix, read transposed",
        [
            Row(f"dL/dW[{i},{k}]", f"((p - y) x^T)[{k},{i}]", seed_form[k, i], graph[i, k])
            for i in range(FEATURES)
            for k in range(CLASSES)
        ],
    )
    return {"seed_shape": seed_form.shape, "graph_shape": graph.shape, "rows": rows}


def large_scores() -> dict[str, Any]:
    """Part 3: the naive softmax overflows at s = (1000, 1001, 1002); the stable one does not."""
    s = np.array(LARGE)
    print(
        f"\npart 3: large scores. The lecture asks what happens when the s_j are big but gives "
        f"no numbers;\nwe choose s = {tuple(LARGE)}"
    )
    with np.errstate(over="ignore", invalid="ignore"):
        naive = np.exp(s) / np.exp(s).sum()
    print(f"  naive numpy e^s / sum e^s:       {naive}   (e^1000 overflows to inf; inf/inf = nan)")
    try:
        Value(LARGE[0], label="s0").exp()
        refused = ""
    except OverflowError as err:
        refused = str(err)
    print(f"  Value(1000).exp() refuses:       {refused}")
    shifted = np.exp(s - s.max()) / np.exp(s - s.max()).sum()
    ours = softmax([Value(v) for v in LARGE])
    small = np.exp(s - 1000) / np.exp(s - 1000).sum()
    rows = table(
        "  the stable softmax: s_j - max_k s_k first",
        [
            Row(f"p{k}", "e^(sk - max s) / sum_j e^(sj - max s)", shifted[k], ours[k].data)
            for k in range(3)
        ]
        + [
            Row(f"p{k}", f"softmax(0, 1, 2)[{k}] (shift invariance)", small[k], ours[k].data)
            for k in range(3)
        ],
    )
    # Cross-entropy for class 0: -s_0 + logsumexp(s), and its gradient p - y, at these scores.
    scores = [Value(v, label=f"s{k}") for k, v in enumerate(LARGE)]
    ce = -log_softmax(scores)[0]
    ce.backward()
    lse = s.max() + math.log(np.exp(s - s.max()).sum())
    ce_rows = table(
        "\n  cross-entropy for class 0 at the large scores",
        [
            Row("L", "-s_0 + max s + log sum e^(s - max s)", -s[0] + lse, ce.data),
            Row(
                "logsumexp(s)",
                "max s + log sum e^(s - max s)",
                lse,
                logsumexp([Value(v) for v in LARGE]).data,
            ),
        ]
        + [Row(f"dL/ds{k}", "p - y", shifted[k] - (k == 0), scores[k].grad) for k in range(3)],
    )
    # Far apart: p0 = e^-1000 underflows to 0 and -log p0 is infinite; log_softmax is exact.
    far = [Value(0.0), Value(1000.0)]
    with np.errstate(divide="ignore"):
        via_p = -np.log(np.exp(-1000.0))
    far_ce = -log_softmax(far)[0]
    print(
        f"\n  s = (0, 1000), class 0: -log(softmax(s)[0]) = -log({math.exp(-1000.0)}) = {via_p}; "
        f"-log_softmax(s)[0] = {far_ce.data:g} (exact: 1000 + log(1 + e^-1000))"
    )
    return {
        "naive": naive.tolist(),
        "exp_refused": refused,
        "probs": [p.data for p in ours],
        "ce": ce.data,
        "ce_grads": [v.grad for v in scores],
        "far_ce": far_ce.data,
        "rows": rows + ce_rows,
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the three parts; return their rows and key numbers."""
    args = demo_parser("softmax_ce", __doc__).parse_args(argv)
    print("softmax cross-entropy, L = -s_y + log sum_j e^{s_j}\n")
    one = lecture_example()
    graphs = [write_graph(one.pop("root"), os.path.join(args.out, "graph.svg"))]
    two = batch_gradient()
    three = large_scores()
    return {
        "lecture": one,
        "batch": two,
        "large": three,
        "rows": one["rows"] + two["rows"] + three["rows"],
        "graphs": [p for p in graphs if p],
    }


if __name__ == "__main__":
    main()
