"""``autograd-lite trace EXPR VAR=VAL ...``: the whole forward and backward pass, narrated.

For lecture notes: every step of ``Stepper`` in order, then the table of
all nodes with their final grads. ``--frames DIR`` also writes one SVG per
step (``step-01.svg``, ...), the step's node and edge highlighted: one
layout of the graph, so nothing moves from one frame to the next.

The narration is written with ``x̄`` and ``∂`` when stdout can print them,
else in plain ASCII (``x_bar``, ``dq/dx``); ``--ascii`` asks for ASCII.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import Any

from ..drawing.notation import choose
from ..drawing.number_format import check_format_spec
from ..drawing.progress import Budget, progress_bar, waiting_bar
from ..drawing.renderer import DEFAULT_TIMEOUT
from ..play.coarse_steps import LEVELS
from ..play.stepper import Stepper
from .assignments import add_expression_arguments, graph_from_args, report_error
from .network_options import add_network_arguments
from .terminal import check_printable

EXAMPLE = """example:
  autograd-lite trace 'q = x + y; f = q * z' x=-2 y=5 z=-4
  autograd-lite trace 'y + exp(x * y)' x=0.5 y=-1.5 --frames frames/
  autograd-lite trace 'tanh(x1*w1 + x2*w2 + b)' x1=2 x2=0 w1=-3 w2=1 \\
      b=6.8813735870195432 --format .4f
  autograd-lite trace --neuron --input 2,0 --weights -3,1 --bias 6.8813735870195432
  autograd-lite trace --mlp 2,4,1 --activation tanh --input 2,-1 --target 1 --loss mse
"""


def add_number_arguments(parser: argparse.ArgumentParser, narration: bool = True) -> None:
    """``--format SPEC`` (or ``--digits N``) for numbers; with ``narration``, ``--ascii`` too."""
    numbers = parser.add_mutually_exclusive_group()
    numbers.add_argument(
        "--format",
        dest="number_format",
        type=number_format_spec,
        metavar="SPEC",
        help="Python format spec for every number, e.g. .4f (6.8814) or .3g "
        "(default .6g: six significant digits)",
    )
    numbers.add_argument(
        "--digits",
        type=_digits,
        metavar="N",
        help="significant digits of the numbers shown: --digits 3 is --format .3g",
    )
    if narration:
        parser.add_argument(
            "--ascii",
            action="store_true",
            help="write the narration in plain ASCII (x_bar, dq/dx) even where stdout "
            "could print x\u0304 and \u2202 (chosen from stdout's encoding by default)",
        )


def number_format_spec(text: str) -> str:
    """argparse type for ``--format``: a float format spec such as ``.4f``, of sane size."""
    try:
        format(1.5, text)
    except (TypeError, ValueError):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a number format; try .4f or .3g"
        ) from None
    try:
        check_format_spec(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None
    return text


def add_by_argument(parser: argparse.ArgumentParser) -> None:
    """``--by edge|neuron|layer``: the level the steps are taken at."""
    parser.add_argument(
        "--by",
        choices=LEVELS,
        default="edge",
        help="step edge by edge (the default), or a neuron or a layer at a time "
        "(a network: --mlp, --neuron, or an nn graph); a neuron or layer step opens "
        "into its edge steps",
    )


def stepper_from_args(args: argparse.Namespace, out: Any, form: Any = None) -> Stepper:
    """The Stepper of ``out`` with the number format, notation and level the arguments ask
    for (``form``: the notation, else ASCII with ``--ascii``, else what stdout can print).
    ValueError for ``--by neuron`` on a graph with no neurons."""
    if form is None:
        form = "ascii" if getattr(args, "ascii", False) else choose(sys.stdout)
    by = getattr(args, "by", "edge")
    return Stepper(out, args.digits, number_format=args.number_format, notation=form, by=by)


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
        description="Print the forward pass and then the backward pass of EXPR (or of "
        "the network --mlp or --neuron builds), one chain-rule step per line, and the "
        "final grads.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_expression_arguments(parser)
    parser.add_argument(
        "--frames",
        metavar="DIR",
        help="also write one SVG per step into DIR (created if missing): step-01.svg, ...",
    )
    add_number_arguments(parser)
    add_by_argument(parser)
    parser.add_argument(
        "--timeout",
        type=seconds,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"stop writing frames after this long, from {SHORTEST_TIMEOUT:g} to "
        f"{LONGEST_TIMEOUT:.0f} seconds, or 'none' (default {DEFAULT_TIMEOUT:g})",
    )
    add_network_arguments(parser)
    parser.set_defaults(run=run)


SHORTEST_TIMEOUT, LONGEST_TIMEOUT = 0.1, 1e6
"""The ``--timeout`` a command takes, in seconds: less cannot even start the
renderer, more (11 days) is no limit, which ``none`` (or ``inf``) says."""


def seconds(text: str) -> float | None:
    """argparse type for ``--timeout``: seconds from 0.1 to 1e6, or 'none' (or 'inf'): no limit.

    >>> seconds("2.5"), seconds("none"), seconds("inf")
    (2.5, None, None)
    >>> seconds("1e-9")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: '1e-9' is out of range: give from 0.1 to 1000000 seconds, \
or 'none' for no limit
    """
    if text.strip().lower() == "none":
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if math.isnan(value):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a number of seconds (or 'none' for no limit)"
        )
    if value == math.inf:
        return None
    if not SHORTEST_TIMEOUT <= value <= LONGEST_TIMEOUT:
        raise argparse.ArgumentTypeError(
            f"{text!r} is out of range: give from {SHORTEST_TIMEOUT:g} to "
            f"{LONGEST_TIMEOUT:.0f} seconds, or 'none' for no limit"
        )
    return value


def run(args: argparse.Namespace) -> int:
    try:
        named, out = graph_from_args(args)
        frames = None if args.frames is None else frames_directory(args.frames)
    except (OSError, ValueError) as e:
        return report_error("trace", e)
    check_printable(named)
    try:
        stepper = stepper_from_args(args, out)
    except ValueError as e:
        return report_error("trace", e)
    print(stepper.narration())
    print()
    print_final_table(stepper)
    if frames is not None:
        try:
            paths = write_frames(stepper, frames, timeout=args.timeout)
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


def write_frames(
    stepper: Stepper,
    directory: str | Path,
    *,
    timeout: float | None = DEFAULT_TIMEOUT,
    progress: bool | None = None,
    **options: Any,
) -> list[Path]:
    """One SVG per step in ``directory``: ``step-01.svg`` is the graph after step 1.

    The graph is laid out once; every frame is that picture with the
    step's texts, colours and highlights. ``timeout`` bounds the whole job
    (RenderError past it); ``progress`` shows bars on stderr (None: on a
    terminal). ``options`` go to ``draw``. The stepper is left at its last
    step.
    """
    from ..drawing.renderer import write_atomic

    target = frames_directory(str(directory))
    budget = Budget(timeout, "writing the frames")
    with waiting_bar("frames: laying out the graph", budget.left(), enabled=progress) as wait:
        layout = stepper.layout(timeout=budget.left(), waiting=wait, **options)
    frames = stepper.frames(**options)
    width = max(2, len(str(len(stepper))))
    paths = []
    with progress_bar(len(stepper), "frames", enabled=progress) as bar:
        for k in range(1, len(stepper) + 1):
            budget.check(f"after {k - 1} of {len(stepper)} frames")
            path = target / f"step-{k:0{width}d}.svg"
            write_atomic(path, layout.svg(frames[k]).encode("utf-8"))
            paths.append(path)
            bar.update(1)
    stepper.end()
    return paths
