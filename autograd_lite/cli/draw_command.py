"""``autograd-lite draw EXPR VAR=VAL ... -o FILE``: the graph of an expression, as a picture.

Runs the backward pass first (unless ``--no-backward``), so every node shows
its data and grad, then writes ``FILE`` (``.svg``, ``.png``, ``.jpg``, or the
DOT source for ``.dot``/``.gv``). Without ``-o`` the SVG goes to stdout.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..drawing.dot import DEFAULT_MAX_NODES
from ..drawing.number_format import DEFAULT_NUMBER_FORMAT
from ..drawing.viz import render, to_svg
from .assignments import add_expression_arguments, graph_from_args, limit, report_error
from .network_options import add_network_arguments
from .terminal import write_bytes
from .trace_command import number_format_spec

EXAMPLE = """examples:
  autograd-lite draw 'q = x + y; f = q * z' x=-2 y=5 z=-4 -o f.svg
  autograd-lite draw 'tanh(x1*w1 + x2*w2 + b)' x1=2 x2=0 w1=-3 w2=1 b=6.8814 \\
      -o neuron.png --legend --format .4f
  autograd-lite draw 'y + exp(x * y)' x=0.5 y=-1.5 --rankdir TB --color grad > g.svg
  autograd-lite draw --mlp 2,4,1 --activation tanh --input 2,-1 --target 1 -o mlp.svg
"""


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "draw",
        help="draw the graph of an expression with every node's data and grad (SVG, PNG)",
        description="Build the graph of EXPR (or the network of --mlp or --neuron), run "
        "the backward pass, and draw it: one "
        "record per value (label | data | grad), one node per operation, the local "
        "derivative on each edge.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_expression_arguments(parser)
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="where to write: .svg, .png, .jpg, or .dot/.gv for the DOT source "
        "(default: SVG to stdout)",
    )
    parser.add_argument(
        "--no-backward",
        action="store_true",
        help="draw the forward pass only (grads show as not computed)",
    )
    parser.add_argument(
        "--rankdir", choices=("LR", "TB"), default="LR", help="layout direction (default LR)"
    )
    parser.add_argument(
        "--format",
        dest="number_format",
        type=number_format_spec,
        default=DEFAULT_NUMBER_FORMAT,
        metavar="SPEC",
        help="Python format spec for the numbers, e.g. .4f; the default, .6g "
        "(six significant digits), is also the narration's",
    )
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        metavar="S",
        help="multiply every font size and line width, e.g. 1.5 for a projector",
    )
    parser.add_argument(
        "--no-local-grads",
        dest="local_grads",
        action="store_false",
        help="leave the local derivatives off the edges",
    )
    parser.add_argument(
        "--color",
        choices=("role", "grad", "none"),
        default="role",
        help="fill values by role (input, parameter, constant, output), by gradient "
        "sign and size, or not at all (default role)",
    )
    parser.add_argument("--legend", action="store_true", help="add a legend")
    parser.add_argument(
        "--collapse",
        choices=("neuron", "layer"),
        help="draw each nn neuron or layer (by its parameters' labels) as one node",
    )
    parser.add_argument(
        "--max-nodes",
        type=limit,
        default=DEFAULT_MAX_NODES,
        metavar="N",
        help=f"refuse graphs with more nodes than N, or 'none' (default {DEFAULT_MAX_NODES})",
    )
    add_network_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        _, out = graph_from_args(args)
        if not args.no_backward:
            out.backward()
        options = {
            "rankdir": args.rankdir,
            "number_format": args.number_format,
            "local_grads": args.local_grads,
            "color": None if args.color == "none" else args.color,
            "legend": args.legend,
            "collapse": args.collapse,
            "max_nodes": args.max_nodes,
            "scale": args.scale,
        }
        if args.output is None:
            write_bytes(to_svg(out, **options).encode("utf-8"))
            return 0
        written = render(out, args.output, verbose=False, **options)
    except (OSError, RuntimeError, ValueError, ArithmeticError) as e:
        return report_error("draw", e)
    print(f"wrote {written}", file=sys.stderr)
    return 0
