"""How a compiled program runs: what it copies, what it skips, and that neither changes a number.

A step's result is an array that the next steps read as it is (only what
is read together with other steps' rows, or is an output, is copied into
the value table); the inputs are read from the caller's arrays; W and b
are views into the leaf values; a call may skip the inputs' gradients;
the rules get a backend without nan checks when every leaf is finite.
Each is held here to the plain way of computing the same thing.
"""

from __future__ import annotations

import numpy as np
import pytest

from autograd_lite import Value, compile_batched
from autograd_lite.batched import compiler
from autograd_lite.batched.leaf_buffers import LeafBuffers, grid_view
from autograd_lite.batched.lowering import LinearStep
from autograd_lite.batched.numpy_math import NUMPY, NUMPY_FINITE
from autograd_lite.engine.float_math import FLOAT
from nn import MLP, softmax_cross_entropy

RNG = np.random.default_rng(11)


def moons_graph(seed: int = 0):
    model = MLP(2, [16, 16, 1], seed=seed)
    graph = compile_batched(lambda x, t: (1.0 - t * model(x)).relu(), [0.5, 0.5], 1.0, params=model)
    return model, graph


def same(a: np.ndarray, b: np.ndarray) -> bool:
    return np.array_equal(a, b, equal_nan=True)


def test_skipping_the_input_gradients_changes_no_other_number():
    _, graph = moons_graph()
    X, t = RNG.normal(size=(200, 2)), np.sign(RNG.normal(size=200))
    full = graph(X, t, reduce="mean")
    light = graph(X, t, reduce="mean", input_grads=False)
    again = graph(X, t, reduce="mean")
    assert light.input_grads is None
    assert light.value == full.value
    assert same(light.values, full.values) and same(light.param_grads, full.param_grads)
    for a, b in zip(again.input_grads, full.input_grads):
        assert same(a, b)


def test_a_batch_run_in_chunks_gives_the_numbers_of_one_run(monkeypatch):
    model = MLP(2, [6, 6, 3], seed=2)
    graph = compile_batched(
        lambda x, t: softmax_cross_entropy(model(x), t), [0.5, 0.5], [1.0, 0.0, 0.0], params=model
    )
    X, T = RNG.normal(size=(50, 2)), np.eye(3)[RNG.integers(0, 3, size=50)]
    whole = graph(X, T, reduce="sum")
    monkeypatch.setattr(compiler, "_CHUNK_BYTES", 8 * graph.program.n_rows * 7)  # 7 a chunk
    chunked = compile_batched(
        lambda x, t: softmax_cross_entropy(model(x), t), [0.5, 0.5], [1.0, 0.0, 0.0], params=model
    )
    assert len(chunked._chunks(50)) == 8
    parts = chunked(X, T, reduce="sum")
    # BLAS may add up a product of 7 columns in another order than one of 50: rounding.
    np.testing.assert_allclose(parts.values, whole.values, rtol=1e-13)
    np.testing.assert_allclose(parts.param_grads, whole.param_grads, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(parts.input_grads[0], whole.input_grads[0], rtol=1e-12)


def scalar_values_and_grads(fn, columns):
    """fn on Values, one sample at a time: its outputs and the inputs' gradients."""
    outs, grads = [], []
    for row in zip(*columns):
        xs = [Value(float(v)) for v in row]
        out = fn(*xs)
        out.backward()
        outs.append(out.data)
        grads.append([x.grad for x in xs])
    return np.array(outs), np.array(grads).T


def test_a_step_reading_rows_of_two_inputs_and_an_input_that_is_the_output():
    # One step of two products reads s next to v[0] and v[1]: rows of two inputs at once.
    f = compile_batched(lambda v, s: (v[0] * s).tanh() + (s * v[1]).tanh(), [0.3, 0.2], 0.5)
    V, S = RNG.normal(size=(9, 2)), RNG.normal(size=9)
    r = f(V, S, reduce="sum")
    want, grads = scalar_values_and_grads(
        lambda a, b, s: (a * s).tanh() + (s * b).tanh(), [*V.T, S]
    )
    np.testing.assert_allclose(r.values, want, rtol=1e-12)
    np.testing.assert_allclose(r.input_grads[0], grads[:2].T, rtol=1e-12)
    np.testing.assert_allclose(r.input_grads[1], grads[2], rtol=1e-12)
    g = compile_batched(lambda x, y: x, 1.0, 2.0)
    out = g(np.array([3.0, -4.0]), np.array([5.0, 6.0]), reduce="sum")
    assert out.values.tolist() == [3.0, -4.0]
    assert out.input_grads[0].tolist() == [1.0, 1.0] and out.input_grads[1].tolist() == [0.0, 0.0]


def test_a_layer_copies_nothing_into_the_value_table_but_the_output():
    _, graph = moons_graph()
    plan = graph._forward_plan
    n_steps = len(graph.program.steps)
    copied = [i for i in range(n_steps) if plan.to_table[i]]
    assert copied == [n_steps - 1]  # the loss's row, read back as the result
    assert not any(plan.to_table[n_steps:])  # the inputs are read from the caller's arrays


def test_weights_and_biases_are_views_into_the_leaf_values():
    _, graph = moons_graph()
    leaves = graph._leaves
    linear = [i for i, s in enumerate(graph.program.steps) if isinstance(s, LinearStep)]
    assert len(linear) == 3
    for i in linear:
        W, b = leaves.matrices(i)
        assert np.shares_memory(W, leaves.values) and np.shares_memory(b, leaves.values)
        step = graph.program.steps[i]
        assert same(W, leaves.values[step.weights])
        assert same(b[:, 0], leaves.values[step.bias])


def test_shared_weights_are_gathered_and_their_gradients_added_up():
    w = Value(0.7, label="w")
    u = Value(-0.4, label="u")
    f = compile_batched(lambda x, y: (w * x + u * y).tanh() * (u * x + w * y), 0.5, 0.5)
    X, Y = RNG.normal(size=7), RNG.normal(size=7)
    r = f(X, Y, reduce="sum")
    grads = np.zeros(2)
    for x, y in zip(X, Y):
        w.grad = u.grad = 0.0
        out = (w * float(x) + u * float(y)).tanh() * (u * float(x) + w * float(y))
        out.backward()
        grads += [w.grad, u.grad]
    np.testing.assert_allclose(r.param_grads, grads, rtol=1e-12)


def test_grid_view_is_a_view_exactly_when_the_indices_are_evenly_spaced():
    a = np.arange(20.0)
    for index in (np.array([[0, 1, 2], [5, 6, 7]]), np.array([3, 7, 11]), np.array([[4]])):
        view = grid_view(a, index)
        assert view is not None and np.shares_memory(view, a) and same(view, a[index])
    for index in (np.array([2, 1]), np.array([[0, 1], [5, 7]]), np.array([1, 4, 6])):
        assert grid_view(a, index) is None


def test_leaf_buffers_take_each_calls_parameters_and_zero_the_gradients():
    w = [Value(1.0, label="a"), Value(2.0, label="b"), Value(3.0, label="c")]
    f = compile_batched(lambda x, y: w[0] * x + w[1] * y + w[2], 1.0, 1.0, params=w)
    leaves = LeafBuffers(f.program)
    leaves.load(np.array([5.0, 6.0, 7.0]))
    leaves.grads += 1.0
    leaves.load(np.array([8.0, 9.0, 10.0]))
    W, b = leaves.matrices(0)
    assert W.tolist() == [[8.0, 9.0]] and b.tolist() == [[10.0]]
    assert not leaves.grads.any() and leaves.fresh


@pytest.mark.parametrize("fn", ["relu", "step"])
def test_numpy_relu_and_step_are_floats_relu_and_step_sign_of_zero_and_nan_included(fn):
    x = np.array([-2.0, -0.0, 0.0, 1e-300, 3.5, -np.inf, np.inf, np.nan] * 5)
    got = getattr(NUMPY, fn)(x)
    want = np.array([getattr(FLOAT, fn)(v) for v in x.tolist()])
    assert same(got, want) and same(np.signbit(got), np.signbit(want))
    finite = x[np.isfinite(x)]
    got = getattr(NUMPY_FINITE, fn)(finite)
    want = np.array([getattr(FLOAT, fn)(v) for v in finite.tolist()])
    assert same(got, want) and same(np.signbit(got), np.signbit(want))
    rows = np.tile(x, (3, 1))[:, ::3]  # strided rows, as a step's operand can be
    assert same(getattr(NUMPY, fn)(rows), np.tile(getattr(NUMPY, fn)(x[::3]), (3, 1)))


def test_a_nan_parameter_flows_through_relu_layers_as_in_the_scalar_engine():
    model, graph = moons_graph(seed=4)
    params = model.parameters()
    data = np.array([p.data for p in params])
    data[5] = np.nan  # a first-layer weight
    X, t = RNG.normal(size=(6, 2)), np.sign(RNG.normal(size=6))
    r = graph(X, t, reduce="sum", param_values=data)
    params[5].data = np.nan
    for k, (x, ti) in enumerate(zip(X, t)):
        out = (1.0 - float(ti) * model([float(v) for v in x])).relu()
        assert same(np.array(r.values[k]), np.array(out.data))
    assert np.isnan(r.param_grads).any()
