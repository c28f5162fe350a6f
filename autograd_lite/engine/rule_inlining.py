"""Value's hot methods, compiled from the rules of their ops.

The rule of ``*`` is ``return a * b, b, a``. A method that calls it pays,
for every node, a Python call and a tuple: about a tenth of the cost of
making the node. So each built-in op's method is compiled once, at import,
from a template (``value.py``) in which the rule's own statements stand
where the call would be: the same syntax tree, its parameters renamed to the
method's variables, its final ``return`` turned into an assignment. The
derivative is still written in one place, the rule; nothing restates it.

A rule that cannot be copied this way (no source to read, a ``return``
before the end, a nested function) is called instead, with the same result.

>>> from autograd_lite.engine import ops
>>> print(rule_statements(ops.MUL.rule, ("x", "y"), ("out", "da", "db"))[0])
out, da, db = (x * y, y, x)
>>> print(rule_statements(ops.TANH.rule, ("x",), ("out", "d"))[0])
_r_out = m.tanh(x)
out, d = (_r_out, 1.0 - _r_out * _r_out)
"""

from __future__ import annotations

import ast
import builtins
import copy
import functools
import linecache
from collections.abc import Callable
from typing import Any

# Syntax a copied rule may not contain: each would change meaning when the
# rule's body runs inside another function.
_NOT_COPIED = (
    ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.Global,
    ast.Nonlocal, ast.Yield, ast.YieldFrom, ast.Await, ast.comprehension, ast.Try,
)  # fmt: skip


def rule_statements(
    rule: Callable[..., Any], inputs: tuple[str, ...], targets: tuple[str, ...]
) -> tuple[str, dict[str, Any]] | None:
    """``rule``'s body as source on the variables ``inputs``, assigning its result to ``targets``.

    Returns the source and the names it reads from the rule's module
    (renamed ``_g_<name>``), or None when the rule cannot be copied. The
    backend parameter is named ``m`` in the source; the rule's own local
    variables are renamed ``_r_<name>``.
    """
    body = _rule_body(rule, len(inputs))
    if body is None:
        return None
    func, statements = body
    params = [a.arg for a in func.args.args]
    renames = {params[0]: "m", **dict(zip(params[1:], inputs))}
    local = {n.id for s in statements for n in ast.walk(s)
             if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}  # fmt: skip
    reads: dict[str, Any] = {}
    scope = {**vars(builtins), **rule.__globals__, **_closure_of(rule)}
    for statement in statements:
        for node in ast.walk(statement):
            if isinstance(node, ast.Name):
                node.id = _renamed(node.id, renames, local, reads, scope)
                if node.id is None:
                    return None
    last = statements[-1]
    target = ast.Tuple([ast.Name(t, ast.Store()) for t in targets], ast.Store())
    statements[-1] = ast.Assign([target], last.value)
    module = ast.fix_missing_locations(ast.Module(statements, []))
    return ast.unparse(module), reads


def _rule_body(rule: Callable[..., Any], arity: int) -> tuple[ast.FunctionDef, list] | None:
    """The rule's definition and a copy of its statements (docstring dropped), if they
    can be copied."""
    func = _definition(rule)
    if func is None:
        return None
    args = func.args
    if len(args.args) != arity + 1 or args.vararg or args.kwarg or args.kwonlyargs:
        return None
    statements = copy.deepcopy(func.body)  # the tree is shared: rename a copy
    if statements and isinstance(statements[0], ast.Expr):
        if isinstance(statements[0].value, ast.Constant):  # the docstring
            statements = statements[1:]
    last = statements[-1] if statements else None
    if not isinstance(last, ast.Return) or last.value is None:
        return None
    for node in ast.walk(ast.Module(statements, [])):
        if isinstance(node, _NOT_COPIED) or (isinstance(node, ast.Return) and node is not last):
            return None
    return func, statements


def _definition(rule: Callable[..., Any]) -> ast.FunctionDef | None:
    """The ``def`` of ``rule`` in the syntax tree of its file; None if it can't be found."""
    code = getattr(rule, "__code__", None)
    tree = None if code is None else _file_tree(code.co_filename)
    if tree is None:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == code.co_name:
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            if first == code.co_firstlineno:
                return node
    return None


@functools.lru_cache(maxsize=16)
def _file_tree(filename: str) -> ast.Module | None:
    """The syntax tree of a source file, read once (None: no source, or not Python)."""
    lines = linecache.getlines(filename)
    try:
        return ast.parse("".join(lines)) if lines else None
    except SyntaxError:
        return None


def _closure_of(rule: Callable[..., Any]) -> dict[str, Any]:
    """The variables ``rule`` reads from the functions around it, by name."""
    cells = getattr(rule, "__closure__", None) or ()
    return dict(zip(rule.__code__.co_freevars, (c.cell_contents for c in cells)))


def _renamed(name: str, renames: dict, local: set, reads: dict, scope: dict) -> Any:
    """The name ``name`` of the rule takes in the method; None if it names nothing."""
    if name in renames:
        return renames[name]
    if name in local:
        return "_r_" + name
    if name not in scope:
        return None
    reads["_g_" + name] = scope[name]
    return "_g_" + name


def compile_method(
    template: str,
    rule: Callable[..., Any],
    inputs: tuple[str, ...],
    targets: tuple[str, ...],
    namespace: dict[str, Any],
) -> Callable[..., Any]:
    """The function ``method`` defined by ``template``, its line ``RULE`` replaced by the rule.

    ``namespace`` holds the names the template reads; ``m`` must be the
    backend the rule runs on. When the rule cannot be copied, or the copy
    does not give what the rule gives on a few numbers, ``RULE`` becomes a
    call of it.
    """
    copied = rule_statements(rule, inputs, targets)
    if copied is not None and not _copy_agrees(copied, rule, inputs, targets, namespace["m"]):
        copied = None  # the source read is not the rule that runs (edited since)
    if copied is None:
        statements = f"{', '.join(targets)} = _rule(m, {', '.join(inputs)})"
        reads = {"_rule": rule}
    else:
        statements, reads = copied
    scope = {**namespace, **reads}
    exec(compile(_with_rule(template, statements), f"<{rule.__name__} method>", "exec"), scope)
    method = scope["method"]
    method.inlined = copied is not None
    return method


def _with_rule(template: str, statements: str) -> str:
    """``template`` with its line ``RULE`` replaced by ``statements``, indented as it was."""
    lines = []
    for line in template.splitlines():
        if line.strip() == "RULE":
            indent = line[: len(line) - len(line.lstrip())]
            lines.extend(indent + s for s in statements.splitlines())
        else:
            lines.append(line)
    return "\n".join(lines)


# Numbers inside every built-in op's domain (log and sqrt need x > 0, / a non-zero y).
_PROBES = ((0.7, 1.3), (1.9, 0.45), (0.05, 2.5))


def _copy_agrees(copied: tuple, rule: Callable, inputs: tuple, targets: tuple, m: Any) -> bool:
    """Whether the copied statements give exactly what calling ``rule`` gives on ``_PROBES``."""
    statements, reads = copied
    probe = f"def probe({', '.join(inputs)}):\n    RULE\n    return {', '.join(targets)}\n"
    scope = {"m": m, **reads}
    exec(compile(_with_rule(probe, statements), "<probe>", "exec"), scope)
    for numbers in _PROBES:
        xs = numbers[: len(inputs)]
        try:
            if tuple(scope["probe"](*xs)) != tuple(rule(m, *xs)):
                return False
        except (ArithmeticError, ValueError):
            return False
    return True


__all__ = ["compile_method", "rule_statements"]
