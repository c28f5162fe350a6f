"""What the lecture demos share: the lecture's numbers next to ours, and the pictures.

Every lecture demo prints tables whose rows read

    quantity   lecture formula       lecture value   autograd-lite   |difference|

where the lecture value is the lecture's formula evaluated with plain floats
(or numpy), independently of the engine, and "autograd-lite" is what the
engine's graph holds. The rows also go into the dict each demo's ``main``
returns, so tests read the same numbers the audience sees.

>>> rows = table("f = (x + y) z", [Row("df/dx", "z", -4.0, -4.0)])
f = (x + y) z
  quantity  lecture formula  lecture  autograd-lite  |difference|
  df/dx     z                     -4             -4         0e+00
>>> rows[0]["gap"]
0.0
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from autograd_lite import Value, render
from autograd_lite.viz import RendererNotFoundError


@dataclass(frozen=True)
class Row:
    """One line of a comparison: a quantity, the lecture's formula, its value, ours."""

    quantity: str
    formula: str
    lecture: float
    ours: float

    @property
    def gap(self) -> float:
        return abs(float(self.lecture) - float(self.ours))

    def as_dict(self) -> dict[str, Any]:
        return {
            "quantity": self.quantity,
            "formula": self.formula,
            "lecture": float(self.lecture),
            "ours": float(self.ours),
            "gap": self.gap,
        }


def number(x: float) -> str:
    """A number as the tables show it: up to 10 significant digits."""
    return f"{float(x):.10g}"


def table(title: str, rows: Sequence[Row]) -> list[dict[str, Any]]:
    """Print ``rows`` under ``title``; return them as dicts (with their ``gap``)."""
    head = ("quantity", "lecture formula", "lecture", "autograd-lite", "|difference|")
    cells = [
        (r.quantity, r.formula, number(r.lecture), number(r.ours), f"{r.gap:.0e}") for r in rows
    ]
    widths = [max(len(c[i]) for c in [head, *cells]) for i in range(len(head))]
    print(title)
    for line in [head, *cells]:
        left = [line[0].ljust(widths[0]), line[1].ljust(widths[1])]
        right = [line[k].rjust(widths[k]) for k in range(2, len(head))]
        print(("  " + "  ".join(left + right)).rstrip())
    return [r.as_dict() for r in rows]


def demo_parser(name: str, doc: str | None, seed: bool = False) -> argparse.ArgumentParser:
    """The parser every demo starts from: ``--out`` (default ``out/NAME``), and
    with ``seed=True`` a ``--seed`` for the data and the weights."""
    first = (doc or "").strip().splitlines()
    parser = argparse.ArgumentParser(
        prog=f"python -m autograd_lite.demos.{name}", description=first[0] if first else None
    )
    parser.add_argument("--out", default=os.path.join("out", name), help="folder for the pictures")
    if seed:
        parser.add_argument("--seed", type=int, default=0, help="seed for the data and the weights")
    return parser


def positive_int(text: str) -> int:
    """argparse type: an int >= 1."""
    n = int(text)
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be a positive int, got {n}")
    return n


def write_graph(root: Value, path: str, **options: Any) -> str | None:
    """Render the graph of ``root`` to ``path`` (SVG by suffix); None, said why, if it can't."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    try:
        written = render(root, path, **options)
    except RendererNotFoundError as err:
        print(f"skipped the graph {path}: {err}")
        return None
    print(f"wrote {path}")
    return str(written)


def plot_or_skip(out: str, draw: Callable[[Any], list[str]]) -> list[str]:
    """Run ``draw(pyplot)`` and return the files it wrote; without matplotlib, say so."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: skipped the plot (pip install 'autograd-lite[plots]')")
        return []
    os.makedirs(out, exist_ok=True)
    paths = draw(plt)
    for path in paths:
        print(f"wrote {path}")
    return paths
