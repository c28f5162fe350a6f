"""A model's outputs for every row of an array at once, through one compiled graph.

The batched demos train with ``fit(batched=True)``; to draw decision regions
or score a held-out set they need the model's outputs on thousands of rows,
which the scalar path would build as millions of Values. ``Logits`` traces
the model once (``compile_batched``) and runs that graph on the whole array.

>>> import numpy as np
>>> from nn import MLP
>>> model = MLP(3, [4, 2], seed=0)
>>> logits = Logits(model)
>>> X = np.array([[0.1, 0.2, 0.3], [1.0, -1.0, 0.5]])
>>> np.allclose(logits(X), [[v.data for v in model(row)] for row in X], rtol=1e-12)
True
"""

from __future__ import annotations

import numpy as np

from autograd_lite import Value
from autograd_lite.batched.compiler import compile_batched
from nn import MLP


class Logits:
    """``logits(X)``: the model's outputs (its last layer, before any softmax), one row per
    row of ``X``, shape (len(X), number of outputs)."""

    def __init__(self, model: MLP) -> None:
        def outputs(x: list[Value]) -> tuple[Value, list[Value]]:
            out = model(x)
            out = out if isinstance(out, list) else [out]
            return out[0], out

        example = [0.5] * model.nin
        self.graph = compile_batched(outputs, example, params=model, has_aux=True)

    def __call__(self, X: np.ndarray) -> np.ndarray:
        _, out = self.graph.forward(X)
        return out
