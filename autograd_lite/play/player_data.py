"""What a backprop player sends to the browser: one layout's frames as changes, and the story.

The page holds ONE picture of the graph (``Layout.inline_svg``); the
browser dresses it for any step from this data, exactly as
``svg_template.py`` dresses it in Python: the texts of a node's record, the
fill and pen of its shapes, an edge's pen and label. So the data is

- ``base``: how every node and edge looks before the first step, and
  ``changes[k]``: only the looks that step k changes (a step touches a
  handful of nodes, so a 180-step deck ships kilobytes, not a picture per
  step); ``questions[k]``, in predict mode, the changes from step k - 1 to
  the picture that asks for step k's number;
- ``story[k]``: the narration of step k, from the ``Step``'s parts (its
  equation and note, their predict-mode questions, the words under it);
- ``rows``: every node in topological order with its name, data, the step
  that computes it and every contribution to its grad (each term
  child's bar · local derivative, and the running sum), for the grads
  table and for clicking a node;
- ``ids``: which row each drawn node (record, operation, copy, module)
  shows.

A look is a list: a node's ``[fields, fill, flags]`` (``DASHED``, ``BOLD``,
``HIGHLIGHT``, ``TARGET``, ``ASKED_DATA``, ``ASKED_GRAD``), an edge's
``[label, highlighted]``.

>>> from autograd_lite import parse
>>> from autograd_lite.play.stepper import Stepper
>>> s = Stepper(parse("q = x + y; f = q * z", x=-2, y=5, z=-4)["f"], notation="unicode")
>>> data = player_data(s, s.scene(), s.frames(), [None] * 11, start=0, scale=1.0)
>>> data["base"]["n"]["v0"], data["changes"][1]["n"]["v0"]   # step 1 computes x = -2
([['x', 'data', 'grad ?'], '#cfe3fa', 1], [['x', 'data −2', 'grad ?'], '#cfe3fa', 5])
>>> data["story"][9]["line"], data["rows"][0]["terms"]
(['x̄ += q̄ · ∂q/∂x = (−4) · 1 = −4', 'x.grad = −4'], [[9, 'q̄ · ∂q/∂x', '(−4) · 1', '−4', '−4']])
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..drawing.frame import EdgeLook, Frame, NodeLook
from ..drawing.frame_changes import FrameSteps
from ..drawing.notation import BAR_END, BAR_START, WholeBars
from ..drawing.palette import (  # fmt: skip
    DASHES,
    EDGE_LABEL_COLOR,
    HIGHLIGHT,
    HIGHLIGHT_EDGE_PEN,
    HIGHLIGHT_PEN,
    INK,
    OUTPUT_PEN,
    PEN,
)
from ..drawing.scene import Scene
from .name_boxes import name_boxes
from .network_view import network_view, unit_rows
from .step import BACKWARD, SEED, Step, StepSource
from .step_words import Words, caption, opening, whole_bars

DASHED, BOLD, HIGHLIGHT_FLAG, TARGET, ASKED_DATA, ASKED_GRAD = 1, 2, 4, 8, 16, 32


def player_data(
    stepper: StepSource,
    scene: Scene,
    frames: Sequence[Frame],
    questions: Sequence[Frame | None] | None,
    *,
    start: int,
    scale: float,
    predict: bool = False,
    title: str = "",
    close_up: bool = False,
) -> dict[str, Any]:
    """Everything a player page needs besides its one SVG (see the module doc).

    ``scene``, ``frames`` and ``questions`` are ``Stepper.scene``,
    ``Stepper.frames`` and ``Stepper.question_frames`` with the options the
    SVG was laid out with (``scale`` is that layout's), or ``frames`` is
    ``Stepper.frame_steps`` (with its questions; ``questions=None``), which
    is only read as changes; ``start`` is the
    position shown first; ``close_up``: a graph too big to read whole opens
    up close (the Z key), following the step.
    """
    if isinstance(frames, FrameSteps):
        if questions is not None:
            raise ValueError("player_data: FrameSteps carry their questions; pass questions=None")
        questions = frames.questions
    if questions is None or len(frames) != len(stepper) + 1 or len(questions) != len(frames):
        raise ValueError("player_data needs one frame and one question (or None) per position")
    if not isinstance(start, int) or not 0 <= start <= len(stepper):
        raise ValueError(f"start must be a position from 0 to {len(stepper)}, got {start!r}")
    overlays: dict[int, Any] = {}
    if isinstance(frames, FrameSteps):
        base, steps, asked, overlays = _changes_of_steps(frames)
    else:
        base, steps, asked = _changes_of_frames(frames, questions)
    bars = whole_bars(stepper)
    rows, row_of = _rows(stepper, bars)
    return {
        "title": title,
        "steps": len(stepper),
        "forward": stepper.forward_count,
        "start": start,
        "predict": bool(predict),
        "close": bool(close_up),
        "style": pens(scale),
        "base": base,
        "changes": steps,
        "questions": asked,
        "story": [_opening(stepper)] + [_story(stepper, s, row_of, bars) for s in stepper.steps],
        "rows": rows,
        "ids": _drawn_rows(scene, row_of),
        "by": getattr(stepper, "by", "edge"),
        "coarse": [_coarse(c, overlays, bars, row_of) for c in getattr(stepper, "coarse", [])],
        **_overview(stepper, row_of),
    }


def _overview(stepper: StepSource, row_of: dict[int, int]) -> dict[str, Any]:
    """The overview a graph too big to read whole gets: its network, else its names."""
    network = network_view(stepper, row_of)
    names = None if network else name_boxes(stepper, row_of)
    return {"network": network, "names": names}


def _changes_of_frames(
    frames: Sequence[Frame], questions: Sequence[Frame | None]
) -> tuple[dict, list, list]:
    """``base``, ``changes`` and ``questions`` of the data, from whole frames."""
    looks = [encoded(f) for f in frames]
    steps = [None] + [changes(looks[k - 1], looks[k]) for k in range(1, len(looks))]
    asked = [
        None if q is None else changes(looks[k - 1], encoded(q)) for k, q in enumerate(questions)
    ]
    return looks[0], steps, asked


def _changes_of_steps(frames: FrameSteps) -> tuple[dict, list, list, dict]:
    """The same from frames kept as changes: only the looks a step changes are encoded;
    and each overlay (``FrameSteps.overlays``) as changes from its position's frame."""
    now = encoded(frames.changes[0])
    base = {part: dict(looks) for part, looks in now.items()}
    steps: list[Any] = [None]
    asked: list[Any] = [None]  # position 0 asks nothing
    overlays: dict[int, Any] = {}
    for k, (change, question) in enumerate(zip(frames.changes[1:], frames.questions[1:]), 1):
        asked.append(None if question is None else changed(now, encoded(question)))
        step = changed(now, encoded(change))
        for part, looks in step.items():
            now[part].update(looks)
        steps.append(step)
        if k in frames.overlays:
            overlays[k] = changed(now, encoded(frames.overlays[k]))
    return base, steps, asked, overlays


def changed(now: dict, some: dict) -> dict[str, dict[str, list[Any]]]:
    """The looks of ``some`` (a few ids, ``encoded``) that differ from ``now`` (all ids).

    >>> changed({"n": {"v0": [["x"], "", 0]}, "e": {}}, {"n": {"v0": [["x"], "", 0]}, "e": {}})
    {'n': {}, 'e': {}}
    """
    return {
        part: {i: look for i, look in some[part].items() if now[part].get(i) != look}
        for part in ("n", "e")
    }


def to_json(data: dict[str, Any]) -> str:
    """``data`` as JSON that is safe inside ``<script type="application/json">``.

    >>> to_json({"label": "</script><b>"})
    '{"label":"\\\\u003c/script>\\\\u003cb>"}'
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for c in ("<", BAR_START, BAR_END):  # and the bar marks: no control characters in a page
        text = text.replace(c, f"\\u{ord(c):04x}")
    return text


# --- looks ------------------------------------------------------------------------------


def pens(scale: float) -> dict[str, Any]:
    """The colours and pen widths ``svg_template.py`` draws with, for the browser to use."""
    return {
        "highlight": HIGHLIGHT,
        "ink": INK,
        "pen": PEN,
        "outputPen": OUTPUT_PEN,
        "highlightPen": HIGHLIGHT_PEN,
        "highlightEdgePen": HIGHLIGHT_EDGE_PEN,
        "dashes": DASHES,
        "edgeLabel": EDGE_LABEL_COLOR,
        "scale": scale,
    }


def node_look(look: NodeLook) -> list[Any]:
    flags = (
        DASHED * look.dashed
        | BOLD * look.bold
        | HIGHLIGHT_FLAG * look.highlight
        | TARGET * look.target
        | ASKED_DATA * (look.asked == "data")
        | ASKED_GRAD * (look.asked == "grad")
    )
    return [list(look.fields), look.fill or "", flags]


def edge_look(look: EdgeLook) -> list[Any]:
    return [look.label, int(look.highlight)]


def encoded(frame: Frame) -> dict[str, dict[str, list[Any]]]:
    """A frame as ``{"n": {id: node look}, "e": {id: edge look}}``."""
    return {
        "n": {i: node_look(look) for i, look in frame.nodes.items()},
        "e": {i: edge_look(look) for i, look in frame.edges.items()},
    }


def changes(before: dict, after: dict) -> dict[str, dict[str, list[Any]]]:
    """The looks of ``after`` that differ from ``before`` (both ``encoded``).

    >>> changes({"n": {"v0": [["x"], "", 0]}, "e": {}}, {"n": {"v0": [["x"], "", 4]}, "e": {}})
    {'n': {'v0': [['x'], '', 4]}, 'e': {}}
    """
    return {
        part: {i: look for i, look in after[part].items() if before[part].get(i) != look}
        for part in ("n", "e")
    }


# --- the story of each step ----------------------------------------------------------------


def _segments(words: Words) -> list[list[Any]]:
    return [[text, int(code)] for text, code in words if text]


def _opening(stepper: StepSource) -> dict[str, Any]:
    return {"kind": "start", "words": _segments(opening(stepper)), "node": -1, "target": -1}


def _story(
    stepper: StepSource, step: Step, row_of: dict[int, int], bars: WholeBars
) -> dict[str, Any]:
    target = step.target
    answered = step.answered
    mark = bars.marked
    return {
        "kind": step.kind,
        "line": [mark(step.equation), step.note],
        "question": [mark(step.question), step.question_note] if step.asks else None,
        "asks": None if answered is None else [row_of[id(answered[0])], answered[1]],
        "words": [[mark(text), code] for text, code in _segments(caption(stepper, step))],
        "node": row_of[id(step.node)],
        "target": -1 if target is None else row_of[id(target)],
    }


def _coarse(
    c: Any, overlays: dict[int, Any], bars: WholeBars, row_of: dict[int, int]
) -> dict[str, Any]:
    """A coarse step (``coarse_steps.CoarseStep``): where it starts and stops, what it says,
    and the looks that highlight all of it (over the frame of its last edge step)."""
    return {
        "start": c.start,
        "stop": c.stop,
        "kind": c.kind,
        "title": c.title,
        "lines": [bars.marked(line) for line in c.lines],
        "matrices": list(c.matrices),
        "why": c.why,
        "look": overlays.get(c.stop),
        "units": unit_rows(c.unit, row_of),
        "sample": getattr(c.unit, "sample", 0),
    }


# --- the rows: every node, its data and the terms of its grad ------------------------------


def _rows(stepper: StepSource, bars: WholeBars) -> tuple[list[dict[str, Any]], dict[int, int]]:
    row_of = {id(node): i for i, node in enumerate(stepper.order)}
    rows = []
    for k, node in enumerate(stepper.order):
        step = stepper.steps[k]  # forward step k + 1 computes node k
        name = stepper.name(node)
        rows.append({
            "name": name,
            "bar": bars.marked(stepper.notation.bar(name)),
            "kind": ("input" if node.label else "constant") if not node.parents else "computed",
            "computedAt": step.index,
            "data": stepper.number(node.data),
            "equation": step.equation if node.parents else "",
            "terms": [],
        })  # fmt: skip
    for step in stepper.steps:
        if step.kind in (SEED, BACKWARD):
            rows[row_of[id(step.target)]]["terms"].append(_term(stepper, step, bars))
    return rows, row_of


def _term(stepper: StepSource, step: Step, bars: WholeBars) -> list[Any]:
    """``[step, child's bar · local derivative, the numbers, the term, the running sum]``."""
    n, fmt = stepper.notation, stepper.format
    total = fmt(step.grad_after)
    if step.kind == SEED:
        root = stepper.name(step.node)
        return [step.index, n.local(root, root), "", fmt(1.0), total]
    child, parent = stepper.name(step.node), stepper.name(step.parent)
    times = f" {n.times} "
    symbolic = f"{n.bar(child)}{times}{n.local(child, parent)}"
    numbers = f"{fmt.operand(step.upstream)}{times}{fmt.operand(step.local)}"
    return [step.index, bars.marked(symbolic), numbers, fmt(step.contribution), total]


def _drawn_rows(scene: Scene, row_of: dict[int, int]) -> dict[str, int]:
    """The row each drawn node shows: a record or module its value, an operation the
    value it computes, a copy the leaf it copies."""
    out = {}
    for node_id, node in scene.nodes.items():
        if node.value is not None and id(node.value) in row_of:
            out[node_id] = row_of[id(node.value)]
    return out


__all__ = [
    "ASKED_DATA",
    "ASKED_GRAD",
    "BOLD",
    "DASHED",
    "HIGHLIGHT_FLAG",
    "TARGET",
    "changed",
    "changes",
    "edge_look",
    "encoded",
    "node_look",
    "pens",
    "player_data",
    "to_json",
]
