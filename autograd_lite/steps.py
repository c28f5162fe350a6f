"""``Stepper``: watch a forward pass, then backprop one chain-rule step at a time.

The forward pass visits the nodes in topological order and shows what each
computes (``q = x + y = -2 + 5 = 3``). The backward pass starts with
``df/df = 1`` and then follows the edges in reverse order, one edge a step,
with the chain rule written out::

    df/dx += df/dq * dq/dx = -4 * 1 = -4   (x.grad = -4)

The numbers come from the graph itself: a node's ``data``, and the local
derivatives its operation's rule stored at forward time (``local_grads``);
nothing here knows any operation's derivative.

>>> from autograd_lite import Value
>>> x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
>>> q = x + y
>>> q.label = "q"
>>> f = q * z
>>> f.label = "f"
>>> s = Stepper(f)
>>> print(s.narration())
forward pass
   1. x = -2   (input)
   2. y = 5   (input)
   3. q = x + y = -2 + 5 = 3
   4. z = -4   (input)
   5. f = q * z = 3 * (-4) = -12
backward pass
   6. df/df = 1   (f.grad = 1)
   7. df/dq += df/df * df/dq = 1 * (-4) = -4   (q.grad = -4)
   8. df/dz += df/df * df/dz = 1 * 3 = 3   (z.grad = 3)
   9. df/dx += df/dq * dq/dx = -4 * 1 = -4   (x.grad = -4)
  10. df/dy += df/dq * dq/dy = -4 * 1 = -4   (y.grad = -4)

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
Step(9, 'backward', 'df/dx += df/dq * dq/dx = -4 * 1 = -4   (x.grad = -4)')
>>> s.node("x").grad, s.node("y").grad_computed
(-4.0, False)
>>> s.back().index, s.node("x").grad_computed
(8, False)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from . import backprop, ops
from .op_record import Op

FORWARD, SEED, BACKWARD = "forward", "seed", "backward"

_PLAIN_NAME = re.compile(r"[\w.#\[\]']+")


@dataclass(frozen=True, eq=False)
class Step:
    """One step of a forward or backward pass, in parts.

    ``kind`` is ``"forward"`` (``node`` is computed from its parents),
    ``"seed"`` (d root/d root = 1) or ``"backward"`` (one edge: ``parent``
    receives ``contribution = upstream * local``). ``grad_before`` and
    ``grad_after`` are the grad of the node this step writes (the parent,
    or the root for the seed); None means not computed yet. ``operation``
    is the record (``ops.py``) of ``node``'s op: the op that computes it
    (forward) and whose rule gave the local derivative (backward); None for
    a leaf, or a node made by an op the registry does not know.

    The narration is ``equation`` and ``note`` (``x = -2`` and ``input``);
    ``str(step)`` joins them as one line. Slides and players build their
    own text from these parts, never by reading the line back.
    """

    index: int
    kind: str
    node: Any
    parent: Any = None
    upstream: float | None = None
    local: float | None = None
    contribution: float | None = None
    grad_before: float | None = None
    grad_after: float | None = None
    operation: Op | None = field(default=None, repr=False)
    equation: str = field(default="", repr=False)
    note: str = field(default="", repr=False)

    @property
    def text(self) -> str:
        """The narration line: ``equation   (note)``."""
        return f"{self.equation}   ({self.note})" if self.note else self.equation

    @property
    def target(self) -> Any:
        """The node whose grad this step writes (None for a forward step)."""
        if self.kind == BACKWARD:
            return self.parent
        if self.kind == SEED:
            return self.node
        return None

    @property
    def edges(self) -> list[tuple[Any, Any]]:
        """The edges ``(parent, child)`` this step uses."""
        if self.kind == BACKWARD:
            return [(self.parent, self.node)]
        if self.kind == FORWARD:
            return [(p, self.node) for p in _unique(self.node.parents)]
        return []

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Step({self.index}, {self.kind!r}, {self.text!r})"


class Stepper:
    """Step through the forward and backward pass of ``root``'s graph.

    ``steps`` holds every step; ``position`` is how many have been taken
    (0 to ``len(stepper)``). ``next``, ``back``, ``jump``, ``reset`` and
    ``end`` move and return the current step (None at position 0).
    ``digits`` is the number of significant digits shown.

    >>> from autograd_lite import Value
    >>> a = Value(3.0, label="a")
    >>> s = Stepper(a * a)
    >>> print(s.narration())
    forward pass
      1. a = 3   (input)
      2. n1 = a * a = 3 * 3 = 9
    backward pass
      3. dn1/dn1 = 1   (n1.grad = 1)
      4. dn1/da += dn1/dn1 * dn1/da = 1 * 3 = 3   (a.grad = 3)
      5. dn1/da += dn1/dn1 * dn1/da = 1 * 3 = 3   (a.grad = 3 + 3 = 6)
    >>> s.end().grad_after, a.grad
    (6.0, 6.0)
    """

    def __init__(self, root: Any, digits: int = 6) -> None:
        if not hasattr(root, "parents") or not hasattr(root, "local_grads"):
            raise TypeError(f"Stepper() takes a Value, got {type(root).__name__}")
        self.root = root
        self.digits = digits
        self.order: list[Any] = list(root.topological_order())
        self.names: dict[Any, str] = node_names(self.order)
        self._by_name = {name: node for node, name in self.names.items()}
        self.steps: list[Step] = self._forward_steps() + self._backward_steps()
        self.position = 0
        for node in self.order:
            node.grad = None

    # --- names and numbers ----------------------------------------------

    def name(self, node: Any) -> str:
        """The node's label, or a generated name: ``n1, n2, ...`` for
        unlabelled results, ``c1, c2, ...`` for unlabelled constants, both
        numbered in topological order; a label used twice gets ``#2``."""
        return self.names[node]

    def node(self, name: str) -> Any:
        """The node called ``name`` (see ``name``)."""
        try:
            return self._by_name[name]
        except KeyError:
            known = list(self._by_name)
            raise KeyError(f"no node is called {name!r}; the names are {known}") from None

    def number(self, x: Any) -> str:
        """``x`` with ``digits`` significant digits: ``-2``, ``0.367879``."""
        x = float(x)
        text = f"{x:.{self.digits}g}"
        return "0" if text == "-0" else text

    def _operand(self, x: Any) -> str:
        """A number as a right-hand operand: negatives in parentheses."""
        text = self.number(x)
        return f"({text})" if text.startswith("-") else text

    def _d(self, name: str) -> str:
        return name if _PLAIN_NAME.fullmatch(name) else f"({name})"

    # --- building the steps -----------------------------------------------

    def _forward_step(self, index: int, node: Any) -> Step:
        name = self.names[node]
        value = self.number(node.data)
        parents = node.parents
        if not parents:
            kind = "input" if node.label else "constant"
            return Step(index, FORWARD, node, equation=f"{name} = {value}", note=kind)
        op = ops.named(node.op)
        symbolic = _formula(node.op, op, [self.names[p] for p in parents], False)
        numeric = _formula(node.op, op, [self.number(p.data) for p in parents], True)
        equation = f"{name} = {symbolic} = {numeric} = {value}"
        return Step(index, FORWARD, node, operation=op, equation=equation)

    def _forward_steps(self) -> list[Step]:
        return [self._forward_step(i, node) for i, node in enumerate(self.order, start=1)]

    def _backward_steps(self) -> list[Step]:
        root = self.root
        r = self._d(self.names[root])
        index = len(self.order) + 1
        seed = Step(
            index,
            SEED,
            root,
            grad_after=1.0,
            operation=ops.named(root.op),
            equation=f"d{r}/d{r} = 1",
            note=f"{self.names[root]}.grad = 1",
        )
        steps = [seed]
        for c in backprop.walk(self.order, root):
            index += 1
            steps.append(self._backward_step(index, c, r))
        return steps

    def _backward_step(self, index: int, c: backprop.Contribution, r: str) -> Step:
        n = self._d(self.names[c.child])
        p_name = self.names[c.parent]
        p = self._d(p_name)
        total = self.number(c.after)
        if c.before is not None:  # a second (third, ...) contribution: show the sum
            total = f"{self.number(c.before)} + {self._operand(c.contribution)} = {total}"
        equation = (
            f"d{r}/d{p} += d{r}/d{n} * d{n}/d{p} = "
            f"{self.number(c.upstream)} * {self._operand(c.local)} = "
            f"{self.number(c.contribution)}"
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
            equation=equation,
            note=f"{p_name}.grad = {total}",
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

    def next(self) -> Step | None:
        """Take the next step and return it; at the end, stay and return None."""
        if self.at_end:
            return None
        step = self.steps[self.position]
        if step.target is not None:
            step.target.grad = step.grad_after
        self.position += 1
        return step

    def back(self) -> Step | None:
        """Undo the last step (restoring the grad it wrote); return the new current step."""
        if self.position == 0:
            return None
        step = self.steps[self.position - 1]
        if step.target is not None:
            step.target.grad = step.grad_before
        self.position -= 1
        return self.current

    def jump(self, position: int) -> Step | None:
        """Go to ``position`` (0 to ``len(self)``), one step at a time."""
        if not isinstance(position, int) or not 0 <= position <= len(self.steps):
            raise IndexError(f"position must be between 0 and {len(self.steps)}, got {position!r}")
        while self.position < position:
            self.next()
        while self.position > position:
            self.back()
        return self.current

    def reset(self) -> None:
        """Back to the start: no step taken, no grad computed."""
        self.jump(0)

    def end(self) -> Step | None:
        """Take every remaining step; return the last."""
        return self.jump(len(self.steps))

    # --- showing ------------------------------------------------------------

    def header(self, step: Step | None = None) -> str:
        """``[3/10] forward:`` for a step (default: the current one)."""
        step = self.current if step is None else step
        if step is None:
            return f"[0/{len(self.steps)}]"
        phase = "forward" if step.kind == FORWARD else "backward"
        return f"[{step.index}/{len(self.steps)}] {phase}:"

    def narration(self) -> str:
        """Every step, numbered, under ``forward pass`` and ``backward pass``."""
        width = len(str(len(self.steps))) + 2
        lines = ["forward pass"]
        for step in self.steps:
            if step.kind == SEED:
                lines.append("backward pass")
            lines.append(f"{step.index:>{width}}. {step.text}")
        return "\n".join(lines)

    def rows(self) -> list[tuple[str, str, float, float | None]]:
        """``(name, op, data, grad so far or None)`` for every node, in topological order."""
        grads: dict[Any, float | None] = {}
        for step in self.steps[: self.position]:
            if step.target is not None:
                grads[step.target] = step.grad_after
        return [(self.names[n], n.op, n.data, grads.get(n)) for n in self.order]

    def table(self, marks: bool = True) -> str:
        """The nodes with their data and grad so far; ``-`` is a grad not
        computed yet. With ``marks``, ``>`` marks the current step's node and
        ``*`` the node whose grad it just wrote."""
        step = self.current if marks else None
        rows = [("", "node", "op", "data", "grad")]
        for node, (name, op, data, grad) in zip(self.order, self.rows()):
            mark = ""
            if step is not None and node is step.node:
                mark = ">"
            if step is not None and node is step.target and step.kind == BACKWARD:
                mark = "*"
            shown = "-" if grad is None else self.number(grad)
            rows.append((mark, name, op, self.number(data), shown))
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
        """The nodes and ``(parent, child)`` edges the current step is about."""
        step = self.current
        if step is None:
            return [], []
        if step.kind == BACKWARD:  # the edge, and both its ends
            return [step.node, step.parent], step.edges
        return [step.node], step.edges

    def to_text(self, ascii_only: bool = False) -> str:
        """The graph as an indented tree (``autograd_lite.to_text``) at this
        position: grads so far, ``>`` before the current step's node and ``*``
        before the node whose grad it just wrote."""
        from .text_tree import to_text

        step = self.current
        marks: dict[Any, str] = {}
        if step is not None:
            marks[step.node] = ">"
            if step.kind == BACKWARD:
                marks[step.parent] = "*"
        return to_text(
            self.root, names=self.names, marks=marks, digits=self.digits, ascii_only=ascii_only
        )

    def draw(self, **options: Any) -> Any:
        """The graph as a ``graphviz.Digraph`` (``autograd_lite.viz.draw``),
        with the current step's nodes and edges highlighted and the grads
        computed so far. Unlabelled results carry their narration names
        (``n1``) in the drawing; ``options`` go to ``viz.draw``."""
        from .viz import draw

        nodes, edges = self.highlights()
        # Unlabelled results show their narration names; constants stay
        # unnamed, as the narration leaves them.
        names = {n: self.names[n] for n in self.order if not n.label and n.parents}
        return draw(self.root, highlight_nodes=nodes, highlight_edges=edges, names=names, **options)

    def to_svg(self, **options: Any) -> str:
        """``draw`` rendered to SVG text (``autograd_lite.viz.to_svg``)."""
        from .viz import to_svg

        return to_svg(self.draw(**options))


def _formula(name: str, op: Op | None, operands: list[str], numbers: bool) -> str:
    """``op``'s notation, or ``name(a, b)`` for an op the registry does not know."""
    if op is None:
        return f"{name}({', '.join(operands)})"
    return op.formula(operands, numbers)


def _unique(nodes: Sequence[Any]) -> list[Any]:
    out: list[Any] = []
    for n in nodes:
        if not any(n is m for m in out):
            out.append(n)
    return out


def node_names(order: Sequence[Any]) -> dict[Any, str]:
    """A distinct, deterministic name for every node (see ``Stepper.name``)."""
    taken = {n.label for n in order if n.label}
    names: dict[Any, str] = {}
    used: set[str] = set()
    counters = {"n": 0, "c": 0}

    def fresh(prefix: str) -> str:
        while True:
            counters[prefix] += 1
            candidate = f"{prefix}{counters[prefix]}"
            if candidate not in taken and candidate not in used:
                return candidate

    for node in order:
        label = node.label
        if label:
            name = label
            k = 1
            while name in used:
                k += 1
                name = f"{label}#{k}"
        else:
            name = fresh("n" if node.parents else "c")
        used.add(name)
        names[node] = name
    return names


__all__ = ["BACKWARD", "FORWARD", "SEED", "Step", "Stepper", "node_names"]
