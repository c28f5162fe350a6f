"""``Stepper``: watch a forward pass, then backprop one chain-rule step at a time.

The forward pass visits the nodes in topological order and shows what each
computes (``q = x + y = −2 + 5 = 3``). The backward pass starts at the
output f with ``f̄ = 1`` and then follows the edges in reverse order, one
edge a step. ``x̄`` is the gradient of the output with respect to x
(``∂f/∂x``, what ``x.grad`` holds at the end); ``∂q/∂x`` is only ever the
*local* derivative of one operation, and each step says where it comes
from::

    x̄ += q̄ · ∂q/∂x = (−4) · 1 = −4   (x.grad = −4)
         ∂q/∂x = 1 because q = x + y

The numbers come from the graph itself: a node's ``data``, and the local
derivatives its operation's rule stored at forward time (``local_grads``);
nothing here knows any operation's derivative. Where the output can't
print ``x̄`` or ``∂`` (an ASCII terminal), the narration is written
``x_bar += q_bar * dq/dx`` instead (``notation="ascii"``; by default it is
chosen from ``sys.stdout``).

>>> from autograd_lite import Value
>>> x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
>>> q = x + y
>>> q.label = "q"
>>> f = q * z
>>> f.label = "f"
>>> s = Stepper(f, notation="unicode")
>>> print(s.narration())
forward pass
   1. x = −2   (input)
   2. y = 5   (input)
   3. q = x + y = −2 + 5 = 3
   4. z = −4   (input)
   5. f = q * z = 3 * (−4) = −12
backward pass
   6. f̄ = 1   (f.grad = 1)
      f̄ = ∂f/∂f = 1; below, v̄ is ∂f/∂v for each node v
   7. q̄ += f̄ · ∂f/∂q = 1 · (−4) = −4   (q.grad = −4)
      ∂f/∂q = −4 because f = q * z
   8. z̄ += f̄ · ∂f/∂z = 1 · 3 = 3   (z.grad = 3)
      ∂f/∂z = 3 because f = q * z
   9. x̄ += q̄ · ∂q/∂x = (−4) · 1 = −4   (x.grad = −4)
      ∂q/∂x = 1 because q = x + y
  10. ȳ += q̄ · ∂q/∂y = (−4) · 1 = −4   (y.grad = −4)
      ∂q/∂y = 1 because q = x + y

Grads in the graph
------------------
Stepping writes into the nodes: at every position each node's ``grad`` is
what the narration has computed so far, so a drawing of the graph shows the
gradients flowing in. A node the backward pass has not reached yet holds
``None`` (it reads 0.0, and ``grad_computed`` is False). Creating a Stepper
clears every grad this way; ``back``, ``jump`` and ``reset`` restore the
grads of the position they move to. After the last step every grad equals
what ``zero_grad(); backward()`` gives: the Stepper narrates one backward
pass from zero, so leaf grads from earlier passes are not added onto.

>>> s.jump(9)
Step(9, 'backward', 'x̄ += q̄ · ∂q/∂x = (−4) · 1 = −4   (x.grad = −4)')
>>> s.node("x").grad, s.node("y").grad_computed
(-4.0, False)
>>> s.back().index, s.node("x").grad_computed
(8, False)

Pictures
--------
``draw`` gives the graph at the current step as a ``graphviz.Digraph``.
``layout`` lays the graph out once for every step (one renderer call), and
``frame_svg`` dresses that one picture for any step: between steps only
texts, colours and highlights change, never a position or a size.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..drawing.drawable_text import check_graph_text
from ..drawing.node_names import node_names
from ..drawing.notation import Notation, notation
from ..drawing.number_format import NumberFormat, number_format
from ..drawing.scene import DEFAULT_MAX_NODES
from ..engine import backprop, ops
from ..engine.op_record import Op
from .coarse_steps import LEVELS, CoarseStep, coarse_steps
from .network_units import backward_order, grouped_order, layer_units, neuron_units
from .step import (
    BACKWARD,
    FORWARD,
    LOOK_OPTIONS,
    SCENE_OPTIONS,
    SEED,
    STYLE_OPTIONS,
    Step,
    check_options,
)

NOT_YET = "?"
"""The data of a value the forward pass has not computed yet (``data ?``)."""
MARKS_LEGEND = "key: > this step's node   * the grad it writes   ? not computed yet   - no grad yet"
"""What the marks of ``Stepper.to_text`` and ``Stepper.table`` mean, in one line."""


class Stepper:
    """Step through the forward and backward pass of ``root``'s graph.

    ``steps`` holds every step; ``position`` is how many have been taken
    (0 to ``len(stepper)``). ``next``, ``back``, ``jump``, ``reset`` and
    ``end`` move and return the current step (None at position 0).

    Numbers are written with ``number_format`` (a format spec such as the
    default ``".6g"`` or ``".4f"``, or a function; ``digits=3`` is short
    for ``".3g"``), the same format ``draw`` uses. ``notation`` is
    ``"unicode"`` (``x̄``, ``∂q/∂x``, ``·``, ``−``), ``"ascii"``
    (``x_bar``, ``dq/dx``, ``*``, ``-``) or None: Unicode if
    ``sys.stdout`` can print it.

    Every text and picture of it shows the nodes' names, so a label (or
    operation) holding a character ``draw`` refuses is refused here, at
    once, with ``draw``'s message, and so is one a terminal would act on
    (a carriage return, DEL, a C1 control such as CSI:
    ``drawable_text.check_printable``): it would reach a terminal raw.

    >>> from autograd_lite import Value
    >>> a = Value(3.0, label="a")
    >>> s = Stepper(a * a, notation="ascii")
    >>> print(s.narration())
    forward pass
      1. a = 3   (input)
      2. n1 = a * a = 3 * 3 = 9
    backward pass
      3. n1_bar = 1   (n1.grad = 1)
         n1_bar = dn1/dn1 = 1; below, v_bar is dn1/dv for each node v
      4. a_bar += n1_bar * dn1/da = 1 * 3 = 3   (a.grad = 3)
         dn1/da = 3 because n1 = a * a
      5. a_bar += n1_bar * dn1/da = 1 * 3 = 3   (a.grad = 3 + 3 = 6)
         dn1/da = 3 because n1 = a * a
    >>> s.end().grad_after, a.grad
    (6.0, 6.0)
    """

    def __init__(
        self,
        root: Any,
        digits: int | None = None,
        *,
        number_format: str | Callable[[float], str] | None = None,
        notation: str | Notation | None = None,
        by: str = "edge",
    ) -> None:
        if not hasattr(root, "parents") or not hasattr(root, "local_grads"):
            raise TypeError(f"Stepper() takes a Value, got {type(root).__name__}")
        if by not in LEVELS:
            raise ValueError(f"by must be one of {', '.join(map(repr, LEVELS))}, got {by!r}")
        self.root = root
        self.by = by
        self.notation: Notation = _notation(notation)
        self.format: NumberFormat = _format(digits, number_format, self.notation)
        self.digits = digits
        self.order: list[Any] = list(root.topological_order())
        self.names: dict[Any, str] = node_names(self.order)  # the same names at every level
        check_graph_text(self.order, self.names, printed=True)  # every text shows them
        units = self._units(by)
        self._by_name = {name: node for node, name in self.names.items()}
        self.steps: list[Step] = self._forward_steps() + self._backward_steps()
        self.coarse: list[CoarseStep] = [] if by == "edge" else coarse_steps(self, units)
        self._stops = {c.stop: c for c in self.coarse}
        self._opened = False  # a coarse step opened into its edge steps
        self.position = 0
        self._scenes: dict[tuple, Any] = {}
        self._layouts: dict[tuple, Any] = {}
        self._frame_steps: dict[tuple, Any] = {}  # made once per set of options
        for node in self.order:
            node.grad = None

    def _units(self, by: str) -> list[Any]:
        """The neurons or layers to step by (none for ``by="edge"``); puts ``order`` in
        the order that keeps each together."""
        self._walk_order = self.order
        if by == "edge":
            return []
        neurons = neuron_units(self.order)
        units = neurons if by == "neuron" else layer_units(neurons)
        self.order = grouped_order(self.order, units)
        self._walk_order = backward_order(self.order, units)
        return units

    # --- names and numbers ----------------------------------------------

    def name(self, node: Any) -> str:
        """The node's name in the narration: its label (an nn path made short:
        ``L0.N3.w1`` for ``layers.0.neurons.3.w.1``), or a generated name:
        ``n1, n2, ...`` for unlabelled results, ``c1, c2, ...`` for
        unlabelled constants, both numbered in topological order; a name
        used twice gets ``#2``."""
        return self.names[node]

    def node(self, name: str) -> Any:
        """The node called ``name`` (see ``name``), or labelled ``name``."""
        if name in self._by_name:
            return self._by_name[name]
        labelled = [n for n in self.order if n.label == name]
        if labelled:
            return labelled[0]
        known = list(self._by_name)
        raise KeyError(f"no node is called {name!r}; the names are {known}")

    def number(self, x: Any) -> str:
        """``x`` in the stepper's number format: ``−2``, ``0.367879``."""
        return self.format(x)

    def formula(self, node: Any) -> str:
        """How ``node`` is computed, in the names of its parents: ``x + y``
        for ``q = x + y`` (``""`` for an input or a constant).

        >>> from autograd_lite import Value
        >>> x = Value(2.0, label="x")
        >>> s = Stepper((x * 3).tanh(), notation="ascii")
        >>> s.formula(s.root), s.formula(x)
        ('tanh(n1)', '')
        """
        if not node.parents:
            return ""
        return _formula(node.op, ops.named(node.op), [self.names[p] for p in node.parents], False)

    # --- building the steps -----------------------------------------------

    def _forward_step(self, index: int, node: Any) -> Step:
        name = self.names[node]
        value = self.number(node.data)
        parents = node.parents
        if not parents:
            kind = "input" if node.label else "constant"
            return Step(index, FORWARD, node, equation=f"{name} = {value}", note=kind)
        op = ops.named(node.op)
        numeric = _formula(node.op, op, [self.number(p.data) for p in parents], True)
        said = f"{name} = {self.formula(node)} = {numeric} = "
        return Step(index, FORWARD, node, operation=op, equation=said + value, question=said + "?")

    def _forward_steps(self) -> list[Step]:
        return [self._forward_step(i, node) for i, node in enumerate(self.order, start=1)]

    def _backward_steps(self) -> list[Step]:
        root, n = self.root, self.notation
        r = self.names[root]
        index = len(self.order) + 1
        seed = Step(
            index,
            SEED,
            root,
            grad_after=1.0,
            operation=ops.named(root.op),
            equation=f"{n.bar(r)} = 1",
            note=f"{r}.grad = 1",
            question=f"{n.bar(r)} = ?",
            question_note=f"{r}.grad = ?",
            why=f"{n.bar(r)} = {n.local(r, r)} = 1; below, {n.bar('v')} is "
            f"{n.local(r, 'v')} for each node v",
        )
        steps = [seed]
        for c in backprop.walk(self._walk_order, root):
            index += 1
            steps.append(self._backward_step(index, c))
        return steps

    def _backward_step(self, index: int, c: backprop.Contribution) -> Step:
        n, fmt = self.notation, self.format
        child, parent = self.names[c.child], self.names[c.parent]
        total, asked = fmt(c.after), "?"
        if c.before is not None:  # a second (third, ...) contribution: show the sum
            total = f"{fmt(c.before)} + {fmt.operand(c.contribution)} = {total}"
            asked = f"{fmt(c.before)} + ? = ?"
        local = n.local(child, parent)
        times = f" {n.times} "
        said = (
            f"{n.bar(parent)} += {n.bar(child)}{times}{local} = "
            f"{fmt.operand(c.upstream)}{times}{fmt.operand(c.local)} = "
        )
        return Step(
            index,
            BACKWARD,
            c.child,
            parent=c.parent,
            upstream=c.upstream,
            local=c.local,
            contribution=c.contribution,
            grad_before=c.before,
            grad_after=c.after,
            operation=ops.named(c.child.op),
            equation=said + fmt(c.contribution),
            note=f"{parent}.grad = {total}",
            why=f"{local} = {fmt(c.local)} because {child} = {self.formula(c.child)}",
            question=said + "?",
            question_note=f"{parent}.grad = {asked}",
        )
    # --- moving -------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.steps)

    def __repr__(self) -> str:
        return f"<Stepper of {self.names[self.root]}: step {self.position} of {len(self.steps)}>"

    @property
    def current(self) -> Step | None:
        """The step taken last (None before the first)."""
        return self.steps[self.position - 1] if self.position else None

    @property
    def at_end(self) -> bool:
        return self.position == len(self.steps)

    @property
    def forward_count(self) -> int:
        """How many of the steps belong to the forward pass."""
        return len(self.order)

    def next(self) -> Any:
        """Take the next step and return it; at the end, stay and return None.

        With ``by="neuron"`` or ``"layer"`` the next step is a whole
        ``CoarseStep`` (returned), unless one is open (``open``): then its
        next edge step.
        """
        if self.at_end:
            return None
        if self.coarse and (self.position in self._stops or self.position == 0):
            self._opened = False  # the next coarse step, whole (an open one closes)
            self._walk_to(self._next_stop())
            return self.shown
        self._take()
        self._opened = self.position in self._stops  # the open step's last edge step
        return self.shown

    def back(self) -> Any:
        """Undo the last step (restoring the grads it wrote); return what now shows.

        By neuron or layer: back over the whole coarse step, or one edge step
        inside an open one."""
        if self.position == 0:
            return None
        if self.coarse and not self._inside():
            self._opened = False
            self._walk_to(self.shown.start)
            return self.shown
        self._untake()
        if self.position in self._stops or self.position == 0:
            self._opened = False  # back at the start of the open step: it closes
        return self.shown

    def open(self) -> Step | None:
        """Open the coarse step shown into its edge steps: go to its first edge step.

        >>> import nn
        >>> s = Stepper(nn.Neuron(2, seed=0)([1.0, 2.0]), by="neuron", notation="ascii")
        >>> s.next().title, s.next().title, s.open().index, s.header()
        ('inputs', 'neuron', 3, '[2/3 - 1/8] forward:')
        """
        shown = self.shown
        if not isinstance(shown, CoarseStep):
            return None
        self._walk_to(shown.start + 1)
        self._opened = True
        return self.current

    def jump(self, position: int) -> Step | None:
        """Go to ``position`` (0 to ``len(self)``), one step at a time."""
        if not isinstance(position, int) or not 0 <= position <= len(self.steps):
            raise IndexError(f"position must be between 0 and {len(self.steps)}, got {position!r}")
        self._walk_to(position)
        self._opened = False
        return self.current

    @property
    def shown(self) -> Any:
        """What this position shows: the ``CoarseStep`` that ends here (by neuron or
        layer, unless open), else the edge step taken last; None at the start."""
        if self.coarse and not self._opened and self.position in self._stops:
            return self._stops[self.position]
        return self.current

    @property
    def current_coarse(self) -> CoarseStep | None:
        """The coarse step the current edge step belongs to (None by edge, or at the start)."""
        if not self.coarse or self.position == 0:
            return None
        return next(c for c in self.coarse if c.start < self.position <= c.stop)

    def _inside(self) -> bool:
        """Whether an open coarse step is being walked edge by edge."""
        return self._opened or self.position not in self._stops and self.position != 0

    def _next_stop(self) -> int:
        return next(c.stop for c in self.coarse if c.stop > self.position)

    def _walk_to(self, position: int) -> None:
        while self.position < position:
            self._take()
        while self.position > position:
            self._untake()

    def _take(self) -> None:
        step = self.steps[self.position]
        if step.target is not None:
            step.target.grad = step.grad_after
        self.position += 1

    def _untake(self) -> None:
        step = self.steps[self.position - 1]
        if step.target is not None:
            step.target.grad = step.grad_before
        self.position -= 1

    def reset(self) -> None:
        """Back to the start: no step taken, no grad computed."""
        self.jump(0)

    def end(self) -> Step | None:
        """Take every remaining step; return the last."""
        return self.jump(len(self.steps))

    # --- showing ------------------------------------------------------------

    def header(self, step: Step | None = None) -> str:
        """``[3/10] forward:`` for a step (default: what the position shows); by neuron or
        layer ``[4/11] backward, neuron L0.N1:``, and inside an open one ``[4/11 · 2/9]``."""
        if step is None and self.coarse:
            return self._coarse_header()
        step = self.current if step is None else step
        if step is None:
            return f"[0/{len(self.steps)}]"
        phase = "forward" if step.kind == FORWARD else "backward"
        return f"[{step.index}/{len(self.steps)}] {phase}:"

    def _coarse_header(self) -> str:
        shown, total = self.shown, len(self.coarse)
        if shown is None:
            return f"[0/{total}]"
        if isinstance(shown, CoarseStep):
            return f"[{shown.index}/{total}] {shown.kind}, {shown.title}:"
        c = self.current_coarse
        dot = "·" if self.notation.unicode else "-"
        phase = "forward" if shown.kind == FORWARD else "backward"
        return f"[{c.index}/{total} {dot} {self.position - c.start}/{c.stop - c.start}] {phase}:"

    def narration(self) -> str:
        """Every step, numbered, under ``forward pass`` and ``backward pass`` (by neuron or
        layer: every coarse step, its lines under it)."""
        if self.coarse:
            return self._coarse_narration()
        width = len(str(len(self.steps))) + 2
        lines = ["forward pass"]
        for step in self.steps:
            if step.kind == SEED:
                lines.append("backward pass")
            lines.append(f"{step.index:>{width}}. {step.text}")
            if step.why:
                lines.append(" " * (width + 2) + step.why)
        return "\n".join(lines)

    def _coarse_narration(self) -> str:
        width = len(str(len(self.coarse))) + 2
        lines = [f"forward pass, by {self.by}"]
        for c in self.coarse:
            if c.kind == BACKWARD and (c.index == 1 or self.coarse[c.index - 2].kind == FORWARD):
                lines.append(f"backward pass, by {self.by}")
            lines.append(f"{c.index:>{width}}. {c.title}")
            lines += [(" " * (width + 2) + line).rstrip() for line in c.lines + c.matrices]
        why = next((c.why for c in self.coarse if c.why), "")  # the layers' convention
        if why:
            lines.append(f"({why})")
        return "\n".join(lines)

    def rows(self) -> list[tuple[str, str, float, float | None]]:
        """``(name, op, data, grad so far or None)`` for every node, in topological order."""
        grads: dict[Any, float | None] = {}
        for step in self.steps[: self.position]:
            if step.target is not None:
                grads[step.target] = step.grad_after
        return [(self.names[n], n.op, n.data, grads.get(n)) for n in self.order]

    def table(self, marks: bool = True) -> str:
        """The nodes with their data and grad so far; ``?`` is a value the
        forward pass has not computed yet, ``-`` a grad not computed yet.
        With ``marks``, ``>`` marks the current step's node and ``*`` the
        node whose grad it just wrote (``MARKS_LEGEND`` says so in a line)."""
        marked = self._text_marks() if marks else {}
        rows = [("", "node", "op", "data", "grad")]
        waiting = {id(node) for node in self.order[self.position :]}  # not computed yet
        for node, (name, op, data, grad) in zip(self.order, self.rows()):
            mark = marked.get(node, "")
            shown = "-" if grad is None else self.number(grad)
            value = NOT_YET if id(node) in waiting else self.number(data)
            rows.append((mark, name, op, value, shown))
        widths = [max(len(row[i]) for row in rows) for i in range(5)]
        lines = []
        for row in rows:
            cells = [
                row[0].ljust(widths[0]),
                row[1].ljust(widths[1]),
                row[2].ljust(widths[2]),
                row[3].rjust(widths[3]),
                row[4].rjust(widths[4]),
            ]
            lines.append("  ".join(cells if marks else cells[1:]).rstrip())
        return "\n".join(lines)

    def highlights(self) -> tuple[list[Any], list[tuple[Any, Any]]]:
        """The nodes and ``(parent, child)`` edges the current step is about (by neuron
        or layer: every node and edge of the coarse step shown)."""
        shown = self.shown
        if isinstance(shown, CoarseStep):
            return shown.nodes, shown.edges
        return self._edge_highlights()

    def _edge_highlights(self) -> tuple[list[Any], list[tuple[Any, Any]]]:
        step = self.current
        if step is None:
            return [], []
        if step.kind == BACKWARD:  # the edge, and both its ends
            return [step.node, step.parent], step.edges
        return [step.node], step.edges

    def to_text(
        self,
        notation: str | Notation | None = None,
        *,
        max_nodes: int | None = DEFAULT_MAX_NODES,
        legend: bool = True,
    ) -> str:
        """The graph as an indented tree (``autograd_lite.to_text``) at this
        position: the data computed so far (``data ?`` for a value the
        forward pass has not reached, and ``?`` for the local derivatives
        into it, as the player shows them blank), grads so far,
        ``>`` before the current step's node and ``*`` before the node whose
        grad it just wrote, and with ``legend`` a last line saying so
        (``MARKS_LEGEND``). ``notation``: as the Stepper's own unless given
        (``"ascii"`` for a plain terminal). ``max_nodes``: as ``to_text``
        and ``draw``, a bigger graph is refused (GraphTooLargeError; None:
        no limit).

        >>> from autograd_lite import Value
        >>> s = Stepper(Value(2.0, label="x") * 3, notation="ascii")
        >>> print(s.to_text())
        n1 = x * c1   data ?   grad -
        |-- x   input   data ?   grad -      dn1/dx = ?
        `-- c1   constant   data ?   grad -      dn1/dc1 = ?
        key: > this step's node   * the grad it writes   ? not computed yet   - no grad yet
        >>> print(s.jump(5) and s.to_text(legend=False))
        > n1 = x * c1   data 6   grad 1
        |-- * x   input   data 2   grad 3      dn1/dx = 3
        `-- c1   constant   data 3   grad -      dn1/dc1 = 2
        """
        from ..drawing.text_tree import to_text

        marks = self._text_marks()
        form = self.notation if notation is None else _notation(notation)
        tree = to_text(
            self.root,
            names=self.names,
            marks=marks,
            number_format=self.format.with_minus(form.minus),
            notation=form,
            max_nodes=max_nodes,
            uncomputed=self.order[self.position :],
        )
        return f"{tree}\n{MARKS_LEGEND}" if legend else tree

    def _text_marks(self) -> dict[Any, str]:
        """``>`` on the nodes the step shown is about, ``*`` on those whose grads it writes."""
        shown = self.shown
        if isinstance(shown, CoarseStep):
            marks = {node: ">" for node in shown.nodes}
            if shown.kind == BACKWARD:
                marks.update({node: "*" for node in shown.targets})
            return marks
        if shown is None:
            return {}
        marks = {shown.node: ">"}
        if shown.kind == BACKWARD:
            marks[shown.parent] = "*"
        return marks

    # --- pictures -------------------------------------------------------------

    def draw(self, **options: Any) -> Any:
        """The graph as a ``graphviz.Digraph`` (``autograd_lite.drawing.viz.draw``),
        with the current step's nodes and edges highlighted and the grads
        computed so far, in the stepper's number format. Unlabelled results
        carry their narration names (``n1``); ``options`` go to ``draw``."""
        from ..drawing.viz import draw

        nodes, edges = self.highlights()
        options.setdefault("number_format", self.format)
        return draw(
            self.root, highlight_nodes=nodes, highlight_edges=edges, names=self.names, **options
        )

    def scene(self, **options: Any) -> Any:
        """The scene of the graph (``scene_builder.build_scene``), made once per set of
        options: ``cluster``, ``collapse``, ``parameters``, ``copies``, ``max_nodes``."""
        from ..drawing.scene_builder import build_scene

        check_options(options, SCENE_OPTIONS)
        key = _key(options)
        if key not in self._scenes:
            self._scenes[key] = build_scene(self.root, names=self.names, **options)
        return self._scenes[key]

    def frame(self, position: int | None = None, **options: Any) -> Any:
        """How the graph looks at ``position`` (default: now): a ``frame.Frame``.

        The step's nodes and edges are highlighted and the node whose grad
        it writes is its target. ``options`` are ``draw``'s.
        """
        if position is None:
            position = self.position
        return self.frames(**options, _positions=[position])[0]

    def frames(self, **options: Any) -> list[Any]:
        """The frame of every position, 0 (before the first step) to ``len(self)``.

        In the forward pass a value shows its data only from the step that
        computes it; before that its data is blank, and so are the local
        derivatives on the edges into its operation.

        >>> from autograd_lite import Value
        >>> x = Value(2.0, label="x")
        >>> s = Stepper(x * 3, notation="ascii")
        >>> [s.frames()[k].nodes["v2"].fields[1] for k in (2, 3)]   # n1 = x * c1 is step 3
        ['data', 'data 6']
        """
        positions = options.pop("_positions", None)
        if positions is None:
            return list(self.frame_steps(**options))
        return [self._look(position, False, options) for position in self._visiting(positions)]

    def question_frame(self, position: int | None = None, **options: Any) -> Any:
        """The frame predict mode shows at ``position`` before its answer is revealed.

        The step's nodes and edges are marked, but the number it computes
        reads ``?`` (and nothing else gives it away: the graph is as it was
        before the step). None where the step asks nothing (an input, a
        constant, position 0).

        >>> from autograd_lite import Value
        >>> s = Stepper(Value(2.0, label="x") * 3, notation="ascii")
        >>> s.question_frame(3).nodes["v2"].fields, s.question_frame(1)
        (('n1', 'data ?', 'grad ?'), None)
        """
        position = self.position if position is None else position
        return self.question_frames(**options, _positions=[position])[0]

    def question_frames(self, **options: Any) -> list[Any]:
        """``question_frame`` of every position, 0 to ``len(self)``."""
        positions = options.pop("_positions", None)
        if positions is None:
            return list(self.frame_steps(questions=True, **options).question_frames())
        return [self._look(position, True, options) for position in self._visiting(positions)]

    def frame_steps(
        self,
        *,
        questions: bool = False,
        checking: Callable[[int], None] | None = None,
        **options: Any,
    ) -> Any:
        """``frames()`` kept as changes (``frame_changes.FrameSteps``): the first frame, then
        only the looks each step changes, each frame made from the last one.

        ``questions``: also ``question_frames()``, as changes from the frame before.
        ``checking`` is called with each position before its frame is made (a time
        budget's check, which raises to stop the work).

        >>> from autograd_lite import Value
        >>> s = Stepper(Value(2.0, label="x") * 3, notation="ascii")
        >>> steps = s.frame_steps()
        >>> len(steps), sorted(steps.changes[3].nodes), steps[3] == s.frame(3)
        (7, ['o2', 'v1', 'v2'], True)
        """
        from ..drawing.frame import PENDING
        from ..drawing.frame_changes import FrameMaker, FrameSteps

        options = dict(options)
        memo = (_key(options), bool(questions))
        if memo in self._frame_steps:  # the layout made them already: made once, not twice
            return self._frame_steps[memo]
        scene = self.scene(**_pick(options, SCENE_OPTIONS))
        look = _pick(options, LOOK_OPTIONS)
        check_options(options, SCENE_OPTIONS + LOOK_OPTIONS + STYLE_OPTIONS)
        look.setdefault("number_format", self.format)
        maker = FrameMaker(scene, not_computed=PENDING, **look)
        out = FrameSteps()
        for position in self._visiting(range(len(self.steps) + 1)):
            if checking is not None:
                checking(position)
            asked = self._asking(maker.peek) if questions and position else None
            out.add(maker.step(**self._marks()), asked)
            if position in self._stops:  # the coarse step that ends here, highlighted whole
                out.overlays[position] = maker.peek(**self._marks(coarse=True))
        self._frame_steps[memo] = out
        return out

    def _marks(self, coarse: bool = False) -> dict[str, Any]:
        """``frame_of``'s marks where the stepper stands: the edge step's nodes, edges and
        target (``coarse``: the coarse step's), and the values not computed yet."""
        step = self.current
        nodes, edges = self.highlights() if coarse else self._edge_highlights()
        targets = [] if step is None or step.target is None else [step.target]
        if coarse and isinstance(self.shown, CoarseStep):
            targets = self.shown.targets
        return {"highlight_nodes": nodes, "highlight_edges": edges, "targets": targets,
                "uncomputed": self.order[self.position :]}  # fmt: skip

    def _asking(self, dress: Callable[..., Any]) -> Any:
        """``dress(**marks)`` of the current step's question: its nodes and edges marked on
        the graph as it was before the step (nothing gives the answer away), the number it
        computes asked. None where the step asks nothing."""
        step = self.current
        if step is None or not step.asks:
            return None
        marks = self._marks()
        self.back()
        try:
            return dress(**{**marks, "uncomputed": self.order[self.position :],
                            "asked": [step.answered]})  # fmt: skip
        finally:
            self.next()

    def _visiting(self, positions: Any) -> Any:
        """Each of ``positions`` in turn (the stepper stands there), then back where it was."""
        start, opened = self.position, self._opened
        try:
            for position in positions:
                self.jump(position)
                yield position
        finally:
            self.jump(start)
            self._opened = opened

    def _look(self, position: int, question: bool, options: dict) -> Any:
        """The frame at ``position`` (the stepper stands there); asked: its question frame."""
        from ..drawing.frame import PENDING, frame_of

        options = dict(options)
        scene = self.scene(**_pick(options, SCENE_OPTIONS))
        look = _pick(options, LOOK_OPTIONS)
        check_options(options, SCENE_OPTIONS + LOOK_OPTIONS + STYLE_OPTIONS)
        look.setdefault("number_format", self.format)

        def dress(**marks: Any) -> Any:
            return frame_of(scene, not_computed=PENDING, **marks, **look)

        return self._asking(dress) if question else dress(**self._marks())

    def layout(self, *, timeout: float | None = None, waiting: Any = None, **options: Any) -> Any:
        """The graph laid out once for every step (``layout.Layout``; one renderer call).

        Made once per set of ``draw`` options and kept. ``timeout`` bounds the
        whole of it, measuring every step's texts and the renderer (default
        ``renderer.DEFAULT_TIMEOUT``; a RenderError past it says how far it
        got); ``waiting`` is called with the seconds elapsed while the renderer runs.
        """
        from ..drawing.dot import DotStyle
        from ..drawing.layout import Deadline, Layout
        from ..drawing.renderer import DEFAULT_TIMEOUT

        key = _key(options)
        if key not in self._layouts:
            deadline = Deadline(DEFAULT_TIMEOUT if timeout is None else timeout)
            total = len(self.steps)
            frames = self.frame_steps(
                checking=lambda k: deadline.check(f"at frame {k} of {total}"), **options
            )
            style = DotStyle(
                **_pick(options, STYLE_OPTIONS),
                color=options.get("color", "role"),
                local_grads=options.get("local_grads", True),
            )
            scene = self.scene(**_pick(options, SCENE_OPTIONS))
            self._layouts[key] = Layout(scene, frames, style, timeout=deadline, waiting=waiting)
        return self._layouts[key]

    def frame_svg(self, position: int | None = None, **options: Any) -> str:
        """The SVG of the graph at ``position`` (default: now), from the one ``layout``.

        >>> from autograd_lite import Value
        >>> s = Stepper(Value(2.0, label="x") * 3, notation="ascii")
        >>> "grad ?" in s.frame_svg(0), "grad 3" in s.frame_svg(len(s))
        (True, True)
        """
        return self.layout(**options).svg(self.frame(position, **options))

    def to_svg(self, **options: Any) -> str:
        """The graph at the current step as SVG text: ``frame_svg()``."""
        return self.frame_svg(**options)

    # --- the player -------------------------------------------------------------

    def show(self, predict: bool = False, close_up: bool = False, **options: Any) -> Any:
        """The backprop player at this position (``player.Player``): a notebook shows it.

        ``predict=True`` hides each step's number until a key reveals it, so
        a class can call it out first; ``close_up=True`` opens a graph too
        big to read whole at its own size, following the step (the Z key
        toggles it). ``options``: ``title``, ``timeout``, ``max_steps`` and
        ``draw``'s.

        >>> from autograd_lite import Value
        >>> Stepper(Value(2.0, label="x") * 3).show(predict=True)
        <Player of n1: step 0 of 6, predict>
        """
        from .player import Player

        return Player(self, predict=predict, close_up=close_up, **options)

    def _repr_html_(self) -> str:
        """A notebook shows a Stepper as its player (``show()``)."""
        return self.show()._repr_html_()


def _formula(name: str, op: Op | None, operands: list[str], numbers: bool) -> str:
    """``op``'s notation, or ``name(a, b)`` for an op the registry does not know."""
    if op is None:
        return f"{name}({', '.join(operands)})"
    return op.formula(operands, numbers)


def _notation(choice: Any) -> Notation:
    return notation(choice)


def _format(digits: int | None, spec: Any, form: Notation) -> NumberFormat:
    if digits is not None and spec is not None:
        raise ValueError("give digits or number_format, not both (digits=3 is number_format='.3g')")
    if digits is not None:
        if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 17:
            raise ValueError(f"digits must be a whole number from 1 to 17, got {digits!r}")
        spec = f".{digits}g"
    return number_format(spec).with_minus(form.minus)


def _key(options: dict) -> tuple:
    """A dictionary key for a set of options (objects such as a parameter list by identity)."""
    simple = (str, int, float, bool, type(None))
    return tuple(
        sorted((k, v if isinstance(v, simple) else ("id", id(v))) for k, v in options.items())
    )


def _pick(options: dict, names: Sequence[str]) -> dict:
    return {k: v for k, v in options.items() if k in names}


__all__ = ["MARKS_LEGEND", "NOT_YET", "Stepper"]
