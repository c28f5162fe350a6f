"""Value's hot methods are compiled from their ops' rules (``rule_inlining.py``): they
must give exactly what calling the rule gives, and fall back to the call when a
rule cannot be copied."""

from __future__ import annotations

import linecache
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_lite import Value
from autograd_lite.engine import ops
from autograd_lite.engine.float_math import FLOAT
from autograd_lite.engine.rule_inlining import compile_method, rule_statements

UNARY = [op for op in ops.REGISTRY.values() if op.arity == 1 and op.method and op.builtin]
BINARY = [ops.ADD, ops.SUB, ops.MUL, ops.DIV]
finite = st.floats(-50, 50, allow_nan=False) | st.sampled_from([0.0, -0.0, 1e-300, -700.0])


def test_every_builtin_method_runs_its_rule_copied_not_called():
    for op in UNARY + BINARY:
        assert getattr(Value, op.method).inlined, op.name


@settings(max_examples=300, deadline=None)
@given(finite)
def test_each_one_input_method_gives_exactly_what_its_rule_gives(x):
    for op in UNARY:
        try:
            expected = op.rule(FLOAT, x)
            if op.domain and op.first_failure(x) is not None or not _finite(expected):
                raise ValueError  # outside the domain, or overflowed: refused
        except (ValueError, ArithmeticError):
            with pytest.raises((ValueError, ArithmeticError)):
                getattr(Value(x), op.method)()
            continue
        node = getattr(Value(x), op.method)()
        assert _same((node.data, *node.local_grads), expected), op.name


@settings(max_examples=300, deadline=None)
@given(finite, finite)
def test_each_two_input_method_gives_exactly_what_its_rule_gives(x, y):
    for op in BINARY:
        if op is ops.DIV and y == 0.0:
            with pytest.raises(ZeroDivisionError):
                getattr(Value(x), op.method)(Value(y))
            continue
        expected = op.rule(FLOAT, x, y)
        for other in (Value(y), y):  # a Value, and a number folded in
            if not _finite(expected):  # overflowed: refused
                with pytest.raises(ArithmeticError):
                    getattr(Value(x), op.method)(other)
                continue
            node = getattr(Value(x), op.method)(other)
            assert _same((node.data, *node.local_grads), expected), op.name


def _finite(numbers: tuple) -> bool:
    return all(math.isfinite(v) for v in numbers)


def _same(got: tuple, expected: tuple) -> bool:
    """Equal as floats are, -0.0 told from 0.0 and nan equal to nan."""
    return len(got) == len(expected) and all(
        (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))
        for a, b in zip(got, expected)
    )


def clash(m, node, other):
    """A rule whose local names are the template's own: they must not collide."""
    self = node * other
    x = self + 1.0
    return x, other, node


def test_a_rules_own_names_never_clash_with_the_methods():
    source, reads = rule_statements(clash, ("x", "y"), ("out", "da", "db"))
    assert "_r_self = x * y" in source and "_r_x = _r_self + 1.0" in source
    template = "def method(x, y):\n    RULE\n    return out, da, db\n"
    method = compile_method(template, clash, ("x", "y"), ("out", "da", "db"), {"m": FLOAT})
    assert method.inlined and method(2.0, 3.0) == (7.0, 3.0, 2.0)


def early_return(m, a):
    if a > 0:
        return a, 1.0
    return 0.0, 0.0


def test_a_rule_that_cannot_be_copied_is_called_instead():
    assert rule_statements(early_return, ("x",), ("out", "d")) is None
    assert rule_statements(lambda m, a: (a, 1.0), ("x",), ("out", "d")) is None
    template = "def method(x):\n    RULE\n    return out, d\n"
    method = compile_method(template, early_return, ("x",), ("out", "d"), {"m": FLOAT})
    assert not method.inlined and method(2.0) == (2.0, 1.0) and method(-1.0) == (0.0, 0.0)


def test_a_rule_reads_its_modules_names():
    source, reads = rule_statements(ops.SQRT.rule, ("x",), ("out", "d"))
    assert "m.sqrt(x)" in source and reads == {}
    method = Value(4.0).sqrt()
    assert (method.data, method.local_grads) == (2.0, (0.25,))


def test_a_copy_that_disagrees_with_the_rule_is_not_used():
    # What runs adds; the source that can be read says it multiplies, as when a
    # file changed between importing it and reading it. The method must call the rule.
    running = "def rule(m, a, b):\n    return a + b, 1.0, 1.0\n"
    readable = "def rule(m, a, b):\n    return a * b, b, a\n"
    name = "<a rule edited since it was imported>"
    scope: dict = {}
    exec(compile(running, name, "exec"), scope)
    linecache.cache[name] = (len(readable), None, readable.splitlines(True), name)
    try:
        assert rule_statements(scope["rule"], ("x", "y"), ("out", "da", "db"))[0].startswith(
            "out, da, db = (x * y"
        )
        template = "def method(x, y):\n    RULE\n    return out, da, db\n"
        method = compile_method(template, scope["rule"], ("x", "y"), ("out", "da", "db"),
                                {"m": FLOAT})  # fmt: skip
    finally:
        del linecache.cache[name]
    assert not method.inlined and method(2.0, 3.0) == (5.0, 1.0, 1.0)
