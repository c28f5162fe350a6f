"""Decision regions as SVG: a coarse grid of tinted cells, the training points on top.

``classes[r][c]`` is the class predicted in the cell of row r (row 0 at the
bottom, as a y axis grows upwards) and column c; -1 means no class (left
white). Neighbouring cells of one class in a row become one rectangle, so a
40 x 40 grid of a smooth boundary costs about a hundred rectangles, not
1,600. Class k has colour ``class_colors(n)[k]`` everywhere: its cells are a
light tint of it, its points the full colour, so a misclassified point
stands out against the region around it.

>>> cell_runs([0, 0, 1, -1, -1, 1])
[(0, 2, 0), (2, 3, 1), (3, 5, -1), (5, 6, 1)]
>>> tint("#4c72b0", 0.5)
'#a6b8d8'
"""

from __future__ import annotations

import colorsys
from collections.abc import Sequence

import numpy as np

from .svg_chart import INK, MUTED, Box, Scale, line, number, text, tick_label, ticks_within

# seaborn's "deep" palette, as the demos' matplotlib plots use
PALETTE = [
    "#4c72b0",
    "#dd8452",
    "#55a868",
    "#c44e52",
    "#8172b3",
    "#937860",
    "#da8bc3",
    "#8c8c8c",
    "#ccb974",
    "#64b5cd",
]
CELL_TINT = 0.3  # a cell's colour is 30 % of its class colour on white
POINT_RADIUS = 3.5
LEGEND_ROWS = 11  # more classes than this: the legend ends with "..."

Bounds = tuple[float, float, float, float]  # x low, x high, y low, y high


def class_colors(n: int) -> list[str]:
    """One colour per class: the palette for up to 10, evenly spaced hues beyond.

    >>> class_colors(2)
    ['#4c72b0', '#dd8452']
    >>> len(set(class_colors(12)))
    12
    """
    if n <= len(PALETTE):
        return PALETTE[:n]
    return [_hex(colorsys.hls_to_rgb(k / n, 0.5, 0.55)) for k in range(n)]


def tint(color: str, amount: float = CELL_TINT) -> str:
    """``color`` mixed with white: ``amount`` of the colour, the rest white."""
    rgb = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    return _hex([amount * c + (1 - amount) for c in rgb])


def _hex(rgb: Sequence[float]) -> str:
    return "#" + "".join(f"{round(255 * c):02x}" for c in rgb)


def cell_runs(row: Sequence[int]) -> list[tuple[int, int, int]]:
    """The row as runs ``(first column, end column, class)`` of one class each."""
    runs: list[tuple[int, int, int]] = []
    start = 0
    for c in range(1, len(row) + 1):
        if c == len(row) or row[c] != row[start]:
            runs.append((start, c, int(row[start])))
            start = c
    return runs


def region_cells(box: Box, classes: Sequence[Sequence[int]], colors: Sequence[str]) -> str:
    """The grid's cells in ``box``, one ``<rect>`` per run of a class in a row.

    >>> svg = region_cells(Box(0, 0, 30, 20), [[0, 0, 1], [1, 1, 1]], ["#000000", "#ffffff"])
    >>> for rect in svg.split("<rect ")[1:]:   # the bottom row first, in two runs
    ...     print(rect.split(" fill")[0])
    x="0" y="10" width="20" height="10"
    x="20" y="10" width="10" height="10"
    x="0" y="0" width="30" height="10"
    """
    rows = len(classes)
    cols = len(classes[0]) if rows else 0
    parts = ['<g class="cells" shape-rendering="crispEdges">']
    for r, row in enumerate(classes):
        top = box.y + box.height * (rows - 1 - r) / rows
        for start, end, k in cell_runs(row):
            if k < 0:
                continue
            left = box.x + box.width * start / cols
            right = box.x + box.width * end / cols
            parts.append(
                f'<rect x="{number(left)}" y="{number(top)}" width="{number(right - left)}" '
                f'height="{number(box.height / rows)}" fill="{tint(colors[k])}" '
                f'data-class="{k}"/>'
            )
    parts.append("</g>")
    return "".join(parts)


def class_points(
    box: Box, bounds: Bounds, X: np.ndarray, classes: Sequence[int], colors: Sequence[str]
) -> str:
    """The points ``X`` (rows of two numbers) as dots coloured by their class.

    >>> svg = class_points(Box(0, 0, 10, 10), (0, 1, 0, 1), np.array([[0.5, 0.2]]), [1],
    ...                    ["#000000", "#ff0000"])
    >>> svg[svg.index("<circle") :].split(" stroke")[0]   # x 0.5 of 0..1 -> 5 px, y 0.2 -> 8 px
    '<circle cx="5" cy="8" r="3.5" fill="#ff0000"'
    """
    x = Scale(bounds[0], bounds[1], box.x, box.right)
    y = Scale(bounds[2], bounds[3], box.bottom, box.y)
    parts = ['<g class="points">']
    for (px, py), k in zip(X.tolist(), classes):
        parts.append(
            f'<circle cx="{number(x(px))}" cy="{number(y(py))}" r="{POINT_RADIUS}" '
            f'fill="{colors[k]}" stroke="{INK}" stroke-width="0.7"/>'
        )
    parts.append("</g>")
    return "".join(parts)


def class_legend(x: float, y: float, names: Sequence[str], colors: Sequence[str]) -> str:
    """A column of swatches, the first at (x, y): a tinted square with the point's dot on it."""
    parts = ['<g class="legend">']
    shown = list(names)
    if len(shown) > LEGEND_ROWS:
        shown = shown[: LEGEND_ROWS - 1]
    for k, name in enumerate(shown):
        top = y + 20 * k
        parts.append(
            f'<rect x="{number(x)}" y="{number(top)}" width="14" height="14" '
            f'fill="{tint(colors[k])}" stroke="{MUTED}" stroke-width="0.5"/>'
            f'<circle cx="{number(x + 7)}" cy="{number(top + 7)}" r="{POINT_RADIUS}" '
            f'fill="{colors[k]}" stroke="{INK}" stroke-width="0.7"/>'
        )
        parts.append(text(x + 20, top + 11, name, 12, fill=INK))
    if len(shown) < len(names):
        parts.append(text(x + 20, y + 20 * len(shown) + 11, "...", 12, fill=MUTED))
    parts.append("</g>")
    return "".join(parts)


def decision_regions(
    box: Box,
    bounds: Bounds,
    classes: Sequence[Sequence[int]],
    X: np.ndarray,
    point_classes: Sequence[int],
    names: Sequence[str],
) -> str:
    """The whole panel: title, cells, points, frame, axes ``x[0]`` and ``x[1]``, legend."""
    colors = class_colors(len(names))
    parts = [
        '<g class="regions">',
        text(box.x, box.y - 8, "decision regions", 12, fill=INK),
        region_cells(box, classes, colors),
        class_points(box, bounds, X, point_classes, colors),
        f'<rect x="{number(box.x)}" y="{number(box.y)}" width="{number(box.width)}" '
        f'height="{number(box.height)}" fill="none" stroke="{MUTED}"/>',
    ]
    parts += _axes(box, bounds)
    parts.append(class_legend(box.right + 14, box.y, names, colors))
    parts.append("</g>")
    return "".join(parts)


def _axes(box: Box, bounds: Bounds) -> list[str]:
    x = Scale(bounds[0], bounds[1], box.x, box.right)
    y = Scale(bounds[2], bounds[3], box.bottom, box.y)
    parts = []
    for t in ticks_within(bounds[0], bounds[1]):
        parts.append(line(x(t), box.bottom, x(t), box.bottom + 4, MUTED))
        parts.append(
            text(x(t), box.bottom + 16, tick_label(t), 11, fill=MUTED, text_anchor="middle")
        )
    for t in ticks_within(bounds[2], bounds[3]):
        parts.append(line(box.x - 4, y(t), box.x, y(t), MUTED))
        parts.append(text(box.x - 6, y(t) + 4, tick_label(t), 11, fill=MUTED, text_anchor="end"))
    parts.append(
        text(box.x + box.width / 2, box.bottom + 34, "x[0]", 12, fill=INK, text_anchor="middle")
    )
    middle = box.y + box.height / 2
    parts.append(
        text(
            box.x - 40,
            middle,
            "x[1]",
            12,
            fill=INK,
            text_anchor="middle",
            transform=f"rotate(-90 {number(box.x - 40)} {number(middle)})",
        )
    )
    return parts
