"""Mistakes lab: a backward pass by recursion, without a topological order.

The short way to write backprop recurses from the output: add the node's
grad into each parent, then recurse into the parent. A node used twice is
then reached twice, and each time it passes on everything it has gathered
so far, so what it had passed on before is passed on again. The chain
rule needs a node's grad to be complete before it is passed on: every
node once, after all the nodes that use it (reverse topological order).

Part 1: L = c·c + c with c = a·b at a = 2, b = 3. By hand dL/dc = 2c + 1
= 13, so dL/da = 13·b = 39 and dL/db = 13·a = 26. The recursion reaches c
three times (twice through c·c, once directly) and passes on 6, then 12,
then 13 in all: 31·b = 93 and 31·a = 62.

Part 2: recursion also runs out of stack on a deep graph: a chain of
5,000 steps y ← 0.999·y goes deeper than Python's recursion limit, while
the loop over the topological order gives dy/dx = 0.999^5000.

    python -m autograd_lite.demos.mistake_topo_order [--out out/mistake_topo_order]
"""

from __future__ import annotations

import sys
from typing import Any

from autograd_lite.demos.mistake_report import Wrong, compare, fix
from autograd_lite.demos.report import demo_parser

from autograd_lite import Value

DEPTH, FACTOR = 5000, 0.999


def backward_recursive(node: Value, grads: dict[int, float]) -> None:
    """The bug: add into each parent, then recurse into it, wherever it is reached.

    >>> a = Value(2.0)
    >>> c = a * 3.0
    >>> out = c * c + c
    >>> grads = {id(out): 1.0}
    >>> backward_recursive(out, grads)
    >>> grads[id(a)], 3.0 * (2 * c.data + 1)  # the bug's, and dL/da by hand
    (93.0, 39.0)
    """
    for parent, local in zip(node.parents, node.local_grads):
        grads[id(parent)] = grads.get(id(parent), 0.0) + float(local) * grads[id(node)]
        backward_recursive(parent, grads)


def backward_in_order(root: Value) -> dict[int, float]:
    """The fix: every node once, after every node that uses it.

    >>> a = Value(2.0)
    >>> c = a * 3.0
    >>> backward_in_order(c * c + c)[id(a)]
    39.0
    """
    grads = {id(root): 1.0}
    for node in reversed(root.topological_order()):
        for parent, local in zip(node.parents, node.local_grads):
            grads[id(parent)] = grads.get(id(parent), 0.0) + float(local) * grads[id(node)]
    return grads


def shared_node() -> list[dict[str, Any]]:
    """Part 1: L = c·c + c, c = a·b at a = 2, b = 3."""
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    c = a * b
    loss = c * c + c
    buggy = {id(loss): 1.0}
    backward_recursive(loss, buggy)
    right = backward_in_order(loss)
    dl_dc = 2 * (2.0 * 3.0) + 1  # by hand, in plain floats
    return compare(
        "part 1: L = c·c + c, c = a·b at a = 2, b = 3 (c is used twice)",
        [
            Wrong("dL/dc", "2c + 1", dl_dc, right[id(c)], buggy[id(c)]),
            Wrong("dL/da", "(2c + 1)·b", dl_dc * 3.0, right[id(a)], buggy[id(a)]),
            Wrong("dL/db", "(2c + 1)·a", dl_dc * 2.0, right[id(b)], buggy[id(b)]),
        ],
    )


def deep_chain() -> dict[str, Any]:
    """Part 2: y = 0.999^5000·x by 5,000 multiplications; the recursion's depth."""
    x = Value(1.0, label="x")
    y = x
    for _ in range(DEPTH):
        y = y * FACTOR
    limit = sys.getrecursionlimit()
    try:
        backward_recursive(y, {id(y): 1.0})
        failure = None
    except RecursionError as e:  # the bug's outcome on a deep graph
        failure = f"RecursionError: {e}"
    right = backward_in_order(y)[id(x)]
    print(f"\npart 2: a chain of {DEPTH:,} multiplications by {FACTOR} "
          f"(Python's recursion limit: {limit:,})")  # fmt: skip
    for said, what in (("the recursion", failure or "finished"),
                       ("the topological order", f"dy/dx = {right:.10g}"),
                       (f"by hand, {FACTOR}^{DEPTH}", f"dy/dx = {FACTOR ** DEPTH:.10g}")):
        print(f"  {said + ':':<26}{what}")  # fmt: skip
    return {"failure": failure, "right": right, "closed_form": FACTOR**DEPTH, "limit": limit}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run both parts; return their rows, the deep chain's numbers and the fix."""
    demo_parser("mistake_topo_order", __doc__).parse_args(argv)
    rows = shared_node()
    chain = deep_chain()
    print()
    said = fix("def back(n): for p, d in ...: p.grad += d * n.grad; back(p)",
               "for n in reversed(root.topological_order()): for p, d in ...: "
               "p.grad += d * n.grad")  # fmt: skip
    return {"rows": rows, "chain": chain, "fix": said}


if __name__ == "__main__":
    main()
