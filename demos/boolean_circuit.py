"""AND, OR and NOT as threshold units, composed into Boolean circuits.

Grosse's CSC 411 lecture 10 (seed 004, G09): "We've derived units which
compute the functions AND, OR, and NOT. Therefore, any Boolean circuit can
be translated into a feed-forward neural net", which "suggests you might be
able to learn *compact* representations of some complicated functions".
With seed 004's hard threshold step(z) = 1 if z > 0 else 0 and inputs 0/1
(as in its XOR network), the three gates are single units:

    AND(a, b) = step(a + b - 1.5)     OR(a, b) = step(a + b - 0.5)     NOT(a) = step(-a + 0.5)

(the weights are the lecture's for AND and OR, from its XOR network; NOT's
are ours). The demo wires them into circuits, each gate one unit
(``nn.Neuron`` with the step activation) whose inputs are the outputs of
other units, so a circuit is a graph of Values:

* XOR = (x1 OR x2) AND NOT (x1 AND x2), 4 units, next to the lecture's
  2-2-1 network (``autograd_lite.demos.xor.hand_wired_xor``);
* 3-input majority as a circuit of 2-input gates (5 units), and as one
  unit step(x1 + x2 + x3 - 1.5);
* 3-input parity x1 XOR x2 XOR x3 as two XOR circuits (8 units).

Every truth table is printed next to Python's own ``and``/``or``/``not``/``^``
and checked. Last, the units and depth of each circuit are counted on its
graph (step nodes), and parity of D inputs is compared with the 2^D hidden
units of the lookup-table construction (``autograd-lite demo universality``):
4 (D - 1) units instead of 2^D, the compact representation the lecture means.

    python -m autograd_lite.demos.boolean_circuit [--out out/boolean_circuit]
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from typing import Any

from autograd_lite.demos.report import Row, demo_parser, table, write_graph
from autograd_lite.demos.xor import hand_wired_xor

from autograd_lite import Value
from nn import Module, Neuron

GATE_WEIGHTS: dict[str, tuple[list[float], float]] = {
    "AND": ([1.0, 1.0], -1.5),
    "OR": ([1.0, 1.0], -0.5),
    "NOT": ([-1.0], 0.5),
}
"""Each gate's weights and bias: the unit is step(w . x + b)."""

PARITY_SIZES = [2, 3, 4, 10, 20]
"""The numbers of inputs D at which parity's circuit is compared with the lookup table."""


class ThresholdGates(Module):
    """The three gates as step units; each call of a gate is one unit of the circuit.

    >>> gates = ThresholdGates()
    >>> [gates.AND([a, b]).data for a, b in ((0, 0), (0, 1), (1, 0), (1, 1))]
    [0.0, 0.0, 0.0, 1.0]
    >>> gates.NOT(1.0).data, gates.NOT(0.0).data
    (0.0, 1.0)
    """

    def __init__(self) -> None:
        for name, (weights, bias) in GATE_WEIGHTS.items():
            unit = Neuron(len(weights), activation="step", seed=0)
            setattr(self, name, unit)
            state = {f"w.{i}": w for i, w in enumerate(weights)}
            unit.load_state_dict({**state, "b": bias})


def xor(g: ThresholdGates, a: Value | float, b: Value | float) -> Value:
    """(a OR b) AND NOT (a AND b), four units.

    >>> g = ThresholdGates()
    >>> [xor(g, a, b).data for a, b in ((0, 0), (0, 1), (1, 0), (1, 1))]
    [0.0, 1.0, 1.0, 0.0]
    """
    return g.AND([g.OR([a, b]), g.NOT(g.AND([a, b]))])


def majority_circuit(
    g: ThresholdGates, a: Value | float, b: Value | float, c: Value | float
) -> Value:
    """(a AND b) OR (a AND c) OR (b AND c), five 2-input units.

    >>> majority_circuit(ThresholdGates(), 1, 0, 1).data
    1.0
    """
    return g.OR([g.OR([g.AND([a, b]), g.AND([a, c])]), g.AND([b, c])])


def majority_unit(a: Value | float, b: Value | float, c: Value | float) -> Value:
    """One threshold unit step(a + b + c - 1.5): 1 when at least two inputs are 1.

    >>> majority_unit(0, 1, 1).data, majority_unit(0, 0, 1).data
    (1.0, 0.0)
    """
    unit = Neuron(3, activation="step", seed=0)
    unit.load_state_dict({"w.0": 1.0, "w.1": 1.0, "w.2": 1.0, "b": -1.5})
    return unit([a, b, c])


def parity(g: ThresholdGates, *xs: Value | float) -> Value:
    """x1 XOR x2 XOR ... as a chain of XOR circuits, 4 (D - 1) units.

    >>> parity(ThresholdGates(), 1, 1, 1).data
    1.0
    """
    out = xs[0]
    for x in xs[1:]:
        out = xor(g, out, x)
    return out


def units_and_depth(out: Value) -> tuple[int, int]:
    """The number of step nodes in ``out``'s graph, and the most on any path from an input.

    >>> g = ThresholdGates()
    >>> units_and_depth(xor(g, Value(1.0), Value(0.0)))
    (4, 3)
    """
    depth: dict[int, int] = {}
    for node in out.topological_order():
        below = max((depth[id(p)] for p in node.parents), default=0)
        depth[id(node)] = below + (node.op == "step")
    units = sum(node.op == "step" for node in out.topological_order())
    return units, depth[id(out)]


def truth_rows(
    name: str, n: int, circuit: Callable[..., Value], python: Callable[..., bool], formula: str
) -> list[Row]:
    """One Row per input in {0, 1}^n: Python's Boolean answer vs the circuit's output."""
    rows = []
    for bits in itertools.product((0, 1), repeat=n):
        out = circuit(*[Value(float(b), label=f"x{i + 1}") for i, b in enumerate(bits)])
        rows.append(Row(f"{name}{bits}", formula, float(python(*bits)), out.data))
    return rows


def _print_gates() -> None:
    """Print each gate's weights and bias."""
    print("the gates, each one threshold unit step(w . x + b), step(z) = 1 if z > 0 else 0:")
    for name, (weights, bias) in GATE_WEIGHTS.items():
        print(f"  {name:3s}  w = {weights}, b = {bias:g}")
    print()


def _truth_sections(g: ThresholdGates) -> dict[str, list[Row]]:
    """Every truth table's rows, keyed by section: the gates, XOR, majority (twice), parity."""
    return {
        "gates": [
            *truth_rows("AND", 2, lambda a, b: g.AND([a, b]), lambda a, b: a and b, "a and b"),
            *truth_rows("OR", 2, lambda a, b: g.OR([a, b]), lambda a, b: a or b, "a or b"),
            *truth_rows("NOT", 1, lambda a: g.NOT(a), lambda a: not a, "not a"),
        ],
        "xor": truth_rows(
            "XOR", 2, lambda a, b: xor(g, a, b), lambda a, b: a ^ b, "(a OR b) AND NOT (a AND b)"
        ),
        "majority_circuit": truth_rows(
            "MAJ",
            3,
            lambda a, b, c: majority_circuit(g, a, b, c),
            lambda a, b, c: a + b + c >= 2,
            "ab OR ac OR bc",
        ),
        "majority_unit": truth_rows(
            "MAJ1", 3, majority_unit, lambda a, b, c: a + b + c >= 2, "step(a + b + c - 1.5)"
        ),
        "parity": truth_rows(
            "PAR", 3, lambda a, b, c: parity(g, a, b, c), lambda a, b, c: a ^ b ^ c, "a ^ b ^ c"
        ),
    }


def _truth_tables(g: ThresholdGates) -> tuple[dict[str, list[dict[str, Any]]], dict[str, bool]]:
    """Print every truth table and the verdict; return the tables' rows and which are right."""
    titles = {
        "gates": "the gates' truth tables (formula: Python's own)",
        "xor": "\nXOR circuit vs Python's a ^ b",
        "majority_circuit": "\nmajority, a circuit of 2-input gates, vs Python's a + b + c >= 2",
        "majority_unit": "\nmajority, one threshold unit, vs Python's a + b + c >= 2",
        "parity": "\n3-input parity, two XOR circuits, vs Python's a ^ b ^ c",
    }
    sections = _truth_sections(g)
    rows = {key: table(titles[key], section) for key, section in sections.items()}
    correct = {key: all(r["gap"] == 0.0 for r in section) for key, section in rows.items()}
    verdict = ", ".join(f"{key} {'yes' if ok else 'NO'}" for key, ok in correct.items())
    print(f"\nevery truth table right? {verdict}")
    return rows, correct


def _lecture_xor() -> list[float]:
    """The lecture's 2-2-1 XOR network's truth table, printed with a comment."""
    lecture = hand_wired_xor()
    lecture_xor = [lecture([float(a), float(b)]).data for a, b in itertools.product((0, 1), (0, 1))]
    print(
        f"the lecture's 2-2-1 XOR network gives {lecture_xor}, the same table with 3 units:\n"
        "its output unit step(h1 - h2 - 0.5) is AND and NOT folded into one unit"
    )
    return lecture_xor


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Print the gates and circuits' truth tables; return them with their unit counts."""
    args = demo_parser("boolean_circuit", __doc__).parse_args(argv)
    g = ThresholdGates()
    _print_gates()
    rows, correct = _truth_tables(g)
    lecture_xor = _lecture_xor()
    sizes = circuit_sizes(g)
    graph_root = xor(g, Value(1.0, label="x1"), Value(0.0, label="x2"))
    graph_root.label = "XOR"
    graphs = [write_graph(graph_root, os.path.join(args.out, "xor_circuit.svg"))]
    return {
        "gate_weights": {k: {"w": w, "b": b} for k, (w, b) in GATE_WEIGHTS.items()},
        "tables": {k: [r["ours"] for r in section] for k, section in rows.items()},
        "correct": correct,
        "lecture_xor": lecture_xor,
        "sizes": sizes,
        "rows": [r for section in rows.values() for r in section],
        "graphs": [p for p in graphs if p],
    }


def circuit_sizes(g: ThresholdGates) -> dict[str, Any]:
    """Units and depth counted on each circuit's graph; parity's size against 2^D."""
    zeros = [Value(0.0) for _ in range(3)]
    counted = {
        "XOR": units_and_depth(xor(g, *zeros[:2])),
        "majority (2-input gates)": units_and_depth(majority_circuit(g, *zeros)),
        "majority (one unit)": units_and_depth(majority_unit(*zeros)),
        "parity of 3": units_and_depth(parity(g, *zeros)),
    }
    print("\nunits (step nodes on the graph) and depth (most units on a path from an input):")
    for name, (units, depth) in counted.items():
        print(f"  {name:26s} {units:3d} unit{'s' if units != 1 else ' '}, depth {depth}")
    parity_units = {
        d: units_and_depth(parity(g, *[Value(0.0) for _ in range(d)]))[0] for d in PARITY_SIZES
    }
    print("\nparity of D inputs: the XOR chain vs the lookup table's 2^D hidden units (seed 004):")
    print("     D   chain of XORs, 4 (D - 1)   lookup table, 2^D")
    for d, units in parity_units.items():
        print(f"  {d:4d}   {units:24d}   {2**d:17d}")
    print("a circuit can be exponentially smaller than the table: the lecture's compact networks")
    return {
        "units": {k: v[0] for k, v in counted.items()},
        "depth": {k: v[1] for k, v in counted.items()},
        "parity_units": parity_units,
    }


if __name__ == "__main__":
    main()
