"""What the mistakes lab's demos share: the bug, its fix, and the numbers side by side.

Each demo of the lab (``autograd-lite demo --list``: the ``mistakes-*``
names) writes a small graph or training loop twice: once with a classic
bug, written out in the demo itself, and once right. It prints what goes
wrong beside the right result, the number worked out independently (by
hand, a closed form or finite differences), and the line that fixes it.

>>> rows = compare("b = a + a at a = 3", [Wrong("db/da", "1 + 1", 2.0, 2.0, 1.0)])
b = a + a at a = 3
  quantity  by hand  independent  right  with the bug
  db/da     1 + 1              2      2             1
>>> rows[0]["right_ok"], rows[0]["bug_off"]
(True, True)
>>> said = fix("p.grad = g", "p.grad += g")
the bug:  p.grad = g
the fix:  p.grad += g
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from autograd_lite.demos.report import number, print_columns

TOLERANCE = 1e-6
"""Relative gap under which two numbers count as the same (finite differences included)."""


@dataclass(frozen=True)
class Wrong:
    """One quantity: how it is worked out by hand, that number, the right code's, the bug's."""

    quantity: str
    by_hand: str
    independent: float
    right: float
    buggy: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "quantity": self.quantity,
            "independent": float(self.independent),
            "right": float(self.right),
            "buggy": float(self.buggy),
            "right_ok": same(self.right, self.independent),
            "bug_off": not same(self.buggy, self.independent),
        }


def same(a: float, b: float, tolerance: float = TOLERANCE) -> bool:
    """Equal within ``tolerance``, relative to the larger (absolute near 0).

    >>> same(1.0, 1.0 + 1e-9), same(1.0, 2.0), same(math.inf, math.inf)
    (True, False, True)
    """
    if a == b:
        return True
    return math.isfinite(a) and math.isfinite(b) and abs(a - b) <= tolerance * max(
        1.0, abs(a), abs(b)
    )


def compare(title: str, rows: Sequence[Wrong]) -> list[dict[str, Any]]:
    """Print ``rows`` under ``title``: by hand, the right code, the buggy code."""
    head = ("quantity", "by hand", "independent", "right", "with the bug")
    cells = [
        (r.quantity, r.by_hand, number(r.independent), number(r.right), number(r.buggy))
        for r in rows
    ]
    print_columns(title, head, cells)
    return [r.as_dict() for r in rows]


def fix(bug: str, right: str) -> dict[str, str]:
    """Print the buggy line and the line that fixes it; return both."""
    print(f"the bug:  {bug}")
    print(f"the fix:  {right}")
    return {"bug": bug, "fix": right}


__all__ = ["TOLERANCE", "Wrong", "compare", "fix", "same"]
