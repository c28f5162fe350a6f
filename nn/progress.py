"""``fit``'s progress: a tqdm bar where one can be redrawn, a clean text line elsewhere.

Where fit runs decides the form:

=============================  ===================================================
a terminal (stderr is a TTY)   tqdm's bar on stderr, redrawn in place
a notebook with ipywidgets     tqdm's notebook bar
a notebook without ipywidgets  tqdm's text line as an output, updated in place
anywhere else (a pipe, a log)  the same text, one line per update on stderr:
                               the first epoch, then at most every 2 s, and the last
=============================  ===================================================

In a notebook nothing goes to stderr, which Jupyter shows in a red box; in a
log there are no carriage returns, so each line reads on its own. tqdm and
IPython are imported only when progress is shown.

>>> from nn.history import History
>>> lines = []
>>> line = TextLine(3, lambda text, final: lines.append(text), started=0.0, interval=2.0,
...                 clock=iter([0.5, 1.0, 1.5]).__next__)
>>> for n in (1, 2, 3):
...     line.update(History(loss=[0.9, 0.5, 0.25][:n]))
>>> for text in lines:  # the first epoch and the last: the second came too soon
...     print(text)
fit:  33%|###3      | 1/3 [00:00<00:01,  2.00epoch/s, loss=0.9]
fit: 100%|##########| 3/3 [00:01<00:00,  2.00epoch/s, loss=0.25]
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any, Protocol, TextIO

from . import jupyter
from .history import History

NOTEBOOK_SECONDS = 0.2  # a notebook's text line: at most 5 updates a second
LOG_SECONDS = 2.0  # a log: a line at most every 2 seconds


class Progress(Protocol):
    """What fit calls: ``update`` after each epoch, ``close`` at the end."""

    def update(self, history: History) -> None: ...

    def close(self) -> None: ...


def progress_display(epochs: int, started: float) -> Progress:
    """The progress display that suits where this runs (see the table above).

    ``started``: when training started, in ``time.perf_counter()`` seconds.
    """
    if jupyter.in_notebook():
        if jupyter.has_ipywidgets():
            try:
                return TqdmBar(epochs, notebook=True)
            except ImportError:  # an ipywidgets tqdm can't use: the text line instead
                pass
        return TextLine(epochs, NotebookLine().write, started, NOTEBOOK_SECONDS, ascii=False)
    if stderr_is_terminal():
        return TqdmBar(epochs, notebook=False)
    return TextLine(epochs, LogLines(sys.stderr).write, started, LOG_SECONDS)


def stderr_is_terminal() -> bool:
    """True when stderr is a terminal, where a bar can be redrawn in place."""
    return hasattr(sys.stderr, "isatty") and sys.stderr.isatty()


def shown_numbers(history: History) -> dict[str, str]:
    """The last epoch's loss (and accuracy) as the bar shows them.

    >>> from nn.history import History
    >>> shown_numbers(History(loss=[0.5, 0.123456], accuracy=[0.5, 0.95]))
    {'loss': '0.1235', 'acc': '95.0%'}
    """
    shown = {"loss": f"{history.loss[-1]:.4g}"}
    if history.accuracy and history.accuracy[-1] is not None:
        shown["acc"] = f"{history.accuracy[-1]:.1%}"
    return shown


class TqdmBar:
    """tqdm's bar: on stderr for a terminal, or its ipywidgets bar in a notebook."""

    def __init__(self, epochs: int, notebook: bool) -> None:
        if notebook:  # the widget; its text goes to stdout, never the red stderr
            import tqdm.notebook

            if tqdm.notebook.IProgress is None:  # checked first: a half-made bar complains later
                raise ImportError("tqdm's notebook bar can't use this ipywidgets")
            self.bar = tqdm.notebook.tqdm(total=epochs, desc="fit", unit="epoch", leave=True)
        else:
            from tqdm import tqdm

            self.bar = tqdm(total=epochs, desc="fit", unit="epoch", file=sys.stderr, leave=True)

    def update(self, history: History) -> None:
        self.bar.set_postfix(shown_numbers(history), refresh=False)
        self.bar.update(1)

    def close(self) -> None:
        self.bar.close()


class TextLine:
    """tqdm's text, written by ``write(text, final)`` at most every ``interval`` seconds.

    The first epoch and the last are always written; ``close`` writes the
    last epoch seen if it was not (training stopped early).
    """

    def __init__(
        self,
        epochs: int,
        write: Callable[[str, bool], Any],
        started: float,
        interval: float,
        ascii: bool = True,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.epochs, self.write, self.started = epochs, write, started
        self.interval, self.ascii, self.clock = interval, ascii, clock
        self.written_at: float | None = None
        self.written_epochs = 0
        self.history: History | None = None

    def update(self, history: History) -> None:
        self.history = history
        now = self.clock()
        done = len(history.loss) >= self.epochs
        if done or self.written_at is None or now - self.written_at >= self.interval:
            self._write(history, now, done)

    def close(self) -> None:
        if self.history is not None and len(self.history.loss) > self.written_epochs:
            self._write(self.history, self.clock(), True)

    def _write(self, history: History, now: float, final: bool) -> None:
        from tqdm import tqdm

        shown = ", ".join(f"{k}={v}" for k, v in shown_numbers(history).items())
        text = tqdm.format_meter(
            len(history.loss),
            self.epochs,
            now - self.started,
            prefix="fit",
            unit="epoch",
            postfix=shown,
            ascii=self.ascii,
        )
        self.write(text, final)
        self.written_at, self.written_epochs = now, len(history.loss)


class NotebookLine:
    """One plain-text output in a notebook, shown on the first write and replaced after."""

    def __init__(self) -> None:
        self.handle: Any = None

    def write(self, text: str, final: bool) -> None:
        bundle = {"text/plain": text}
        if self.handle is None:
            self.handle = jupyter.show_in_place(bundle)
        else:
            self.handle.update(bundle, raw=True)


class LogLines:
    """Whole lines on a stream (a pipe or a log file), flushed as they come."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str, final: bool) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()
