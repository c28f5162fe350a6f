"""Mistakes lab: a backward pass that assigns a gradient instead of adding it.

The "building micrograd" lecture's own bug. A node used twice gets a
gradient from each use, and the multivariate chain rule adds them. A
backward loop that writes ``parent.grad = local * node.grad`` keeps only
the last use's share:

- ``b = a + a`` at a = 3: db/da is 1 + 1 = 2; the bug says 1.
- the lecture's ``d = a * b; e = a + b; f = d * e`` at a = -2, b = 3: a
  and b each feed both d and e, so df/da = e·b + d·1 = -3 and
  df/db = e·a + d·1 = -8; the bug keeps one term of each.

The demo walks the graph in reverse topological order twice, once with
``=`` and once with ``+=``, and checks the right loop against the hand
formulas and ``backward()`` (the tests add central finite differences,
``finite_difference`` here).

    python -m autograd_lite.demos.mistake_grad_assign [--out out/mistake_grad_assign]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from autograd_lite.demos.mistake_report import Wrong, compare, fix
from autograd_lite.demos.report import demo_parser

from autograd_lite import Value

H = 1e-6
"""The step of the central finite differences."""


def backward_by_hand(root: Value, accumulate: bool) -> dict[int, float]:
    """Every node's d(root)/d(node), by a loop over the reverse topological order.

    ``accumulate=False`` is the bug: each use overwrites the last.

    >>> a = Value(3.0)
    >>> b = a + a
    >>> backward_by_hand(b, True)[id(a)], backward_by_hand(b, False)[id(a)]
    (2.0, 1.0)
    """
    grads = {id(root): 1.0}
    for node in reversed(root.topological_order()):
        upstream = grads.get(id(node), 0.0)
        for parent, local in zip(node.parents, node.local_grads):
            share = float(local) * upstream
            if accumulate:
                grads[id(parent)] = grads.get(id(parent), 0.0) + share
            else:
                grads[id(parent)] = share  # the bug: = instead of +=
    return grads


def finite_difference(f: Callable[..., float], point: list[float], i: int) -> float:
    """d f / d point[i] by a central difference."""
    up, down = list(point), list(point)
    up[i] += H
    down[i] -= H
    return (f(*up) - f(*down)) / (2 * H)


def doubled(a: float) -> float:
    return a + a


def lecture_f(a: float, b: float) -> float:
    return (a * b) * (a + b)


def twice_used() -> list[dict[str, Any]]:
    """b = a + a at a = 3."""
    a = Value(3.0, label="a")
    b = a + a
    right, buggy = backward_by_hand(b, True), backward_by_hand(b, False)
    b.backward()
    assert right[id(a)] == a.grad  # the loop written right is backward()
    return compare(
        "b = a + a at a = 3",
        [Wrong("db/da", "1 + 1", 1.0 + 1.0, right[id(a)], buggy[id(a)])],
    )


def lecture_graph() -> list[dict[str, Any]]:
    """d = a·b, e = a + b, f = d·e at a = -2, b = 3 (the micrograd lecture's)."""
    a, b = Value(-2.0, label="a"), Value(3.0, label="b")
    d, e = a * b, a + b
    f = d * e
    right, buggy = backward_by_hand(f, True), backward_by_hand(f, False)
    d_, e_ = -2.0 * 3.0, -2.0 + 3.0  # the hand computation, in plain floats
    return compare(
        "\nf = d·e, d = a·b, e = a + b at a = -2, b = 3",
        [
            Wrong("df/da", "e·b + d·1 = 1·3 + (-6)", e_ * 3.0 + d_, right[id(a)], buggy[id(a)]),
            Wrong("df/db", "e·a + d·1 = 1·(-2) + (-6)", e_ * -2.0 + d_, right[id(b)],
                  buggy[id(b)]),
        ],
    )  # fmt: skip


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run both graphs; return their rows and the fix."""
    demo_parser("mistake_grad_assign", __doc__).parse_args(argv)
    print("A node used twice: its gradient is the sum over its uses.\n")
    rows = twice_used() + lecture_graph()
    print()
    said = fix("parent.grad = local * node.grad", "parent.grad += local * node.grad")
    return {"rows": rows, "fix": said}


if __name__ == "__main__":
    main()
