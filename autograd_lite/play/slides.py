"""A slide deck of backprop: the backprop player, full screen, in one self-contained HTML file.

``slides_html(f)`` is the player (``player.py``) in a slide layout: a
1280 x 720 canvas fitted to the window, the graph drawn for a projector
(``record="compact"``, ``scale=1.5``) and filling its box, the step's
chain-rule line, the words under it and the running table of every node's
data and grad. The page holds ONE picture of the graph (one layout, one
renderer call) and the looks of every step as changes; its script dresses
the picture for the step shown, so nothing moves between steps and a
180-step deck is hundreds of kilobytes, not a picture per step.

Arrow keys, Page Up/Down, Space, Home/End and clicks (right half: next,
left half: back) move through it, ``P`` plays, ``F`` goes full screen,
``Z`` shows a graph too big to read whole at its own size, following the step,
clicking a node shows every contribution to its grad; ``deck.html#s7``
opens at step 7. With ``predict=True`` each step's number is first a
question (``?``) and the next key (or Enter) reveals it. Without
JavaScript the page shows the graph after the last step and then every
step, one after another.

Printing gives a page per step on A4 landscape (a network: a page per
neuron or layer per pass, its picture cropped around it so that its text
is 9 pt or more); ``handout=True`` writes a page that opens on those
pages, to scroll or print.

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
>>> deck.count("<svg"), deck.count('<section class="slide')  # one picture; 11 no-JS pages
(1, 11)
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

from ..drawing.drawable_text import check_drawable
from ..drawing.notation import WholeBars
from ..drawing.progress import Budget, progress_bar, waiting_bar
from ..drawing.renderer import DEFAULT_TIMEOUT, write_atomic
from .player import DEFAULT_MAX_STEPS, TooManyStepsError, check_steps, player_markup, web_file
from .step import FORWARD, SCENE_OPTIONS, Step
from .step_words import caption, opening, whole_bars, words_html
from .stepper import Stepper

DEFAULT_TITLE = "Backprop, step by step"

MAX_ZOOM = 2.0
"""The graph is drawn at most this many times its natural size."""

PROJECTOR = {"record": "compact", "scale": 1.5}
"""How the deck draws its graph unless told otherwise: the label beside data
over grad (narrow boxes) and fonts half as large again as ``draw``'s, so the
text is large when the picture is fitted to the slide."""

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)

# Runs in <head>, before the body is parsed, so a browser with JavaScript
# never shows the no-JavaScript pages first.
EARLY_SCRIPT = 'document.documentElement.classList.add("js");'

HANDOUT_CLASS = "agl-handout"
"""The class of a handout's ``<html>``: player.js prints the deck onto the screen."""

HANDOUT_STYLE = (
    "@media screen { .agl-handout body { background: #d9dde2; }"
    " .agl-handout .agl-print .agl-page { margin: 16mm auto; background: #ffffff;"
    " box-shadow: 0 0 0 10mm #ffffff, 0 0 4px 10mm rgba(0, 0, 0, 0.25); } }"
)
"""A handout's pages on screen look like the sheets they print on (10 mm margins)."""

DECK_IDS = "deck-"
"""The prefix of the picture's ids (one picture per deck, so a fixed one: same bytes)."""


def slides_html(
    graph: Any,
    title: str = DEFAULT_TITLE,
    *,
    digits: int | None = None,
    number_format: str | Callable[[float], str] | None = None,
    predict: bool = False,
    close_up: bool = False,
    by: str | None = None,
    handout: bool = False,
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
    ``predict``: each step's number is hidden until the next key (or
    Enter) reveals it. ``close_up``: a graph too big to read whole opens at
    its own size, following the step (Z toggles it). ``by``: ``"edge"``
    (the default), or ``"neuron"`` / ``"layer"`` for a network: a slide per
    neuron or layer, each opening into its edge steps (O); printed, a page
    per slide. ``options`` go to
    ``draw`` (``rankdir="TB"``, ``color="grad"``, ``scale=2``...), over
    ``PROJECTOR``.

    ``timeout`` is the budget in seconds for the whole deck (layout and
    steps; None: no limit): past it, RenderError says how far it got.
    ``progress``: show progress bars on stderr (None: only on a terminal).
    Raises TooManyStepsError for more than ``max_steps`` steps (None: no
    limit), and what drawing raises (RendererNotFoundError, RenderError,
    GraphTooLargeError).
    """
    if not isinstance(predict, bool):
        raise TypeError(f"predict must be True or False, got {predict!r}")
    if not isinstance(close_up, bool):
        raise TypeError(f"close_up must be True or False, got {close_up!r}")
    if not isinstance(handout, bool):
        raise TypeError(f"handout must be True or False, got {handout!r}")
    check_drawable(str(title), "the title")  # a lone surrogate can't be written as UTF-8
    if isinstance(graph, Stepper):
        if digits is not None or number_format is not None:
            raise ValueError("a Stepper has its own number format; give digits to the Stepper")
        if by is not None and by != graph.by:
            raise ValueError(f"this Stepper steps by {graph.by!r}; make it with by={by!r}")
        stepper = graph
    else:
        stepper = Stepper(
            graph, digits, number_format=number_format, notation="unicode", by=by or "edge"
        )
    check_steps(stepper, max_steps, "the deck")
    start = stepper.position if graph is stepper else len(stepper)
    budget = Budget(timeout, "making the slides")
    options = {**PROJECTOR, **options}
    try:
        body = _deck(
            stepper, str(title), options, budget, progress, predict=predict, close_up=close_up
        )
    finally:
        stepper.jump(start)
    html_class = f' class="{HANDOUT_CLASS}"' if handout else ""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"{html_class}>\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(str(title))}</title>\n"
        f"<script>{EARLY_SCRIPT}</script>\n"
        f"<style>{web_file('player.css')}\n{_deck_css(handout)}</style>\n"
        "</head>\n<body>\n"
        f"{body}\n"
        f"<script>{web_file('player.js')}</script>\n"
        "</body>\n</html>\n"
    )


def _deck_css(handout: bool) -> str:
    """deck.css; a handout's with its print rules in force on screen too, and its sheets.

    >>> "@media print, screen {" in _deck_css(True), "@media print, screen {" in _deck_css(False)
    (True, False)
    """
    css = web_file("deck.css")
    if not handout:
        return css
    return css.replace("@media print {", "@media print, screen {", 1) + "\n" + HANDOUT_STYLE


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


def _deck(
    stepper: Stepper,
    title: str,
    options: dict,
    budget: Budget,
    progress: bool | None,
    *,
    predict: bool,
    close_up: bool,
) -> str:
    """The player (one layout of the graph, the looks of every step), then the no-JS pages."""
    total = len(stepper)
    stepper.scene(**{k: v for k, v in options.items() if k in SCENE_OPTIONS})  # the size limit
    with waiting_bar("slides: laying out the graph", budget.left(), enabled=progress) as wait:
        layout = stepper.layout(timeout=budget.left(), waiting=wait, **options)
    with progress_bar(total + 1, "slides: each step's look", enabled=progress) as bar:

        def checking(k: int) -> None:
            budget.check(f"at slide {k} of {total}")
            bar.update(1)

        frames = stepper.frame_steps(questions=predict, checking=checking, **options)
    pages, bars = [], whole_bars(stepper)
    with progress_bar(total + 1, "slides", enabled=progress) as bar:
        for k in range(total + 1):
            budget.check(f"at slide {k} of {total}")
            pages.append(_page(stepper, title, k, predict, bars))
            bar.update(1)
    width, height = layout.width * 4 / 3, layout.height * 4 / 3  # pt -> CSS px
    cap = f"max-width:{width * MAX_ZOOM:.0f}px;max-height:{height * MAX_ZOOM:.0f}px"
    player = player_markup(
        stepper, layout, frames, None,
        start=0, predict=predict, title=title, id_prefix=DECK_IDS, shown=total,
        mode="deck", inline=False, svg_attrs={"style": cap} if width and height else None,
        close_up=close_up,
    )  # fmt: skip
    lead = (
        '<p class="agl-nojs agl-nojs-lead">JavaScript is off, so the graph below shows every '
        "value and grad after the last step, and each step follows on a page of its own.</p>"
    )
    return f'{lead}\n{player}\n<div class="agl-nojs">\n' + "\n".join(pages) + "\n</div>"


# --- one page of the no-JavaScript deck ----------------------------------------------------


def _page(stepper: Stepper, title: str, k: int, predict: bool, bars: WholeBars) -> str:
    """Step ``k`` as a page that needs no script: its bar, its line and the words under it."""
    step = stepper.steps[k - 1] if k else None
    total = len(stepper)
    if step is None:
        kind, phase, attrs = "overview", "overview", ""
        words = words_html(opening(stepper))
        text = f'<p class="lead">{escape(title)}</p><p class="caption">{words}</p>'
    else:
        kind = "forward" if step.kind == FORWARD else "backward"
        phase = f"{kind} pass"
        target = step.target
        attrs = (
            f' data-kind="{step.kind}" data-node="{_attr(stepper.name(step.node))}"'
            f' data-target="{_attr("" if target is None else stepper.name(target))}"'
        )
        text = _step_text(stepper, step, predict, bars)
    classes = "slide opening" if step is None else f"slide {kind}-slide"
    return (
        f'<section class="{classes}" id="s{k}" data-step="{k}"{attrs}>'
        f"{_bar(kind, phase, k, total)}{text}</section>"
    )


def _bar(kind: str, phase: str, k: int, total: int) -> str:
    prev = (
        f'<a class="prev" href="#s{k - 1}" title="back" aria-label="back">&#8249;</a>'
        if k > 0
        else ""
    )
    nxt = (
        f'<a class="next" href="#s{k + 1}" title="next" aria-label="next">&#8250;</a>'
        if k < total
        else ""
    )
    return (
        f'<header class="bar"><span class="phase {kind}">{phase}</span>'
        f'<span class="nav">{prev}<span class="counter"><b>{k}</b> / {total}</span>{nxt}</span>'
        "</header>"
    )


def _step_text(stepper: Stepper, step: Step, predict: bool, bars: WholeBars) -> str:
    line = _line(bars.html(step.equation), step.note)
    words = f'<p class="caption">{words_html(caption(stepper, step), bars)}</p>'
    if predict and step.asks:  # the answer under a fold: no script needed to reveal it
        question = _line(bars.html(step.question), step.question_note)
        return f"{question}<details><summary>reveal</summary>{line}{words}</details>"
    return line + words


def _line(equation_html: str, note: str) -> str:
    line = f'<span class="main">{equation_html}</span>'
    if note:
        line += f'<span class="note">{escape(f"   ({note})")}</span>'
    return f'<p class="eq">{line}</p>'


def _attr(text: str) -> str:
    return escape(text, quote=True)


__all__ = [
    "DEFAULT_MAX_STEPS",
    "DEFAULT_TITLE",
    "TooManyStepsError",
    "slides_html",
    "write_slides",
]
