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


def check_graph_text(order: Iterable[Any], names: Mapping[Any, str] | None = None) -> None:
    """Refuse, naming it, a label, operation or name of a graph that SVG could not hold."""
    for node in order:
        if node.label:
            check_drawable(node.label, "the label")
        check_drawable(node.op, "the operation")
    for name in (names or {}).values():
        check_drawable(name, "the name")


def literal(text: str) -> str:
    """``text`` for a Graphviz label, shown as typed: backslashes and ``&`` escaped,
    line breaks as Graphviz's ``\\n``."""
    text = text.replace("\\", "\\\\").replace("&", "&amp;")
    return text.replace("\r\n", "\\n").replace("\n", "\\n")


__all__ = ["UNDRAWABLE", "check_drawable", "check_graph_text", "literal"]
