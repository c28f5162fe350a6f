"""What ``pip install autograd-lite`` puts on the import path."""

from __future__ import annotations

import subprocess
import sys


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
