"""Mistake: updating a weight inside the graph (``w = w - lr * w.grad``) instead of its data.

The mistake: a hand-written gradient-descent loop for a one-neuron linear
fit, y = w x + b on four points (our choice), L = 1/n sum (w x + b - y)^2,
that updates with Value arithmetic,

    w = w - lr * w.grad        # a new node whose parent is the old w

instead of changing the number the leaf holds,

    w.data -= lr * w.grad      # the same leaf, a new value

What goes wrong: each buggy step makes ``w`` and ``b`` new interior nodes
(a ``-`` node and a constant leaf each), chained to the old ones, so the
graph behind the loss grows by 4 nodes a step: after k steps it has
N0 + 4k nodes, against N0 at every step of the right loop, and backward
walks the whole chain. ``w`` is no longer a leaf (it has parents). The
numbers the loop's local ``w`` holds are right (the same floats as the
right loop), which is why the bug hides; but the original leaf, the one
the model's ``parameters()`` still holds, never changed, so the model,
evaluated, still has its initial loss.

Independent check: the right loop's w and b after k steps equal gradient
descent in plain floats with the closed-form gradient of the MSE,
dL/dw = 2/n sum (w x + b - y) x and dL/db = 2/n sum (w x + b - y).

The fix: ``w.data -= lr * w.grad`` (or an nn optimizer's ``step()``).

    python -m autograd_lite.demos.mistake_update_in_graph [--out out/mistake_update_in_graph]
"""

from __future__ import annotations

from typing import Any

from autograd_lite.demos.mistake_report import Wrong, compare, fix
from autograd_lite.demos.report import demo_parser

from autograd_lite import Value, no_grad
from nn import Neuron, mse, total

NAME = "mistake_update_in_graph"
XS = [0.0, 1.0, 2.0, 3.0]
YS = [1.0, 3.1, 4.9, 7.2]
STEPS, LR = 40, 0.1
NODES_PER_STEP = 4  # per parameter (w, b): one "-" node and one constant leaf for lr * grad
SHOWN = (0, 1, 2, 3, 10, 20, STEPS)


def line_loss(w: Value, b: Value) -> Value:
    """L = 1/n sum (w x_i + b - y_i)^2 over the demo's points, written out with Values.

    >>> round(line_loss(Value(0.0), Value(0.0)).data, 12)    # mean of y^2
    21.615
    """
    return total([(w * x + b - y) ** 2 for x, y in zip(XS, YS)]) / len(XS)


def fresh_model() -> Neuron:
    """The one-neuron model y = w x + b, starting at w = b = 0.

    >>> [p.data for p in fresh_model().parameters()]
    [0.0, 0.0]
    """
    model = Neuron(1, activation="linear", seed=0)
    model.load_state_dict({"w.0": 0.0, "b": 0.0})
    return model


def model_loss(model: Neuron) -> float:
    """The model's own MSE on the points, through its parameters (no graph kept).

    >>> round(model_loss(fresh_model()), 12)
    21.615
    """
    with no_grad():
        return mse([model([x]) for x in XS], YS).data


def right_loop(model: Neuron, steps: int = STEPS, lr: float = LR) -> dict[str, Any]:
    """Gradient descent that changes each leaf's data; the graph size at each step.

    >>> run = right_loop(fresh_model(), steps=3)
    >>> run["sizes"][0] == run["sizes"][3], len(run["w"].parents)
    (True, 0)
    """
    w, b = model.w[0], model.b
    sizes = []
    for _ in range(steps):
        loss = line_loss(w, b)
        sizes.append(len(loss.topological_order()))
        model.zero_grad()
        loss.backward()
        w.data -= lr * w.grad  # right: the same leaf, a new number
        b.data -= lr * b.grad
    sizes.append(len(line_loss(w, b).topological_order()))
    return {"sizes": sizes, "w": w, "b": b}


def buggy_loop(model: Neuron, steps: int = STEPS, lr: float = LR) -> dict[str, Any]:
    """The same loop with the update written as Value arithmetic: the bug.

    >>> run = buggy_loop(fresh_model(), steps=3)
    >>> run["sizes"][3] - run["sizes"][0], len(run["w"].parents)
    (12, 2)
    """
    w, b = model.w[0], model.b
    sizes = []
    for _ in range(steps):
        loss = line_loss(w, b)
        sizes.append(len(loss.topological_order()))
        model.zero_grad()
        loss.backward()
        w = w - lr * w.grad  # the bug: a new node in the graph, the leaf is left behind
        b = b - lr * b.grad
    sizes.append(len(line_loss(w, b).topological_order()))
    return {"sizes": sizes, "w": w, "b": b}


def descent_by_hand(steps: int = STEPS, lr: float = LR) -> tuple[float, float]:
    """Gradient descent in plain floats with the closed-form gradient of the MSE.

    >>> [round(v, 6) for v in descent_by_hand(steps=1)]
    [1.725, 0.81]
    """
    w = b = 0.0
    n = len(XS)
    for _ in range(steps):
        errors = [w * x + b - y for x, y in zip(XS, YS)]
        grad_w = 2.0 / n * sum(e * x for e, x in zip(errors, XS))
        grad_b = 2.0 / n * sum(errors)
        w, b = w - lr * grad_w, b - lr * grad_b
    return w, b


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run both loops for STEPS steps; return graph sizes, parameters and losses."""
    demo_parser(NAME, __doc__).parse_args(argv)
    start = model_loss(fresh_model())
    right_model, bug_model = fresh_model(), fresh_model()
    right, bug = right_loop(right_model), buggy_loop(bug_model)
    w_hand, b_hand = descent_by_hand()
    fresh = len(line_loss(Value(0.0), Value(0.0)).topological_order())
    _print_graph_sizes(right, bug, fresh)
    _print_hidden_bug(right, bug, bug_model)
    rows = _compare_models(right, bug, right_model, bug_model, (w_hand, b_hand), fresh)
    print(f"(the model's loss before training: {start:.6g})")
    said = fix("w = w - lr * w.grad", "w.data -= lr * w.grad  # or an nn optimizer's step()")
    return {
        "fresh_nodes": fresh,
        "right_sizes": right["sizes"],
        "bug_sizes": bug["sizes"],
        "hand": {"w": w_hand, "b": b_hand},
        "right": {"w": right_model.w[0].data, "b": right_model.b.data},
        "bug_model": {"w": bug_model.w[0].data, "b": bug_model.b.data},
        "bug_loop": {"w": bug["w"].data, "b": bug["b"].data, "parents": len(bug["w"].parents)},
        "start_loss": start,
        "right_loss": model_loss(right_model),
        "bug_loss": model_loss(bug_model),
        "rows": rows,
        "fix": said,
    }


def _print_graph_sizes(right: dict[str, Any], bug: dict[str, Any], fresh: int) -> None:
    """Print the problem and the number of nodes behind the loss at the SHOWN steps."""
    print(
        f"fit y = w x + b to x = {XS}, y = {YS}: L = mean (w x + b - y)^2,\n"
        f"gradient descent from w = b = 0 with lr = {LR}, {STEPS} steps\n"
    )
    print("nodes behind the loss at step t (loss.topological_order()):")
    print("  t       " + "".join(f"{t:>7d}" for t in SHOWN))
    for name, run in (("right", right), ("bug", bug)):
        print(f"  {name:8s}" + "".join(f"{run['sizes'][t]:>7d}" for t in SHOWN))
    print(
        f"the bug adds {NODES_PER_STEP} nodes a step (a '-' node and a constant leaf for each of "
        f"w and b):\n  N0 + {NODES_PER_STEP} t with N0 = {fresh}, and backward walks them all\n"
    )


def _print_hidden_bug(right: dict[str, Any], bug: dict[str, Any], bug_model: Neuron) -> None:
    """Print why the bug hides: the loop's numbers are right, the model's leaves never moved."""
    print(
        f"the buggy loop's own w, b = {bug['w'].data:.6g}, {bug['b'].data:.6g} (right: "
        f"{right['w'].data:.6g}, {right['b'].data:.6g}): the numbers are right,\nbut that w is "
        f"a '{bug['w'].op}' node with {len(bug['w'].parents)} parents, and the model's leaf is "
        f"still w = {bug_model.w[0].data:g}, b = {bug_model.b.data:g}\n"
    )


def _compare_models(
    right: dict[str, Any],
    bug: dict[str, Any],
    right_model: Neuron,
    bug_model: Neuron,
    hand: tuple[float, float],
    fresh: int,
) -> list[dict[str, Any]]:
    """Print the models' parameters, loss and graph size after training beside the floats."""
    w_hand, b_hand = hand
    return compare(
        f"after {STEPS} steps, read from the model (its parameters())",
        [
            Wrong(
                "w", "w -= lr dL/dw in floats", w_hand, right_model.w[0].data, bug_model.w[0].data
            ),
            Wrong("b", "b -= lr dL/db in floats", b_hand, right_model.b.data, bug_model.b.data),
            Wrong(
                "model's loss",
                "mean (w x + b - y)^2 at those w, b",
                _loss_at(w_hand, b_hand),
                model_loss(right_model),
                model_loss(bug_model),
            ),
            Wrong(
                "nodes behind the loss",
                "a fresh loss on two leaves",
                fresh,
                right["sizes"][-1],
                bug["sizes"][-1],
            ),
            Wrong(
                "parents of the loop's w",
                "0: a leaf",
                0,
                len(right["w"].parents),
                len(bug["w"].parents),
            ),
        ],
    )


def _loss_at(w: float, b: float) -> float:
    return sum((w * x + b - y) ** 2 for x, y in zip(XS, YS)) / len(XS)


if __name__ == "__main__":
    main()
