"""``parse``: build a graph from expression text, without executing anything.

The language is a small piece of Python: numbers, names, ``+ - * / **``,
unary ``-`` and ``+``, calls of the engine's functions (``exp log sqrt tanh
sigmoid relu softplus step sin cos abs``, and every ``custom_op``; the list
is ``ops.functions()``), and assignments separated by
``;`` or newlines. The text is only ever turned into a syntax tree
(``ast.parse``), never compiled to code or given to ``eval``/``exec``; every
node of the tree is checked against that whitelist and evaluated here on
Values, so ``__import__("os")`` is only ever an error message.

Assigned names become labels, so the lecture's intermediate names show up
in the narration and the drawing. ``parse`` returns the named Values in
order: the inputs, then the assignments; the last one is the output
(``output_of(d)``, the same as ``list(d.values())[-1]``).

>>> d = parse("q = x + y; f = q * z", x=-2, y=5, z=-4)
>>> [(name, v.data) for name, v in d.items()]
[('x', -2.0), ('y', 5.0), ('z', -4.0), ('q', 3.0), ('f', -12.0)]
>>> f = output_of(d)
>>> f.backward()
>>> d["x"].grad, d["y"].grad, d["z"].grad
(-4.0, -4.0, 3.0)

A last line that is a bare expression is the output too; it is named ``f``
(or ``out`` if ``f`` is taken):

>>> output_of(parse("(x + y) * z", x=-2, y=5, z=-4)).label
'f'
"""

from __future__ import annotations

import ast
import keyword
import math
import numbers
import re
import unicodedata
import warnings
from collections.abc import Callable
from typing import Any

from .engine import ops
from .engine.value import Value, apply

MAX_LENGTH = 2000
"""Longest source text accepted, in characters."""

MAX_DEPTH = 100
"""Deepest nesting of operations accepted in one expression."""

_BINARY: dict[type, tuple[str, Callable[[Any, Any], Any]]] = {
    ast.Add: ("+", lambda a, b: a + b),
    ast.Sub: ("-", lambda a, b: a - b),
    ast.Mult: ("*", lambda a, b: a * b),
    ast.Div: ("/", lambda a, b: a / b),
    ast.Pow: ("**", lambda a, b: a**b),
}

_OTHER_OPERATORS: dict[type, str] = {
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.BitAnd: "&",
    ast.Invert: "~",
    ast.Not: "not",
}

_WHAT_IT_IS: dict[type, str] = {
    ast.Attribute: "attribute access (a.b)",
    ast.Subscript: "indexing (a[i])",
    ast.Lambda: "lambda",
    ast.Compare: "comparison",
    ast.BoolOp: "'and'/'or'",
    ast.IfExp: "'... if ... else ...'",
    ast.ListComp: "a list comprehension",
    ast.SetComp: "a set comprehension",
    ast.DictComp: "a dict comprehension",
    ast.GeneratorExp: "a generator expression",
    ast.List: "a list",
    ast.Tuple: "a tuple",
    ast.Set: "a set",
    ast.Dict: "a dict",
    ast.JoinedStr: "an f-string",
    ast.Starred: "'*' unpacking",
    ast.NamedExpr: "':='",
    ast.Await: "'await'",
    ast.Yield: "'yield'",
    ast.YieldFrom: "'yield from'",
    ast.Slice: "a slice",
    ast.Import: "import",
    ast.ImportFrom: "import",
    ast.FunctionDef: "a function definition",
    ast.AsyncFunctionDef: "a function definition",
    ast.ClassDef: "a class definition",
    ast.Delete: "'del'",
    ast.AugAssign: "augmented assignment (+= and friends)",
    ast.AnnAssign: "an annotated assignment",
    ast.For: "a for loop",
    ast.AsyncFor: "a for loop",
    ast.While: "a while loop",
    ast.If: "an if statement",
    ast.With: "a with statement",
    ast.AsyncWith: "a with statement",
    ast.Raise: "'raise'",
    ast.Try: "a try statement",
    ast.Assert: "'assert'",
    ast.Global: "'global'",
    ast.Nonlocal: "'nonlocal'",
    ast.Pass: "'pass'",
    ast.Break: "'break'",
    ast.Continue: "'continue'",
    ast.Return: "'return'",
    ast.Match: "a match statement",
}

_LANGUAGE = (
    "expressions may use numbers, names, + - * / **, unary -, "
    "calls like exp(x), and assignments like 'q = x + y'"
)


class ExpressionError(ValueError):
    """Expression text that ``parse`` does not accept, with where and why.

    ``str(error)`` is the reason, the position, the offending line and a
    caret line under the offending text. The parts are also attributes:
    ``reason``, ``line`` and ``column`` (1-based, in characters; None when
    the error is not about a place in the text), ``end_column`` and
    ``source_line``.

    >>> try:
    ...     parse('__import__("os")')
    ... except ExpressionError as e:
    ...     print(e)  # doctest: +ELLIPSIS
    line 1, column 1: '__import__' is not a function here; the functions are abs, cos, ...
        __import__("os")
        ^^^^^^^^^^
    """

    def __init__(
        self,
        reason: str,
        source: str | None = None,
        line: int | None = None,
        column: int | None = None,
        end_column: int | None = None,
    ) -> None:
        self.reason = reason
        self.line = line
        self.column = column
        self.source_line: str | None = None
        self.end_column = end_column
        if source is not None and line is not None and column is not None:
            lines = source_lines(source) or [""]
            text = lines[line - 1] if 0 < line <= len(lines) else ""
            self.source_line = text
            if end_column is None or end_column <= column:
                end_column = column + 1
            end_column = min(end_column, max(len(text) + 1, column + 1))
            self.end_column = end_column
            shown, lead, carets = _excerpt(text, column, end_column)
            message = f"line {line}, column {column}: {reason}\n    {shown}\n    {lead}{carets}"
        else:
            message = reason
        super().__init__(message)


def _excerpt(text: str, column: int, end_column: int, width: int = 72) -> tuple[str, str, str]:
    """The line (cut to about ``width`` characters around the caret), the
    caret line's indent, and the carets. Invisible characters are shown
    escaped (a form feed as ``\\x0c``), with the carets under what is shown."""
    start, stop = column - 1, end_column - 1
    prefix = suffix = ""
    if len(text) > width:
        lo = max(0, min(start - 10, len(text) - width))
        hi = lo + width
        if lo > 0:
            prefix = "..."
        if hi < len(text):
            suffix = "..."
        text = text[lo:hi]
        start, stop = start - lo, min(stop - lo, hi - lo + 1)
    # keep tabs in the caret line so the carets line up under the text
    lead = prefix and " " * len(prefix)
    lead += "".join("\t" if ch == "\t" else " " * len(_visible(ch)) for ch in text[:start])
    carets = "^" * max(1, sum(len(_visible(ch)) for ch in text[start:stop]))
    return prefix + "".join(_visible(ch) for ch in text) + suffix, lead, carets


def _visible(ch: str) -> str:
    """``ch`` as an excerpt shows it: itself, or escaped when it would not show."""
    if ch == "\t" or ch.isprintable():
        return ch
    return ch.encode("unicode_escape").decode("ascii")


_LINE_BREAK = r"\r\n|\r|\n"  # a pattern: the parser never names compile (see the tests)


def source_lines(source: str) -> list[str]:
    """The lines of ``source`` as Python counts them for ``ast`` positions.

    Only ``\\n``, ``\\r\\n`` and ``\\r`` end a line; ``str.splitlines`` also
    breaks at ``\\f``, ``\\v``, ``\\x1c``-``\\x1e``, ``\\x85``, ``\\u2028`` and
    ``\\u2029``, which would put an error's excerpt on the wrong text.

    >>> source_lines("a = 1\\fb\\r\\nf = a\\u2028\\n")
    ['a = 1\\x0cb', 'f = a\\u2028']
    """
    lines = re.split(_LINE_BREAK, source)
    if lines[-1] == "":  # a final line break ends the last line; it starts none
        lines.pop()
    return lines


def output_of(named: dict[str, Value]) -> Value:
    """The output of ``parse``'s result: its last Value.

    >>> output_of(parse("a = x * 2", x=3)).data
    6.0
    """
    if not named:
        raise ValueError("output_of() needs the non-empty dict that parse() returns")
    return next(reversed(named.values()))


def parse(source: str, /, **values: Any) -> dict[str, Value]:
    """Build the graph that ``source`` describes, with ``values`` as its inputs.

    ``values`` maps input names to numbers or Values. A Value passed in is
    used as it is (so the result joins its graph) and labelled with its
    name. Returns ``{name: Value}``: the inputs in the order given, then
    each assigned name in order; the last entry is the output. Raises
    ``ExpressionError`` for anything outside the language and for errors
    the engine reports while computing (``log(0)``), pointing at the
    sub-expression. Raises TypeError if ``source`` is not a str or an input
    is not a number or Value.

    >>> d = parse("y = exp(x)", x=0)
    >>> d["y"].data, d["y"].op, d["y"].parents[0] is d["x"]
    (1.0, 'exp', True)
    """
    if not isinstance(source, str):
        raise TypeError(f"parse() takes the expression as a str, got {type(source).__name__}")
    return _Builder(source).build(values)


def _as_python_reads(spelled: str) -> str:
    """An input's name as Python reads it in the text: NFKC-normalised (``𝑥`` is ``x``).

    >>> _as_python_reads("\\U0001d465")
    'x'
    """
    if not isinstance(spelled, str) or not spelled.isidentifier():
        raise ExpressionError(f"input name {spelled!r} is not a valid name")
    return unicodedata.normalize("NFKC", spelled)


class _Builder:
    """Checks one source text against the whitelist and evaluates it on Values."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.lines = source_lines(source)
        self.env: dict[str, Value] = {}
        self.inputs: set[str] = set()

    # --- errors ---------------------------------------------------------

    def _column(self, line: int, byte_offset: int) -> int:
        """1-based character column of a UTF-8 byte offset that ``ast`` reports."""
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return len(text.encode("utf-8")[:byte_offset].decode("utf-8", "replace")) + 1

    def error(self, node: ast.expr | ast.stmt | ast.keyword, reason: str) -> ExpressionError:
        line = node.lineno
        column = self._column(line, node.col_offset)
        end_line = node.end_lineno
        end_offset = node.end_col_offset
        if end_line == line and end_offset is not None:
            end_column = self._column(line, end_offset)
        else:  # the offending text runs on: underline to the end of this line
            text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
            end_column = len(text) + 1
        return ExpressionError(reason, self.source, line, column, end_column)

    # --- the whole text -------------------------------------------------

    def build(self, values: dict[str, Any]) -> dict[str, Value]:
        source = self.source
        if len(source) > MAX_LENGTH:
            # point at the first character past the limit
            before = re.split(_LINE_BREAK, source[:MAX_LENGTH])
            line, column = len(before), len(before[-1]) + 1
            raise ExpressionError(
                f"the expression is {len(source)} characters long; the limit is {MAX_LENGTH}",
                source,
                line,
                column,
            )
        body = self._syntax_tree().body
        if not body:
            raise ExpressionError("there is nothing to compute: the expression is empty")
        for node in body:
            self._check_depth(node)
        named = self._inputs(values)
        for i, statement in enumerate(body):
            last = i == len(body) - 1
            if isinstance(statement, ast.Assign):
                name, value = self._assignment(statement)
            elif isinstance(statement, ast.Expr) and last:
                name = self._output_name()
                value = self._named_result(statement.value, name)
            elif isinstance(statement, ast.Expr):
                raise self.error(
                    statement,
                    "only the last line may be a bare expression; give this one a name, "
                    "as in 'q = ...'",
                )
            else:
                what = _WHAT_IT_IS.get(type(statement), f"'{type(statement).__name__}'")
                raise self.error(statement, f"{what} is not allowed; {_LANGUAGE}")
            self.env[name] = value
            named[name] = value
        return named

    def _output_name(self) -> str:
        """``f``, else ``out``, else ``out2``, ``out3``, ...: the first name not yet used."""
        for name in ("f", "out"):
            if name not in self.env:
                return name
        k = 2
        while f"out{k}" in self.env:
            k += 1
        return f"out{k}"

    def _inputs(self, values: dict[str, Any]) -> dict[str, Value]:
        named: dict[str, Value] = {}
        given_as: dict[str, str] = {}
        seen: dict[int, str] = {}
        for spelled, given in values.items():
            name = _as_python_reads(spelled)

            if not name.isidentifier() or keyword.iskeyword(name):
                raise ExpressionError(f"input name {name!r} is not a valid name")
            if name in ops.BUILTIN_NAMES:
                raise ExpressionError(
                    f"input name {name!r} is the name of a function; pick another name"
                )

            if name in given_as:
                raise ExpressionError(
                    f"inputs {given_as[name]!r} and {spelled!r} are both the name {name!r} "
                    "(Python reads names in NFKC form); give it once"
                )
            given_as[name] = spelled
            if isinstance(given, Value):
                if id(given) in seen:
                    raise ExpressionError(
                        f"inputs {seen[id(given)]!r} and {name!r} are the same Value; "
                        "pass two Values"
                    )
                seen[id(given)] = name
                given.label = name
                v = given
            elif isinstance(given, bool):
                raise TypeError(
                    f"input {name!r} is a bool ({given}), not a number; pass a number "
                    f"such as {float(given)!r}"
                )
            elif isinstance(given, numbers.Real):
                v = Value(given, label=name)
            else:
                raise TypeError(
                    f"input {name!r} must be a number or a Value, got {type(given).__name__}"
                )
            named[name] = v
            self.env[name] = v
            self.inputs.add(name)
        return named

    def _syntax_tree(self) -> ast.Module:
        source = self.source
        try:
            # Python's own warnings about the text ("'int' object is not
            # callable; perhaps you missed a comma?") become errors here
            # instead of lines on stderr.
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                return ast.parse(source, mode="exec")
        except SyntaxError as e:
            line = e.lineno or 1
            column = e.offset or 1
            end = e.end_offset if (e.end_lineno or line) == line else None
            if line > len(self.lines):  # unexpected end of text: point just past it
                line = max(len(self.lines), 1)
                column = len(self.lines[line - 1]) + 1 if self.lines else 1
                end = None
            reason = e.msg
            if "null bytes" in reason:
                line, column, end = 1, 1, None
            raise ExpressionError(f"syntax error: {reason}", source, line, column, end) from None
        except (ValueError, UnicodeError, Warning) as e:  # e.g. unencodable characters
            raise ExpressionError(f"the text cannot be read: {e}", source, 1, 1) from None
        except (RecursionError, MemoryError):
            raise ExpressionError(
                f"the expression is nested too deeply (the limit is {MAX_DEPTH} levels)",
                source,
                1,
                1,
            ) from None

    def _check_depth(self, statement: ast.AST) -> None:
        # Walk with an explicit stack: the evaluator below recurses, so the
        # depth is checked before it runs.
        # Only statements and expressions count (and carry positions).
        stack = [(statement, 0)]
        while stack:
            node, depth = stack.pop()
            if depth > MAX_DEPTH:
                raise self.error(
                    node, f"the expression is nested too deeply (the limit is {MAX_DEPTH} levels)"
                )
            stack.extend(
                (child, depth if _continues_chain(node, child) else depth + 1)
                for child in ast.iter_child_nodes(node)
                if isinstance(child, (ast.expr, ast.stmt))
            )

    # --- statements -----------------------------------------------------

    def _assignment(self, statement: ast.Assign) -> tuple[str, Value]:
        if len(statement.targets) != 1:
            raise self.error(statement, "assign one name at a time ('a = b = ...' is not allowed)")
        target = statement.targets[0]
        if not isinstance(target, ast.Name):
            raise self.error(target, "only a plain name can be assigned to, as in 'q = x + y'")
        name = target.id
        if name in self.inputs:
            raise self.error(target, f"{name!r} is an input; it cannot be assigned to")
        if name in self.env:
            raise self.error(
                target, f"{name!r} is already defined; every name is assigned only once"
            )
        if name in ops.BUILTIN_NAMES:
            raise self.error(target, f"{name!r} is the name of a function; pick another name")
        return name, self._named_result(statement.value, name)

    def _named_result(self, expression: ast.expr, name: str) -> Value:
        result = self._eval(expression)
        if isinstance(result, Value):
            if any(result is v for v in self.env.values()):
                raise self.error(
                    expression,
                    f"this only gives an existing Value the second name {name!r}; "
                    "assign an expression that computes something",
                )
            result.label = name
            return result
        return Value(result, label=name)

    # --- expressions ----------------------------------------------------

    def _eval(self, node: ast.AST) -> Value | float:
        """A Value, or a float for a part made only of numbers."""
        if isinstance(node, ast.Constant):
            return self._number(node)
        if isinstance(node, ast.Name):
            return self._name(node)
        if isinstance(node, ast.BinOp):
            return self._binary(node)
        if isinstance(node, ast.UnaryOp):
            return self._unary(node)
        if isinstance(node, ast.Call):
            return self._call(node)
        what = _WHAT_IT_IS.get(type(node), f"'{type(node).__name__}'")
        raise self.error(node, f"{what} is not allowed; {_LANGUAGE}")

    def _number(self, node: ast.Constant) -> float:
        v = node.value
        if type(v) not in (int, float):
            kind = {str: "a string", bytes: "bytes", bool: "True/False", complex: "a complex"}
            what = kind.get(type(v), repr(v))
            raise self.error(node, f"{what} is not allowed here; only real numbers are")
        try:
            x = float(v)
        except OverflowError:
            x = math.inf
        if not math.isfinite(x):
            raise self.error(node, "this number is too large for a float")
        return x

    def _name(self, node: ast.Name) -> Value:
        name = node.id
        v = self.env.get(name)
        if v is not None:
            return v
        if name in ops.functions():
            raise self.error(node, f"{name!r} is a function; call it, as in {name}(x)")
        known = ", ".join(self.env) or "none"
        raise self.error(
            node,
            f"unknown name {name!r}: it is not an input and not assigned above; "
            f"the names defined so far are: {known}",
        )

    def _binary(self, node: ast.BinOp) -> Value | float:
        """A chain ``a + b + c + ...`` (left-nested in the tree) is walked in a loop,
        so a long flat sum is not deep nesting; operators are checked outermost first."""
        chain = [node]
        while isinstance(chain[-1].left, ast.BinOp):
            chain.append(chain[-1].left)
        entries = [self._operator(link) for link in chain]
        left = self._eval(chain[-1].left)
        for link, entry in zip(reversed(chain), reversed(entries)):
            left = self._combine(link, entry, left, self._eval(link.right))
        return left

    def _operator(self, node: ast.BinOp) -> tuple[str, Callable]:
        entry = _BINARY.get(type(node.op))
        if entry is None:
            symbol = _OTHER_OPERATORS.get(type(node.op), type(node.op).__name__)
            raise self.error(node, f"the operator {symbol!r} is not supported; use + - * / or **")
        return entry

    def _combine(
        self, node: ast.BinOp, entry: tuple[str, Callable], left: Any, right: Any
    ) -> Value | float:
        symbol, apply = entry
        if isinstance(left, Value) or isinstance(right, Value):
            return self._engine(node, apply, left, right)
        # numbers only: fold to one constant, with the engine's rules for what is allowed
        try:
            out = apply(left, right)
        except ZeroDivisionError:
            raise self.error(node, f"{symbol}: division by zero") from None
        except OverflowError:
            raise self.error(node, f"{symbol}: the result is too large for a float") from None
        if isinstance(out, complex):
            raise self.error(
                node, f"{symbol}: a negative number to a fractional power is not a real number"
            )
        if not math.isfinite(out):
            raise self.error(node, f"{symbol}: the result is too large for a float")
        return float(out)

    def _unary(self, node: ast.UnaryOp) -> Value | float:
        if isinstance(node.op, ast.USub):
            operand = self._eval(node.operand)
            if isinstance(operand, Value):
                return self._engine(node, lambda a: -a, operand)
            return -operand
        if isinstance(node.op, ast.UAdd):
            return self._eval(node.operand)
        symbol = _OTHER_OPERATORS.get(type(node.op), type(node.op).__name__)
        raise self.error(node, f"the operator {symbol!r} is not supported; use unary - or +")

    def _call(self, node: ast.Call) -> Value:
        func = node.func
        if not isinstance(func, ast.Name):
            raise self.error(func, "only the functions can be called, by name, as in exp(x)")
        functions = ops.functions()
        op = functions.get(func.id)
        if op is None:
            known = ", ".join(sorted(functions))
            raise self.error(func, f"{func.id!r} is not a function here; the functions are {known}")
        if node.keywords:
            raise self.error(node.keywords[0], f"{func.id}() takes no keyword arguments")
        if len(node.args) != op.arity:
            count = "one argument" if op.arity == 1 else f"{op.arity} arguments"
            raise self.error(node, f"{func.id}() takes exactly {count}")
        args = [self._eval(arg) for arg in node.args]
        args = [a if isinstance(a, Value) else Value(a) for a in args]
        return self._engine(node, apply, op, *args)

    def _engine(self, node: ast.AST, fn: Callable[..., Any], *args: Any) -> Value:
        """Run one engine operation; its errors point at ``node``."""
        try:
            return fn(*args)
        except (ArithmeticError, ValueError, TypeError) as e:
            raise self.error(node, str(e)) from None


def _continues_chain(node: ast.AST, child: ast.AST) -> bool:
    """Whether ``child`` is the left operand of ``node`` in a chain ``a + b - c * d ...``:
    the parser nests such a chain to the left, but it reads flat, so it is not depth."""
    return isinstance(node, ast.BinOp) and child is node.left and isinstance(child, ast.BinOp)


__all__ = ["ExpressionError", "MAX_DEPTH", "MAX_LENGTH", "output_of", "parse"]
