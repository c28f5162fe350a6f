"""``fit(..., live=True)`` in a notebook: one figure, redrawn in place while the model trains.

The figure is a single self-contained SVG (no matplotlib, no JavaScript, no
widgets): a header with the epoch, loss and accuracy; the loss and accuracy
curves over the whole run; and, for inputs of two numbers, the model's
decision regions on a coarse grid with the training points on top
(``nn.class_grid``, through ``compile_batched``). It is shown once with
IPython's ``display(..., display_id=True)`` and replaced with
``handle.update(...)``, so the notebook holds one output, the last frame,
which an nbconvert HTML export keeps.

When to redraw: after the first epoch, after the last, and in between only
when at least ``MIN_SECONDS`` have passed since the last frame *and* 20
times as long as that frame took (``COST_SHARE``), so drawing stays a few
per cent of the run however fast the epochs are: with millisecond epochs
that is every couple of hundred epochs, with slow ones every epoch.

>>> from nn.history import History
>>> frames = []
>>> class Page:                       # stands in for the notebook
...     def update(self, bundle, raw): frames.append(bundle)
>>> def show(bundle):
...     frames.append(bundle)
...     return Page()
>>> view = LiveView(3, None, show=show, clock=iter([0.0, 0.01, 0.1, 0.5, 0.51]).__next__)
>>> for n in (1, 2, 3):
...     _ = view.update(History(loss=[0.9, 0.5, 0.25][:n], accuracy=[0.5, 0.75, 1.0][:n]))
>>> [f["text/plain"] for f in frames]   # epoch 2 came 0.09 s after a frame: skipped
['fit: epoch 1 of 3, loss 0.9, accuracy 50.0%', 'fit: epoch 3 of 3, loss 0.25, accuracy 100.0%']
"""

from __future__ import annotations

import textwrap
import time
from collections.abc import Callable
from html import escape
from typing import Any

import numpy as np

from . import jupyter
from .class_grid import ClassGrid, NoRegions, class_grid
from .history import History
from .jupyter import Updatable
from .module import Module
from .svg_chart import INK, MUTED, Box, svg_document, text, training_curves
from .svg_regions import decision_regions

MIN_SECONDS = 0.2  # at most 5 frames a second
COST_SHARE = 0.05  # wait at least 1 / COST_SHARE times as long as the last frame took
MAX_POINTS = 1000  # training points drawn on the regions (an even sample of more)

HEIGHT = 340
CURVES_BOX = Box(64, 70, 380, 220)
REGIONS_BOX = Box(590, 70, 220, 220)
WIDTH_CURVES_ONLY = 530
WIDTH_WITH_REGIONS = 910


def live_view(
    model: Module, X: np.ndarray, y: np.ndarray, correct: Any, epochs: int
) -> LiveView | None:
    """The live view of this training run, or None outside a notebook.

    Inputs of two numbers with a classifying accuracy rule get the decision
    regions; if they can't be drawn, the figure says why in their place.
    """
    if not jupyter.in_notebook():
        return None
    started = time.perf_counter()
    grid: ClassGrid | NoRegions | None = None
    if X.shape[1] == 2 and correct is not None:
        try:
            grid = class_grid(model, X, y, correct)
        except NoRegions as why:
            grid = why
    view = LiveView(epochs, grid, X)
    view.seconds += time.perf_counter() - started
    return view


class LiveView:
    """One figure on the page, redrawn by ``update(history)`` when it is due.

    ``grid``: the decision regions' ``ClassGrid`` (then ``X`` holds the
    training points to draw on them), a ``NoRegions`` saying why there are
    none, or None (inputs not 2-D, or a regression). ``show`` puts the first
    frame on the page and returns its handle (``jupyter.show_in_place``).
    ``seconds`` and ``frames`` count the time spent drawing and the frames.
    """

    def __init__(
        self,
        epochs: int,
        grid: ClassGrid | NoRegions | None,
        X: np.ndarray | None = None,
        show: Callable[[dict[str, str]], Updatable] | None = None,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.epochs, self.grid, self.clock = epochs, grid, clock
        self.show = jupyter.show_in_place if show is None else show
        self.points = _sample(np.zeros((0, 2)) if X is None else X)
        self.handle: Updatable | None = None
        self.drawn_at: float | None = None
        self.last_cost = 0.0
        self.seconds = 0.0
        self.frames = 0

    def update(self, history: History) -> bool:
        """Redraw if a frame is due (see the module's notes); True when it drew."""
        now = self.clock()
        if not self._due(len(history.loss), now):
            return False
        bundle = self.bundle(history)
        if self.handle is None:
            self.handle = self.show(bundle)
        else:
            self.handle.update(bundle, raw=True)
        done = self.clock()
        self.last_cost, self.drawn_at = done - now, done
        self.seconds += done - now
        self.frames += 1
        return True

    def _due(self, epochs_done: int, now: float) -> bool:
        if self.drawn_at is None or epochs_done >= self.epochs:
            return True
        return now - self.drawn_at >= max(MIN_SECONDS, self.last_cost / COST_SHARE)

    def bundle(self, history: History) -> dict[str, str]:
        """The frame as a mime bundle: the SVG, and a line of text for front ends without it."""
        return {
            "image/svg+xml": self.frame(history),
            "text/plain": "fit: " + _summary(history, self.epochs, ", "),
        }

    def frame(self, history: History) -> str:
        """The whole figure for the training so far, as an SVG document."""
        parts = [_header(history, self.epochs)]
        parts.append(training_curves(CURVES_BOX, self.epochs, history.loss, history.accuracy))
        if isinstance(self.grid, ClassGrid):
            parts.append(self._regions(self.grid))
        if isinstance(self.grid, NoRegions):
            parts.append(_no_regions(str(self.grid)))
        width = WIDTH_CURVES_ONLY if self.grid is None else WIDTH_WITH_REGIONS
        title = "Training: loss and accuracy per epoch" + (
            "" if self.grid is None else ", and the decision regions"
        )
        return svg_document(width, HEIGHT, "".join(parts), title, "autograd-lite-live")

    def _regions(self, grid: ClassGrid) -> str:
        try:
            cells = grid.predict()
        except NoRegions as why:  # from now on the figure says why instead
            self.grid = why
            return ""
        points, rows = self.points
        return decision_regions(
            REGIONS_BOX, grid.bounds, cells, points, grid.point_classes[rows], grid.names
        )


def _summary(history: History, epochs: int, sep: str) -> str:
    shown = f"epoch {len(history.loss)} of {epochs}{sep}loss {history.loss[-1]:.4g}"
    if history.accuracy and history.accuracy[-1] is not None:
        shown += f"{sep}accuracy {history.accuracy[-1]:.1%}"
    return shown


def _header(history: History, epochs: int) -> str:
    first, _, rest = _summary(history, epochs, "  ·  ").partition("  ·  ")
    return (
        f'<text x="16" y="28" font-size="15" fill="{INK}">'
        f'<tspan font-weight="600">{escape(first)}</tspan>'
        f'<tspan fill="{MUTED}">{escape("  ·  " + rest)}</tspan></text>'
    )


def _no_regions(reason: str) -> str:
    box = REGIONS_BOX
    lines = ["No decision regions:", *textwrap.wrap(reason, 38)]
    return (
        '<g class="no-regions">'
        + "".join(
            text(box.x, box.y + 20 + 18 * i, line, 12, fill=MUTED) for i, line in enumerate(lines)
        )
        + "</g>"
    )


def _sample(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """At most ``MAX_POINTS`` rows of X, evenly spread, and their row numbers."""
    idx = np.unique(np.linspace(0, len(X) - 1, min(len(X), MAX_POINTS)).round().astype(int))
    return X[idx], idx
