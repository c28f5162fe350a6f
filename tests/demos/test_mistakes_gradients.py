"""The mistakes lab's gradient bugs: each demo's right column is the true derivative
(worked out here by hand and by central finite differences, independently of the
engine), and its bug column is off by what the bug predicts."""

from __future__ import annotations

import sys

import pytest
from autograd_lite.demos import DEMOS, mistake_grad_assign, mistake_topo_order, mistake_zero_grad

from autograd_lite.cli import main as cli

pytestmark = pytest.mark.slow  # each runs a whole demo

H = 1e-6


def central(f, point, i):
    up, down = list(point), list(point)
    up[i] += H
    down[i] -= H
    return (f(*up) - f(*down)) / (2 * H)


def by_quantity(rows):
    return {r["quantity"]: r for r in rows}


def test_assigning_instead_of_adding_loses_a_b_plus_a_use(tmp_path, capsys):
    got = mistake_grad_assign.main(["--out", str(tmp_path)])
    rows = by_quantity(got["rows"])
    assert rows["db/da"]["right"] == pytest.approx(central(lambda a: a + a, [3.0], 0))
    assert rows["db/da"]["buggy"] == 1.0  # only one of the two uses
    lecture = lambda a, b: (a * b) * (a + b)  # noqa: E731  the micrograd lecture's f
    assert rows["df/da"]["right"] == pytest.approx(central(lecture, [-2.0, 3.0], 0), abs=1e-6)
    assert rows["df/db"]["right"] == pytest.approx(central(lecture, [-2.0, 3.0], 1), abs=1e-6)
    assert (rows["df/da"]["right"], rows["df/db"]["right"]) == (-3.0, -8.0)
    # the bug keeps one term of e·b + d·1: whichever use the loop meets last
    assert rows["df/da"]["buggy"] in (1.0 * 3.0, -6.0 * 1.0)
    assert rows["df/db"]["buggy"] in (1.0 * -2.0, -6.0 * 1.0)
    assert all(r["right_ok"] and r["bug_off"] for r in got["rows"])
    assert "+=" in got["fix"]["fix"] and "+=" not in got["fix"]["bug"]
    assert "the fix:" in capsys.readouterr().out


def test_not_zeroing_doubles_the_grads_and_steps_along_their_sum(tmp_path):
    got = mistake_zero_grad.main(["--out", str(tmp_path)])
    rows = by_quantity(got["rows"])
    loss = lambda w, b: (w * 2.0 + b - 3.0) ** 2  # noqa: E731
    assert rows["dL/dw"]["right"] == pytest.approx(central(loss, [0.5, 0.0], 0), abs=1e-6)
    assert rows["dL/db"]["right"] == pytest.approx(central(loss, [0.5, 0.0], 1), abs=1e-6)
    assert rows["dL/dw"]["buggy"] == 2 * rows["dL/dw"]["right"]
    assert rows["dL/db"]["buggy"] == 2 * rows["dL/db"]["right"]
    # part 2, replayed here with plain floats: the buggy loop steps along running sums
    xs, ys, lr = mistake_zero_grad.XS, mistake_zero_grad.YS, mistake_zero_grad.LR

    def grad(w, b):
        r = [w * x + b - y for x, y in zip(xs, ys)]
        return 2 / len(xs) * sum(ri * x for ri, x in zip(r, xs)), 2 / len(xs) * sum(r)

    for zero, run in ((True, got["right"]), (False, got["buggy"])):
        w = b = 0.0
        gw = gb = 0.0
        for _ in range(mistake_zero_grad.STEPS):
            g = grad(w, b)
            gw, gb = (g[0], g[1]) if zero else (gw + g[0], gb + g[1])
            w, b = w - lr * gw, b - lr * gb
        assert run["final"] == pytest.approx([w, b], rel=1e-12)
    assert got["buggy"]["used"][-1] == pytest.approx(got["sums"], rel=1e-12)
    assert got["buggy"]["loss"] > 2 * got["right"]["loss"]


def test_recursion_passes_a_shared_node_on_twice_and_overflows_a_deep_chain(tmp_path):
    got = mistake_topo_order.main(["--out", str(tmp_path)])
    rows = by_quantity(got["rows"])
    loss = lambda a, b: (a * b) * (a * b) + a * b  # noqa: E731
    assert rows["dL/da"]["right"] == pytest.approx(central(loss, [2.0, 3.0], 0), abs=1e-5)
    assert rows["dL/db"]["right"] == pytest.approx(central(loss, [2.0, 3.0], 1), abs=1e-5)
    # c passes on 6, then 6 + 6, then 6 + 6 + 1: 31 in all instead of 13
    assert rows["dL/da"]["buggy"] == 31 * 3.0 and rows["dL/db"]["buggy"] == 31 * 2.0
    chain = got["chain"]
    assert chain["right"] == pytest.approx(0.999**5000, rel=1e-9)
    if sys.getrecursionlimit() < mistake_topo_order.DEPTH:
        assert chain["failure"].startswith("RecursionError")


def test_the_lab_is_listed_with_mistakes_in_its_names(capsys):
    assert cli(["demo", "--list"]) == 0
    listed = [line for line in capsys.readouterr().out.splitlines() if "mistakes" in line]
    lab = [name for name in DEMOS if name.startswith("mistakes-")]
    assert len(lab) >= 3 and len(listed) == len(lab)
    assert all(DEMOS[name].description.startswith("mistakes lab:") for name in lab)
