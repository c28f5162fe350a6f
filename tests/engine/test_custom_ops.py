"""custom_op: one rule, and the op works in every place a built-in op does.

The reference for softsign(x) = x / (1 + |x|) is its closed form:
d/dx = 1 / (1 + |x|)**2, d2/dx2 = -2 sign(x) / (1 + |x|)**3.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from autograd_lite import (
    GradcheckError,
    Stepper,
    Value,
    compile_batched,
    custom_op,
    draw,
    grad,
    gradcheck,
    hessian,
    parse,
    to_svg,
)
from autograd_lite.engine import ops

# The ops are defined inside the tests (through these fixtures): conftest puts
# the registry back after each test, so no other test file sees them.


def softsign_rule(m, x):
    d = 1 + m.abs(x)
    return x / d, 1 / (d * d)


@pytest.fixture
def softsign():
    return custom_op("softsign")(softsign_rule)


def softsign_closed(x: float) -> tuple[float, float, float]:
    d = 1 + abs(x)
    return x / d, 1 / d**2, -2 * math.copysign(1.0, x) / d**3


@pytest.fixture
def lecture_sigmoid():
    @custom_op("lecture_sigmoid")
    def lecture_sigmoid(m, z):
        """The lectures' sigmoid, 1 / (1 + e^-z), with its derivative s (1 - s)."""
        s = 1 / (1 + m.exp(-z))
        return s, s * (1 - s)

    return lecture_sigmoid


@pytest.fixture
def hypot():
    @custom_op("hypot")
    def hypot(m, x, y):
        r = m.sqrt(x * x + y * y)
        return r, x / r, y / r

    return hypot


# --- on Values ---------------------------------------------------------------------


@pytest.mark.parametrize("x", [-3.0, -0.5, 0.25, 2.0])
def test_softsign_on_a_value_gives_the_closed_form_value_and_derivative(x, softsign):
    y = softsign(Value(x, label="x"))
    value, slope, _ = softsign_closed(x)
    assert isinstance(y, Value) and y.op == "softsign"
    assert y.data == pytest.approx(value, rel=1e-15)
    y.backward()
    assert y.parents[0].grad == pytest.approx(slope, rel=1e-15)


def test_the_lecture_sigmoid_written_by_hand_equals_the_built_in_sigmoid(lecture_sigmoid):
    for z in (-4.0, -0.3, 0.0, 1.7):
        mine, builtin = lecture_sigmoid(Value(z)), Value(z).sigmoid()
        assert mine.data == pytest.approx(builtin.data, rel=1e-14)
        assert mine.local_grads[0] == pytest.approx(builtin.local_grads[0], rel=1e-14)


def test_a_two_input_custom_op_has_two_edges_and_both_derivatives(hypot):
    x, y = Value(3.0, label="x"), Value(4.0, label="y")
    r = hypot(x, y)
    assert r.data == 5.0 and r.parents == (x, y)
    r.backward()
    assert (x.grad, y.grad) == (0.6, 0.8)


def test_numbers_are_accepted_and_other_types_refused_naming_the_op(softsign, hypot):
    assert softsign(1.0).data == 0.5
    with pytest.raises(TypeError, match=r"softsign\(\): input 0 is str"):
        softsign("1")
    with pytest.raises(TypeError, match=r"hypot\(\) takes two inputs, got 1"):
        hypot(Value(1.0))


# --- every view --------------------------------------------------------------------


def test_parse_calls_a_custom_op_by_its_name(softsign, hypot):
    d = parse("q = softsign(x) * hypot(x, y)", x=3, y=4)
    assert d["q"].data == pytest.approx(0.75 * 5.0)
    assert {p.op for p in d["q"].parents} == {"softsign", "hypot"}


def test_draw_and_to_svg_show_its_name_and_its_local_derivative_on_the_edge(softsign):
    x = Value(1.0, label="x")
    y = softsign(x)
    y.backward()
    source = draw(y).source
    assert re.search(r'\bo1 \[label="?softsign"?[ \]]', source)
    assert re.search(r'v0 -> o1 \[label="?0.25"?[ \]]', source)  # d/dx at 1 = 1/(1+1)**2
    texts = [t.text for t in ET.fromstring(to_svg(y)).iter("{http://www.w3.org/2000/svg}text")]
    assert "softsign" in texts and "0.25" in texts


def test_the_stepper_narrates_it_with_its_name(softsign):
    d = parse("f = softsign(x)", x=1)
    s = Stepper(d["f"], notation="unicode")
    text = s.narration()
    assert "f = softsign(x) = softsign(1) = 0.5" in text
    assert "x̄ += f̄ · ∂f/∂x = 1 · 0.25 = 0.25" in text
    assert "∂f/∂x = 0.25 because f = softsign(x)" in text
    assert s.steps[-1].operation is ops.named("softsign")


@pytest.mark.parametrize("x", [-2.0, 0.7])
def test_second_derivatives_through_create_graph_grad_of_grad_and_hessian(x, softsign, hypot):
    _, slope, curvature = softsign_closed(x)
    v = Value(x)
    y = softsign(v)
    y.backward(create_graph=True)
    assert isinstance(v.grad, Value) and v.grad.data == pytest.approx(slope)
    v.grad.backward()
    assert grad(grad(softsign))(x) == pytest.approx(curvature, rel=1e-12)
    h = hessian(lambda a, b: hypot(a, b))(3.0, 4.0)
    # hypot's Hessian at (3, 4) is [[y^2, -xy], [-xy, x^2]] / r^3
    np.testing.assert_allclose(h, [[16 / 125, -12 / 125], [-12 / 125, 9 / 125]], rtol=1e-14)


def test_compile_batched_runs_the_rule_on_arrays_and_matches_the_scalar_engine(softsign):
    xs = np.array([-3.0, -0.5, 0.0, 0.25, 2.0])
    graph = compile_batched(lambda x: softsign(x) * 2.0, 1.0)
    r = graph(xs, reduce="sum")
    closed = [softsign_closed(x) for x in xs]
    np.testing.assert_allclose(r.values, [2 * c[0] for c in closed], rtol=1e-15)
    np.testing.assert_allclose(r.input_grads[0], [2 * c[1] for c in closed], rtol=1e-15)
    assert "softsign" in str(graph.program)


def test_gradcheck_verifies_it_and_catches_a_wrong_derivative(softsign, hypot):
    assert gradcheck(lambda x, y: softsign(x) * hypot(x, y), 0.3, -1.2)

    @custom_op("wrong_softsign")
    def wrong_softsign(m, x):
        d = 1 + m.abs(x)
        return x / d, 1 / d  # should be 1 / d**2

    with pytest.raises(GradcheckError, match="disagree"):
        gradcheck(lambda x: wrong_softsign(x), 0.5)


# --- domain ------------------------------------------------------------------------


def test_a_domain_check_names_the_op_the_label_and_the_value_in_every_view():
    @custom_op("safe_log", domain=lambda x: x > 0, needs="x > 0")
    def safe_log(m, x):
        return m.log(x), 1 / x

    with pytest.raises(ValueError, match=r"safe_log: needs x > 0, but got Value 'p' \(data=0.0\)"):
        safe_log(Value(0.0, label="p"))
    graph = compile_batched(lambda x: safe_log(x), 1.0)
    with pytest.raises(ValueError, match=r"safe_log: needs x > 0.*in sample 2"):
        graph(np.array([1.0, 2.0, -1.0]), reduce="sum")
    with pytest.raises(Exception, match="safe_log: needs x > 0"):
        parse("f = safe_log(x - 1)", x=1)


def test_a_two_input_domain_names_both_inputs():
    @custom_op("ratio", domain=lambda a, b: b != 0, needs="b != 0")
    def ratio(m, a, b):
        return a / b, 1 / b, -a / (b * b)

    with pytest.raises(ValueError, match=r"ratio: needs b != 0.*Value 'a'.*and Value 'b'"):
        ratio(Value(1.0, label="a"), Value(0.0, label="b"))


# --- the registry ------------------------------------------------------------------


def test_defining_a_name_again_replaces_it_and_old_nodes_keep_their_rule():
    @custom_op("twice")
    def twice(m, x):
        return 2 * x, 2.0

    old = twice(Value(1.0))

    @custom_op("twice")
    def twice_again(m, x):
        return x + x, 2.0

    assert ops.named("twice") is twice_again.record
    assert old.operation is twice.record and parse("f = twice(x)", x=3)["f"].data == 6.0


@pytest.mark.parametrize(
    "name, error, words",
    [
        ("tanh", ValueError, "is a built-in op"),
        ("exp", ValueError, "is a built-in op"),
        ("soft sign", ValueError, "not an identifier"),
        ("lambda", ValueError, "not an identifier"),
        ("", ValueError, "not an identifier"),
        (3, TypeError, "as a str"),
    ],
)
def test_a_name_that_shadows_a_built_in_or_is_not_an_identifier_is_refused(name, error, words):
    with pytest.raises(error, match=words):
        custom_op(name)


def test_a_rule_with_the_wrong_number_of_derivatives_is_refused_when_defined():
    with pytest.raises(TypeError, match=r"custom op 'bad': its rule must return \(output, d/dx\)"):

        @custom_op("bad")
        def bad(m, x):
            return x, 1.0, 2.0


def test_a_rule_returning_a_non_number_is_refused_when_defined():
    with pytest.raises(TypeError, match=r"custom op 'bad2'.*'one'.*derivative d/dx"):

        @custom_op("bad2")
        def bad2(m, x):
            return x, "one"


def test_a_rule_calling_a_function_the_backend_lacks_is_refused_naming_it():
    with pytest.raises(TypeError, match=r"custom op 'bad3'.*'cosh'.*m offers m\.exp"):

        @custom_op("bad3")
        def bad3(m, x):
            return m.cosh(x), m.sinh(x)


def test_a_rule_with_the_wrong_signature_is_refused():
    with pytest.raises(TypeError, match=r"rule\(m, x\) or rule\(m, x, y\)"):

        @custom_op("three")
        def three(m, x, y, z):
            return x, 1.0, 1.0, 1.0


def test_a_malformed_rule_the_definition_cannot_probe_fails_at_first_use():
    # Its domain excludes every point tried at definition, so the check waits.
    @custom_op("far_out", domain=lambda x: x > 100, needs="x > 100")
    def far_out(m, x):
        return x, 1.0, 0.0

    with pytest.raises(TypeError, match=r"custom op 'far_out'.*returned 3 values"):
        far_out(Value(200.0))


def test_a_rule_that_branches_in_python_is_refused_clearly_when_batched():
    @custom_op("branchy")
    def branchy(m, x):
        return (x, 1.0) if x > 0 else (0.0 * x, 0.0)

    graph = compile_batched(lambda x: branchy(x), 1.0)
    with pytest.raises(TypeError, match=r"custom op 'branchy'.*numpy arrays.*m\.step"):
        graph(np.array([1.0, -1.0]), reduce="sum")


def test_a_custom_one_input_op_is_an_nn_activation_by_its_name(softsign):
    from nn import Neuron

    n = Neuron(2, activation="softsign", seed=0)
    out = n([Value(1.0), Value(2.0)])
    assert out.op == "softsign"
