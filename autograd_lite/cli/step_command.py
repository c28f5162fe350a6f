"""``autograd-lite step EXPR VAR=VAL ...``: step through backprop at the keyboard.

On a terminal the screen is redrawn in place at every key (``step_screen``):
→, n or space take the next step; ←, p or backspace go back; Home and End
jump to the start and the end; t switches between the graph as a tree and
the table; j then a number jumps to that step; q or Ctrl-D quits; Ctrl-C
exits 130, and Ctrl-\\, SIGTERM or a hang-up 128 + the signal's number,
the terminal put back in every case.
On a terminal without cursor control (``TERM=dumb``) it reads a command
per line instead (Enter or ``n`` next, ``p`` back, ``t`` table, ``q`` quit).
When stdin is not a terminal (a pipe, a file, a CI job), it prints every
step and the final table, and exits 0.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from typing import Any, TextIO

from ..play.coarse_steps import CoarseStep
from ..play.stepper import Step, Stepper
from . import step_screen
from .assignments import add_expression_arguments, graph_from_args, graph_title, report_error
from .network_options import add_network_arguments
from .terminal import check_printable
from .trace_command import (
    add_by_argument,
    add_number_arguments,
    print_final_table,
    stepper_from_args,
)

EXAMPLE = """example:
  autograd-lite step 'q = x + y; f = q * z' x=-2 y=5 z=-4
  autograd-lite step --neuron --input 2,0 --weights -3,1 --bias 6.8813735870195432
  autograd-lite step --mlp 2,2,1 --input -2,1 --target 1
"""

KEYS = "Enter/n next, p back, t table, q quit, h help"

HELP = """  Enter, n   next step
  p          back one step (restores the grads it wrote)
  t          table of all nodes: data and grad so far
  o          open a neuron's or layer's step into its edge steps (--by)
  j N        jump to step N (0 is the start)
  r          back to the start
  e          to the end
  q          quit"""

PROMPT = "> "

AT_END = "(the last step: every grad is now what backward() gives; t shows them)"


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "step",
        help="step through the forward and backward pass interactively",
        description="Step through the forward and then the backward pass of EXPR (or "
        "of the network --mlp or --neuron builds), one "
        f"chain-rule step at a time ({KEYS}). When stdin is not a terminal, print "
        "every step instead.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_expression_arguments(parser)
    add_number_arguments(parser)
    add_by_argument(parser)
    add_network_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        named, out = graph_from_args(args)
    except ValueError as e:
        return report_error("step", e)
    check_printable(named)
    try:
        stepper = stepper_from_args(args, out)
    except ValueError as e:
        return report_error("step", e)
    if not sys.stdin.isatty():
        print(stepper.narration())
        print()
        print_final_table(stepper)
        return 0
    try:
        if sys.stdout.isatty() and os.environ.get("TERM", "") not in ("", "dumb"):
            return step_screen.run(stepper, title=graph_title(args))
        return interact(stepper, input, sys.stdout)
    except KeyboardInterrupt:
        print()
        return 130


def told(stepper: Stepper, step: Step | CoarseStep) -> str:
    """``[9/10] backward: x̄ += ...``, and under it where the local derivative comes from;
    a neuron's or layer's step (``--by``): its header, then its lines."""
    if isinstance(step, CoarseStep):
        return step.under(stepper.header(), "    ")
    header = stepper.header() if stepper.coarse else stepper.header(step)
    line = f"{header} {step}"
    return f"{line}\n{' ' * (len(header) + 1)}{step.why}" if step.why else line


def interact(stepper: Stepper, read: Callable[[str], str], out: TextIO) -> int:
    """The keyboard loop: read a command with ``read(prompt)``, answer on ``out``."""

    def say(text: str = "") -> None:
        print(text, file=out, flush=True)

    total = len(stepper)
    forward = stepper.forward_count
    if stepper.coarse:
        say(f"{len(stepper.coarse)} steps by {stepper.by} (o opens one).  {KEYS}")
    else:
        say(f"{total} steps: {forward} forward, then {total - forward} backward.  {KEYS}")
    while True:
        try:
            command = read(PROMPT).strip().lower()
        except EOFError:
            say()
            return 0
        if command in ("", "n"):
            step = stepper.next()
            if step is None:
                say("(that was the last step: p goes back, t shows the table, q quits)")
            else:
                if isinstance(step, Step) and step.index == forward + 1 and not stepper.coarse:
                    say("backward pass")
                say(told(stepper, step))
                if stepper.at_end:
                    say(AT_END)
        elif command == "p":
            if stepper.position == 0:
                say("(already at the start)")
                continue
            step = stepper.back()
            say("back to " + (told(stepper, step) if step else f"{stepper.header()} the start"))
        elif command == "t":
            say(stepper.table())
        elif command == "o":
            step = stepper.open()
            say(told(stepper, step) if step else "(o opens a neuron's or layer's step: use --by)")
        elif command.startswith("j"):
            target = command[1:].strip()
            if not target.isdigit() or int(target) > total:
                say(f"(j needs a step number from 0 to {total}, as in j 3)")
                continue
            step = stepper.jump(int(target))
            say(told(stepper, step) if step else f"{stepper.header()} the start")
            if stepper.at_end:
                say(AT_END)
        elif command == "r":
            stepper.reset()
            say(f"{stepper.header()} the start")
        elif command == "e":
            step = stepper.end()
            say(told(stepper, step))
            say(AT_END)
        elif command in ("q", "quit", "exit"):
            return 0
        elif command in ("h", "?", "help"):
            say(HELP)
        else:
            say(f"(unknown command {command!r}: {KEYS})")
