"""One layout per graph: laid out once, shown in every frame without moving.

A stepper shows the same graph dozens of times with different numbers and
highlights. Laying each one out anew makes the picture jump (a box grows
when ``grad not computed`` becomes ``grad -4``) and costs a renderer call
per step. A ``Layout`` instead renders the scene once, with every text
field as wide as the widest text it will ever show (``frame.reserve``),
and then makes each frame's SVG by changing only texts, fills and pens in
that one picture (``svg_template.py``): every node keeps its position and
size in every frame.

>>> from autograd_lite import Value
>>> from autograd_lite.drawing.frame import frame_of
>>> from autograd_lite.drawing.scene_builder import build_scene
>>> x = Value(2.0, label="x")
>>> f = x * x
>>> scene = build_scene(f)
>>> before = frame_of(scene)
>>> f.backward()
>>> after = frame_of(scene, highlight_nodes=[x])
>>> layout = Layout(scene, [before, after])
>>> "grad not computed" in layout.svg(before), "grad 4" in layout.svg(after)
(True, True)
>>> layout.svg(after).count('class="node value hl"')
1
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from .dot import DotStyle, dot_graph
from .frame import Frame, reserve
from .frame_changes import FrameSteps
from .renderer import DEFAULT_TIMEOUT, RenderTimeout, pipe_drawing
from .scene import Scene
from .svg_template import SvgTemplate, svg_document


class Layout:
    """``scene`` laid out once so that every one of ``frames`` fits it.

    ``style`` holds the DOT options (``rankdir``, ``scale``, ``record``,
    ``legend``...). ``source`` is the DOT text that was rendered; ``width``
    and ``height`` the picture's size in points. ``timeout`` bounds the one
    renderer call (RenderError past it); ``waiting`` is called with the
    seconds elapsed while it runs (for a progress bar).
    """

    def __init__(
        self,
        scene: Scene,
        frames: Sequence[Frame],
        style: DotStyle | None = None,
        *,
        timeout: float | Deadline | None = DEFAULT_TIMEOUT,
        waiting: Callable[[float], None] | None = None,
    ) -> None:
        deadline = timeout if isinstance(timeout, Deadline) else Deadline(timeout)
        self.scene = scene
        self.style = style or DotStyle()
        self.reserved = frames.reserved() if isinstance(frames, FrameSteps) else reserve(frames)
        graph = dot_graph(scene, self.reserved, self.style)
        self.source = graph.source
        deadline.check("before the renderer started")
        svg = pipe_drawing(graph, "svg", deadline.left(), waiting).decode("utf-8")
        self.template = SvgTemplate(svg, scene, self.reserved, self.style.scale)

    @property
    def width(self) -> float:
        return self.template.width

    @property
    def height(self) -> float:
        return self.template.height

    @property
    def view_box(self) -> str:
        return self.template.view_box

    def svg(self, frame: Frame, *, id_prefix: str = "", attrs: dict[str, Any] | None = None) -> str:
        """A standalone SVG file of the layout dressed as ``frame``.

        ``id_prefix`` goes before every id (several pictures in one page);
        ``attrs`` are extra attributes of the ``<svg>`` element.
        """
        return svg_document(self.template.render(frame, id_prefix), self.template, attrs)

    def inline_svg(
        self, frame: Frame, *, id_prefix: str = "", attrs: dict[str, Any] | None = None
    ) -> str:
        """The same picture as an ``<svg>`` element for an HTML page (no size: CSS sets it)."""
        head = f'<svg viewBox="{self.view_box}"'
        for key, value in (attrs or {}).items():
            head += f' {key}="{_attribute(value)}"'
        return f"{head}>{self.template.render(frame, id_prefix)}</svg>"


class Deadline:
    """``seconds`` from now for one layout (None: no limit): making and measuring every
    frame, then the renderer. Past it, ``check`` raises the renderer's kind of error.

    >>> Deadline(None).check("at frame 3 of 10")
    >>> Deadline(0).check("at frame 3 of 10")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    autograd_lite.drawing.renderer.RenderTimeout: laying out the graph did not finish within 0 s \
(stopped at frame 3 of 10); draw a smaller graph ...
    """

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.start = time.monotonic()

    def left(self) -> float | None:
        """Seconds left (None: no limit); 0 or less when spent."""
        if self.seconds is None:
            return None
        return self.seconds - (time.monotonic() - self.start)

    def check(self, where: str) -> None:
        """Raise RenderTimeout, saying ``where`` the layout got, if the time is spent."""
        left = self.left()
        if left is not None and left <= 0:
            raise RenderTimeout(
                f"laying out the graph did not finish within {self.seconds:g} s (stopped "
                f"{where}); draw a smaller graph (collapse='neuron' or collapse='layer') "
                "or pass a longer timeout"
            )


def _attribute(value: Any) -> str:
    from html import escape

    return escape(str(value), quote=True)


__all__ = ["Deadline", "Layout"]
