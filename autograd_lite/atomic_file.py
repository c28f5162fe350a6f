"""``write_atomic``: a file appears complete or not at all; a special file is never replaced.

Drawings, slide decks and model checkpoints are all written this way: the
bytes go to a temporary file beside the target, are flushed to disk, and
the temporary file is renamed over the target (``os.replace``, atomic on
one file system), then the folder is synced so the rename itself survives
a crash. A failed write leaves whatever was at the target untouched and no
temporary file behind; its OSError names the target, never the temporary
file.

What the target is decides where the bytes go:

* a regular file, or nothing yet: replaced (or created) atomically, as above;
* a symbolic link (or a chain of them): the file it finally points to is
  written atomically, in that file's folder; the link stays a link. A
  dangling link creates the file it points to, as ``echo > link`` would;
* a FIFO, a device (``/dev/null``, a terminal) or a Unix socket: written
  straight through, with no temporary file, since renaming over it would
  replace the device or pipe with a regular file;
* one of this process's open files, ``/dev/stdout``, ``/dev/fd/N`` or
  ``/proc/self/fd/N`` (or a link to one): written to that file descriptor,
  as ``print`` would (so ``>> log`` still appends).

>>> import tempfile, os
>>> folder = tempfile.mkdtemp()
>>> write_atomic(os.path.join(folder, "f.txt"), b"hello").read_bytes()
b'hello'
>>> os.symlink("f.txt", os.path.join(folder, "link.txt"))
>>> _ = write_atomic(os.path.join(folder, "link.txt"), b"through the link")
>>> os.path.islink(os.path.join(folder, "link.txt")), open(os.path.join(folder, "f.txt")).read()
(True, 'through the link')
"""

from __future__ import annotations

import errno
import os
import re
import socket
import stat
import sys
import tempfile
from pathlib import Path

MAX_LINKS = 40
"""The longest chain of symbolic links followed (Linux's own limit); more is ELOOP."""

# A folder holding a process's open files as links: /proc/<pid>/fd, /proc/<pid>/task/<tid>/fd
_FD_FOLDER = re.compile(r"/proc/(\d+)(?:/task/\d+)?/fd")

# How a special file is opened: as `>` would, without making a terminal this
# process's controlling terminal, and not inherited by a renderer it starts.
_THROUGH = os.O_WRONLY | os.O_TRUNC | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)


def write_atomic(path: str | os.PathLike[str], data: bytes, verb: str = "write") -> Path:
    """Write ``data`` to ``path`` as the module doc says; returns ``path`` as a Path.

    ``verb`` words the error: ``can't save 'model.json': No space left on device``.
    """
    target = Path(path)
    try:
        kind, where = _destination(target)
    except OSError as e:
        raise _naming(e, path, verb) from None
    if kind == "descriptor":
        _write_descriptor(int(where), data, path, verb)
    elif kind == "special":
        _write_through(Path(where), data, path, verb)
    else:
        _replace(Path(where), data, path, verb)
    return target


def _destination(target: Path) -> tuple[str, Path | int]:
    """Where ``target`` leads: ``("file", path)``, ``("special", path)`` or ``("descriptor", fd)``.

    Links are followed one at a time, so that a link into ``/proc/<pid>/fd``
    (whose text, ``pipe:[123]``, is no path) is recognised rather than read.
    """
    current = target if target.is_absolute() else Path.cwd() / target
    for _ in range(MAX_LINKS + 1):
        folder = _FD_FOLDER.fullmatch(os.path.realpath(current.parent))
        if folder is not None and current.name.isdigit():
            if int(folder.group(1)) == os.getpid():
                return "descriptor", int(current.name)
            return "special", current  # another process's open file: open() follows it
        if not current.is_symlink():
            return _kind_of(current), current
        current = current.parent / os.readlink(current)
    raise OSError(errno.ELOOP, "too many levels of symbolic links")


def _kind_of(path: Path) -> str:
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "file"  # created, atomically
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, "it is a directory")
    return "file" if stat.S_ISREG(mode) else "special"


def _replace(final: Path, data: bytes, path: str | os.PathLike[str], verb: str) -> None:
    """Write a temporary file beside ``final`` and rename it over ``final``."""
    try:
        fd, tmp = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.", suffix=".tmp")
    except OSError as e:
        raise _naming(e, path, verb, final) from None
    try:
        os.chmod(tmp, _file_mode(final))
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, final)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(e, OSError):
            raise _naming(e, path, verb, final) from None
        raise
    _sync_folder(final.parent)


def _write_through(special: Path, data: bytes, path: str | os.PathLike[str], verb: str) -> None:
    """Write into a FIFO, a device or a socket itself (opening a FIFO waits for its reader)."""
    try:
        if stat.S_ISSOCK(special.stat().st_mode):
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.connect(os.fspath(special))
                s.sendall(data)
            return
        fd = os.open(special, _THROUGH)
        try:
            _write_all(fd, data)
        finally:
            os.close(fd)
    except OSError as e:
        raise _naming(e, path, verb) from None


def _write_descriptor(fd: int, data: bytes, path: str | os.PathLike[str], verb: str) -> None:
    """Write to this process's own open file ``fd``, after what Python has buffered for it."""
    for stream in (sys.stdout, sys.stderr):
        try:
            same = stream is not None and stream.fileno() == fd
        except (AttributeError, OSError, ValueError):
            same = False
        if same:
            stream.flush()
    try:
        _write_all(fd, data)
    except OSError as e:
        raise _naming(e, path, verb) from None


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _naming(
    error: OSError, path: str | os.PathLike[str], verb: str, final: Path | None = None
) -> OSError:
    """The same kind of OSError, about ``path`` rather than a temporary file."""
    where = repr(os.fspath(path))
    if final is not None and Path(path).is_symlink():
        where += f" (a link to {os.fspath(final)!r})"
    named = type(error)(f"can't {verb} {where}: {error.strerror or error}")
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


__all__ = ["MAX_LINKS", "write_atomic"]
