"""Small matrices and vectors as lines of text, side by side, the way a board shows them.

A matrix is rows of numbers already written as text; a vector is a matrix
of one column. One larger than 8×8 shows its corners and ``⋯`` (``...`` in
ASCII) where rows or columns are left out.

>>> print("\\n".join(side_by_side([("W =", [["1", "-2"], ["0.5", "3"]]),
...                                 ("x =", [["2"], ["-1"]])])))
W = [   1  -2 ]   x = [  2 ]
    [ 0.5   3 ]       [ -1 ]
>>> [len(r) for r in corners([[str(i * 20 + j) for j in range(20)] for i in range(20)], "⋯")]
[9, 9, 9, 9, 9, 9, 9, 9, 9]
"""

from __future__ import annotations

from collections.abc import Sequence

LARGEST = 8
"""Rows or columns shown whole; a larger matrix shows 4 from each end."""


def corners(rows: Sequence[Sequence[str]], gap: str) -> list[list[str]]:
    """``rows`` cut to its corners when it has more than ``LARGEST`` rows or columns.

    >>> corners([["1", "2"]], "⋯")
    [['1', '2']]
    """
    half = LARGEST // 2
    kept = [list(r) for r in rows]
    if kept and len(kept[0]) > LARGEST:
        kept = [r[:half] + [gap] + r[-half:] for r in kept]
    if len(kept) > LARGEST:
        width = len(kept[0])
        kept = kept[:half] + [[gap] * width] + kept[-half:]
    return kept


def block(name: str, rows: Sequence[Sequence[str]]) -> list[str]:
    """One matrix under its name: ``W = [ 1  -2 ]`` and the rows below, aligned.

    >>> block("b =", [["0"], ["1"]])
    ['b = [ 0 ]', '    [ 1 ]']
    """
    if not rows:
        return [f"{name} [ ]"]
    widths = [max(len(r[j]) for r in rows) for j in range(len(rows[0]))]
    pad = " " * (len(name) + 1)
    out = []
    for i, row in enumerate(rows):
        cells = "  ".join(cell.rjust(w) for cell, w in zip(row, widths))
        out.append(f"{name if i == 0 else pad[:-1]} [ {cells} ]")
    return out


def side_by_side(named: Sequence[tuple[str, Sequence[Sequence[str]]]]) -> list[str]:
    """Several ``(name, rows)`` blocks on the same lines, three spaces apart."""
    blocks = [block(name, rows) for name, rows in named]
    height = max((len(b) for b in blocks), default=0)
    widths = [max(len(line) for line in b) for b in blocks]
    lines = []
    for i in range(height):
        parts = [(b[i] if i < len(b) else "").ljust(w) for b, w in zip(blocks, widths)]
        lines.append("   ".join(parts).rstrip())
    return lines


__all__ = ["LARGEST", "block", "corners", "side_by_side"]
