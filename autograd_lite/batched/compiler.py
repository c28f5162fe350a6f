"""``compile_batched``: trace a scalar function once, run its graph on a whole batch.

The four stages are the other modules of this folder (``trace``,
``program``, ``lowering``, ``run``); this module joins them and holds what
the caller gets back, ``BatchedGraph`` and ``BatchResult``. The folder's
``__init__`` tells the whole story.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..engine.value import Value
from ..errors import describe
from . import lowering, run
from .leaf_buffers import LeafBuffers
from .program import Program
from .run_plan import ForwardPlan, GradientPlan
from .trace import Input, Trace, TraceError, trace

_CHUNK_BYTES = 32 * 2**20  # a batch runs in chunks of about this many bytes of node values


@dataclass
class BatchResult:
    """What a ``BatchedGraph`` call returns.

    ``value``: the reduced output (sum or mean over the batch), the number
    that was differentiated. ``values``: ``fn``'s output for each sample.
    ``param_grads``: d value / d p for each of the graph's ``params``.
    ``input_grads``: d value / d input, per sample, one array per input,
    shaped like the input arrays (None when the call asked for none).
    ``aux``: the per-sample values of the aux outputs (``has_aux=True``),
    shape (batch,) or (batch, k); else None.
    """

    value: float
    values: np.ndarray
    param_grads: np.ndarray
    input_grads: tuple[np.ndarray, ...] | None
    aux: np.ndarray | None = None


def compile_batched(
    fn: Callable[..., Any],
    *example: Any,
    params: Iterable[Value] | Any = None,
    has_aux: bool = False,
    lower: bool = True,
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
    ``lower``: run each layer's sums of products as one matrix product
    (``lowering.py``); ``lower=False`` runs the plain program, a
    numpy call per group of same-op nodes.

    >>> from autograd_lite import Value
    >>> w = Value(3.0, label="w")
    >>> f = compile_batched(lambda x: (w * x).tanh(), 0.5)
    >>> [p.label for p in f.params]
    ['w']
    """
    traced = trace(fn, example, params, has_aux)
    return BatchedGraph(fn, traced.inputs, traced.params, traced.first, lower=lower)


class BatchedGraph:
    """A traced graph that runs on a batch: ``g(*arrays, reduce="mean")``.

    ``inputs``: the input names (a vector input ``v`` is shown ``v[3]``);
    ``params``: the parameters, in the order of ``param_grads``;
    ``program``: the steps it runs (``print(g.program)``), lowered unless
    compiled with ``lower=False``; ``plain_program``: the program before
    lowering, a step per group of same-op nodes.
    """

    def __init__(
        self,
        fn: Callable[..., Any],
        inputs: list[Input],
        params: list[Value],
        trace: Trace,
        lower: bool = True,
    ) -> None:
        self.fn_name = getattr(fn, "__name__", "fn")
        self._inputs = inputs
        self.params = params
        self.plain_program = Program.from_trace(trace, inputs, params)
        self.program = lowering.lower(self.plain_program) if lower else self.plain_program
        sizes = [1 if spec.size is None else spec.size for spec in inputs]
        self._forward_plan = ForwardPlan(self.program, sizes)
        self._gradient_plans = {True: GradientPlan(self.program)}
        self._leaves = LeafBuffers(self.program)
        self._constants_finite = bool(np.isfinite(self.program.constants).all())
        self.n_inputs = self.program.n_inputs
        self.n_nodes = self.program.n_nodes
        self._aux_list = trace.aux_list
        self._has_aux = bool(trace.aux) or trace.aux_list
        self._buffers: tuple[int, np.ndarray, np.ndarray] | None = None

    @property
    def inputs(self) -> list[str]:
        """The scalar inputs' names, in row order."""
        return [label for spec in self._inputs for label in spec.labels()]

    @property
    def steps(self) -> list:
        """The program's steps (``program.steps``)."""
        return self.program.steps

    def __repr__(self) -> str:
        shown = ", ".join(
            spec.name if spec.size is None else f"{spec.name}[{spec.size}]" for spec in self._inputs
        )
        return (
            f"BatchedGraph({self.fn_name}({shown}): {self.n_nodes} nodes in "
            f"{len(self.program.steps)} steps, {len(self.params)} parameters)"
        )

    # --- running it ------------------------------------------------------

    def forward(
        self, *arrays: Any, param_values: np.ndarray | None = None
    ) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
        """``fn``'s output for each sample (and the aux values, with ``has_aux``).

        ``param_values``: as for a call.
        """
        with np.errstate(all="ignore"):  # a sum that overflows only means: look closer
            batch, n = self._batch(arrays)
            data = self._param_values(param_values)
            finite = self._load(data)
        values = np.empty(n)
        aux = np.empty((n, len(self.program.aux_rows))) if self._has_aux else None
        for lo, hi in self._chunks(n):
            V, _ = self._buffers_for(hi - lo)
            self._forward(batch if hi - lo == n else [a[lo:hi] for a in batch], V, data, finite)
            values[lo:hi] = V[self.program.out_row]
            if aux is not None:
                aux[lo:hi] = V[self.program.aux_rows].T
        if aux is None:
            return values
        return values, aux if self._aux_list else aux[:, 0]

    def __call__(
        self,
        *arrays: Any,
        reduce: str,
        param_values: np.ndarray | None = None,
        input_grads: bool = True,
    ) -> BatchResult:
        """Evaluate the batch and differentiate the sum or mean of the outputs.

        ``arrays``: one per input, batch along axis 0 (shape (n,) for a scalar
        input, (n, k) for a vector of k). ``reduce``: ``"sum"`` or ``"mean"``.
        ``param_values``: the parameters' values as an array, in the order of
        ``params``, when the caller has them at hand (several graphs over the
        same parameters, an optimizer that works on arrays); by default each
        parameter's ``data`` is read. ``input_grads=False``: a training step
        that needs only the parameters' gradients skips the inputs' (the
        result's ``input_grads`` is then None). Large batches run in chunks,
        so memory stays bounded.
        """
        if reduce not in ("sum", "mean"):
            raise ValueError(f"reduce must be 'sum' or 'mean', got {reduce!r}")
        with np.errstate(all="ignore"):  # inf and nan pass through, as in the scalar engine
            batch, n = self._batch(arrays)
            data = self._param_values(param_values)
            finite = self._load(data)
            seed = 1.0 if reduce == "sum" else 1.0 / n
            values, aux, inputs, param_grads = self._run(batch, n, data, finite, seed, input_grads)
            total = float(values.sum())
            self._refuse_overflow(values, total, finite, param_grads, inputs)
        if aux is not None and not self._aux_list:
            aux = aux[:, 0]
        return BatchResult(
            value=total if reduce == "sum" else total / n,
            values=values,
            param_grads=param_grads,
            input_grads=None if inputs is None else self._per_input(inputs),
            aux=aux,
        )

    def _per_input(self, rows: np.ndarray) -> tuple[np.ndarray, ...]:
        """The inputs' gradient rows as one array per input, shaped like the inputs."""
        return tuple(
            rows[spec.start]
            if spec.size is None
            else rows[spec.start : spec.start + spec.size].T.copy()
            for spec in self._inputs
        )

    def _run(
        self, batch: list[np.ndarray], n: int, data: np.ndarray, finite: bool, seed: float,
        input_grads: bool,
    ) -> tuple:  # fmt: skip
        """Forward and backward over the batch, a chunk at a time: the outputs, the aux
        values, the inputs' gradients (rows; None unless asked) and the parameters'."""
        program = self.program
        plan = self._gradient_plan(input_grads)
        values = np.empty(n)
        aux = np.empty((n, len(program.aux_rows))) if self._has_aux else None
        inputs = np.empty((self.n_inputs, n)) if input_grads else None
        p0, p1 = self.n_inputs, self.n_inputs + len(program.row_params)
        row_grads = np.zeros(p1 - p0)
        for lo, hi in self._chunks(n):
            V, G = self._buffers_for(hi - lo)
            saved = self._forward(
                batch if hi - lo == n else [a[lo:hi] for a in batch], V, data, finite
            )
            run.backward(program, saved, G, seed, self._leaves, plan)
            values[lo:hi] = V[program.out_row]
            if aux is not None:
                aux[lo:hi] = V[program.aux_rows].T
            if inputs is not None:
                inputs[:, lo:hi] = G[:p0]
            if p1 > p0:
                row_grads += G[p0:p1].sum(axis=1)
        param_grads = self._leaves.grads[: program.n_params].copy()
        if p1 > p0:
            param_grads[program.row_params] += row_grads
        return values, aux, inputs, param_grads

    def _gradient_plan(self, input_grads: bool) -> GradientPlan:
        plan = self._gradient_plans.get(input_grads)
        if plan is None:
            plan = self._gradient_plans[input_grads] = GradientPlan(self.program, input_grads)
        return plan

    def _load(self, data: np.ndarray) -> bool:
        """Put the parameters' values in the leaf buffers; return whether every leaf is
        finite (the inputs are: they are refused otherwise)."""
        self._leaves.load(data)
        return self._constants_finite and run.surely_finite(data)

    def _refuse_overflow(
        self, values: np.ndarray, total: float, finite: bool, param_grads: np.ndarray,
        input_grads: np.ndarray | None,
    ) -> None:  # fmt: skip
        """The scalar engine's rule: finite numbers must not give an inf or nan total or
        gradient (a nan or inf that came in through a parameter's data flows on).
        ``finite``: every parameter is finite. Each check is a sum first, as cheap
        as a pass can be; a sum that is not finite is looked at closer."""
        if not finite:
            if not np.isfinite(self._leaves.values[: len(self.params)]).all():
                return
        if not math.isfinite(total):
            if np.isfinite(values).all():
                raise OverflowError(
                    f"{self.fn_name}: the sum of its {len(values)} outputs is too large for a "
                    "float, though each output is finite; use reduce='mean' or rescale"
                )
            return
        if not run.surely_finite(param_grads):
            bad = np.flatnonzero(~np.isfinite(param_grads))
            if len(bad):
                raise OverflowError(
                    f"{self.fn_name}: the gradient of parameter {describe(self.params[bad[0]])} "
                    f"is {float(param_grads[bad[0]])!r}, though every number is finite: the "
                    "chain rule's product or the sum over the batch overflowed; rescale the "
                    "inputs or parameters"
                )
        if input_grads is not None and not run.surely_finite(input_grads):
            rows, samples = np.nonzero(~np.isfinite(input_grads))
            if len(rows):
                raise OverflowError(
                    f"{self.fn_name}: the gradient of input {self.inputs[rows[0]]!r} in sample "
                    f"{samples[0]} is {float(input_grads[rows[0], samples[0]])!r}, though every "
                    "number is finite: the chain rule's product overflowed; rescale the inputs "
                    "or parameters"
                )

    def _chunks(self, n: int) -> list[tuple[int, int]]:
        size = max(1, _CHUNK_BYTES // (8 * self.program.n_rows))
        if n <= size:
            return [(0, n)]
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
            arr = _input_array(i, spec, a)
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
            program = self.program
            V = np.empty((program.n_rows, n))
            c0 = self.n_inputs + len(program.row_params)
            V[c0 : program.leaf_rows] = program.constants[program.row_constants, None]
            self._buffers = (n, V, np.empty((program.n_rows, n)))
        width, V, G = self._buffers
        return (V, G) if width == n else (V[:, :n], G[:, :n])

    def _param_values(self, given: np.ndarray | None) -> np.ndarray:
        n = len(self.params)
        if given is None:
            return np.fromiter((p.data for p in self.params), float, n)
        data = np.asarray(given, dtype=float)
        if data.shape != (n,):
            raise ValueError(
                f"param_values must have shape ({n},), one value per parameter, got {data.shape}"
            )
        return data

    def _forward(
        self, batch: list[np.ndarray], V: np.ndarray, data: np.ndarray, finite: bool
    ) -> list:
        """Run the steps on a chunk: its inputs as rows (in ``V`` too where the plan says
        so), the parameters read as rows in ``V`` (a chunk's columns of the value buffer)."""
        plan = self._forward_plan
        blocks = []
        for k, (spec, arr) in enumerate(zip(self._inputs, batch)):
            block = arr[None, :] if spec.size is None else arr.T
            blocks.append(block)
            if plan.to_table[len(self.program.steps) + k]:
                V[spec.start : spec.start + len(block)] = block
        program = self.program
        if len(program.row_params):
            p0 = self.n_inputs
            V[p0 : p0 + len(program.row_params)] = data[program.row_params, None]
        return run.forward(program, V, self._leaves, plan, finite, blocks)


_FLOAT = np.dtype(float)


def _input_array(i: int, spec: Input, a: Any) -> np.ndarray:
    """Argument i as an array of floats of the input's shape, its numbers all finite."""
    if type(a) is np.ndarray and a.dtype is _FLOAT:
        arr = a  # already what it must be: no conversion to try
    else:
        if np.iscomplexobj(a):
            raise TypeError(
                f"input {spec.name!r} (argument {i}) holds complex numbers: a Value is a "
                "real number (take .real, or abs(), if that is what you mean)"
            )
        try:
            arr = np.asarray(a, dtype=float)
        except (TypeError, ValueError):
            raise TypeError(
                f"input {spec.name!r} (argument {i}) must be an array of numbers, "
                f"got {type(a).__name__}"
            ) from None
    _refuse_non_finite(spec, arr)
    if arr.ndim != (1 if spec.size is None else 2) or (
        spec.size is not None and arr.shape[1] != spec.size
    ):
        want = "(batch,)" if spec.size is None else f"(batch, {spec.size})"
        raise ValueError(
            f"input {spec.name!r} (argument {i}) must have shape {want}, got {arr.shape}"
        )
    return arr


def _refuse_non_finite(spec: Input, arr: np.ndarray) -> None:
    """An input sample that is nan or inf is refused, as ``Value(nan)`` is."""
    if run.surely_finite(arr):
        return
    bad = ~np.isfinite(arr)
    if not bad.any():
        return
    where = np.argwhere(bad)[0]
    sample = int(where[0])
    name = spec.name if spec.size is None else f"{spec.name}[{int(where[1])}]"
    raise ValueError(
        f"input {name!r} in sample {sample} is {float(arr[tuple(where)])!r}: every input must be a "
        "finite number, as a Value's data must"
    )


__all__ = ["BatchResult", "BatchedGraph", "TraceError", "compile_batched"]
