"""Model files: JSON written atomically, read back with clear errors.

A model file is one JSON object::

    {"format": "autograd-lite.nn", "version": 1,
     "architecture": "MLP(2, [16, 16, 1], activation='relu', output_activation='linear')",
     "parameters": {"layers.0.neurons.0.w.0": 0.31, ...}}

``write_json`` writes to a temporary file in the target's folder and renames
it over the target, so a crash mid-write leaves the old file intact.
``read_json`` turns every way a file can be unreadable into a
``CheckpointError`` that names the file and the problem.

>>> import os, tempfile
>>> with tempfile.TemporaryDirectory() as folder:
...     write_json(os.path.join(folder, "m.json"), {"a": 1.5})
...     read_json(os.path.join(folder, "m.json"))
{'a': 1.5}
"""

from __future__ import annotations

import json
import os
import tempfile
from typing import Any

FORMAT = "autograd-lite.nn"
VERSION = 1


class CheckpointError(ValueError):
    """A model state (a file or a dict) that cannot be loaded into this model."""


def write_json(path: str | os.PathLike, document: Any) -> None:
    """Write ``document`` as JSON to ``path`` atomically (temp file, fsync, rename).

    NaN and infinities are refused (``ValueError``): JSON has no such numbers.
    """
    text = json.dumps(document, indent=1, allow_nan=False) + "\n"
    target = os.path.abspath(os.fspath(path))
    folder = os.path.dirname(target)
    fd, temp = tempfile.mkstemp(prefix="." + os.path.basename(target) + ".", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(temp, _file_mode(target))
        os.replace(temp, target)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise
    _sync_folder(folder)


def read_json(path: str | os.PathLike) -> Any:
    """The JSON document in ``path``; ``CheckpointError`` if it is not valid JSON.

    A missing file raises the usual ``FileNotFoundError``.
    """
    with open(path, "rb") as f:
        raw = f.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise CheckpointError(
            f"{os.fspath(path)}: not a model file (not UTF-8 text: byte {e.start} is invalid)"
        ) from None
    if not text.strip():
        raise CheckpointError(f"{os.fspath(path)}: not a model file (the file is empty)")
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as e:
        raise CheckpointError(
            f"{os.fspath(path)}: not a model file (corrupt or truncated JSON: "
            f"{e.msg} at line {e.lineno} column {e.colno})"
        ) from None
    except ValueError as e:  # NaN / Infinity
        raise CheckpointError(f"{os.fspath(path)}: not a model file ({e})") from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"it holds {name}, which is not a valid parameter value")


def _file_mode(target: str) -> int:
    # Keep an existing file's permissions; a new file gets the usual rw-r--r--.
    try:
        return os.stat(target).st_mode & 0o777
    except OSError:
        return 0o644


def _sync_folder(folder: str) -> None:
    # Make the rename itself durable where the platform allows it.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
