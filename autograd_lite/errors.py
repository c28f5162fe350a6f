"""Error messages that say which operation failed, on which Value, and why."""

from __future__ import annotations

from typing import Any


def describe(v: Any) -> str:
    """``Value 'x' (data=-1.0)``, or how an unlabelled Value was made."""
    label = getattr(v, "label", None)
    data = getattr(v, "data", v)
    if label:
        return f"Value {label!r} (data={data!r})"
    op = getattr(v, "op", "")
    if op:
        return f"an unlabelled Value made by {op!r} (data={data!r})"
    if hasattr(v, "data"):
        return f"an unlabelled Value (data={data!r})"
    return f"the number {data!r}"


def domain_error(op: str, operand: Any, need: str, kind: type = ValueError) -> Exception:
    """``log: needs x > 0, but got Value 'x' (data=0.0)``."""
    return kind(f"{op}: needs {need}, but got {describe(operand)}")


def overflow_error(op: str, operand: Any, detail: str = "") -> OverflowError:
    extra = f" ({detail})" if detail else ""
    return OverflowError(
        f"{op}: the result is too large for a float for {describe(operand)}{extra}"
    )
