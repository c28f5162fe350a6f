"""How a program runs, worked out once: where each step reads, and how each gradient is written.

``ForwardPlan``: a step's output is an array of its own (its *block*);
the steps that read it take that array, or rows of it, as it is, so it is
not copied into the value table ``V``. Only a step whose rows are read
together with rows of other steps (one operand gathered from several
blocks), or that computes an output, is also copied into ``V``. The
inputs are blocks too: each input array as the caller passes it
(transposed: a row per element of a vector input), copied into ``V`` on
the same terms. The parameters and the constants are rows of ``V``, and
so are a matrix product's results, which it writes there directly.

``GradientPlan``: the backward pass adds each step's contributions into
the gradient table ``G``, or writes them when its step is the first to
reach those rows (steps run in reverse), so ``G`` needs no zeroing. The
gradients of the constants are never read, nor those of the inputs when a
call asks for none: contributions that only reach such rows are skipped.

>>> from autograd_lite.batched.program import Program
>>> from autograd_lite.batched.trace import trace
>>> t = trace(lambda x: (x * x).tanh() + 2.0, (1.0,), None, False)
>>> program = Program.from_trace(t.first, t.inputs, t.params)
>>> print(program)
program: 5 rows (1 input, 0 parameters, 1 constant), 3 steps
  r2 = r0 * r0    *
  r3 = tanh(r2)   tanh
  r4 = r3 + r1    +
>>> plan = ForwardPlan(program)   # (block, rows): block -1 is V; rows None: the whole block
>>> plan.sources[1], plan.sources[2]
([(0, None)], [(1, None), (-1, slice(1, 2, None))])
>>> GradientPlan(program).first   # True: written, False: added, None: skipped (a constant)
[[True, False], [True], [True, None]]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .lowering import LinearStep
from .program import Program, row_index


class ForwardPlan:
    """Where each step reads its operands, and which blocks are copied into ``V``.

    The blocks are the steps' results, in step order, then, when
    ``input_sizes`` is given (the number of rows of each input, in row
    order), the inputs, which the caller hands ``forward`` as arrays of
    rows. ``sources[i]``: for each operand of step i (a matrix product's
    rows x, a max shift's rows), ``(b, rows)``: rows of block b (``rows``
    None: all of it), or, with b = -1, the rows of ``V`` at the index
    ``rows``. ``to_table[b]``: block b is also copied into ``V``.
    """

    __slots__ = ("sources", "to_table", "_in_table")

    def __init__(self, program: Program, input_sizes: Sequence[int] = ()) -> None:
        steps = program.steps
        spans = [(step.out.start, step.out.stop) for step in steps]
        starts = np.cumsum([0, *input_sizes])
        spans += list(zip(starts[:-1].tolist(), starts[1:].tolist()))
        owner = np.full(program.n_rows, -1, dtype=np.intp)  # the block holding each row
        for b, (lo, hi) in enumerate(spans):
            owner[lo:hi] = b
        self._in_table = [type(step) is LinearStep for step in steps]  # it writes there
        self._in_table += [False] * len(input_sizes)
        self.to_table = [False] * len(spans)
        self.sources = [
            [self._source(spans, owner, index) for index in _operands(step)] for step in steps
        ]
        for row in [program.out_row, *program.aux_rows]:
            self._keep(int(owner[row]))

    def _source(self, spans: list, owner: np.ndarray, index: Any) -> tuple[int, Any]:
        rows = np.arange(owner.size)[index]
        first = int(owner[rows[0]])
        if first >= 0 and (owner[rows] == first).all():
            lo, hi = spans[first]
            local = (rows - lo).tolist()
            return first, None if local == list(range(hi - lo)) else row_index(local)
        for b in np.unique(owner[rows]):
            self._keep(int(b))
        return -1, index

    def _keep(self, b: int) -> None:
        """Block b's rows must be in ``V``."""
        if b >= 0 and not self._in_table[b]:
            self.to_table[b] = True


def _operands(step: Any) -> list:
    if type(step) is LinearStep:
        return [step.x]
    return [step.shift] if step.op is None else step.operands


class GradientPlan:
    """How the backward pass puts each gradient contribution into ``G``.

    ``first[i][k]`` is True when operand k of step i is the first to reach
    its rows (steps run in reverse): it is written there, not added; None
    when its rows are gradients nobody reads (constants, and inputs when
    ``inputs`` is False): it is skipped. ``zero`` are the rows that are
    read but only get added into, or get nothing: those are set to 0.
    """

    __slots__ = ("first", "zero")

    def __init__(self, program: Program, inputs: bool = True) -> None:
        unread = np.zeros(program.n_rows, dtype=bool)
        unread[program.n_inputs + len(program.row_params) : program.leaf_rows] = True
        if not inputs:
            unread[: program.n_inputs] = True
        written = np.zeros(program.n_rows, dtype=bool)
        written[program.out_row] = True  # the seed
        zero = np.zeros(program.n_rows, dtype=bool)
        self.first: list[list[bool | None]] = [[] for _ in program.steps]
        for i in reversed(range(len(program.steps))):
            for scatter in _scatters(program.steps[i]):
                rows = _target_rows(scatter)
                if unread[rows].all():
                    self.first[i].append(None)
                    continue
                before = written[rows]
                self.first[i].append(not before.any())
                if before.any():
                    zero[rows[~before]] = True
                written[rows] = True
        zero = (zero | ~written) & ~unread
        self.zero = row_index(np.flatnonzero(zero).tolist()) if zero.any() else None


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


__all__ = ["ForwardPlan", "GradientPlan"]
