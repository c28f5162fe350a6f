"""What ``pip install autograd-lite`` puts on the import path."""

from __future__ import annotations

import subprocess
import sys

import pytest


def _spec_from_elsewhere(name: str) -> str:
    """``find_spec(name)`` in a fresh interpreter started outside the checkout."""
    code = f"import importlib.util as u; print(u.find_spec({name!r}) is not None)"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd="/", check=True
    )
    return done.stdout.strip()


def test_demos_install_inside_the_package_not_as_a_top_level_demos():
    assert _spec_from_elsewhere("autograd_lite.demos") == "True"
    assert _spec_from_elsewhere("demos") == "False"  # another project's `demos` may live there


def test_nn_is_importable_as_the_design_fixes_it():
    assert _spec_from_elsewhere("nn") == "True"


def test_the_players_script_and_style_sheets_ship_as_package_data():
    """Every file of autograd_lite/play/web/ is named by pyproject's package-data (a wheel holds
    only those), and the player reads each of them back."""
    import fnmatch
    from pathlib import Path

    tomllib = pytest.importorskip("tomllib")
    root = Path(__file__).resolve().parents[2]
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["autograd_lite.play"]
    web = root / "autograd_lite" / "play" / "web"
    files = sorted(p.name for p in web.iterdir())
    assert files == ["deck.css", "player.css", "player.js"]
    for name in files:
        assert any(fnmatch.fnmatch(f"web/{name}", p) for p in patterns), name

    from autograd_lite.play.player import web_file

    assert all(web_file(name) == (web / name).read_text(encoding="utf-8") for name in files)
