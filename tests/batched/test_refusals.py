"""What compile_batched refuses, and how it says so: branches, data-derived constants,
bad outputs and inputs, and domain errors named by op, operand and sample."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import autograd_lite.engine.value as value_module
from autograd_lite import TraceError, Value, compile_batched, no_grad

# --- data-dependent Python code -------------------------------------------------------


def test_an_if_on_a_placeholder_is_refused_naming_the_comparison_and_input():
    with pytest.raises(TraceError, match=r"comparison \(>\) on Value 'x'.*an input differs"):
        compile_batched(lambda x: x if x > 0 else -x, 1.0)


def test_a_comparison_on_a_node_computed_from_an_input_is_refused():
    with pytest.raises(TraceError, match=r"made by '\*'.*depends on Value 'x'"):
        compile_batched(lambda x: (x * 2).relu() if x * 2 >= 0 else x, 1.0)


def test_max_of_values_that_depend_on_inputs_is_refused():
    with pytest.raises(TraceError, match="comparison"):
        compile_batched(lambda x, y: max([x, y]) * 2, 1.0, 2.0)


def test_float_of_a_placeholder_is_refused_as_float_of_any_value_is():
    with pytest.raises(TypeError, match=r"Value 'x'.*v\.data / v\.item\(\)"):
        compile_batched(lambda x: Value(float(x)) * x, 1.0)


def test_a_comparison_on_a_parameter_is_refused_it_changes_between_steps():
    w = Value(2.0, label="w")
    with pytest.raises(TraceError, match="comparison.*Value 'w'.*a parameter"):
        compile_batched(lambda x: x * w if w < 3 else x, 1.0)


def test_comparisons_of_constants_are_fine():
    c = Value(3.0)
    g = compile_batched(lambda x: x * 2 if c > 1 else x, 1.0, params=[])
    assert g.forward(np.array([1.0, 2.0])).tolist() == [2.0, 4.0]


def test_a_constant_computed_from_data_is_refused():
    with pytest.raises(TraceError, match="computed from the data of the inputs"):
        compile_batched(lambda x: x * x.data, 1.0)


def test_a_data_shift_that_is_not_a_max_is_refused():
    # c = max(x, 0.5) equals x in some traces but not when x is negated
    with pytest.raises(TraceError, match="computed from the data"):
        compile_batched(lambda x: x - max(x.data, 0.5), 1.0)


def test_a_branch_on_data_that_changes_the_graph_is_refused():
    with pytest.raises(TraceError, match="different graph"):
        compile_batched(lambda x: x.relu() if x.data > 0 else x.exp(), 1.0)


def test_the_hook_is_removed_and_parameters_restored_after_a_refusal():
    w = Value(0.25, label="w")
    with pytest.raises(TraceError):
        compile_batched(lambda x: x * w.data, 1.0, params=[w])
    assert value_module.data_read_hook is None
    assert w.data == 0.25
    assert (Value(1.0) < Value(2.0)) is True  # comparisons work again outside tracing


def test_tracing_inside_no_grad_is_refused():
    with no_grad(), pytest.raises(TraceError, match="no_grad"):
        compile_batched(lambda x: x * 2, 1.0)


# --- what fn returns and what the batch looks like --------------------------------------


@pytest.mark.parametrize("result", [3.0, None, "x"])
def test_outputs_that_are_not_values_are_refused(result):
    with pytest.raises(TypeError, match="fn must return a Value"):
        compile_batched(lambda x: result, 1.0)


def test_a_list_of_outputs_is_refused_with_a_pointer_to_aux():
    with pytest.raises(TypeError, match="got list.*has_aux"):
        compile_batched(lambda x: [x, x * 2], 1.0)


def test_has_aux_needs_an_output_and_aux_pair():
    with pytest.raises(TypeError, match=r"\(output, aux\)"):
        compile_batched(lambda x: x, 1.0, has_aux=True)


def test_examples_must_be_numbers_or_lists():
    with pytest.raises(TypeError, match="example 'x' is a Value"):
        compile_batched(lambda x: x, Value(1.0))
    with pytest.raises(TypeError, match="give one sample"):
        compile_batched(lambda x: x[0], np.zeros((3, 2)))


@pytest.fixture
def graph():
    return compile_batched(lambda x, v: x * v[0] + v[1], 1.0, [1.0, 2.0])


def test_an_input_of_the_wrong_shape_names_expected_and_got(graph):
    with pytest.raises(
        ValueError, match=r"input 'v' \(argument 1\) must have shape \(batch, 2\), got \(4, 3\)"
    ):
        graph(np.ones(4), np.ones((4, 3)), reduce="sum")
    with pytest.raises(
        ValueError, match=r"input 'x' \(argument 0\) must have shape \(batch,\), got \(4, 1\)"
    ):
        graph(np.ones((4, 1)), np.ones((4, 2)), reduce="sum")


def test_inputs_with_different_batch_sizes_are_refused(graph):
    with pytest.raises(ValueError, match="input 'v' has 3 samples but 'x' has 4"):
        graph(np.ones(4), np.ones((3, 2)), reduce="sum")


def test_the_wrong_number_of_arrays_is_refused(graph):
    with pytest.raises(TypeError, match=r"takes 2 input array\(s\) \(x, v\), got 1"):
        graph(np.ones(4), reduce="sum")


def test_an_empty_batch_and_a_bad_reduce_are_refused(graph):
    with pytest.raises(ValueError, match="empty"):
        graph(np.ones(0), np.ones((0, 2)), reduce="sum")
    with pytest.raises(ValueError, match="reduce must be 'sum' or 'mean'"):
        graph(np.ones(2), np.ones((2, 2)), reduce="max")
    with pytest.raises(TypeError, match="reduce"):
        graph(np.ones(2), np.ones((2, 2)))  # the caller must say sum or mean


def test_sum_and_mean_differ_by_the_batch_size(graph):
    x, v = np.array([1.0, 2.0, 3.0]), np.array([[1.0, 0.0], [2.0, 1.0], [0.5, 0.5]])
    s, m = graph(x, v, reduce="sum"), graph(x, v, reduce="mean")
    assert s.value == pytest.approx(1 + 5 + 2)
    assert m.value == pytest.approx(s.value / 3)
    np.testing.assert_allclose(m.input_grads[0], s.input_grads[0] / 3, rtol=1e-15)


# --- domain errors: the scalar engine's error, plus the sample --------------------------


def batched_error(fn, example, column):
    graph = compile_batched(fn, example)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a numpy RuntimeWarning would fail here
        with pytest.raises((ValueError, ArithmeticError)) as info:
            graph(np.asarray(column, dtype=float), reduce="sum")
    return info


def scalar_error(fn, x):
    with pytest.raises((ValueError, ArithmeticError)) as info:
        fn(Value(x, label="x"))
    return info


@pytest.mark.parametrize(
    "fn, example, column, bad, text",
    [
        (lambda x: x.log(), 1.0, [1.0, 2.0, 0.0, -1.0], 2, "log: needs x > 0"),
        (lambda x: x.sqrt(), 1.0, [1.0, -1.0], 1, "sqrt: needs x >= 0"),
        (lambda x: x.sqrt(), 1.0, [4.0, 0.0], 1, "sqrt: needs x > 0"),
        (lambda x: 1.0 / x, 1.0, [1.0, 2.0, 0.0], 2, "/: needs a non-zero divisor"),
        (lambda x: x**-1, 1.0, [0.0], 0, r"\*\*-1: needs x != 0"),
        (lambda x: x ** (1 / 3), 1.0, [8.0, -8.0], 1, "needs x >= 0 for a non-integer power"),
        (lambda x: x**0.5, 1.0, [0.0], 0, "its derivative"),
        (lambda x: x.exp(), 1.0, [1.0, 1000.0], 1, "exp: the result is too large"),
        (lambda x: x**2, 1.0, [1.0, 1e200], 1, r"\*\*2: the result is too large"),
    ],
)
def test_domain_errors_name_the_op_the_operand_and_the_sample(fn, example, column, bad, text):
    info = batched_error(fn, example, column)
    assert info.match(text)
    assert info.match(f"in sample {bad} of the batch")
    assert info.match("Value 'x'")
    # the same kind of error as the scalar engine raises on that sample
    assert type(info.value) is type(scalar_error(fn, column[bad]).value)


def test_pow_with_a_value_exponent_needs_a_positive_base_in_every_sample():
    graph = compile_batched(lambda x, y: x**y, 2.0, 1.0)
    with pytest.raises(ValueError, match=r"\*\*: needs base > 0.*in sample 1"):
        graph(np.array([2.0, -2.0]), np.array([1.0, 1.0]), reduce="sum")


def test_a_domain_error_names_the_labelled_node_being_computed():
    def f(x):
        h = (x - 1.0).log()
        h.label = "h"
        return h

    graph = compile_batched(f, 2.0)
    with pytest.raises(ValueError, match=r"made by '-' \(data=0.0\) in sample 3.*node 'h'"):
        graph(np.array([2.0, 3.0, 4.0, 1.0]), reduce="mean")


def test_nan_from_a_parameters_data_flows_through_as_in_the_scalar_engine():
    w = Value(1.0, label="w")
    graph = compile_batched(lambda x: (x * w).log() * 2.0, 1.0, params=[w])
    w.data = math.nan  # nan can only come in through .data (Value(nan) is refused)
    out = graph(np.array([1.0, 2.0]), reduce="sum")
    v = Value(1.0)
    v.data = math.nan
    scalar = (v.log() * 2.0).data
    assert np.isnan(out.values).all() and math.isnan(scalar)


@pytest.mark.parametrize(
    "column, shown",
    [([1.0, math.nan], "nan"), ([math.inf, 1.0], "inf"), ([2.0, 3.0, -math.inf], "-inf")],
)
def test_a_nan_or_inf_input_is_refused_naming_the_sample_as_value_refuses_it(column, shown):
    graph = compile_batched(lambda x: x.sin(), 1.0)
    bad = next(k for k, v in enumerate(column) if not math.isfinite(v))
    with pytest.raises(ValueError, match=rf"input 'x' in sample {bad} is {shown}: .*finite number"):
        graph(np.array(column), reduce="sum")
    with pytest.raises(ValueError, match="finite number"):
        Value(column[bad])


def test_a_vector_input_names_the_element_and_the_sample():
    graph = compile_batched(lambda v: v[0] * v[1], [1.0, 2.0])
    with pytest.raises(ValueError, match=r"input 'v\[1\]' in sample 2 is nan"):
        graph(np.array([[1.0, 2.0], [3.0, 4.0], [5.0, math.nan]]), reduce="sum")


def test_complex_inputs_are_refused_not_cut_to_their_real_part():
    graph = compile_batched(lambda x: x * 2.0, 1.0)
    with pytest.raises(TypeError, match="input 'x' .* holds complex numbers"):
        graph(np.array([1.0 + 2.0j, 3.0]), reduce="sum")


def test_a_batch_sum_that_overflows_is_an_overflow_error_as_in_the_scalar_engine():
    graph = compile_batched(lambda x: x * 1.0, 1.0)
    with pytest.raises(OverflowError, match="the sum of its 2 outputs is too large"):
        graph(np.array([1e308, 1e308]), reduce="sum")
    with pytest.raises(OverflowError):
        Value(1e308) * 1.0 + Value(1e308) * 1.0


def test_a_finite_forward_with_an_infinite_gradient_names_where_it_overflowed():
    w = Value(1e200, label="w")
    graph = compile_batched(lambda x: (x * w) * 1e200, 1e-300, params=[w])
    with pytest.raises(OverflowError, match=r"gradient of input 'x' in sample 0 is inf"):
        graph(np.array([1e-300]), reduce="sum")
    v = Value(1e-300, label="v")
    graph = compile_batched(lambda x: (x * v) * 1e200, 1e200, params=[v])
    with pytest.raises(OverflowError, match=r"gradient of parameter Value 'v' .* is inf"):
        graph(np.array([1e200, 1e200]), reduce="sum")


def test_a_parameter_listed_twice_is_refused_naming_both_places():
    ws = [Value(float(k), label=f"w{k}") for k in range(4)]
    with pytest.raises(ValueError, match=r"params\[4\] is params\[1\] again \(Value 'w1'"):
        compile_batched(lambda x: sum(w * x for w in ws), 1.0, params=[*ws, ws[1]])


def test_a_parameter_the_graph_never_reads_is_refused_by_name():
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    with pytest.raises(ValueError, match=r"params\[1\] \(Value 'b' .* is not used by fn's graph"):
        compile_batched(lambda x: a * x, 1.0, params=[a, b])


def test_compiling_from_inside_a_traced_function_is_refused():
    def outer(x):
        compile_batched(lambda y: y * 2, 1.0)
        return x

    with pytest.raises(TraceError, match="can't be called by a function it is tracing"):
        compile_batched(outer, 1.0)
    assert compile_batched(lambda y: y * 2, 1.0).forward(np.array([3.0])).tolist() == [6.0]


def test_by_default_the_parameters_are_the_labelled_leaves_fn_reads():
    w, b = Value(2.0, label="w"), Value(0.5, label="b")
    graph = compile_batched(lambda x: w * x + b + Value(1.0, label="made inside") * x, 1.0)
    assert [p.label for p in graph.params] == ["w", "b"]
    r = graph(np.array([1.0, 3.0]), reduce="sum")
    assert r.param_grads.tolist() == [4.0, 2.0]
