"""Long renders show progress on a terminal, and stop at a time budget with a message.

A slide deck or a set of frames is one layout (a renderer call that can
take seconds) and then one picture per step. On a terminal (stderr is a
TTY) a tqdm bar shows each phase; in a pipe, a notebook's captured
stderr or a test, nothing is printed. A ``Budget`` bounds the whole job:
past it the work stops with a ``RenderError`` that says how far it got,
never a silent wait.

>>> budget = Budget(60, "making the slides")
>>> budget.left() > 59
True
>>> with progress_bar(3, "frames", enabled=False) as bar:
...     bar.update(3)
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from .renderer import RenderError


class Budget:
    """``seconds`` for a whole job called ``what`` (None: no limit)."""

    def __init__(self, seconds: float | None, what: str) -> None:
        if seconds is not None and not seconds > 0:
            raise ValueError(f"a time budget is a positive number of seconds, got {seconds!r}")
        self.seconds, self.what = seconds, what
        self.start = time.monotonic()

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def left(self) -> float | None:
        """Seconds left (None: no limit); may be 0."""
        if self.seconds is None:
            return None
        return max(0.0, self.seconds - self.elapsed())

    def check(self, where: str) -> None:
        """Raise RenderError if the budget is spent; ``where`` says how far the job got."""
        if self.seconds is not None and self.elapsed() > self.seconds:
            raise RenderError(
                f"{self.what} took longer than {self.seconds:g} s and was stopped ({where}); "
                "draw a smaller graph (collapse='neuron' or 'layer'), or allow more time "
                "(timeout=..., --timeout SECONDS)"
            )


class _Quiet:
    """A progress bar that shows nothing."""

    def update(self, n: int = 1) -> None:
        pass

    def set_description_str(self, text: str) -> None:
        pass


def shows_progress(enabled: bool | None = None) -> bool:
    """Whether to draw bars: ``enabled``, or (None) whether stderr is a terminal."""
    if enabled is not None:
        return enabled
    isatty = getattr(sys.stderr, "isatty", None)
    return bool(isatty and isatty())


@contextmanager
def progress_bar(total: int, what: str, *, enabled: bool | None = None) -> Iterator[Any]:
    """A tqdm bar of ``total`` steps on stderr, or a quiet stand-in (see ``shows_progress``)."""
    if not shows_progress(enabled):
        yield _Quiet()
        return
    from tqdm import tqdm

    bar = tqdm(total=total, desc=what, file=sys.stderr, leave=False, dynamic_ncols=True)
    try:
        yield bar
    finally:
        bar.close()


@contextmanager
def waiting_bar(
    what: str, limit: float | None, *, enabled: bool | None = None
) -> Iterator[Callable[[float], None] | None]:
    """A hook for ``renderer.pipe(waiting=...)``: a bar of the seconds waited out of ``limit``.

    Yields None when no bar is shown.
    """
    if not shows_progress(enabled):
        yield None
        return
    from tqdm import tqdm

    total = round(limit, 1) if limit else None
    bar = tqdm(
        total=total, desc=what, file=sys.stderr, leave=False, dynamic_ncols=True,
        bar_format="{desc}: {bar} {n:.0f} s of at most {total:.0f} s" if total else None,
        unit="s",
    )  # fmt: skip

    def waited(seconds: float) -> None:
        bar.n = min(seconds, total) if total else seconds
        bar.refresh()

    try:
        yield waited
    finally:
        bar.close()


__all__ = ["Budget", "progress_bar", "shows_progress", "waiting_bar"]
