"""A small convolution written with Values: one shared kernel, its gradient summed over positions.

Y. Pan's "Deep learning" (seed 003), convolutional NN: replace the linear
operation by a convolution "(in fact, many software implements it as a
cross-correlation)" with a kernel; stride is how far the kernel moves,
padding adds zeros around the image; the ideas are sparse interaction,
parameter sharing and translation equivariance. As a cross-correlation:

    O[i, j] = sum_{a, b} K[a, b] X[s i + a, s j + b]     (s the stride)

With L = 1/2 sum_{i,j} (O[i, j] - T[i, j])^2 and delta = O - T:

    dL/dK[a, b] = sum_{i, j} delta[i, j] X[s i + a, s j + b]   every position the weight touches
    dL/dX[p, q] = sum of delta[i, j] K[p - s i, q - s j] over the outputs that read X[p, q]

The demo builds a 5 x 5 image and a 3 x 3 kernel (our numbers) as Values,
backpropagates, and compares both gradients with the sums above computed
with numpy, for stride 1 without padding and for stride 2 with one ring of
zero padding. It lists the nine terms that make dL/dK[0, 0], counts the
edges out of that one weight in the graph, and checks translation
equivariance: shifting the image shifts the output.

    python -m autograd_lite.demos.conv [--out out/conv]
"""

from __future__ import annotations

from typing import Any

import numpy as np
from autograd_lite.demos.report import Row, demo_parser, table

from autograd_lite import Value
from nn import squared_error

IMAGE = np.array(
    [
        [0.0, 1.0, 2.0, 1.0, 0.0],
        [1.0, 3.0, 1.0, 0.0, -1.0],
        [2.0, 1.0, -2.0, 1.0, 2.0],
        [0.0, -1.0, 1.0, 3.0, 1.0],
        [1.0, 0.0, 2.0, 1.0, 0.0],
    ]
)
KERNEL = np.array([[0.5, -1.0, 0.25], [1.0, 0.0, -0.5], [-0.25, 0.75, 1.0]])
TARGET = 1.0  # every output's target


def correlate(x: list[list[Any]], k: list[list[Any]], stride: int, pad: int) -> list[list[Any]]:
    """O[i, j] = sum_{a,b} k[a][b] x[s i + a][s j + b] over the zero-padded x (Values or floats).

    Padding cells hold None and are skipped: a zero adds nothing, and the graph
    gets no edge for it.
    """
    size = len(x) + 2 * pad
    padded: list[list[Any]] = [[None] * size for _ in range(size)]
    for p, row in enumerate(x):
        for q, v in enumerate(row):
            padded[p + pad][q + pad] = v
    n = (size - len(k)) // stride + 1
    out = []
    for i in range(n):
        row = []
        for j in range(n):
            terms = [
                k[a][b] * padded[stride * i + a][stride * j + b]
                for a in range(len(k))
                for b in range(len(k))
                if padded[stride * i + a][stride * j + b] is not None
            ]
            acc = terms[0]
            for t in terms[1:]:
                acc = acc + t
            row.append(acc)
        out.append(row)
    return out


def numpy_gradients(stride: int, pad: int) -> dict[str, np.ndarray]:
    """The forward pass and both gradient sums of the docstring, with numpy loops."""
    X = np.pad(IMAGE, pad)
    kh = len(KERNEL)
    n = (len(X) - kh) // stride + 1
    out = np.array(
        [
            [
                np.sum(KERNEL * X[stride * i : stride * i + kh, stride * j : stride * j + kh])
                for j in range(n)
            ]
            for i in range(n)
        ]
    )
    delta = out - TARGET
    dK = np.zeros_like(KERNEL)
    dX = np.zeros_like(X)
    touches = np.zeros_like(X)
    for i in range(n):
        for j in range(n):
            window = (slice(stride * i, stride * i + kh), slice(stride * j, stride * j + kh))
            dK += delta[i, j] * X[window]
            dX[window] += delta[i, j] * KERNEL
            touches[window] += 1
    inner = slice(pad, pad + len(IMAGE))
    return {
        "O": out,
        "delta": delta,
        "dK": dK,
        "dX": dX[inner, inner],
        "touches": touches[inner, inner],
    }


def run(stride: int, pad: int) -> dict[str, Any]:
    """Build the convolution on Values, backpropagate, and compare with numpy."""
    x = [
        [Value(float(v), label=f"x[{p},{q}]") for q, v in enumerate(r)] for p, r in enumerate(IMAGE)
    ]
    k = [
        [Value(float(v), label=f"K[{a},{b}]") for b, v in enumerate(r)]
        for a, r in enumerate(KERNEL)
    ]
    out = correlate(x, k, stride, pad)
    flat = [o for row in out for o in row]
    loss = squared_error(flat, [TARGET] * len(flat))
    loss.backward()
    ref = numpy_gradients(stride, pad)
    dK = np.array([[v.grad for v in row] for row in k])
    dX = np.array([[v.grad for v in row] for row in x])
    uses = sum(1 for node in loss.topological_order() for p in node.parents if p is k[0][0])
    return {
        "stride": stride,
        "pad": pad,
        "out_shape": ref["O"].shape,
        "dK": dK,
        "dX": dX,
        "ref": ref,
        "uses_of_K00": uses,
        "loss": loss.data,
        "O": np.array([[o.data for o in row] for row in out]),
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run stride 1 and stride 2 with padding; return the gradients and the gaps."""
    demo_parser("conv", __doc__).parse_args(argv)
    print(f"a 5 x 5 image X and a 3 x 3 kernel K (our numbers); L = 1/2 sum (O - {TARGET:g})^2\n")
    results, rows = [], []
    for stride, pad in ((1, 0), (2, 1)):
        r = run(stride, pad)
        ref = r["ref"]
        n = r["out_shape"][0]
        print(f"stride {stride}, padding {pad}: the output O is {n} x {n}")
        rows += table(
            "  dL/dK[a,b] = sum over positions of delta[i,j] X[s i + a, s j + b]",
            [
                Row(f"dL/dK[{a},{b}]", "sum_ij delta X[si+a, sj+b]", ref["dK"][a, b], r["dK"][a, b])
                for a in range(3)
                for b in range(3)
            ],
        )
        gap_x = float(np.max(np.abs(ref["dX"] - r["dX"])))
        print(f"  dL/dX, all 25 pixels: largest |sum formula - graph| = {gap_x:.1e}")
        print(
            "  how many outputs read each pixel:\n"
            + "\n".join("    " + " ".join(f"{int(v)}" for v in row) for row in ref["touches"])
        )
        if stride == 1:
            terms = [ref["delta"][i, j] * IMAGE[i, j] + 0.0 for i in range(n) for j in range(n)]
            print(
                f"  K[0,0] is shared by all {n * n} positions: "
                "dL/dK[0,0] = sum_ij delta[i,j] X[i,j] =\n    "
                + " + ".join(f"({t:.4g})" for t in terms)
                + f"\n    = {sum(terms):.10g}; in the graph K[0,0] has {r['uses_of_K00']} "
                "outgoing edges, one per position"
            )
        print()
        results.append(r)
    shifted = np.roll(IMAGE, 1, axis=1)
    shifted[:, 0] = 0.0
    plain = correlate(IMAGE.tolist(), KERNEL.tolist(), 1, 0)
    moved = correlate(shifted.tolist(), KERNEL.tolist(), 1, 0)
    outputs = results[0]["out_shape"][0] ** 2
    eq_gap = float(np.max(np.abs(np.array(moved)[:, 1:] - np.array(plain)[:, :-1])))
    print(
        "translation equivariance: shift X one column right (zeros enter on the left): the output\n"
        f"shifts one column right too (largest difference on the columns both have: {eq_gap:.1e})\n"
        f"parameter sharing: 9 weights; a fully connected layer from 25 pixels to {outputs} "
        f"outputs would have {25 * outputs}"
    )
    return {
        "runs": [
            {
                "stride": r["stride"],
                "pad": r["pad"],
                "O": r["O"].tolist(),
                "dK": r["dK"].tolist(),
                "dX": r["dX"].tolist(),
                "uses_of_K00": r["uses_of_K00"],
                "loss": r["loss"],
            }
            for r in results
        ],
        "equivariance_gap": eq_gap,
        "rows": rows,
    }


if __name__ == "__main__":
    main()
