"""Graphs you can show: ``draw`` a graph, turn it into SVG, write it to a file.

>>> from autograd_lite import Value
>>> x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
>>> f = (x + y) * z
>>> f.backward()
>>> svg = to_svg(f)
>>> "grad 3" in svg and svg.rstrip().endswith("</svg>")
True

``draw`` (in ``dot.py``) builds the ``graphviz.Digraph``; ``renderer.py``
runs ``dot`` or ``graphviz-pure`` on it. Both accept the same options, so
``to_svg(f, collapse="neuron")`` is ``to_svg(draw(f, collapse="neuron"))``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import graphviz

from ..engine.value import Value
from .dot import DEFAULT_MAX_NODES, GraphTooLargeError, draw
from .renderer import (
    DEFAULT_TIMEOUT,
    IMAGE_FORMATS,
    SOURCE_FORMATS,
    RendererNotFoundError,
    RenderError,
    pipe_drawing,
    write_atomic,
)


def to_svg(
    root: Value | graphviz.Digraph, *, timeout: float | None = DEFAULT_TIMEOUT, **options: Any
) -> str:
    """The SVG text of ``draw(root, **options)``.

    ``root`` may also be a graph ``draw`` already made. Raises
    RendererNotFoundError when neither ``dot`` nor ``graphviz-pure`` is
    installed, RenderError when the renderer fails or exceeds ``timeout`` s.
    """
    return pipe_drawing(_drawing(root, options), "svg", timeout).decode("utf-8")


def render(
    root: Value | graphviz.Digraph,
    path: str | os.PathLike[str],
    *,
    timeout: float | None = DEFAULT_TIMEOUT,
    verbose: bool | None = None,
    **options: Any,
) -> Path:
    """Write ``draw(root, **options)`` to ``path``; the suffix picks the format.

    ``.svg``, ``.png``, ``.jpg`` render the picture; ``.dot``/``.gv`` write
    the DOT source (no renderer needed). The file is written atomically: it
    is complete or not there (an old file stays until the new one replaces
    it). Returns the absolute path.

    ``verbose``: print ``wrote <path>``. The default (None) prints only in an
    interactive session (the ``>>>`` REPL, ``python -i``), so scripts and
    tests stay quiet.

    >>> import tempfile, os
    >>> from autograd_lite import Value
    >>> with tempfile.TemporaryDirectory() as d:
    ...     out = render(Value(1.0, label="x") * 2, os.path.join(d, "g.svg"))
    ...     out.read_text().startswith("<?xml")
    True
    """
    target = Path(path)
    fmt = target.suffix.lower().lstrip(".")
    if fmt not in IMAGE_FORMATS + SOURCE_FORMATS:
        known = ", ".join("." + f for f in IMAGE_FORMATS + SOURCE_FORMATS)
        raise ValueError(f"can't tell the format of {str(path)!r}: use a suffix from {known}")
    if not target.parent.is_dir():
        raise FileNotFoundError(f"no such directory: {str(target.parent)!r} (for {str(path)!r})")
    graph = _drawing(root, options)
    if fmt in SOURCE_FORMATS:
        data = graph.source.encode("utf-8")
    else:
        data = pipe_drawing(graph, fmt, timeout)
    written = write_atomic(target, data).resolve()
    if verbose or (verbose is None and _interactive()):
        print(f"wrote {written}")
    return written


def _drawing(root: Any, options: dict) -> graphviz.Digraph:
    if isinstance(root, graphviz.Digraph):
        if options:
            raise TypeError(f"options {sorted(options)} apply to a Value, not a drawn graph")
        return root
    return draw(root, **options)


def _interactive() -> bool:
    return hasattr(sys, "ps1") or bool(sys.flags.interactive)


__all__ = [
    "DEFAULT_MAX_NODES",
    "GraphTooLargeError",
    "RenderError",
    "RendererNotFoundError",
    "draw",
    "render",
    "to_svg",
]
