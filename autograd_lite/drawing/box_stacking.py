"""Which way the Graphviz renderer on this machine stacks the boxes inside a box.

Where no edge decides, one renderer puts the first-declared inner box on
top and another at the bottom: ``dot`` 2.43 (Debian's, Ubuntu's) keeps the
declaration order, ``graphviz-pure`` reverses it. An nn layer's neurons are
such boxes, so ``dot.py`` declares them in the order that reads 0, 1, 2, ...
from the top on the renderer that will draw them. Asking the renderer once
(a three-box probe, a few tens of milliseconds) is sturdier than guessing
from its version.
"""

from __future__ import annotations

import functools
import subprocess

from .renderer import ORDER_HINTS, RendererNotFoundError, find_renderer

PROBE_TIMEOUT = 10.0
"""Seconds the probe may take; past them the renderer is taken to reverse."""


def _probe_source() -> str:
    hints = " ".join(f"{key}={value}" for key, value in ORDER_HINTS.items())
    boxes = " ".join(f"subgraph cluster_n{k} {{ a{k} -> b{k} }}" for k in range(3))
    return f"digraph probe {{ graph [rankdir=LR {hints}] subgraph cluster_layer {{ {boxes} }} }}"


def stacks_boxes_reversed() -> bool:
    """True when this machine's renderer stacks a box's inner boxes last-declared on top.

    With no renderer, or one that fails the probe, True: what
    ``graphviz-pure``, the renderer pip installs, does.

    >>> isinstance(stacks_boxes_reversed(), bool)
    True
    """
    try:
        program = find_renderer()
    except RendererNotFoundError:
        return True
    return _reverses(program)


@functools.cache
def _reverses(program: str) -> bool:
    try:
        done = subprocess.run(
            [program, "-Tplain"],
            input=_probe_source().encode("ascii"),
            capture_output=True,
            timeout=PROBE_TIMEOUT,
        )
    except (OSError, subprocess.SubprocessError):
        return True
    heights = {}  # node name -> y of its centre (plain output: y grows upwards)
    for line in done.stdout.decode("utf-8", "replace").splitlines():
        fields = line.split()
        if len(fields) > 3 and fields[0] == "node":
            heights[fields[1]] = float(fields[3])
    if done.returncode != 0 or not {"a0", "a2"} <= heights.keys():
        return True
    return heights["a0"] < heights["a2"]  # the first-declared box is lower
