"""The op records: every op agrees with itself on the float, Value and numpy backends,
and everything that names or checks an op reads it from the records."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autograd_lite import Value, compile_batched, parse
from autograd_lite.batched.numpy_math import NUMPY, NumpyMath
from autograd_lite.engine import ops
from autograd_lite.engine.float_math import BACKEND_FUNCTIONS, FLOAT, FloatMath
from autograd_lite.engine.value import VALUE, ValueMath

BUILTIN = {name: op for name, op in ops.REGISTRY.items() if op.builtin}
POWERS = [ops.power(n) for n in (0, 1, 2, 3, -1, -2, 0.5, 1.5, -0.5, 1 / 3)]
EVERY_OP = sorted(BUILTIN.values(), key=lambda op: op.name) + POWERS

# Moderate numbers: near 1e-300 the Value backend's derivative-of-a-derivative
# overflows (x**-1 has d/dx = -x**-2), which the float backend never computes.
finite = st.floats(-30.0, 30.0, allow_nan=False).filter(lambda x: x == 0 or abs(x) > 1e-6)


def inside_domain(op, xs) -> bool:
    return op.first_failure(*xs) is None


def close(a: float, b: float) -> bool:
    # numpy's tanh/exp/log may differ from libm's in the last bit, and a
    # derivative like 1 - tanh(x)**2 turns that bit into an absolute error of
    # about one unit in the last place of 1.0.
    return a == b or math.isclose(a, b, rel_tol=1e-12, abs_tol=4 * 2.0**-52)


@pytest.mark.parametrize("op", EVERY_OP, ids=lambda op: op.name)
@settings(max_examples=60, deadline=None)
@given(xs=st.lists(finite, min_size=2, max_size=2))
def test_every_op_gives_the_same_value_and_local_derivatives_on_all_three_backends(op, xs):
    xs = xs[: op.arity]
    assume(inside_domain(op, xs))
    try:
        on_floats = op.rule(FLOAT, *xs)
    except OverflowError:
        assume(False)
    assume(all(math.isfinite(v) for v in on_floats))
    try:
        on_values = op.rule(VALUE, *[Value(x) for x in xs])
    except (ArithmeticError, ValueError):
        # The Value backend also differentiates the derivative (x**1.5 -> 1.5 x**0.5),
        # which may be undefined where the derivative itself is finite (x = 0).
        assume(False)
    on_arrays = op.rule(NUMPY, *[np.array([x, x]) for x in xs])
    assert len(on_floats) == len(on_values) == len(on_arrays) == op.arity + 1
    for f, v, a in zip(on_floats, on_values, on_arrays):
        v = v.data if isinstance(v, Value) else v
        a = np.broadcast_to(a, (2,))
        assert close(f, v), (op.name, xs, f, v)
        assert close(f, float(a[0])) and close(f, float(a[1])), (op.name, xs, f, a)


@pytest.mark.parametrize("op", EVERY_OP, ids=lambda op: op.name)
def test_every_domain_check_answers_for_floats_and_for_arrays_alike(op):
    points = [-2.0, -0.0, 0.0, 0.5, 3.0, 800.0, math.inf, -math.inf, math.nan]
    grid = [(x,) for x in points] if op.arity == 1 else [(x, y) for x in points for y in points]
    for check in op.domain:
        columns = [np.array(c) for c in zip(*grid)]
        mask = np.broadcast_to(check.bad(*columns), len(grid))
        assert [bool(check.bad(*p)) for p in grid] == mask.tolist(), (op.name, check.need)


def test_the_value_methods_are_installed_from_the_one_input_records():
    for op in BUILTIN.values():
        if op.arity == 1 and op.method:
            method = getattr(Value, op.method)
            assert method(Value(0.3)).op == op.name
            assert method.__doc__ == op.doc != ""


def test_the_three_backends_offer_the_same_functions_and_value_math_is_the_records():
    for backend in (FloatMath, NumpyMath, ValueMath):
        assert all(hasattr(backend, f) for f in BACKEND_FUNCTIONS), backend
    for f in BACKEND_FUNCTIONS:
        if f != "sign":
            assert getattr(VALUE, f)(Value(0.4)).op == f


def test_expression_functions_and_nn_activations_come_from_the_records():
    from nn.activations import activation_names

    functions = {name for name, op in BUILTIN.items() if op.notation.startswith(name + "(")}
    assert functions == {
        "exp", "log", "sqrt", "tanh", "sigmoid", "relu", "softplus", "step", "sin", "cos", "abs",
        "logaddexp",
    }  # fmt: skip
    assert functions <= set(ops.functions())
    assert {"tanh", "sigmoid", "relu", "softplus", "step"} <= set(activation_names())
    assert "exp" not in activation_names()


@pytest.mark.parametrize(
    "op, operands, numbers, text",
    [
        (ops.ADD, ["-2", "5"], True, "-2 + 5"),
        (ops.MUL, ["3", "-4"], True, "3 * (-4)"),
        (ops.SUB, ["x", "y"], False, "x - y"),
        (ops.NEG, ["-2"], True, "-(-2)"),
        (ops.TANH, ["-1"], True, "tanh(-1)"),
        (ops.power(2), ["-2"], True, "(-2) ** 2"),
        (ops.POW, ["-2", "-1"], True, "(-2) ** (-1)"),
        (ops.DIV, ["a", "b"], False, "a / b"),
    ],
)
def test_each_record_writes_its_formula_with_minus_signs_unambiguous(op, operands, numbers, text):
    assert op.formula(operands, numbers=numbers) == text


def test_the_narration_uses_the_records_notation():
    from autograd_lite import Stepper

    f = parse("f = tanh(x) ** 2 - x / y", x=-1, y=2)["f"]
    lines = Stepper(f, notation="ascii").narration()
    assert "= tanh(x) = tanh(-1) =" in lines
    assert "** 2 = -0.761594 ** 2" not in lines and "(-0.761594) ** 2" in lines
    assert "= x / y = -1 / 2 = -0.5" in lines
    lines = Stepper(f, notation="unicode").narration()  # the typographic minus reads the same
    assert "= tanh(x) = tanh(\u22121) =" in lines
    assert "(\u22120.761594) ** 2" in lines and "= x / y = \u22121 / 2 = \u22120.5" in lines
    assert "because n1 = tanh(x)" in lines


def test_the_drawing_labels_each_op_node_with_the_records_name():
    from autograd_lite import draw

    x = Value(0.5, label="x")
    source = draw((x**2).sigmoid() / x).source
    for name in ("**2", "sigmoid", "/"):
        assert re.search(rf'\bo\d+ \[label="?{re.escape(name)}"?[ \]]', source), name


def test_batched_domain_checks_are_the_records_checks():
    # sqrt has two checks with their own words; the batch reports the one that failed.
    graph = compile_batched(lambda x: x.sqrt(), 1.0)
    negative, zero = ops.SQRT.domain
    for column, need in (([4.0, -1.0], negative.need), ([4.0, 0.0], zero.need)):
        with pytest.raises(ValueError) as info:
            graph(np.array(column), reduce="sum")
        assert need in str(info.value) and "sample 1" in str(info.value)


def test_a_numpy_float32_exponent_leaves_later_powers_in_python_floats():
    assert type((Value(2.0) ** np.float32(1.5)).data) is float
    later = Value(3.0) ** 1.5
    assert type(later.data) is float and type(later.local_grads[0]) is float
    assert later.data == 3.0**1.5
    assert type(parse("f = x ** 1.5", x=3)["f"].data) is float
