"""``autograd-lite slides EXPR VAR=VAL ... -o deck.html``: a slide per step, in one HTML file.

The deck is the backprop player, full screen: an opening slide, then a
slide per forward and per backward step of ``Stepper``: the graph with the
step's node and edge highlighted, the chain-rule line, and the table of
data and grads so far. It needs no network and no other file (open it from
a USB stick); arrow keys, Page Up/Down, Space, Home/End and clicks move
through it. ``--predict`` hides each step's number until it is revealed;
``--handout`` writes a file that opens on the printed pages (A4 landscape; a
network: a page per neuron or layer per pass) instead.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..drawing.renderer import DEFAULT_TIMEOUT
from ..play.slides import DEFAULT_MAX_STEPS, slides_html, write_slides
from .assignments import (
    add_expression_arguments,
    graph_from_args,
    graph_title,
    limit,
    report_error,
)
from .network_options import add_network_arguments
from .terminal import write_bytes
from .trace_command import (
    LONGEST_TIMEOUT,
    SHORTEST_TIMEOUT,
    add_by_argument,
    add_number_arguments,
    seconds,
    stepper_from_args,
)

EXAMPLE = """examples:
  autograd-lite slides 'q = x + y; f = q * z' x=-2 y=5 z=-4 -o deck.html
  autograd-lite slides 'q = x + y; f = q * z' x=-2 y=5 z=-4 --predict -o quiz.html
  autograd-lite slides 'tanh(x1*w1 + x2*w2 + b)' x1=2 x2=0 w1=-3 w2=1 \\
      b=6.8813735870195432 -o neuron.html --title 'One neuron' --format .4f
  autograd-lite slides --neuron --input 2,0 --weights -3,1 --bias 6.8813735870195432 \\
      -o neuron.html
  autograd-lite slides --mlp 2,4,1 --activation tanh --input 2,-1 --target 1 \\
      --loss mse --seed 0 -o mlp.html
  autograd-lite slides --mlp 2,4,1 --activation tanh --input 2,-1 --target 1 \\
      --loss mse --seed 0 --handout -o handout.html
"""


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "slides",
        help="write a slide deck (one HTML file) of the forward and backward pass",
        description="Write one self-contained HTML file with a slide per forward and "
        "backward step of EXPR, or of the network --mlp or --neuron builds: the graph "
        "with the step highlighted, the chain-rule "
        "line and the grads so far. Arrow keys, Page Up/Down, Space, Home/End or clicks "
        "move through it, P plays it, Z follows the step up close on a big graph, "
        "clicking a node shows the terms of its grad; "
        "it loads nothing from the network.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_expression_arguments(parser)
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="the HTML file to write, e.g. deck.html (default: stdout, unless it is a terminal)",
    )
    parser.add_argument(
        "--title",
        type=title_text,
        help="the deck's title, UTF-8 text (default: EXPR, or the network's "
        "shape, as in 'MLP 2,4,1 (tanh), mse loss')",
    )
    parser.add_argument(
        "--predict",
        action="store_true",
        help="hide each step's number until the next key (or Enter) reveals it, "
        "so a class can call it out first",
    )
    parser.add_argument(
        "--close-up",
        action="store_true",
        help="open a graph too big to read whole at its own size, following the step "
        "(the Z key toggles it in the deck)",
    )
    parser.add_argument(
        "--handout",
        action="store_true",
        help="open on the printed pages instead of the slides, to scroll or print: A4 "
        "landscape, a page per step, or for a network a page per neuron (or layer, with "
        "--by layer) per pass, its graph text 9 pt or more",
    )
    add_number_arguments(parser, narration=False)
    add_by_argument(parser)
    parser.add_argument(
        "--rankdir", choices=("LR", "TB"), default="LR", help="layout direction (default LR)"
    )
    parser.add_argument(
        "--scale",
        type=float,
        default=1.5,
        metavar="S",
        help="font and line size of the graph relative to draw's (default 1.5, for a projector)",
    )
    parser.add_argument(
        "--timeout",
        type=seconds,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"give up (with a message) after this long, from {SHORTEST_TIMEOUT:g} to "
        f"{LONGEST_TIMEOUT:.0f} seconds, or 'none' (default {DEFAULT_TIMEOUT:g})",
    )
    parser.add_argument(
        "--max-steps",
        type=limit,
        default=DEFAULT_MAX_STEPS,
        metavar="N",
        help=f"refuse graphs with more steps than N, or 'none' (default {DEFAULT_MAX_STEPS})",
    )
    add_network_arguments(parser)
    parser.set_defaults(run=run)


def title_text(text: str) -> str:
    r"""argparse type for ``--title``: text the deck (UTF-8) can hold.

    Bytes that are not UTF-8 reach Python as lone surrogates; the title is
    refused, those bytes shown as ``\xNN``.

    >>> title_text("One neuron")
    'One neuron'
    >>> title_text("caf\udce9")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: 'caf\xe9' is not UTF-8 text; give the title in UTF-8
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise argparse.ArgumentTypeError(
            f"{_as_typed(text)} is not UTF-8 text; give the title in UTF-8"
        ) from None
    return text


def _as_typed(text: str) -> str:
    """``text`` quoted for a message, the bytes that were not UTF-8 shown as ``\\xNN``."""
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that came from no byte
        return ascii(text)
    return "'" + raw.decode("utf-8", "backslashreplace") + "'"


def run(args: argparse.Namespace) -> int:
    if args.output is None and sys.stdout.isatty():
        return report_error(
            "slides", ValueError("give the file to write with -o, as in -o deck.html")
        )
    try:
        _, out = graph_from_args(args)
        title = graph_title(args) if args.title is None else args.title
        stepper = stepper_from_args(args, out, "unicode")  # UTF-8 HTML, whatever the terminal
        options = {
            "title": title,
            "max_steps": args.max_steps,
            "rankdir": args.rankdir,
            "scale": args.scale,
            "timeout": args.timeout,
            "predict": args.predict,
            "close_up": args.close_up,
            "handout": args.handout,
        }
        if args.output is None:
            write_bytes(slides_html(stepper, **options).encode("utf-8"))
            return 0
        written = write_slides(stepper, args.output, **options)
    except (OSError, RuntimeError, ValueError, ArithmeticError) as e:
        return report_error("slides", e)
    if args.handout:  # its pages are made in the browser
        print(f"wrote {written} (a handout: open it to read or print its pages)", file=sys.stderr)
        return 0
    slides = len(stepper.coarse or stepper.steps) + 1
    print(f"wrote {written} ({slides} slides)", file=sys.stderr)
    return 0
