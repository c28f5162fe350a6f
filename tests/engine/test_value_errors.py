"""Bad input: a clear error that names the op, the operand and its value."""

import math

import pytest

from autograd_lite import Value


@pytest.mark.parametrize("bad", ["a", None, [1.0], 1j, {"x": 1}])
def test_value_of_a_non_number_is_a_type_error_naming_the_type(bad):
    with pytest.raises(TypeError, match=type(bad).__name__):
        Value(bad)


def test_value_of_a_value_suggests_detach():
    with pytest.raises(TypeError, match="detach"):
        Value(Value(1.0))


def test_ints_become_floats():
    v = Value(3)
    assert type(v.data) is float and v.data == 3.0


def test_non_string_label_is_a_type_error():
    with pytest.raises(TypeError, match="label"):
        Value(1.0, label=3)


@pytest.mark.parametrize("op", ["+", "-", "*", "/", "**"])
def test_arithmetic_with_a_string_names_the_type(op):
    with pytest.raises(TypeError, match="str"):
        eval(f"Value(1.0) {op} 'a'", {"Value": Value})
    with pytest.raises(TypeError, match="str"):
        eval(f"'a' {op} Value(1.0)", {"Value": Value})


@pytest.mark.parametrize(
    "make, error, words",
    [
        (lambda x: x.log(), ValueError, ["log", "'x'", "0.0"]),
        (lambda x: (x - 1).log(), ValueError, ["log", "-1.0"]),
        (lambda x: (x - 1).sqrt(), ValueError, ["sqrt", "-1.0", "complex"]),
        (lambda x: x.sqrt(), ValueError, ["sqrt", "'x'", "infinite"]),
        (lambda x: x**-1, ZeroDivisionError, ["**-1", "'x'", "0.0"]),
        (lambda x: 1 / x, ZeroDivisionError, ["/", "'x'", "divisor"]),
        (lambda x: (x - 8) ** (1 / 3), ValueError, ["complex", "-8.0"]),
        (lambda x: x**0.5, ValueError, ["infinite", "'x'"]),
        (lambda x: (x - 2) ** Value(0.5), ValueError, ["base > 0", "-2.0"]),
        (lambda x: (-2) ** (x + 1), ValueError, ["base > 0", "-2.0"]),
    ],
    ids=[
        "log0",
        "log-1",
        "sqrt-1",
        "sqrt0",
        "0**-1",
        "1/0",
        "(-8)**(1/3)",
        "0**0.5",
        "neg**Value",
        "neg_number**Value",
    ],
)
def test_domain_errors_name_op_label_and_value(make, error, words):
    x = Value(0.0, label="x")
    with pytest.raises(error) as info:
        make(x)
    message = str(info.value)
    for word in words:
        assert word in message, (word, message)
    assert "math domain error" not in message


def test_no_operation_ever_returns_a_complex_number():
    for base in (-8.0, -2.5, -1.0):
        for exponent in (1 / 3, 0.5, 2.5, -0.5):
            with pytest.raises(ValueError):
                Value(base) ** exponent


def test_exp_overflow_is_a_clear_overflow_error():
    with pytest.raises(OverflowError, match=r"exp.*'big'.*1000\.0"):
        Value(1000.0, label="big").exp()


def test_power_overflow_is_a_clear_overflow_error():
    with pytest.raises(OverflowError, match=r"\*\*400.*10\.0"):
        Value(10.0) ** 400


@pytest.mark.parametrize("x", [1000.0, -1000.0, 1e300, -1e300])
def test_tanh_sigmoid_softplus_are_finite_and_stable_at_extremes(x):
    for method in (Value.tanh, Value.sigmoid, Value.softplus):
        v = Value(x)
        out = method(v)
        out.backward()
        assert math.isfinite(out.data), (method, x)
        assert math.isfinite(v.grad), (method, x)
    assert Value(x).sigmoid().data == (1.0 if x > 0 else 0.0)
    assert Value(x).softplus().data == (x if x > 0 else 0.0)
    assert Value(x).tanh().data == math.copysign(1.0, x)


def test_sin_of_infinity_names_the_op():
    with pytest.raises(ValueError, match=r"sin.*inf"):
        Value(math.inf).sin()


def test_a_failed_op_leaves_its_operand_untouched():
    x = Value(0.0, label="x")
    with pytest.raises(ValueError):
        x.log()
    assert (x.data, x.grad, x.parents) == (0.0, 0.0, ())
