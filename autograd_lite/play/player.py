"""The backprop player: one self-contained piece of HTML that steps through a ``Stepper``.

It holds ONE picture of the graph (``Stepper.layout``: laid out once) and
the looks of every step as changes (``player_data.py``), which the
player's script (``web/player.js``, shipped as a package file and inlined
here) applies in the browser: the graph, the step's narration and the
grads table; buttons and keys for next, back, first, last and play (with
a speed), a scrubber; clicking a node shows its data, its grad so far and
every contribution to it. Keys act only on a player that has focus (click
it), so a notebook's own shortcuts still work elsewhere, and several
players on one page keep their own state.

In a notebook, ``Stepper(f)`` as a cell's last expression shows it
(``Stepper._repr_html_``), opened at the stepper's position;
``Stepper(f).show(predict=True)`` hides each step's number until it is
revealed. The HTML needs no kernel and no widget library. Without
JavaScript (an untrusted notebook) it still shows the current step's
picture (an image: untrusted outputs lose their inline SVG) and
narration, and says what the controls need.

>>> from autograd_lite import parse
>>> from autograd_lite.play.stepper import Stepper
>>> s = Stepper(parse("q = x + y; f = q * z", x=-2, y=5, z=-4)["f"], notation="unicode")
>>> s.jump(9)
Step(9, 'backward', 'x̄ += q̄ · ∂q/∂x = (−4) · 1 = −4   (x.grad = −4)')
>>> html = Player(s).html()
>>> html.count('<img class="agl-still"'), '"start":9' in html, "(−4) · 1 = −4" in html
(1, True, True)
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from html import escape
from importlib.resources import files
from typing import Any

from ..drawing.drawable_text import check_drawable
from ..drawing.frame import Frame
from ..drawing.layout import Layout
from ..drawing.progress import Budget
from ..drawing.renderer import DEFAULT_TIMEOUT, RendererNotFoundError, RenderError
from ..drawing.scene import GraphTooLargeError
from ..drawing.svg_template import LayoutError
from .player_data import player_data, to_json
from .step import FORWARD, SCENE_OPTIONS, StepSource, check_drawing_options
from .step_words import caption, opening, whole_bars, words_html

DEFAULT_MAX_STEPS = 2000
"""Players (and decks) of graphs with more steps than this are refused: a
step costs a frame of the whole graph to compute in Python."""

MAX_ZOOM = 1.5
"""A notebook player's graph grows to fill the cell's width up to this many times its
natural size (a wide graph shrinks to fit; ``rankdir="TB"`` draws it narrower)."""

NOTEBOOK_LOOK = {"record": "compact"}
"""How a notebook player draws its graph unless told otherwise: the label
beside data over grad (narrow boxes, so a wide graph keeps a readable size)."""

STATIC_NOTE = (
    "A still picture of step {k} of {n}. Stepping through it needs JavaScript: run the "
    "cell, or trust the notebook (\u201cTrust Notebook\u201d in the command palette or "
    "the File menu) if it was saved elsewhere."
)


class TooManyStepsError(ValueError):
    """The player (or deck) would have more steps than ``max_steps`` allows."""


def web_file(name: str) -> str:
    """The text of one of the player's files (``player.js``, ``player.css``, ``deck.css``).

    >>> "agl-player" in web_file("player.css")
    True
    """
    return files(__package__).joinpath("web", name).read_text(encoding="utf-8")


def check_steps(stepper: StepSource, max_steps: int | None, what: str = "the player") -> None:
    """Raise TooManyStepsError if ``stepper`` has more than ``max_steps`` steps (None: no limit).

    >>> from autograd_lite import Stepper, Value
    >>> check_steps(Stepper(Value(2.0, label="x") * 3), 4, "the deck")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    autograd_lite.play...TooManyStepsError: the deck would have 6 steps, more than max_steps=4: ...
    """
    if max_steps is not None and (isinstance(max_steps, bool) or not isinstance(max_steps, int)):
        raise TypeError(f"max_steps must be a whole number or None, got {max_steps!r}")
    total = len(stepper)
    if max_steps is not None and total > max_steps:
        raise TooManyStepsError(
            f"{what} would have {total} steps, more than max_steps={max_steps}: "
            "step through a smaller graph, or pass max_steps=None (--max-steps none)"
        )


class Player:
    """The player of ``stepper`` at its current position, as HTML (see the module doc).

    ``predict``: each step's number is hidden until a key (Enter, or the
    next key) reveals it. ``close_up``: a graph too big to read whole opens
    at its own size, following the step (Z toggles it). ``title`` heads
    it; ``timeout`` bounds the making of it, layout and every step (seconds;
    None: the layout gets ``renderer.DEFAULT_TIMEOUT``, the steps no limit);
    ``max_steps`` refuses long graphs before any work;
    ``options`` are ``draw``'s (``rankdir="TB"``, ``scale=1.5``, ...),
    over ``NOTEBOOK_LOOK``.
    """

    def __init__(
        self,
        stepper: StepSource,
        *,
        predict: bool = False,
        close_up: bool = False,
        title: str | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        max_steps: int | None = DEFAULT_MAX_STEPS,
        **options: Any,
    ) -> None:
        if not isinstance(stepper, StepSource):
            raise TypeError(f"Player() takes a Stepper, got {type(stepper).__name__}")
        if not isinstance(predict, bool):
            raise TypeError(f"predict must be True or False, got {predict!r}")
        if not isinstance(close_up, bool):
            raise TypeError(f"close_up must be True or False, got {close_up!r}")
        self.stepper = stepper
        self.predict = predict
        self.close_up = close_up
        self.start = stepper.position
        self.title = f"Backprop of {stepper.name(stepper.root)}" if title is None else str(title)
        check_drawable(self.title, "the title")  # a lone surrogate can't be written as UTF-8
        if timeout is not None and (
            isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0
        ):
            raise ValueError(
                f"timeout must be a positive number of seconds or None, got {timeout!r}"
            )
        self.timeout = timeout
        self.max_steps = max_steps
        self.options = {**NOTEBOOK_LOOK, **options}
        check_drawing_options(self.options)  # unknown options fail here, at once

    def __repr__(self) -> str:
        mode = (", predict" if self.predict else "") + (", close up" if self.close_up else "")
        root = self.stepper.name(self.stepper.root)
        return f"<Player of {root}: step {self.start} of {len(self.stepper)}{mode}>"

    def html(self) -> str:
        """The player as one piece of HTML with its style and script inside.

        Raises TooManyStepsError or GraphTooLargeError (at once, before
        any drawing), RendererNotFoundError, or RenderError past ``timeout``
        (which bounds the whole player: the layout and every step's look).
        """
        s, options = self.stepper, self.options
        check_steps(s, self.max_steps)
        s.scene(**{k: v for k, v in options.items() if k in SCENE_OPTIONS})  # the size limit
        budget = Budget(self.timeout, "making the player")
        layout = s.layout(timeout=budget.left(), **options)
        total = len(s)
        frames = s.frame_steps(
            questions=self.predict,
            checking=lambda k: budget.check(f"at step {k} of {total}"),
            **options,
        )
        return player_markup(
            s, layout, frames, None,
            start=self.start, predict=self.predict, title=self.title,
            id_prefix=f"agl{secrets.token_hex(4)}-", shown=self.start, mode="notebook",
            close_up=self.close_up,
        )  # fmt: skip

    def _repr_html_(self) -> str:
        """The player, or what keeps it from being drawn (a limit, no renderer) as a message."""
        try:
            return self.html()
        except (TooManyStepsError, GraphTooLargeError, RendererNotFoundError, RenderError,
                LayoutError) as e:  # fmt: skip
            return refusal_html(e)


def refusal_html(error: Exception) -> str:
    """A short HTML box saying why the player could not be drawn.

    >>> refusal_html(ValueError("too <big>")).endswith("<pre>too &lt;big&gt;</pre></div>")
    True
    """
    return (
        '<div class="agl-refusal"><b>autograd-lite: no player</b> '
        f"({type(error).__name__})<pre>{escape(str(error), quote=False)}</pre></div>"
    )


def player_markup(
    stepper: StepSource,
    layout: Layout,
    frames: Sequence[Frame],
    questions: Sequence[Frame | None] | None,
    *,
    start: int,
    predict: bool,
    title: str,
    id_prefix: str,
    shown: int,
    mode: str,
    inline: bool = True,
    svg_attrs: dict[str, Any] | None = None,
    close_up: bool = False,
) -> str:
    """The player's HTML: the picture and the narration of position ``shown`` (both
    readable without JavaScript), the data of every step (the script opens at
    ``start``), and (``inline``) its style and script.

    ``frames`` and ``questions`` are as ``player_data``'s (``Stepper.frame_steps``
    and None, or whole frames and questions).
    ``mode`` is ``"notebook"`` or ``"deck"`` (``slides.py``: a full-screen
    slide layout, deep links, printing); ``id_prefix`` makes the picture's
    ids unique on the page.
    """
    if mode not in ("notebook", "deck"):
        raise ValueError(f"mode must be 'notebook' or 'deck', got {mode!r}")
    data = player_data(
        stepper, layout.scene, frames, questions,
        start=start, scale=layout.style.scale, predict=predict, title=title,
        close_up=close_up,
    )  # fmt: skip
    attrs = {"class": "agl-drawing", "role": "img", "aria-label": f"the graph of {title}"}
    if mode == "notebook":
        width, height = layout.width * 4 / 3, layout.height * 4 / 3  # pt -> CSS px
        attrs |= {"width": f"{width:.0f}", "height": f"{height:.0f}",
                  "style": f"max-width:{width * MAX_ZOOM:.0f}px"}  # fmt: skip
    attrs |= svg_attrs or {}
    frame = frames[shown]
    svg = layout.inline_svg(frame, id_prefix=id_prefix, attrs=attrs)
    if mode == "notebook":  # see still_picture: the script swaps the picture in
        data["svg"], svg = svg, still_picture(layout, frame, attrs, shown)
    parts = [
        f'<div class="agl-player agl-{mode}" id="{escape(id_prefix)}player" tabindex="0" '
        f'data-lm-suppress-shortcuts="true" role="group" '
        f'aria-label="{escape("backprop player: " + title)}">',
        f"<style>{web_file('player.css')}</style>" if inline else "",
        static_bar(stepper, title, shown),
        f'<div class="agl-graph">{svg}</div>',
        static_story(stepper, shown),
        f'<p class="agl-static">{escape(STATIC_NOTE.format(k=shown, n=len(stepper)))}</p>'
        if mode == "notebook" else "",
        f'<script type="application/json" class="agl-data">{to_json(data)}</script>',
        f"<script>{web_file('player.js')}</script>" if inline else "",
        "</div>",
    ]  # fmt: skip
    return "\n".join(p for p in parts if p)


def still_picture(layout: Layout, frame: Frame, attrs: dict[str, Any], position: int) -> str:
    """The picture as an ``<img>`` of an SVG file: what a notebook shows without JavaScript.

    A notebook that is not trusted (JupyterLab, Notebook) removes scripts
    and inline SVG from outputs but keeps images, so the picture goes in as
    an image and the SVG the script dresses travels in the player's data.
    """
    import base64

    encoded = base64.b64encode(layout.svg(frame).encode("utf-8")).decode("ascii")
    size = "".join(f' {k}="{escape(attrs[k])}"' for k in ("width", "height", "style"))
    alt = escape(f"{attrs['aria-label']} at step {position}")
    return f'<img class="agl-still" src="data:image/svg+xml;base64,{encoded}"{size} alt="{alt}">'


def static_bar(stepper: StepSource, title: str, position: int) -> str:
    """The bar above the picture as plain HTML: the title, the phase, ``k / n``."""
    step = stepper.steps[position - 1] if position else None
    phase = "overview" if step is None else ("forward" if step.kind == FORWARD else "backward")
    words = phase if step is None else f"{phase} pass"
    gap = '<span class="agl-gap"> \u00b7 </span>'  # reads apart where no style sheet is kept
    return (
        f'<div class="agl-bar"><span class="agl-title">{escape(title)}</span>{gap}'
        f'<span class="agl-phase {phase}">{words}</span>{gap}'
        f'<span class="agl-count">{position} / {len(stepper)}</span></div>'
    )


def static_story(stepper: StepSource, position: int) -> str:
    """The narration of ``position`` as plain HTML (``player.js`` draws the same).

    >>> from autograd_lite import Stepper, Value
    >>> html = static_story(Stepper(Value(2.0, label="x") * 3, notation="ascii"), 1)
    >>> '<span class="agl-eq">x = 2</span><span class="agl-note">   (input)</span>' in html
    True
    """
    if position == 0:
        words = words_html(opening(stepper))
        return f'<div class="agl-story"><p class="agl-words">{words}</p></div>'
    step, bars = stepper.steps[position - 1], whole_bars(stepper)
    line = f'<span class="agl-eq">{bars.html(step.equation)}</span>'
    if step.note:
        line += f'<span class="agl-note">{escape(f"   ({step.note})")}</span>'
    return (
        f'<div class="agl-story"><p class="agl-line">{line}</p>'
        f'<p class="agl-words">{words_html(caption(stepper, step), bars)}</p></div>'
    )


__all__ = [
    "DEFAULT_MAX_STEPS",
    "Player",
    "TooManyStepsError",
    "check_steps",
    "player_markup",
    "refusal_html",
    "static_bar",
    "static_story",
    "still_picture",
    "web_file",
]
