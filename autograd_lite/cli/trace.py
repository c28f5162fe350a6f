"""``autograd-lite trace EXPR VAR=VAL ...``: the whole forward and backward pass, narrated.

For lecture notes: every step of ``Stepper`` in order, then the table of
all nodes with their final grads. ``--frames DIR`` also writes one SVG per
step (``step-01.svg``, ...), the step's node and edge highlighted.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..steps import Stepper
from .assignments import add_expression_arguments, graph_from_args, report_error
from .terminal import check_printable

EXAMPLE = """example:
  autograd-lite trace 'q = x + y; f = q * z' x=-2 y=5 z=-4
  autograd-lite trace 'y + exp(x * y)' x=0.5 y=-1.5 --frames frames/
"""


def add_digits_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--digits",
        type=_digits,
        default=6,
        metavar="N",
        help="significant digits of the numbers shown (default 6)",
    )


def _digits(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= n <= 17:
        raise argparse.ArgumentTypeError("must be between 1 and 17")
    return n


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "trace",
        help="print the forward and backward pass of an expression, step by step",
        description="Print the forward pass and then the backward pass of EXPR, one "
        "chain-rule step per line, and the final grads.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_expression_arguments(parser)
    parser.add_argument(
        "--frames",
        metavar="DIR",
        help="also write one SVG per step into DIR (created if missing): step-01.svg, ...",
    )
    add_digits_argument(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        named, out = graph_from_args(args)
        frames = None if args.frames is None else frames_directory(args.frames)
    except (OSError, ValueError) as e:
        return report_error("trace", e)
    check_printable(named)
    stepper = Stepper(out, digits=args.digits)
    print(stepper.narration())
    print()
    print_final_table(stepper)
    if frames is not None:
        try:
            paths = write_frames(stepper, frames)
        except (OSError, RuntimeError, ValueError) as e:
            return report_error("trace", e)
        print(f"wrote {len(paths)} frames to {frames}", file=sys.stderr)
    return 0


def print_final_table(stepper: Stepper) -> None:
    """Take the remaining steps and print every node's data and final grad."""
    stepper.end()
    print("grads after the backward pass")
    print(stepper.table(marks=False), flush=True)


def frames_directory(directory: str) -> Path:
    """``directory`` as a Path, created if missing; OSError if it cannot be."""
    target = Path(directory)
    if target.exists() and not target.is_dir():
        raise NotADirectoryError(f"--frames: {directory!r} is a file, not a directory")
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OSError(
            f"--frames: cannot create the directory {directory!r}: {e.strerror}"
        ) from None
    return target


def write_frames(stepper: Stepper, directory: str | Path) -> list[Path]:
    """One SVG per step in ``directory``: ``step-01.svg`` is the graph after step 1.

    The stepper is left at its last step.
    """
    from ..viz import render

    target = frames_directory(str(directory))
    width = max(2, len(str(len(stepper))))
    paths = []
    for k in range(1, len(stepper) + 1):
        stepper.jump(k)
        path = target / f"step-{k:0{width}d}.svg"
        render(stepper.draw(), path, verbose=False)
        paths.append(path)
    return paths
