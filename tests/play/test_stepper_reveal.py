"""Forward reveal and predict mode in the stepper's frames and narration.

A value shows its data only from the forward step that computes it; in
predict mode each step's number is first a question (``?``) and the
graph gives nothing of it away until it is revealed.
"""

from __future__ import annotations

import pytest

from autograd_lite import Value, parse, to_text
from autograd_lite.cli.step_screen import StepScreen
from autograd_lite.play.stepper import MARKS_LEGEND, Stepper


def lecture() -> Stepper:
    return Stepper(parse("q = x + y; f = q * z", x=-2, y=5, z=-4)["f"], notation="unicode")


def neuron() -> Stepper:
    values = parse("o = tanh(x1*w1 + x2*w2 + b)", x1=2, x2=0, w1=-3, w2=1, b=6.8813735870195432)
    return Stepper(values["o"], notation="unicode")


def data_field(frame, scene, node) -> str:
    return [f for f in frame.nodes[scene.id_of(node)].fields if f.startswith("data")][0]


def operand_edges(scene, node) -> list[str]:
    return [i for i, e in scene.edges.items() if e.kind == "operand" and e.child is node]


# --- forward reveal --------------------------------------------------------------------


@pytest.mark.parametrize("make", [lecture, neuron], ids=["lecture", "neuron"])
def test_a_value_shows_its_data_only_from_the_step_that_computes_it(make):
    s = make()
    frames, scene = s.frames(), s.scene()
    computed_at = {step.node: step.index for step in s.steps if step.kind == "forward"}
    for position, frame in enumerate(frames):
        for node, index in computed_at.items():
            shown = data_field(frame, scene, node)
            if position < index:
                assert shown == "data", (position, s.name(node))
                assert all(frame.edges[e].label == "" for e in operand_edges(scene, node))
            else:
                assert shown == f"data {s.number(node.data)}", (position, s.name(node))
                for e in operand_edges(scene, node):
                    edge = scene.edges[e]
                    assert frame.edges[e].label == s.number(node.local_grads[edge.slot])


def test_before_the_first_step_nothing_is_computed_and_after_the_forward_pass_everything_is():
    s = lecture()
    svg0, svg5 = s.frame_svg(0), s.frame_svg(5)
    assert "data −2" not in svg0 and "data −12" not in svg0 and svg0.count(">data<") == 5
    assert ">data<" not in svg5 and "data −12" in svg5
    assert s.position == 0  # pictures leave the stepper where it was


# --- predict mode: the questions -------------------------------------------------------


def test_each_step_of_the_lecture_asks_for_the_number_it_computes():
    s = lecture()
    asked = [(step.question, step.question_note) for step in s.steps]
    assert asked == [
        ("", ""),  # x = −2 is given: nothing to predict
        ("", ""),
        ("q = x + y = −2 + 5 = ?", ""),
        ("", ""),
        ("f = q * z = 3 * (−4) = ?", ""),
        ("f̄ = ?", "f.grad = ?"),
        ("q̄ += f̄ · ∂f/∂q = 1 · (−4) = ?", "q.grad = ?"),
        ("z̄ += f̄ · ∂f/∂z = 1 · 3 = ?", "z.grad = ?"),
        ("x̄ += q̄ · ∂q/∂x = (−4) · 1 = ?", "x.grad = ?"),
        ("ȳ += q̄ · ∂q/∂y = (−4) · 1 = ?", "y.grad = ?"),
    ]
    # the question is the equation with its answer left out, built from the same parts
    for step in s.steps:
        if step.asks:
            assert step.equation.startswith(step.question[:-1])
            assert step.equation.endswith(s.number(step.contribution if step.kind == "backward"
                                                   else step.grad_after or step.node.data))
    x, q, f = (s.node(n) for n in "xqf")
    assert [s.steps[k].answered for k in (0, 2, 5, 8)] == [None, (q, "data"), (f, "grad"),
                                                           (x, "grad")]  # fmt: skip


def test_a_second_contribution_asks_for_the_new_term_and_the_sum():
    a = Value(3.0, label="a")
    s = Stepper(a * a, notation="ascii")
    assert s.steps[-1].question == "a_bar += n1_bar * dn1/da = 1 * 3 = ?"
    assert s.steps[-1].question_note == "a.grad = 3 + ? = ?"
    assert s.steps[-1].note == "a.grad = 3 + 3 = 6"


# --- predict mode: the question frames --------------------------------------------------


@pytest.mark.parametrize("make", [lecture, neuron], ids=["lecture", "neuron"])
def test_a_question_frame_is_the_graph_before_the_step_with_its_marks_and_a_question(make):
    s = make()
    frames, questions, scene = s.frames(), s.question_frames(), s.scene()
    assert len(questions) == len(frames) == len(s) + 1 and questions[0] is None
    for k, step in enumerate(s.steps, start=1):
        question = questions[k]
        if not step.asks:
            assert question is None
            continue
        node, which = step.answered
        asked_id = scene.id_of(node)
        before, after = frames[k - 1], frames[k]
        for node_id, look in question.nodes.items():
            # the marks are the step's own...
            assert (look.highlight, look.target) == (
                after.nodes[node_id].highlight, after.nodes[node_id].target), (k, node_id)
            # ...the numbers are those from before it, except the one asked, which reads ?
            want = list(before.nodes[node_id].fields)
            if node_id == asked_id:
                slot = [i for i, f in enumerate(want) if f.startswith(which)][0]
                want[slot] = f"{which} ?"
            assert list(look.fields) == want, (k, node_id)
            assert look.asked == (which if node_id == asked_id else "")
        for edge_id, look in question.edges.items():
            assert look.label == before.edges[edge_id].label
            assert look.highlight == after.edges[edge_id].highlight


def test_the_question_of_a_tanh_does_not_give_its_answer_away_on_an_edge():
    x = Value(0.5, label="x")
    s = Stepper(x.tanh(), notation="ascii")
    question, answer = s.question_frame(2), s.frame(2)
    (edge,) = operand_edges(s.scene(), s.root)
    assert question.edges[edge].label == ""  # 1 - tanh(x)^2 would tell
    assert answer.edges[edge].label == s.number(s.root.local_grads[0])
    svg = s.layout().svg(question)
    assert 'class="node value hl asked"' in svg and "data ?" in svg
    assert s.number(s.root.data) not in svg


def test_question_frames_refuse_unknown_options():
    with pytest.raises(TypeError, match="unknown drawing options"):
        lecture().question_frames(colour="grad")


def test_a_question_about_a_field_that_is_not_there_is_refused():
    from autograd_lite.drawing.frame import frame_of

    s = lecture()
    with pytest.raises(ValueError, match="the field must be 'data' or 'grad', got 'value'"):
        frame_of(s.scene(), asked=[(s.node("x"), "value")])


# --- forward reveal in text: the tree, the table, the terminal stepper ------------------


def test_at_step_0_the_steppers_tree_shows_no_minus_12_and_after_the_forward_pass_it_does():
    s = lecture()
    assert "12" not in s.to_text() and "data −2" not in s.to_text()
    assert s.to_text().splitlines()[0] == "f = q * z   data ?   grad -"
    assert "∂f/∂q = ?" in s.to_text() and "−4" not in s.to_text()  # z's value, as ∂f/∂q
    s.jump(3)  # q = x + y computed; z and f not yet
    text = s.to_text()
    assert "> q = x + y   data 3   grad -      ∂f/∂q = ?" in text
    assert "x   input   data −2   grad -      ∂q/∂x = 1" in text and "z   input   data ?" in text
    assert "−12" not in text
    s.jump(5)
    assert s.to_text().splitlines()[0] == "> f = q * z   data −12   grad -"


def test_the_steppers_tree_ends_with_the_key_to_its_marks():
    s = lecture()
    s.jump(9)
    lines = s.to_text().splitlines()
    assert lines[-1] == MARKS_LEGEND
    assert all(mark in MARKS_LEGEND for mark in ("> this step", "* the grad", "? not computed"))
    assert MARKS_LEGEND not in s.to_text(legend=False)


def test_to_text_of_a_finished_graph_still_shows_everything():
    f = parse("q = x + y; f = q * z", x=-2, y=5, z=-4)["f"]
    f.backward()
    assert to_text(f, notation="ascii").splitlines() == [
        "f = q * z   data -12   grad 1",
        "|-- q = x + y   data 3   grad -4      df/dq = -4",
        "|   |-- x   input   data -2   grad -4      dq/dx = 1",
        "|   `-- y   input   data 5   grad -4      dq/dy = 1",
        "`-- z   input   data -4   grad 3      df/dz = 3",
    ]


def test_the_steppers_table_shows_a_value_only_from_the_step_that_computes_it():
    s = lecture()
    s.jump(2)
    assert [line.split()[-2:] for line in s.table().splitlines()[1:]] == [
        ["−2", "-"], ["5", "-"], ["?", "-"], ["?", "-"], ["?", "-"]]  # fmt: skip


def test_the_terminal_stepper_reveals_each_value_at_its_step_and_keys_its_marks():
    screen = StepScreen(lecture(), "f")
    shown = "\n".join(screen.frame(100, 30))
    assert "−12" not in shown and "f = q * z   data ?   grad -" in shown
    assert MARKS_LEGEND in shown
    screen.view = "table"
    assert "−12" not in "\n".join(screen.frame(100, 30))
    screen.stepper.jump(5)
    table = "\n".join(screen.frame(100, 30))
    assert "−12" in table and MARKS_LEGEND in table
