"""The engine, the expression language, the stepper, the player and slides need no numpy
(where numpy cannot be had, in a browser's Python, they must still run): a
subprocess in which importing numpy fails runs the lecture example through all
of them."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent(
    """
    import sys

    class NoNumpy:
        def find_spec(self, name, path=None, target=None):
            if name == "numpy" or name.startswith("numpy."):
                raise ImportError("numpy cannot be imported here")
            return None

    sys.meta_path.insert(0, NoNumpy())
    import os, tempfile
    from autograd_lite import Stepper, Value, draw, grad, parse, softmax, to_text
    from autograd_lite.expression import output_of
    from autograd_lite.play.player import Player
    from autograd_lite.play.slides import write_slides

    d = parse("q = x + y; f = q * z", x=-2, y=5, z=-4)
    f = output_of(d)
    f.backward()
    print("grads", d["x"].grad, d["y"].grad, d["z"].grad)
    s = Stepper(f)
    s.end()
    told = s.narration()
    grads = (("x", "\u22124"), ("y", "\u22124"), ("z", "3"))
    print("narrated", [f"({n}.grad = {g})" in told for n, g in grads])
    html = Player(s)._repr_html_()
    print("player", "agl-player" in html and "svg" in html)
    print("dot", "grad" in draw(f).source, "text", "x" in to_text(f))
    print("grad", grad(lambda a: a * a * 3.0)(2.0))
    print("softmax", round(sum(p.data for p in softmax([Value(1.0), Value(2.0)])), 12))
    with tempfile.TemporaryDirectory() as folder:
        deck = write_slides(f, os.path.join(folder, "deck.html"))
        print("slides", deck.read_text(encoding="utf-8").startswith("<!DOCTYPE html>"))
    print("numpy", "numpy" in sys.modules)
    """
)


def test_the_lecture_example_runs_through_everything_without_numpy():
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "grads -4.0 -4.0 3.0"  # the lecture's numbers
    assert lines[1:] == [
        "narrated [True, True, True]",  # the stepper tells each of them
        "player True",
        "dot True text True",
        "grad 12.0",  # d/da 3a^2 = 6a at a = 2
        "softmax 1.0",
        "slides True",
        "numpy False",
    ]
