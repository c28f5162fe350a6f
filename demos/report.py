"""What the lecture demos share: the lecture's formulas next to the graph's numbers.

Every lecture demo prints tables whose rows read

    quantity   lecture formula   formula in floats   autograd-lite   |difference|

where "formula in floats" is the lecture's formula evaluated by the demo
with plain floats (or numpy), independently of the engine (a number the
demo computed, not one printed in the lecture), and "autograd-lite" is
what the engine's graph holds. The rows also go into the dict each demo's ``main``
returns, so tests read the same numbers the audience sees.

>>> rows = table("f = (x + y) z", [Row("df/dx", "z", -4.0, -4.0)])
f = (x + y) z
  quantity  lecture formula  formula in floats  autograd-lite  |difference|
  df/dx     z                               -4             -4         0e+00
>>> rows[0]["gap"]
0.0
"""

from __future__ import annotations

import argparse
import contextvars
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autograd_lite import Value, render
from autograd_lite.drawing.viz import RendererNotFoundError


@dataclass(frozen=True)
class Row:
    """One line of a comparison: a quantity, the lecture's formula, the formula evaluated
    in floats, and the graph's number."""

    quantity: str
    formula: str
    in_floats: float
    ours: float

    @property
    def gap(self) -> float:
        return abs(float(self.in_floats) - float(self.ours))

    def as_dict(self) -> dict[str, Any]:
        return {
            "quantity": self.quantity,
            "formula": self.formula,
            "in_floats": float(self.in_floats),
            "ours": float(self.ours),
            "gap": self.gap,
        }


def number(x: float) -> str:
    """A number as the tables show it: up to 10 significant digits."""
    return f"{float(x):.10g}"


def table(title: str, rows: Sequence[Row]) -> list[dict[str, Any]]:
    """Print ``rows`` under ``title``; return them as dicts (with their ``gap``)."""
    head = ("quantity", "lecture formula", "formula in floats", "autograd-lite", "|difference|")
    cells = [
        (r.quantity, r.formula, number(r.in_floats), number(r.ours), f"{r.gap:.0e}") for r in rows
    ]
    print_columns(title, head, cells)
    return [r.as_dict() for r in rows]


def print_columns(title: str, head: Sequence[str], cells: Sequence[Sequence[str]]) -> None:
    """Print ``title``, then ``head`` and ``cells`` as columns: the first two flush left
    (names and formulas), the rest flush right (numbers).

    >>> print_columns("t", ("a", "b", "n"), [("x", "y", "1.5")])
    t
      a  b    n
      x  y  1.5
    """
    widths = [max(len(c[i]) for c in [head, *cells]) for i in range(len(head))]
    print(title)
    for line in [head, *cells]:
        left = [line[0].ljust(widths[0]), line[1].ljust(widths[1])]
        right = [line[k].rjust(widths[k]) for k in range(2, len(head))]
        print(("  " + "  ".join(left + right)).rstrip())


INVOKED_AS: contextvars.ContextVar[str | None] = contextvars.ContextVar("invoked_as", default=None)
"""How the running demo was started, for its usage and error lines: ``autograd-lite demo
NAME`` sets it; None means ``python -m autograd_lite.demos.<module>``."""


def demo_parser(name: str, doc: str | None, seed: bool = False) -> argparse.ArgumentParser:
    """The parser every demo starts from: ``--out`` (default ``out/NAME``), and
    with ``seed=True`` a ``--seed`` for the data and the weights.

    >>> demo_parser("moons", "Moons.", seed=True).parse_args(["--seed", "3"]).seed
    3
    """
    first = (doc or "").strip().splitlines()
    parser = argparse.ArgumentParser(
        prog=INVOKED_AS.get() or f"python -m autograd_lite.demos.{name}",
        description=first[0] if first else None,
    )
    parser.add_argument(
        "--out",
        type=output_folder,
        default=os.path.join("out", name),
        help="folder for the pictures (created when needed)",
    )
    if seed:
        parser.add_argument(
            "--seed", type=seed_number, default=0, help="seed for the data and the weights"
        )
    return parser


def positive_int(text: str) -> int:
    """argparse type: an int >= 1.

    >>> positive_int("12")
    12
    """
    n = int(text)
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be a positive int, got {n}")
    return n


def seed_number(text: str) -> int:
    """argparse type: a seed, an int >= 0 (numpy's seeds are).

    >>> seed_number("0")
    0
    """
    n = int(text)
    if n < 0:
        raise argparse.ArgumentTypeError(f"must be an int >= 0, got {n}")
    return n


def positive_number(text: str) -> float:
    """argparse type: a finite number > 0, such as a learning rate.

    >>> positive_number("0.02")
    0.02
    """
    x = float(text)
    if not (math.isfinite(x) and x > 0.0):
        raise argparse.ArgumentTypeError(f"must be a finite number > 0, got {text}")
    return x


def output_folder(text: str) -> str:
    """argparse type: a folder for pictures, existing or not yet; never an existing file.

    Nothing is created here (a demo creates it only when it writes a picture).

    >>> output_folder("out/moons")
    'out/moons'
    """
    path = Path(text)
    for place in (path, *path.parents):
        if place.is_dir():
            return text
        if place.exists():
            what = "a file" if place.is_file() else "not a folder"
            if place != path:
                message = f"{str(place)!r} is {what}, so {text!r} can't be a folder"
            elif place.is_file():
                message = f"{text!r} is a file, not a folder"
            else:
                message = f"{text!r} is not a folder"
            raise argparse.ArgumentTypeError(message)
    return text


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
