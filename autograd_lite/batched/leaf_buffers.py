"""The leaf values a lowered program's matrix products read W and b from, and their gradients.

A ``LinearStep`` holds W and b as indices into the leaf values
(``Program.leaf_values``: the parameters, then the constants, then a 0.0).
Gathering them, ``values[index]``, copies W at every call, and adding dW
back, ``grads[index] += dW``, gathers and scatters again. nn's layers list
each neuron's weights and then its bias, so W's indices form a grid,
start + i * row + j, and b's are evenly spaced: W and b are then views
into the leaf values, and dW and db go straight into views of the
gradients. ``LeafBuffers`` keeps both arrays from call to call, with those
views, made once.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .lowering import LinearStep, product
from .program import Program


def grid_view(a: np.ndarray, index: np.ndarray) -> np.ndarray | None:
    """``a[index]`` as a view of ``a``, when ``index`` is start + Σₖ iₖ·strideₖ with
    strides >= 0 (a grid of evenly spaced positions); else None.

    >>> import numpy as np
    >>> grid_view(np.arange(10.0), np.array([[1, 2], [4, 5]])).tolist()   # rows 3 apart
    [[1.0, 2.0], [4.0, 5.0]]
    >>> grid_view(np.arange(10.0), np.array([[1, 2], [5, 4]])) is None    # not a grid
    True
    """
    if index.size == 0:
        return None
    start = int(index.flat[0])
    steps = []
    for axis, size in enumerate(index.shape):
        at = [0] * index.ndim
        at[axis] = 1 if size > 1 else 0
        steps.append(int(index[tuple(at)]) - start)
    if min(steps) < 0:
        return None
    grid = start + sum(
        step * np.arange(size).reshape([-1 if k == axis else 1 for k in range(index.ndim)])
        for axis, (step, size) in enumerate(zip(steps, index.shape))
    )
    if not np.array_equal(grid, index):
        return None
    return as_strided(a[start:], shape=index.shape, strides=[s * a.itemsize for s in steps])


class LeafBuffers:
    """The leaf values (``values``) and their gradients (``grads``) of a program, kept
    from call to call, with each matrix product's W and b as views into them.

    ``load(param_data)`` puts a call's parameter values in and zeroes the
    gradients. ``matrices(i)`` are step i's W and b (views, or gathered
    when their indices are not a grid); ``add_gradients`` adds its dW and
    db, or writes them, when no other step reads its leaves and each only
    once, while the gradients are still the zeros ``load`` left (``fresh``).

    >>> from autograd_lite import Value, compile_batched
    >>> w = [Value(float(k), label=f"w{k}") for k in range(3)]
    >>> f = compile_batched(lambda x, y: w[0] * x + w[1] * y + w[2], 1.0, 1.0, params=w)
    >>> leaves = LeafBuffers(f.program); leaves.load(np.array([2.0, 3.0, 5.0]))
    >>> W, b = leaves.matrices(0)
    >>> W.tolist(), b.tolist()   # b as a column, to add to every sample's sums
    ([[2.0, 3.0]], [[5.0]])
    """

    def __init__(self, program: Program) -> None:
        self.n_params = program.n_params
        self.values = program.leaf_values(np.zeros(program.n_params))
        self.grads = np.zeros(len(self.values))
        self.fresh = True
        self._steps = program.steps
        n = len(program.steps)
        self._matrices: list[tuple] = [(None, None)] * n  # W, and b as a column
        self._gradients: list[tuple] = [(None, None)] * n  # dW and db
        self._sole = [False] * n
        reads = _reads(program.steps, len(self.values))
        for i, step in enumerate(program.steps):
            if type(step) is not LinearStep:
                continue
            w, b, dw, db = self._views_of(step)
            self._matrices[i] = w, None if b is None else b[:, None]
            self._gradients[i] = dw, db
            self._sole[i] = bool(reads[_leaves_of(step)].max() == 1)

    def _views_of(self, step: LinearStep) -> tuple:
        """(W, b, dW, db) views; a gradient view only where no leaf repeats."""
        w = grid_view(self.values, step.weights)
        dw = grid_view(self.grads, step.weights) if step.unique[0] else None
        b = db = None
        if step.bias is not None:
            b = grid_view(self.values, step.bias)
            db = grid_view(self.grads, step.bias) if step.unique[1] else None
        return w, b, dw, db

    def load(self, param_data: np.ndarray) -> None:
        """Take a call's parameter values; zero the gradients."""
        self.values[: self.n_params] = param_data
        self.grads.fill(0.0)
        self.fresh = True

    def matrices(self, i: int) -> tuple[np.ndarray, np.ndarray | None]:
        """Step i's W, and its b as a column (None when its sums have no bias)."""
        w, b = self._matrices[i]
        if w is None:
            step = self._steps[i]
            w = self.values[step.weights]
        if b is None and self._steps[i].bias is not None:
            b = self.values[self._steps[i].bias][:, None]
        return w, b

    def add_gradients(self, i: int, dZ: np.ndarray, X: np.ndarray) -> None:
        """Add step i's dW = dZ @ Xᵀ and db = Σ dZ (over the batch) into ``grads``."""
        step = self._steps[i]
        dw, db = self._gradients[i]
        write = self.fresh and self._sole[i]
        if dw is not None and write:
            product(dZ, X.T, out=dw)
        elif dw is not None:
            dw += product(dZ, X.T)
        else:
            _add_at(self.grads, step.weights, product(dZ, X.T), step.unique[0])
        if step.bias is None:
            return
        if db is not None and write:
            np.add.reduce(dZ, axis=1, out=db)
        elif db is not None:
            db += dZ.sum(axis=1)
        else:
            _add_at(self.grads, step.bias, dZ.sum(axis=1), step.unique[1])


def _leaves_of(step: LinearStep) -> np.ndarray:
    """The leaves a matrix product reads: its weights, then its biases."""
    if step.bias is None:
        return step.weights.ravel()
    return np.concatenate([step.weights.ravel(), step.bias])


def _reads(steps: list, n_leaves: int) -> np.ndarray:
    """How many times the matrix products read each leaf."""
    reads = np.zeros(n_leaves, dtype=np.intp)
    for step in steps:
        if type(step) is LinearStep:
            np.add.at(reads, _leaves_of(step), 1)
    return reads


def _add_at(grads: np.ndarray, index: np.ndarray, d: np.ndarray, unique: bool) -> None:
    if unique:
        grads[index] += d
    else:  # a leaf used twice gets both contributions
        grads += np.bincount(index.ravel(), d.ravel(), minlength=len(grads))


__all__ = ["LeafBuffers", "grid_view"]
