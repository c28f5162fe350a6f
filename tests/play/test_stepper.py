"""Stepper: the lecture's narration, fan-out, a node used twice, moving, drawing."""

from __future__ import annotations

import math

import pytest

from autograd_lite import Value, draw, parse
from autograd_lite.play.stepper import BACKWARD, FORWARD, SEED, Stepper


def lecture():
    d = parse("q = x + y; f = q * z", x=-2, y=5, z=-4)
    return d, Stepper(d["f"], notation="unicode")


# --- the lecture: f = (x + y) z at x = -2, y = 5, z = -4 --------------------


def test_x_plus_y_times_z_narration_has_the_lectures_numbers():
    _, s = lecture()
    lines = [str(step) for step in s.steps]
    # x̄ is the gradient of f (what x.grad ends up holding), ∂q/∂x a local derivative
    assert lines == [
        "x = −2   (input)",
        "y = 5   (input)",
        "q = x + y = −2 + 5 = 3",
        "z = −4   (input)",
        "f = q * z = 3 * (−4) = −12",
        "f̄ = 1   (f.grad = 1)",
        "q̄ += f̄ · ∂f/∂q = 1 · (−4) = −4   (q.grad = −4)",
        "z̄ += f̄ · ∂f/∂z = 1 · 3 = 3   (z.grad = 3)",
        "x̄ += q̄ · ∂q/∂x = (−4) · 1 = −4   (x.grad = −4)",
        "ȳ += q̄ · ∂q/∂y = (−4) · 1 = −4   (y.grad = −4)",
    ]
    # where each local derivative comes from, once per edge
    assert [step.why for step in s.steps[6:]] == [
        "∂f/∂q = −4 because f = q * z",
        "∂f/∂z = 3 because f = q * z",
        "∂q/∂x = 1 because q = x + y",
        "∂q/∂y = 1 because q = x + y",
    ]
    assert [step.kind for step in s.steps] == [FORWARD] * 5 + [SEED] + [BACKWARD] * 4
    assert [step.index for step in s.steps] == list(range(1, 11))


def test_x_plus_y_times_z_gives_minus4_minus4_3():
    d, s = lecture()
    s.end()
    assert (d["x"].grad, d["y"].grad, d["z"].grad) == (-4.0, -4.0, 3.0)
    assert (d["q"].grad, d["f"].grad) == (-4.0, 1.0)


def test_a_backward_step_is_an_object_with_the_chain_rule_parts():
    d, s = lecture()
    step = s.steps[8]  # df/dx
    assert step.node is d["q"] and step.parent is d["x"]
    assert (step.upstream, step.local, step.contribution) == (-4.0, 1.0, -4.0)
    assert (step.grad_before, step.grad_after) == (None, -4.0)
    assert step.target is d["x"]
    assert step.edges == [(d["x"], d["q"])]
    dz = s.steps[7]
    assert (dz.node, dz.parent, dz.upstream, dz.local) == (d["f"], d["z"], 1.0, 3.0)


def test_the_narration_has_both_passes_numbered():
    _, s = lecture()
    text = s.narration().splitlines()
    assert text[0] == "forward pass" and text[6] == "backward pass"
    assert text[3] == "   3. q = x + y = −2 + 5 = 3"
    assert text[-2] == "  10. ȳ += q̄ · ∂q/∂y = (−4) · 1 = −4   (y.grad = −4)"
    assert text[-1] == "      ∂q/∂y = 1 because q = x + y"


def test_table_shows_data_and_grad_so_far():
    _, s = lecture()
    s.jump(9)
    assert s.table().splitlines() == [
        "   node  op  data  grad",
        "*  x           −2    −4",
        "   y            5     -",
        ">  q     +      3    −4",
        "   z           −4     3",
        "   f     *    −12     1",
    ]
    assert s.rows()[1] == ("y", "", 5.0, None)


# --- fan-out and a node used twice -----------------------------------------------


def test_y_plus_exp_xy_sums_ys_two_contributions_to_the_closed_form():
    x0, y0 = 0.5, -1.5
    d = parse("f = y + exp(x * y)", x=x0, y=y0)
    s = Stepper(d["f"])
    s.end()
    e = math.exp(x0 * y0)
    into_y = [st for st in s.steps if st.parent is d["y"]]
    into_x = [st for st in s.steps if st.parent is d["x"]]
    assert len(into_y) == 2 and len(into_x) == 1
    assert into_y[0].contribution == pytest.approx(1.0)  # through +
    assert into_y[1].contribution == pytest.approx(x0 * e)  # through x*y
    assert into_y[1].grad_before == into_y[0].grad_after
    assert d["y"].grad == pytest.approx(1 + x0 * e)
    assert d["x"].grad == pytest.approx(y0 * e)
    assert "(y.grad = 1 + 0.236183 = 1.23618)" in str(into_y[1])
    assert into_y[1].why == "∂n1/∂y = 0.5 because n1 = x * y"


def test_xy_plus_exp_xy_fans_out_both_x_and_y():
    x0, y0 = 0.5, -1.5
    d = parse("f = x * y + exp(x * y)", x=x0, y=y0)
    s = Stepper(d["f"])
    s.end()
    e = math.exp(x0 * y0)
    for name in "xy":
        assert sum(st.parent is d[name] for st in s.steps) == 2
    assert d["x"].grad == pytest.approx(y0 + y0 * e)
    assert d["y"].grad == pytest.approx(x0 + x0 * e)


def test_a_times_a_gets_two_contributions():
    d = parse("f = a * a", a=3)
    s = Stepper(d["f"])
    s.end()
    edges = [st for st in s.steps if st.kind == BACKWARD]
    assert [(st.parent, st.local, st.contribution) for st in edges] == [
        (d["a"], 3.0, 3.0),
        (d["a"], 3.0, 3.0),
    ]
    assert str(edges[1]).endswith("(a.grad = 3 + 3 = 6)")
    assert d["a"].grad == 6.0


# --- moving and the grads in the graph -----------------------------------------


def test_stepping_writes_grads_and_back_restores_them():
    d, s = lecture()
    x = d["x"]
    assert not x.grad_computed and s.position == 0 and s.current is None
    s.jump(9)
    assert x.grad == -4.0
    assert s.back() is s.steps[7]
    assert not x.grad_computed and x.grad == 0.0
    s.next()
    assert x.grad == -4.0
    s.reset()
    assert all(not v.grad_computed for v in d.values())


def test_creating_a_stepper_clears_old_grads_and_the_end_matches_one_backward_pass():
    d = parse("q = x + y; f = q * z", x=-2, y=5, z=-4)
    d["f"].backward()
    d["f"].backward()  # leaves accumulate: x.grad is now -8
    assert d["x"].grad == -8.0
    s = Stepper(d["f"])
    assert not d["x"].grad_computed
    s.end()
    assert d["x"].grad == -4.0


def test_next_at_the_end_and_back_at_the_start_stay_put():
    _, s = lecture()
    assert s.back() is None and s.position == 0
    s.end()
    assert s.at_end and s.next() is None and s.position == len(s) == 10


@pytest.mark.parametrize("bad", [-1, 11, 2.0, "3"])
def test_jump_outside_the_steps_is_an_index_error(bad):
    _, s = lecture()
    with pytest.raises(IndexError):
        s.jump(bad)


def test_jumping_anywhere_gives_the_same_grads_as_stepping_there():
    d, s = lecture()
    for target in [10, 3, 7, 0, 8, 6]:
        s.jump(target)
        jumped = [v.grad if v.grad_computed else None for v in s.order]
        fresh = Stepper(d["f"])
        for _ in range(target):
            fresh.next()
        assert jumped == [v.grad if v.grad_computed else None for v in fresh.order]
        s = fresh


# --- names -------------------------------------------------------------------------


def test_unlabelled_nodes_get_deterministic_names():
    x = Value(2.0, label="x")
    f = (x * 3 + 1).tanh()
    names = [Stepper(f).name(n) for n in f.topological_order()]
    assert names == [Stepper(f).name(n) for n in f.topological_order()]
    assert names == ["x", "c1", "n1", "c2", "n2", "n3"]
    s = Stepper(f)
    assert str(s.steps[2]) == "n1 = x * c1 = 2 * 3 = 6"
    assert str(s.steps[1]) == "c1 = 3   (constant)"
    assert s.node("n3") is f


def test_generated_names_skip_labels_in_use_and_repeated_labels_are_numbered():
    a, b = Value(1.0, label="w"), Value(2.0, label="w")
    c = Value(3.0, label="n1")
    f = a * b + c
    s = Stepper(f)
    assert [s.name(n) for n in s.order] == ["w", "w#2", "n2", "n1", "n3"]


def test_unary_and_power_forward_lines():
    d = parse("a = -x; h = a / (-4)", x=-2)
    text = Stepper(d["h"], notation="ascii").narration()
    assert "a = -x = -(-2) = 2" in text
    assert "h = a / c1 = 2 / (-4) = -0.5" in text
    text = Stepper(d["h"], notation="unicode").narration()
    assert "a = -x = -(−2) = 2" in text  # the numbers' minus is typographic, the op's as typed
    assert "h = a / c1 = 2 / (−4) = −0.5" in text
    d2 = parse("b = x ** 2; c = x ** y; g = sqrt(c) + b", x=2, y=3)
    text = Stepper(d2["g"]).narration()
    assert "b = x ** 2 = 2 ** 2 = 4" in text
    assert "c = x ** y = 2 ** 3 = 8" in text
    assert "n1 = sqrt(c) = sqrt(8) = 2.82843" in text


def test_digits_sets_the_precision():
    d = parse("f = x / 3", x=1)
    assert "f = x / c1 = 1 / 3 = 0.33" in Stepper(d["f"], digits=2).narration()


# --- the stepper reads only the public node attributes -------------------------------


class Node:
    """A stand-in node with only the attributes the design makes public."""

    def __init__(self, data, label=None, parents=(), local_grads=(), op=""):
        self.data, self.label, self.grad = data, label, None
        self.parents, self.local_grads, self.op = tuple(parents), tuple(local_grads), op

    @property
    def grad_computed(self):
        return self.grad is not None

    def topological_order(self):
        order, seen = [], set()

        def visit(n):
            if id(n) not in seen:
                seen.add(id(n))
                for p in n.parents:
                    visit(p)
                order.append(n)

        visit(self)
        return order


def test_a_step_carries_its_parts_so_nothing_reads_the_narration_back():
    d, s = lecture()
    step = s.steps[8]  # df/dx += df/dq * dq/dx = -4 * 1 = -4
    assert (step.node, step.parent) == (d["q"], d["x"])
    assert (step.upstream, step.local, step.contribution) == (-4.0, 1.0, -4.0)
    assert (step.grad_before, step.grad_after) == (None, -4.0)
    assert step.operation.name == "+" and step.operation.formula(["x", "y"]) == "x + y"
    assert step.equation == "x̄ += q̄ · ∂q/∂x = (−4) · 1 = −4"
    assert step.note == "x.grad = −4"
    assert step.why == "∂q/∂x = 1 because q = x + y"
    forward = s.steps[2]  # q = x + y = -2 + 5 = 3
    assert forward.operation is step.operation and forward.note == ""
    assert forward.equation == "q = x + y = −2 + 5 = 3"
    assert s.steps[0].note == "input" and s.steps[0].operation is None


def test_local_derivatives_come_from_the_graph_not_from_the_op():
    a, b = Node(1.0, "a"), Node(2.0, "b")
    f = Node(7.0, "f", (a, b), (10.0, -3.0), op="mystery")
    s = Stepper(f)
    assert str(s.steps[2]) == "f = mystery(a, b) = mystery(1, 2) = 7"
    s.end()
    assert (a.grad, b.grad) == (10.0, -3.0)


# --- drawing -----------------------------------------------------------------------


def test_draw_highlights_the_current_node_and_edge_and_shows_grads_so_far():
    d, s = lecture()
    s.jump(9)  # df/dx += df/dq * dq/dx
    nodes, edges = s.highlights()
    assert nodes == [d["q"], d["x"]] and edges == [(d["x"], d["q"])]
    source = s.draw().source
    marked = [line for line in source.splitlines() if "penwidth=3" in line]
    assert any("{ x |" in line for line in marked)
    assert any("{ q |" in line for line in marked)
    assert not any("{ z |" in line for line in marked)
    assert "grad −4" in source and "grad not computed" in source  # y has no grad yet


def test_draw_names_unlabelled_results_like_the_narration_and_leaves_labels_alone():
    d = parse("f = y + exp(x * y)", x=0.5, y=-1.5)
    s = Stepper(d["f"])
    s.jump(4)
    source = s.draw().source
    assert "{ n1 |" in source and "{ n2 |" in source
    assert all(n.label is None for n in s.order if s.name(n) in ("n1", "n2"))


def test_to_svg_renders_the_current_step():
    _, s = lecture()
    s.jump(3)
    svg = s.to_svg()
    assert svg.lstrip().startswith("<?xml") and "</svg>" in svg


def test_stepper_rejects_non_values():
    with pytest.raises(TypeError, match="Value"):
        Stepper(3.0)


# --- notation and number format ------------------------------------------------------


def test_plain_ascii_narration_says_the_same_with_bar_and_d():
    d = parse("q = x + y; f = q * z", x=-2, y=5, z=-4)
    s = Stepper(d["f"], notation="ascii")
    assert [str(step) for step in s.steps[5:]] == [
        "f_bar = 1   (f.grad = 1)",
        "q_bar += f_bar * df/dq = 1 * (-4) = -4   (q.grad = -4)",
        "z_bar += f_bar * df/dz = 1 * 3 = 3   (z.grad = 3)",
        "x_bar += q_bar * dq/dx = (-4) * 1 = -4   (x.grad = -4)",
        "y_bar += q_bar * dq/dy = (-4) * 1 = -4   (y.grad = -4)",
    ]
    assert s.steps[8].why == "dq/dx = 1 because q = x + y"
    assert s.narration().isascii()


def test_the_notation_is_chosen_from_what_stdout_can_print(monkeypatch):
    import io

    d = parse("q = x + y; f = q * z", x=-2, y=5, z=-4)
    for encoding, form in (("ascii", "x_bar += "), ("cp1252", "x_bar += "), ("utf-8", "x̄ += ")):
        stream = io.TextIOWrapper(io.BytesIO(), encoding=encoding)
        monkeypatch.setattr("sys.stdout", stream)
        assert str(Stepper(d["f"]).steps[8]).startswith(form), encoding


def test_one_number_format_for_narration_table_and_drawing():
    b = 6.8813735870195432
    d = parse("n = x1*w1 + x2*w2 + b; o = tanh(n)", x1=2, x2=0, w1=-3, w2=1, b=b)
    s = Stepper(d["o"], number_format=".4f", notation="ascii")
    assert "b = 6.8814   (input)" in s.narration()
    assert "n = " in s.narration() and "0.8814" in s.narration()
    s.end()
    assert "data 6.8814" in s.draw().source and "data 6.8814" in s.frame_svg()
    assert " 6.8814 " in s.table() + " "
    default = Stepper(d["o"], notation="ascii")  # six significant digits, like draw's default
    assert "b = 6.88137   (input)" in default.narration()
    assert "data 6.88137" in draw(d["o"]).source
    with pytest.raises(ValueError, match="not both"):
        Stepper(d["o"], digits=3, number_format=".3g")
    with pytest.raises(ValueError, match="not a float format spec"):
        Stepper(d["o"], number_format="%d")
    with pytest.raises(ValueError, match="notation"):
        Stepper(d["o"], notation="latex")


def test_pictures_refuse_unknown_options_and_keep_one_layout_per_set_of_options():
    _, s = lecture()
    with pytest.raises(TypeError, match="unknown drawing options \\['colour'\\]"):
        s.frames(colour="grad")
    assert s.layout() is s.layout()
    assert s.layout(rankdir="TB") is not s.layout()
    assert s.frame(9).nodes["v0"].highlight and not s.frame(1).nodes["v2"].highlight
