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
from .program import Program
from .trace import Input, Trace, TraceError, trace

_CHUNK_BYTES = 32 * 2**20  # a batch runs in chunks of about this many bytes of node values


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
        self._plan = run.GradientPlan(self.program)
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
        batch, n = self._batch(arrays)
        data = self._param_values(param_values)
        values = np.empty(n)
        aux = np.empty((n, len(self.program.aux_rows))) if self._has_aux else None
        for lo, hi in self._chunks(n):
            V, _ = self._forward([a[lo:hi] for a in batch], data)
            values[lo:hi] = V[self.program.out_row]
            if aux is not None:
                aux[lo:hi] = V[self.program.aux_rows].T
        if aux is None:
            return values
        return values, aux if self._aux_list else aux[:, 0]

    def __call__(
        self, *arrays: Any, reduce: str, param_values: np.ndarray | None = None
    ) -> BatchResult:
        """Evaluate the batch and differentiate the sum or mean of the outputs.

        ``arrays``: one per input, batch along axis 0 (shape (n,) for a scalar
        input, (n, k) for a vector of k). ``reduce``: ``"sum"`` or ``"mean"``.
        ``param_values``: the parameters' values as an array, in the order of
        ``params``, when the caller has them at hand (several graphs over the
        same parameters, an optimizer that works on arrays); by default each
        parameter's ``data`` is read. Large batches run in chunks, so memory
        stays bounded.
        """
        if reduce not in ("sum", "mean"):
            raise ValueError(f"reduce must be 'sum' or 'mean', got {reduce!r}")
        batch, n = self._batch(arrays)
        data = self._param_values(param_values)
        seed = 1.0 if reduce == "sum" else 1.0 / n
        values = np.empty(n)
        aux = np.empty((n, len(self.program.aux_rows))) if self._has_aux else None
        inputs = np.empty((self.n_inputs, n))
        program = self.program
        leaf_grads = np.zeros(program.n_params + len(program.constants) + 1)
        row_grads = np.zeros(len(program.row_params))
        p0, p1 = self.n_inputs, self.n_inputs + len(program.row_params)
        with np.errstate(all="ignore"):  # inf and nan pass through, as in the scalar engine
            for lo, hi in self._chunks(n):
                V, saved = self._forward([a[lo:hi] for a in batch], data)
                G = self._backward(saved, seed, hi - lo, leaf_grads)
                values[lo:hi] = V[program.out_row]
                if aux is not None:
                    aux[lo:hi] = V[program.aux_rows].T
                inputs[:, lo:hi] = G[:p0]
                if p1 > p0:
                    row_grads += G[p0:p1].sum(axis=1)
            param_grads = leaf_grads[: program.n_params]
            if p1 > p0:
                param_grads[program.row_params] += row_grads
            total = float(values.sum())
        self._refuse_overflow(values, total, data, param_grads, inputs)
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

    def _refuse_overflow(
        self, values: np.ndarray, total: float, data: np.ndarray, param_grads: np.ndarray,
        input_grads: np.ndarray,
    ) -> None:  # fmt: skip
        """The scalar engine's rule: finite numbers must not give an inf or nan total or
        gradient (a nan or inf that came in through a parameter's data flows on)."""
        if not (np.isfinite(values).all() and np.isfinite(data).all()):
            return
        if not math.isfinite(total):
            raise OverflowError(
                f"{self.fn_name}: the sum of its {len(values)} outputs is too large for a "
                "float, though each output is finite; use reduce='mean' or rescale"
            )
        bad = np.flatnonzero(~np.isfinite(param_grads))
        if len(bad):
            raise OverflowError(
                f"{self.fn_name}: the gradient of parameter {describe(self.params[bad[0]])} is "
                f"{float(param_grads[bad[0]])!r}, though every number is finite: the chain rule's "
                "product or the sum over the batch overflowed; rescale the inputs or parameters"
            )
        rows, samples = np.nonzero(~np.isfinite(input_grads))
        if len(rows):
            raise OverflowError(
                f"{self.fn_name}: the gradient of input {self.inputs[rows[0]]!r} in sample "
                f"{samples[0]} is {float(input_grads[rows[0], samples[0]])!r}, though every "
                "number is finite: the chain rule's product overflowed; rescale the inputs or "
                "parameters"
            )

    def _chunks(self, n: int) -> list[tuple[int, int]]:
        size = max(1, _CHUNK_BYTES // (8 * self.program.n_rows))
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
            program = self.program
            V = np.empty((program.n_rows, n))
            c0 = self.n_inputs + len(program.row_params)
            V[c0 : program.leaf_rows] = program.constants[program.row_constants, None]
            self._buffers = (n, V, np.empty((program.n_rows, n)))
        _, V, G = self._buffers
        return V[:, :n], G[:, :n]

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

    def _forward(self, batch: list[np.ndarray], data: np.ndarray) -> tuple[np.ndarray, list]:
        n = len(batch[0]) if batch else 1
        V, _ = self._buffers_for(n)
        for spec, arr in zip(self._inputs, batch):
            if spec.size is None:
                V[spec.start] = arr
            else:
                V[spec.start : spec.start + spec.size] = arr.T
        program = self.program
        p0 = self.n_inputs
        V[p0 : p0 + len(program.row_params)] = data[program.row_params, None]
        return V, run.forward(program, V, program.leaf_values(data))

    def _backward(self, saved: list, seed: float, n: int, leaf_grads: np.ndarray) -> np.ndarray:
        _, G = self._buffers_for(n)
        return run.backward(self.program, saved, G, seed, leaf_grads, self._plan)


def _refuse_non_finite(spec: Input, arr: np.ndarray) -> None:
    """An input sample that is nan or inf is refused, as ``Value(nan)`` is."""
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
