"""``no_cycle_collection``: build and backpropagate a big graph without the cycle collector.

Python frees a node as soon as nothing refers to it; its cycle collector
exists for objects that refer to each other in a loop, and a graph of this
engine has none (a node refers only to its parents, never back). Yet the
collector runs all the same while a graph is built, because it is paced by
the number of objects made: every 700 a young collection, and about every
70,000 a full one that walks every object of the process. A graph of 1e5
nodes meets one full collection; a graph of 1e6 meets eight, each longer
than the last, so the cost per node grows with the graph (2.5x from 1e5 to
1e6 here). Pausing the collector for the forward and backward pass makes it
flat again; the collector runs as usual once the block ends, and collects
then any loop the block's own code made.

The engine itself never changes the collector's settings: this is a block
you choose to write, and ``nn.fit`` writes it around each training step.
When it ends, the collector is as it was (off stays off), also when
threads use it at once: it resumes when the last open block closes.

>>> import gc
>>> from autograd_lite import Value
>>> x, was_enabled = Value(0.5), gc.isenabled()
>>> with no_cycle_collection():
...     y = sum((x * k).tanh() for k in range(1000))
...     y.backward()
...     inside = gc.isenabled()
>>> inside, gc.isenabled() == was_enabled
(False, True)
"""

from __future__ import annotations

import gc
import threading
from types import TracebackType

_lock = threading.Lock()
_open = 0  # blocks open now, over all threads
_resume = False  # whether the collector was on when the first of them opened


class no_cycle_collection:
    """Context manager: Python's cycle collector paused inside, as it was afterwards."""

    def __enter__(self) -> no_cycle_collection:
        global _open, _resume
        with _lock:
            if _open == 0:
                _resume = gc.isenabled()
                gc.disable()
            _open += 1
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        global _open
        with _lock:
            _open -= 1
            if _open == 0 and _resume:
                gc.enable()


__all__ = ["no_cycle_collection"]
