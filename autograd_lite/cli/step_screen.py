"""The full-screen terminal stepper: one key a step, the screen redrawn in place.

``StepScreen`` holds what is shown besides the ``Stepper``'s position: the
view (the graph as a tree with the current node marked, or the table; a
value reads ``?`` until the forward pass computes it, and a line under it
says what the marks mean), a
step number being typed after ``j``, and a one-line message. ``handle(key)``
acts on a key name (``keys.py``); ``frame(width, height)`` is the screen as
lines that fit, so both are plain functions a test can call. ``run`` wires
them to a terminal: the alternate screen, cbreak mode, redraws on resize,
and everything put back (main screen, cursor, terminal settings) however it
ends: q or Ctrl-D (exit 0), Ctrl-C (130), Ctrl-\\ (SIGQUIT), SIGTERM or a
hang-up (SIGHUP): 128 + the signal's number.

>>> from autograd_lite import parse
>>> from autograd_lite.play.stepper import Stepper
>>> screen = StepScreen(Stepper(parse("q = x + y; f = q * z", x=-2, y=5, z=-4)["f"]), "f")
>>> screen.handle("right"), screen.stepper.position
(True, 1)
>>> screen.frame(60, 12)[2]
' 1. x = \u22122   (input)'
"""

from __future__ import annotations

import re
import signal
import sys
from collections.abc import Callable
from typing import Any, TextIO

from ..drawing.scene import GraphTooLargeError
from ..play.coarse_steps import CoarseStep
from ..play.stepper import MARKS_LEGEND, Stepper
from .keys import KeyReader
from .terminal import discard

NEXT = {"right", "n", "space", "enter", "down", "pagedown"}
BACK = {"left", "p", "backspace", "up", "pageup"}
KEYS_HELP = "→ n space: next   ← p ⌫: back  Home End  t: table/tree   o: open   j N: jump   q: quit"
KEYS_HELP_ASCII = "right n space: next  left p bksp: back Home End  t: table  o: open  j N  q: quit"

ALT_SCREEN, MAIN_SCREEN = "\x1b[?1049h", "\x1b[?1049l"
HIDE_CURSOR, SHOW_CURSOR = "\x1b[?25l", "\x1b[?25h"
HOME_AND_CLEAR = "\x1b[H\x1b[2J"

QUIT = {"q", "Q", "ctrl-d"}

# The signals that end the screen (after it is put back), where the platform has them.
STOP_SIGNALS: tuple[signal.Signals, ...] = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGQUIT") if hasattr(signal, name)
)


class StepScreen:
    """What the terminal stepper shows, and what each key does (see the module doc)."""

    def __init__(self, stepper: Stepper, title: str, ascii_only: bool = False) -> None:
        self.stepper = stepper
        self.title = title
        self.ascii_only = ascii_only
        self.view = "tree"
        self.typed: str | None = None  # the step number typed after j
        self.message = ""

    # --- keys -------------------------------------------------------------------

    def handle(self, key: str) -> bool:
        """Act on one key; False means quit."""
        self.message = ""
        if self.typed is not None:
            return self._typing(key)
        s = self.stepper
        if key in QUIT:
            return False
        if key in NEXT:
            if s.next() is None:
                self.message = "(the last step: every grad is now what backward() gives)"
        elif key in BACK:
            if s.back() is None and s.position == 0:
                self.message = "(the start: no step taken yet)"
        elif key == "home":
            s.reset()
        elif key == "end":
            s.end()
        elif key in ("t", "T"):
            self.view = "table" if self.view == "tree" else "tree"
        elif key in ("o", "O"):
            if s.open() is None:
                self.message = "(o opens a neuron's or layer's step: start with --by neuron)"
        elif key in ("j", "J"):
            self.typed = ""
        else:
            self.message = f"(no action for {key!r}; the keys are below)"
        return True

    def _typing(self, key: str) -> bool:
        total = len(self.stepper)
        if key.isdigit() and len(self.typed or "") < 6:
            self.typed = (self.typed or "") + key
        elif key == "backspace":
            self.typed = (self.typed or "")[:-1]
        elif key == "enter" and self.typed:
            target = int(self.typed)
            self.typed = None
            if target > total:
                self.message = f"(there are {total} steps: j takes 0 to {total})"
            else:
                self.stepper.jump(target)
        elif key in ("escape", "enter"):
            self.typed = None
        return True

    # --- the picture ------------------------------------------------------------

    def frame(self, width: int, height: int) -> list[str]:
        """The screen as at most ``height`` lines of at most ``width`` characters."""
        width, height = max(width, 20), max(height, 6)
        head = [self._title_line(width), ("-" if self.ascii_only else "─") * width]
        for line in self._step_text().split("\n"):
            head += _wrapped(line, width)
        why = getattr(self.stepper.shown, "why", "")
        if why:
            head += _wrapped(f"    {why}", width)
        keys = KEYS_HELP_ASCII if self.ascii_only else KEYS_HELP
        foot = [self._prompt_line(), MARKS_LEGEND, keys]
        room = height - len(head) - len(foot) - 1
        body = self._body()
        body = _window(body, room, self._focus_line(body))
        lines = head + [""] + body + [""] * (room - len(body)) + foot
        return [_fit(line, width) for line in lines[:height]]

    def _title_line(self, width: int) -> str:
        s = self.stepper
        step = s.shown
        phase = "start" if step is None else ("forward" if step.kind == "forward" else "backward")
        right = f"step {s.position} of {len(s)} · {phase}"
        if s.coarse:
            at = s.current_coarse.index if s.current_coarse else 0
            right = f"{s.by} {at} of {len(s.coarse)} · {phase}"
        if self.ascii_only:
            right = right.replace("·", "-")
        left = f"autograd-lite step   {self.title}"
        if len(left) + len(right) + 2 > width:
            left = _fit(left, max(width - len(right) - 2, 1))
        return left + " " * max(width - len(left) - len(right), 1) + right

    def _step_text(self) -> str:
        step = self.stepper.shown
        if isinstance(step, CoarseStep):
            return step.under(self.stepper.header(), "   ")  # its lines, and a layer's matrices
        if step is None and self.stepper.coarse:
            s = self.stepper
            return f"{len(s.coarse)} steps by {s.by}. Press → or space for the first; o opens one."
        if step is None:
            s = self.stepper
            return (
                f"{len(s)} steps: {s.forward_count} forward, then "
                f"{len(s) - s.forward_count} backward. Press → or space for the first."
            )
        if self.stepper.coarse:
            return f"{self.stepper.header()} {step}"
        return f"{step.index:>2}. {step}"

    def _body(self) -> list[str]:
        if self.view == "table":
            return self.stepper.table().splitlines()
        try:
            form = "ascii" if self.ascii_only else None
            return self.stepper.to_text(form, legend=False).splitlines()
        except GraphTooLargeError:  # a tree too long to print: the table still is not
            note = "(the graph is too big for the tree view: its table instead)"
            return [note, *self.stepper.table().splitlines()]

    def _focus_line(self, body: list[str]) -> int:
        """The line of the node the current step is about (to keep it on screen)."""
        for mark in ("*", ">"):
            pattern = re.compile(rf"^[\s│├└─|`-]*{re.escape(mark)} ")
            for i, line in enumerate(body):
                if pattern.match(line):
                    return i
        return 0

    def _prompt_line(self) -> str:
        if self.typed is not None:
            total = len(self.stepper)
            return f"jump to step (0 to {total}): {self.typed}_   Enter: go, Esc: cancel"
        return self.message


def _wrapped(text: str, width: int) -> list[str]:
    lines = []
    while len(text) > width:
        cut = text.rfind(" ", 0, width)
        cut = width if cut <= 0 else cut
        lines.append(text[:cut])
        text = "    " + text[cut:].lstrip()
    return lines + [text]


def _window(lines: list[str], room: int, focus: int) -> list[str]:
    """At most ``room`` lines of ``lines``, keeping line ``focus`` in view."""
    if len(lines) <= room:
        return lines
    if room < 1:
        return []
    start = min(max(focus - room // 3, 0), len(lines) - room)
    shown = lines[start : start + room]
    if start > 0:
        shown[0] = f"... {start} lines above"
    if start + room < len(lines):
        shown[-1] = f"... {len(lines) - start - room + 1} lines below"
    return shown


def _fit(line: str, width: int) -> str:
    return line if len(line) <= width else line[: max(width - 1, 0)] + "…"


# --- on a real terminal --------------------------------------------------------------


class Signalled(BaseException):
    """A signal in ``STOP_SIGNALS`` arrived: unwinds the screen, which ``run`` puts back."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def run(stepper: Stepper, title: str, out: TextIO | None = None) -> int:
    """Drive ``StepScreen`` on this terminal until q or Ctrl-D (0) or a signal in
    ``STOP_SIGNALS`` (128 + its number); Ctrl-C raises KeyboardInterrupt. The
    terminal is put back first, whichever way it ends."""
    out = out or sys.stdout
    screen = StepScreen(stepper, title, ascii_only=not _can_print(out, "├─∂→·…"))
    resized = [True]
    previous: dict[int, Any] = {}
    try:
        _catch_signals(previous, resized)
        out.write(ALT_SCREEN + HIDE_CURSOR)
        with KeyReader() as keys:
            _show(screen, keys, out, resized)
    except Signalled as stop:
        return 128 + stop.signum
    finally:
        _put_back(out, previous)
    step = stepper.current
    print(f"stopped at step {stepper.position} of {len(stepper)}" + (f": {step}" if step else ""))
    return 0


def _show(screen: StepScreen, keys: KeyReader, out: TextIO, resized: list[bool]) -> None:
    """Draw, read a key, act on it; until a key quits or the keyboard is gone."""
    while True:
        if resized[0]:
            resized[0] = False
        _draw(screen, out)
        try:
            key = _next_key(keys, resized)
        except EOFError:  # the terminal went away
            return
        if key is not None and not screen.handle(key):
            return


def _catch_signals(previous: dict[int, Any], resized: list[bool]) -> None:
    """Redraw on SIGWINCH; unwind (to put the terminal back) on SIGINT and STOP_SIGNALS.

    Each signal's old handler goes into ``previous`` as it is replaced.
    """
    previous[signal.SIGWINCH] = signal.signal(
        signal.SIGWINCH, lambda *_: resized.__setitem__(0, True)
    )
    previous[signal.SIGINT] = signal.signal(signal.SIGINT, _stopping(lambda _: KeyboardInterrupt()))
    for signum in STOP_SIGNALS:
        previous[signum] = signal.signal(signum, _stopping(Signalled))


def _stopping(error: Callable[[int], BaseException]) -> Callable[[int, Any], None]:
    """A handler that holds back further signals (so nothing cuts the clean-up short)
    and raises ``error(signum)``."""

    def handler(signum: int, frame: Any) -> None:
        _hold_signals(signal.SIG_BLOCK)
        raise error(signum)

    return handler


def _put_back(out: TextIO, previous: dict[int, Any]) -> None:
    """Main screen, cursor and the old signal handlers back; a signal held back during
    the clean-up is delivered after it."""
    _hold_signals(signal.SIG_BLOCK)
    try:
        out.write(SHOW_CURSOR + MAIN_SCREEN)
        out.flush()
    except Exception:  # the terminal hung up: nothing to show anything on
        discard(out)
    for signum, handler in previous.items():
        signal.signal(signum, handler)
    _hold_signals(signal.SIG_UNBLOCK)


def _hold_signals(how: int) -> None:
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(how, {signal.SIGINT, *STOP_SIGNALS})


def _next_key(keys: KeyReader, resized: list[bool]) -> str | None:
    """The next key, or None as soon as the terminal was resized (to redraw)."""
    while True:
        key = keys.read(timeout=0.25)
        if key is not None or resized[0]:
            return key


def _draw(screen: StepScreen, out: TextIO) -> None:
    import shutil

    size = shutil.get_terminal_size((80, 24))
    lines = screen.frame(size.columns, size.lines)
    out.write(HOME_AND_CLEAR + "\n".join(lines))
    out.flush()


def _can_print(out: Any, text: str) -> bool:
    try:
        text.encode(getattr(out, "encoding", None) or "ascii")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


__all__ = ["StepScreen", "run"]
