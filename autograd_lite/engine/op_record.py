"""``Op``: everything the package knows about one operation, in one record.

An operation is declared once (the built-in ones in ``ops.py``, a user's
with ``custom_op``):

* ``name``: how it is drawn and narrated (``+``, ``tanh``, ``**2``);
* ``rule``: ``rule(m, *inputs) -> (output, d output/d input, ...)``, written
  with plain arithmetic and the functions of a math backend ``m``, so the
  same rule runs on floats, on Values (second derivatives) and on numpy
  arrays (``compile_batched``);
* ``domain``: the inputs it refuses, as ``Check`` s that work on floats and
  on numpy arrays alike, each with the words of its error message;
* ``notation``: how it reads in a formula (``{0} + {1}``, ``tanh({0})``).

The Value methods, the expression language's functions, nn's activation
names, the stepper's narration, the drawing's op labels and the batched
compiler's domain checks are all read from these records.

>>> from autograd_lite.engine.ops import LOG
>>> LOG.name, LOG.arity, LOG.formula(["x"])
('log', 1, 'log(x)')
>>> LOG.first_failure(0.0)
(Check('x > 0', ValueError, operand=0), True)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..errors import describe, overflow_error


class Check:
    """One part of an op's domain: ``bad(*inputs)`` is True where the op is undefined.

    ``bad`` uses only comparisons and ``& | abs``, so it answers for one
    float (a bool) and for numpy arrays (a mask) alike. ``need`` says what
    the op needs, for the message (``"x > 0"``); ``error`` is the exception
    raised; ``operand`` is the input the message names (None: all of them).
    """

    __slots__ = ("bad", "need", "error", "operand")

    def __init__(
        self,
        bad: Callable[..., Any],
        need: str,
        error: type = ValueError,
        operand: int | None = 0,
    ) -> None:
        self.bad, self.need, self.error, self.operand = bad, need, error, operand

    def __repr__(self) -> str:
        return f"Check({self.need!r}, {self.error.__name__}, operand={self.operand})"

    def exception(self, op: str, operands: Sequence[Any]) -> Exception:
        """``log: needs x > 0, but got Value 'x' (data=0.0)``."""
        if self.error is OverflowError and self.operand is not None:
            return overflow_error(op, operands[self.operand], self.need)
        shown = operands if self.operand is None else [operands[self.operand]]
        got = " and ".join(describe(v) for v in shown)
        return self.error(f"{op}: needs {self.need}, but got {got}")


class Op:
    """One operation: name, arity, rule, domain and notation (see the module doc).

    Also: ``method``, the Value method it is installed as (built-in ops);
    ``activation``, offered by name as an nn activation; ``builtin``;
    ``exponent``, the constant n of an ``x ** n`` record; and ``overflows``,
    False for an op whose output and local derivatives are finite for every
    finite input in its domain (``tanh``, ``relu``), so the engine need not
    check them.
    """

    __slots__ = (
        "name", "arity", "rule", "domain", "notation", "method", "activation", "builtin",
        "exponent", "overflows",
    )  # fmt: skip

    def __init__(
        self,
        name: str,
        arity: int,
        rule: Callable[..., tuple],
        domain: tuple[Check, ...] = (),
        notation: str = "",
        method: str | None = None,
        activation: bool = False,
        builtin: bool = True,
        exponent: float | None = None,
        overflows: bool = True,
    ) -> None:
        self.name, self.arity, self.rule, self.domain = name, arity, rule, tuple(domain)
        slots = ", ".join(f"{{{k}}}" for k in range(arity))
        self.notation = notation or f"{name}({slots})"
        self.method, self.activation, self.builtin = method, activation, builtin
        self.exponent = exponent
        self.overflows = overflows

    def __repr__(self) -> str:
        kind = "op" if self.builtin else "custom op"
        return f"<{kind} {self.name!r}: {self.formula(['x', 'y'][: self.arity])}>"

    @property
    def is_function(self) -> bool:
        """True when it reads ``name(x)``: callable by name in expressions."""
        return self.notation.startswith(self.name + "(")

    @property
    def doc(self) -> str:
        """The first line of the rule's docstring (what the op computes)."""
        return (self.rule.__doc__ or "").strip().split("\n")[0]

    def formula(self, operands: Sequence[str], numbers: bool = False) -> str:
        """The op applied to ``operands`` as text: ``x + y``, ``tanh(x)``, ``x ** 2``.

        With ``numbers=True`` the operands are numbers, and a negative one
        (with ``-`` or the typographic minus ``\u2212``) is put in parentheses
        wherever a minus sign would read ambiguously: ``3 * (-4)``,
        ``(-2) ** 2``, but ``-2 + 5`` and ``tanh(-1)``.
        """
        shown = list(operands)
        if numbers:
            for k, text in enumerate(shown):
                if text.startswith(("-", "\u2212")) and self._needs_parentheses(k):
                    shown[k] = f"({text})"
        return self.notation.format(*shown)

    def _needs_parentheses(self, k: int) -> bool:
        slot = f"{{{k}}}"
        at = self.notation.index(slot)
        before = self.notation[:at]
        if before.endswith("(") or before.endswith(", "):
            return False  # a function's argument
        return not (at == 0 and "**" not in self.notation)

    def first_failure(self, *inputs: Any) -> tuple[Check, Any] | None:
        """The first ``Check`` these inputs fail, with its mask (or True); None if none."""
        for check in self.domain:
            failed = check.bad(*inputs)
            if getattr(failed, "ndim", 0):
                if failed.any():
                    return check, failed
            elif failed:
                return check, failed
        return None

    def same_as(self, other: Any) -> bool:
        """The same operation (a power's record is made once per exponent and may repeat)."""
        if self is other:
            return True
        if not isinstance(other, Op) or self.exponent is None:
            return False
        return other.exponent is not None and float(self.exponent).hex() == float(
            other.exponent
        ).hex()


def arity_of(rule: Callable[..., Any], name: str) -> int:
    """How many inputs ``rule(m, *inputs)`` takes: 1 or 2, else a TypeError naming ``name``."""
    code = getattr(rule, "__code__", None)
    if code is None:
        raise TypeError(f"{name}: the rule must be a function written def rule(m, x): ...")
    takes = code.co_argcount
    optional = len(rule.__defaults__ or ())
    variadic = code.co_flags & 0x0C  # *args or **kwargs
    if variadic or optional or code.co_kwonlyargcount or takes not in (2, 3):
        names = ", ".join(code.co_varnames[: takes + code.co_kwonlyargcount]) or "none"
        raise TypeError(
            f"{name}: a rule is written rule(m, x) or rule(m, x, y): the math backend, "
            f"then one or two inputs; this one takes ({names})"
        )
    return takes - 1


__all__ = ["Check", "Op", "arity_of"]
