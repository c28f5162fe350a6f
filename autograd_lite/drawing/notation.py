"""How the narration writes gradients: a bar for the output's gradient, ∂ for a local one.

Following the lectures (seed 004), ``x̄`` is the gradient of the output f
with respect to x (``x̄ = ∂f/∂x``, what ``x.grad`` holds once backprop is
done), and ``∂q/∂x`` is only ever a *local* derivative: how one operation's
result q moves with one of its inputs x. A backward step then reads::

    x̄ += q̄ · ∂q/∂x = (−4) · 1 = −4

Where the output cannot print that (an ASCII terminal), the same line is
written ``x_bar += q_bar * dq/dx = (-4) * 1 = -4``. ``choose`` picks the
form a stream can print.

>>> UNICODE.bar("x"), UNICODE.bar("w1"), UNICODE.local("q", "x")
('x̄', 'w̄1', '∂q/∂x')
>>> ASCII.bar("x"), ASCII.local("q", "x"), ASCII.times
('x_bar', 'dq/dx', '*')
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass
from typing import Any

from .number_format import UNICODE_MINUS

# A name the formulas can use bare; anything else goes in parentheses.
PLAIN_NAME = re.compile(r"[\w.#\[\]']+")
# One letter with an index after it (x, w1, x[0], n12, w#2): the bar goes on the letter.
_LETTER_AND_INDEX = re.compile(r"[A-Za-z](?:\d+|\[[^\]]*\])?(?:#\d+)?")

MACRON = "\u0304"  # x̄: a bar over one letter
OVERLINE = "\u0305"  # l̅o̅s̅s̅: joins into one line over a longer name


@dataclass(frozen=True)
class Notation:
    """One way of writing the narration: ``"unicode"`` or ``"ascii"``."""

    name: str
    times: str
    minus: str

    @property
    def unicode(self) -> bool:
        return self.name == "unicode"

    def bar(self, name: str) -> str:
        """The gradient of the output with respect to ``name``: ``x̄`` or ``x_bar``."""
        if not self.unicode:
            return f"{_bare(name)}_bar"
        head, dot, last = name.rpartition(".")
        if dot and _LETTER_AND_INDEX.fullmatch(last):
            barred = f"{head}.{_macron(last)}"  # L0.N3.w̄0
        elif _LETTER_AND_INDEX.fullmatch(name):
            barred = _macron(name)
        else:
            barred = "".join(c + OVERLINE for c in name)
        return unicodedata.normalize("NFC", barred)  # ȳ is one character, x̄ two

    def local(self, result: str, operand: str) -> str:
        """The local derivative of ``result`` by ``operand``: ``∂q/∂x`` or ``dq/dx``."""
        d = "\u2202" if self.unicode else "d"
        return f"{d}{_bare(result)}/{d}{_bare(operand)}"


UNICODE = Notation("unicode", "\u00b7", UNICODE_MINUS)
ASCII = Notation("ascii", "*", "-")

# What a stream must be able to encode for the Unicode form.
_SAMPLE = "x\u0304 \u00b7 \u2202q/\u2202x \u2212 l\u0305"


def choose(stream: Any = None) -> Notation:
    """The Unicode form if ``stream`` (default: ``sys.stdout``) can encode it, else ASCII.

    >>> import io
    >>> choose(io.TextIOWrapper(io.BytesIO(), encoding="ascii")).name
    'ascii'
    >>> choose(io.TextIOWrapper(io.BytesIO(), encoding="utf-8")).name
    'unicode'
    """
    stream = sys.stdout if stream is None else stream
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        _SAMPLE.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return ASCII
    return UNICODE


def notation(choice: str | Notation | None, stream: Any = None) -> Notation:
    """``"unicode"``, ``"ascii"``, a Notation, or None: chosen for ``stream`` (see ``choose``).

    >>> notation("ascii") is ASCII
    True
    """
    if isinstance(choice, Notation):
        return choice
    if choice is None:
        return choose(stream)
    forms = {"unicode": UNICODE, "ascii": ASCII}
    if choice not in forms:
        raise ValueError(f"notation must be 'unicode', 'ascii' or None (choose), got {choice!r}")
    return forms[choice]


def _macron(name: str) -> str:
    return name[0] + MACRON + name[1:]


def _bare(name: str) -> str:
    return name if PLAIN_NAME.fullmatch(name) else f"({name})"


__all__ = ["ASCII", "PLAIN_NAME", "UNICODE", "Notation", "choose", "notation"]
