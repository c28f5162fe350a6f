"""Model files: JSON with a checksum, written atomically, read back with clear errors.

A model file is one JSON object whose last field is the SHA-256 of every
byte before it::

    {
     "format": "autograd-lite.nn",
     "version": 2,
     "architecture": "MLP(2, [16, 16, 1], activation='relu', output_activation='linear')",
     "parameters": {"layers.0.neurons.0.w.0": 0.31, ...},
     "sha256": "<64 hex digits: the hash of the bytes before ',\\n \"sha256\"'>"
    }

So any change to the file, down to one flipped bit, is refused
(``CheckpointError``) before anything in it is used. Version 1 files, from
development versions before the checksum (none was released), are refused
with a message that says so.

``write_checkpoint`` writes to a temporary file in the target's folder and
renames it over the target, so a crash mid-write leaves the old file intact.
``read_checkpoint`` turns every way a file can be unreadable into a
``CheckpointError`` that names the file and the problem, in a message kept
short however large the file's fields are.

>>> import os, tempfile
>>> with tempfile.TemporaryDirectory() as folder:
...     write_checkpoint(os.path.join(folder, "m.json"), {"a": 1.5})
...     read_checkpoint(os.path.join(folder, "m.json"))
{'a': 1.5}
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from typing import Any

from autograd_lite.atomic_file import write_atomic

FORMAT = "autograd-lite.nn"
VERSION = 2  # 2: the checksum field; 1 (unreleased) had none
CHECKSUM = "sha256"

_SEAL_START = b',\n "sha256": "'
_SEAL_END = b'"\n}\n'
_SEAL_LENGTH = len(_SEAL_START) + 64 + len(_SEAL_END)
_HEX = re.compile(rb"[0-9a-f]{64}")


class CheckpointError(ValueError):
    """A model state (a file or a dict) that cannot be loaded into this model."""


def write_checkpoint(path: str | os.PathLike, document: dict[str, Any]) -> None:
    """Write ``document`` (a non-empty dict) to ``path`` as JSON ending in its checksum.

    Atomic (temp file, fsync, rename). NaN and infinities are refused
    (``ValueError``): JSON has no such numbers. An OSError names ``path``.
    """
    if not isinstance(document, dict) or not document or CHECKSUM in document:
        raise ValueError(f"a checkpoint is a non-empty dict without a {CHECKSUM!r} key")
    text = json.dumps(document, indent=1, allow_nan=False)  # ends with "\n}"
    head = text[:-2].encode("utf-8")
    digest = hashlib.sha256(head).hexdigest().encode("ascii")
    write_atomic(os.path.abspath(path), head + _SEAL_START + digest + _SEAL_END, verb="save")


def read_checkpoint(path: str | os.PathLike) -> Any:
    """The JSON document in ``path`` (without its checksum field), the checksum verified.

    ``CheckpointError`` for a file that is not JSON, has no checksum, or has
    one that does not match.

    A missing file raises the usual ``FileNotFoundError``.
    """
    where = os.fspath(path)
    with open(path, "rb") as f:
        raw = f.read()
    head, digest = _split_seal(raw)
    if digest is None:
        raise CheckpointError(f"{where}: {_unsealed_problem(raw, where)}")
    if hashlib.sha256(head).hexdigest() != digest:
        raise CheckpointError(
            f"{where}: the checksum does not match the contents: the file was changed or "
            "damaged after it was written"
        )
    document = _parse(raw, where)
    if isinstance(document, dict):
        document.pop(CHECKSUM, None)
    return document


def clipped(text: str, limit: int = 120) -> str:
    """``text`` cut to about ``limit`` characters, for messages about what a file holds.

    >>> clipped("x" * 1000, 10)
    'xxxxxxx...'
    """
    return text if len(text) <= limit else text[: max(limit - 3, 0)] + "..."


def _split_seal(raw: bytes) -> tuple[bytes, str | None]:
    """The bytes the checksum covers and the checksum (None when there is none)."""
    if len(raw) < _SEAL_LENGTH:
        return raw, None
    cut = len(raw) - _SEAL_LENGTH
    seal = raw[cut:]
    digest = seal[len(_SEAL_START) : len(_SEAL_START) + 64]
    if (
        seal.startswith(_SEAL_START)
        and seal.endswith(_SEAL_END)
        and _HEX.fullmatch(digest) is not None
    ):
        return raw[:cut], digest.decode("ascii")
    return raw, None


def _unsealed_problem(raw: bytes, where: str) -> str:
    """Why a file without a checksum line is refused: it is not JSON, old, or damaged."""
    doc = _parse(raw, where)  # raises for text that is not JSON
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        return f"not an autograd-lite model file (no 'format': {FORMAT!r} field)"
    if doc.get("version") == 1:
        return (
            "a model file of version 1, written by a development version before model "
            "files carried a checksum; this version of nn reads only files it can verify "
            "(train and save the model again)"
        )
    return "the file has no checksum at its end (it was edited, or the end is damaged)"


def _parse(raw: bytes, where: str) -> Any:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise CheckpointError(
            f"{where}: not a model file (not UTF-8 text: byte {e.start} is invalid)"
        ) from None
    if not text.strip():
        raise CheckpointError(f"{where}: not a model file (the file is empty)")
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as e:
        raise CheckpointError(
            f"{where}: not a model file (corrupt or truncated JSON: "
            f"{e.msg} at line {e.lineno} column {e.colno})"
        ) from None
    except RecursionError:
        raise CheckpointError(
            f"{where}: not a model file (its JSON is nested too deeply)"
        ) from None
    except ValueError as e:  # NaN / Infinity, or an integer of over 4300 digits
        raise CheckpointError(f"{where}: not a model file ({clipped(str(e))})") from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"it holds {name}, which is not a valid parameter value")
