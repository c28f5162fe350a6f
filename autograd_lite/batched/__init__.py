"""Batched evaluation: trace a scalar function once, then run its graph on a whole batch.

``compile_batched(fn, *example)`` works in four steps, each a module:

1. **trace** (``trace.py``): call ``fn`` on placeholder Values (one
   per scalar input, holding the example's numbers), keep the graph it
   builds, and refuse what could not serve every sample;
2. **program** (``program.py``): lay the graph out as a list of
   steps over rows of a table, one row per node, one column per sample;
   nodes of the same depth made by the same op form one step;
3. **lower** (``lowering.py``): find the sums of products that
   layers leave (Σⱼ wᵢⱼ·xⱼ + bᵢ over the same rows x) and make each group
   one matrix product, W @ X + b; ``print(graph.program)`` shows the
   result, ``graph.plain_program`` the program before;
4. **run** (``run.py``): each step runs its op's own rule on numpy
   arrays (the ``NUMPY`` backend), so the values and local derivatives are
   the engine's, and the backward pass is the engine's loop with a row of
   numbers per node instead of one number (a matrix product's is the
   transposed products). What can be worked out once is
   (``run_plan.py``): which array each step reads (the previous step's
   result as it is, or the caller's input array: no copies into a table),
   and which gradient rows are written, added into, or never needed; the
   parameters' values and gradients stay in one pair of arrays, each
   layer's W and b views into them (``leaf_buffers.py``).

* Parameters (the model's Values) are read at call time, so training updates
  are seen without tracing again; other leaves ``fn`` builds or reads are
  constants, broadcast to every sample.
* The caller says how the per-sample outputs become the one number that is
  differentiated: ``reduce="sum"`` or ``reduce="mean"``.
* What cannot be batched is refused with ``TraceError``: Python code that
  branches on a Value that varies by sample (a comparison or ``float()``
  during tracing), and constants computed from such data (``.data`` reads).
  The one such constant allowed is the max shift that ``logsumexp``,
  ``softmax`` and ``log_softmax`` subtract, which they mark as such: it is
  computed per sample, as the scalar engine does.
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

This folder owns the batched compiler and its numpy backend
(``numpy_math``); it imports only the engine (``autograd_lite.engine``) and
the package's ``errors``. ``nn`` imports it; nothing else in the package does.
"""

from .compiler import BatchedGraph, BatchResult, TraceError, compile_batched

__all__ = ["BatchResult", "BatchedGraph", "TraceError", "compile_batched"]
