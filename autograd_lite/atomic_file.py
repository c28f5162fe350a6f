"""``write_atomic``: a file appears complete or not at all.

Drawings, slide decks and model checkpoints are all written this way: the
bytes go to a temporary file beside the target, are flushed to disk, and
the temporary file is renamed over the target (``os.replace``, atomic on
one file system), then the folder is synced so the rename itself survives
a crash. A failed write leaves whatever was at the target untouched and no
temporary file behind; its OSError names the target, never the temporary
file.

>>> import tempfile, os
>>> folder = tempfile.mkdtemp()
>>> write_atomic(os.path.join(folder, "f.txt"), b"hello").read_bytes()
b'hello'
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path


def write_atomic(path: str | os.PathLike[str], data: bytes, verb: str = "write") -> Path:
    """Write ``data`` to ``path`` atomically (see the module doc); returns the path.

    ``verb`` words the error: ``can't save 'model.json': No space left on device``.
    """
    target = Path(path)
    if target.is_dir():
        raise _naming(IsADirectoryError(errno.EISDIR, "it is a directory"), path, verb)
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as e:
        raise _naming(e, path, verb) from None
    try:
        os.chmod(tmp, _file_mode(target))
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(e, OSError):
            raise _naming(e, path, verb) from None
        raise
    _sync_folder(target.parent)
    return target


def _naming(error: OSError, path: str | os.PathLike[str], verb: str) -> OSError:
    """The same kind of OSError, about ``path`` rather than a temporary file."""
    named = type(error)(f"can't {verb} {os.fspath(path)!r}: {error.strerror or error}")
    named.errno = error.errno
    return named


def _file_mode(target: Path) -> int:
    # mkstemp makes the file private (0o600); give it the mode a plain open()
    # would: the old file's, else what the umask allows.
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _sync_folder(folder: Path) -> None:
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


__all__ = ["write_atomic"]
