"""Running a batched program: the forward pass and the engine's backward loop, a row per node.

``forward(program, V)`` runs the steps in order, each op's rule on numpy
arrays (``NUMPY``) after the op's own domain checks (``op_record.Check``,
the same ones ``Value`` runs). Each step's result is an array of its own
that the steps reading it take as it is; the value table ``V`` (one
column per sample) holds the parameters and constants, the matrix
products' results and what ``ForwardPlan`` says must be there (the
outputs among them; the inputs, unless the caller hands them over as
arrays). ``forward`` returns the local derivatives each step produced.
``backward`` then runs the engine's loop, ``parent.grad += node.grad *
local``, on whole rows of the gradient table ``G``: each step
adds its gradient rows into its operands' rows, or writes them there when
it is the first to reach them (``GradientPlan``), so ``G`` needs no
zeroing. A lowered program's matrix products (``lowering.LinearStep``) run
Z = W @ X + b forward and the transposed products backward, reading W and
b from, and adding dW and db into, ``LeafBuffers``.

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
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

import numpy as np

from ..engine.op_record import Check
from ..engine.value import checked_result
from ..errors import describe, overflow_error
from .leaf_buffers import LeafBuffers
from .lowering import LinearStep, product
from .numpy_math import NUMPY, NUMPY_FINITE, NumpyMath
from .program import Program, ProgramStep
from .run_plan import ForwardPlan, GradientPlan


def forward(
    program: Program,
    V: np.ndarray,
    leaves: LeafBuffers | None = None,
    plan: ForwardPlan | None = None,
    finite: bool = False,
    inputs: Sequence[np.ndarray] = (),
) -> list:
    """Run every step (parameters and constants already in ``V``, and the inputs).

    ``leaves``: needed when the program was lowered (its matrix products
    read W and b there). ``plan``: ``ForwardPlan(program)``, made here when
    not given. ``inputs``: the inputs as blocks of rows (shape (size, n)),
    when the plan was made with their sizes; else they are rows of ``V``.
    ``finite``: every input, parameter and constant is finite,
    so every value computed is (or an OverflowError is raised): the rules
    get ``NUMPY_FINITE``. Returns what each step keeps for ``backward``:
    its local derivatives (None for a max shift; W and X for a matrix
    product).
    """
    plan = ForwardPlan(program) if plan is None else plan
    m = NUMPY_FINITE if finite else NUMPY
    n = V.shape[1]
    blocks: list[Any] = [None] * len(program.steps) + list(inputs)
    saved: list = []
    with np.errstate(all="ignore"):
        for i, step in enumerate(program.steps):
            args = [
                V[rows] if s < 0 else blocks[s] if rows is None else blocks[s][rows]
                for s, rows in plan.sources[i]
            ]
            if type(step) is LinearStep:
                out, kept = _linear_forward(step, i, args[0], V, leaves)
            elif step.op is None:  # a max shift
                out, kept = args[0].max(axis=0, keepdims=True), None
            else:
                out, kept = _rule_forward(step, args, m, n)
            blocks[i] = out
            if plan.to_table[i]:
                V[step.out] = out
            saved.append(kept)
    return saved


def _rule_forward(step: ProgramStep, args: list, m: NumpyMath, n: int) -> tuple[np.ndarray, list]:
    """The step's op rule on its operands' rows: its rows, and its local derivatives."""
    op = step.op
    if op.domain:
        failure = op.first_failure(*args)
        if failure is not None:
            _raise_domain(step, args, *failure)
    out, *local = op.rule(m, *args) if op.builtin else _run_rule(step, args, m)
    if op.overflows:
        _check_overflow(step, args, out, local)
    shape = (len(step.nodes), n)
    if type(out) is not np.ndarray or out.shape != shape or out.dtype != np.float64:
        out = np.broadcast_to(np.asarray(out, dtype=float), shape)  # as rows of V would hold it
    return out, local


def backward(
    program: Program,
    saved: list,
    G: np.ndarray,
    seed: float,
    leaves: LeafBuffers | None = None,
    plan: GradientPlan | None = None,
) -> np.ndarray:
    """The engine's backward loop over rows; returns ``G``, d(sum of outputs * seed)/d row.

    A lowered program's matrix products add d/dW and d/db, summed over the
    batch, into ``leaves.grads``. ``plan``: ``GradientPlan(program)``,
    made here when not given. Rows whose gradients the plan skips are
    left as they were.
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
                _linear_backward(step, i, local, G, leaves, first[0])
                continue
            g = G[step.out]
            for scatter, d, assign in zip(step.scatters, local, first):
                if assign is not None:
                    _contribute(G, scatter, g, d, assign)
    if leaves is not None:
        leaves.fresh = False
    return G


def _contribute(G: np.ndarray, scatter: tuple, g: np.ndarray, d: Any, assign: bool) -> None:
    """Put ``g * d`` into the operand's rows: written when ``assign``, else added."""
    straight = assign and scatter[0] == "rows" and type(scatter[1]) is slice
    if type(d) is float:
        if d == 0.0:
            if assign:
                _write_into(G, scatter, np.zeros_like(g))
            return
        if straight and d == 1.0:
            np.copyto(G[scatter[1]], g)
            return
        if straight:
            np.multiply(g, d, out=G[scatter[1]])  # -g is g * -1.0, exactly
            return
        c = g if d == 1.0 else (-g if d == -1.0 else g * d)
    elif straight:
        np.multiply(g, d, out=G[scatter[1]])  # straight into its rows
        return
    else:
        c = g * d
    if assign:
        _write_into(G, scatter, c)
    else:
        _add_into(G, scatter, c)


def _linear_forward(
    step: LinearStep, i: int, X: np.ndarray, V: np.ndarray, leaves: LeafBuffers | None
) -> tuple[np.ndarray, tuple]:
    """Z = W @ X (+ b): one matrix product for a block of sums of products, into ``V``."""
    if leaves is None:
        raise ValueError("a lowered program needs its leaf values (LeafBuffers)")
    W, b = leaves.matrices(i)
    Z = product(W, X, out=V[step.out])
    if b is not None:
        Z += b
    if not math.isfinite(np.add.reduce(Z, axis=None)):
        _check_linear_overflow(step, W, None if b is None else b[:, 0], X, Z)
    return Z, (W, X)


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
    step: LinearStep,
    i: int,
    saved: tuple,
    G: np.ndarray,
    leaves: LeafBuffers | None,
    assign: bool | None,
) -> None:
    """dX = Wᵀ @ dZ into the rows x (unless skipped); dW = dZ @ Xᵀ and db = Σ dZ (over
    the batch) into the leaves' gradients."""
    if leaves is None:
        raise ValueError("a lowered program needs LeafBuffers to add d/dW into")
    W, X = saved
    dZ = G[step.out]
    if assign and type(step.x) is slice:
        product(W.T, dZ, out=G[step.x])
    elif assign:
        _write_into(G, step.x_scatter, product(W.T, dZ))
    elif assign is not None:
        _add_into(G, step.x_scatter, product(W.T, dZ))
    leaves.add_gradients(i, dZ, X)


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


def _run_rule(step: ProgramStep, args: list[np.ndarray], m: NumpyMath) -> tuple:
    """A custom op's rule on arrays, with a message that names it when it can't run there."""
    op = step.op
    try:
        result = op.rule(m, *args)
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
    if surely_finite(out) and all(surely_finite(d) for d in local if _unseen(d, out, args)):
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


def surely_finite(a: Any) -> bool:
    """True when every number in ``a`` is finite, in one cheap pass: a finite sum.
    (False can also mean a sum too large for a float: the callers then look closer.)

    >>> surely_finite(np.array([1.0, -2.0])), surely_finite(np.array([1.0, np.nan]))
    (True, False)
    """
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


__all__ = ["ForwardPlan", "GradientPlan", "backward", "forward", "surely_finite"]
