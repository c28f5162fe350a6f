"""Running a batched program: the forward pass and the engine's backward loop, a row per node.

``forward(program, V)`` fills the value table ``V`` (one column per sample)
step by step, running each step's op rule on numpy arrays (``NUMPY``) after
the op's own domain checks (``op_record.Check``, the same ones ``Value``
runs); it returns the local derivatives each step produced. ``backward``
then runs the engine's loop, ``parent.grad += node.grad * local``, on whole
rows: each step adds its gradient rows into its operands' rows.

>>> import numpy as np
>>> from autograd_lite.batched_program import Program
>>> from autograd_lite.batched_trace import trace
>>> t = trace(lambda x: x * x, (1.0,), None, False)
>>> program = Program.from_trace(t.first, t.inputs, t.params)
>>> V = np.empty((program.n_rows, 3)); V[0] = [1.0, 2.0, 3.0]
>>> saved = forward(program, V)
>>> V[program.out_row].tolist(), backward(program, saved, np.empty_like(V), 1.0)[0].tolist()
([1.0, 4.0, 9.0], [2.0, 4.0, 6.0])
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np

from .batched_program import Program, ProgramStep
from .errors import describe, overflow_error
from .numpy_math import NUMPY
from .op_record import Check
from .value import checked_result


def forward(program: Program, V: np.ndarray) -> list:
    """Compute every step's rows of ``V`` (inputs, parameters, constants already there).

    Returns each step's local derivatives (None for a max shift), for ``backward``.
    """
    saved: list = []
    with np.errstate(all="ignore"):
        for step in program.steps:
            if step.op is None:
                V[step.out] = V[step.shift].max(axis=0)
                saved.append(None)
                continue
            args = [V[idx] for idx in step.operands]
            failure = step.op.first_failure(*args)
            if failure is not None:
                _raise_domain(step, args, *failure)
            out, *local = _run_rule(step, args)
            if step.op.overflows:
                _check_overflow(step, args, out, local)
            V[step.out] = out
            saved.append(local)
    return saved


def backward(program: Program, saved: list, G: np.ndarray, seed: float) -> np.ndarray:
    """The engine's backward loop over rows; returns ``G``, d(sum of outputs * seed)/d row."""
    G.fill(0.0)
    G[program.out_row] = seed
    with np.errstate(all="ignore"):
        for step, local in zip(reversed(program.steps), reversed(saved)):
            if local is None:
                continue  # a max shift is a constant: no gradient flows through it
            g = G[step.out]
            for scatter, d in zip(step.scatters, local):
                if type(d) is float:
                    if d == 0.0:
                        continue
                    c = g if d == 1.0 else (-g if d == -1.0 else g * d)
                else:
                    c = g * d
                _add_into(G, scatter, c)
    return G


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
    op = step.op
    if op.builtin:
        return op.rule(NUMPY, *args)
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
    if np.isfinite(out).all() and all(np.isfinite(d).all() for d in local):
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


__all__ = ["backward", "forward"]
