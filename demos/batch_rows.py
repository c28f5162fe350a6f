"""Vectorising across samples: a batch stacked as the rows of X, one matrix product.

D. Bui's "Neural Networks Basics" (seed 002, B08), "Vectorizing Across
Multiple Samples": feeding one sample at a time is a vector-matrix product
per sample; "it is much faster if we can combine multiple vector-matrix
multiplications into one single matrix-matrix multiplication",
r_0 = v_0 M, ..., r_n = v_n M  =>  [r_0; ...; r_n] = [v_0; ...; v_n] M.
For the seed's layer y = Wᵀx + b (W of shape (nin, nout)) each row is
y_iᵀ = x_iᵀ W + bᵀ, so the batch is Y = X W + 1 bᵀ, one example per row.

The demo:

1. computes each y_i = Wᵀ x_i + b on its own, from Values, and the whole
   batch as X W + 1 bᵀ in numpy: the same numbers;
2. takes L = 1/2 Σ_i ||y_i - t_i||² (so ∂L/∂Y = Y - T) and checks the
   batch gradients against the per-example graph: ∂L/∂W = Xᵀ ∂L/∂Y (a sum
   of m outer products x_i (∂L/∂y_i)ᵀ), ∂L/∂b = 1ᵀ ∂L/∂Y, and the seed's
   input gradient for every row at once, ∂L/∂X = ∂L/∂Y Wᵀ;
3. runs autograd-lite's batched path (``compile_batched``, what
   ``fit(batched=True)`` uses): it traces one example's graph, finds the
   sums of products and runs them as one matrix product on the whole batch.

Our choices (the seed gives no numbers): X, W, b and the targets T, and
the squared-error loss (the seed assumes ∂L/∂y is given).

    python -m autograd_lite.demos.batch_rows [--out out/batch_rows]
"""

from __future__ import annotations

from typing import Any

import numpy as np
from autograd_lite.demos.matrix_text import matrix_lines, side_by_side
from autograd_lite.demos.report import Row, demo_parser, table

from autograd_lite import Value
from autograd_lite.batched.compiler import compile_batched
from nn import total

X = [[1.0, 2.0, 0.5], [-1.0, 0.0, 1.5], [0.5, -0.5, 2.0], [2.0, 1.0, -1.0]]  # m x nin
W = [[0.2, -0.4], [0.9, 0.1], [-0.5, 0.3]]  # nin x nout: w_kj joins input k to output j
B = [0.1, -0.2]
T = [[1.0, 0.0], [0.0, 1.0], [-1.0, 0.5], [0.5, -0.5]]  # m x nout
M, NIN, NOUT = len(X), len(W), len(B)


def parameters() -> tuple[list[list[Value]], list[Value]]:
    """W and b as labelled Values, shared by every example.

    >>> w, b = parameters()
    >>> w[2][1].label, b[0].data
    ('W[2,1]', 0.1)
    """
    w = [[Value(v, label=f"W[{k},{j}]") for j, v in enumerate(row)] for k, row in enumerate(W)]
    return w, [Value(v, label=f"b[{j}]") for j, v in enumerate(B)]


def layer(w: list[list[Value]], b: list[Value], x: list[Value]) -> list[Value]:
    """The seed's y = Wᵀ x + b for one example: y_j = Σ_k w_kj x_k + b_j.

    >>> w, b = parameters()
    >>> [round(v.data, 6) for v in layer(w, b, [Value(1.0), Value(0.0), Value(0.0)])]
    [0.3, -0.6]
    """
    return [total([w[k][j] * x[k] for k in range(len(x))]) + b[j] for j in range(len(b))]


def half_squared_error(y: list[Value], t: list[Any]) -> Value:
    """1/2 ||y - t||² for one example.

    >>> half_squared_error([Value(3.0), Value(1.0)], [1.0, 1.0]).data
    2.0
    """
    return total([0.5 * (y_j - t_j) ** 2 for y_j, t_j in zip(y, t)])


def one_at_a_time() -> dict[str, Any]:
    """Part 1: y_i = Wᵀ x_i + b per example on Values, against X W + 1 bᵀ in numpy."""
    w, b = parameters()
    xs = [[Value(v, label=f"x{i}[{k}]") for k, v in enumerate(row)] for i, row in enumerate(X)]
    ys = [layer(w, b, x) for x in xs]
    Xn, Wn, bn = np.array(X), np.array(W), np.array(B)
    Y = Xn @ Wn + np.ones((M, 1)) @ bn[None, :]
    print(f"part 1: {M} examples, y_i = Wᵀ x_i + b with W of shape (nin, nout) = ({NIN}, {NOUT})")
    for i, y in enumerate(ys):
        print(f"  one at a time, i = {i}: x_i = {X[i]}  ->  y_i = ({y[0].data:g}, {y[1].data:g})")
    print("\n  stacked as rows, y_iᵀ = x_iᵀ W + bᵀ for every i at once:  Y = X W + 1 bᵀ")
    print(
        side_by_side(
            [
                ["  Y ="],
                matrix_lines(Y, "5.2f"),
                ["=  X"],
                matrix_lines(Xn, "4.1f"),
                ["W"],
                matrix_lines(Wn, "4.1f"),
                ["+  1"],
                matrix_lines(np.ones((M, 1)), "1.0f"),
                ["bᵀ"],
                matrix_lines(bn, "4.1f"),
            ]
        )
    )
    rows = table(
        "\n  row i of X W + 1 bᵀ is example i's y_i",
        [
            Row(f"y_{i}[{j}]", "(X W + 1 bᵀ)[i,j]", Y[i, j], ys[i][j].data)
            for i in range(M)
            for j in range(NOUT)
        ],
    )
    return {"w": w, "b": b, "xs": xs, "ys": ys, "Y": Y, "rows": rows}


def batch_gradients(part: dict[str, Any]) -> dict[str, Any]:
    """Part 2: the per-example graph's gradients against Xᵀ ∂L/∂Y, 1ᵀ ∂L/∂Y, ∂L/∂Y Wᵀ."""
    w, b, xs, ys, Y = part["w"], part["b"], part["xs"], part["ys"], part["Y"]
    loss = total([half_squared_error(y, t) for y, t in zip(ys, T)])
    loss.backward()
    dY = Y - np.array(T)
    graph_dY = np.array([[v.grad for v in y] for y in ys])
    graph_dW = np.array([[v.grad for v in row] for row in w])
    _print_weight_gradient(graph_dW, graph_dY, dY)
    rows = _gradient_table(dY, graph_dY, graph_dW, b, xs)
    return {
        "loss": loss.data,
        "dY": graph_dY.tolist(),
        "dW": graph_dW.tolist(),
        "db": [v.grad for v in b],
        "dX": [[v.grad for v in x] for x in xs],
        "rows": rows,
    }


def _print_weight_gradient(graph_dW: np.ndarray, graph_dY: np.ndarray, dY: np.ndarray) -> None:
    """Print the graph's ∂L/∂W as Xᵀ ∂L/∂Y, then as a sum of M outer products."""
    Xn = np.array(X)
    print("\npart 2: L = 1/2 Σ_i ||y_i - t_i||², so ∂L/∂Y = Y - T (row i: (∂L/∂y_i)ᵀ)")
    print(f"  with targets T = {T} (row i: t_iᵀ)")
    print("  the graph's ∂L/∂W next to Xᵀ ∂L/∂Y, with ∂L/∂Y as the graph holds it (y_i.grad):")
    print(
        side_by_side(
            [
                ["  ∂L/∂W ="],
                matrix_lines(graph_dW, "6.3f"),
                ["=  Xᵀ"],
                matrix_lines(Xn.T, "4.1f"),
                ["∂L/∂Y"],
                matrix_lines(graph_dY, "5.2f"),
            ]
        )
    )
    outers = sum(np.outer(Xn[i], dY[i]) for i in range(M))
    label = f"  Xᵀ ∂L/∂Y = Σ_i x_i (∂L/∂y_i)ᵀ, a sum of {M} outer products ="
    print(side_by_side([[label], matrix_lines(outers, "6.3f")]))


def _gradient_table(
    dY: np.ndarray,
    graph_dY: np.ndarray,
    graph_dW: np.ndarray,
    b: list[Value],
    xs: list[list[Value]],
) -> list[dict[str, Any]]:
    """Print ∂L/∂Y, ∂L/∂W, ∂L/∂b and ∂L/∂X from the batch formulas beside the graph's."""
    dW, db, dX = np.array(X).T @ dY, np.ones(M) @ dY, dY @ np.array(W).T
    return table(
        "\n  the batch identities, entry by entry",
        [
            Row(f"∂L/∂y_{i}[{j}]", "(Y - T)[i,j]", dY[i, j], graph_dY[i, j])
            for i in range(M)
            for j in range(NOUT)
        ]
        + [
            Row(f"∂L/∂W[{k},{j}]", "(Xᵀ ∂L/∂Y)[k,j]", dW[k, j], graph_dW[k, j])
            for k in range(NIN)
            for j in range(NOUT)
        ]
        + [Row(f"∂L/∂b[{j}]", "(1ᵀ ∂L/∂Y)[j]", db[j], b[j].grad) for j in range(NOUT)]
        + [
            Row(f"∂L/∂x_{i}[{k}]", "(∂L/∂Y Wᵀ)[i,k]", dX[i, k], xs[i][k].grad)
            for i in range(M)
            for k in range(NIN)
        ],
    )


def batched_engine() -> dict[str, Any]:
    """Part 3: ``compile_batched`` traces one example and runs the batch as one product."""
    w, b = parameters()

    def example_loss(x: list[Value], t: list[Value]) -> tuple[Value, list[Value]]:
        y = layer(w, b, x)
        return half_squared_error(y, t), y

    params = [v for row in w for v in row] + b
    graph = compile_batched(example_loss, X[0], T[0], params=params, has_aux=True)
    result = graph(np.array(X), np.array(T), reduce="sum")
    print(
        "\npart 3: autograd-lite's batched path traces one example's graph and runs it on "
        "all rows.\n  Its program holds one sample per column: Yᵀ = Wᵀ Xᵀ + b 1ᵀ, the same "
        "identity transposed\n  (its W[2x3] is our Wᵀ):"
    )
    print("\n".join("  " + line for line in str(graph.program).splitlines()))
    Xn, Wn = np.array(X), np.array(W)
    Y = Xn @ Wn + np.array(B)
    dY = Y - np.array(T)
    dW = result.param_grads[: NIN * NOUT].reshape(NIN, NOUT)
    rows = table(
        "\n  the compiled batch against the row-stacked formulas",
        [
            Row(f"y_{i}[{j}]", "(X W + 1 bᵀ)[i,j]", Y[i, j], result.aux[i, j])
            for i in range(M)
            for j in range(NOUT)
        ]
        + [
            Row(f"∂L/∂W[{k},{j}]", "(Xᵀ ∂L/∂Y)[k,j]", (Xn.T @ dY)[k, j], dW[k, j])
            for k in range(NIN)
            for j in range(NOUT)
        ],
    )
    return {
        "program": str(graph.program),
        "Y": result.aux.tolist(),
        "dW": dW.tolist(),
        "db": result.param_grads[NIN * NOUT :].tolist(),
        "dX": result.input_grads[0].tolist(),
        "loss": result.value,
        "rows": rows,
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the three parts; return the batch's numbers and every table row."""
    demo_parser("batch_rows", __doc__).parse_args(argv)
    one = one_at_a_time()
    two = batch_gradients(one)
    three = batched_engine()
    return {
        "X": X,
        "W": W,
        "b": B,
        "T": T,
        "Y": [[v.data for v in y] for y in one["ys"]],
        "gradients": {k: two[k] for k in ("loss", "dY", "dW", "db", "dX")},
        "batched": three,
        "rows": one["rows"] + two["rows"] + three["rows"],
    }


if __name__ == "__main__":
    main()
