"""``NumberFormat``: how numbers read, the same in the drawing and in the narration.

One format spec (``".6g"`` by default: six significant digits) or a
function from float to text, and the minus sign to print: ``"-"`` (plain
ASCII, what Python prints) or ``"−"`` (U+2212, the typographic minus the
Unicode narration uses). Zero is never shown as ``-0``.

>>> fmt = NumberFormat(".6g")
>>> fmt(6.8813735870195432), fmt(-4.0), fmt(-0.0)
('6.88137', '-4', '0')
>>> NumberFormat(".4f", minus="\u2212")(-6.8813735870195432)
'\u22126.8814'
>>> fmt.operand(-4.0)          # a negative number as a right-hand operand
'(-4)'
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .drawable_text import check_drawable

DEFAULT_NUMBER_FORMAT = ".6g"
"""Six significant digits: 6.88137, 0.707107, -4."""

UNICODE_MINUS = "\u2212"


class NumberFormat:
    """Numbers as text: a format spec or a function, and the minus sign to use.

    ``spec`` is a Python format spec for floats (``".6g"``, ``".4f"``) or a
    function from float to str. A grad that is a Value (after
    ``backward(create_graph=True)``) is shown by its number.
    """

    __slots__ = ("spec", "minus", "_user")

    def __init__(
        self, spec: str | Callable[[float], str] = DEFAULT_NUMBER_FORMAT, minus: str = "-"
    ) -> None:
        if minus not in ("-", UNICODE_MINUS):
            raise ValueError(f"minus must be '-' or '\u2212', got {minus!r}")
        self.minus = minus
        if callable(spec):
            self.spec, self._user = spec, spec
            return
        if not isinstance(spec, str):
            raise TypeError(f"number_format must be a format spec like '.6g', got {spec!r}")
        check_format_spec(spec)
        self.spec, self._user = spec, None

    def __call__(self, x: Any) -> str:
        x = _as_float(x)
        if self._user is not None:
            text = str(self._user(x))
            check_drawable(text, "number_format gave the text")
        else:
            text = format(0.0 if x == 0 else x, self.spec)  # never "-0"
        if text.startswith("-") and self.minus != "-":
            text = self.minus + text[1:]
        return text

    def operand(self, x: Any) -> str:
        """``x`` as the right-hand side of an operator: a negative one in parentheses."""
        text = self(x)
        return f"({text})" if text.startswith(("-", UNICODE_MINUS)) else text

    def with_minus(self, minus: str) -> NumberFormat:
        """The same format with another minus sign."""
        return NumberFormat(self.spec, minus)

    def __repr__(self) -> str:
        return f"NumberFormat({self.spec!r}, minus={self.minus!r})"


def number_format(spec: str | Callable[[float], str] | NumberFormat | None) -> NumberFormat:
    """``spec`` as a NumberFormat (None: the default ``.6g``).

    >>> number_format(".3f")(2 / 3)
    '0.667'
    """
    if isinstance(spec, NumberFormat):
        return spec
    return NumberFormat(DEFAULT_NUMBER_FORMAT if spec is None else spec)


MAX_FORMAT_WIDTH = 40
MAX_FORMAT_PRECISION = 20
"""The widest field and the most digits a format spec may ask for (a width of
10,000,000 would take minutes and a gigabyte to lay out, and show nothing more)."""

_FORMAT_SPEC = re.compile(
    r"(?:(?P<fill>.)?[<>=^])?[-+ ]?z?#?0?(?P<width>\d*)[,_]?(?:\.(?P<precision>\d+))?[a-zA-Z%]?",
    re.DOTALL,
)


def check_format_spec(spec: str) -> None:
    """A ValueError unless ``spec`` is a float format of sane width and precision,
    filled with a character a drawing can hold.

    >>> check_format_spec("10000000.2f")
    Traceback (most recent call last):
    ...
    ValueError: number_format '10000000.2f' asks for width 10000000; the most is 40
    """
    try:
        format(1.5, spec)
    except (TypeError, ValueError):
        raise ValueError(
            f"number_format {spec!r} is not a float format spec like '.6g' or '.4f'"
        ) from None
    parts = _FORMAT_SPEC.fullmatch(spec)
    if parts is None:
        raise ValueError(f"number_format {spec!r} is not a float format spec like '.6g' or '.4f'")
    width, precision = int(parts["width"] or 0), int(parts["precision"] or 0)
    if width > MAX_FORMAT_WIDTH:
        raise ValueError(
            f"number_format {spec!r} asks for width {width}; the most is {MAX_FORMAT_WIDTH}"
        )
    if precision > MAX_FORMAT_PRECISION:
        raise ValueError(
            f"number_format {spec!r} asks for precision {precision}; "
            f"the most is {MAX_FORMAT_PRECISION}"
        )
    if parts["fill"]:
        check_drawable(parts["fill"], f"number_format {spec!r} fills with")


def _as_float(x: Any) -> float:
    return float(getattr(x, "data", x))


__all__ = [
    "DEFAULT_NUMBER_FORMAT",
    "MAX_FORMAT_PRECISION",
    "MAX_FORMAT_WIDTH",
    "NumberFormat",
    "UNICODE_MINUS",
    "check_format_spec",
    "number_format",
]
