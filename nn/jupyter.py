"""Is this running in a Jupyter kernel, and how to show an output there that updates in place.

A notebook is recognised by its IPython shell: ``ZMQInteractiveShell`` (or a
subclass, as Colab's) or any shell started by a kernel app. IPython is never
imported here: if no one has imported it, this is no notebook, so plain
scripts pay nothing.

An updatable output is IPython's ``display(..., display_id=True)``: the
kernel sends one ``display_data`` message and then ``update_display_data``
messages that replace it, so a notebook keeps one output, the last frame,
which is also what an nbconvert HTML export shows.

>>> in_notebook()   # under pytest or a plain interpreter
False
"""

from __future__ import annotations

import importlib.util
import sys
from typing import Any, Protocol


class Updatable(Protocol):
    """An output already on the page that can be replaced (IPython's ``DisplayHandle``)."""

    def update(self, obj: Any, **kwargs: Any) -> None: ...


def in_notebook() -> bool:
    """True inside a Jupyter kernel (Lab, classic Notebook, VS Code, Colab); cheap to call."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    shell = ipython.get_ipython()
    if shell is None:
        return False
    if any(cls.__name__ == "ZMQInteractiveShell" for cls in type(shell).__mro__):
        return True
    return "IPKernelApp" in getattr(shell, "config", {})


def has_ipywidgets() -> bool:
    """True when ipywidgets can be imported (tqdm's notebook bar needs it); imports nothing."""
    return importlib.util.find_spec("ipywidgets") is not None


def show_in_place(bundle: dict[str, str]) -> Updatable:
    """Display the mime ``bundle`` (e.g. ``{"text/plain": ...}``); returns its handle."""
    from IPython.display import display

    return display(bundle, raw=True, display_id=True)
