"""What is safe across threads: backward() passes over graphs that share nodes take turns."""

from __future__ import annotations

import sys
import threading

from autograd_lite import Value, no_grad


def shared_graph() -> tuple[list[Value], Value, Value]:
    """Two outputs over one shared interior node; every gradient is a small integer,
    so sums are exact in any order and only a real race can change them."""
    x, w, b = Value(2.0, label="x"), Value(0.5, label="w"), Value(1.0, label="b")
    s = x * w + b
    for _ in range(30):  # a longer shared stretch: more room for a race
        s = s * 1.0 + 0.0
    return [x, w, b], s * 3.0, s * 5.0


def run_together(*jobs) -> None:
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        threads = [threading.Thread(target=job) for job in jobs]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(old)


def repeat_backward(root: Value, n: int):
    def job() -> None:
        for _ in range(n):
            root.backward()

    return job


def test_two_threads_backpropagating_through_shared_nodes_get_exact_sums():
    n = 150
    for _ in range(10):
        (x, w, b), f, g = shared_graph()
        run_together(repeat_backward(f, n), repeat_backward(g, n))
        # each pass adds d/dleaf once: 3 * (w, x, 1) from f and 5 * (w, x, 1) from g
        assert (x.grad, w.grad, b.grad) == (n * 8 * 0.5, n * 8 * 2.0, n * 8 * 1.0)


def test_no_grad_in_one_thread_leaves_another_threads_graph_alone():
    made = {}

    def inside() -> None:
        with no_grad():
            for _ in range(2000):
                made["inside"] = Value(1.0) * 2.0

    def outside() -> None:
        for _ in range(2000):
            made["outside"] = Value(1.0) * 2.0
            assert made["outside"].parents

    run_together(inside, outside)
    assert made["inside"].parents == () and made["outside"].parents
