"""Lowering (batched_lowering.py) against the scalar engine, sample by sample.

The reference is the scalar engine: each sample built as an ordinary graph
of Values and differentiated with backward(). A lowered graph sums each
layer in a matrix product's order instead of the chain's, so values must
agree to 1e-12 and gradients to 1e-10 (relative, or absolute near 0);
training curves of 100 steps to 1e-9.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from autograd_lite import Value, compile_batched, custom_op, logsumexp
from autograd_lite.batched.lowering import LinearStep, lower
from autograd_lite.batched.program import ProgramStep
from nn import (
    MLP,
    SGD,
    Adam,
    fit,
    hinge,
    l2_penalty,
    make_moons,
    make_spiral,
    softmax_cross_entropy,
    to_signed,
)

VALUES, GRADIENTS = 1e-12, 1e-10


def values_close(got, want) -> None:
    np.testing.assert_allclose(got, want, rtol=VALUES, atol=VALUES)


def gradients_close(got, want) -> None:
    np.testing.assert_allclose(got, want, rtol=GRADIENTS, atol=GRADIENTS)


def scalar_per_sample(fn, params, *columns):
    """The scalar engine on each sample: outputs, input gradients, summed parameter gradients."""
    outs, input_grads, param_grads = [], [], np.zeros(len(params))
    for row in zip(*columns):
        args = [
            [Value(float(v)) for v in col] if np.ndim(col) else Value(float(col)) for col in row
        ]
        for p in params:
            p.grad = 0.0
        out = fn(*args)
        out.backward()
        outs.append(out.data)
        input_grads.append([[v.grad for v in a] if isinstance(a, list) else a.grad for a in args])
        param_grads += [p.grad for p in params]
    return np.array(outs), input_grads, param_grads


def check_lowered(fn, columns, params, *, lifts=None):
    """Run ``fn`` lowered on the batch; compare with the scalar engine; return the graph.

    ``params`` may list more Values than ``fn`` reads (the shared W): only
    those its graph reaches are given to compile_batched, which refuses the rest.
    """
    example = [c[0].tolist() if np.ndim(c) == 2 else float(c[0]) for c in columns]
    params = used_by(fn, example, params)
    graph = compile_batched(fn, *example, params=params)
    if lifts is not None:
        assert count_linear(graph) == lifts, graph.program
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy RuntimeWarning may escape
        result = graph(*columns, reduce="sum")
    outs, input_grads, param_grads = scalar_per_sample(fn, params, *columns)
    values_close(result.values, outs)
    for k, got in enumerate(result.input_grads):
        gradients_close(got, np.array([g[k] for g in input_grads]))
    gradients_close(result.param_grads, param_grads)
    return graph


def used_by(fn, example, params):
    """The Values of ``params`` that ``fn``'s graph at ``example`` reads, in their order."""
    args = [[Value(v) for v in e] if isinstance(e, list) else Value(e) for e in example]
    reached = {id(n) for n in fn(*args).topological_order()}
    return [p for p in params if id(p) in reached]


def count_linear(graph) -> int:
    return sum(isinstance(step, LinearStep) for step in graph.program.steps)


# --- MLPs: each layer becomes one matrix product ---------------------------------------

MLPS = [
    # nin, nouts, activation, loss
    (2, [16, 16, 1], "relu", "hinge"),
    (3, [8, 5, 4], "tanh", "softmax"),
    (4, [6, 6, 6, 2], "softplus", "softmax"),
    (2, [4, 4, 1], "linear", "hinge"),
    (5, [3], "relu", "softmax"),
    (1, [7, 2], "sigmoid", "squared"),
]


@pytest.mark.parametrize(("nin", "nouts", "activation", "loss"), MLPS)
def test_a_lowered_mlp_equals_the_scalar_engine_per_sample(nin, nouts, activation, loss):
    rng = np.random.default_rng(len(nouts) + nin)
    model = MLP(nin, nouts, activation=activation, seed=nin)
    for p in model.parameters():  # biases too, so no term is exactly zero
        p.data += rng.normal(scale=0.1)
    params = model.parameters()
    X = rng.normal(size=(40, nin))
    lifts = sum(1 for size in [nin, *nouts[:-1]] if size >= 2)  # a layer reading one input
    if loss == "hinge":  # stays as it is: its sums have one product each
        t = rng.choice([-1.0, 1.0], size=len(X))
        check_lowered(lambda x, t: hinge_of(model(x), t), (X, t), params, lifts=lifts)
    elif loss == "squared":
        targets = rng.normal(size=(len(X), nouts[-1]))
        check_lowered(lambda x, y: squared(model(x), y), (X, targets), params, lifts=lifts)
    else:
        for k in range(nouts[-1]):  # the class as a number in the graph, as the scalar path
            fn = lambda x, k=k: softmax_cross_entropy(model(x), k)  # noqa: E731
            check_lowered(fn, (X,), params, lifts=lifts)


def hinge_of(score, t):
    return (1.0 - t * score).relu()  # hinge with the label as an input


def squared(outputs, targets):
    return 0.5 * sum(((t - o) ** 2 for o, t in zip(outputs, targets)), Value(0.0))


def test_mlp_2_16_16_1_lowers_to_three_matrix_products_and_nothing_else_of_its_layers():
    model = MLP(2, [16, 16, 1], seed=0)
    graph = compile_batched(lambda x, t: hinge_of(model(x), t), [0.5, 0.5], 1.0, params=model)
    kinds = [
        step.describe().split(" = ")[1] if isinstance(step, LinearStep) else step.what()
        for step in graph.program.steps
    ]
    assert kinds == [
        "W[16x2] @ r[0, 1] + b",
        "relu, 16 nodes",
        "W[16x16] @ r20..35 + b",
        "relu, 16 nodes",
        "W[1x16] @ r52..67 + b",
        "*",
        "-",
        "relu",
    ]
    shown = str(graph.program)
    assert "r4..19 = W[16x2] @ r[0, 1] + b" in shown
    assert "16 sums of 16 products (512 nodes, layers.1.neurons)" in shown
    assert "337 parameters (0 in rows)" in shown
    # and the plain program is still there, a step per depth of each layer's chains:
    # its products, an addition per input, the activation; then the loss's three
    assert len(graph.plain_program.steps) == (1 + 2 + 1) + (1 + 16 + 1) + (1 + 16) + 3
    assert sum(s.absorbed for s in graph.program.steps if isinstance(s, LinearStep)) == (
        16 * 4 + 16 * 32 + 32
    )


def test_lower_false_runs_the_plain_program_with_the_same_numbers():
    model = MLP(3, [6, 2], activation="tanh", seed=3)
    X = np.random.default_rng(3).normal(size=(20, 3))
    fn = lambda x: softmax_cross_entropy(model(x), 1)  # noqa: E731
    plain = compile_batched(fn, [0.1, 0.2, 0.3], params=model, lower=False)
    lowered = compile_batched(fn, [0.1, 0.2, 0.3], params=model)
    assert plain.program is plain.plain_program
    assert not any(isinstance(s, LinearStep) for s in plain.program.steps)
    a, b = plain(X, reduce="mean"), lowered(X, reduce="mean")
    values_close(b.values, a.values)
    gradients_close(b.param_grads, a.param_grads)
    gradients_close(b.input_grads[0], a.input_grads[0])


def test_lower_refuses_a_program_that_is_already_lowered():
    model = MLP(2, [3, 1], seed=0)
    graph = compile_batched(lambda x: model(x), [0.5, 0.5], params=model)
    with pytest.raises(ValueError, match="plain program"):
        lower(graph.program)


# --- sums that are not quite layers -------------------------------------------------------

RNG = np.random.default_rng(7)
W = [Value(float(v), label=f"w{i}") for i, v in enumerate(RNG.normal(size=12))]
COLUMNS = tuple(RNG.normal(size=30) for _ in range(3))


def test_products_in_either_order_and_a_bias_anywhere_in_the_sum():
    def fn(x, y, z):
        a = x * W[0] + W[1] * y + z * W[2] + W[3]  # bias last
        b = W[4] + (W[5] * x + (y * W[6] + W[7] * z))  # a tree, not a chain
        c = W[8] * z + W[9] * y + W[10] * x  # no bias
        return (a.tanh() * b.sigmoid() + c.tanh()).relu() + a * 0.5

    graph = check_lowered(fn, COLUMNS, W)
    (linear,) = [s for s in graph.program.steps if isinstance(s, LinearStep)]
    assert linear.weights.shape == (3, 3) and linear.bias is not None


def test_a_partial_sum_read_elsewhere_keeps_its_own_row():
    def fn(x, y, z):
        partial = W[0] * x + W[1] * y  # read twice: by the sum below and by tanh
        whole = partial + W[2] * z + W[3]
        return whole * partial.tanh()

    check_lowered(fn, COLUMNS, W)


def test_a_weight_shared_by_two_sums_and_repeated_within_one_gets_every_contribution():
    def fn(x, y, z):
        a = W[0] * x + W[0] * y + W[1]  # one weight for two inputs
        b = W[0] * x + W[2] * y + W[1]  # and again in the next neuron, same bias
        return a * b + a.exp()

    graph = check_lowered(fn, COLUMNS, W)
    (linear,) = [s for s in graph.program.steps if isinstance(s, LinearStep)]
    assert linear.unique == (False, False)


def test_an_input_read_twice_by_one_sum_is_left_to_the_plain_steps():
    def fn(x, y, z):
        return (W[0] * x + W[1] * x + W[2] * y + W[3]).tanh()

    check_lowered(fn, COLUMNS, W, lifts=0)


def test_constant_weights_and_a_residual_term():
    def fn(x, y, z):
        mixed = 0.5 * x + 2.0 * y + W[4] * z  # constants and a parameter as weights
        return (mixed + x).tanh()  # + x: not a product, so the sum stops before it

    check_lowered(fn, COLUMNS, W, lifts=1)


def test_the_output_and_an_aux_value_can_be_sums_of_products():
    fn = lambda x, y, z: W[0] * x + W[1] * y + W[2] * z  # noqa: E731
    check_lowered(fn, COLUMNS, W, lifts=1)
    graph = compile_batched(
        lambda x, y: (W[0] * x + W[1] * y, [W[2] * x + W[3] * y]), 1.0, 2.0, has_aux=True
    )
    values, aux = graph.forward(COLUMNS[0], COLUMNS[1])
    want = [
        (W[0].data * a + W[1].data * b, W[2].data * a + W[3].data * b) for a, b in zip(*COLUMNS[:2])
    ]
    values_close(values, [v for v, _ in want])
    values_close(aux[:, 0], [a for _, a in want])


def test_vector_inputs_feed_a_layer_straight_from_the_input_rows():
    model = MLP(4, [5, 1], activation="tanh", seed=2)
    X = RNG.normal(size=(25, 4))
    t = RNG.choice([-1.0, 1.0], size=25)
    check_lowered(lambda x, t: hinge_of(model(x), t), (X, t), model.parameters(), lifts=2)


def test_the_l2_penalty_of_the_parameters_alone_becomes_one_dot_product():
    model = MLP(3, [5, 2], seed=4)
    params = model.parameters()
    graph = compile_batched(lambda: l2_penalty(params, 1e-3), params=params)
    (linear,) = [s for s in graph.program.steps if isinstance(s, LinearStep)]
    assert linear.weights.shape == (1, len(params))
    result = graph(reduce="sum")
    penalty = l2_penalty(params, 1e-3)
    model.zero_grad()
    penalty.backward()
    values_close(result.value, penalty.data)
    gradients_close(result.param_grads, [p.grad for p in params])
    gradients_close(result.param_grads, [2e-3 * p.data for p in params])  # closed form


# --- domain checks run once per array operation -------------------------------------------


def test_a_domain_check_runs_once_per_layer_not_once_per_node():
    calls = []

    def positive(x):
        calls.append(np.shape(x))
        return x > -1e300

    @custom_op("counted_tanh", domain=positive, needs="x > -1e300")
    def counted_tanh(m, x):
        return m.tanh(x), 1.0 - m.tanh(x) ** 2

    model = MLP(3, [8, 8, 1], activation="counted_tanh", seed=0)
    graph = compile_batched(lambda x: model(x), [0.1, 0.2, 0.3], params=model)
    calls.clear()
    graph.forward(RNG.normal(size=(50, 3)))
    assert calls == [(8, 50), (8, 50)]  # two hidden layers: two checks, each on a whole layer


def test_a_domain_error_after_a_matrix_product_names_the_sample_and_node():
    w = [Value(1.0, label="w0"), Value(-1.0, label="w1")]

    def fn(x, y):
        s = w[0] * x + w[1] * y
        s.label = "s"
        return s.log()

    graph = compile_batched(fn, 10.0, 1.0, params=w)
    with pytest.raises(
        ValueError,
        match=r"log: needs x > 0, but got Value 's' \(data=0.0\) "
        r"in sample 2 of the batch",
    ):
        graph(np.array([3.0, 2.0, 5.0]), np.array([1.0, 1.0, 5.0]), reduce="sum")


def test_a_sum_of_products_that_overflows_raises_like_the_scalar_engine_naming_the_sample():
    w = [Value(1e300, label="w0"), Value(1e300, label="w1")]

    def fn(x, y):
        s = w[0] * x + w[1] * y
        s.label = "s"
        return s.tanh()

    graph = compile_batched(fn, 1.0, 1.0, params=w)
    assert count_linear(graph) == 1
    x, y = np.array([1.0, 2.0, 1e10]), np.array([1.0, -3.0, 1.0])
    with pytest.raises(OverflowError):  # the scalar engine, on sample 2
        fn(Value(1e10), Value(1.0))
    with pytest.raises(OverflowError, match=r"in sample 2 of the batch, computing node 's'"):
        graph(x, y, reduce="sum")
    check_lowered(fn, (x[:2], y[:2]), w)  # the first two samples are fine


# --- the backward pass writes first contributions instead of adding to zeros ---------------


def test_gradients_do_not_depend_on_what_the_buffers_held_before():
    model = MLP(2, [6, 6, 3], seed=5)
    fn = lambda x: softmax_cross_entropy(model(x), 2) + model(x)[0] * model(x)[1]  # noqa: E731
    graph = compile_batched(fn, [0.3, 0.4], params=model)
    X = RNG.normal(size=(12, 2))
    first = graph(X, reduce="sum")
    _, V, G = graph._buffers
    V[graph.program.leaf_rows :] = np.nan  # every row a step computes
    G.fill(np.nan)
    again = graph(X, reduce="sum")
    assert np.array_equal(first.values, again.values)
    assert np.array_equal(first.param_grads, again.param_grads)
    assert np.array_equal(first.input_grads[0], again.input_grads[0])


# --- random graphs that are not layers ----------------------------------------------------

UNARY = {
    "tanh": lambda a: a.tanh(),
    "sigmoid": lambda a: a.sigmoid(),
    "relu": lambda a: a.relu(),
    "square": lambda a: a * a,
    "exp": lambda a: a.tanh().exp(),
    "log": lambda a: (a * a + 0.5).log(),
}
BINARY = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / (b * b + 0.5),
}

ops = st.one_of(
    st.tuples(st.just("unary"), st.sampled_from(sorted(UNARY)), st.integers(0, 99)),
    st.tuples(
        st.just("binary"), st.sampled_from(sorted(BINARY)), st.integers(0, 99), st.integers(0, 99)
    ),
    # 1-3 sums of products over the same rows (a small layer): which rows, which
    # weights from a pool of 6, whether there is a bias, which order, how many units
    st.tuples(
        st.just("sum"),
        st.lists(st.integers(0, 99), min_size=1, max_size=4),
        st.lists(st.integers(0, 5), min_size=4, max_size=4),
        st.booleans(),
        st.booleans(),
        st.integers(1, 3),
    ),
)


def build(program, inputs, weights):
    vals = list(inputs)
    for op in program:
        if op[0] == "unary":
            vals.append(UNARY[op[1]](vals[op[2] % len(vals)]))
        elif op[0] == "binary":
            vals.append(BINARY[op[1]](vals[op[2] % len(vals)], vals[op[3] % len(vals)]))
        else:
            _, reads, ws, bias, flip, units = op
            xs = [vals[r % len(vals)] for r in reads]
            for unit in range(units):
                unit_ws = [weights[(w + unit) % len(weights)] for w in ws]
                terms = [(x * w if flip else w * x) for x, w in zip(xs, unit_ws)]
                if bias:
                    terms.insert(len(terms) // 2, unit_ws[-1])
                total = terms[0]
                for t in terms[1:]:
                    total = total + t
                vals.append(total.tanh() if flip else total)
    out = vals[len(inputs)]
    for v in vals[len(inputs) + 1 :]:
        out = out + v
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    program=st.lists(ops, min_size=1, max_size=14),
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 9),
)
def test_random_graphs_lowered_equal_the_scalar_engine(program, seed, n):
    rng = np.random.default_rng(seed)
    weights = [Value(float(v), label=f"w{i}") for i, v in enumerate(rng.normal(size=6))]
    columns = tuple(rng.uniform(-2.0, 2.0, size=n) for _ in range(3))

    def fn(x, y, z):
        return build(program, [x, y, z, Value(1.5)], weights)

    for row in zip(*columns):  # keep to well-scaled graphs, where the tolerances mean something
        order = fn(*[Value(float(v)) for v in row]).topological_order()
        assume(all(abs(node.data) < 1e6 for node in order))
    check_lowered(fn, columns, weights)


def test_the_random_graphs_do_lift_sums_of_products():
    weights = [Value(float(v), label=f"w{i}") for i, v in enumerate(RNG.normal(size=6))]
    program = [
        ("sum", [0, 1, 2], [0, 1, 2, 3], True, False, 1),
        ("unary", "tanh", 4),
        ("sum", [1, 0, 2], [3, 4, 5, 0], False, True, 1),
    ]
    graph = check_lowered(
        lambda x, y, z: build(program, [x, y, z, Value(1.5)], weights), COLUMNS, weights
    )
    (linear,) = [s for s in graph.program.steps if isinstance(s, LinearStep)]
    assert linear.weights.shape == (2, 3)  # the two sums read x, y, z: one product
    assert any(isinstance(s, ProgramStep) and s.op is not None for s in graph.program.steps)


# --- training: 100 steps, the same loss curve as the scalar path --------------------------


def curves(make_model, make_optimizer, X, y, **kwargs):
    runs = []
    for batched in (False, True):
        model = make_model()
        history = fit(model, X, y, optimizer=make_optimizer(model), batched=batched, **kwargs)
        runs.append((history, model.state_dict()))
    (h1, s1), (h2, s2) = runs
    np.testing.assert_allclose(h2.loss, h1.loss, rtol=1e-9, atol=1e-9)
    assert h2.accuracy == h1.accuracy
    np.testing.assert_allclose([s2[k] for k in s1], [s1[k] for k in s1], rtol=1e-9, atol=1e-9)
    return h1


@pytest.mark.slow
def test_100_sgd_steps_on_moons_follow_the_scalar_loss_curve():
    X, labels = make_moons(24, seed=8)
    h = curves(
        lambda: MLP(2, [8, 8, 1], seed=8),
        lambda m: SGD(m, lr=lambda t: 1.0 - 0.9 * t / 100),
        X,
        to_signed(labels),
        loss=hinge,
        l2=1e-4,
        epochs=100,
    )
    assert len(h.loss) == 100 and h.loss[-1] < h.loss[0] / 2


@pytest.mark.slow
def test_100_adam_steps_with_softmax_cross_entropy_follow_the_scalar_loss_curve():
    X, y = make_spiral(24, classes=3, seed=9)
    h = curves(
        lambda: MLP(2, [8, 6, 3], activation="tanh", seed=9),
        lambda m: Adam(m, lr=0.02),
        X,
        y,
        loss=softmax_cross_entropy,
        epochs=100,
    )
    assert h.loss[-1] < h.loss[0] / 2


def test_logsumexp_of_layer_outputs_is_lowered_and_exact():
    model = MLP(3, [5, 4], seed=6)
    X = RNG.normal(size=(15, 3)) * 3
    check_lowered(lambda x: logsumexp(model(x)), (X,), model.parameters(), lifts=2)
