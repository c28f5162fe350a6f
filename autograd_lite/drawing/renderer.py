"""Running a Graphviz renderer: DOT source in, SVG or PNG bytes out.

The renderer is Graphviz's ``dot`` program when it is on PATH, else the
``graphviz-pure`` program (a drop-in ``dot`` from the pip package of that
name, a dependency of autograd-lite), so SVG works after a plain ``pip
install`` with no system packages. ``graphviz-pure`` is looked for on PATH
and also next to the running Python and in its scripts directory, because
``.venv/bin/autograd-lite`` is often run without activating the venv.

The source goes to the program on stdin; nothing here knows about Values.

>>> svg = pipe("digraph { a -> b }", "svg")
>>> svg.startswith(b"<?xml")
True
"""

from __future__ import annotations

import math
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import threading
import time
from collections.abc import Callable
from typing import Any

import graphviz

from ..atomic_file import write_atomic

# The programs tried, in order: Graphviz itself, then the pip-installable port.
PROGRAMS: tuple[str, ...] = ("dot", "graphviz-pure")

# Formats both programs write; ``dot``/``gv`` files are the source itself.
IMAGE_FORMATS: tuple[str, ...] = ("svg", "png", "jpg", "jpeg")
SOURCE_FORMATS: tuple[str, ...] = ("dot", "gv")

DEFAULT_TIMEOUT = 60.0

LONGEST_WAIT = 3600.0
"""The longest single wait on the renderer: a longer ``timeout`` (even ``math.inf``,
which is no limit) is waited out in steps of this, as ``select`` takes no more."""


class RendererNotFoundError(RuntimeError):
    """Neither ``dot`` nor ``graphviz-pure`` could be found."""


ORDER_HINTS: dict[str, str] = {"mclimit": "0.2", "remincross": "false"}
"""Graph attributes that keep nodes in the order they are declared: little
crossing minimisation, none after the clusters are placed. With them dot
keeps an MLP's neurons in index order (``dot.py``). graphviz-pure sometimes
fails on them ("lost edge"): ``pipe_drawing`` then tries ``LOOSER_HINTS``."""

LOOSER_HINTS: tuple[dict[str, str], ...] = (
    {"newrank": "true", **ORDER_HINTS},
    {"mclimit": "0.3", "remincross": "false"},
    {},
)
"""What ``pipe_drawing`` tries, in turn, after the ``ORDER_HINTS`` fail. The
first keeps the order where graphviz-pure loses an edge on the plain hints
(a wide expanded layer feeding a narrow one, as in ``MLP(2, [12, 1])``); it is
not the default because it scrambles small layers."""


class RenderError(RuntimeError):
    """The renderer failed or took longer than the timeout."""


def script_dirs() -> list[str]:
    """Directories beside PATH where a pip-installed ``graphviz-pure`` may be.

    The directory of the running Python (``.venv/bin``) and the scripts
    directory of its installation scheme, without duplicates.
    """
    dirs: list[str] = []
    for d in (os.path.dirname(sys.executable), sysconfig.get_path("scripts")):
        if d and d not in dirs:
            dirs.append(d)
    return dirs


def find_renderer() -> str:
    """The path of the program that renders DOT: ``dot``, else ``graphviz-pure``.

    Raises RendererNotFoundError, saying what to install, when there is neither.
    """
    dot = shutil.which(PROGRAMS[0])
    if dot:
        return dot
    pure = shutil.which(PROGRAMS[1])
    if pure:
        return pure
    for d in script_dirs():
        pure = shutil.which(PROGRAMS[1], path=d)
        if pure:
            return pure
    looked = ", ".join(["PATH", *script_dirs()])
    raise RendererNotFoundError(
        "no Graphviz renderer found: drawing needs Graphviz's `dot` program or the "
        "`graphviz-pure` program. Install one of them:\n"
        f"    {sys.executable} -m pip install graphviz-pure\n"
        "or Graphviz itself (apt install graphviz, brew install graphviz, "
        "https://graphviz.org/download/).\n"
        f"(looked in: {looked})"
    )


def pipe(
    source: str,
    fmt: str,
    timeout: float | None = DEFAULT_TIMEOUT,
    waiting: Callable[[float], None] | None = None,
) -> bytes:
    """Render DOT ``source`` to ``fmt`` (``"svg"``, ``"png"``, ...) and return the bytes.

    ``waiting``, if given, is called with the seconds elapsed about four
    times a second while the renderer runs (a progress bar's hook).
    Raises RenderError when the renderer fails or runs past ``timeout``
    seconds (None or ``math.inf``: no limit), which stops it.
    """
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"can't render to {fmt!r}; formats: {', '.join(IMAGE_FORMATS)}")
    if timeout is not None and math.isnan(timeout):
        raise ValueError("timeout is nan: give a number of seconds, or None for no limit")
    if timeout is not None and timeout <= 0:
        raise RenderTimeout(_late(find_renderer(), timeout))
    program = find_renderer()
    held = _hold_stop_signals()  # a Ctrl-C before _wait would leave the renderer running
    try:
        process = subprocess.Popen(
            [program, f"-T{fmt}"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    except BaseException:
        _release(held)
        raise
    out, err = _wait(process, source.encode("utf-8"), program, timeout, waiting, held)
    if process.returncode != 0:
        message = err.decode("utf-8", "replace").strip()
        raise RenderError(
            f"{os.path.basename(program)} -T{fmt} failed (exit {process.returncode}): {message}"
        )
    return out


def _wait(
    process: subprocess.Popen,
    data: bytes | None,
    program: str,
    timeout: float | None,
    waiting: Callable[[float], None] | None,
    held: Any = None,
) -> tuple[bytes, bytes]:
    """The process's output, asking every quarter second; killed when past ``timeout``,
    and on anything raised while it runs (Ctrl-C included, in ``waiting`` too).

    ``held`` is what ``_hold_stop_signals`` held while it started: let go here, where a
    signal that came meanwhile is acted on with the process in hand.
    """
    start = time.monotonic()
    try:
        _release(held)
        while True:
            elapsed = time.monotonic() - start
            step = 0.25 if waiting is not None else None
            if timeout is not None:
                left = timeout - elapsed
                step = min(left if step is None else min(step, left), LONGEST_WAIT)
            try:
                return process.communicate(data, timeout=step)
            except subprocess.TimeoutExpired:
                data = None  # the input went in with the first call
            elapsed = time.monotonic() - start
            if timeout is not None and elapsed >= timeout:
                raise RenderTimeout(_late(program, timeout))
            if waiting is not None:
                waiting(elapsed)
    except BaseException:
        process.kill()
        process.communicate()
        raise


# The signals a user stops a command with, which Python turns into exceptions.
_STOP_SIGNALS = tuple(
    getattr(signal, name)
    for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT")
    if hasattr(signal, name)
)


def _hold_stop_signals() -> dict[Any, Any] | None:
    """Note ``_STOP_SIGNALS`` instead of acting on them, until ``_release``: returns the
    handlers to go back to, with the signals noted meanwhile under ``"noted"``.

    Only the main thread can set handlers; elsewhere nothing is held (None). A handler
    is not inherited by the renderer (exec resets it), unlike a blocked signal mask.
    """
    if threading.current_thread() is not threading.main_thread():
        return None
    noted: list[int] = []
    held: dict[Any, Any] = {"noted": noted}
    for number in _STOP_SIGNALS:
        before = signal.getsignal(number)
        if before is not None:  # None: a handler set outside Python, left alone
            held[number] = signal.signal(number, lambda n, _frame: noted.append(n))
    return held


def _release(held: dict[Any, Any] | None) -> None:
    """Put back the handlers ``_hold_stop_signals`` replaced, then deliver a signal that
    came meanwhile, so it acts now (a Ctrl-C raises KeyboardInterrupt here)."""
    if held is None:
        return
    noted = held.pop("noted")
    for number, handler in held.items():
        signal.signal(number, handler)
    if noted:
        signal.raise_signal(noted[0])


class RenderTimeout(RenderError):
    """The renderer ran past its time budget and was stopped."""


def pipe_drawing(
    graph: graphviz.Digraph,
    fmt: str,
    timeout: float | None = DEFAULT_TIMEOUT,
    waiting: Callable[[float], None] | None = None,
) -> bytes:
    """``pipe`` of a drawing; if the renderer fails on its ``ORDER_HINTS``, with looser ones.

    ``timeout`` bounds all the tries together, and ``waiting`` hears the
    seconds since the first began.

    >>> g = graphviz.Digraph(graph_attr=ORDER_HINTS)
    >>> g.edge("a", "b")
    >>> pipe_drawing(g, "svg").startswith(b"<?xml")
    True
    """
    sources = [graph.source]
    if all(graph.graph_attr.get(k) == v for k, v in ORDER_HINTS.items()):
        sources += [_with_hints(graph, hints) for hints in LOOSER_HINTS]
    started = time.monotonic()
    for source in sources[:-1]:
        try:
            return _pipe_by(started, source, fmt, timeout, waiting)
        except RenderTimeout:
            raise
        except RenderError:
            pass  # e.g. graphviz-pure's "lost edge": try looser hints
    return _pipe_by(started, sources[-1], fmt, timeout, waiting)


def _pipe_by(
    started: float,
    source: str,
    fmt: str,
    timeout: float | None,
    waiting: Callable[[float], None] | None,
) -> bytes:
    """``pipe`` with what is left of ``timeout`` seconds counted from ``started``."""
    spent = time.monotonic() - started
    heard = None if waiting is None else (lambda elapsed: waiting(spent + elapsed))
    if timeout is None:
        return pipe(source, fmt, None, heard)
    try:
        return pipe(source, fmt, max(timeout - spent, 1e-9), heard)
    except RenderTimeout:
        raise RenderTimeout(_late(find_renderer(), timeout)) from None  # the whole budget


def _with_hints(graph: graphviz.Digraph, hints: dict[str, str]) -> str:
    looser = graph.copy()
    for key in ORDER_HINTS:
        looser.graph_attr.pop(key, None)
    looser.graph_attr.update(hints)
    return looser.source


def _late(program: str, timeout: float | None) -> str:
    return (
        f"{os.path.basename(program)} did not finish within {timeout:g} s; "
        "draw a smaller graph (collapse='neuron' or collapse='layer') "
        "or pass a longer timeout"
    )


class Drawing(graphviz.Digraph):
    """A ``graphviz.Digraph`` that displays in Jupyter through ``pipe`` above.

    graphviz's own display runs ``dot``; this one also works where only
    ``graphviz-pure`` is installed. Everything else is plain ``graphviz.Digraph``.
    """

    def _repr_image_svg_xml(self) -> str:
        return pipe_drawing(self, "svg").decode("utf-8")

    def _repr_image_png(self) -> bytes:
        return pipe_drawing(self, "png")

    def _repr_image_jpeg(self) -> bytes:
        return pipe_drawing(self, "jpeg")


__all__ = [
    "DEFAULT_TIMEOUT",
    "Drawing",
    "IMAGE_FORMATS",
    "PROGRAMS",
    "RenderError",
    "RendererNotFoundError",
    "SOURCE_FORMATS",
    "find_renderer",
    "pipe",
    "pipe_drawing",
    "script_dirs",
    "write_atomic",
]
