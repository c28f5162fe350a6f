"""How wide a text is in Helvetica, to pick the widest of several before any layout.

A layout that must hold still reserves, in each field, the width of the
widest text that field will ever show. Which text that is depends on the
font: ``grad 0.111111`` is wider than ``grad -1e-05`` although it has no
more characters. The widths are Helvetica's (Adobe's metrics, in
thousandths of the font size); Arial, Arimo and Liberation Sans, the fonts
graphviz and browsers use for it, have the same widths.

>>> widest(["grad -1e-05", "grad 0.111111", "grad 1"])
'grad 0.111111'
>>> round(width("data 2", 12), 2)
33.36
"""

from __future__ import annotations

from collections.abc import Iterable

# Widths of the printable ASCII characters, space (32) to tilde (126).
_ASCII = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,  # space to /
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,  # 0 to ?
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,  # @ to O
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,  # P to _
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,  # ` to o
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,  # p to ~
)  # fmt: skip

# A few others the package draws; anything else counts as a wide letter.
_OTHER = {"\u2212": 584, "\u00b7": 278, "\u2026": 1000}
_DEFAULT = 667
_COMBINING = range(0x0300, 0x0370)  # accents and bars take no width of their own


def char_width(c: str) -> int:
    """The width of one character in thousandths of the font size."""
    code = ord(c)
    if 32 <= code <= 126:
        return _ASCII[code - 32]
    if code in _COMBINING:
        return 0
    return _OTHER.get(c, _DEFAULT)


def width(text: str, size: float = 1.0) -> float:
    """The width of ``text`` at font size ``size`` (points in, points out)."""
    return sum(char_width(c) for c in text) * size / 1000


def widest(texts: Iterable[str]) -> str:
    """The widest of ``texts`` (the first of equals; '' for none)."""
    best, best_width = "", -1.0
    for text in texts:
        w = width(text)
        if w > best_width:
            best, best_width = text, w
    return best


__all__ = ["char_width", "widest", "width"]
