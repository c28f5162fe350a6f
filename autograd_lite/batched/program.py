"""The batched program: a traced graph as a list of steps over rows of a table.

Every node of the traced graph gets a row of the value table, which holds
one column per sample: first the inputs, then the parameters, then the
constants, then the nodes computed by the steps. A ``ProgramStep`` computes
a block of rows at once with one op's rule on numpy arrays: the nodes of
one depth made by the same op. A max shift (``stable_softmax.max_shift``)
is a step of its own: the largest of some rows, per sample.

``print(program)`` shows it, one line a step::

    r3 = r0 * r1                 *
    r4..7 = tanh(r3..6)          tanh, 4 nodes

>>> from autograd_lite.batched.trace import trace
>>> t = trace(lambda x, y: (x * y).tanh(), (1.0, 2.0), None, False)
>>> print(Program.from_trace(t.first, t.inputs, t.params))
program: 4 rows (2 inputs, 0 parameters, 0 constants), 2 steps
  r2 = r0 * r1        *
  r3 = tanh(r2)       tanh
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..engine.op_record import Op
from ..engine.value import Value
from .trace import Input, Trace


class ProgramStep:
    """Rows ``out`` computed by ``op``'s rule from the rows in ``operands``
    (one index per input of the op), or, for a max shift, the largest of
    the rows in ``shift``. ``nodes`` are the traced nodes it computes (for
    error messages); ``scatters`` say how each operand's gradient rows are
    added into in the backward pass."""

    __slots__ = ("op", "nodes", "out", "operands", "scatters", "shift")

    def __init__(self, out: slice, nodes: list[Value]) -> None:
        self.out = out
        self.nodes = nodes
        self.op: Op | None = None
        self.operands: list[Any] = []
        self.scatters: list[tuple] = []
        self.shift: Any = None

    def describe(self) -> str:
        """``r4..7 = tanh(r3..6)``: the step as a line of the program."""
        out = row_text(self.out)
        if self.op is None:
            return f"{out} = max({row_text(self.shift)})"
        return f"{out} = {self.op.formula([row_text(r) for r in self.operands])}"

    def what(self) -> str:
        """``tanh, 4 nodes``: what the step computes, for the program's right-hand column."""
        name = "max shift" if self.op is None else self.op.name
        n = len(self.nodes)
        return name + (f", {n} nodes" if n > 1 else "")


class Program:
    """The steps that compute a traced graph over a table of rows (see the module doc).

    The first rows hold the ``n_inputs`` inputs, then the parameters listed
    in ``row_params`` (indices into the graph's parameters: all of them
    here; a lowered program keeps only those its steps read as rows), then
    the ``constants`` listed in ``row_constants``. ``steps`` compute the
    rest; ``out_row`` and ``aux_rows`` are the outputs' rows; ``n_rows`` is
    the table's height.
    """

    def __init__(self, n_inputs: int, n_params: int, constants: np.ndarray) -> None:
        self.n_inputs = n_inputs
        self.n_params = n_params
        self.constants = constants
        self.row_params = np.arange(n_params)
        self.row_constants = np.arange(len(constants))
        self.steps: list[Any] = []
        self.n_rows = n_inputs + n_params + len(constants)
        self.out_row = 0
        self.aux_rows: list[int] = []
        self.n_nodes = 0

    @classmethod
    def from_trace(cls, trace: Trace, inputs: list[Input], params: list[Value]) -> Program:
        """Lay out ``trace``'s nodes in rows and group them into steps by depth and op."""
        order, pos = trace.order, trace.position
        shift_of = {at: operands for at, operands in trace.shifts}
        row = _leaf_rows(trace, params, shift_of)
        n_inputs = sum(1 if s.size is None else s.size for s in inputs)
        constants = [order[i].data for i in sorted(row) if row[i] >= n_inputs + len(params)]
        program = cls(n_inputs, len(params), np.array(constants, dtype=float))
        program.n_nodes = len(order)
        level = _levels(trace, shift_of)
        for members in _groups(trace, level, shift_of):
            first = members[0]
            step = ProgramStep(slice(program.n_rows, program.n_rows + len(members)), [])
            for i in members:
                row[i] = program.n_rows
                program.n_rows += 1
                step.nodes.append(order[i])
            if first in shift_of:
                step.shift = row_index([row[a] for a in shift_of[first]])
            else:
                step.op = order[first].operation
                for k in range(step.op.arity):
                    rows = [row[pos[order[i].parents[k]]] for i in members]
                    step.operands.append(row_index(rows))
                    step.scatters.append(row_scatter(rows))
            program.steps.append(step)
        program.out_row = row[pos[trace.out]]
        program.aux_rows = [row[pos[a]] for a in trace.aux]
        return program

    @property
    def leaf_rows(self) -> int:
        """How many rows the inputs, parameters and constants take (the steps' rows follow)."""
        return self.n_inputs + len(self.row_params) + len(self.row_constants)

    def leaf_values(self, param_data: np.ndarray) -> np.ndarray:
        """The parameters' values, then the constants, then a 0.0: where a lowered
        program's matrix products (``lowering.LinearStep``) gather W and b from.

        >>> Program(1, 2, np.array([7.0])).leaf_values(np.array([0.5, -1.0])).tolist()
        [0.5, -1.0, 7.0, 0.0]
        """
        return np.concatenate([param_data, self.constants, [0.0]])

    def __str__(self) -> str:
        params = _count(self.n_params, "parameter")
        if len(self.row_params) != self.n_params:
            params += f" ({len(self.row_params)} in rows)"
        constants = _count(len(self.constants), "constant")
        if len(self.row_constants) != len(self.constants):
            constants += f" ({len(self.row_constants)} in rows)"
        head = (
            f"program: {self.n_rows} rows ({_count(self.n_inputs, 'input')}, {params}, "
            f"{constants}), {_count(len(self.steps), 'step')}"
        )
        lines = [step.describe() for step in self.steps]
        width = max((len(line) for line in lines), default=0) + 2
        body = [f"  {line.ljust(width)}{step.what()}" for step, line in zip(self.steps, lines)]
        return "\n".join([head, *body])


def _leaf_rows(trace: Trace, params: list[Value], shift_of: dict) -> dict[int, int]:
    """Rows of the inputs, the parameters and the constants (node position -> row)."""
    n_inputs = len(trace.placeholders)
    param_index = {id(p): k for k, p in enumerate(params)}
    row: dict[int, int] = {}
    next_row = n_inputs + len(params)
    for i, node in enumerate(trace.order):
        if node.operation is not None or i in shift_of:
            continue
        j = trace.placeholder_rows.get(id(node))
        if j is not None:
            row[i] = j
        elif id(node) in param_index:
            row[i] = n_inputs + param_index[id(node)]
        else:
            row[i] = next_row
            next_row += 1
    return row


def _levels(trace: Trace, shift_of: dict) -> list[int]:
    """Depth of each node: leaves 0, a node one more than its deepest parent,
    a max shift one more than the deepest value it reads."""
    order, pos = trace.order, trace.position
    level = [0] * len(order)
    # Topological order puts parents first; a shift's operands may come after
    # it, so shifts are settled in a second pass until nothing changes.
    changed = True
    while changed:
        changed = False
        for i, node in enumerate(order):
            if node.operation is not None:
                deps = [pos[p] for p in node.parents]
            else:
                deps = shift_of.get(i, [])
            want = 1 + max((level[d] for d in deps), default=-1)
            if want > level[i]:
                level[i] = want
                changed = True
    return level


def _groups(trace: Trace, level: list[int], shift_of: dict) -> list[list[int]]:
    """Node positions grouped into steps: same depth and same op (or one max shift)."""
    groups: dict[tuple, list[int]] = {}
    for i, node in enumerate(trace.order):
        if i in shift_of:
            groups.setdefault((level[i], 0, i), []).append(i)
        elif node.operation is not None:
            groups.setdefault((level[i], 1, id(node.operation)), []).append(i)
    return [groups[k] for k in sorted(groups, key=lambda k: (k[0], groups[k][0]))]


def row_index(rows: list[int]) -> Any:
    """Rows as a slice when they are evenly spaced (a view, no copy), else an array.

    >>> row_index([4, 5, 6]), row_index([2, 7, 3]).tolist()
    (slice(4, 7, 1), [2, 7, 3])
    """
    if len(rows) == 1:
        return slice(rows[0], rows[0] + 1)
    step = rows[1] - rows[0]
    if step > 0 and all(rows[k + 1] - rows[k] == step for k in range(len(rows) - 1)):
        return slice(rows[0], rows[-1] + 1, step)
    return np.array(rows, dtype=np.intp)


def row_scatter(rows: list[int]) -> tuple:
    """How to add per-node gradient rows into ``rows``, which may repeat.

    >>> row_scatter([4, 5]), row_scatter([3, 3])
    (('rows', slice(4, 6, 1)), ('one', 3))
    """
    if len(set(rows)) == len(rows):
        return ("rows", row_index(rows))
    if len(set(rows)) == 1:
        return ("one", rows[0])
    order = np.argsort(np.array(rows), kind="stable")
    sorted_rows = np.array(rows)[order]
    starts = np.flatnonzero(np.r_[True, sorted_rows[1:] != sorted_rows[:-1]])
    identity = bool((order == np.arange(len(rows))).all())
    return ("sum", sorted_rows[starts], None if identity else order, starts)


def row_text(index: Any) -> str:
    """``r4``, ``r[4, 7]``, ``r4..9`` (every row from 4 to 9) or ``r4..16 step 3``.

    >>> row_text(slice(4, 10)), row_text(row_index([4, 7]))
    ('r4..9', 'r[4, 7]')
    """
    if isinstance(index, slice):
        rows: Sequence[int] = range(index.start, index.stop, index.step or 1)
    else:
        rows = index.tolist()
    if len(rows) == 1:
        return f"r{rows[0]}"
    if len(rows) <= 3:
        return f"r[{', '.join(map(str, rows))}]"
    if isinstance(rows, range):
        span = f"r{rows[0]}..{rows[-1]}"
        return span if rows.step == 1 else f"{span} step {rows.step}"
    return f"r[{', '.join(map(str, rows[:3]))}, ..., {rows[-1]}]"


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


__all__ = ["Program", "ProgramStep", "row_index", "row_scatter", "row_text"]
