"""The ``autograd-lite`` command: trace, step, draw, demo and slides from a shell.

Each subcommand lives in a module of this package named after it
(``draw_command`` for ``draw``, so no module is named like the public
``draw``), with two functions, ``add_parser(subparsers)`` and
``run(args) -> int``, and is listed in ``COMMANDS``. The rest is shared:
reading ``x=-2`` assignments (``assignments``), writing to a terminal that
may close or refuse a character (``terminal``), and the single-key stepper
(``step_screen``, ``keys``). It is the top of the package: it may import
``play``, ``drawing``, the engine, the expression language, ``nn`` (for
the networks of ``--mlp`` and ``--neuron``, ``network_options``) and the
package face; nothing imports it but ``__main__``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from .. import __version__
from .network_options import joined_negative_lists
from .terminal import guarded

# command -> its module in this package, in the order ``--help`` lists them
COMMANDS: dict[str, str] = {
    "trace": "trace_command",
    "step": "step_command",
    "draw": "draw_command",
    "demo": "demo_command",
    "slides": "slides_command",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="autograd-lite",
        description="Scalar reverse-mode autodiff you can watch: trace, step and draw backprop.",
    )
    parser.add_argument("--version", action="version", version=f"autograd-lite {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMANDS.values():
        module = importlib.import_module(f"{__name__}.{module_name}")
        module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``autograd-lite`` with ``argv``; the exit status.

    However writing standard output ends (Ctrl-C: 130; a full disk, or a
    label the terminal can't show: one line; a closed pipe: quietly), no
    traceback is printed (``terminal.guarded``).
    """
    chosen: list[str] = []  # the command, once the arguments say which

    def run() -> int:
        parser = build_parser()
        args = parser.parse_args(joined_negative_lists(sys.argv[1:] if argv is None else argv))
        if args.command is None:
            parser.print_help()
            return 0
        chosen.append(args.command)
        return int(args.run(args) or 0)

    return guarded(lambda: " ".join(["autograd-lite", *chosen]), run)


if __name__ == "__main__":
    sys.exit(main())
