"""Running a batched program: the forward pass and the engine's backward loop, a row per node.

``forward(program, V)`` fills the value table ``V`` (one column per sample)
step by step, running each step's op rule on numpy arrays (``NUMPY``) after
the op's own domain checks (``op_record.Check``, the same ones ``Value``
runs); it returns the local derivatives each step produced. ``backward``
then runs the engine's loop, ``parent.grad += node.grad * local``, on whole
rows: each step adds its gradient rows into its operands' rows, or writes
them there when it is the first to reach them (``GradientPlan``), so the
gradient table needs no zeroing. A lowered program's matrix products
(``lowering.LinearStep``) run Z = W @ X + b forward and the
transposed products backward.

>>> import numpy as np
>>> from autograd_lite.batched.program import Program
>>> from autograd_lite.batched.trace import trace
>>> t = trace(lambda x: x * x, (1.0,), None, False)
>>> program = Program.from_trace(t.first, t.inputs, t.params)
>>> V = np.empty((program.n_rows, 3)); V[0] = [1.0, 2.0, 3.0]
>>> saved = forward(program, V)
>>> V[program.out_row].tolist(), backward(program, saved, np.empty_like(V), 1.0)[0].tolist()
([1.0, 4.0, 9.0], [2.0, 4.0, 6.0])
"""

from __future__ import annotations

import math
from types import SimpleNamespace
from typing import Any

import numpy as np

from ..engine.op_record import Check
from ..engine.value import checked_result
from ..errors import describe, overflow_error
from .lowering import LinearStep
from .numpy_math import NUMPY
from .program import Program, ProgramStep, row_index


def forward(program: Program, V: np.ndarray, leaves: np.ndarray | None = None) -> list:
    """Compute every step's rows of ``V`` (inputs, parameters, constants already there).

    ``leaves``: ``program.leaf_values(...)``, needed when the program was
    lowered (its matrix products gather W and b from it). Returns what each
    step keeps for ``backward``: its local derivatives (None for a max
    shift; W and X for a matrix product).
    """
    saved: list = []
    with np.errstate(all="ignore"):
        for step in program.steps:
            if type(step) is LinearStep:
                saved.append(_linear_forward(step, V, leaves))
                continue
            op = step.op
            if op is None:
                V[step.out] = V[step.shift].max(axis=0)
                saved.append(None)
                continue
            args = [V[idx] for idx in step.operands]
            if op.domain:
                failure = op.first_failure(*args)
                if failure is not None:
                    _raise_domain(step, args, *failure)
            out, *local = op.rule(NUMPY, *args) if op.builtin else _run_rule(step, args)
            if op.overflows:
                _check_overflow(step, args, out, local)
            V[step.out] = out
            saved.append(local)
    return saved


class GradientPlan:
    """How the backward pass writes each gradient contribution into ``G``.

    ``first[i][k]`` is True when operand k of step i is the first to reach
    its rows (steps run in reverse): it is written there, not added, so
    ``G`` needs no zeroing first. ``zero`` are the rows that only get added
    into, or get nothing (no step reads them): those are set to 0.
    """

    __slots__ = ("first", "zero")

    def __init__(self, program: Program) -> None:
        written = np.zeros(program.n_rows, dtype=bool)
        written[program.out_row] = True  # the seed
        zero = np.zeros(program.n_rows, dtype=bool)
        self.first: list[list[bool]] = [[] for _ in program.steps]
        for i in reversed(range(len(program.steps))):
            for scatter in _scatters(program.steps[i]):
                rows = _target_rows(scatter)
                before = written[rows]
                self.first[i].append(not before.any())
                if before.any():
                    zero[rows[~before]] = True
                written[rows] = True
        zero |= ~written
        self.zero = row_index(np.flatnonzero(zero).tolist()) if zero.any() else None


def backward(
    program: Program,
    saved: list,
    G: np.ndarray,
    seed: float,
    leaf_grads: np.ndarray | None = None,
    plan: GradientPlan | None = None,
) -> np.ndarray:
    """The engine's backward loop over rows; returns ``G``, d(sum of outputs * seed)/d row.

    A lowered program's matrix products add d/dW and d/db, summed over the
    batch, into ``leaf_grads`` (aligned with ``program.leaf_values``).
    ``plan``: ``GradientPlan(program)``, made here when not given.
    """
    plan = GradientPlan(program) if plan is None else plan
    if plan.zero is not None:
        G[plan.zero] = 0.0
    G[program.out_row] = seed
    with np.errstate(all="ignore"):
        for i in reversed(range(len(program.steps))):
            step, local, first = program.steps[i], saved[i], plan.first[i]
            if local is None:
                continue  # a max shift is a constant: no gradient flows through it
            if type(step) is LinearStep:
                _linear_backward(step, local, G, leaf_grads, first[0])
                continue
            g = G[step.out]
            for scatter, d, assign in zip(step.scatters, local, first):
                if type(d) is float:
                    if d == 0.0:
                        if assign:
                            _write_into(G, scatter, np.zeros_like(g))
                        continue
                    c = g if d == 1.0 else (-g if d == -1.0 else g * d)
                elif assign and scatter[0] == "rows" and type(scatter[1]) is slice:
                    np.multiply(g, d, out=G[scatter[1]])  # straight into its rows
                    continue
                else:
                    c = g * d
                if assign:
                    _write_into(G, scatter, c)
                else:
                    _add_into(G, scatter, c)
    return G


def _linear_forward(step: LinearStep, V: np.ndarray, leaves: Any) -> tuple:
    """Z = W @ X (+ b): one matrix product for a block of sums of products."""
    if leaves is None:
        raise ValueError("a lowered program needs its leaf values (Program.leaf_values)")
    W = leaves[step.weights]
    X = V[step.x]
    Z = np.matmul(W, X, out=V[step.out])
    b = None
    if step.bias is not None:
        b = leaves[step.bias]
        Z += b[:, None]
    if not _surely_finite(Z):
        _check_linear_overflow(step, W, b, X, Z)
    return W, X


def _check_linear_overflow(
    step: LinearStep, W: np.ndarray, b: np.ndarray | None, X: np.ndarray, Z: np.ndarray
) -> None:
    """The engine's rule for + and *: finite weights and inputs must give a finite sum
    (an OverflowError names the first sample and node where they don't). The sum is
    added up in the matrix product's order, so this sees the whole sum, not each
    partial sum the scalar engine computes."""
    rows_ok = np.isfinite(W).all(axis=1) & (True if b is None else np.isfinite(b))
    bad = ~np.isfinite(Z) & rows_ok[:, None] & np.isfinite(X).all(axis=0)[None, :]
    if not bad.any():
        return  # a weight or an input was already inf or nan: that is passed on
    nodes, samples = np.nonzero(bad)
    first = int(np.argmin(samples))
    node, sample = step.nodes[int(nodes[first])], int(samples[first])
    where = f" in sample {sample} of the batch"
    if node.label:
        where += f", computing node {node.label!r}"
    raise OverflowError(
        f"+: a sum of products (a row of W @ X + b) is too large for a float{where}"
    )


def _linear_backward(
    step: LinearStep, saved: tuple, G: np.ndarray, leaf_grads: Any, assign: bool
) -> None:
    """dX = Wᵀ @ dZ into the rows x; dW = dZ @ Xᵀ and db = Σ dZ (over the batch) into the leaves."""
    if leaf_grads is None:
        raise ValueError("a lowered program needs leaf_grads to add d/dW into")
    W, X = saved
    dZ = G[step.out]
    if assign and type(step.x) is slice:
        np.matmul(W.T, dZ, out=G[step.x])
    elif assign:
        _write_into(G, step.x_scatter, W.T @ dZ)
    else:
        _add_into(G, step.x_scatter, W.T @ dZ)
    _add_to_leaves(leaf_grads, step.weights, dZ @ X.T, step.unique[0])
    if step.bias is not None:
        _add_to_leaves(leaf_grads, step.bias, dZ.sum(axis=1), step.unique[1])


def _add_to_leaves(leaf_grads: np.ndarray, index: np.ndarray, d: np.ndarray, unique: bool) -> None:
    if unique:
        leaf_grads[index] += d
    else:  # a leaf used twice gets both contributions
        leaf_grads += np.bincount(index.ravel(), d.ravel(), minlength=len(leaf_grads))


def _scatters(step: Any) -> list[tuple]:
    if type(step) is LinearStep:
        return [step.x_scatter]
    return step.scatters if step.op is not None else []


def _target_rows(scatter: tuple) -> np.ndarray:
    kind = scatter[0]
    if kind == "rows":
        index = scatter[1]
        if type(index) is slice:
            return np.arange(index.start, index.stop, index.step or 1)
        return index
    if kind == "one":
        return np.array([scatter[1]])
    return scatter[1]


def _write_into(G: np.ndarray, scatter: tuple, c: np.ndarray) -> None:
    """As ``_add_into``, for rows nothing has written yet."""
    kind = scatter[0]
    if kind == "rows":
        G[scatter[1]] = c
    elif kind == "one":
        G[scatter[1]] = c.sum(axis=0)
    else:
        _, targets, perm, starts = scatter
        G[targets] = np.add.reduceat(c if perm is None else c[perm], starts)


def _add_into(G: np.ndarray, scatter: tuple, c: np.ndarray) -> None:
    kind = scatter[0]
    if kind == "rows":
        G[scatter[1]] += c
    elif kind == "one":
        G[scatter[1]] += c.sum(axis=0)
    else:
        _, targets, perm, starts = scatter
        G[targets] += np.add.reduceat(c if perm is None else c[perm], starts)


def _run_rule(step: ProgramStep, args: list[np.ndarray]) -> tuple:
    """A custom op's rule on arrays, with a message that names it when it can't run there."""
    op = step.op
    try:
        result = op.rule(NUMPY, *args)
    except (TypeError, ValueError, AttributeError) as e:
        raise TypeError(
            f"custom op {op.name!r}: its rule fails on numpy arrays (compile_batched runs it on "
            f"a whole batch at once): {type(e).__name__}: {e}; write choices with m.step, "
            "m.relu, m.abs or m.sign instead of if/max/min"
        ) from None
    if not isinstance(result, (tuple, list)) or len(result) != op.arity + 1:
        checked_result(op, result, op.arity + 1)  # raises, naming the op
    return tuple(result)


def _check_overflow(step: ProgramStep, args: list[np.ndarray], out: Any, local: list) -> None:
    """The scalar engine's rule: finite inputs that give an infinite or nan output
    (or local derivative) are an OverflowError, naming the first such sample."""
    if _surely_finite(out) and all(_surely_finite(d) for d in local if _unseen(d, out, args)):
        return
    finite_in = _finite_inputs(args)
    bad_out = ~np.isfinite(out) & finite_in
    if bad_out.any():
        _raise_domain(step, args, Check(lambda *a: True, "", OverflowError), bad_out)
    bad_local = np.zeros_like(finite_in)
    for d in local:
        bad_local = bad_local | ~np.isfinite(d)
    bad_local = bad_local & finite_in
    if bad_local.any():
        need = "a finite local derivative (the result is finite but its derivative is not)"
        _raise_domain(step, args, Check(lambda *a: True, need, OverflowError), bad_local)


def _unseen(d: Any, out: Any, args: list[np.ndarray]) -> bool:
    """False for a local derivative already known finite where the inputs are: the
    output itself (exp's) or an input (x * y's are y and x)."""
    return not (d is out or d is args[0] or (len(args) > 1 and d is args[1]))


def _surely_finite(a: Any) -> bool:
    """True when every number in ``a`` is finite, in one cheap pass: a finite sum.
    (False can also mean a sum too large for a float: the callers then look closer.)"""
    return math.isfinite(a) if type(a) is float else math.isfinite(np.add.reduce(a, axis=None))


def _finite_inputs(args: list[np.ndarray]) -> np.ndarray:
    ok = np.isfinite(args[0])
    for a in args[1:]:
        ok = ok & np.isfinite(a)
    return ok


def _raise_domain(
    step: ProgramStep, args: list[np.ndarray], check: Check, failed: np.ndarray
) -> None:
    """The engine's error for the first failing sample, naming the sample and the node."""
    shape = (len(step.nodes), max(np.shape(a)[-1] for a in args))
    failed = np.broadcast_to(failed, shape)
    nodes, samples = np.nonzero(failed)
    first = int(np.argmin(samples))
    i, s = int(nodes[first]), int(samples[first])
    node = step.nodes[i]
    operands = [
        SimpleNamespace(
            label=parent.label,
            op=parent.op,
            data=float(np.broadcast_to(arg, shape)[i, s]),
        )
        for parent, arg in zip(node.parents, args)
    ]
    if check.error is OverflowError and not check.need:
        error: Exception = overflow_error(node.op, operands[0])
    elif check.error is OverflowError and check.need.startswith("a finite local"):
        shown = " and ".join(describe(v) for v in operands)
        error = OverflowError(
            f"{node.op}: the result is finite but its local derivative is not for {shown}"
        )
    else:
        error = check.exception(node.op, operands)
    where = f" in sample {s} of the batch"
    if node.label:
        where += f", computing node {node.label!r}"
    raise check.error(f"{error}{where}") from None


__all__ = ["GradientPlan", "backward", "forward"]
