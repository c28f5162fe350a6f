"""Mistakes lab: forgetting to zero the gradients between steps.

``backward()`` adds into a leaf's ``grad`` (as PyTorch does), so that a
weight used in several losses, or several backward calls, gets the sum.
A training loop that never zeroes them steps along the sum of every
gradient so far, not the gradient at the current weights.

Part 1: L = (w·x + b - y)^2 at w = 0.5, b = 0, x = 2, y = 3. By hand
dL/dw = 2(w·x + b - y)·x = -8 and dL/db = -4; a second ``backward()``
without zeroing reads -16 and -8: the grads double.

Part 2: gradient descent on the mean squared error of y = 2x + 1 at four
points, lr 0.05, ten steps, with and without ``w.grad = 0``. Without it,
the step taken at step k is the sum of the gradients at steps 1..k (each
computed here by hand at that step's weights), and the loss after ten
steps is far from the right loop's.

    python -m autograd_lite.demos.mistake_zero_grad [--out out/mistake_zero_grad]
"""

from __future__ import annotations

from typing import Any

from autograd_lite.demos.mistake_report import Wrong, compare, fix
from autograd_lite.demos.report import demo_parser

from autograd_lite import Value

XS, YS = (-1.0, 0.0, 1.0, 2.0), (-1.0, 1.0, 3.0, 5.0)
"""Four points of y = 2x + 1."""

LR, STEPS = 0.05, 10


def mse(w: Value, b: Value) -> Value:
    """The mean squared error of w·x + b over the four points."""
    total = sum(((w * x + b - y) ** 2 for x, y in zip(XS, YS)), Value(0.0))
    return total / len(XS)


def gradient_by_hand(w: float, b: float) -> tuple[float, float]:
    """(dL/dw, dL/db) of ``mse`` at (w, b): (2/n) Σ r·x and (2/n) Σ r, r = w·x + b - y.

    >>> gradient_by_hand(2.0, 1.0)
    (0.0, 0.0)
    """
    r = [w * x + b - y for x, y in zip(XS, YS)]
    n = len(XS)
    return 2 / n * sum(ri * x for ri, x in zip(r, XS)), 2 / n * sum(r)


def train(zero: bool) -> dict[str, list[float]]:
    """``STEPS`` steps of gradient descent from w = b = 0; each step's grads and weights."""
    w, b = Value(0.0, label="w"), Value(0.0, label="b")
    used, at = [], []
    for _ in range(STEPS):
        if zero:
            w.grad = 0.0  # the line the bug leaves out
            b.grad = 0.0
        at.append((w.data, b.data))
        mse(w, b).backward()
        used.append((w.grad, b.grad))
        w.data -= LR * w.grad
        b.data -= LR * b.grad
    return {"used": used, "at": at, "final": [w.data, b.data], "loss": mse(w, b).data}


def doubled() -> list[dict[str, Any]]:
    """Part 1: two backward calls of one loss, without zeroing in between."""
    w, b = Value(0.5, label="w"), Value(0.0, label="b")
    loss = (w * 2.0 + b - 3.0) ** 2
    loss.backward()
    once = (w.grad, b.grad)
    loss.backward()  # the bug: the grads were not zeroed
    r = 0.5 * 2.0 + 0.0 - 3.0
    return compare(
        "part 1: L = (w·x + b - y)^2 at w = 0.5, b = 0, x = 2, y = 3; backward() twice",
        [
            Wrong("dL/dw", "2(w·x + b - y)·x", 2 * r * 2.0, once[0], w.grad),
            Wrong("dL/db", "2(w·x + b - y)", 2 * r, once[1], b.grad),
        ],
    )


def descent() -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Part 2: ten steps with and without zeroing."""
    right, buggy = train(True), train(False)
    sums = [0.0, 0.0]
    for w_k, b_k in buggy["at"]:  # the sum of the true gradients along the buggy path
        g = gradient_by_hand(w_k, b_k)
        sums = [sums[0] + g[0], sums[1] + g[1]]
    last_right = gradient_by_hand(*right["at"][-1])
    rows = compare(
        f"\npart 2: {STEPS} steps of gradient descent, lr {LR}, on y = 2x + 1 at x = -1, 0, 1, 2",
        [
            Wrong(f"dL/dw used at step {STEPS}", "the gradient at that step's w, b",
                  last_right[0], right["used"][-1][0], buggy["used"][-1][0]),
            Wrong(f"dL/db used at step {STEPS}", "the gradient at that step's w, b",
                  last_right[1], right["used"][-1][1], buggy["used"][-1][1]),
        ],
    )  # fmt: skip
    print(f"  with the bug, the grads used are the sums of every step's gradient so far: "
          f"{sums[0]:.6g}, {sums[1]:.6g}")  # fmt: skip
    print(f"  loss after {STEPS} steps: right {right['loss']:.6g}, with the bug "
          f"{buggy['loss']:.6g}")  # fmt: skip
    return rows, {"right": right, "buggy": buggy, "sums": sums}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run both parts; return their rows, the two training runs and the fix."""
    demo_parser("mistake_zero_grad", __doc__).parse_args(argv)
    rows = doubled()
    more, runs = descent()
    print()
    said = fix("loss.backward()  # grads still hold the last step's",
               "w.grad = 0.0 (model.zero_grad(), optimizer.zero_grad()) before loss.backward()")
    return {"rows": rows + more, **runs, "fix": said}  # fmt: skip


if __name__ == "__main__":
    main()
