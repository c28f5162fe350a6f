"""compile_batched against the scalar engine, sample by sample: every op, random graphs.

The reference is the scalar engine itself: each sample is built as an
ordinary graph of Values and differentiated with backward(). The batched
graph must give the same output and the same gradients for every sample,
to 1e-12 (numpy's exp/log may differ from libm's in the last bit).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from autograd_lite import Value, log_softmax, logsumexp, softmax
from autograd_lite.batched.compiler import compile_batched
from autograd_lite.batched.numpy_math import NUMPY
from autograd_lite.engine import ops
from autograd_lite.engine.float_math import FLOAT
from autograd_lite.engine.value import apply

TOL = 1e-12


def close(a, b) -> None:
    np.testing.assert_allclose(a, b, rtol=TOL, atol=TOL)


def scalar_per_sample(fn, params, *columns):
    """The scalar engine on each sample: outputs, input gradients, summed parameter gradients."""
    outs, input_grads, param_grads = [], [], np.zeros(len(params))
    for row in zip(*columns):
        xs = [Value(float(v)) for v in row]
        for p in params:
            p.grad = 0.0
        out = fn(*xs)
        out.backward()
        outs.append(out.data)
        input_grads.append([x.grad for x in xs])
        param_grads += [p.grad for p in params]
    return np.array(outs), np.array(input_grads).T, param_grads


def check_against_scalar(fn, columns, params=()):
    params = list(params)
    graph = compile_batched(fn, *[float(c[0]) for c in columns], params=params)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy RuntimeWarning may escape
        result = graph(*columns, reduce="sum")
    outs, input_grads, param_grads = scalar_per_sample(fn, params, *columns)
    close(result.values, outs)
    for got, want in zip(result.input_grads, input_grads):
        close(got, want)
    close(result.param_grads, param_grads)
    close(result.value, outs.sum())
    return result


# --- every built-in op, on its whole domain -------------------------------------------

WIDE = np.array([-1000.0, -40.0, -3.5, -1.0, -1e-9, -0.0, 0.0, 1e-9, 0.3, 1.0, 2.5, 40.0, 1000.0])
POSITIVE = np.array([1e-300, 1e-9, 0.1, 0.5, 1.0, 2.0, 7.5, 1e9, 1e300])
RNG = np.random.default_rng(0)
PAIRS = (RNG.normal(size=40) * 3, RNG.normal(size=40) * 3)

# op -> (functions of placeholders, sample columns): each rule with Values and
# numbers on either side, including the stable forms' large |x|.
CASES = {
    "+": [(lambda x, y: x + y, PAIRS), (lambda x: 2.5 + x, (WIDE,)), (lambda x: x + x, (WIDE,))],
    "-": [(lambda x, y: x - y, PAIRS), (lambda x: 1.0 - x, (WIDE,))],
    "*": [(lambda x, y: x * y, PAIRS), (lambda x: x * x, (WIDE,)), (lambda x: 3 * x, (WIDE,))],
    # 1 / 1e-300 is finite but its derivative -1/x**2 is not: refused (test_refusals.py)
    "/": [(lambda x, y: x / y, PAIRS), (lambda x: 1.0 / x, (POSITIVE[1:-1],))],
    "**": [
        (lambda x, y: x**y, (np.abs(PAIRS[0]) + 0.1, PAIRS[1])),
        (lambda x: 2**x, (np.array([-30.0, -1.0, 0.0, 0.5, 10.0, 1000.0]),)),
    ],
    "neg": [(lambda x: -x, (WIDE,))],
    "copy": [(lambda x: apply(ops.COPY, x) * 2.0, (WIDE,))],
    "abs": [(lambda x: abs(x), (WIDE,))],
    "exp": [(lambda x: x.exp(), (np.array([-1000.0, -745.0, -1.0, 0.0, 1.0, 300.0, 709.0]),))],
    "log": [(lambda x: x.log(), (POSITIVE,))],
    "sqrt": [(lambda x: x.sqrt(), (POSITIVE,))],
    "tanh": [(lambda x: x.tanh(), (WIDE,))],
    "sigmoid": [(lambda x: x.sigmoid(), (WIDE,))],
    "relu": [(lambda x: x.relu(), (WIDE,))],
    "softplus": [(lambda x: x.softplus(), (WIDE,))],
    "step": [(lambda x: x.step(), (WIDE,))],
    "sin": [(lambda x: x.sin(), (WIDE,))],
    "cos": [(lambda x: x.cos(), (WIDE,))],
    "logaddexp": [
        (lambda x, y: apply(ops.LOGADDEXP, x, y), PAIRS),
        (lambda x: apply(ops.LOGADDEXP, x, Value(0.0)), (WIDE,)),
        (lambda x: apply(ops.LOGADDEXP, x, x), (WIDE,)),
    ],
}
POWERS = [0, 1, 2, 3, 7, -1, -2, 0.5, 1.5, 2.5, -0.5, 1 / 3]


def every_builtin_op() -> set[str]:
    return {name for name, op in ops.REGISTRY.items() if op.builtin}


def test_the_cases_cover_every_builtin_op():
    assert every_builtin_op() == set(CASES)


@pytest.mark.parametrize("op", sorted(CASES))
def test_each_rule_batched_equals_the_scalar_engine_per_sample(op):
    for fn, columns in CASES[op]:
        check_against_scalar(fn, columns)


@pytest.mark.parametrize("n", POWERS)
def test_x_to_a_constant_power_equals_the_scalar_engine(n):
    moderate = POSITIVE[1:-1]  # (1e300) ** 2 overflows: test_refusals.py checks that
    xs = moderate if not float(n).is_integer() else np.concatenate([WIDE[2:-2], moderate])
    if n < 0:
        xs = xs[xs != 0.0]
    check_against_scalar(lambda x: x**n, (xs,))


def test_sigmoid_and_softplus_at_large_x_match_the_scalar_forms_exactly():
    x = np.array([-1000.0, -745.0, -40.0, 40.0, 745.0, 1000.0])
    assert NUMPY.sigmoid(x).tolist() == [FLOAT.sigmoid(v) for v in x.tolist()]
    assert NUMPY.softplus(x).tolist() == [FLOAT.softplus(v) for v in x.tolist()]


def test_step_relu_sign_treat_zero_and_nan_like_the_float_backend():
    x = np.array([-1.0, -0.0, 0.0, 2.0, math.nan])
    for name in ("step", "relu", "sign", "abs"):
        got = getattr(NUMPY, name)(x).tolist()
        want = [getattr(FLOAT, name)(v) for v in x.tolist()]
        assert [repr(v) for v in got] == [repr(v) for v in want], name


def test_step_relu_sign_match_the_float_backend_bit_for_bit_on_a_2d_block():
    # a layer's block of rows, with infinities, subnormals and both zeros in it
    special = [-math.inf, -1e300, -5e-324, -0.0, 0.0, 5e-324, 1e-300, 3.5, math.inf, math.nan]
    x = np.array(special + RNG.normal(size=30).tolist()).reshape(5, 8)
    for name in ("step", "relu", "sign"):
        got = getattr(NUMPY, name)(x)
        assert got.shape == x.shape and got.dtype == np.float64, name
        want = [getattr(FLOAT, name)(v) for v in x.ravel().tolist()]
        assert [repr(v) for v in got.ravel().tolist()] == [repr(v) for v in want], name


# --- logsumexp / softmax: stable sample by sample ---------------------------------------


def test_logsumexp_stays_finite_at_1000_in_each_sample():
    z = np.array([[1000.0, 0.0, -5.0], [0.0, 1000.0, 3.0], [-2.0, 1.0, 999.0], [1.0, 2.0, 3.0]])
    check_against_scalar(lambda a, b, c: logsumexp([a, b, c]), tuple(z.T))


def test_softmax_and_log_softmax_batched_equal_the_scalar_engine():
    z = RNG.normal(size=(30, 4)) * 200

    def f(a, b, c, d):
        p = softmax([a, b, c, d])
        q = log_softmax([a, b, c, d])
        return p[0] * 2.0 + p[2] - q[1] + q[3] * 0.5

    check_against_scalar(f, tuple(z.T))


# --- random graphs over every op ------------------------------------------------------

# Each op combines two earlier values; the guards keep the operands inside
# each op's domain so every sample is valid.
GRAPH_OPS = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / (b * b + 0.5),
    "**": lambda a, b: (a * a + 0.5) ** b.tanh(),
    "2**x": lambda a, b: 2 ** a.tanh(),
    "**2": lambda a, b: a**2,
    "**3": lambda a, b: a**3,
    "**-1": lambda a, b: (a * a + 0.5) ** -1,
    "**0.5": lambda a, b: (a * a + 0.25) ** 0.5,
    "**0": lambda a, b: a**0,
    "neg": lambda a, b: -a,
    "copy": lambda a, b: apply(ops.COPY, a),
    "abs": lambda a, b: abs(a),
    "exp": lambda a, b: a.tanh().exp(),
    "log": lambda a, b: (a * a + 0.5).log(),
    "sqrt": lambda a, b: (b * b + 0.25).sqrt(),
    "tanh": lambda a, b: a.tanh(),
    "sigmoid": lambda a, b: (a * 60.0).sigmoid(),
    "relu": lambda a, b: a.relu(),
    "softplus": lambda a, b: (b * 60.0).softplus(),
    "step": lambda a, b: a.step() * b,
    "sin": lambda a, b: a.sin(),
    "cos": lambda a, b: b.cos(),
    "logaddexp": lambda a, b: apply(ops.LOGADDEXP, a * 30.0, b),
}

programs = st.lists(
    st.tuples(st.sampled_from(sorted(GRAPH_OPS)), st.integers(0, 99), st.integers(0, 99)),
    min_size=1,
    max_size=12,
)


def run_program(program, inputs):
    vals = list(inputs)
    for name, i, j in program:
        vals.append(GRAPH_OPS[name](vals[i % len(vals)], vals[j % len(vals)]))
    out = vals[len(inputs)]
    for v in vals[len(inputs) + 1 :]:
        out = out + v
    return out


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(program=programs, seed=st.integers(0, 2**32 - 1), n=st.integers(1, 9))
def test_random_graphs_batched_equal_the_scalar_engine(program, seed, n):
    rng = np.random.default_rng(seed)
    w = Value(float(rng.normal()), label="w")
    columns = tuple(rng.uniform(-2.0, 2.0, size=n) for _ in range(2))

    def fn(x, y):
        return run_program(program, [x, y, w, Value(1.5)])

    for row in zip(*columns):  # keep to well-scaled graphs, where 1e-12 is meaningful
        order = fn(*[Value(float(v)) for v in row]).topological_order()
        assume(all(abs(node.data) < 1e6 for node in order))
    reached = any(node is w for node in order)  # an unread parameter is refused
    check_against_scalar(fn, columns, params=[w] if reached else [])


def test_random_graph_ops_cover_every_builtin_op():
    made = set()
    for build in GRAPH_OPS.values():
        out = build(Value(0.7), Value(-0.4))
        made |= {
            node.op.split("**")[0] + ("**" if "**" in node.op else "")
            for node in out.topological_order()
            if node.op
        }
    assert every_builtin_op() <= made
