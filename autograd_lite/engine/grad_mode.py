"""``no_grad``: build nodes without recording their parents.

The switch is per thread. Checking a thread-local on every operation would
cost more than the operation itself, so a process-wide counter says whether
any thread is inside ``no_grad`` at all, and only then is the thread asked.
"""

from __future__ import annotations

import threading
from types import TracebackType

_local = threading.local()
_lock = threading.Lock()
_threads_inside = 0  # how many no_grad blocks are open, over all threads


def is_recording() -> bool:
    """True unless this thread is inside ``with no_grad():``."""
    return not _threads_inside or getattr(_local, "depth", 0) == 0


class no_grad:
    """Context manager: Values made inside record no parents (they are leaves).

    >>> from autograd_lite import Value, no_grad
    >>> x = Value(2.0)
    >>> with no_grad():
    ...     y = x * x
    >>> y.parents
    ()
    """

    def __enter__(self) -> no_grad:
        global _threads_inside
        with _lock:
            _threads_inside += 1
        _local.depth = getattr(_local, "depth", 0) + 1
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        global _threads_inside
        _local.depth -= 1
        with _lock:
            _threads_inside -= 1
