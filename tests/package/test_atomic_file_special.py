"""Saving over something that is not a regular file: it is written, never replaced.

``write_atomic`` (and so ``render``, ``write_slides``, ``Module.save`` and
every command's ``-o``) renames a temporary file over a regular file; a
FIFO, a device or a socket is written straight through, a symbolic link
is followed to the file it points to (the link stays a link), and a link
into this process's open files (``/dev/stdout``) writes to that file.
"""

from __future__ import annotations

import errno
import os
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from autograd_lite.atomic_file import write_atomic

pytestmark = pytest.mark.skipif(os.name != "posix", reason="FIFOs, devices and links: POSIX")

LECTURE = ["q = x + y; f = q * z", "x=-2", "y=5", "z=-4"]


class FifoReader:
    """Reads a FIFO in a thread: opened at once (so a writer never waits), read until the
    writer closes it; never blocks the test, even when no writer ever comes."""

    def __init__(self, fifo: Path) -> None:
        self.fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        self.data = b""
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._drain, daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        import select

        deadline = time.monotonic() + 60
        while not self._done.is_set() and time.monotonic() < deadline:
            ready, _, _ = select.select([self.fd], [], [], 0.05)
            if not ready:
                continue
            chunk = os.read(self.fd, 1 << 16)
            if chunk:
                self.data += chunk
            elif self.data:
                break  # the writer closed it
            else:
                time.sleep(0.01)  # no writer yet
        os.close(self.fd)

    def result(self) -> bytes:
        """What was read, once the writer has finished (waits at most a few seconds)."""
        self._thread.join(timeout=10)
        self._done.set()
        self._thread.join()
        return self.data


def entries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --- what each writer does with a FIFO ----------------------------------------------------


def _save_model(path: Path) -> None:
    from nn import MLP

    MLP(2, [1], seed=0).save(path)


def _render(path: Path) -> None:
    from autograd_lite import Value, render

    render(Value(1.0, label="x") * 2, path)


def _write_slides(path: Path) -> None:
    from autograd_lite import Value
    from autograd_lite.play.slides import write_slides

    write_slides(Value(2.0, label="a") * 3, path)


def _cli(command: str) -> Callable[[Path], None]:
    def run(path: Path) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "autograd_lite", command, *LECTURE, "-o", str(path)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr

    return run


WRITERS = {
    "write_atomic": lambda path: write_atomic(path, b"hello"),
    "Module.save": _save_model,
    "render-dot": _render,
    "write_slides": _write_slides,
    "draw -o": _cli("draw"),
    "slides -o": _cli("slides"),
}
STARTS = {  # how what each writer writes begins
    "write_atomic": b"hello",
    "Module.save": b"{",
    "render-dot": b"digraph",
    "write_slides": b"<!DOCTYPE html>",
    "draw -o": b"<?xml",
    "slides -o": b"<!DOCTYPE html>",
}
SUFFIX = {"render-dot": ".dot", "draw -o": ".svg", "slides -o": ".html", "write_slides": ".html"}


@pytest.mark.parametrize("writer", list(WRITERS))
def test_every_writer_writes_into_a_fifo_and_leaves_it_a_fifo(tmp_path: Path, writer: str):
    fifo = tmp_path / f"out{SUFFIX.get(writer, '.json')}"
    os.mkfifo(fifo)
    reader = FifoReader(fifo)
    WRITERS[writer](fifo)
    assert reader.result().startswith(STARTS[writer])
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert entries(tmp_path) == [fifo.name]  # no temporary file left beside it


# --- a character device (root only: making one needs CAP_MKNOD) ------------------------------


@pytest.fixture
def null_device(tmp_path: Path) -> Path:
    """A copy of /dev/null (same major and minor numbers) in a temporary folder."""
    if os.geteuid() != 0:
        pytest.skip("making a device node needs root")
    node = tmp_path / "null.json"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.stat("/dev/null").st_rdev)
    except PermissionError:
        pytest.skip("this system does not let root make device nodes here")
    return node


@pytest.mark.parametrize("writer", ["write_atomic", "Module.save"])
def test_saving_over_a_copy_of_dev_null_leaves_it_a_device(null_device: Path, writer: str):
    device = os.stat(null_device).st_rdev
    WRITERS[writer](null_device)
    after = os.lstat(null_device)
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == device
    assert entries(null_device.parent) == [null_device.name]


def test_rendering_onto_a_link_to_a_device_leaves_both(null_device: Path):
    link = null_device.parent / "graph.dot"
    link.symlink_to(null_device.name)
    _render(link)
    assert link.is_symlink() and stat.S_ISCHR(os.lstat(null_device).st_mode)


# --- a Unix socket ---------------------------------------------------------------------------


def test_writing_to_a_unix_socket_sends_the_bytes_and_leaves_the_socket():
    folder = Path(tempfile.mkdtemp(prefix="sock"))  # short: socket paths have a length limit
    path = folder / "s.json"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(os.fspath(path))
    server.listen(1)
    server.settimeout(10)
    got: list[bytes] = []

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            while chunk := conn.recv(1 << 16):
                got.append(chunk)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        write_atomic(path, b"over the socket")
        thread.join(timeout=10)
        assert b"".join(got) == b"over the socket"
        assert stat.S_ISSOCK(os.lstat(path).st_mode)
    finally:
        server.close()
        path.unlink()
        folder.rmdir()


# --- symbolic links ------------------------------------------------------------------------------


def test_a_link_is_followed_and_the_file_it_points_to_replaced_atomically(tmp_path: Path):
    (tmp_path / "real").mkdir()
    (tmp_path / "links").mkdir()
    target = tmp_path / "real" / "model.json"
    target.write_text("old")
    before = os.stat(target).st_ino
    link = tmp_path / "links" / "model.json"
    link.symlink_to("../real/model.json")
    _save_model(link)
    assert link.is_symlink() and os.readlink(link) == "../real/model.json"
    assert target.read_text().startswith("{")
    assert os.stat(target).st_ino != before  # renamed over, not rewritten in place
    assert entries(tmp_path / "links") == ["model.json"]
    assert entries(tmp_path / "real") == ["model.json"]


def test_the_temporary_file_goes_beside_the_final_target(tmp_path: Path, monkeypatch):
    (tmp_path / "real").mkdir()
    link = tmp_path / "g.dot"
    link.symlink_to(tmp_path / "real" / "g.dot")
    folders = []
    mkstemp = tempfile.mkstemp

    def spy(*args, **kwargs):
        folders.append(Path(kwargs["dir"]))
        return mkstemp(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", spy)
    _render(link)
    assert folders == [tmp_path / "real"]
    assert (tmp_path / "real" / "g.dot").read_text().startswith("digraph")


def test_a_chain_of_links_is_followed_to_its_end_and_every_link_stays(tmp_path: Path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    final = tmp_path / "b" / "deck.html"
    final.write_text("old deck")
    (tmp_path / "a" / "two.html").symlink_to(final)  # absolute
    (tmp_path / "one.html").symlink_to("a/two.html")  # relative
    _write_slides(tmp_path / "one.html")
    assert final.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert (tmp_path / "one.html").is_symlink() and (tmp_path / "a" / "two.html").is_symlink()
    assert entries(tmp_path / "b") == ["deck.html"]


def test_a_dangling_link_creates_the_file_it_points_to(tmp_path: Path):
    link = tmp_path / "m.json"
    link.symlink_to("saved/m.json")
    (tmp_path / "saved").mkdir()
    _save_model(link)
    assert link.is_symlink()
    assert (tmp_path / "saved" / "m.json").read_text().startswith("{")
    assert entries(tmp_path / "saved") == ["m.json"]


def test_a_dangling_link_into_a_missing_folder_says_where_it_points(tmp_path: Path):
    link = tmp_path / "m.json"
    link.symlink_to("nowhere/m.json")
    with pytest.raises(FileNotFoundError) as info:
        write_atomic(link, b"x", verb="save")
    message = str(info.value)
    assert message.startswith(f"can't save {str(link)!r} (a link to ")
    assert "nowhere" in message and ".tmp" not in message
    assert link.is_symlink() and entries(tmp_path) == ["m.json"]


def test_a_loop_of_links_is_a_clear_error_and_writes_nothing(tmp_path: Path):
    (tmp_path / "a.json").symlink_to("b.json")
    (tmp_path / "b.json").symlink_to("a.json")
    with pytest.raises(OSError) as info:
        write_atomic(tmp_path / "a.json", b"x")
    assert info.value.errno == errno.ELOOP
    assert str(info.value) == (
        f"can't write {str(tmp_path / 'a.json')!r}: too many levels of symbolic links"
    )
    assert entries(tmp_path) == ["a.json", "b.json"]
    assert (tmp_path / "a.json").is_symlink() and (tmp_path / "b.json").is_symlink()


def test_a_link_to_a_folder_is_refused_naming_the_link(tmp_path: Path):
    (tmp_path / "folder").mkdir()
    (tmp_path / "g.dot").symlink_to("folder")
    with pytest.raises(IsADirectoryError) as info:
        _render(tmp_path / "g.dot")
    assert str(tmp_path / "g.dot") in str(info.value)
    assert (tmp_path / "g.dot").is_symlink() and entries(tmp_path / "folder") == []


# --- this process's own open files: /dev/stdout, /proc/self/fd/1 ----------------------------------

WRITE = (
    "import sys; from autograd_lite.atomic_file import write_atomic; "
    "write_atomic(sys.argv[1], b'{}')"
)


def _write_in_child(path: str, text: str, stdout, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", WRITE.format(text), path],
        stdout=stdout,
        stderr=subprocess.PIPE,
        cwd=cwd,
        timeout=60,
    )


def test_a_link_to_proc_self_fd_1_writes_to_standard_output(tmp_path: Path):
    link = tmp_path / "out.svg"
    link.symlink_to("/proc/self/fd/1")
    done = _write_in_child(str(link), "to stdout", subprocess.PIPE, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == b"to stdout"
    assert link.is_symlink() and entries(tmp_path) == ["out.svg"]


@pytest.mark.skipif(not os.path.exists("/dev/stdout"), reason="no /dev/stdout here")
def test_dev_stdout_appends_where_standard_output_appends(tmp_path: Path):
    log = tmp_path / "log"
    log.write_bytes(b"earlier\n")
    with open(log, "ab") as appending:
        done = _write_in_child("/dev/stdout", "later\\n", appending, tmp_path)
    assert done.returncode == 0, done.stderr
    assert log.read_bytes() == b"earlier\nlater\n"
    assert os.path.islink("/dev/stdout")


@pytest.mark.skipif(not os.path.exists("/dev/stdout"), reason="no /dev/stdout here")
def test_slides_dash_o_dev_stdout_writes_the_deck_to_standard_output(tmp_path: Path):
    done = subprocess.run(
        [sys.executable, "-m", "autograd_lite", "slides", *LECTURE, "-o", "/dev/stdout"],
        capture_output=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(b"<!DOCTYPE html>") and done.stdout.endswith(b"</html>\n")
    assert entries(tmp_path) == []
