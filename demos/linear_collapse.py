"""Identity activations collapse a deep network into one linear map.

L. Kaelbling's notes ("What if we just let f be the identity?") and
Grosse's CSC 411 lecture 10 ("Any sequence of linear layers can be
equivalently represented with a single linear layer"):

    Y = W^L W^{L-1} ... W^1 X = W_total X

(biases left off for effect, as in the notes; ``nn`` starts biases at 0).
This demo builds ``MLP(3, [4, 4, 4, 4, 2], activation="linear")``, multiplies
its weight matrices with numpy, and checks with the engine that

* the network's output equals W_total x for random inputs, and
* its Jacobian dy/dx (from one backward pass per output) is W_total at
  every input: the same constant matrix, whatever the depth.

The same weights with ReLU hidden units give a Jacobian that changes from
input to input: that is the non-linearity the deep network needs.

    python -m autograd_lite.demos.linear_collapse [--out out/linear_collapse]
"""

from __future__ import annotations

from typing import Any

import numpy as np
from autograd_lite.demos.report import Row, demo_parser, table

from autograd_lite import Value, no_grad
from nn import MLP

NIN, SIZES, SEED, POINTS = 3, [4, 4, 4, 4, 2], 0, 5


def weight_matrices(model: MLP) -> list[np.ndarray]:
    """Each layer's weights as a matrix W^l (outputs x inputs), first layer first."""
    return [np.array([[w.data for w in n.w] for n in layer.neurons]) for layer in model.layers]


def jacobian(model: MLP, x: np.ndarray) -> np.ndarray:
    """dy_k/dx_i of the model at x, one backward pass per output."""
    rows = []
    for k in range(model.nouts[-1]):
        xs = [Value(float(v), label=f"x[{i}]") for i, v in enumerate(x)]
        out = model(xs)
        outs = out if isinstance(out, list) else [out]
        outs[k].backward()
        rows.append([v.grad for v in xs])
    return np.array(rows)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Compare the deep linear network with its one-matrix collapse; return the gaps."""
    demo_parser("linear_collapse", __doc__).parse_args(argv)
    linear = MLP(NIN, SIZES, activation="linear", seed=SEED)
    relu = MLP(NIN, SIZES, activation="relu", seed=SEED)
    relu.load_state_dict(linear.state_dict())  # the same weights, ReLU hidden units
    mats = weight_matrices(linear)
    W_total = mats[0]
    for W in mats[1:]:
        W_total = W @ W_total
    shapes = " ".join(f"W^{i + 1}: {W.shape[0]}x{W.shape[1]}" for i, W in enumerate(mats))
    print(f"{linear}: {len(mats)} layers, {shapes}")
    print(
        f"W_total = W^{len(mats)} ... W^1, a single {W_total.shape[0]}x{W_total.shape[1]} matrix:"
    )
    print("  " + np.array2string(W_total, precision=6).replace("\n", "\n  ") + "\n")

    rng = np.random.default_rng(SEED + 1)
    X = rng.normal(size=(POINTS, NIN))
    with no_grad():
        outputs = np.array([[v.data for v in linear(list(x))] for x in X])
    collapsed = X @ W_total.T
    out_rows = [
        Row(f"y{k}(x{j})", "(W_total x)_k", collapsed[j, k], outputs[j, k])
        for j in range(POINTS)
        for k in range(W_total.shape[0])
    ]
    outs = table(f"the deep network's outputs at {POINTS} random inputs vs one matrix", out_rows)

    jacobians = [jacobian(linear, x) for x in X]
    jac_rows = [
        Row(f"dy{k}/dx{i} at x{j}", "W_total[k, i]", W_total[k, i], J[k, i])
        for j, J in enumerate(jacobians[:2])
        for k in range(W_total.shape[0])
        for i in range(NIN)
    ]
    jacs = table(
        "\nthe Jacobian from backprop is W_total (shown at the first two inputs)", jac_rows
    )
    linear_gap = max(float(np.max(np.abs(J - W_total))) for J in jacobians)
    relu_jacobians = [jacobian(relu, x) for x in X]
    relu_spread = max(float(np.max(np.abs(J - relu_jacobians[0]))) for J in relu_jacobians)
    print(
        f"\nidentity activations: largest |dy/dx - W_total| over all {POINTS} inputs "
        f"= {linear_gap:.1e}"
    )
    print(
        f"ReLU hidden units, same weights: the Jacobian changes with x (largest change "
        f"{relu_spread:.3f}): piecewise linear, not one matrix"
    )
    return {
        "W_total": W_total.tolist(),
        "output_gap": float(np.max(np.abs(outputs - collapsed))),
        "jacobian_gap": linear_gap,
        "relu_jacobian_spread": relu_spread,
        "rows": outs + jacs,
    }


if __name__ == "__main__":
    main()
