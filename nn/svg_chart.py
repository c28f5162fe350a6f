"""A small SVG line chart: loss and accuracy per epoch, drawn as plain text.

No plotting library: the chart is an SVG group built from strings, so it
shows in any notebook front end and survives an HTML export. The pieces a
reader needs are here: a linear ``Scale`` from data to pixels, ``nice_ticks``
for round axis labels, and ``training_curves`` for the chart itself. Pixel
y grows downwards, so a scale's ``px_low`` is the bottom of a plot.

>>> Scale(0.0, 4.0, 40.0, 240.0)(1.0)
90.0
>>> nice_ticks(0.693)
[0.0, 0.2, 0.4, 0.6, 0.8]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
INK = "#222222"
MUTED = "#666666"
GRID = "#e6e6e6"
LOSS_COLOR = "#c44e52"
ACCURACY_COLOR = "#4c72b0"
MAX_POINTS = 600  # a longer curve keeps every k-th epoch (and the last)


@dataclass(frozen=True)
class Box:
    """A rectangle in pixels: left ``x``, top ``y``, ``width``, ``height``."""

    x: float
    y: float
    width: float
    height: float

    @property
    def bottom(self) -> float:
        return self.y + self.height

    @property
    def right(self) -> float:
        return self.x + self.width


@dataclass(frozen=True)
class Scale:
    """The linear map sending data ``low``..``high`` to pixels ``px_low``..``px_high``.

    >>> Scale(0.0, 1.0, 130.0, 30.0)(0.25)   # a y axis: 0 at the bottom (130 px)
    105.0
    """

    low: float
    high: float
    px_low: float
    px_high: float

    def __call__(self, value: float) -> float:
        span = self.high - self.low
        t = 0.5 if span == 0 else (value - self.low) / span
        return self.px_low + t * (self.px_high - self.px_low)


def round_step(raw: float) -> float:
    """The smallest of 1, 2, 5 or 10 times a power of ten that is at least ``raw`` (> 0).

    >>> round_step(0.1386), round_step(12.0), round_step(0.2)
    (0.2, 20.0, 0.2)
    """
    magnitude = 10.0 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 5, 10) if raw <= m * magnitude * (1 + 1e-9))


def nice_ticks(high: float, count: int = 5, at_least: float = 0.0) -> list[float]:
    """Ticks 0, s, 2s, ... up to the first multiple of s at or above ``high``.

    The step s is 1, 2 or 5 times a power of ten, chosen so that about
    ``count`` steps cover 0..high, and never below ``at_least``.

    >>> nice_ticks(1.0)
    [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    >>> nice_ticks(60, count=4, at_least=1)
    [0.0, 20.0, 40.0, 60.0]
    """
    if not (math.isfinite(high) and high > 0):
        return [0.0, 1.0]
    step = max(round_step(high / count), at_least)
    n = math.ceil(high / step - 1e-9)
    return [round(i * step, 12) for i in range(n + 1)]


def ticks_within(low: float, high: float, count: int = 4) -> list[float]:
    """The multiples of a round step (1, 2 or 5 times a power of ten) inside low..high.

    >>> ticks_within(-1.3, 2.2)
    [-1.0, 0.0, 1.0, 2.0]
    """
    if not (math.isfinite(low) and math.isfinite(high) and high > low):
        return []
    step = round_step((high - low) / count)
    first = math.ceil(low / step - 1e-9)
    last = math.floor(high / step + 1e-9)
    return [round(i * step, 12) + 0.0 for i in range(first, last + 1)]


def number(v: float) -> str:
    """A coordinate or label as short text: two decimals at most, no trailing zeros.

    >>> number(90.0), number(80.456), number(-0.001)
    ('90', '80.46', '0')
    """
    text = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def tick_label(v: float) -> str:
    """A tick value as text: ``0.2``, ``20``, ``1e-05``.

    >>> tick_label(0.6000000000000001), tick_label(40.0)
    ('0.6', '40')
    """
    return f"{v:.6g}"


def text(x: float, y: float, content: str, size: int = 12, **attributes: str) -> str:
    """An SVG ``<text>`` at (x, y); attribute names use ``_`` for ``-``."""
    extra = "".join(f' {k.replace("_", "-")}="{escape(v)}"' for k, v in attributes.items())
    return (
        f'<text x="{number(x)}" y="{number(y)}" font-size="{size}"{extra}>{escape(content)}</text>'
    )


def line(x1: float, y1: float, x2: float, y2: float, color: str, width: float = 1.0) -> str:
    """An SVG ``<line>``."""
    return (
        f'<line x1="{number(x1)}" y1="{number(y1)}" x2="{number(x2)}" y2="{number(y2)}" '
        f'stroke="{color}" stroke-width="{number(width)}"/>'
    )


def path(points: Sequence[tuple[float, float]]) -> str:
    """The ``d`` of a path through ``points``: ``M x,y L x,y ...``.

    >>> path([(0, 1), (2.5, 3)])
    'M0,1 L2.5,3'
    """
    return " ".join(
        f"{'M' if i == 0 else 'L'}{number(x)},{number(y)}" for i, (x, y) in enumerate(points)
    )


def curve_points(values: Sequence[float | None], x: Scale, y: Scale) -> list[tuple[float, float]]:
    """Pixel points of ``values[e - 1]`` at epoch e; missing and non-finite values left out.

    More than ``MAX_POINTS`` values keep every k-th epoch and the last.

    >>> curve_points([1.0, None, 0.25], Scale(0, 4, 40, 240), Scale(0, 1, 130, 30))
    [(90.0, 30.0), (190.0, 105.0)]
    """
    n = len(values)
    stride = max(1, math.ceil(n / MAX_POINTS))
    kept = [*range(0, n, stride)]
    if kept and kept[-1] != n - 1:
        kept.append(n - 1)
    return [
        (x(i + 1), y(values[i])) for i in kept if values[i] is not None and math.isfinite(values[i])
    ]


def training_curves(
    box: Box, epochs: int, loss: Sequence[float], accuracy: Sequence[float | None]
) -> str:
    """The loss (left axis) and accuracy (right axis, 0-100 %) per epoch, in ``box``.

    The x axis spans the whole run (0 to ``epochs``) from the first frame, so
    the curves grow from left to right as training goes on. The loss axis
    starts at 0 and ends at a round number at or above the largest loss.

    >>> svg = training_curves(Box(40, 30, 200, 100), 4, [1.0, 0.5], [0.5, 1.0])
    >>> 'd="M90,30 L140,80"' in svg, 'd="M90,80 L140,30"' in svg
    (True, True)
    """
    finite = [v for v in loss if math.isfinite(v)]
    y_ticks = nice_ticks(max(finite, default=1.0))
    x_ticks = [t for t in nice_ticks(epochs, count=5, at_least=1) if t <= epochs]
    x = Scale(0.0, float(epochs), box.x, box.right)
    y = Scale(0.0, y_ticks[-1], box.bottom, box.y)
    has_accuracy = any(a is not None for a in accuracy)
    parts = ['<g class="curves">']
    parts += _loss_axis(box, y, y_ticks)
    parts += _epoch_axis(box, x, x_ticks)
    if has_accuracy:
        parts += _accuracy_axis(box)
    parts.append(
        f'<rect x="{number(box.x)}" y="{number(box.y)}" width="{number(box.width)}" '
        f'height="{number(box.height)}" fill="none" stroke="{MUTED}"/>'
    )
    curves = [("loss", LOSS_COLOR, curve_points(loss, x, y))]
    if has_accuracy:
        curves.append(
            (
                "accuracy",
                ACCURACY_COLOR,
                curve_points(accuracy, x, Scale(0.0, 1.0, box.bottom, box.y)),
            )
        )
    for name, color, points in curves:
        if points:
            parts.append(
                f'<path class="{name}" d="{path(points)}" fill="none" stroke="{color}" '
                f'stroke-width="2" stroke-linejoin="round" stroke-linecap="round"/>'
            )
    parts += _curves_legend(box, [(name, color) for name, color, _ in curves])
    parts.append("</g>")
    return "".join(parts)


def _loss_axis(box: Box, y: Scale, ticks: list[float]) -> list[str]:
    parts = []
    for t in ticks:
        py = y(t)
        if 0 < t < ticks[-1]:
            parts.append(line(box.x, py, box.right, py, GRID))
        parts.append(text(box.x - 6, py + 4, tick_label(t), 11, fill=MUTED, text_anchor="end"))
    middle = box.y + box.height / 2
    parts.append(
        text(
            box.x - 44,
            middle,
            "loss",
            12,
            fill=LOSS_COLOR,
            text_anchor="middle",
            transform=f"rotate(-90 {number(box.x - 44)} {number(middle)})",
        )
    )
    return parts


def _epoch_axis(box: Box, x: Scale, ticks: list[float]) -> list[str]:
    parts = [
        text(x(t), box.bottom + 16, tick_label(t), 11, fill=MUTED, text_anchor="middle")
        for t in ticks
    ]
    parts.append(
        text(box.x + box.width / 2, box.bottom + 34, "epoch", 12, fill=INK, text_anchor="middle")
    )
    return parts


def _accuracy_axis(box: Box) -> list[str]:
    y = Scale(0.0, 1.0, box.bottom, box.y)
    parts = [
        text(box.right + 6, y(t) + 4, f"{t:.0%}", 11, fill=MUTED)
        for t in (0.0, 0.25, 0.5, 0.75, 1.0)
    ]
    middle = box.y + box.height / 2
    parts.append(
        text(
            box.right + 50,
            middle,
            "accuracy",
            12,
            fill=ACCURACY_COLOR,
            text_anchor="middle",
            transform=f"rotate(90 {number(box.right + 50)} {number(middle)})",
        )
    )
    return parts


def _curves_legend(box: Box, entries: list[tuple[str, str]]) -> list[str]:
    """Line swatches with names, right-aligned just above the plot."""
    parts, right = [], box.right
    for name, color in reversed(entries):
        width = 7 * len(name) + 30
        left = right - width
        parts.append(line(left, box.y - 10, left + 20, box.y - 10, color, 2.5))
        parts.append(text(left + 25, box.y - 6, name, 12, fill=INK))
        right = left - 8
    return parts


def svg_document(width: int, height: int, body: str, title: str, css_class: str) -> str:
    """A standalone SVG: white background, the house font, a ``<title>`` for screen readers."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" font-family="{escape(FONT)}" '
        f'role="img"><title>{escape(title)}</title>'
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>{body}</svg>'
    )
