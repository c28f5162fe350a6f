"""benchmarks/reference_engine.py, the floor autograd-lite's speed is measured against:
it must compute what autograd-lite computes, or the ratio measures nothing."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import pytest

from autograd_lite import Value

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def load(name: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, name, module)
    spec.loader.exec_module(module)
    return module


def leaves(root) -> list:
    order = root.topological_order() if hasattr(root, "topological_order") else root.order()
    parents = (lambda n: n.parents) if hasattr(root, "topological_order") else (
        lambda n: [p for p in (n.a, n.b) if p is not None])  # fmt: skip
    return [n for n in order if not parents(n)]


@pytest.mark.parametrize("workload", ["tanh_sum", "constant_chain"])
def test_the_reference_engine_gives_autograd_lites_values_and_grads(workload, monkeypatch):
    engine = load("engine", monkeypatch)
    build = getattr(engine, workload)
    size = 37 if workload == "tanh_sum" else 300
    ours, ref = build(Value, size), build(engine.RefValue, size)
    ours.backward()
    ref.backward()
    assert ref.data == pytest.approx(ours.data, rel=1e-12)
    ours_leaves = [n for n in leaves(ours) if n.label is None and n.grad is not None]
    ref_grads = sorted(n.grad for n in leaves(ref))
    # the reference folds number constants into its edges: compare the Value leaves' grads
    ours_grads = sorted(n.grad for n in ours_leaves if not _constant(n, workload))
    assert ref_grads == pytest.approx(ours_grads, rel=1e-12)


def _constant(node, workload: str) -> bool:
    return workload == "constant_chain" and node.data in (1.0001, 0.001)


def test_a_deep_chain_by_hand():
    """x * 1.0001 + 0.001, 10,000 times: dy/dx = 1.0001 ** 10,000 (no recursion)."""
    spec = importlib.util.spec_from_file_location("ref", BENCHMARKS / "reference_engine.py")
    ref = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ref)
    x = ref.RefValue(1.0)
    y = x
    for _ in range(10_000):
        y = y * 1.0001 + 0.001
    y.backward()
    assert x.grad == pytest.approx(1.0001**10_000, rel=1e-9)
    assert math.isfinite(y.data)
