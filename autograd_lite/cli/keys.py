"""Single keys from a terminal: the keyboard, one key at a time, arrows decoded.

``KeyReader`` puts the terminal in cbreak mode (no Enter needed, no echo,
but Ctrl-C still interrupts) for the duration of a ``with`` block and
always puts it back. ``read(timeout)`` returns one key name: a printable
character as itself, or ``"right" "left" "up" "down" "home" "end" "enter"
"backspace" "escape" "pageup" "pagedown"``, or ``"ctrl-d"`` (in cbreak mode
the terminal no longer turns Ctrl-D into the end of input, so it comes as
a key); None when nothing came within ``timeout`` seconds (so a caller can
redraw after a resize).

>>> decode(b"\\x1b[C"), decode(b"\\x1bOH"), decode(b"\\x1b[4~"), decode(b"\\x7f"), decode(b"n")
('right', 'home', 'end', 'backspace', 'n')
>>> decode(b"\\x04")
'ctrl-d'
"""

from __future__ import annotations

import os
import select
import sys
from types import TracebackType

# Escape sequences terminals send for the keys the stepper uses (xterm, VT220, rxvt).
SEQUENCES: dict[bytes, str] = {
    b"\x1b[A": "up",
    b"\x1b[B": "down",
    b"\x1b[C": "right",
    b"\x1b[D": "left",
    b"\x1bOA": "up",
    b"\x1bOB": "down",
    b"\x1bOC": "right",
    b"\x1bOD": "left",
    b"\x1b[H": "home",
    b"\x1b[F": "end",
    b"\x1bOH": "home",
    b"\x1bOF": "end",
    b"\x1b[1~": "home",
    b"\x1b[4~": "end",
    b"\x1b[7~": "home",
    b"\x1b[8~": "end",
    b"\x1b[5~": "pageup",
    b"\x1b[6~": "pagedown",
}
SINGLE: dict[bytes, str] = {
    b"\r": "enter",
    b"\n": "enter",
    b"\x7f": "backspace",
    b"\x08": "backspace",
    b"\x1b": "escape",
    b" ": "space",
    b"\x04": "ctrl-d",
}


def decode(data: bytes) -> str:
    """The name of the key that sent ``data`` (see the module doc)."""
    if data in SEQUENCES:
        return SEQUENCES[data]
    if data in SINGLE:
        return SINGLE[data]
    if data.startswith(b"\x1b"):
        return "escape"  # a sequence for a key the stepper does not use
    return data.decode("utf-8", "replace")


class KeyReader:
    """The terminal on ``fd`` in cbreak mode while the block runs (see the module doc)."""

    def __init__(self, fd: int | None = None) -> None:
        self.fd = sys.stdin.fileno() if fd is None else fd
        self._saved: list | None = None

    def __enter__(self) -> KeyReader:
        import termios
        import tty

        self._saved = termios.tcgetattr(self.fd)
        try:
            tty.setcbreak(self.fd)
        except BaseException:  # a signal, as cbreak mode was being set
            self._put_back()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._put_back()

    def _put_back(self) -> None:
        """The terminal's settings as they were; nothing to do if it has gone (a hang-up)."""
        import termios

        if self._saved is not None:
            try:
                termios.tcsetattr(self.fd, termios.TCSADRAIN, self._saved)
            except (termios.error, OSError):
                pass

    def read(self, timeout: float | None = None) -> str | None:
        """The next key's name, or None if none came within ``timeout`` seconds."""
        if not self._ready(timeout):
            return None
        data = os.read(self.fd, 1)
        if not data:
            raise EOFError
        if data == b"\x1b":
            # The rest of an escape sequence arrives at once; a lone Esc does not.
            while self._ready(0.03) and len(data) < 8:
                data += os.read(self.fd, 1)
                if data[-1:].isalpha() or data[-1:] == b"~":
                    break
        elif data[0] >= 0xC0:  # the first byte of a multi-byte UTF-8 character
            while self._ready(0.01) and len(data) < 4:
                data += os.read(self.fd, 1)
        return decode(data)

    def _ready(self, timeout: float | None) -> bool:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        return bool(ready)


__all__ = ["KeyReader", "decode"]
