"""Where the commands write: standard output, and every way writing to it can end.

``guarded(program, run)`` runs a command with ``sys.stdout`` watched, so that

* Ctrl-C ends it with exit status 130 and one line (``interrupted``);
* a reader that goes away (``| head -1``) ends it quietly;
* a failed write (``> /dev/full``: no space left) is one line naming
  standard output, never a traceback;
* on a terminal whose encoding lacks a character, the narration falls back
  to ASCII spellings (``ASCII_SPELLINGS``: ``×`` as ``*``, ``→`` as ``->``),
  and what has none (a label such as ``é``) is one line saying so;
* a standard stream closed before the command started (``>&-``, ``0<&-``)
  is one line (``ClosedStream``) when the command needs it and no trouble
  when it does not; a closed standard error silently drops the messages,
  the exit status still tells.

SVG and HTML go out as UTF-8 bytes (``write_bytes``) whatever the terminal's
encoding: they are files, and say so in their own header.

>>> import io, sys
>>> sys.stdout, real = io.TextIOWrapper(io.BytesIO(), encoding="ascii"), sys.stdout
>>> status = guarded("autograd-lite trace", lambda: print("1 \\u00d7 2 \\u2192 2") or 0)
>>> sys.stdout.flush(); printed = sys.stdout.buffer.getvalue(); sys.stdout = real
>>> status, printed
(0, b'1 * 2 -> 2\\n')
"""

from __future__ import annotations

import codecs
import os
import sys
from collections.abc import Callable, Iterable
from typing import Any, TextIO

ASCII_SPELLINGS: dict[str, str] = {
    "\u2212": "-",  # minus sign
    "\u2013": "-",
    "\u2014": "--",
    "\u00d7": "*",
    "\u00b7": "*",
    "\u22c5": "*",
    "\u2192": "->",
    "\u2190": "<-",
    "\u2026": "...",
    "\u2248": "~",
    "\u2264": "<=",
    "\u2265": ">=",
    "\u2260": "!=",
    "\u00b2": "^2",
    "\u00b3": "^3",
    "\u2202": "d",  # partial derivative
    "\u2207": "grad ",
    "\u221a": "sqrt",
    "\u2211": "sum",
    "\u03a3": "sum",
    "\u221e": "inf",
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2022": "*",
    "\u25b6": ">",
}
"""ASCII for the typographic characters narration may use, for terminals without them."""

_FALLBACK = "autograd_lite.ascii_spellings"


class OutputError(Exception):
    """Standard output can't be written (a full disk, an I/O error)."""


class UnprintableError(Exception):
    """Text with a character this terminal's encoding has no way to show."""


class ReaderGone(Exception):
    """The program reading standard output has gone away (a closed pipe)."""


class ClosedStream(Exception):
    """A standard stream the command needs was closed before it started (``>&-``)."""


def guarded(program: str | Callable[[], str], run: Callable[[], int]) -> int:
    """``run()``'s exit status, with every way writing standard output can end handled.

    ``program`` (or a function giving it, as it may be known only once the
    arguments are parsed) starts each message: ``autograd-lite trace``.
    """

    def say(message: str) -> None:
        name = program() if callable(program) else program
        print(f"{name}: {message}", file=sys.stderr)

    saved = sys.stdin, sys.stdout, sys.stderr
    _stand_in_for_closed_streams()
    real = sys.stdout
    try:
        sys.stdout = _Watched(real)
        _spell_in_ascii_if_needed(real)
        status = run()
        _flush(sys.stdout)
        return status
    except KeyboardInterrupt:
        _flush_or_discard(real)
        if sys.stderr.isatty():
            print(file=sys.stderr)  # the terminal echoed ^C: start a fresh line
        say("interrupted")
        return 130
    except ReaderGone:
        discard(real)
        return 0
    except OutputError as e:
        discard(real)
        say(f"error: {e}")
        return 1
    except (UnprintableError, ClosedStream) as e:
        say(f"error: {e}")
        return 1
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved


def check_printable(labels: Iterable[str], stream: TextIO | None = None) -> None:
    """UnprintableError naming the first label ``stream`` (stdout) can't show.

    Run before printing anything, so that nothing is half printed.

    >>> import io
    >>> check_printable(["x", "é"], io.TextIOWrapper(io.BytesIO(), encoding="ascii"))
    Traceback (most recent call last):
    ...
    autograd_lite.cli.terminal.UnprintableError: the label 'é' can't be printed here: this \
terminal's encoding (ascii) has no 'é'; use ASCII names, or set PYTHONIOENCODING=utf-8
    """
    stream = sys.stdout if stream is None else stream
    encoding = getattr(stream, "encoding", None) or "utf-8"
    for label in labels:
        for ch in label:
            if not _encodable(ch, encoding):
                raise UnprintableError(
                    f"the label {label!r} can't be printed here: {_lacks(encoding, ch)}"
                )


def write_bytes(data: bytes) -> None:
    """Write ``data`` to standard output as bytes (UTF-8 SVG or HTML), then flush."""
    out = sys.stdout
    buffer = getattr(out, "buffer", None)
    if buffer is None:  # a text-only stream (io.StringIO in a test)
        out.write(data.decode("utf-8"))
        out.flush()
        return
    _flush(out)
    _call(buffer.write, data)
    _call(buffer.flush)


class _Watched:
    """``sys.stdout`` as it was, with each write's failure turned into one of the above."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return _call(self._stream.write, text)

    def flush(self) -> None:
        _call(self._stream.flush)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class _Closed:
    """Stands in for a closed ``sys.stdin`` or ``sys.stdout`` (Python sets them to None):
    any use of it is ``ClosedStream``, saying which."""

    def __init__(self, message: str) -> None:
        self._message = message

    def __getattr__(self, name: str) -> Any:
        raise ClosedStream(self._message)

    def flush(self) -> None:
        """Nothing was written, so nothing is waiting."""


def _stand_in_for_closed_streams() -> None:
    """Give each standard stream closed at start a stand-in, and its descriptor /dev/null.

    The descriptor is filled first, so that no file opened later (a model
    being saved, a renderer's pipe) takes the number 0, 1 or 2 and gets
    what was meant for a standard stream.
    """
    for fd in (0, 1, 2):
        _fill_if_closed(fd)
    if sys.stdin is None:
        sys.stdin = _Closed("can't read standard input: it is closed")
    if sys.stdout is None:
        sys.stdout = _Closed("can't write to standard output: it is closed")
    if sys.stderr is None:
        sys.stderr = open(2, "w", closefd=False)  # /dev/null now: messages go nowhere


def _fill_if_closed(fd: int) -> None:
    try:
        os.fstat(fd)
        return
    except OSError:
        pass
    devnull = os.open(os.devnull, os.O_RDWR)
    if devnull != fd:
        os.dup2(devnull, fd)
        os.close(devnull)


def _call(action: Callable[..., Any], *args: Any) -> Any:
    try:
        return action(*args)
    except BrokenPipeError:
        raise ReaderGone from None
    except UnicodeEncodeError as e:
        raise UnprintableError(_unprintable(e)) from None
    except OSError as e:
        raise OutputError(f"can't write to standard output: {e.strerror or e}") from None


def _flush(stream: Any) -> None:
    flush = getattr(stream, "flush", None)
    if flush is not None:
        _call(flush)


def _unprintable(error: UnicodeEncodeError) -> str:
    text, start = error.object, error.start
    ch = text[start]
    lo, hi = start, start + 1
    while lo > 0 and _word_char(text[lo - 1]):
        lo -= 1
    while hi < len(text) and _word_char(text[hi]):
        hi += 1
    return f"can't print {text[lo:hi]!r} here: {_lacks(error.encoding, ch)}"


def _lacks(encoding: str, ch: str) -> str:
    return (
        f"this terminal's encoding ({encoding}) has no {ch!r}; use ASCII names, "
        "or set PYTHONIOENCODING=utf-8"
    )


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _encodable(ch: str, encoding: str) -> bool:
    try:
        ch.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def _spell_in_ascii_if_needed(stream: Any) -> None:
    """Let ``stream`` write ASCII_SPELLINGS where its encoding lacks the character."""
    if isinstance(stream, _Closed):
        return
    encoding = getattr(stream, "encoding", None)
    reconfigure = getattr(stream, "reconfigure", None)
    if not encoding or reconfigure is None or _encodable("\u2212\u2192", encoding):
        return
    if getattr(stream, "errors", "strict") == "strict":
        reconfigure(errors=_FALLBACK)


def _ascii_spelling(error: UnicodeError) -> tuple[str, int]:
    if isinstance(error, UnicodeEncodeError):
        spelling = ASCII_SPELLINGS.get(error.object[error.start])
        if spelling is not None:
            return spelling, error.start + 1
    raise error


codecs.register_error(_FALLBACK, _ascii_spelling)


def _flush_or_discard(stream: Any) -> None:
    """Keep what was printed before Ctrl-C when it can still be written."""
    try:
        stream.flush()
    except (Exception, KeyboardInterrupt):
        discard(stream)


def discard(stream: Any) -> None:
    """Point ``stream``'s file descriptor at /dev/null, so that the interpreter's last
    flush of what is still buffered can't fail again on the way out (a full disk, a
    closed pipe, a terminal that hung up).

    >>> import io
    >>> discard(io.StringIO())  # no file descriptor: nothing to do
    """
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError, ClosedStream):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


__all__ = [
    "ASCII_SPELLINGS",
    "ClosedStream",
    "OutputError",
    "ReaderGone",
    "UnprintableError",
    "check_printable",
    "discard",
    "guarded",
    "write_bytes",
]
