"""to_text: the graph as an indented tree for a plain REPL."""

from __future__ import annotations

from autograd_lite import Value, to_text
from autograd_lite.play.stepper import Stepper


def test_the_lecture_tree_has_every_node_its_data_grad_and_local_derivative(lecture_graph):
    f = lecture_graph().f
    f.backward()
    lines = to_text(f).splitlines()
    assert lines[0] == "f = q * z   data -12   grad 1"
    assert lines[1] == "├── q = x + y   data 3   grad -4      ∂f/∂q = -4"
    assert lines[2] == "│   ├── x   input   data -2   grad -4      ∂q/∂x = 1"
    assert lines[4] == "└── z   input   data -4   grad 3      ∂f/∂z = 3"
    assert len(lines) == 5


def test_a_node_used_twice_is_drawn_once_and_referred_to_after():
    x = Value(2.0, label="x")
    s = x * x
    s.label = "s"
    f = s + s.tanh()
    f.label = "f"
    text = to_text(f)
    assert text.count("s = x * x") == 1 and "s (see above)" in text
    assert text.count("x   input") == 1 and "x (see above)      ∂s/∂x = 2" in text


def test_grads_not_computed_show_a_dash_and_unlabelled_nodes_get_the_steppers_names():
    a = Value(3.0, label="a")
    out = (a * 2.0).exp()
    text = to_text(out)
    assert "n2 = exp(n1)   data 403.429   grad -" in text
    assert "c1   constant   data 2   grad -" in text


def test_the_stepper_marks_the_current_node_and_the_one_it_just_wrote(lecture_graph):
    s = Stepper(lecture_graph().f)
    s.jump(9)  # x_bar += q_bar * dq/dx
    text = s.to_text()
    assert "├── > q = x + y   data 3   grad −4" in text  # the narration's minus sign
    assert "│   ├── * x   input   data −2   grad −4" in text
    assert "y   input   data 5   grad -" in text  # not reached yet


def test_ascii_only_uses_plain_characters(lecture_graph):
    f = lecture_graph().f
    f.backward()
    text = to_text(f, notation="ascii")
    assert text.isascii()
    assert "|-- q = x + y   data 3   grad -4      df/dq = -4" in text


def test_a_chain_deeper_than_the_indent_limit_writes_its_depth_and_never_recurses():
    x = Value(0.5, label="x")
    v = x
    for _ in range(5000):
        v = v * 1.0
    lines = to_text(v, max_nodes=None).splitlines()  # 15,001 nodes: past draw's limit
    assert len(lines) == 1 + 2 * 5000  # each * node, and its constant 1
    (x_line,) = [line for line in lines if "x   input" in line]
    assert x_line.lstrip(" │├└─").startswith("[depth 5000] x   input")
    assert max(len(line) for line in lines) < 200


def test_to_text_refuses_what_is_not_a_value():
    try:
        to_text(3.0)
    except TypeError as e:
        assert "to_text() takes a Value, got float" in str(e)
    else:
        raise AssertionError("no TypeError")
