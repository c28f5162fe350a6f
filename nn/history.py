"""What ``fit`` returns and its live views read: the loss and accuracy after every epoch.

>>> h = History(loss=[0.9, 0.5], accuracy=[0.5, 0.75])
>>> h
History(2 epochs: loss 0.5, accuracy 75.0%)
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class History:
    """Per-epoch training loss and accuracy (``None`` entries for regression)."""

    loss: list[float] = field(default_factory=list)
    accuracy: list[float | None] = field(default_factory=list)

    def __repr__(self) -> str:
        if not self.loss:
            return "History(no epochs)"
        acc = self.accuracy[-1]
        shown = "" if acc is None else f", accuracy {acc:.1%}"
        return f"History({len(self.loss)} epochs: loss {self.loss[-1]:.4g}{shown})"


__all__ = ["History"]
