"""``autograd-lite demo NAME [--out DIR]``: run a worked example of the lectures.

``autograd-lite demo --list`` shows the demos (the registry is ``autograd_lite.demos.DEMOS``).
Each prints the lecture's numbers next to autograd-lite's and writes its
pictures (graph SVGs, plots) into ``--out`` (default ``out/<module>``).
Options after NAME go to the demo itself, e.g. ``demo moons --seed 1``.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from typing import Any

from .assignments import report_error

EXAMPLE = """examples:
  autograd-lite demo --list
  autograd-lite demo backprop-intro --out slides/intro
  autograd-lite demo moons --steps 50
"""


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="run a worked example from the lectures (--list shows them)",
        description="Run a demo: it prints the lecture's numbers next to autograd-lite's "
        "and writes its pictures into --out.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("name", nargs="?", metavar="NAME", help="the demo to run (see --list)")
    parser.add_argument("--list", action="store_true", help="list the demos and exit")
    parser.add_argument(
        "--out", metavar="DIR", help="folder for the demo's pictures (default out/<demo module>)"
    )
    parser.add_argument(
        "demo_args",
        nargs=argparse.REMAINDER,
        metavar="...",
        help="options after NAME are passed to the demo (e.g. --out DIR, --seed 1)",
    )
    parser.set_defaults(run=run)


def listing() -> str:
    """The demos, one per line: name and description."""
    from autograd_lite.demos import DEMOS

    width = max(len(name) for name in DEMOS)
    return "\n".join(f"  {name.ljust(width)}  {demo.description}" for name, demo in DEMOS.items())


def run(args: argparse.Namespace) -> int:
    from autograd_lite.demos import DEMOS, load
    from autograd_lite.demos.report import INVOKED_AS

    if args.list:
        print("demos (autograd-lite demo NAME [--out DIR]):")
        print(listing())
        return 0
    if args.name is None:
        print("autograd-lite demo: name a demo to run; the demos are:", file=sys.stderr)
        print(listing(), file=sys.stderr)
        return 2
    if args.name not in DEMOS:
        close = difflib.get_close_matches(args.name, list(DEMOS), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        print(
            f"autograd-lite demo: unknown demo {args.name!r}{hint}; the demos are:", file=sys.stderr
        )
        print(listing(), file=sys.stderr)
        return 2
    argv = list(args.demo_args)
    if args.out is not None:
        argv = ["--out", args.out, *argv]
    invoked = INVOKED_AS.set(f"autograd-lite demo {args.name}")
    try:
        load(args.name).main(argv)
    except SystemExit as stop:  # the demo's own argparse: --help, or a bad option
        code = stop.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except (OSError, ValueError, ArithmeticError, RuntimeError) as e:
        return report_error("demo", e)
    finally:
        INVOKED_AS.reset(invoked)
    return 0
