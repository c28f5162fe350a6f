"""Small matrices printed side by side, the way a slide writes Y = X W + 1 bᵀ.

>>> print(side_by_side([matrix_lines(np.eye(2)), ["=", ""], matrix_lines(np.ones((1, 2)))]))
[ 1.000  0.000 ]  =  [ 1.000  1.000 ]
[ 0.000  1.000 ]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def matrix_lines(M: np.ndarray, fmt: str = "6.3f") -> list[str]:
    """The rows of a matrix (a vector is one row) as bracketed lines of equal width.

    >>> matrix_lines(np.array([[1.0, -2.0]]), "4.1f")
    ['[  1.0  -2.0 ]']
    """
    rows = np.atleast_2d(np.asarray(M, dtype=float))
    return ["[ " + "  ".join(format(v, fmt) for v in row) + " ]" for row in rows]


def side_by_side(blocks: Sequence[Sequence[str]], gap: str = "  ") -> str:
    """Join blocks of lines left to right, top-aligned, each padded to its widest line.

    >>> print(side_by_side([["a", "bb"], ["+"], ["c"]]))
    a   +  c
    bb
    """
    height = max(len(b) for b in blocks)
    widths = [max((len(line) for line in b), default=0) for b in blocks]
    lines = []
    for r in range(height):
        cells = [(b[r] if r < len(b) else "").ljust(w) for b, w in zip(blocks, widths)]
        lines.append(gap.join(cells).rstrip())
    return "\n".join(lines)
