"""Gradients of Python functions: ``grad``, ``value_and_grad``, ``gradcheck``.

``f`` is an ordinary function of Values that returns a Value. Arguments may
be numbers or lists/tuples/1-D numpy arrays of numbers; a gradient comes back
in the same shape. Nothing outside the call is mutated: no ``.grad`` is
written, so these compose.

Nesting works as in JAX: inside the function of another ``grad`` (or
``hessian``), or called with Values, ``grad`` returns a Value with its own
graph, so the outer derivative sees everything the inner one depends on,
including Values it closes over or is passed as other arguments. The
variable ``grad`` differentiates by is always a new node of its own (a copy
of a Value argument), so an inner derivative never confuses its variable
with an outer one: d/dx [x · d/dy (x + y)] is 1, for every x.

>>> grad(lambda x: x * grad(lambda y: x * y)(1.0))(2.0)     # d/dx (x * x)
4.0

>>> from autograd_lite import grad
>>> grad(lambda x, y: x * y + y, argnums=(0, 1))(3.0, 4.0)
(4.0, 4.0)
"""

from __future__ import annotations

import inspect
import math
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from . import backprop
from .value import VALUE, Value

Args = Sequence[Any]

# How many grad / hessian calls are running their function on this thread:
# a grad called inside one must return a differentiable Value.
_NESTING = threading.local()


def _nesting_depth() -> int:
    return getattr(_NESTING, "depth", 0)


@contextmanager
def _inside_transform() -> Iterator[None]:
    """While a transform runs ``f``: a ``grad`` inside returns Values with graphs."""
    _NESTING.depth = _nesting_depth() + 1
    try:
        yield
    finally:
        _NESTING.depth -= 1


def value_and_grad(f: Callable[..., Value], argnums: int | Sequence[int] = 0) -> Callable:
    """A function returning ``(f(*args), df/d args[argnums])``.

    >>> value_and_grad(lambda x: x ** 2)(3.0)
    (9.0, 6.0)
    """
    single = isinstance(argnums, int)
    nums: tuple[int, ...] = (argnums,) if single else tuple(argnums)  # type: ignore[arg-type]
    names = _parameter_names(f)

    def wrapped(*args: Any) -> tuple[Any, Any]:
        wanted = [_argument_index(i, len(args)) for i in nums]
        distinct = list(dict.fromkeys(wanted))  # argnums=(0, 0) asks for one gradient twice
        call_args = list(args)
        slots: dict[int, list[Value]] = {}  # the input Values of each differentiated argument
        nested = _nesting_depth() > 0  # inside another transform: the result must be a graph
        for i in distinct:
            name = names[i] if i < len(names) else f"arg{i}"
            leaves, packed, is_value = _as_inputs(args[i], name)
            call_args[i] = packed
            slots[i] = leaves
            nested = nested or is_value
        with _inside_transform():
            out = f(*call_args)
        if not isinstance(out, Value):
            raise TypeError(
                f"the function must return a Value (a scalar), got {type(out).__name__}"
            )
        flat = [x for i in distinct for x in slots[i]]
        grads = backprop.gradients(out, flat, VALUE if nested else None)
        if nested:
            grads = _new_nodes(grads, out)
        per_argument, k = {}, 0
        for i in distinct:
            per_argument[i] = _repack(args[i], grads[k : k + len(slots[i])])
            k += len(slots[i])
        results = [per_argument[i] for i in wanted]
        value = out if nested else out.data
        return value, results[0] if single else tuple(results)

    wrapped.__name__ = f"value_and_grad({getattr(f, '__name__', 'f')})"
    wrapped.__wrapped__ = f  # type: ignore[attr-defined]  # its signature names the arguments
    return wrapped


def grad(f: Callable[..., Value], argnums: int | Sequence[int] = 0) -> Callable:
    """The gradient of ``f`` with respect to argument ``argnums`` (a tuple for several).

    >>> grad(lambda x: x.sin())(0.0)
    1.0
    >>> grad(grad(lambda x: x ** 3))(2.0)   # second derivative 6x
    12.0
    """
    vg = value_and_grad(f, argnums)

    def gradient(*args: Any) -> Any:
        return vg(*args)[1]

    gradient.__name__ = f"grad({getattr(f, '__name__', 'f')})"
    gradient.__wrapped__ = f  # type: ignore[attr-defined]
    return gradient


def hessian(f: Callable[..., Value]) -> Callable:
    """The matrix of second derivatives of ``f`` over all its inputs.

    Arguments are numbers or lists/arrays of numbers; the matrix is over
    their elements in order, as an n-by-n numpy array. Row i is the gradient
    of df/dx_i, which ``create_graph`` made a Value with its own graph.

    >>> hessian(lambda x, y: x * x * y)(3.0, 2.0).tolist()   # [[2y, 2x], [2x, 0]]
    [[4.0, 6.0], [6.0, 0.0]]
    """
    names = _parameter_names(f)

    def matrix(*args: Any) -> Any:
        import numpy as np

        leaves: list[Value] = []
        call_args = []
        for i, arg in enumerate(args):
            name = names[i] if i < len(names) else f"arg{i}"
            these, packed, is_value = _as_inputs(arg, name)
            if is_value:
                raise TypeError("hessian() takes numbers (or lists of numbers), not Values")
            leaves.extend(these)
            call_args.append(packed)
        with _inside_transform():
            out = f(*call_args)
        if not isinstance(out, Value):
            raise TypeError(
                f"the function must return a Value (a scalar), got {type(out).__name__}"
            )
        first = backprop.gradients(out, leaves, VALUE)
        rows = []
        for g in first:
            if isinstance(g, Value):
                row = backprop.gradients(g, leaves)
            else:  # df/dx_i does not depend on any input
                row = [0.0] * len(leaves)
            rows.append(row)
        return np.array(rows, dtype=float)

    matrix.__name__ = f"hessian({getattr(f, '__name__', 'f')})"
    return matrix


def _argument_index(i: Any, n: int) -> int:
    """argnums entry ``i`` as a position among ``n`` arguments (``-1`` is the last)."""
    if isinstance(i, bool) or not isinstance(i, int):
        raise TypeError(f"argnums must be ints, got {type(i).__name__} {i!r}")
    if not -n <= i < n:
        raise IndexError(f"argnums={i} but f was called with {n} argument(s)")
    return i % n


def _new_nodes(grads: list[Any], out: Value) -> list[Value]:
    """Gradients as Values of their own: a number becomes a leaf, and a gradient
    that is a node of ``out``'s graph (d(x*w)/dx is w) becomes a copy of it."""
    graph = set(backprop.topological_order(out))
    result = []
    for g in grads:
        if not isinstance(g, Value):
            g = Value(g)
        elif g in graph:
            g = VALUE.copy(g)
        result.append(g)
    return result


def _parameter_names(f: Callable) -> list[str]:
    try:
        params = inspect.signature(f).parameters.values()
    except (TypeError, ValueError):
        return []
    return [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]


def _as_inputs(arg: Any, name: str) -> tuple[list[Value], Any, bool]:
    """(the input Values, what to pass to f, whether the caller gave Values).

    A Value argument becomes a copy of itself: a node of its own to
    differentiate by, which still depends on the Value (so an outer
    derivative flows through it) but is never confused with it.
    """
    if isinstance(arg, Value):
        variable = _variable(arg, name)
        return [variable], variable, True
    if _is_sequence(arg):
        items = list(arg)
        if items and all(isinstance(v, Value) for v in items):
            variables = [_variable(v, f"{name}[{j}]") for j, v in enumerate(items)]
            return variables, variables, True
        leaves = [
            Value(_number(v, f"{name}[{j}]"), label=f"{name}[{j}]") for j, v in enumerate(items)
        ]
        return leaves, leaves, False
    leaf = Value(_number(arg, name), label=name)
    return [leaf], leaf, False


def _variable(value: Value, name: str) -> Value:
    """A copy of ``value`` to differentiate by, named as the argument it came in as."""
    variable = VALUE.copy(value)
    variable.label = value.label or name
    return variable


def _is_sequence(x: Any) -> bool:
    """Lists, tuples and numpy arrays (not numpy scalars, which have ndim 0)."""
    if isinstance(x, (list, tuple)):
        return True
    ndim = getattr(x, "ndim", 0) if type(x).__module__ == "numpy" else 0
    if ndim > 1:
        raise TypeError(f"array arguments must be 1-D, got shape {x.shape}")
    return ndim == 1


def _number(x: Any, where: str) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)) and not hasattr(x, "__float__"):
        raise TypeError(f"argument {where} must be a number, got {type(x).__name__}")
    return float(x)


def _repack(original: Any, grads: list[Any]) -> Any:
    if not _is_sequence(original):
        return grads[0]
    if isinstance(original, tuple):
        return tuple(grads)
    if isinstance(original, list):
        return grads
    import numpy as np

    if all(isinstance(g, float) for g in grads):
        return np.asarray(grads, dtype=float).reshape(np.shape(original))
    return grads


# --- gradcheck ----------------------------------------------------------------


class GradcheckError(AssertionError):
    """Raised by ``gradcheck``: analytic and numeric gradients disagree."""


def gradcheck(
    f: Callable[..., Value],
    *args: Any,
    eps: float = 1e-6,
    atol: float = 1e-6,
    rtol: float = 1e-4,
) -> bool:
    """Compare ``f``'s gradients with central differences at ``args``.

    The numeric derivative of input i is ``central_difference``:
    ``(f(x + eps e_i) - f(x - eps e_i)) / 2 eps``.
    Returns True when every input agrees within ``atol + rtol * |numeric|``;
    otherwise raises ``GradcheckError`` with a table of both.

    >>> gradcheck(lambda x, y: (x * y).tanh(), 0.3, -0.7)
    True
    """
    nums = tuple(range(len(args)))
    analytic = grad(f, argnums=nums)(*args)
    names = _parameter_names(f)
    rows = []
    for i, arg in enumerate(args):
        name = names[i] if i < len(names) else f"arg{i}"
        flat = [float(v) for v in arg] if _is_sequence(arg) else [float(arg)]
        got = list(analytic[i]) if _is_sequence(arg) else [analytic[i]]
        for j in range(len(flat)):
            where = f"{name}[{j}]" if _is_sequence(arg) else name
            numeric = central_difference(f, args, i, j, eps)
            error = abs(got[j] - numeric)
            ok = error <= atol + rtol * abs(numeric) and not math.isnan(got[j])
            rows.append((where, flat[j], got[j], numeric, error, ok))
    bad = [r for r in rows if not r[5]]
    if bad:
        raise GradcheckError(_table(rows, len(bad), eps, atol, rtol))
    return True


def central_difference(
    f: Callable[..., Value], args: Args, i: int = 0, j: int | None = None, eps: float = 1e-6
) -> float:
    """(f(x + eps) - f(x - eps)) / (2 eps): the numeric slope of ``f`` along one input.

    The input moved is argument ``i`` (element ``j`` of it when it is a list).
    ``f`` gets plain leaves, so nothing is differentiated; the error of the
    estimate shrinks like eps**2.

    >>> round(central_difference(lambda x: x ** 3, [2.0]), 6)   # 3 x**2 = 12
    12.0
    """
    return (_shifted(f, args, i, j, eps) - _shifted(f, args, i, j, -eps)) / (2 * eps)


def _shifted(f: Callable[..., Value], args: Args, i: int, j: int | None, h: float) -> float:
    """f's value with argument i (element j of it) moved by h (plain leaves, no gradients)."""
    call = []
    for k, arg in enumerate(args):
        if _is_sequence(arg):
            items = [float(v) for v in arg]
            if k == i:
                items[0 if j is None else j] += h
            call.append([Value(v) for v in items])
        else:
            call.append(Value(float(arg) + h if k == i else float(arg)))
    return f(*call).data


def _table(rows: list, n_bad: int, eps: float, atol: float, rtol: float) -> str:
    head = ("input", "at", "analytic", "numeric", "|diff|", "ok")
    lines = [head] + [
        (w, f"{x:.6g}", f"{a:.8g}", f"{n:.8g}", f"{e:.2e}", "yes" if ok else "NO")
        for w, x, a, n, e, ok in rows
    ]
    widths = [max(len(line[c]) for line in lines) for c in range(len(head))]
    text = [
        f"gradcheck: {n_bad} of {len(rows)} gradients disagree with central differences "
        f"(eps={eps:g}, tolerance {atol:g} + {rtol:g}*|numeric|)"
    ]
    for line in lines:
        text.append("  " + "  ".join(cell.rjust(w) for cell, w in zip(line, widths)))
    return "\n".join(text)
