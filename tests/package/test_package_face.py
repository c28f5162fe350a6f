"""The package face: ``from autograd_lite import Value`` loads the engine and nothing else,
and every public name still imports from ``autograd_lite``."""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys

import autograd_lite

HEAVY = ("numpy", "graphviz")
NOT_THE_ENGINE = (
    "autograd_lite.expression",
    "autograd_lite.drawing.dot",
    "autograd_lite.drawing.viz",
    "autograd_lite.drawing.renderer",
    "autograd_lite.play.stepper",
    "autograd_lite.play.slides",
    "autograd_lite.play.player",
    "autograd_lite.batched.compiler",
    "autograd_lite.engine.functional",
)


def modules_after(code: str) -> list[str]:
    """The modules a fresh interpreter has loaded after running ``code``."""
    probe = f"{code}\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_importing_value_loads_no_numpy_graphviz_parser_or_drawing_code():
    loaded = modules_after("from autograd_lite import Value\nValue(1.0) * 2")
    assert not [m for m in loaded if m.split(".")[0] in HEAVY]
    assert not [m for m in loaded if m in NOT_THE_ENGINE]
    # nothing of the package beyond the engine folder, its face and its errors
    ours = [m for m in loaded if m.split(".")[0] in ("autograd_lite", "nn")]
    assert "autograd_lite.engine.value" in ours
    beyond = [m for m in ours if m not in ("autograd_lite", "autograd_lite.errors")]
    assert [m for m in beyond if not m.startswith("autograd_lite.engine")] == []


def test_a_public_name_loads_its_module_on_first_use():
    loaded = modules_after("from autograd_lite import parse")
    assert "autograd_lite.expression" in loaded
    assert "autograd_lite.drawing.dot" not in loaded and "graphviz" not in loaded


def test_every_public_name_imports_from_the_package():
    for name in autograd_lite.__all__:
        assert getattr(autograd_lite, name) is not None, name
        assert name in dir(autograd_lite)


def test_no_submodule_shadows_a_public_name_once_every_submodule_is_loaded():
    # Loading a submodule sets it as an attribute of the package: a module
    # named like a public function would replace that function.
    for info in pkgutil.walk_packages(autograd_lite.__path__, "autograd_lite."):
        if not info.name.endswith("__main__"):  # that one runs the command line
            importlib.import_module(info.name)
    for name in autograd_lite.__all__:
        assert not isinstance(getattr(autograd_lite, name), type(autograd_lite)), name


def test_an_unknown_name_is_an_attribute_error():
    try:
        autograd_lite.no_such_thing  # noqa: B018
    except AttributeError as e:
        assert "no_such_thing" in str(e)
    else:
        raise AssertionError("no AttributeError")
