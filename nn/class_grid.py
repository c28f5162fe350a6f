"""The class a model predicts at each cell of a coarse grid over 2-D data.

The model's forward pass is compiled once with ``compile_batched``; each
``predict()`` then runs the whole grid (40 x 40 cells by default) through it
with numpy, reading the parameters as they are at that moment, so a live
view can redraw the regions while training costs about a millisecond.

Which class an output predicts follows the accuracy rule that ``fit`` uses
for the loss (``nn.metrics``): one output is class 1 when its score or logit
is > 0 (``hinge``, ``binary_cross_entropy_with_logits``) or its probability
is > 1/2 (``binary_cross_entropy``); k outputs predict their largest.

>>> from nn import MLP, hinge, make_moons, to_signed
>>> from nn.metrics import sign_correct
>>> X, y = make_moons(20, seed=0)
>>> grid = class_grid(MLP(2, [8, 1], seed=0), X, to_signed(y), sign_correct)
>>> grid.names, grid.predict().shape
(['class -1', 'class +1'], (40, 40))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograd_lite import TraceError, Value, compile_batched

from .metrics import argmax_correct, logit_correct, probability_correct, sign_correct
from .module import Module

GRID_STEPS = 40
MARGIN = 0.15  # the grid reaches this fraction of the data's range beyond it on each side

# one output: (the threshold above which it predicts the positive class,
# which targets are the positive class, the names of the two classes)
THRESHOLD_RULES: dict[Any, tuple[float, Callable[[np.ndarray], np.ndarray], list[str]]] = {
    sign_correct: (0.0, lambda t: t > 0.0, ["class -1", "class +1"]),
    logit_correct: (0.0, lambda t: t >= 0.5, ["class 0", "class 1"]),
    probability_correct: (0.5, lambda t: t >= 0.5, ["class 0", "class 1"]),
}


class NoRegions(Exception):
    """Why a model's decision regions can't be drawn (the live view shows the reason)."""


@dataclass
class ClassGrid:
    """A compiled forward pass over a ``steps`` x ``steps`` grid covering ``bounds``.

    ``bounds``: (x low, x high, y low, y high), square in data units, so
    shapes keep their proportions. ``names``: one per class, in colour order.
    ``point_classes``: the class of each training row, from its target.
    """

    bounds: tuple[float, float, float, float]
    steps: int
    names: list[str]
    point_classes: np.ndarray
    _graph: Any
    _threshold: float | None

    def cell_centres(self) -> np.ndarray:
        """The grid's cell centres, shape (steps * steps, 2), row by row from the bottom."""
        x0, x1, y0, y1 = self.bounds
        xs = x0 + (np.arange(self.steps) + 0.5) * (x1 - x0) / self.steps
        ys = y0 + (np.arange(self.steps) + 0.5) * (y1 - y0) / self.steps
        gx, gy = np.meshgrid(xs, ys)
        return np.column_stack([gx.ravel(), gy.ravel()])

    def predict(self) -> np.ndarray:
        """The predicted class of each cell, shape (steps, steps), row 0 at the bottom.

        Raises ``NoRegions`` when the model fails on a cell (a domain error).
        """
        try:
            _, outputs = self._graph.forward(self.cell_centres())
        except (ValueError, ArithmeticError) as e:
            raise NoRegions(f"the model fails on the grid ({type(e).__name__}: {e})") from e
        if self._threshold is None:
            classes = np.argmax(outputs, axis=1)
        else:
            classes = (outputs[:, 0] > self._threshold).astype(int)
        return classes.reshape(self.steps, self.steps)


def class_grid(
    model: Module, X: np.ndarray, y: np.ndarray, correct: Any, steps: int = GRID_STEPS
) -> ClassGrid:
    """The ``ClassGrid`` of ``model`` over the data ``X`` (n rows of 2), labelled ``y``.

    Raises ``NoRegions`` when the accuracy rule ``correct`` is not one of
    nn's (so the predicted class is unknown), or the model can't be
    compiled or fails on the grid.
    """
    threshold, names, point_classes = _classes(correct, y)
    graph = _compiled_outputs(model, X[0])
    if threshold is None:
        k = graph.forward(X[:1])[1].shape[1]
        names = [f"class {c}" for c in range(k)]
        if point_classes.size and point_classes.max() >= k:
            raise NoRegions(
                f"a target names class {point_classes.max()}, but there are {k} outputs"
            )
    grid = ClassGrid(square_bounds(X), steps, names, point_classes, graph, threshold)
    grid.predict()  # fails now rather than mid-run, and the first run's buffers are made here
    return grid


def square_bounds(X: np.ndarray, margin: float = MARGIN) -> tuple[float, float, float, float]:
    """A square around the points with ``margin`` of their range to spare on each side.

    >>> square_bounds(np.array([[0.0, 0.0], [2.0, 1.0]]), margin=0.25)
    (-0.5, 2.5, -1.0, 2.0)
    """
    low, high = X.min(axis=0), X.max(axis=0)
    side = float(max(high - low)) * (1 + 2 * margin) or 2.0
    cx, cy = (low + high) / 2
    return (float(cx - side / 2), float(cx + side / 2), float(cy - side / 2), float(cy + side / 2))


def _classes(correct: Any, y: np.ndarray) -> tuple[float | None, list[str], np.ndarray]:
    """The threshold (None for argmax), class names and each target's class, for ``correct``."""
    for rule, (threshold, positive, names) in THRESHOLD_RULES.items():
        if correct is rule:
            return threshold, names, positive(np.asarray(y, dtype=float)).astype(int)
    if correct is argmax_correct:
        targets = np.asarray(y)
        classes = targets.argmax(axis=1) if targets.ndim == 2 else targets.astype(int)
        return None, [], classes
    name = getattr(correct, "__name__", type(correct).__name__)
    raise NoRegions(f"the accuracy rule {name} is not one of nn's, so the classes are unknown")


def _compiled_outputs(model: Module, example: np.ndarray) -> Any:
    """``compile_batched`` of the model's outputs (all of them, as the aux values)."""

    def outputs(x: list[Value]) -> tuple[Value, list[Value]]:
        out = model(x)
        outs = out if isinstance(out, list) else [out]
        return outs[0], outs

    try:
        return compile_batched(outputs, example.tolist(), params=model.parameters(), has_aux=True)
    except (TraceError, TypeError, ValueError, ArithmeticError, LookupError) as e:
        raise NoRegions(f"the model could not be compiled ({type(e).__name__}: {e})") from e
