"""Batched evaluation: trace a scalar function once, then run its graph on a whole batch.

``compile_batched(fn, *example)`` calls ``fn`` on placeholder Values (one per
scalar input, holding the example's numbers) and keeps the graph it builds,
in topological order. The returned ``BatchedGraph`` evaluates that graph for
every sample of a batch at once: each node's own rule (``rules.py``) runs on
numpy arrays through the ``NUMPY`` backend, ``node.rule(NUMPY, *parents)``,
so the values and local derivatives are the engine's, and the backward pass
is the engine's loop with a row of numbers per node instead of one number.
Nodes of the same depth made by the same rule run as one numpy call.

* Parameters (the model's Values) are read at call time, so training updates
  are seen without tracing again; other leaves ``fn`` builds or reads are
  constants, broadcast to every sample.
* The caller says how the per-sample outputs become the one number that is
  differentiated: ``reduce="sum"`` or ``reduce="mean"``.
* What cannot be batched is refused with ``TraceError``: Python code that
  branches on a Value that varies by sample (a comparison or ``float()``
  during tracing), and constants computed from such data (``.data`` reads).
  The one such constant it understands is the max shift of ``logsumexp`` and
  ``softmax`` (a constant equal to the largest of the values it is subtracted
  from): it is computed per sample, as the scalar engine does.
* Domain errors (``log(0)`` in sample 7) raise the engine's error, naming
  the operation, the operand and the sample.

``fn`` runs a few times while compiling: once to build the graph, then up to
three more times with the inputs and parameters moved (scaled, negated,
scrambled) to check that the graph does not depend on their values; the
parameters get their data back afterwards. A branch on ``.data`` that none
of these moves flips can't be seen, so code meant for compiling should
branch only through comparisons (which are refused) or not at all.

>>> import numpy as np
>>> f = compile_batched(lambda x, y: x * y + y.sin(), 1.0, 2.0)
>>> r = f(np.array([1.0, 2.0, 3.0]), np.array([0.0, 0.5, 1.0]), reduce="sum")
>>> r.values.round(4).tolist()              # one output per sample
[0.0, 1.4794, 3.8415]
>>> r.input_grads[0].tolist()               # df/dx = y, sample by sample
[0.0, 0.5, 1.0]
"""

from __future__ import annotations

import inspect
import math
import numbers
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import numpy as np

from . import backprop, grad_mode, rules
from . import value as value_module
from .errors import describe, domain_error, overflow_error
from .numpy_math import NUMPY
from .value import Value

_TRACING = threading.Lock()  # one trace at a time: the data-read hook is process-wide
_this_thread = threading.local()  # .tracing: this thread is inside compile_batched
_CHUNK_BYTES = 32 * 2**20  # a batch runs in chunks of about this many bytes of node values


class TraceError(ValueError):
    """``fn`` builds a graph that can't be reused for every sample of a batch."""


@dataclass
class BatchResult:
    """What a ``BatchedGraph`` call returns.

    ``value``: the reduced output (sum or mean over the batch), the number
    that was differentiated. ``values``: ``fn``'s output for each sample.
    ``param_grads``: d value / d p for each of the graph's ``params``.
    ``input_grads``: d value / d input, per sample, one array per input,
    shaped like the input arrays. ``aux``: the per-sample values of the aux
    outputs (``has_aux=True``), shape (batch,) or (batch, k); else None.
    """

    value: float
    values: np.ndarray
    param_grads: np.ndarray
    input_grads: tuple[np.ndarray, ...]
    aux: np.ndarray | None = None


@dataclass(frozen=True)
class _Input:
    name: str
    size: int | None  # None: a scalar input; k: a vector of k scalars
    start: int  # its first row (flat position among the scalar inputs)

    def labels(self) -> list[str]:
        if self.size is None:
            return [self.name]
        return [f"{self.name}[{j}]" for j in range(self.size)]


# --- compiling ------------------------------------------------------------------------


def compile_batched(
    fn: Callable[..., Any],
    *example: Any,
    params: Iterable[Value] | Any = None,
    has_aux: bool = False,
) -> BatchedGraph:
    """Trace ``fn`` once on placeholders holding ``example``; return a ``BatchedGraph``.

    Each example argument is a number (a scalar input) or a list / 1-D array
    of numbers (a vector input); ``fn`` gets a placeholder Value for each
    number, labelled by its parameter name (``x``, ``v[0]``, ...). The
    example is only the point the graph is traced at: pick one inside every
    operation's domain (``log`` needs x > 0 there).

    ``params``: the Values (or a Module) read at call time, whose gradients
    are returned; by default every labelled leaf that is not an input.
    ``has_aux``: ``fn`` returns ``(output, aux)``, where ``aux`` is a Value or
    a list of Values evaluated per sample alongside the output.

    >>> from autograd_lite import Value
    >>> w = Value(3.0, label="w")
    >>> f = compile_batched(lambda x: (w * x).tanh(), 0.5)
    >>> [p.label for p in f.params]
    ['w']
    """
    if not callable(fn):
        raise TypeError(f"compile_batched() takes a function, got {type(fn).__name__}")
    if not grad_mode.is_recording():
        raise TraceError("compile_batched() can't trace inside no_grad(): no graph is recorded")
    if getattr(_this_thread, "tracing", False):
        raise TraceError("compile_batched() can't be called by a function it is tracing")
    inputs, flat_example = _input_specs(fn, example)
    explicit = None if params is None else _param_list(params)

    with _TRACING:
        _this_thread.tracing = True
        try:
            first, checks, candidates = _traces(fn, inputs, flat_example, explicit, has_aux)
        finally:
            _this_thread.tracing = False
    if explicit is None:
        chosen = {id(p) for p in candidates}
        for check in checks:
            chosen &= {id(n) for n in check.order if n.rule is None}
        param_list = [p for p in candidates if id(p) in chosen]
    else:
        param_list = explicit
    shifts = _compare(first, checks, param_list)
    return BatchedGraph(fn, inputs, param_list, first, shifts)


def _traces(
    fn: Callable[..., Any],
    inputs: list[_Input],
    flat_example: list[float],
    explicit: list[Value] | None,
    has_aux: bool,
) -> tuple[_Trace, list[_Trace], list[Value]]:
    """The trace at the example, the check traces, and the leaves taken for parameters."""
    first = _trace(fn, inputs, flat_example, explicit, has_aux)
    if explicit is None:
        candidates = [n for n in first.order if n.rule is None and n.label is not None]
        candidates = [n for n in candidates if id(n) not in first.placeholder_rows]
    else:
        candidates = explicit
    checks = []
    rng = np.random.default_rng(20240508)
    for mode in ("scale", "flip", "scramble"):
        moved = _moved(flat_example, rng, mode)
        saved = [p.data for p in candidates]
        try:
            for p, v in zip(candidates, _moved([p.data for p in candidates], rng, mode)):
                p.data = v
            try:
                checks.append(_trace(fn, inputs, moved, explicit, has_aux))
            except TraceError:
                raise
            except (ArithmeticError, ValueError):
                if mode == "scale":
                    raise TraceError(
                        "fn fails when its inputs and parameters are moved a little from "
                        "the example (to check that its graph does not depend on them); "
                        "trace at an example further from the edge of the domain"
                    ) from None
                # Flipped or scrambled values may leave an operation's domain:
                # that check is skipped.
        finally:
            for p, v in zip(candidates, saved):
                p.data = v
    return first, checks, candidates


class _Trace:
    """One call of ``fn`` on placeholders: its nodes in topological order."""

    def __init__(self, placeholders: list[Value], out: Value, aux: list[Value], aux_list: bool):
        self.placeholders = placeholders
        self.placeholder_rows = {id(p): j for j, p in enumerate(placeholders)}
        self.out = out
        self.aux = aux
        self.aux_list = aux_list
        order: list[Value] = []
        seen: set[Value] = set()
        for root in [out, *aux]:
            for node in backprop.topological_order(root):
                if node not in seen:
                    seen.add(node)
                    order.append(node)
        self.order = order
        self.position = {node: i for i, node in enumerate(order)}


def _trace(
    fn: Callable[..., Any],
    inputs: list[_Input],
    flat: list[float],
    explicit: list[Value] | None,
    has_aux: bool,
) -> _Trace:
    placeholders = []
    args: list[Any] = []
    for spec in inputs:
        these = [Value(flat[spec.start + j], label=label) for j, label in enumerate(spec.labels())]
        placeholders.extend(these)
        args.append(these[0] if spec.size is None else these)
    varying = varying_inputs = {id(p) for p in placeholders}
    if explicit is not None:
        varying = varying_inputs | {id(p) for p in explicit}

    def is_varying(leaf: Value) -> bool:
        return id(leaf) in varying or (explicit is None and leaf.label is not None)

    thread = threading.get_ident()

    def refuse_data_reads(v: Any, other: Any, how: str) -> None:
        if threading.get_ident() != thread:
            return
        for x in (v, other):
            if not isinstance(x, Value):
                continue
            source = next(
                (n for n in backprop.topological_order(x) if n.rule is None and is_varying(n)),
                None,
            )
            if source is not None:
                what = "float()" if how == "float()" else f"a comparison ({how})"
                kind = "an input" if id(source) in varying_inputs else "a parameter"
                via = "" if source is x else f" (it depends on {describe(source)})"
                raise TraceError(
                    f"{what} on {describe(x)} while tracing{via}: {kind} differs from sample "
                    "to sample or from step to step, so Python code that branches on it (if, "
                    "max, min, sorted, float) can't become one graph for the whole batch; "
                    "express the choice with the graph's own operations (relu, step, abs, ...)"
                )

    value_module.data_read_hook = refuse_data_reads
    try:
        result = fn(*args)
    finally:
        value_module.data_read_hook = None
    aux: list[Value] = []
    aux_list = False
    if has_aux:
        if not isinstance(result, tuple) or len(result) != 2:
            raise TypeError(
                f"with has_aux=True, fn must return (output, aux), got {type(result).__name__}"
            )
        result, extra = result
        aux_list = not isinstance(extra, Value)
        aux = [extra] if not aux_list else list(extra)
        for k, a in enumerate(aux):
            if not isinstance(a, Value):
                raise TypeError(f"aux[{k}] is {type(a).__name__}, not a Value")
    if not isinstance(result, Value):
        raise TypeError(
            f"fn must return a Value (one number per sample), got {type(result).__name__}; "
            "return one Value, and any others as aux (has_aux=True)"
        )
    return _Trace(placeholders, result, aux, aux_list)


def _moved(values: list[float], rng: np.random.Generator, mode: str) -> list[float]:
    """``values`` moved for a check trace: scaled (signs kept), negated, or scrambled."""
    out = []
    for v in values:
        if mode == "scale":
            factor = rng.uniform(0.6, 0.9) if rng.random() < 0.5 else rng.uniform(1.1, 1.4)
            out.append(v * factor if v != 0.0 else rng.uniform(0.05, 0.15))
        elif mode == "flip":
            out.append(-v if v != 0.0 else -rng.uniform(0.05, 0.15))
        else:
            out.append(float(rng.normal(0.0, 1.0) * (abs(v) + 1.0)))
    return out


def _same_rule(r1: Any, r2: Any) -> bool:
    if r1 is r2:
        return True
    if r1 is None or r2 is None:
        return False
    e1, e2 = getattr(r1, "exponent", None), getattr(r2, "exponent", None)
    return e1 is not None and r1.op == r2.op and e1 == e2


def _same_number(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


def _compare(first: _Trace, checks: list[_Trace], params: list[Value]) -> list[tuple]:
    """Refuse unless every check trace built the same graph; return the max shifts.

    A constant whose value changed between traces was computed from the data
    of inputs or parameters. If, in every trace, it equals the largest of the
    values it is subtracted from (logsumexp's and softmax's shift), it is
    returned as (constant positions, operand positions); otherwise refused.
    """
    param_ids = {id(p) for p in params}
    changed: dict[int, list[float]] = {}
    for check in checks:
        if len(check.order) != len(first.order):
            raise TraceError(
                f"fn builds graphs of different sizes ({len(first.order)} and "
                f"{len(check.order)} nodes) when its inputs or parameters change: its Python "
                "code depends on their values (through .data?), so one graph can't serve "
                "every sample"
            )
        roots = [first.position[r] for r in [first.out, *first.aux]]
        if roots != [check.position[r] for r in [check.out, *check.aux]]:
            raise TraceError("fn's outputs are different nodes when its inputs change")
        for i, (n1, n2) in enumerate(zip(first.order, check.order)):
            r1, r2 = n1.rule, n2.rule
            if not _same_rule(r1, r2):
                raise TraceError(
                    f"fn builds a different graph when its inputs or parameters change: node "
                    f"{i} is {n1.op or 'a leaf'!r} in one trace and {n2.op or 'a leaf'!r} in "
                    "another; its Python code depends on their values (through .data?), so "
                    "one graph can't serve every sample"
                )
            if r1 is not None:
                p1 = [first.position[p] for p in n1.parents]
                p2 = [check.position[p] for p in n2.parents]
                if p1 != p2:
                    raise TraceError(
                        f"fn builds a different graph when its inputs change: node {i} "
                        f"({n1.op!r}) reads other nodes in another trace"
                    )
                continue
            j1 = first.placeholder_rows.get(id(n1))
            j2 = check.placeholder_rows.get(id(n2))
            if j1 != j2 or (id(n1) in param_ids) != (id(n2) in param_ids):
                raise TraceError(
                    f"fn reads different inputs when its inputs change: leaf {i} is "
                    f"{describe(n1)} in one trace and {describe(n2)} in another"
                )
            if j1 is None and id(n1) not in param_ids and not _same_number(n1.data, n2.data):
                changed[i] = [n1.data]
    traces = [first, *checks]
    for i, data in changed.items():
        data.extend(check.order[i].data for check in checks)
    # Constants with the same values in every trace are one computed quantity.
    groups: dict[tuple, list[int]] = {}
    for i, data in changed.items():
        groups.setdefault(tuple(float(d).hex() for d in data), []).append(i)
    consumers: dict[int, list[int]] = {}
    for node in first.order:
        if node.rule is rules.sub:
            b = first.position[node.parents[1]]
            if b in changed:
                consumers.setdefault(b, []).append(first.position[node.parents[0]])
    shifts = []
    for members in groups.values():
        operands = sorted({a for m in members for a in consumers.get(m, [])})
        ok = bool(operands)
        for t, trace in enumerate(traces):
            if not ok:
                break
            largest = max(trace.order[a].data for a in operands)
            ok = _same_number(largest, changed[members[0]][t])
        if not ok:
            node = first.order[members[0]]
            user = next((n for n in first.order if node in n.parents), None)
            used = f" (used by {describe(user)})" if user is not None else ""
            raise TraceError(
                f"a constant {node.data!r}{used} was computed from the data of the inputs "
                "or parameters while tracing (through .data, max() or float()): a compiled "
                "graph would use that one number for every sample. Only the max shift of "
                "logsumexp/softmax (a constant equal to the largest value it is "
                "subtracted from) is recomputed per sample"
            )
        shifts.append((members, operands))
    return shifts


def _input_specs(fn: Callable[..., Any], example: Sequence[Any]) -> tuple[list[_Input], list]:
    try:
        sig = inspect.signature(fn).parameters.values()
        names = [p.name for p in sig if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        names = []
    specs, flat = [], []
    for i, arg in enumerate(example):
        name = names[i] if i < len(names) else f"arg{i}"
        if isinstance(arg, Value):
            raise TypeError(
                f"compile_batched(): example {name!r} is a Value; give numbers (the "
                "placeholders are made from them)"
            )
        if isinstance(arg, (list, tuple)) or (isinstance(arg, np.ndarray) and arg.ndim == 1):
            items = [_example_number(v, f"{name}[{j}]") for j, v in enumerate(arg)]
            if not items:
                raise ValueError(f"compile_batched(): example {name!r} is empty")
            specs.append(_Input(name, len(items), len(flat)))
            flat.extend(items)
        elif isinstance(arg, np.ndarray) and arg.ndim > 1:
            raise TypeError(
                f"compile_batched(): example {name!r} must be a number or a 1-D list, "
                f"got an array of shape {arg.shape} (give one sample, not the batch)"
            )
        else:
            specs.append(_Input(name, None, len(flat)))
            flat.append(_example_number(arg, name))
    return specs, flat


def _example_number(x: Any, where: str) -> float:
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"compile_batched(): example {where} must be a number, got {x!r}")
    return float(x)


def _param_list(params: Any) -> list[Value]:
    if hasattr(params, "parameters") and callable(params.parameters):
        params = params.parameters()
    if isinstance(params, Value):
        params = [params]
    out, seen = [], set()
    for i, p in enumerate(params):
        if not isinstance(p, Value):
            raise TypeError(f"compile_batched(): params[{i}] is {type(p).__name__}, not a Value")
        if p.rule is not None:
            raise ValueError(
                f"compile_batched(): params[{i}] ({describe(p)}) is not a leaf; parameters "
                "are the Values a graph starts from"
            )
        if id(p) not in seen:
            seen.add(id(p))
            out.append(p)
    return out


# --- the program ----------------------------------------------------------------------


class _Step:
    """Nodes of one depth made by one rule (or one max shift), run as one numpy call."""

    __slots__ = ("rule", "nodes", "out", "operands", "scatters", "checks", "overflow", "shift")

    def __init__(self) -> None:
        self.rule: Any = None
        self.nodes: list[Value] = []
        self.out: slice = slice(0, 0)
        self.operands: list[Any] = []  # row index (slice or array) of each parent
        self.scatters: list[tuple] = []  # how each parent's gradient rows are added into
        self.checks: list[tuple] = []  # domain checks made before the rule runs
        self.overflow = False  # check the results for overflow after it runs
        self.shift: Any = None  # for a max shift: the rows of the values it is the max of


def _index(rows: list[int]) -> Any:
    """Rows as a slice when they are evenly spaced (a view, no copy), else an array."""
    if len(rows) == 1:
        return slice(rows[0], rows[0] + 1)
    step = rows[1] - rows[0]
    if step > 0 and all(rows[k + 1] - rows[k] == step for k in range(len(rows) - 1)):
        return slice(rows[0], rows[-1] + 1, step)
    return np.array(rows, dtype=np.intp)


def _scatter(rows: list[int]) -> tuple:
    """How to add per-node gradient rows into ``rows``, which may repeat."""
    if len(set(rows)) == len(rows):
        return ("rows", _index(rows))
    if len(set(rows)) == 1:
        return ("one", rows[0])
    order = np.argsort(np.array(rows), kind="stable")
    sorted_rows = np.array(rows)[order]
    starts = np.flatnonzero(np.r_[True, sorted_rows[1:] != sorted_rows[:-1]])
    identity = bool((order == np.arange(len(rows))).all())
    return ("sum", sorted_rows[starts], None if identity else order, starts)


class BatchedGraph:
    """A traced graph that runs on a batch: ``g(*arrays, reduce="mean")``.

    ``inputs``: the input names (a vector input ``v`` is shown ``v[3]``);
    ``params``: the parameters, in the order of ``param_grads``.
    """

    def __init__(
        self,
        fn: Callable[..., Any],
        inputs: list[_Input],
        params: list[Value],
        trace: _Trace,
        shifts: list[tuple],
    ) -> None:
        self.fn_name = getattr(fn, "__name__", "fn")
        self._inputs = inputs
        self.params = params
        self.n_inputs = sum(1 if s.size is None else s.size for s in inputs)
        self._aux_list = trace.aux_list
        self._has_aux = bool(trace.aux) or trace.aux_list
        order = trace.order
        self.n_nodes = len(order)
        pos = trace.position
        param_index = {id(p): k for k, p in enumerate(params)}
        shift_of: dict[int, int] = {}
        for g, (members, _) in enumerate(shifts):
            for m in members:
                shift_of[m] = g

        # Depth of each node: leaves 0, a node one more than its deepest
        # parent, a max shift one more than the deepest value it reads.
        def deps(i: int) -> list[int]:
            node = order[i]
            if node.rule is not None:
                return [pos[p] for p in node.parents]
            if i in shift_of:
                return shifts[shift_of[i]][1]
            return []

        level: list[int] = [-1] * len(order)
        pending = list(range(len(order)))
        while pending:
            waiting = []
            for i in pending:
                ds = deps(i)
                if all(level[d] >= 0 for d in ds):
                    level[i] = 1 + max((level[d] for d in ds), default=-1)
                else:
                    waiting.append(i)
            if len(waiting) == len(pending):
                raise TraceError("a max shift depends on itself; the graph can't be ordered")
            pending = waiting

        # Rows: the inputs, the parameters, the constants, then each step's nodes.
        row: dict[int, int] = {}
        for i, node in enumerate(order):
            j = trace.placeholder_rows.get(id(node))
            if j is not None:
                row[i] = j
            elif id(node) in param_index:
                row[i] = self.n_inputs + param_index[id(node)]
        next_row = self.n_inputs + len(params)
        constants = []
        for i, node in enumerate(order):
            if node.rule is None and i not in row and i not in shift_of:
                row[i] = next_row
                next_row += 1
                constants.append(node.data)
        self._constants = np.array(constants, dtype=float)
        groups: dict[tuple, list[int]] = {}
        for i, node in enumerate(order):
            if i in shift_of:
                groups.setdefault((level[i], 0, shift_of[i], 0), []).append(i)
            elif node.rule is not None:
                key = (level[i], 1, id(node.rule), len(node.parents))
                groups.setdefault(key, []).append(i)
        self.steps: list[_Step] = []
        for key in sorted(groups, key=lambda k: (k[0], groups[k][0])):
            members = groups[key]
            step = _Step()
            step.out = slice(next_row, next_row + len(members))
            for i in members:
                row[i] = next_row
                next_row += 1
            step.nodes = [order[i] for i in members]
            if key[1] == 0:
                step.shift = _index([row[a] for a in shifts[key[2]][1]])
            else:
                step.rule = order[members[0]].rule
                for k in range(key[3]):
                    rows = [row[pos[order[i].parents[k]]] for i in members]
                    step.operands.append(_index(rows))
                    step.scatters.append(_scatter(rows))
                step.checks, step.overflow = _domain_checks(step.rule)
            self.steps.append(step)
        self.n_rows = next_row
        self._out_row = row[pos[trace.out]]
        self._aux_rows = [row[pos[a]] for a in trace.aux]
        self._buffers: tuple[int, np.ndarray, np.ndarray] | None = None

    @property
    def inputs(self) -> list[str]:
        """The scalar inputs' names, in row order."""
        return [label for spec in self._inputs for label in spec.labels()]

    def __repr__(self) -> str:
        shown = ", ".join(
            spec.name if spec.size is None else f"{spec.name}[{spec.size}]" for spec in self._inputs
        )
        return (
            f"BatchedGraph({self.fn_name}({shown}): {self.n_nodes} nodes in "
            f"{len(self.steps)} steps, {len(self.params)} parameters)"
        )

    # --- running it ------------------------------------------------------

    def forward(self, *arrays: Any) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
        """``fn``'s output for each sample (and the aux values, with ``has_aux``)."""
        batch, n = self._batch(arrays)
        values = np.empty(n)
        aux = np.empty((n, len(self._aux_rows))) if self._has_aux else None
        for lo, hi in self._chunks(n):
            V, _ = self._forward([a[lo:hi] for a in batch])
            values[lo:hi] = V[self._out_row]
            if aux is not None:
                aux[lo:hi] = V[self._aux_rows].T
        if aux is None:
            return values
        return values, aux if self._aux_list else aux[:, 0]

    def __call__(self, *arrays: Any, reduce: str) -> BatchResult:
        """Evaluate the batch and differentiate the sum or mean of the outputs.

        ``arrays``: one per input, batch along axis 0 (shape (n,) for a scalar
        input, (n, k) for a vector of k). ``reduce``: ``"sum"`` or ``"mean"``.
        Large batches run in chunks, so memory stays bounded.
        """
        if reduce not in ("sum", "mean"):
            raise ValueError(f"reduce must be 'sum' or 'mean', got {reduce!r}")
        batch, n = self._batch(arrays)
        seed = 1.0 if reduce == "sum" else 1.0 / n
        values = np.empty(n)
        aux = np.empty((n, len(self._aux_rows))) if self._has_aux else None
        inputs = np.empty((self.n_inputs, n))
        param_grads = np.zeros(len(self.params))
        p0, p1 = self.n_inputs, self.n_inputs + len(self.params)
        for lo, hi in self._chunks(n):
            V, saved = self._forward([a[lo:hi] for a in batch])
            G = self._backward(saved, seed, hi - lo)
            values[lo:hi] = V[self._out_row]
            if aux is not None:
                aux[lo:hi] = V[self._aux_rows].T
            inputs[:, lo:hi] = G[:p0]
            with np.errstate(all="ignore"):
                param_grads += G[p0:p1].sum(axis=1)
        with np.errstate(all="ignore"):  # inf and nan pass through, as in the scalar engine
            total = float(values.sum())
        grads = []
        for spec in self._inputs:
            if spec.size is None:
                grads.append(inputs[spec.start])
            else:
                grads.append(inputs[spec.start : spec.start + spec.size].T.copy())
        if aux is not None and not self._aux_list:
            aux = aux[:, 0]
        return BatchResult(
            value=total if reduce == "sum" else total / n,
            values=values,
            param_grads=param_grads,
            input_grads=tuple(grads),
            aux=aux,
        )

    def _chunks(self, n: int) -> list[tuple[int, int]]:
        size = max(1, _CHUNK_BYTES // (8 * self.n_rows))
        return [(lo, min(n, lo + size)) for lo in range(0, n, size)]

    def _batch(self, arrays: Sequence[Any]) -> tuple[list[np.ndarray], int]:
        if len(arrays) != len(self._inputs):
            names = ", ".join(spec.name for spec in self._inputs)
            raise TypeError(
                f"{self.fn_name} takes {len(self._inputs)} input array(s) ({names}), "
                f"got {len(arrays)}"
            )
        out: list[np.ndarray] = []
        n: int | None = None
        for i, (spec, a) in enumerate(zip(self._inputs, arrays)):
            try:
                arr = np.asarray(a, dtype=float)
            except (TypeError, ValueError):
                raise TypeError(
                    f"input {spec.name!r} (argument {i}) must be an array of numbers, "
                    f"got {type(a).__name__}"
                ) from None
            want = "(batch,)" if spec.size is None else f"(batch, {spec.size})"
            ndim = 1 if spec.size is None else 2
            if arr.ndim != ndim or (spec.size is not None and arr.shape[1] != spec.size):
                raise ValueError(
                    f"input {spec.name!r} (argument {i}) must have shape {want}, got {arr.shape}"
                )
            if n is None:
                n = len(arr)
            elif len(arr) != n:
                raise ValueError(
                    f"input {spec.name!r} has {len(arr)} samples but "
                    f"{self._inputs[0].name!r} has {n}: every input needs one row per sample"
                )
            out.append(arr)
        if n == 0:
            raise ValueError("the batch is empty")
        return out, 1 if n is None else n

    def _buffers_for(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Views of n columns into the value and gradient buffers (grown when needed)."""
        if self._buffers is None or self._buffers[0] < n:
            V = np.empty((self.n_rows, n))
            c0 = self.n_inputs + len(self.params)
            V[c0 : c0 + len(self._constants)] = self._constants[:, None]
            self._buffers = (n, V, np.empty((self.n_rows, n)))
        _, V, G = self._buffers
        return V[:, :n], G[:, :n]

    def _forward(self, batch: list[np.ndarray]) -> tuple[np.ndarray, list]:
        n = len(batch[0]) if batch else 1
        V, _ = self._buffers_for(n)
        for spec, arr in zip(self._inputs, batch):
            if spec.size is None:
                V[spec.start] = arr
            else:
                V[spec.start : spec.start + spec.size] = arr.T
        p0 = self.n_inputs
        if self.params:
            data = np.fromiter((p.data for p in self.params), float, len(self.params))
            V[p0 : p0 + len(self.params)] = data[:, None]
        saved: list = []
        with np.errstate(all="ignore"):
            for step in self.steps:
                if step.shift is not None:
                    V[step.out] = V[step.shift].max(axis=0)
                    saved.append(None)
                    continue
                args = [V[idx] for idx in step.operands]
                for k, bad, need, kind in step.checks:
                    failed = bad(*args)
                    if failed.any():
                        _raise_domain(step, args, k, failed, need, kind)
                out, *local = step.rule(NUMPY, *args)
                if step.overflow:
                    _check_overflow(step, args, out, local)
                V[step.out] = out
                saved.append(local)
        return V, saved

    def _backward(self, saved: list, seed: float, n: int) -> np.ndarray:
        """The engine's backward loop, a row of n samples per node; returns the gradients."""
        _, G = self._buffers_for(n)
        G.fill(0.0)
        G[self._out_row] = seed
        with np.errstate(all="ignore"):
            for step, local in zip(reversed(self.steps), reversed(saved)):
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
                    kind = scatter[0]
                    if kind == "rows":
                        G[scatter[1]] += c
                    elif kind == "one":
                        G[scatter[1]] += c.sum(axis=0)
                    else:
                        _, targets, perm, starts = scatter
                        G[targets] += np.add.reduceat(c if perm is None else c[perm], starts)
        return G


# --- domain errors, as the scalar engine reports them -----------------------------------


def _finite_inputs(args: list[np.ndarray]) -> np.ndarray:
    ok = np.isfinite(args[0])
    for a in args[1:]:
        ok = ok & np.isfinite(a)
    return ok


def _domain_checks(rule: Any) -> tuple[list[tuple], bool]:
    """The checks ``Value`` makes before running ``rule``: (operand, bad, need, error type)."""
    if rule is rules.div:
        return [(1, lambda a, b: b == 0.0, "a non-zero divisor", ZeroDivisionError)], False
    if rule is rules.log:
        return [(0, lambda a: ~(a > 0.0) & ~np.isnan(a), "x > 0", ValueError)], False
    if rule is rules.sqrt:
        return [
            (0, lambda a: a < 0.0, "x >= 0 (the result would be complex)", ValueError),
            (
                0,
                lambda a: a == 0.0,
                "x > 0 (its derivative 1/(2*sqrt(x)) is infinite at x = 0)",
                ValueError,
            ),
        ], False
    if rule is rules.exp:
        need = "exp(x) is finite only for x <= 709.78"
        return [(0, lambda a: a > 709.782712893384, need, OverflowError)], False
    if rule is rules.sin or rule is rules.cos:
        return [(0, np.isinf, "a finite number", ValueError)], False
    if rule is rules.pow:
        need = (
            "base > 0 when the exponent is a Value (d/dy x**y = x**y * ln x); "
            "use a plain number as the exponent if it needs no gradient"
        )
        return [(0, lambda a, b: ~(a > 0.0), need, ValueError)], True
    n = getattr(rule, "exponent", None)
    if n is None:
        return [], False
    n = float(n)
    checks = []
    if not n.is_integer():
        need = "x >= 0 for a non-integer power (the result would be complex)"
        checks.append((0, lambda a: a < 0.0, need, ValueError))
    if n < 0.0:
        checks.append((0, lambda a: a == 0.0, "x != 0 for a negative power", ZeroDivisionError))
    if 0.0 < n < 1.0:
        need = f"x > 0 (its derivative {n}*x**({n - 1}) is infinite at x = 0)"
        checks.append((0, lambda a: a == 0.0, need, ValueError))
    return checks, True


def _check_overflow(step: _Step, args: list[np.ndarray], out: Any, local: list) -> None:
    bad = ~np.isfinite(out)
    for d in local:
        if not isinstance(d, float):
            bad = bad | ~np.isfinite(d)
    bad = bad & _finite_inputs(args)
    if bad.any():
        _raise_domain(step, args, 0, bad, "", OverflowError)


def _raise_domain(
    step: _Step, args: list[np.ndarray], k: int, failed: np.ndarray, need: str, kind: type
) -> None:
    failed = np.broadcast_to(failed, (len(step.nodes), failed.shape[-1]))
    nodes, samples = np.nonzero(failed)
    first = int(np.argmin(samples))
    i, s = int(nodes[first]), int(samples[first])
    node = step.nodes[i]
    parent = node.parents[k]
    operand_data = float(np.broadcast_to(args[k], failed.shape)[i, s])
    operand = SimpleNamespace(label=parent.label, op=parent.op, data=operand_data)
    op = node.op
    if kind is OverflowError:
        error: Exception = overflow_error(op, operand, need)
    else:
        error = domain_error(op, operand, need, kind)
    where = f" in sample {s} of the batch"
    if node.label:
        where += f", computing node {node.label!r}"
    raise kind(f"{error}{where}") from None


__all__ = ["BatchResult", "BatchedGraph", "TraceError", "compile_batched"]
