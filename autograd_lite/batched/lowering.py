"""Lowering: find the layers in a batched program and run each one as a matrix product.

The plain program (``program.py``) gives every node of the traced
graph a row: a neuron with n inputs is n multiplications and n additions,
so a layer of m such neurons is about 2n steps of m rows each, and every
step is a numpy call. ``lower(program)`` recognises that structure and
rewrites the program:

* a **sum of products** is an addition whose terms (followed through the
  additions that nothing else reads) are products ``w * x`` of a weight w
  (a parameter or a constant) and a row x that varies by sample, plus at
  most one bias b (a parameter or a constant): Σⱼ wⱼ·xⱼ + b. nn's
  ``Neuron`` builds exactly that, as the chain ``((b + w0*x0) + w1*x1) + ...``;
* the sums of products that read the same rows x become one
  ``LinearStep``, Z = W @ X + b for the whole batch (W and b are
  gathered from the parameters when it runs). Its backward pass is the
  transposed products: dX = Wᵀ @ dZ, and dW = dZ @ Xᵀ, which is already
  summed over the batch, as db = Σ dZ is;
* every other step stays as it was, without the nodes the products took
  over; rows are renumbered so that each step's rows are still one block.

A matrix product adds its terms in another order than the chain does, so
its values agree with the scalar engine's to rounding (about 1e-16
relative), not bit for bit. Only ``+`` and ``*`` nodes are taken over; their
records have no domain to check, and a sum that overflows from finite
weights and inputs raises the engine's OverflowError, naming the sample
(seen in the whole sum, not in each partial sum). The other steps run
their op's checks as before, once per step on its whole block of rows.

>>> from autograd_lite import Value, compile_batched
>>> w = [[Value(0.5 * i - j, label=f"w{i}{j}") for j in range(3)] for i in range(4)]
>>> b = [Value(0.1 * i, label=f"b{i}") for i in range(4)]
>>> def layer(x):   # four neurons, each b + w0*x0 + w1*x1 + w2*x2, then tanh
...     units = [(b[i] + w[i][0] * x[0] + w[i][1] * x[1] + w[i][2] * x[2]).tanh() for i in range(4)]
...     return units[0] * units[1] - units[2] * units[3]
>>> print(compile_batched(layer, [1.0, 2.0, 3.0], lower=False).program)
program: 50 rows (3 inputs, 16 parameters, 0 constants), 7 steps
  r19..30 = r[4, 5, 6, ..., 18] * r[0, 1, 2, ..., 2]  *, 12 nodes
  r31..34 = r3..15 step 4 + r19..28 step 3            +, 4 nodes
  r35..38 = r31..34 + r20..29 step 3                  +, 4 nodes
  r39..42 = r35..38 + r21..30 step 3                  +, 4 nodes
  r43..46 = tanh(r39..42)                             tanh, 4 nodes
  r[47, 48] = r[43, 45] * r[44, 46]                   *, 2 nodes
  r49 = r47 - r48                                     -
>>> print(compile_batched(layer, [1.0, 2.0, 3.0]).program)   # lowered: the default
program: 14 rows (3 inputs, 16 parameters (0 in rows), 0 constants), 4 steps
  r3..6 = W[4x3] @ r[0, 1, 2] + b  matrix product: 4 sums of 3 products (24 nodes)
  r7..10 = tanh(r3..6)             tanh, 4 nodes
  r[11, 12] = r[7, 9] * r[8, 10]   *, 2 nodes
  r13 = r11 - r12                  -
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from ..engine import ops
from ..engine.value import Value
from .program import Program, ProgramStep, row_index, row_scatter, row_text


class LinearStep:
    """Rows ``out`` = W @ rows ``x`` (+ b): sums of products that read the same rows.

    ``weights`` holds W as indices into the program's leaf values
    (``Program.leaf_values``: the parameters, then the constants, then a
    0.0), one row per output row and one column per row of ``x``; ``bias``
    holds one such index per output row, or is None. ``nodes`` are the
    sums' nodes; ``absorbed`` is how many nodes of the plain program the
    step computes; ``name`` is what its weights' labels share, if anything.
    """

    __slots__ = (
        "out", "x", "x_scatter", "weights", "bias", "unique", "nodes", "absorbed", "name",
    )  # fmt: skip

    def __init__(
        self,
        out: slice,
        x: list[int],
        weights: np.ndarray,
        bias: np.ndarray | None,
        nodes: list[Value],
        absorbed: int,
        name: str,
    ) -> None:
        self.out = out
        self.x = row_index(x)
        self.x_scatter = row_scatter(x)
        self.weights = weights
        self.bias = bias
        # Gradients go into the leaf values with a plain ``+=`` when no
        # leaf repeats, else with a bincount that adds the repeats up.
        self.unique = (
            len(np.unique(weights)) == weights.size,
            bias is None or len(np.unique(bias)) == bias.size,
        )
        self.nodes = nodes
        self.absorbed = absorbed
        self.name = name

    def describe(self) -> str:
        """``r3..18 = W[16x2] @ r0..1 + b``: the step as a line of the program."""
        nout, nin = self.weights.shape
        text = f"{row_text(self.out)} = W[{nout}x{nin}] @ {row_text(self.x)}"
        return text + (" + b" if self.bias is not None else "")

    def what(self) -> str:
        """What the step computes, for the program's right-hand column."""
        nout, nin = self.weights.shape
        sums = f"{nout} sum{'s' if nout > 1 else ''} of {nin} products"
        where = f", {self.name}" if self.name else ""
        return f"matrix product: {sums} ({self.absorbed} nodes{where})"


def product(A: np.ndarray, B: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """A @ B, as a ``LinearStep`` runs it. With one column in A (one row in B) every
    entry is a single product, so it is the outer product, computed element-wise:
    the same numbers, without the matrix product's slow path for that shape.

    >>> product(np.array([[2.0], [3.0]]), np.array([[1.0, 10.0]])).tolist()
    [[2.0, 20.0], [3.0, 30.0]]
    """
    if A.shape[1] == 1:
        return np.multiply(A, B, out=out)
    return np.matmul(A, B, out=out)


def lower(program: Program) -> Program:
    """The program with its sums of products over shared rows as matrix products.

    ``program`` is a plain program (``Program.from_trace``); it is not
    changed. Nothing to lift: a program with the same steps, renumbered.

    >>> from autograd_lite import Value, compile_batched
    >>> w1, w2 = Value(2.0, label="w1"), Value(3.0, label="w2")
    >>> plain = compile_batched(lambda x, y: w1 * x + w2 * y, 1.0, 1.0, lower=False).program
    >>> print(lower(plain))
    program: 3 rows (2 inputs, 2 parameters (0 in rows), 0 constants), 1 step
      r2 = W[1x2] @ r[0, 1]  matrix product: 1 sum of 2 products (3 nodes)
    """
    if len(program.row_params) != program.n_params or any(
        not isinstance(step, ProgramStep) for step in program.steps
    ):
        raise ValueError("lower() takes a plain program (Program.from_trace), not a lowered one")
    graph = _Dataflow(program)
    sums = _sums_of_products(graph)
    groups = _groups(graph, sums)
    return _rebuild(program, graph, groups)


# --- reading the plain program -----------------------------------------------------


class _Dataflow:
    """The plain program row by row: what computes each row, and who reads it."""

    def __init__(self, program: Program) -> None:
        n = program.n_rows
        self.program = program
        self.leaf_start = program.n_inputs  # parameter and constant rows: weights and biases
        self.leaf_end = program.leaf_rows
        self.op: list[Any] = [None] * n
        self.args: list[tuple[int, ...]] = [()] * n
        self.step: list[int] = [-1] * n
        self.node: list[Value | None] = [None] * n
        self.uses = [0] * n
        self.reader = [-1] * n  # the row that reads it (the last one, when several do)
        for s, step in enumerate(program.steps):
            rows = range(step.out.start, step.out.stop)
            if step.op is None:
                operands = [tuple(_rows_of(step.shift))]
            else:
                operands = list(zip(*[_rows_of(index) for index in step.operands]))
            for r, args, node in zip(rows, operands, step.nodes):
                self.op[r], self.args[r], self.step[r], self.node[r] = step.op, args, s, node
                for a in args:
                    self.uses[a] += 1
                    self.reader[a] = r
        for r in [program.out_row, *program.aux_rows]:
            self.uses[r] += 1  # read from outside: it must keep its row
            self.reader[r] = -1

    def is_weight(self, row: int) -> bool:
        """A parameter or a constant: the same number for every sample."""
        return self.leaf_start <= row < self.leaf_end

    def leaf(self, row: int) -> int:
        """A parameter's or constant's index among the leaf values."""
        return row - self.leaf_start

    def is_param(self, row: int) -> bool:
        return self.leaf_start <= row < self.leaf_start + self.program.n_params

    def product(self, row: int) -> tuple[int, int] | None:
        """``(x, w)`` when ``row`` is w * x (either order) and only a sum reads it.

        w is a weight; x varies by sample, or is a parameter (in p * p,
        the L2 penalty's terms, the second factor is taken as x).
        """
        if not _takes_over(self.op[row], ops.MUL) or self.uses[row] != 1:
            return None
        a, b = self.args[row]
        for x, w in ((b, a), (a, b)):
            if self.is_weight(w) and (not self.is_weight(x) or self.is_param(x)):
                return x, w
        return None

    def computed_rows(self) -> range:
        return range(self.leaf_end, self.program.n_rows)


def _takes_over(op: Any, record: Any) -> bool:
    """``op`` is ``record`` (``+`` or ``*``) and a matrix product may compute it: the
    product runs no domain checks, so only ops without any are taken over."""
    return op is record and not record.domain


def _rows_of(index: Any) -> list[int]:
    if isinstance(index, slice):
        return list(range(index.start, index.stop, index.step or 1))
    return index.tolist()


# --- finding the sums of products ---------------------------------------------------


class _Sum:
    """A sum of products: its row, its terms ``(x row, weight row)``, bias row, absorbed rows."""

    __slots__ = ("row", "products", "bias", "absorbed")

    def __init__(self, row: int, products: list, bias: int | None, absorbed: list[int]) -> None:
        self.row, self.products, self.bias, self.absorbed = row, products, bias, absorbed


def _sums_of_products(graph: _Dataflow) -> list[_Sum]:
    """Every largest sum of at least two products, in row order."""
    # First, per addition: (products, biases) when all its terms are products,
    # weights or additions of the same kind read only by it.
    counts: dict[int, tuple[int, int]] = {}
    for r in graph.computed_rows():
        if not _takes_over(graph.op[r], ops.ADD):
            continue
        products = biases = 0
        for a in graph.args[r]:
            if graph.product(a) is not None:
                products += 1
            elif graph.is_weight(a):
                biases += 1
            elif graph.uses[a] == 1 and a in counts:
                products += counts[a][0]
                biases += counts[a][1]
            else:
                break
        else:
            if biases <= 1:
                counts[r] = (products, biases)
    sums = []
    for r, (products, _) in counts.items():
        inside_another = graph.uses[r] == 1 and graph.reader[r] in counts
        if products >= 2 and not inside_another:
            found = _terms(graph, r)
            if len({x for x, _ in found.products}) == len(found.products):
                sums.append(found)  # (an x read twice would need w1 + w2 in W: left as is)
    return sums


def _terms(graph: _Dataflow, root: int) -> _Sum:
    products, bias, absorbed = [], None, []
    stack = list(graph.args[root])
    while stack:
        a = stack.pop()
        term = graph.product(a)
        if term is not None:
            products.append(term)
            absorbed.append(a)
        elif graph.is_weight(a):
            bias = a
        else:  # an inner sum
            absorbed.append(a)
            stack.extend(graph.args[a])
    return _Sum(root, products, bias, absorbed)


def _groups(graph: _Dataflow, sums: list[_Sum]) -> dict[int, list[list[_Sum]]]:
    """Sums of products over the same rows x, by the step they can run before.

    A group runs as soon as its rows x are computed: before the step after
    the last one that computes an x. That is before every sum's own step,
    so before everything that reads the sums.
    """
    by_rows: dict[frozenset, list[_Sum]] = {}
    for s in sums:
        by_rows.setdefault(frozenset(x for x, _ in s.products), []).append(s)
    out: dict[int, list[list[_Sum]]] = {}
    for xs, members in by_rows.items():
        before = 1 + max((graph.step[x] for x in xs), default=-1)  # leaves: step -1
        out.setdefault(before, []).append(sorted(members, key=lambda s: s.row))
    return out


# --- the lowered program -------------------------------------------------------------


def _rebuild(program: Program, graph: _Dataflow, groups: dict[int, list[list[_Sum]]]) -> Program:
    """The lowered program: its steps in order, its rows renumbered into blocks."""
    plan = _step_plan(program, groups)
    lowered = Program(program.n_inputs, program.n_params, program.constants)
    new_row = _lay_out_leaves(lowered, graph, _leaves_read(program, graph, plan))
    lowered.n_nodes = program.n_nodes
    for kind, what in plan:
        start = lowered.n_rows
        if kind == "linear":
            for k, s in enumerate(what):
                new_row[s.row] = start + k
            lowered.steps.append(_linear_step(graph, what, new_row, start))
        else:
            step, keep = what
            for k, i in enumerate(keep):
                new_row[step.out.start + i] = start + k
            lowered.steps.append(_kept_step(graph, step, keep, new_row, start))
        lowered.n_rows = start + len(lowered.steps[-1].nodes)
    lowered.out_row = new_row[program.out_row]
    lowered.aux_rows = [new_row[r] for r in program.aux_rows]
    return lowered


def _step_plan(program: Program, groups: dict[int, list[list[_Sum]]]) -> list[tuple[str, Any]]:
    """``("linear", sums)`` and ``("plain", (step, positions kept))``, in running order."""
    taken = set()  # rows the matrix products compute or make unneeded
    for members in (m for per_step in groups.values() for m in per_step):
        for s in members:
            taken.add(s.row)
            taken.update(s.absorbed)
    plan: list[tuple[str, Any]] = []
    for i, step in enumerate(program.steps):
        plan.extend(("linear", members) for members in groups.get(i, []))
        rows = range(step.out.start, step.out.stop)
        keep = [k for k, r in enumerate(rows) if r not in taken]
        if keep:
            plan.append(("plain", (step, keep)))
    return plan


def _leaves_read(program: Program, graph: _Dataflow, plan: list[tuple[str, Any]]) -> list[int]:
    """The parameter and constant rows that something still reads as a row."""
    read: set[int] = {program.out_row, *program.aux_rows}
    for kind, what in plan:
        if kind == "plain":
            step, keep = what
            read.update(a for i in keep for a in graph.args[step.out.start + i])
        else:
            read.update(x for s in what for x, _ in s.products)
    return sorted(r for r in read if graph.is_weight(r))


def _lay_out_leaves(lowered: Program, graph: _Dataflow, leaf_rows: list[int]) -> dict[int, int]:
    """Give the inputs and the leaves read as rows their rows; returns old row -> new row."""
    n_params = lowered.n_params
    leaves = [graph.leaf(r) for r in leaf_rows]
    lowered.row_params = np.array([k for k in leaves if k < n_params], dtype=np.intp)
    lowered.row_constants = np.array([k - n_params for k in leaves if k >= n_params], np.intp)
    lowered.n_rows = lowered.leaf_rows
    new_row = {r: r for r in range(lowered.n_inputs)}
    new_row.update({r: lowered.n_inputs + k for k, r in enumerate(leaf_rows)})
    return new_row


def _linear_step(
    graph: _Dataflow, members: list[_Sum], new_row: dict[int, int], start: int
) -> LinearStep:
    xs = sorted(x for x, _ in members[0].products)
    column = {x: j for j, x in enumerate(xs)}
    zero = graph.leaf_end - graph.leaf_start  # the leaf value 0.0, for a sum without bias
    weights = np.empty((len(members), len(xs)), dtype=np.intp)
    bias = np.full(len(members), zero, dtype=np.intp)
    labels = []
    for i, s in enumerate(members):
        for x, w in s.products:
            weights[i, column[x]] = graph.leaf(w)
        if s.bias is not None:
            bias[i] = graph.leaf(s.bias)
        labels.extend(_weight_labels(graph, s))
    has_bias = any(s.bias is not None for s in members)
    return LinearStep(
        out=slice(start, start + len(members)),
        x=[new_row[x] for x in xs],
        weights=weights,
        bias=bias if has_bias else None,
        nodes=[graph.node[s.row] for s in members],
        absorbed=sum(1 + len(s.absorbed) for s in members),
        name=_shared_prefix(labels),
    )


def _weight_labels(graph: _Dataflow, s: _Sum) -> Iterator[str]:
    """The labels of the sum's weights (read from its product nodes)."""
    for r in s.absorbed:
        term = graph.product(r)
        node = graph.node[r]
        if term is not None and node is not None:
            weight = node.parents[graph.args[r].index(term[1])]
            if weight.label:
                yield weight.label


def _shared_prefix(labels: Sequence[str]) -> str:
    """The dotted path every label starts with (``layers.0.neurons``), or ""."""
    if not labels:
        return ""
    common = os.path.commonprefix([label.split(".") for label in labels])
    return ".".join(common)


def _kept_step(
    graph: _Dataflow, step: ProgramStep, keep: list[int], new_row: dict[int, int], start: int
) -> ProgramStep:
    rows = [step.out.start + i for i in keep]
    kept = ProgramStep(slice(start, start + len(keep)), [step.nodes[i] for i in keep])
    kept.op = step.op
    if step.op is None:
        kept.shift = row_index([new_row[a] for a in graph.args[rows[0]]])
        return kept
    for k in range(step.op.arity):
        operand = [new_row[graph.args[r][k]] for r in rows]
        kept.operands.append(row_index(operand))
        kept.scatters.append(row_scatter(operand))
    return kept


__all__ = ["LinearStep", "lower", "product"]
