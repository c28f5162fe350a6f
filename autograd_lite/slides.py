"""A slide deck of backprop: one self-contained HTML file, a slide per step.

``slides_html(f)`` walks a ``Stepper`` through the forward and the backward
pass and makes one slide per step (after an opening slide): the graph as
inline SVG, the step's chain-rule line, and a running table of every
node's data and grad so far. The graph is laid out once
(``Stepper.layout``: one renderer call for the whole deck) and every slide
shows that same picture with its own texts, colours and highlights, so
nothing moves between slides; it is drawn for a projector
(``record="compact"``, ``scale=1.5``) and scaled to fill its box. The
current node and edge are found by the scene's ids, not by reading the
renderer's SVG back.
Arrow keys, Page Up/Down, Space, Home/End and clicks (right half: next,
left half: back) move through it; ``F`` goes full screen. Without
JavaScript every slide is shown, one under the other.

The file loads nothing: no fonts, scripts or style sheets from the network
(a Content-Security-Policy in the file forbids it), so it can be opened from
a USB stick. The same graph gives the same bytes every time.

>>> from autograd_lite import Value
>>> x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
>>> q = x + y
>>> q.label = "q"
>>> f = q * z
>>> f.label = "f"
>>> deck = slides_html(f, title="f = (x + y) z")
>>> deck.count('<section class="slide')  # an opening slide and 10 steps
11
>>> "x̄ += q̄ · ∂q/∂x = (−4) · 1 = −4" in deck
True
>>> x.grad, y.grad, z.grad  # a Value's graph is left with its final grads
(-4.0, -4.0, 3.0)
"""

from __future__ import annotations

import os
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

from .progress import Budget, progress_bar, waiting_bar
from .renderer import DEFAULT_TIMEOUT, write_atomic
from .slides_assets import EARLY_SCRIPT, SCRIPT, STYLE
from .steps import BACKWARD, FORWARD, SEED, Step, Stepper

DEFAULT_TITLE = "Backprop, step by step"

DEFAULT_MAX_STEPS = 200
"""Decks with more steps than this are refused (each slide holds a whole graph)."""

MAX_ZOOM = 2.0
"""The graph is drawn at most this many times its natural size."""

PROJECTOR = {"record": "compact", "scale": 1.5}
"""How the deck draws its graph unless told otherwise: the label beside data
over grad (narrow boxes) and fonts half as large again as ``draw``'s, so the
text is large when the picture is fitted to the slide."""

TABLE_WIDTH = 1192
"""Room for the grads table, in CSS pixels (the slide's width less its margins)."""

# Font sizes of the grads table (normal, dense) in px, with the width of one
# character of the monospaced font and the padding of a cell at that size.
TABLE_FONTS = ((21, 12.7, 26), (17, 10.3, 22))
ROW_HEADER = 84

LONG_LINE = 52
"""Chain-rule lines longer than this (in characters) get a smaller font."""

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)


class TooManyStepsError(ValueError):
    """The deck would have more slides than ``max_steps`` allows."""


def slides_html(
    graph: Any,
    title: str = DEFAULT_TITLE,
    *,
    digits: int | None = None,
    number_format: str | Callable[[float], str] | None = None,
    max_steps: int | None = DEFAULT_MAX_STEPS,
    timeout: float | None = DEFAULT_TIMEOUT,
    progress: bool | None = None,
    **options: Any,
) -> str:
    """The slide deck of ``graph`` (a Value or a Stepper) as one HTML page.

    A Value gets a new ``Stepper(graph, digits, number_format=...)`` in
    Unicode notation (the page is UTF-8) and its graph is left at the last
    step, so every grad is what ``backward()`` gives; a Stepper (its own
    format and notation apply) is put back at the position it had.
    ``options`` go to ``draw`` (``rankdir="TB"``, ``color="grad"``,
    ``scale=2``...), over ``PROJECTOR``.

    ``timeout`` is the budget in seconds for the whole deck (layout and
    slides; None: no limit): past it, RenderError says how far it got.
    ``progress``: show progress bars on stderr (None: only on a terminal).
    Raises TooManyStepsError for more than ``max_steps`` steps (None: no
    limit), and what drawing raises (RendererNotFoundError, RenderError,
    GraphTooLargeError).
    """
    if isinstance(graph, Stepper):
        if digits is not None or number_format is not None:
            raise ValueError("a Stepper has its own number format; give digits to the Stepper")
        stepper = graph
    else:
        stepper = Stepper(graph, digits, number_format=number_format, notation="unicode")
    total = len(stepper)
    if max_steps is not None and total > max_steps:
        raise TooManyStepsError(
            f"the deck would have {total} steps, more than max_steps={max_steps}: "
            "make slides of a smaller graph, or pass max_steps=None (--max-steps none)"
        )
    start = stepper.position if graph is stepper else total
    budget = Budget(timeout, "making the slides")
    options = {**PROJECTOR, **options}
    try:
        body = _slides(stepper, str(title), options, budget, progress)
    finally:
        stepper.jump(start)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(str(title))}</title>\n"
        f"<script>{EARLY_SCRIPT}</script>\n"
        f"<style>{STYLE}</style>\n"
        "</head>\n<body>\n"
        f'<main class="deck" data-steps="{total}">\n{body}\n</main>\n'
        f"<script>{SCRIPT}</script>\n"
        "</body>\n</html>\n"
    )


def _slides(
    stepper: Stepper, title: str, options: dict, budget: Budget, progress: bool | None
) -> str:
    """Every slide: one layout of the graph, then one frame of it per slide."""
    total = len(stepper)
    with waiting_bar("slides: laying out the graph", budget.left(), enabled=progress) as wait:
        layout = stepper.layout(timeout=budget.left(), waiting=wait, **options)
    frames = stepper.frames(**options)
    table = _table_layout(stepper)
    slides = []
    with progress_bar(total + 1, "slides", enabled=progress) as bar:
        for k in range(total + 1):
            budget.check(f"at slide {k} of {total}")
            stepper.jump(k)
            svg = _graph_svg(stepper, layout, frames[k], k)
            slides.append(_slide(stepper, title, table, svg))
            bar.update(1)
    return "\n".join(slides)


def write_slides(
    graph: Any, path: str | os.PathLike[str], title: str = DEFAULT_TITLE, **kwargs: Any
) -> Path:
    """Write ``slides_html(graph, title, **kwargs)`` to ``path``, atomically.

    The file is complete or not there; an old file stays until the new one
    replaces it. Returns the absolute path.

    >>> import tempfile
    >>> from autograd_lite import Value
    >>> with tempfile.TemporaryDirectory() as d:
    ...     out = write_slides(Value(2.0, label="a") * 3, os.path.join(d, "deck.html"))
    ...     out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    True
    """
    target = Path(path)
    if target.is_dir():
        raise IsADirectoryError(f"{str(path)!r} is a directory; give a file name like deck.html")
    if not target.parent.is_dir():
        raise FileNotFoundError(f"no such directory: {str(target.parent)!r} (for {str(path)!r})")
    text = slides_html(graph, title, **kwargs)
    return write_atomic(target, text.encode("utf-8")).resolve()


# --- one slide ----------------------------------------------------------------------


def _slide(stepper: Stepper, title: str, layout: tuple[int, bool], svg: str) -> str:
    step = stepper.current
    k = stepper.position
    total = len(stepper)
    if step is None:
        kind, phase = "overview", "overview"
        attrs = ""
    else:
        kind = "forward" if step.kind == FORWARD else "backward"
        phase = f"{kind} pass"
        target = step.target
        attrs = (
            f' data-kind="{step.kind}" data-node="{_attr(stepper.name(step.node))}"'
            f' data-target="{_attr("" if target is None else stepper.name(target))}"'
        )
    classes = "slide opening" if step is None else f"slide {kind}-slide"
    progress = f"{100 * k / total:.2f}" if total else "100"
    parts = [
        f'<section class="{classes}" id="s{k}" data-step="{k}"{attrs}>',
        _bar(title, kind, phase, k, total),
    ]
    if step is None:
        parts += [
            f'<p class="lead">{escape(title)}</p>',
            f'<div class="graph">{svg}</div>',
            _opening_facts(stepper),
        ]
    else:
        parts += [
            f'<div class="graph">{svg}</div>',
            _step_text(stepper, step),
            _grads_tables(stepper, step, layout),
        ]
    parts.append(f'<div class="progress" style="width:{progress}%"></div>')
    parts.append("</section>")
    return "\n".join(parts)


def _bar(title: str, kind: str, phase: str, k: int, total: int) -> str:
    prev = (
        f'<a class="prev" href="#s{k - 1}" title="back (Left arrow)" aria-label="back">&#8249;</a>'
        if k > 0
        else '<span class="off" aria-hidden="true">&#8249;</span>'
    )
    nxt = (
        f'<a class="next" href="#s{k + 1}" title="next (Right arrow)" aria-label="next">&#8250;</a>'
        if k < total
        else '<span class="off" aria-hidden="true">&#8250;</span>'
    )
    return (
        '<header class="bar">'
        f'<span class="title">{escape(title)}</span>'
        f'<span class="phase {kind}">{phase}</span>'
        f'<span class="nav">{prev}<span class="counter"><b>{k}</b> / {total}</span>{nxt}</span>'
        "</header>"
    )


def _opening_facts(stepper: Stepper) -> str:
    total, forward = len(stepper), stepper.forward_count
    inputs = [
        f"<code>{escape(stepper.name(n))} = {escape(stepper.number(n.data))}</code>"
        for n in stepper.order
        if not n.parents and n.label
    ]
    given = f"Inputs: {', '.join(inputs)}.<br>" if inputs else ""
    output = escape(stepper.name(stepper.root))
    return (
        '<p class="facts">'
        f"{given}{total} steps: {forward} forward (compute each value, inputs to output "
        f"<code>{output}</code>), then {total - forward} backward (the chain rule, one edge "
        "at a time).<br>"
        '<span class="keys"><kbd>&#8594;</kbd> <kbd>Space</kbd> <kbd>PgDn</kbd> or click right: '
        "next &#160; <kbd>&#8592;</kbd> <kbd>PgUp</kbd> or click left: back &#160; "
        "<kbd>Home</kbd> <kbd>End</kbd> &#160; <kbd>F</kbd> full screen</span>"
        "</p>"
    )


def _step_text(stepper: Stepper, step: Step) -> str:
    line = f'<span class="main">{escape(step.equation)}</span>'
    if step.note:
        line += f'<span class="note">{escape(f"   ({step.note})")}</span>'
    length = len(step.equation)
    size = " long" if length > LONG_LINE else ""
    return (
        '<div class="step">'
        f'<p class="eq{size}">{line}</p>'
        f'<p class="caption">{_caption(stepper, step)}</p>'
        "</div>"
    )


def _caption(stepper: Stepper, step: Step) -> str:
    """What the step means, in words (HTML)."""
    name = _code(stepper.name(step.node))
    if step.kind == FORWARD:
        node = step.node
        if not node.parents:
            what = "an input: its value is given" if node.label else "a constant of the expression"
            words = f"Forward pass: {name} is {what}."
        else:
            parents = []
            for p in node.parents:
                if not any(p is q for q in parents):
                    parents.append(p)
            words = (
                f"Forward pass: {name} is computed from "
                f"{_and([_code(stepper.name(p)) for p in parents])} "
                f"by <code>{escape(node.op)}</code>."
            )
    elif step.kind == SEED:
        words = (
            f"The backward pass starts at the output {name}: {_code(step.why)}, "
            "the gradient of the output, which every bar below stands for."
        )
    else:
        n = stepper.notation
        parent = _code(stepper.name(step.parent))
        bar = _code(n.bar(stepper.name(step.parent)))
        child_bar = _code(n.bar(stepper.name(step.node)))
        why = step.why.split(" because ", 1)
        words = (
            f"Chain rule on the edge {parent} &#8594; {name}: {child_bar} times the local "
            f"derivative {_code(why[0])}"
            + (f", because {_code(why[1])}" if len(why) == 2 else "")
            + f", is added into {bar} ({parent}.grad)."
        )
        if step.grad_before is not None:
            words += (
                f" It already held {escape(stepper.number(step.grad_before))} "
                "from another path: the contributions add up."
            )
    if step.index == len(stepper) and step.kind != FORWARD:
        root = _code(stepper.name(stepper.root))
        words += f" Done: every grad is now what {root}.backward() gives."
    return words


def _table_layout(stepper: Stepper) -> tuple[int, bool]:
    """``(nodes per table, dense)`` for the grads table, the same on every slide.

    One table at the normal size if every column fits, else the smaller
    ``dense`` size, as few tables as fit, the nodes shared out evenly.
    """
    texts = [stepper.name(n) for n in stepper.order]
    texts += [stepper.number(n.data) for n in stepper.order]
    texts += [stepper.number(s.grad_after) for s in stepper.steps if s.grad_after is not None]
    widest = max(len(t) for t in texts)
    n = len(stepper.order)
    per_table = 1
    for dense, (_size, char, pad) in enumerate(TABLE_FONTS):
        per_table = max(1, int((TABLE_WIDTH - ROW_HEADER) // (widest * char + pad)))
        if per_table >= n:
            return n, bool(dense)
    tables = -(-n // per_table)
    return -(-n // tables), True


def _grads_tables(stepper: Stepper, step: Step, layout: tuple[int, bool]) -> str:
    """The running table of every node's data and grad so far (see ``_table_layout``)."""
    per_table, dense = layout
    rows = stepper.rows()
    written = step.target if step.kind in (SEED, BACKWARD) else None
    computed = step.node if step.kind == FORWARD else None
    tables = []
    for lo in range(0, len(rows), per_table):
        nodes = stepper.order[lo : lo + per_table]
        chunk = rows[lo : lo + per_table]
        head, data, grad = [], [], []
        for node, (name, _op, value, g) in zip(nodes, chunk):
            cur = ' class="cur"' if node is step.node or node is written else ""
            key = _attr(name)
            head.append(f'<th scope="col"{cur}>{escape(name)}</th>')
            data_class = "data hit" if node is computed else ("data cur" if cur else "data")
            data.append(
                f'<td class="{data_class}" data-node="{key}">{escape(stepper.number(value))}</td>'
            )
            shown = "&#8211;" if g is None else escape(stepper.number(g))
            classes = ["grad"]
            if node is written:
                classes.append("hit")
            else:
                classes += (["none"] if g is None else []) + (["cur"] if cur else [])
            grad.append(f'<td class="{" ".join(classes)}" data-node="{key}">{shown}</td>')
        empty = "<td></td>" * (per_table - len(nodes))  # keeps the columns of all tables aligned
        tables.append(
            '<table class="grads">'
            f'<thead><tr><th scope="row">node</th>{"".join(head)}{empty}</tr></thead>'
            f'<tbody><tr><th scope="row">data</th>{"".join(data)}{empty}</tr>'
            f'<tr><th scope="row">grad</th>{"".join(grad)}{empty}</tr></tbody>'
            "</table>"
        )
    size = "tables dense" if dense else "tables"
    if len(tables) > 1:  # one block at a time, scrolled to the current node: room for the graph
        size += " scrolled"
    return f'<div class="{size}">' + "".join(tables) + "</div>"


# --- the graph ----------------------------------------------------------------------


def _graph_svg(stepper: Stepper, layout: Any, frame: Any, k: int) -> str:
    """The one layout of the graph dressed as ``frame``, inline for slide ``k``.

    Ids get a per-slide prefix (every slide has a graph); the natural size,
    times ``MAX_ZOOM``, becomes a cap, so CSS scales the picture to fill its
    box up to that. Every node group carries ``data-node`` (its name in the
    narration), a ``<title>`` (a tooltip), and the classes ``hl``
    (highlighted) and ``target`` (its grad is written by this step).
    """
    step = stepper.current
    label = "the graph" if step is None else f"the graph at step {step.index}"
    width, height = layout.width * 4 / 3, layout.height * 4 / 3  # pt -> CSS px
    attrs = {"class": "drawing", "role": "img", "aria-label": label}
    if width and height:
        attrs["style"] = f"max-width:{width * MAX_ZOOM:.0f}px;max-height:{height * MAX_ZOOM:.0f}px"
    return layout.inline_svg(frame, id_prefix=f"s{k}-", attrs=attrs)


# --- text helpers -------------------------------------------------------------------


def _attr(text: str) -> str:
    return escape(text, quote=True)


def _code(name: str) -> str:
    return f"<code>{escape(name)}</code>"


def _and(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


__all__ = [
    "DEFAULT_MAX_STEPS",
    "DEFAULT_TITLE",
    "TooManyStepsError",
    "slides_html",
    "write_slides",
]
