"""How the narration writes gradients: a bar for the output's gradient, ∂ for a local one.

Following the lectures (seed 004), ``x̄`` is the gradient of the output f
with respect to x (``x̄ = ∂f/∂x``, what ``x.grad`` holds once backprop is
done), and ``∂q/∂x`` is only ever a *local* derivative: how one operation's
result q moves with one of its inputs x. A backward step then reads::

    x̄ += q̄ · ∂q/∂x = (−4) · 1 = −4

Where the output cannot print that (an ASCII terminal), the same line is
written ``x_bar += q_bar * dq/dx = (-4) * 1 = -4``. ``choose`` picks the
form a stream can print.

A bar over one letter is the combining macron (``x̄``; ``w̄1`` for a letter
with an index, as the lectures write w̄₁). No character puts one bar over
a longer name such as micrograd's ``x1w1``: a combining overline per
character lands one character late in a browser and is ragged in a
terminal, so text writes it ``bar(x1w1)``, and a page (the player, the
deck) draws one line over the whole name instead (``WholeBars``).

>>> UNICODE.bar("x"), UNICODE.bar("w1"), UNICODE.bar("x1w1"), UNICODE.local("q", "x")
('x̄', 'w̄1', 'bar(x1w1)', '∂q/∂x')
>>> ASCII.bar("x"), ASCII.local("q", "x"), ASCII.times
('x_bar', 'dq/dx', '*')
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from typing import Any

from .number_format import UNICODE_MINUS

# A name the formulas can use bare; anything else goes in parentheses.
PLAIN_NAME = re.compile(r"[\w.#\[\]']+")
# One letter with an index after it (x, w1, x[0], n12, w#2): the bar goes on the letter.
_LETTER_AND_INDEX = re.compile(r"[A-Za-z](?:\d+|\[[^\]]*\])?(?:#\d+)?")

MACRON = "\u0304"  # x̄: a bar over one letter
BAR_START, BAR_END = "\u0098", "\u009c"
"""Around a name a page draws one bar over (``WholeBars.marked``): C1 controls (start of
string, string terminator), which no name may hold (``drawable_text.check_printable``)."""


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
        """The gradient of the output with respect to ``name``: ``x̄``, ``bar(x1w1)``
        (a longer name: see the module doc) or ``x_bar``."""
        if not self.unicode:
            return f"{_bare(name)}_bar"
        if self.whole_bar(name):
            return f"bar({name})"
        head, dot, last = name.rpartition(".")
        barred = f"{head}.{_macron(last)}" if dot else _macron(name)  # L0.N3.w̄0
        return unicodedata.normalize("NFC", barred)  # ȳ is one character, x̄ two

    def whole_bar(self, name: str) -> bool:
        """Whether the bar of ``name`` goes over all of it (``bar(x1w1)``), not one letter.

        >>> UNICODE.whole_bar("x1w1"), UNICODE.whole_bar("L0.N3.w0"), ASCII.whole_bar("x1w1")
        (True, False, False)
        """
        if not self.unicode:
            return False
        return not _LETTER_AND_INDEX.fullmatch(name.rpartition(".")[2])

    def local(self, result: str, operand: str) -> str:
        """The local derivative of ``result`` by ``operand``: ``∂q/∂x`` or ``dq/dx``."""
        d = "\u2202" if self.unicode else "d"
        return f"{d}{_bare(result)}/{d}{_bare(operand)}"


UNICODE = Notation("unicode", "\u00b7", UNICODE_MINUS)
ASCII = Notation("ascii", "*", "-")

# What a stream must be able to encode for the Unicode form.
_SAMPLE = "x\u0304 \u00b7 \u2202q/\u2202x \u2212"


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


class WholeBars:
    """Where a text writes a bar over a whole name (``bar(x1w1)``), so a page can draw it.

    ``names`` are every name the texts may hold, in the notation ``form``.

    >>> bars = WholeBars(UNICODE, ["x", "x1w1", "n"])
    >>> bars.marked("bar(x1w1) += n̄ · 1") == BAR_START + "x1w1" + BAR_END + " += n̄ · 1"
    True
    >>> bars.html("bar(x1w1) < x̄")
    '<span class="agl-over">x1w1</span> &lt; x̄'
    """

    def __init__(self, form: Notation, names: Iterable[str]) -> None:
        forms = {form.bar(name): name for name in names if form.whole_bar(name)}
        longest_first = sorted(forms, key=len, reverse=True)
        self._names = forms
        self._find = re.compile("|".join(map(re.escape, longest_first))) if forms else None

    def marked(self, text: str) -> str:
        """``text`` with each whole-name bar written ``BAR_START name BAR_END``."""
        if self._find is None:
            return text
        return self._find.sub(lambda m: BAR_START + self._names[m.group()] + BAR_END, text)

    def html(self, text: str) -> str:
        """``text`` as escaped HTML, each whole-name bar a ``<span class="agl-over">``
        (the player's style draws its line)."""
        parts = re.split(f"{BAR_START}(.*?){BAR_END}", self.marked(text))
        return "".join(
            f'<span class="agl-over">{escape(part)}</span>' if k % 2 else escape(part)
            for k, part in enumerate(parts)
        )


def _macron(name: str) -> str:
    return name[0] + MACRON + name[1:]


def _bare(name: str) -> str:
    return name if PLAIN_NAME.fullmatch(name) else f"({name})"


__all__ = [
    "ASCII",
    "BAR_END",
    "BAR_START",
    "PLAIN_NAME",
    "UNICODE",
    "Notation",
    "WholeBars",
    "choose",
    "notation",
]
