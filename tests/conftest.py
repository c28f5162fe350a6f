"""What several test files share: the ``slow`` marker, a clean op registry, the lecture's
graph, a real browser, a Jupyter kernel running this Python, a stand-in notebook page and a
reader of the live view's curves.

The folders under tests/ mirror the code (engine/, batched/, drawing/, play/, cli/, nn/,
demos/, expression/, package/); this one conftest serves them all.

Tests that take seconds (the demos, million-node chains, the browser) carry
``@pytest.mark.slow``. The README's test command runs everything; while
working, ``pytest -m "not slow"`` gives the quick loop.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

import pytest

if TYPE_CHECKING:
    from autograd_lite import Value

BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: takes seconds; deselect with -m 'not slow'")


@pytest.fixture(autouse=True)
def _op_registry_as_it_was() -> Iterator[None]:
    """Custom ops a test defines are gone after it: the registry is per process."""
    from autograd_lite.engine import ops

    saved = dict(ops.REGISTRY)
    yield
    ops.REGISTRY.clear()
    ops.REGISTRY.update(saved)


class Lecture(NamedTuple):
    """The lectures' f = (x + y) z at x = -2, y = 5, z = -4, each node labelled by its name."""

    x: Value
    y: Value
    z: Value
    q: Value
    f: Value


def _lecture() -> Lecture:
    from autograd_lite import Value

    x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
    q = x + y
    q.label = "q"
    f = q * z
    f.label = "f"
    return Lecture(x, y, z, q, f)


@pytest.fixture(scope="session")
def lecture_graph() -> Callable[[], Lecture]:
    """``lecture_graph()``: a new lecture graph each call, ``x, y, z, q, f = lecture_graph()``
    (or ``lecture_graph().f``); no gradients computed yet. Built from Values, as a user
    would; the expression, stepper, player and slides tests build theirs from the lecture's
    text with parse(), as the command line does."""
    return _lecture


def _micrograd_neuron() -> Value:
    """The "building micrograd" lecture's neuron o = tanh(x1 w1 + x2 w2 + b), with its names
    as identifiers the notation bars (x1w1, x2w2)."""
    from autograd_lite import Value

    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x1w1.label = "x1w1"
    x2w2 = x2 * w2
    x2w2.label = "x2w2"
    x1w1x2w2 = x1w1 + x2w2
    x1w1x2w2.label = "x1w1 + x2w2"
    n = x1w1x2w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o


@pytest.fixture(scope="session")
def micrograd_neuron() -> Callable[[], Value]:
    """``micrograd_neuron()``: a new copy of the lecture's neuron each call, its output o."""
    return _micrograd_neuron


def unavailable(reason: str) -> None:
    """Skip, or fail when running in CI (where the browser must be there)."""
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        pytest.fail(f"CI is set, so the browser test must run: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's headless Chromium driven by Playwright (nothing is downloaded)."""
    chromium = shutil.which("chromium")
    if chromium is None:
        unavailable("no `chromium` on PATH (Debian: apt install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the Python package `playwright` is not installed (pip install playwright)")
    with sync_playwright() as p:
        try:
            launched = p.chromium.launch(executable_path=chromium, args=BROWSER_ARGS)
        except Exception as e:  # a browser that cannot start
            unavailable(f"chromium at {chromium} did not start: {e}")
        yield launched
        launched.close()


@pytest.fixture
def stand_in_dot(tmp_path: Any) -> Any:
    """``make(script)``: a folder (to put on PATH) holding a ``dot`` that runs the
    shell ``script`` instead of Graphviz; POSIX only."""
    if os.name != "posix":
        pytest.skip("uses a shell script as a stand-in for dot")

    def make(script: str) -> Any:
        folder = tmp_path / "stand-in"
        folder.mkdir(exist_ok=True)
        dot = folder / "dot"
        dot.write_text("#!/bin/sh\n" + script)
        dot.chmod(0o755)
        return folder

    return make


@pytest.fixture(scope="session")
def this_python_kernel() -> Any:
    """``make(where)``: a Jupyter kernel manager whose kernel runs this interpreter (so this
    venv's packages), from a kernelspec written under ``where``."""
    import json
    import sys

    def make(where: Any) -> Any:
        from jupyter_client.kernelspec import KernelSpecManager
        from jupyter_client.manager import KernelManager

        spec = where / "kernels" / "autograd-lite-test"
        spec.mkdir(parents=True)
        argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
        spec.joinpath("kernel.json").write_text(
            json.dumps({"argv": argv, "display_name": "autograd-lite test", "language": "python"})
        )
        specs = KernelSpecManager(kernel_dirs=[str(where / "kernels")])
        return KernelManager(kernel_name="autograd-lite-test", kernel_spec_manager=specs)

    return make


SVG = "{http://www.w3.org/2000/svg}"


def _drawn_curve(svg: str, name: str) -> list[tuple[float, float]]:
    """The (epoch, value) points of the live view's curve ``name``, read back off the picture.

    Pixels become numbers through the tick labels drawn on the axes (two
    ticks fix a linear axis), so this checks what a reader of the chart sees.
    """
    import xml.etree.ElementTree as ET

    chart = ET.fromstring(svg).find(f".//{SVG}g[@class='curves']")
    labels = [(t.text or "", t.get("text-anchor"), t) for t in chart.iter(f"{SVG}text")]
    x_ticks = [(float(t.get("x")), float(s)) for s, a, t in labels if a == "middle" and _number(s)]
    if name == "loss":
        y_ticks = [(float(t.get("y")) - 4, float(s)) for s, a, t in labels if a == "end"]
    else:
        y_ticks = [
            (float(t.get("y")) - 4, float(s[:-1]) / 100) for s, a, t in labels if s.endswith("%")
        ]
    path = chart.find(f"{SVG}path[@class='{name}']")
    points = [tuple(map(float, p[1:].split(","))) for p in path.get("d").split()]
    to_epoch, to_value = _axis(x_ticks), _axis(y_ticks)
    return [(to_epoch(px), to_value(py)) for px, py in points]


def _number(s: str) -> bool:
    try:
        float(s)
    except ValueError:
        return False
    return True


def _axis(ticks: list[tuple[float, float]]) -> Any:
    (p0, v0), (p1, v1) = min(ticks), max(ticks)
    return lambda p: v0 + (p - p0) * (v1 - v0) / (p1 - p0)


@pytest.fixture
def drawn_curve() -> Any:
    """``drawn_curve(svg, "loss")``: a live-view curve's points read back through its axes."""
    return _drawn_curve


class Page:
    """A stand-in for a notebook page: each output shown, with every replacement of it."""

    def __init__(self) -> None:
        self.outputs: list[list[dict[str, str]]] = []

    def show(self, bundle: dict[str, str]) -> Any:
        frames = [bundle]
        self.outputs.append(frames)

        class Handle:
            def update(self, bundle: dict[str, str], raw: bool) -> None:
                assert raw
                frames.append(bundle)

        return Handle()

    def figures(self) -> list[list[dict[str, str]]]:
        """The outputs that are live-view figures (SVG)."""
        return [o for o in self.outputs if "image/svg+xml" in o[0]]

    def text_lines(self) -> list[list[dict[str, str]]]:
        """The plain-text outputs (progress lines)."""
        return [o for o in self.outputs if "image/svg+xml" not in o[0]]


@pytest.fixture
def notebook(monkeypatch: pytest.MonkeyPatch) -> Page:
    """Run as if in a notebook without ipywidgets; outputs land on the returned ``Page``."""
    from nn import jupyter

    page = Page()
    monkeypatch.setattr(jupyter, "in_notebook", lambda: True)
    monkeypatch.setattr(jupyter, "has_ipywidgets", lambda: False)
    monkeypatch.setattr(jupyter, "show_in_place", page.show)
    return page
