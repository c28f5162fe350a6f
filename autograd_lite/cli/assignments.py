"""``EXPR VAR=VAL ...`` on the command line: the input of trace, step and draw.

A command adds the two arguments with ``add_expression_arguments(parser)``
and turns them into a graph with ``graph_from_args(args)``; a bad
``VAR=VAL`` is reported by argparse (exit status 2), a bad expression by
``ExpressionError``, which ``report_error`` prints without a traceback.
EXPR may be left out when ``--mlp`` or ``--neuron`` (``network_options``)
asks for a network instead; then ``graph_from_args`` builds that.

>>> parse_assignment("x=-2")
('x', -2.0)
>>> named, out = graph_from_text("q = x + y; f = q * z", ["x=-2", "y=5", "z=-4"])
>>> out.label, out.data
('f', -12.0)
"""

from __future__ import annotations

import argparse
import keyword
import math
import sys
from collections.abc import Iterable
from typing import TextIO

from ..engine.value import Value
from ..expression import ExpressionError, output_of, parse
from .network_options import check_network_args, network_from_args, network_title, wants_network

EXPRESSION_HELP = (
    "the expression, in quotes: '(x + y) * z' or 'q = x + y; f = q * z' "
    "(put -- before it if it starts with '-')"
)


def parse_assignment(text: str) -> tuple[str, float]:
    """``"x=-2"`` -> ``("x", -2.0)``; argparse's ``type=`` for ``VAR=VAL``.

    >>> parse_assignment("rate = 1e-3")
    ('rate', 0.001)
    """
    name, sep, value = text.partition("=")
    name, value = name.strip(), value.strip()
    if not sep:
        raise argparse.ArgumentTypeError(f"{text!r} is not VAR=VAL, as in x=-2")
    if not name.isidentifier() or keyword.iskeyword(name):
        raise argparse.ArgumentTypeError(f"in {text!r}, {name!r} is not a valid variable name")
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"in {text!r}, {value!r} is not a number (write x=-2 or x=0.5)"
        ) from None
    if not math.isfinite(number):
        raise argparse.ArgumentTypeError(f"in {text!r}, the value must be a finite number")
    return name, number


def values_from(pairs: Iterable[tuple[str, float]]) -> dict[str, float]:
    """The ``VAR=VAL`` pairs as a dict; a variable given twice is a ValueError.

    >>> values_from([("x", 1.0), ("y", 2.0)])
    {'x': 1.0, 'y': 2.0}
    """
    values: dict[str, float] = {}
    for name, number in pairs:
        if name in values:
            raise ValueError(
                f"{name} is given twice ({name}={values[name]:g} and {name}={number:g})"
            )
        values[name] = number
    return values


def add_expression_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the positional ``EXPR`` and ``VAR=VAL ...`` arguments."""
    parser.add_argument("expression", metavar="EXPR", nargs="?", help=EXPRESSION_HELP)
    parser.add_argument(
        "assignments",
        metavar="VAR=VAL",
        nargs="*",
        type=parse_assignment,
        help="a value for each input, as in x=-2 y=5 z=-4",
    )
    parser.set_defaults(usage_error=parser.error)


def graph_from_text(expression: str, assignments: Iterable[str]) -> tuple[dict[str, Value], Value]:
    """Parse ``expression`` with ``VAR=VAL`` strings: ``(named Values, output)``."""
    return graph_from_pairs(expression, [parse_assignment(a) for a in assignments])


def graph_from_pairs(
    expression: str, pairs: Iterable[tuple[str, float]]
) -> tuple[dict[str, Value], Value]:
    """Parse ``expression`` with ``(name, value)`` pairs: ``(named Values, output)``.

    Raises ValueError (``ExpressionError`` is one) for bad input.
    """
    named = parse(expression, **values_from(pairs))
    return named, output_of(named)


def graph_from_args(args: argparse.Namespace) -> tuple[dict[str, Value], Value]:
    """The graph of the ``EXPR`` and ``VAR=VAL`` arguments, or of ``--mlp``/``--neuron``.

    ``(named Values, output)``. Options that do not fit together are a usage
    error (``args.usage_error``, argparse's: exit status 2).
    """
    problem = check_network_args(args)
    if problem is None and args.expression is None and not wants_network(args):
        problem = "the following arguments are required: EXPR (or --mlp or --neuron)"
    if problem is not None:
        getattr(args, "usage_error", _raise)(problem)
    if wants_network(args):
        return network_from_args(args)
    return graph_from_pairs(args.expression, args.assignments)


def _raise(problem: str) -> None:
    raise ValueError(problem)


def graph_title(args: argparse.Namespace) -> str:
    """What the graph is called: EXPR on one line, or the network's short name."""
    if wants_network(args):
        return network_title(args)
    return " ".join(args.expression.split())


def limit(text: str) -> int | None:
    """argparse type for a size limit: a whole number >= 1, or 'none' for no limit."""
    if text.strip().lower() == "none":
        return None
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number or 'none'") from None
    if n < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return n


def report_error(command: str, error: Exception, stream: TextIO | None = None) -> int:
    """Print ``autograd-lite COMMAND: error: ...`` to stderr; return the exit status 1."""
    stream = sys.stderr if stream is None else stream
    where = "in EXPR, " if isinstance(error, ExpressionError) and error.line is not None else ""
    print(f"autograd-lite {command}: error: {where}{error}", file=stream)
    return 1


__all__ = [
    "add_expression_arguments",
    "graph_from_args",
    "graph_from_pairs",
    "graph_from_text",
    "graph_title",
    "parse_assignment",
    "report_error",
    "values_from",
]
