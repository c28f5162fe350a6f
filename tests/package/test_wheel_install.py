"""The built wheel, installed in a fresh venv (not editable), runs the main job, a demo and a deck.

A subpackage or a web asset that the packaging leaves out passes every
other test (they import the source tree) and fails here. The fresh venv
gets the wheel alone; the third-party packages it needs (numpy, graphviz,
tqdm) come from this interpreter's site-packages through a ``.pth`` line,
so nothing is downloaded but the build's own setuptools, and the source
tree is never on the path (every command runs in an empty folder). The
renderer graphviz-pure is a program: it is found on PATH, from this
interpreter's bin folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOT_SOURCE = (".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", "out")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv's python with the wheel built from this checkout installed."""
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"  # a copy: a stale build/ folder in the checkout can't leak in
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*NOT_SOURCE))
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(base / "dist"),
         str(source)],
        capture_output=True, text=True, cwd=base,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr[-3000:]
    (wheel,) = (base / "dist").glob("autograd_lite-*.whl")
    env_dir = base / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    (Path(site) / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    done = subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "-q", str(wheel)],
        capture_output=True, text=True, cwd=base,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return python


def run(python: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    env = {**os.environ, "PATH": path}
    return subprocess.run([str(python), *args], capture_output=True, text=True, cwd=cwd, env=env)


@pytest.mark.slow
def test_the_wheel_is_what_runs_not_the_source_tree(installed: Path, tmp_path: Path):
    where = "import autograd_lite, nn; print(autograd_lite.__file__)"
    done = run(installed, "-c", where, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert str(installed.parent.parent) in done.stdout
    assert str(ROOT) not in done.stdout


@pytest.mark.slow
def test_the_installed_command_traces_the_lecture_example(installed: Path, tmp_path: Path):
    command = installed.parent / "autograd-lite"
    done = subprocess.run(
        [str(command), "trace", "q = x + y; f = q * z", "x=-2", "y=5", "z=-4"],
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "x.grad = −4" in done.stdout and "z.grad = 3" in done.stdout


@pytest.mark.slow
def test_an_installed_demo_runs(installed: Path, tmp_path: Path):
    done = run(installed, "-m", "autograd_lite.demos.chain_rule", "--out", "out", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()


@pytest.mark.slow
def test_an_installed_deck_carries_the_players_script_and_styles(installed: Path, tmp_path: Path):
    done = run(
        installed, "-m", "autograd_lite", "slides", "q = x + y; f = q * z",
        "x=-2", "y=5", "z=-4", "-o", "deck.html", cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    deck = (tmp_path / "deck.html").read_text(encoding="utf-8")
    for name in ("player.js", "player.css", "deck.css"):
        shipped = ROOT / "autograd_lite" / "play" / "web" / name
        assert shipped.read_text(encoding="utf-8").strip()[:200] in deck, name
