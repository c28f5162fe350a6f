"""A custom op's rule is held to its contract when it is defined, and its errors say what failed.

The contract: ``rule(m, x[, y])`` computes with its inputs as given (floats,
Values or arrays) and the functions of ``m``; it never reads the number out
of an input, which would make second derivatives silently wrong.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest

from autograd_lite import Value, compile_batched, custom_op, grad, parse


def test_a_rule_that_unwraps_its_input_is_refused_when_defined():
    with pytest.raises(TypeError) as caught:

        @custom_op("square_of_data")
        def square_of_data(m, x):
            xd = x.data if isinstance(x, Value) else x
            return xd * xd, 2 * xd

    message = str(caught.value)
    assert "'square_of_data'" in message and "x.data" in message
    assert "changes by 0 per unit of x" in message and "on floats it changes by 2" in message


def test_a_two_input_rule_that_unwraps_one_input_is_refused_naming_the_partial():
    with pytest.raises(TypeError, match=r"'scaled': .* dscaled/dx changes by 0 per unit of y"):

        @custom_op("scaled")
        def scaled(m, x, y):
            yd = y.data if isinstance(y, Value) else y
            return x * yd, yd, x


def test_a_rule_that_calls_float_on_its_input_is_refused_as_failing_on_values():
    with pytest.raises(TypeError, match=r"'floaty': its rule fails on Values .* never float"):

        @custom_op("floaty")
        def floaty(m, x):
            return float(x) * 2, 2.0


def test_rules_written_with_the_backend_pass_and_their_second_derivative_is_right():
    @custom_op("softsign")
    def softsign(m, x):
        d = 1 + m.abs(x)
        return x / d, 1 / (d * d)

    @custom_op("kinked", domain=lambda x: x > -5, needs="x > -5")
    def kinked(m, x):
        return m.relu(x) * x, 2 * m.relu(x)

    # softsign'' = -2 sign(x) / (1 + |x|)^3: at x = 0.5, -2 / 3.375
    assert grad(grad(lambda x: softsign(x)))(0.5) == pytest.approx(-2 / 3.375, rel=1e-12)
    assert grad(grad(lambda x: kinked(x)))(1.5) == 2.0


def test_the_rules_own_error_keeps_its_message_and_names_the_op_and_input():
    @custom_op("picky")
    def picky(m, x):
        if x > 3:  # a rule may refuse inputs itself (a comparison works on floats)
            raise ValueError("x must be at most 3")
        return x * 1.0, 1.0

    with pytest.raises(ValueError) as caught:
        picky(Value(4.0, label="x"))
    assert str(caught.value) == (
        "picky: its rule raised ValueError: x must be at most 3, for Value 'x' (data=4.0)"
    )

    @custom_op("divides")
    def divides(m, x):
        return 1.0 / (x - 2.0), -1.0 / ((x - 2.0) * (x - 2.0))

    with pytest.raises(ZeroDivisionError, match=r"^divides: its rule raised ZeroDivisionError"):
        divides(Value(2.0, label="x"))


def test_a_nan_from_a_rule_is_reported_as_nan_not_as_overflow():
    @custom_op("nan_maker")
    def nan_maker(m, x):
        return x * 0.0 * float("inf") + x, 1.0  # 0 * inf is nan on floats

    with pytest.raises(ValueError, match=r"^nan_maker: the result is nan \(not a number\) for "):
        nan_maker(Value(0.5, label="x"))


def test_a_domain_written_with_and_is_explained_in_compile_batched():
    @custom_op("unit_log", domain=lambda x: x > 0 and x < 10, needs="0 < x < 10")
    def unit_log(m, x):
        return m.log(x), 1 / x

    assert unit_log(Value(2.0)).data == pytest.approx(0.6931471805599453)  # scalars are fine
    graph = compile_batched(lambda x: unit_log(x), 2.0)
    with pytest.raises(TypeError, match=r"'and', 'or' or 'not'.*\(x > 0\) & \(x < 1\)"):
        graph(np.array([1.0, 2.0]), reduce="sum")


@pytest.mark.parametrize("name", ["ｅｘｐ", "ｔａｎｈ"])
def test_a_name_that_reads_as_a_builtin_is_refused(name):
    with pytest.raises(ValueError, match=r"\(read as '(exp|tanh)'\) is a built-in op"):
        custom_op(name)


@pytest.mark.parametrize("name", ["Value", "data", "grad", "backward", "label"])
def test_names_a_value_answers_to_are_refused(name):
    with pytest.raises(ValueError, match=rf"custom op name '{name}' is taken by"):
        custom_op(name)


def test_a_one_letter_op_does_not_take_that_name_away_from_parse():
    @custom_op("x")
    def x_op(m, x):
        return x * 2.0, 2.0

    d = parse("f = x * 3", x=2.0)
    assert d["f"].data == 6.0
    assert parse("f = x(y)", y=1.5)["f"].data == 3.0  # and it is still callable by name


def test_defining_ops_while_another_thread_parses_never_fails():
    errors: list[BaseException] = []
    stop = threading.Event()

    def parse_forever() -> None:
        try:
            while not stop.is_set():
                parse("f = tanh(x) * y", x=0.5, y=2.0)
        except BaseException as e:  # noqa: BLE001  # the test reports whatever it was
            errors.append(e)

    reader = threading.Thread(target=parse_forever)
    reader.start()
    try:
        for k in range(3000):
            custom_op(f"op{k}")(lambda m, x: (x * 1.0, 1.0))
    finally:
        stop.set()
        reader.join()
    assert errors == []
