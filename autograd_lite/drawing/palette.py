"""The colours, fonts and pen widths of every drawing (DOT and SVG frames alike).

Fills are light enough that black text stays readable on them, on a
screen and on a projector. Sizes are in points at ``scale=1``.
"""

from __future__ import annotations

ROLE_COLORS: dict[str, str] = {
    "input": "#cfe3fa",
    "parameter": "#ffe0b2",
    "constant": "#e9e9e9",
    "output": "#c8ecc0",
    "interior": "#ffffff",
    "module": "#e6def5",
}
ROLE_NAMES: dict[str, str] = {
    "input": "input",
    "parameter": "parameter",
    "constant": "constant",
    "output": "output",
    "interior": "intermediate",
    "module": "collapsed module",
}
OP_COLOR = "#f3f3f3"
POSITIVE = (0x21, 0x66, 0xAC)  # grad > 0: blue
NEGATIVE = (0xB2, 0x18, 0x2B)  # grad < 0: red
HIGHLIGHT = "#c2410c"
INK = "black"
EDGE_LABEL_COLOR = "#555555"
CLUSTER_COLOR = "#9e9e9e"
CLUSTER_TEXT_COLOR = "#616161"
FONT = "Helvetica"

NODE_FONT_SIZE = 12.0
EDGE_FONT_SIZE = 11.0
CLUSTER_FONT_SIZE = 11.0
COPY_FONT_SIZE = 11.0
LEGEND_FONT_SIZE = 10.0

PEN = 1.0
OUTPUT_PEN = 2.0
HIGHLIGHT_PEN = 3.0
HIGHLIGHT_EDGE_PEN = 2.5
DASHES = "5,2"

__all__ = [
    "CLUSTER_COLOR",
    "CLUSTER_FONT_SIZE",
    "CLUSTER_TEXT_COLOR",
    "COPY_FONT_SIZE",
    "DASHES",
    "EDGE_FONT_SIZE",
    "EDGE_LABEL_COLOR",
    "FONT",
    "HIGHLIGHT",
    "HIGHLIGHT_EDGE_PEN",
    "HIGHLIGHT_PEN",
    "INK",
    "LEGEND_FONT_SIZE",
    "NEGATIVE",
    "NODE_FONT_SIZE",
    "OP_COLOR",
    "OUTPUT_PEN",
    "PEN",
    "POSITIVE",
    "ROLE_COLORS",
    "ROLE_NAMES",
]
