"""Text a drawing can hold, and text written so Graphviz shows it as typed.

SVG is XML 1.0, which has no place for NUL, most other control characters,
lone surrogates, U+FFFE and U+FFFF: a label holding one is refused by name
(``check_drawable``) rather than giving a file no browser opens. Graphviz
reads ``\\N``-style escapes and ``&amp;``-style entities in labels;
``literal`` writes text so both come out exactly as typed.

>>> check_drawable("x\\x00", "the label")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
ValueError: the label 'x\\x00', which can't be drawn: it holds U+0000, ...
>>> literal("a & b\\\\c")
'a &amp; b\\\\\\\\c'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

# What XML 1.0, and so SVG, can hold: tab, newline, carriage return and the
# characters from U+0020 on, except the surrogates and U+FFFE, U+FFFF.
UNDRAWABLE = re.compile(r"[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def check_drawable(text: str, what: str) -> None:
    """A ValueError naming ``what`` and ``text`` if SVG can't hold a character of it."""
    bad = UNDRAWABLE.search(text)
    if bad is not None:
        raise ValueError(
            f"{what} {text!r}, which can't be drawn: it holds U+{ord(bad.group()):04X}, "
            "a character SVG (XML 1.0) does not allow"
        )


# What a terminal would act on beyond that: a carriage return (it rewrites the
# line), DEL and the C1 controls (U+0080 to U+009F: CSI, OSC, ... in 8-bit form).
UNPRINTABLE = re.compile(r"[\r\x7f-\x9f]")


def check_printable(text: str, what: str) -> None:
    """``check_drawable``, and a ValueError for what a terminal would act on (for text output).

    >>> check_printable("x\x9b2J", "the label")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: the label 'x\x9b2J', which can't be printed: it holds U+009B, ...
    """
    check_drawable(text, what)
    bad = UNPRINTABLE.search(text)
    if bad is not None:
        raise ValueError(
            f"{what} {text!r}, which can't be printed: it holds U+{ord(bad.group()):04X}, "
            "a control character a terminal would act on"
        )


def check_graph_text(
    order: Iterable[Any], names: Mapping[Any, str] | None = None, *, printed: bool = False
) -> None:
    """Refuse, naming it, a label, operation or name of a graph that SVG could not hold
    (``printed=True``: or that a terminal would act on, for text output)."""
    check = check_printable if printed else check_drawable
    for node in order:
        if node.label:
            check(node.label, "the label")
        check(node.op, "the operation")
    for name in (names or {}).values():
        check(name, "the name")


def literal(text: str) -> str:
    """``text`` for a Graphviz label, shown as typed: backslashes and ``&`` escaped,
    line breaks as Graphviz's ``\\n``."""
    text = text.replace("\\", "\\\\").replace("&", "&amp;")
    return text.replace("\r\n", "\\n").replace("\n", "\\n")


__all__ = [
    "UNDRAWABLE",
    "UNPRINTABLE",
    "check_drawable",
    "check_graph_text",
    "check_printable",
    "literal",
]
