"""Backpropagation: topological order, then the chain rule in reverse.

Every function here reads a node through its parents and the local
derivatives its rule stored at forward time; none knows any operation.

    for node in reversed(order):
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad += node.grad * local

``backward`` is that loop, unrolled for nodes of one or two parents: the
fast path. ``walk`` is the same loop written out one edge at a time, with
every part of each step named; ``chain_rule`` (for ``grad`` and
``create_graph``) and the ``Stepper``'s narration are built on it, and a
property test holds ``backward`` to it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NamedTuple

from ..errors import describe

# A backward pass resets and rewrites the grads of every node it reaches, so
# two passes over graphs that share nodes must not interleave: they take
# turns. The lock is taken once per pass, not per node.
PASS_LOCK = threading.RLock()

# The class of the leaves users make (``value.Leaf``; ``value.py`` sets it).
# The hot loops below tell a leaf by its type, and keep each attribute
# access to one class of object: Python specializes such an access to the
# class it sees, and falls back to a slower lookup when it sees two.
LEAF: type = type(None)


def topological_order(root: Any) -> list:
    """Every node ``root`` depends on, each after its parents; ``root`` last.

    Depth-first, with an explicit stack instead of recursion, so a chain of a
    million nodes is fine. The order depends only on the graph's shape
    (parents are visited first-operand first), never on ids or hashes. The
    numbers folded into nodes are unfolded on the way (``number_operands.py``),
    so the order lists them as the constant leaves they are.
    """
    # A node whose parents are not all in ``order`` yet is pushed back with a
    # None marker above it and its unseen parents above that; popping the
    # marker means those parents are done. Leaf parents need no waiting, so
    # they are emitted on the spot: most nodes (w * x, relu(s), s + b) then
    # never touch the stack twice.
    order: list = []
    seen: set = set()
    stack: list = [root]
    push, pop, mark, emit = stack.append, stack.pop, seen.add, order.append
    while stack:
        node = pop()
        if node is None:
            emit(pop())
            continue
        if node in seen:
            continue
        mark(node)
        unfold_numbers(node)  # a number folded in becomes a constant leaf
        a = node._a
        if a is None:  # a leaf: the root, or a second parent pushed while the first waits
            emit(node)
            continue
        b = node._b
        if a not in seen:
            if a._a is not None:  # a's whole subgraph comes first
                push(node)
                push(None)
                if b is not None and b not in seen:
                    push(b)
                push(a)
                continue
            mark(a)
            emit(a)
        if b is not None and b not in seen:
            if b._a is not None:
                push(node)
                push(None)
                push(b)
                continue
            mark(b)
            emit(b)
        emit(node)
    return order


def unfold_numbers(node: Any) -> None:
    """Put the constant leaf of a number folded into ``node`` back in its place
    (``number_operands.py``); nothing for any other node.

    The record is read before the test: a thread that unfolds the node
    meanwhile sets the record last, so a record read as still folded finds
    the node unfolded, under its lock, and leaves it be.
    """
    record = node._record
    if node._b is None and node._db is not None:
        record.unfold(node)


def _prepare_backward(root: Any) -> list:
    """The interior nodes in ``topological_order``'s order, every grad reset for a pass.

    The same walk as ``topological_order``, made cheaper by what a backward
    pass allows. Numbers folded into nodes stay folded (a node with one
    parent is all the pass needs). Leaves are not ordered (nothing flows out
    of them): they only need ``None`` turned into 0.0, which is harmless to
    repeat, so they need no bookkeeping (a constant leaf, a number unfolded
    by an earlier look, is reset to 0.0 as an interior node is). An interior
    node is reset to a zero made for this pass (``stamp``), and finding that
    very object in its grad means "visited", so no set is needed either.
    """
    if root._a is None:
        _reset_leaf(root)
        return []
    stamp = float("0")  # a new float object: no live grad can be this object
    leaf_type = LEAF
    order: list = []
    stack: list = [root]
    push, pop, emit = stack.append, stack.pop, order.append
    while stack:
        node = pop()
        if node is None:
            emit(pop())
            continue
        if node._grad is stamp:
            continue
        node._grad = stamp  # interior nodes hold this pass's gradient only
        a = node._a
        b = node._b
        if type(a) is leaf_type:  # most leaves: a test that reads no attribute
            if a._grad is None:
                a._grad = 0.0
        elif a._a is None:
            _reset_leaf(a)
        elif a._grad is not stamp:  # a's whole subgraph comes first
            push(node)
            push(None)
            if b is not None and b._grad is not stamp:
                if type(b) is leaf_type or b._a is None:
                    _reset_leaf(b)
                else:
                    push(b)
            push(a)
            continue
        if b is not None:
            if type(b) is leaf_type:
                if b._grad is None:
                    b._grad = 0.0
            elif b._a is None:
                _reset_leaf(b)
            elif b._grad is not stamp:
                push(node)
                push(None)
                push(b)
                continue
        emit(node)
    return order


def _reset_leaf(node: Any) -> None:
    """A leaf's grad at the start of a pass: kept (accumulated onto), unless it has
    none yet or is a constant's."""
    if node._grad is None or node._record is not None:
        node._grad = 0.0


def backward(root: Any, seed: float = 1.0) -> None:
    """Set each node's ``_grad`` to seed * d(root)/d(node); leaves accumulate."""
    with PASS_LOCK:
        _backward(root, seed)


def _backward(root: Any, seed: float) -> None:
    leaf_type = LEAF
    interior = _prepare_backward(root)
    root._grad = check = root._grad + seed  # d(root)/d(root), added like any other grad
    # Every sum below is also added into ``check``: an inf or nan anywhere,
    # or a sum that overflowed, leaves ``check`` inf or nan (inf - inf is
    # nan, and no finite number turns either back), so one test at the end
    # tells whether every gradient of this pass is finite. The same sum is
    # written twice, for leaves and for other nodes, so each line's
    # attribute accesses see one class of object (see LEAF).
    for node in reversed(interior):
        a = node._a
        g = node._grad
        if type(a) is leaf_type:
            a._grad = s = a._grad + g * node._da
        else:
            a._grad = s = a._grad + g * node._da
        check += s
        b = node._b
        if b is not None:
            if type(b) is leaf_type:
                b._grad = s = b._grad + g * node._db
            else:
                b._grad = s = b._grad + g * node._db
            check += s
    if type(check) is not float:  # grads holding Values from a create_graph pass
        check = _number(check)
    if check - check != 0.0:
        _refuse_overflowed_gradient([*reversed(interior), *_leaves_of(interior, root)],
                                    _grad_of, root, seed)  # fmt: skip


def _leaves_of(interior: list, root: Any) -> list:
    """The leaves the nodes of ``interior`` read from (``root`` when it is one)."""
    if not interior:
        return [root]
    parents = (p for node in interior for p in (node._a, node._b) if p is not None)
    return list(dict.fromkeys(p for p in parents if p._a is None))


def _grad_of(node: Any) -> Any:
    return node._grad


def _refuse_overflowed_gradient(
    children_first: Sequence, grad_of: Callable[[Any], Any], root: Any, seed: Any
) -> None:
    """Raise OverflowError naming where a gradient of finite numbers became inf or nan.

    ``children_first`` are the pass's nodes, each before its parents; ``grad_of``
    gives a node's gradient (None: not reached). The first edge whose product of
    finite numbers overflows is named, else the first node whose sum of finite
    contributions did. Nothing is raised for a nan or inf that came in through
    the data or the seed (it flows on, as in numpy), or when only a check's own
    sum overflowed.
    """
    if not (_finite(_number(root.data)) and _finite(_number(seed))):
        return
    if not all(_finite(_number(node.data)) for node in children_first):
        return
    for node in children_first:
        g = grad_of(node)
        if g is None:
            continue
        g = _number(g)
        if not _finite(g):
            raise OverflowError(
                f"backward: the gradient of {describe(node)} is {g!r}, though every number "
                "in the graph is finite: the sum of its contributions overflowed; rescale "
                "the inputs or constants"
            )
        for parent, local in zip(node.parents, node.local_grads):
            if _finite(local) and not _finite(g * local):
                raise _overflowed(parent, node, g, local)


def _overflowed(parent: Any, child: Any, upstream: float, local: float) -> OverflowError:
    return OverflowError(
        f"backward: the gradient of {describe(parent)} overflowed: it gets "
        f"{upstream!r} * {local!r} (the gradient of {describe(child)} times d{child.op}/d"
        f"{parent.label or 'input'}), which is {upstream * local!r}, too large for a float, "
        "though every number in the graph is finite; rescale the inputs or constants"
    )


def _finite(x: Any) -> bool:
    return x - x == 0.0


class Contribution(NamedTuple):
    """One edge of the backward walk: ``parent.grad += upstream * local``.

    ``child`` passes its gradient ``upstream`` (d root/d child) back to
    ``parent`` through ``local`` (d child/d parent, from the child's op);
    ``before`` is the parent's gradient so far (None: this is its first
    contribution) and ``after`` the running sum once this one is added.
    """

    child: Any
    parent: Any
    upstream: Any
    local: Any
    contribution: Any
    before: Any
    after: Any


def walk(order: Sequence, root: Any, math: Any = None, seed: Any = 1.0) -> Iterator[Contribution]:
    """The chain rule, one edge at a time, children before parents.

    ``order`` is ``topological_order(root)``. With ``math=None`` each edge's
    local derivative is the float its op stored at forward time; with a
    backend (``VALUE``), the child's op rule is run again on its parents, so
    the local derivatives, and so the gradients, are Values with graphs.
    ``seed`` is d root/d root (1, or the ``gradient`` given to ``backward``).

    >>> from autograd_lite import Value
    >>> x, y = Value(3.0, label="x"), Value(4.0, label="y")
    >>> f = x * y
    >>> [(c.parent.label, c.local, c.after) for c in walk(topological_order(f), f)]
    [('x', 4.0, 4.0), ('y', 3.0, 3.0)]
    """
    one = seed if type(seed) is float and seed == 1.0 else None
    grads: dict = {root: seed}
    get = grads.get
    for node in reversed(order):
        g = get(node)
        if g is None or not node.parents:
            continue
        for parent, local in _locals(node, math):
            # 1.0 * local is local exactly; skipping it keeps a "1 *" node
            # out of every gradient graph.
            contribution = local if g is one else g * local
            before = get(parent)
            after = contribution if before is None else before + contribution
            grads[parent] = after
            yield Contribution(node, parent, g, local, contribution, before, after)


def _locals(node: Any, math: Any) -> Iterator[tuple]:
    """``(parent, d node/d parent)`` for each parent, stored or recomputed on ``math``."""
    parents = node.parents
    if math is None:
        return zip(parents, node.local_grads)
    op = node.operation
    try:
        result = op.rule(math, *parents)
    except (ValueError, ArithmeticError) as e:
        raise _not_twice_differentiable(node, e) from e
    if len(result) != len(parents) + 1:
        raise TypeError(
            f"op {op.name!r}: its rule returned {len(result)} values on Values, "
            f"not the output and {len(parents)} derivative(s)"
        )
    return zip(parents, result[1:])


def _not_twice_differentiable(node: Any, error: Exception) -> Exception:
    """The error of rebuilding ``node``'s local derivatives on Values, in the user's terms."""
    op = node.operation
    names = [p.label or "input" for p in node.parents]
    shown = " and ".join(describe(p) for p in node.parents)
    message = (
        f"{op.formula(names)}: its derivative can't be differentiated again at {shown} "
        f"(second derivatives: create_graph=True, nested grad, hessian); building the "
        f"derivative as a graph failed with: {error}"
    )
    try:
        return type(error)(message)
    except TypeError:
        return ValueError(message)


def chain_rule(order: Sequence, root: Any, math: Any = None, seed: Any = 1.0) -> dict:
    """seed * d(root)/d(node) for the nodes in ``order``, as a dict; mutates nothing.

    The sums ``walk`` builds: each node's last running sum is its gradient.
    """
    grads: dict = {root: seed}
    for c in walk(order, root, math, seed):
        grads[c.parent] = c.after
    return grads


def backward_graph(root: Any, math: Any, value_type: type, seed: Any = 1.0) -> None:
    """``backward(create_graph=True)``: like ``backward`` but grads are new Values.

    A gradient that would be a node of the graph itself (``x * w`` gives
    d/dx = ``w``) becomes a copy of it, so no node's grad is another node
    of the forward graph (a grad's own grad would then write into it).
    """
    with PASS_LOCK:
        order = topological_order(root)
        grads = chain_rule(order, root, math, seed)
        check_finite_gradients(order, grads, root, seed)
        _store_new_grads(order, grads, math, value_type)


def _store_new_grads(order: list, grads: dict, math: Any, value_type: type) -> None:
    forward = set(order)
    for node in order:
        g = grads.get(node, 0.0)
        if node._a is None and node._record is None and node._grad is not None:
            g = node._grad + g  # a leaf adds up; a constant (a number) holds this pass's
        if not isinstance(g, value_type):
            g = math.constant(g)
        elif g in forward:
            g = math.copy(g)
        node._grad = g


def gradients(root: Any, inputs: Sequence, math: Any = None) -> list:
    """d(root)/d(x) for each x in ``inputs`` (0.0 where root does not depend on x)."""
    order = topological_order(root)
    grads = chain_rule(order, root, math)
    check_finite_gradients(order, grads, root, 1.0)
    return [grads.get(x, 0.0) for x in inputs]


def check_finite_gradients(order: Sequence, grads: dict, root: Any, seed: Any) -> None:
    """OverflowError naming where a gradient of finite numbers in ``grads`` (``chain_rule``'s,
    over ``order``) became inf or nan; nothing when a nan or inf came in through the data."""
    total = sum(_number(g) for g in grads.values())
    if total - total != 0.0:
        _refuse_overflowed_gradient(order[::-1], grads.get, root, seed)


def _number(x: Any) -> Any:
    return x.data if hasattr(x, "data") else x
