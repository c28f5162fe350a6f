"""parse(): the expression language, its whitelist and its error messages."""

from __future__ import annotations

import ast
import builtins
import math
import sys
from pathlib import Path

import pytest

from autograd_lite import Value
from autograd_lite.engine import ops
from autograd_lite.engine.value import apply
from autograd_lite.expression import (
    MAX_DEPTH,
    MAX_LENGTH,
    ExpressionError,
    output_of,
    parse,
)

# --- the lecture's examples --------------------------------------------------


def test_q_equals_x_plus_y_f_equals_q_times_z_labels_and_numbers():
    d = parse("q = x + y; f = q * z", x=-2, y=5, z=-4)
    assert list(d) == ["x", "y", "z", "q", "f"]
    assert [v.label for v in d.values()] == ["x", "y", "z", "q", "f"]
    assert d["q"].data == 3.0 and d["f"].data == -12.0
    assert d["q"].op == "+" and d["f"].op == "*"
    assert d["f"].parents == (d["q"], d["z"])
    assert d["q"].parents == (d["x"], d["y"])
    f = output_of(d)
    assert f is d["f"] is list(d.values())[-1]
    f.backward()
    assert (d["x"].grad, d["y"].grad, d["z"].grad, d["q"].grad) == (-4.0, -4.0, 3.0, -4.0)


def test_newlines_separate_assignments_like_semicolons():
    a = parse("q = x + y\nf = q * z\n", x=-2, y=5, z=-4)
    b = parse("q = x + y; f = q * z", x=-2, y=5, z=-4)
    assert [(k, v.data) for k, v in a.items()] == [(k, v.data) for k, v in b.items()]


def test_a_bare_last_expression_is_the_output_named_f():
    d = parse("(x + y) * z", x=-2, y=5, z=-4)
    assert list(d) == ["x", "y", "z", "f"]
    assert d["f"].data == -12.0 and d["f"].label == "f"


def test_a_bare_last_expression_is_named_out_when_f_is_taken():
    d = parse("f = x * 2; f + 1", x=3)
    assert list(d) == ["x", "f", "out"]
    assert d["out"].data == 7.0


def test_fan_out_y_plus_exp_xy_matches_closed_form():
    x0, y0 = 0.5, -1.5
    d = parse("f = y + exp(x * y)", x=x0, y=y0)
    output_of(d).backward()
    e = math.exp(x0 * y0)
    assert d["f"].data == pytest.approx(y0 + e)
    assert d["x"].grad == pytest.approx(y0 * e)  # d/dx: y e^{xy}
    assert d["y"].grad == pytest.approx(1 + x0 * e)  # d/dy: 1 + x e^{xy}


def test_a_node_used_twice_gets_both_contributions():
    d = parse("f = a * a", a=3)
    f = d["f"]
    assert f.parents == (d["a"], d["a"])
    f.backward()
    assert d["a"].grad == 6.0


def test_value_inputs_are_used_as_given_and_labelled_with_their_name():
    w = Value(2.0)
    d = parse("f = w * 3", w=w)
    assert d["w"] is w and w.label == "w"
    assert d["f"].parents[0] is w


@pytest.mark.parametrize("name", sorted(ops.functions()))
def test_each_function_builds_the_engines_node(name):
    x0, y0 = 0.7, -0.2
    op = ops.functions()[name]
    if op.arity == 2:  # logaddexp(x, y): no Value method, the op applied to both
        d = parse(f"f = {name}(x, y)", x=x0, y=y0)
        direct = apply(op, Value(x0), Value(y0))
        assert d["f"].parents == (d["x"], d["y"])
    else:
        d = parse(f"f = {name}(x)", x=x0)
        direct = abs(Value(x0)) if name == "abs" else getattr(Value(x0), name)()
        assert d["f"].parents == (d["x"],)
    assert d["f"].op == direct.op
    assert d["f"].data == direct.data
    assert d["f"].local_grads == direct.local_grads


def test_numbers_only_parts_fold_to_constants_and_powers_keep_a_number_exponent():
    d = parse("a = 2 * 3; b = x ** -1; c = x ** (1 / 2); g = -x; h = +x * 1", x=4)
    assert d["a"].data == 6.0 and d["a"].op == "" and d["a"].label == "a"
    assert d["b"].op == "**-1" and d["b"].data == 0.25
    assert d["c"].op == "**0.5" and d["c"].data == 2.0
    assert d["g"].op == "neg" and d["g"].data == -4.0
    assert d["h"].parents[0] is d["x"]


def test_a_value_exponent_uses_the_engines_pow():
    d = parse("f = x ** y", x=2, y=3)
    assert d["f"].op == "**" and d["f"].data == 8.0
    d["f"].backward()
    assert d["x"].grad == pytest.approx(12.0)  # y x^(y-1)
    assert d["y"].grad == pytest.approx(8.0 * math.log(2.0))  # x^y ln x


def test_later_lines_can_use_earlier_names():
    d = parse("a = x * 2\nb = a + 1\nc = a * b", x=1.5)
    assert d["c"].data == 3.0 * 4.0
    assert d["c"].parents == (d["a"], d["b"])


# --- errors: position and caret ------------------------------------------------


def caret_under(error: ExpressionError) -> str:
    """The text above the carets in the message."""
    lines = str(error).splitlines()
    shown, carets = lines[-2], lines[-1]
    start = carets.index("^")
    return shown[start : start + carets.count("^")]


def test_dunder_import_is_rejected_with_a_caret_under_its_name():
    with pytest.raises(ExpressionError) as info:
        parse('__import__("os")')
    e = info.value
    assert (e.line, e.column) == (1, 1)
    assert str(e).splitlines()[0].startswith("line 1, column 1: '__import__' is not a function")
    assert str(e).splitlines()[-2].strip() == '__import__("os")'
    assert caret_under(e) == "__import__"


@pytest.mark.parametrize(
    "source, underlined, words",
    [
        ("f = x.__class__", "x.__class__", "attribute"),
        ("f = x[0]", "x[0]", "indexing"),
        ("f = (lambda: x)", "lambda: x", "lambda"),
        ("import os", "import os", "import"),
        ("from os import system", "from os import system", "import"),
        ("f = [x for x in y]", "[x for x in y]", "comprehension"),
        ("f = {x: 1}", "{x: 1}", "dict"),
        ("f = open('/etc/passwd')", "open", "not a function"),
        ("f = eval('1')", "eval", "not a function"),
        ("f = x.exp()", "x.exp", "only the functions"),
        ("f = x // y", "x // y", "'//'"),
        ("f = x % y", "x % y", "'%'"),
        ("f = x < y", "x < y", "comparison"),
        ("f = 'text'", "'text'", "string"),
        ("f = w * 2", "w", "unknown name 'w'"),
        ("x = 3", "x", "is an input"),
        ("q = x; q = y * 2", "x", "second name"),
        ("q = x * 2; q = y * 2", "q", "already defined"),
        ("f = exp(x, y)", "exp(x, y)", "one argument"),
        ("f = exp", "exp", "is a function"),
        ("exp = x * 2", "exp", "name of a function"),
        ("x * 2; f = y", "x * 2", "only the last line"),
        ("f = x if y else 1", "x if y else 1", "if"),
        ("def g(): pass", "def g(): pass", "function definition"),
        ("f = x; del x", "x", "second name"),
        ("q += x", "q += x", "augmented"),
        ("f = f'{x}'", "f'{x}'", "f-string"),
        ("f = (y := x)", "y := x", "':='"),
    ],
)
def test_outside_the_language_is_an_expression_error_pointing_at_it(source, underlined, words):
    with pytest.raises(ExpressionError) as info:
        parse(source, x=1, y=2)
    assert words in info.value.reason
    assert caret_under(info.value) == underlined


def test_engine_errors_point_at_the_failing_sub_expression_and_keep_the_message():
    with pytest.raises(ExpressionError) as info:
        parse("q = x * 2\nf = q + log(y - 5)", x=1, y=5)
    e = info.value
    assert e.line == 2 and e.column == 9
    assert caret_under(e) == "log(y - 5)"
    assert e.reason.startswith("log: ")  # the engine's own message


@pytest.mark.parametrize(
    "source, underlined, words",
    [
        ("f = x / (y - 2)", "x / (y - 2)", "/"),
        ("f = sqrt(-x)", "sqrt(-x)", "sqrt"),
        ("f = exp(x * 1000)", "exp(x * 1000)", "exp"),
        ("f = 1 / 0", "1 / 0", "division by zero"),
        ("f = (-8) ** (1 / 3)", "(-8) ** (1 / 3)", "not a real number"),
        ("f = 10 ** 400", "10 ** 400", "too large"),
        ("f = 1e999 * x", "1e999", "too large"),
    ],
)
def test_domain_and_overflow_errors_are_expression_errors(source, underlined, words):
    with pytest.raises(ExpressionError) as info:
        parse(source, x=1, y=2)
    assert words in info.value.reason
    assert caret_under(info.value) == underlined


def test_syntax_errors_have_a_position():
    with pytest.raises(ExpressionError) as info:
        parse("q = x +\nf = q")
    assert info.value.line == 1 and "syntax error" in info.value.reason
    assert str(info.value).splitlines()[-1].strip() == "^"


def test_columns_count_characters_not_bytes():
    with pytest.raises(ExpressionError) as info:
        parse("é = x + foo(x)", x=1)
    assert info.value.column == 9
    assert caret_under(info.value) == "foo"


def test_over_long_input_is_rejected_at_the_limit():
    with pytest.raises(ExpressionError) as info:
        parse("f = " + "x + " * MAX_LENGTH + "x", x=1)
    assert info.value.column == MAX_LENGTH + 1
    assert "limit" in info.value.reason and "^" in str(info.value)


@pytest.mark.parametrize(
    "source",
    [
        "f = " + "-" * (MAX_DEPTH + 5) + "x",
        "f = " + "exp(" * 60 + "x" + ")" * 60,
        "f = " + "(" * 300 + "x" + ")" * 300,
        "f = " + "-" * (MAX_LENGTH - 10) + "x",
        "f = " + "+".join(["(x"] * (MAX_DEPTH + 5)) + ")" * (MAX_DEPTH + 5),
        "f = " + "x*(" * (MAX_DEPTH + 5) + "x" + ")" * (MAX_DEPTH + 5),
    ],
)
def test_over_deep_input_is_rejected(source):
    with pytest.raises(ExpressionError) as info:
        parse(source, x=0.5)
    assert info.value.line == 1 and "^" in str(info.value)


@pytest.mark.parametrize("terms", [MAX_DEPTH + 1, MAX_DEPTH + 5, 999])
def test_a_long_flat_sum_is_not_deep_nesting(terms):
    # x + x + ... + x reads flat (the parser nests it to the left): n x, slope n.
    out = output_of(parse("+".join(["x"] * terms), x=0.5))
    out.backward()
    assert out.data == 0.5 * terms
    assert out.parents[0].parents[0].op == "+"  # still one node per +


def test_a_long_mixed_chain_keeps_the_order_of_operations():
    # 2 - x * 3 + x / 4 - ... evaluated as Python would, 60 times over (about 1,700 characters)
    source = " + ".join(["2 - x * 3 + x / 4 - x ** 2"] * 60)
    x = 0.7
    assert output_of(parse(source, x=x)).data == pytest.approx(60 * (2 - x * 3 + x / 4 - x**2))


def test_empty_input_is_an_expression_error():
    with pytest.raises(ExpressionError, match="nothing to compute"):
        parse("  # only a comment\n", x=1)


def test_bad_inputs():
    with pytest.raises(TypeError, match="'x' must be a number"):
        parse("f = x * 2", x="3")
    with pytest.raises(ExpressionError, match="name of a function"):
        parse("f = exp(x)", exp=1, x=2)
    with pytest.raises(ExpressionError, match="not a valid name"):
        parse("f = 1", **{"a b": 1})
    with pytest.raises(TypeError, match="str"):
        parse(b"f = 1")  # type: ignore[arg-type]
    v = Value(1.0)
    with pytest.raises(ExpressionError, match="same Value"):
        parse("f = x * y", x=v, y=v)


def test_expression_error_is_a_value_error():
    assert issubclass(ExpressionError, ValueError)


# --- nothing is ever executed ----------------------------------------------------


def test_the_parser_never_names_eval_exec_or_compile():
    tree = ast.parse(Path(sys.modules[parse.__module__].__file__).read_text())
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    names |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    assert not names & {"eval", "exec", "compile", "__import__", "getattr", "globals"}


DANGEROUS = [
    "open(path, 'w')",
    "__import__('os').system('touch ' + path)",
    "f = open(path, 'w').write('x')",
    "[c for c in ().__class__.__base__.__subclasses__()]",
    "exec(\"open(path, 'w')\")",
    "eval(\"open(path, 'w')\")",
    "(lambda: open(path, 'w'))()",
    "f = x; open(path, 'w')",
    "import os; os.system('touch ' + path)",
]


@pytest.mark.parametrize("source", DANGEROUS)
def test_dangerous_text_is_rejected_and_never_run(source, tmp_path, monkeypatch):
    canary = tmp_path / "canary"
    source = source.replace("path", repr(str(canary)))
    compiled = []
    real_compile = builtins.compile

    def spy_compile(src, filename, mode, flags=0, *args, **kwargs):
        compiled.append(flags)
        return real_compile(src, filename, mode, flags, *args, **kwargs)

    monkeypatch.setattr(builtins, "compile", spy_compile)
    with pytest.raises(ExpressionError) as info:
        parse(source, x=1)
    assert "^" in str(info.value)
    assert not canary.exists()
    # the compiler is only ever asked for a syntax tree, never for code
    assert compiled and all(flags & ast.PyCF_ONLY_AST for flags in compiled)


# --- lines as Python counts them -------------------------------------------------------


@pytest.mark.parametrize(
    "source, line, column, text",
    [
        ("f = x\f + q", 1, 10, "q"),  # a form feed is blank space inside a line
        ("a = 1\f\nf = a + q", 2, 9, "q"),
        ("a = x\fb = y\nf = a", 1, 7, "b"),
        ("a = x + 1\v + q", 1, 10, "\v"),  # Python refuses \v, \x1c, \x85, \u2028 ...
        ("a = 1\nf = a \u2028 + q", 2, 7, "\u2028"),
        ("a = 1\x1c + q", 1, 6, "\x1c"),
        ("a = 1\rf = a + q", 2, 9, "q"),  # ... but \r alone ends a line
        ("a = 1\u2029f = a + q", 1, 6, "\u2029"),
    ],
)
def test_error_positions_count_lines_as_python_does(source, line, column, text):
    with pytest.raises(ExpressionError) as info:
        parse(source, x=1, y=2)
    e = info.value
    assert (e.line, e.column) == (line, column)
    expected_line = source.replace("\r", "\n").split("\n")[line - 1]
    assert e.source_line == expected_line
    assert e.source_line[e.column - 1 : e.end_column - 1] == text


@pytest.mark.parametrize(
    "source, shown_line, underlined",
    [
        ("f = x\f + q", "f = x\\x0c + q", "q"),
        ("a = 1\nf = a \u2028 + q", "f = a \\u2028 + q", "\\u2028"),
        ("a = x + 1\v + q", "a = x + 1\\x0b + q", "\\x0b"),
    ],
)
def test_the_excerpt_shows_invisible_characters_escaped_with_carets_under_them(
    source, shown_line, underlined
):
    with pytest.raises(ExpressionError) as info:
        parse(source, x=1)
    shown, _ = str(info.value).splitlines()[-2:]
    assert shown.strip() == shown_line
    assert caret_under(info.value) == underlined


def test_the_length_limit_points_past_the_limit_on_lines_python_counts():
    source = "a = 1\r" + "f = " + "x + " * MAX_LENGTH + "x"
    with pytest.raises(ExpressionError) as info:
        parse(source, x=1)
    assert (info.value.line, info.value.column) == (2, MAX_LENGTH - len("a = 1\r") + 1)


# --- names as Python reads them ---------------------------------------------------------


def test_a_binding_name_is_normalised_as_python_normalises_identifiers():
    # Python reads the identifier 𝑥 (MATHEMATICAL ITALIC SMALL X) as x (NFKC).
    d = parse("f = \U0001d465 * 2", **{"\U0001d465": 3})
    assert list(d) == ["x", "f"] and d["f"].data == 6.0 and d["x"].label == "x"
    assert parse("f = x * 2", **{"\U0001d465": 3})["f"].data == 6.0
    assert parse("\U0001d465 = 1; f = x + 1")["f"].data == 2.0


def test_two_bindings_that_normalise_to_one_name_are_refused():
    with pytest.raises(ExpressionError, match="'x' and '\U0001d465' are both the name 'x'"):
        parse("f = x * 2", **{"x": 1, "\U0001d465": 3})


@pytest.mark.parametrize("flag", [True, False])
def test_a_bool_binding_is_a_clear_type_error(flag):
    with pytest.raises(TypeError, match=f"input 'x' is a bool \\({flag}\\), not a number"):
        parse("f = x * 2", x=flag)
