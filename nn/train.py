"""``fit``: the training loop, and ``evaluate``.

One epoch passes over the data once, in mini-batches. For each batch:

    outputs = [model(x) for x in batch]              # forward
    L = mean of loss(output, y)  (+ l2 * sum w^2)     # the batch loss
    optimizer.zero_grad(); L.backward()               # backward
    optimizer.step()                                  # update

The history records, per epoch, the mean batch loss and the training
accuracy of the forward passes made during the epoch (before each batch's
update, as micrograd's demo reports them). With ``batched=True`` each batch
runs through a compiled graph instead (``autograd_lite.batched.compiler``): the loss
of one example is traced once and evaluated for the whole batch with numpy;
the numbers are the scalar path's, up to rounding.

Progress (``nn.progress``) shows by itself on a terminal or in a notebook
when the run is long (its first epoch suggests more than two seconds in
all): tqdm's bar on a terminal, tqdm's notebook bar in a notebook with
ipywidgets, a text line updated in place in one without; ``progress=True``
or ``False`` decides (elsewhere, as in a pipe, True writes a line per
update). ``live=True`` implies progress and, in a notebook, also draws one
figure that is redrawn in place (``nn.live_view``): the loss and accuracy
curves and, for 2-D inputs, the decision regions.

>>> from nn import MLP, SGD, make_moons, to_signed, hinge
>>> X, y = make_moons(20, seed=0)
>>> model = MLP(2, [8, 1], seed=0)
>>> history = fit(model, X, to_signed(y), loss=hinge, optimizer=SGD(model, lr=0.1), epochs=3)
>>> len(history.loss), len(history.accuracy)
(3, 3)
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from autograd_lite import Value, no_cycle_collection, no_grad
from autograd_lite.batched.compiler import BatchedGraph, compile_batched

from . import jupyter, losses
from .data import batches, check_dataset
from .history import History
from .init import random_generator
from .metrics import Correct, correct_for
from .module import Module
from .optim import SGD, Optimizer
from .progress import Progress, progress_display, stderr_is_terminal
from .train_checks import (
    check_optimizer,
    check_targets,
    finite_at_least_0,
    flag,
    function_or_none,
    positive_int,
)

Loss = Callable[[Any, Any], Value]

_LONG_RUN_SECONDS = 2.0


def fit(
    model: Module,
    X: Any,
    y: Any,
    *,
    loss: Loss = losses.hinge,
    optimizer: Optimizer | None = None,
    epochs: int = 100,
    batch_size: int | None = None,
    l2: float = 0.0,
    shuffle: bool = True,
    seed: int | None = 0,
    accuracy: Correct | None | str = "auto",
    progress: bool | None = None,
    callback: Callable[[int, History], Any] | None = None,
    batched: bool = False,
    live: bool = False,
) -> History:
    """Train ``model`` on rows ``X`` with targets ``y``; returns the ``History``.

    ``batch_size=None`` trains on the full batch each step. ``l2`` adds the
    penalty l2 * sum of squares of every parameter. ``optimizer`` defaults
    to ``SGD(model.parameters(), lr=0.1)``. ``accuracy="auto"`` picks the
    rule that goes with ``loss`` (none for regression); pass a function
    ``correct(output, y) -> bool`` or None to choose. ``seed`` fixes the
    shuffling of mini-batches. ``callback(epoch, history)`` runs after each
    epoch. ``batched=True`` computes each batch's loss and gradients with
    compiled graphs: one for class labels with ``softmax_cross_entropy`` or
    ``nll``, else one per distinct target value (so for classification).
    ``progress``: None shows it on a terminal or in a notebook for runs
    longer than two seconds. ``live=True`` shows progress (unless
    ``progress=False``) and, in a notebook, a figure of the training so far,
    updated in place a few times a second at most.

    Before the first update, every argument is checked, the optimizer must
    update only this model's parameters (an optimizer over some of them
    leaves the rest frozen), and the loss and accuracy rule are tried once
    per distinct target (``nn.train_checks``): a label the loss can't take,
    or a loss that returns something other than a Value, stops the call
    with the model unchanged.
    """
    if not isinstance(model, Module):
        raise TypeError(f"fit() trains an nn Module, got {type(model).__name__}")
    loss = _loss_function(loss, "fit")
    X, y = check_dataset(X, y, "fit")
    epochs = positive_int(epochs, "epochs")
    if batch_size is not None:
        batch_size = positive_int(batch_size, "batch_size")
    l2 = finite_at_least_0(l2, "l2")
    shuffle = flag(shuffle, "shuffle")
    progress = flag(progress, "progress", allow_none=True)
    batched = flag(batched, "batched")
    live = flag(live, "live")
    callback = function_or_none(callback, "callback", "callback(epoch, history)")
    correct = _accuracy_rule(accuracy, loss, "fit")
    rng = random_generator(seed)
    params = model.parameters()
    optimizer = SGD(params, lr=0.1) if optimizer is None else check_optimizer(optimizer, params)
    check_targets(model, loss, correct, X, y, "fit")
    full = batch_size is None or batch_size >= len(X)
    compiled = _CompiledLoss(model, loss, params, X[0], l2) if batched else None

    history = History()
    bar: Progress | None = None
    view = None
    started = time.perf_counter()
    try:
        for epoch in range(epochs):
            batch_losses, n_correct = [], 0
            order = None if full else batches(X, y, batch_size, shuffle=shuffle, rng=rng)
            for Xb, yb in [(X, y)] if order is None else order:
                optimizer.zero_grad()
                if compiled is None:
                    with no_cycle_collection():  # a step's graph holds no cycle to collect
                        outputs = [model(x) for x in Xb]
                        batch_loss = _batch_loss(loss, outputs, yb)
                        if l2:
                            batch_loss = batch_loss + losses.l2_penalty(params, l2)
                        batch_loss.backward()
                    loss_value = batch_loss.data
                else:
                    loss_value, outputs = compiled.backward(Xb, yb, correct is not None)
                optimizer.step()
                batch_losses.append((loss_value, len(Xb)))
                if correct is not None:
                    n_correct += sum(bool(correct(o, t)) for o, t in zip(outputs, yb))
            history.loss.append(_epoch_loss(batch_losses))
            history.accuracy.append(None if correct is None else n_correct / len(X))
            if epoch == 0:
                if _wants_progress(progress, live, time.perf_counter() - started, epochs):
                    bar = progress_display(epochs, started)
                if live:
                    from .live_view import live_view

                    view = live_view(model, X, y, correct, epochs)
            if bar is not None:
                bar.update(history)
            if view is not None:
                view.update(history)
            if callback is not None:
                callback(epoch, history)
    finally:
        if bar is not None:
            bar.close()
    return history


def evaluate(
    model: Module,
    X: Any,
    y: Any,
    *,
    loss: Loss = losses.hinge,
    accuracy: Correct | None | str = "auto",
) -> tuple[float, float | None]:
    """``(mean loss, accuracy)`` of ``model`` on ``X, y``, without recording a graph.

    >>> from nn import MLP, make_moons
    >>> X, y = make_moons(10, seed=0)
    >>> mean_loss, acc = evaluate(MLP(2, [4, 2], seed=0), X, y, loss=losses.softmax_cross_entropy)
    >>> 0.0 <= acc <= 1.0
    True
    """
    if not callable(model):
        raise TypeError(f"evaluate() takes an nn Module (a model), got {type(model).__name__}")
    loss = _loss_function(loss, "evaluate")
    X, y = check_dataset(X, y, "evaluate")
    correct = _accuracy_rule(accuracy, loss, "evaluate")
    with no_grad():
        outputs = [model(x) for x in X]
        mean_loss = _batch_loss(loss, outputs, y).data
    if correct is None:
        return mean_loss, None
    return mean_loss, sum(bool(correct(o, t)) for o, t in zip(outputs, y)) / len(X)


def _batch_loss(loss: Loss, outputs: list[Any], targets: np.ndarray) -> Value:
    """The mean of ``loss`` over a batch (a whole-batch loss such as ``mse`` takes it at once)."""
    if losses.takes_whole_batch(loss):
        return loss(outputs, list(targets))
    return losses.total([loss(o, t) for o, t in zip(outputs, targets)]) / len(outputs)


class _CompiledLoss:
    """The mean loss of a batch through compiled graphs, for ``fit(batched=True)``.

    The graph of one example's loss, ``loss(model(x), t)``, is traced with the
    target t as a number, as the scalar path builds it; so there is one graph
    per distinct target value, each run on its rows. Class labels for
    ``softmax_cross_entropy`` (or ``nll``) are the exception: they go in as
    one-hot rows, an input of a single graph for every class (its sum
    sum_k t_k z_k is exactly z_y, so the numbers are the same). The L2
    penalty is a graph of its own, of the parameters alone (one "sample"),
    which lowering turns into a single dot product. The parameters are read
    once per batch and handed to every graph.
    """

    MAX_TARGETS = 64

    def __init__(
        self, model: Module, loss: Loss, params: list[Value], example: Any, l2: float
    ) -> None:
        self.model, self.params, self.example = model, params, [float(v) for v in example]
        self.per_example = losses.per_sample(loss)
        self.graphs: dict[Any, BatchedGraph] = {}
        self.classes = 0  # with a softmax loss: how many logits the model gives
        self.one_hot_graph: BatchedGraph | None = None
        if losses.takes_class_index(loss):
            with no_grad():
                out = model(self.example)
            self.classes = len(out) if isinstance(out, list) else 0
        self.penalty = None
        if l2:
            self.penalty = compile_batched(lambda: losses.l2_penalty(params, l2), params=params)

    def one_hot(self, yb: np.ndarray) -> np.ndarray | None:
        """The targets as one-hot rows, when they are class labels for a softmax loss."""
        if not self.classes or yb.ndim != 1:
            return None
        labels = yb.astype(np.int64)
        if not np.array_equal(labels, yb) or labels.min() < 0 or labels.max() >= self.classes:
            return None  # the per-target path says what is wrong with them
        if self.one_hot_graph is None:

            def example_loss(x: list[Value], t: list[Value]) -> tuple[Value, Any]:
                out = self.model(x)
                return self.per_example(out, t), out

            first = [1.0] + [0.0] * (self.classes - 1)
            self.one_hot_graph = compile_batched(
                example_loss, self.example, first, params=self.params, has_aux=True
            )
        return np.eye(self.classes)[labels]

    def graph(self, key: Any, target: Any) -> BatchedGraph:
        if key not in self.graphs:
            if len(self.graphs) >= self.MAX_TARGETS:
                raise ValueError(
                    f"fit(batched=True): the targets take more than {self.MAX_TARGETS} "
                    "distinct values; the batched path compiles the loss once per target value "
                    "(fit for classification), so train this one with batched=False"
                )

            def example_loss(x: list[Value]) -> tuple[Value, Any]:
                out = self.model(x)
                return self.per_example(out, target), out

            self.graphs[key] = compile_batched(
                example_loss, self.example, params=self.params, has_aux=True
            )
        return self.graphs[key]

    def runs(self, Xb: np.ndarray, yb: np.ndarray) -> list[tuple[BatchedGraph, tuple, Any]]:
        """(graph, its input arrays, the rows of the batch they are) for each graph to run."""
        one_hot = self.one_hot(yb)
        if one_hot is not None:
            return [(self.one_hot_graph, (Xb, one_hot), range(len(Xb)))]
        rows: dict[Any, list[int]] = {}
        for i, t in enumerate(yb):
            key = float(t) if np.ndim(t) == 0 else tuple(float(v) for v in t)
            rows.setdefault(key, []).append(i)
        return [(self.graph(key, yb[idx[0]]), (Xb[idx],), idx) for key, idx in rows.items()]

    def backward(self, Xb: np.ndarray, yb: np.ndarray, want_outputs: bool) -> tuple[float, list]:
        """Set every parameter's grad to d(mean loss + L2 penalty)/dp; return that loss
        and the outputs."""
        values = np.fromiter((p.data for p in self.params), float, len(self.params))
        total, grads = 0.0, np.zeros(len(self.params))
        outputs: list[Any] = [None] * len(Xb)
        for graph, arrays, idx in self.runs(Xb, yb):
            result = graph(*arrays, reduce="sum", param_values=values, input_grads=False)
            total += result.value
            grads += result.param_grads
            if want_outputs:
                for i, out in zip(idx, result.aux.tolist()):
                    outputs[i] = [Value(v) for v in out] if isinstance(out, list) else Value(out)
        grads /= len(Xb)
        mean = total / len(Xb)
        if self.penalty is not None:
            penalty = self.penalty(reduce="sum", param_values=values)
            grads += penalty.param_grads
            mean += penalty.value
        for p, g in zip(self.params, grads.tolist()):
            p.grad = g
        return mean, outputs


def _epoch_loss(batch_losses: list[tuple[float, int]]) -> float:
    """The mean loss over an epoch's batches, weighted by batch size (exact for one batch)."""
    if len(batch_losses) == 1:
        return batch_losses[0][0]
    n = sum(size for _, size in batch_losses)
    return math.fsum(loss * size for loss, size in batch_losses) / n


def _loss_function(loss: Any, where: str) -> Loss:
    if not callable(loss):
        raise TypeError(
            f"{where}(): loss must be a function loss(output, y), got {type(loss).__name__}"
        )
    return loss


def _accuracy_rule(accuracy: Any, loss: Loss, where: str) -> Correct | None:
    if isinstance(accuracy, str) and accuracy == "auto":
        return correct_for(loss)
    if accuracy is not None and not callable(accuracy):
        raise TypeError(
            f"{where}(): accuracy must be 'auto', None, or a function correct(output, y), "
            f"got {type(accuracy).__name__}"
        )
    return accuracy


def _wants_progress(progress: bool | None, live: bool, first_epoch: float, epochs: int) -> bool:
    if progress is None and live:
        progress = True
    if progress is not None:
        return progress and epochs > 1
    watched = stderr_is_terminal() or jupyter.in_notebook()
    return watched and first_epoch * epochs > _LONG_RUN_SECONDS
