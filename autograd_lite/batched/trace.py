"""Tracing for ``compile_batched``: run ``fn`` on placeholders, keep its graph, refuse the rest.

``trace(fn, example, params, has_aux)`` calls ``fn`` once on placeholder
Values holding the example's numbers and keeps the graph it builds. To make
sure that one graph serves every sample, it refuses

* Python code that branches on a Value that varies by sample or by training
  step: a comparison or ``float()`` on it while tracing (a data-read hook in
  ``value.py``);
* a graph that changes shape, or constants that change value, when ``fn``
  runs again with the inputs and parameters moved (scaled, negated,
  scrambled): that is code reading ``.data``.

The one data-derived constant allowed is a max shift (``stable_softmax.py``
marks it when it makes it): it is recomputed per sample.

>>> from autograd_lite import Value
>>> t = trace(lambda x, y: x * y + 2.0, (1.0, 2.0), None, False)
>>> [n.op or n.label or "const" for n in t.first.order]
['x', 'y', '*', 'const', '+']
"""

from __future__ import annotations

import inspect
import math
import numbers
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..engine import backprop, grad_mode, stable_softmax
from ..engine import value as value_module
from ..engine.value import Value
from ..errors import describe

_TRACING = threading.Lock()  # one trace at a time: the hooks are process-wide
_this_thread = threading.local()  # .tracing: this thread is inside compile_batched


class TraceError(ValueError):
    """``fn`` builds a graph that can't be reused for every sample of a batch."""


@dataclass(frozen=True)
class Input:
    """One argument of ``fn``: a scalar (``size`` None) or a vector of ``size`` scalars."""

    name: str
    size: int | None
    start: int  # its first row (flat position among the scalar inputs)

    def labels(self) -> list[str]:
        if self.size is None:
            return [self.name]
        return [f"{self.name}[{j}]" for j in range(self.size)]


class Trace:
    """One call of ``fn`` on placeholders: its nodes in topological order, and its max shifts."""

    def __init__(
        self,
        placeholders: list[Value],
        out: Value,
        aux: list[Value],
        aux_list: bool,
        shifts: list[tuple[Value, list[Value]]],
    ) -> None:
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
        # A shift this graph uses: (its position, the positions of the values it is the max of).
        self.shifts = [
            (self.position[s], [self.position[v] for v in vs])
            for s, vs in shifts
            if s in self.position and all(v in self.position for v in vs)
        ]


@dataclass
class Traced:
    """What ``trace`` found: the graph at the example, its inputs and parameters."""

    first: Trace
    inputs: list[Input]
    params: list[Value]


def trace(
    fn: Callable[..., Any],
    example: Sequence[Any],
    params: Iterable[Value] | Any,
    has_aux: bool,
) -> Traced:
    """Trace ``fn`` at ``example`` and check that its graph does not depend on the data."""
    if not callable(fn):
        raise TypeError(f"compile_batched() takes a function, got {type(fn).__name__}")
    if not grad_mode.is_recording():
        raise TraceError("compile_batched() can't trace inside no_grad(): no graph is recorded")
    if getattr(_this_thread, "tracing", False):
        raise TraceError("compile_batched() can't be called by a function it is tracing")
    inputs, flat_example = input_specs(fn, example)
    explicit = None if params is None else param_list(params)
    with _TRACING:
        _this_thread.tracing = True
        try:
            first, checks, candidates = _traces(fn, inputs, flat_example, explicit, has_aux)
        finally:
            _this_thread.tracing = False
    if explicit is None:
        chosen = {id(p) for p in candidates}
        for check in checks:
            chosen &= {id(n) for n in check.order if n.operation is None}
        explicit = [p for p in candidates if id(p) in chosen]
    _compare(first, checks, explicit)
    if params is not None:  # given by the caller, not chosen from the graph
        check_reached(explicit, first)
    return Traced(first, inputs, explicit)


def _traces(
    fn: Callable[..., Any],
    inputs: list[Input],
    flat_example: list[float],
    explicit: list[Value] | None,
    has_aux: bool,
) -> tuple[Trace, list[Trace], list[Value]]:
    """The trace at the example, the check traces, and the leaves taken for parameters."""
    first = _trace_once(fn, inputs, flat_example, explicit, has_aux)
    if explicit is None:
        candidates = [n for n in first.order if n.operation is None and n.label is not None]
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
                checks.append(_trace_once(fn, inputs, moved, explicit, has_aux))
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


def _trace_once(
    fn: Callable[..., Any],
    inputs: list[Input],
    flat: list[float],
    explicit: list[Value] | None,
    has_aux: bool,
) -> Trace:
    placeholders = []
    args: list[Any] = []
    for spec in inputs:
        these = [Value(flat[spec.start + j], label=label) for j, label in enumerate(spec.labels())]
        placeholders.extend(these)
        args.append(these[0] if spec.size is None else these)
    shifts: list[tuple[Value, list[Value]]] = []
    value_module.data_read_hook = _refusal_hook(placeholders, explicit)
    stable_softmax.shift_listener = lambda shift, vs: shifts.append((shift, list(vs)))
    try:
        result = fn(*args)
    finally:
        value_module.data_read_hook = None
        stable_softmax.shift_listener = None
    out, aux, aux_list = _outputs(result, has_aux)
    return Trace(placeholders, out, aux, aux_list, shifts)


def _refusal_hook(placeholders: list[Value], explicit: list[Value] | None) -> Callable:
    """The data-read hook: refuse a comparison or float() on data that varies."""
    varying_inputs = {id(p) for p in placeholders}
    varying = varying_inputs | ({id(p) for p in explicit} if explicit is not None else set())
    thread = threading.get_ident()

    def is_varying(leaf: Value) -> bool:
        return id(leaf) in varying or (explicit is None and leaf.label is not None)

    def refuse_data_reads(v: Any, other: Any, how: str) -> None:  # how: "<", ">=", ...
        if threading.get_ident() != thread:
            return
        for x in (v, other):
            if not isinstance(x, Value):
                continue
            source = next(
                (
                    n
                    for n in backprop.topological_order(x)
                    if n.operation is None and is_varying(n)
                ),
                None,
            )
            if source is not None:
                what = f"a comparison ({how})"
                kind = "an input" if id(source) in varying_inputs else "a parameter"
                via = "" if source is x else f" (it depends on {describe(source)})"
                raise TraceError(
                    f"{what} on {describe(x)} while tracing{via}: {kind} differs from sample "
                    "to sample or from step to step, so Python code that branches on it (if, "
                    "max, min, sorted, float) can't become one graph for the whole batch; "
                    "express the choice with the graph's own operations (relu, step, abs, ...)"
                )

    return refuse_data_reads


def _outputs(result: Any, has_aux: bool) -> tuple[Value, list[Value], bool]:
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
    return result, aux, aux_list


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


# --- comparing the traces -------------------------------------------------------------


def _compare(first: Trace, checks: list[Trace], params: list[Value]) -> None:
    """Refuse unless every check trace built the same graph with the same constants."""
    param_ids = {id(p) for p in params}
    shift_positions = {pos for pos, _ in first.shifts}
    for check in checks:
        _same_shape(first, check)
        if [pos for pos, _ in check.shifts] != [pos for pos, _ in first.shifts]:
            raise TraceError("fn takes max shifts of different values when its inputs change")
        for i, (n1, n2) in enumerate(zip(first.order, check.order)):
            if n1.operation is not None:
                continue
            j1 = first.placeholder_rows.get(id(n1))
            j2 = check.placeholder_rows.get(id(n2))
            if j1 != j2 or (id(n1) in param_ids) != (id(n2) in param_ids):
                raise TraceError(
                    f"fn reads different inputs when its inputs change: leaf {i} is "
                    f"{describe(n1)} in one trace and {describe(n2)} in another"
                )
            if j1 is None and id(n1) not in param_ids and i not in shift_positions:
                if not _same_number(n1.data, n2.data):
                    _refuse_data_constant(first, n1)


def _same_shape(first: Trace, check: Trace) -> None:
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
        op1, op2 = n1.operation, n2.operation
        same = op1 is op2 if op1 is None or op2 is None else op1.same_as(op2)
        if not same:
            raise TraceError(
                f"fn builds a different graph when its inputs or parameters change: node "
                f"{i} is {n1.op or 'a leaf'!r} in one trace and {n2.op or 'a leaf'!r} in "
                "another; its Python code depends on their values (through .data?), so "
                "one graph can't serve every sample"
            )
        if op1 is not None:
            p1 = [first.position[p] for p in n1.parents]
            p2 = [check.position[p] for p in n2.parents]
            if p1 != p2:
                raise TraceError(
                    f"fn builds a different graph when its inputs change: node {i} "
                    f"({n1.op!r}) reads other nodes in another trace"
                )


def _refuse_data_constant(first: Trace, node: Value) -> None:
    user = next((n for n in first.order if node in n.parents), None)
    used = f" (used by {describe(user)})" if user is not None else ""
    raise TraceError(
        f"a constant {node.data!r}{used} was computed from the data of the inputs "
        "or parameters while tracing (through .data, max() or float()): a compiled "
        "graph would use that one number for every sample. Only the max shift of "
        "logsumexp/softmax/log_softmax is recomputed per sample"
    )


def _same_number(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


# --- inputs and parameters --------------------------------------------------------------


def input_specs(fn: Callable[..., Any], example: Sequence[Any]) -> tuple[list[Input], list]:
    """One ``Input`` per example argument, and the example's numbers, flat."""
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
            specs.append(Input(name, len(items), len(flat)))
            flat.extend(items)
        elif isinstance(arg, np.ndarray) and arg.ndim > 1:
            raise TypeError(
                f"compile_batched(): example {name!r} must be a number or a 1-D list, "
                f"got an array of shape {arg.shape} (give one sample, not the batch)"
            )
        else:
            specs.append(Input(name, None, len(flat)))
            flat.append(_example_number(arg, name))
    return specs, flat


def _example_number(x: Any, where: str) -> float:
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"compile_batched(): example {where} must be a number, got {x!r}")
    return float(x)


def param_list(params: Any) -> list[Value]:
    """The parameters given (Values, or a Module), as a list without repeats."""
    if hasattr(params, "parameters") and callable(params.parameters):
        params = params.parameters()
    if isinstance(params, Value):
        params = [params]
    out: list[Value] = []
    first_at: dict[int, int] = {}
    for i, p in enumerate(params):
        if not isinstance(p, Value):
            raise TypeError(f"compile_batched(): params[{i}] is {type(p).__name__}, not a Value")
        if p.operation is not None:
            raise ValueError(
                f"compile_batched(): params[{i}] ({describe(p)}) is not a leaf; parameters "
                "are the Values a graph starts from"
            )
        if id(p) in first_at:
            raise ValueError(
                f"compile_batched(): params[{i}] is params[{first_at[id(p)]}] again "
                f"({describe(p)}); list each parameter once, so that param_grads[k] is the "
                "gradient of params[k]"
            )
        first_at[id(p)] = i
        out.append(p)
    return out


def check_reached(params: list[Value], first: Trace) -> None:
    """Refuse a parameter given explicitly that the traced graph never reads."""
    for i, p in enumerate(params):
        if p not in first.position:
            raise ValueError(
                f"compile_batched(): params[{i}] ({describe(p)}) is not used by fn's graph, "
                "so its gradient would always be 0; leave it out of params"
            )


__all__ = ["Input", "Trace", "TraceError", "Traced", "input_specs", "param_list", "trace"]
