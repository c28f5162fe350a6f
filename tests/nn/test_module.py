"""Neuron, Layer, MLP and Module: shapes, names, labels, inputs, initialisation."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_lite import Value, gradcheck
from nn import MLP, Layer, Module, Neuron


def test_mlp_2_16_16_1_has_337_parameters():
    # (2*16 + 16) + (16*16 + 16) + (16*1 + 1) = 48 + 272 + 17
    assert len(MLP(2, [16, 16, 1], seed=0).parameters()) == 337


@given(
    nin=st.integers(1, 5),
    nouts=st.lists(st.integers(1, 5), min_size=1, max_size=4),
)
@settings(max_examples=30, deadline=None)
def test_parameter_count_is_sum_of_nin_plus_one_times_nout(nin, nouts):
    sizes = [nin] + nouts
    expected = sum((sizes[i] + 1) * sizes[i + 1] for i in range(len(nouts)))
    model = MLP(nin, nouts, seed=0)
    assert len(model.parameters()) == expected
    assert len(model.state_dict()) == expected
    names = [n for n, _ in model.named_parameters()]
    assert len(set(names)) == expected


def test_named_parameters_are_dotted_paths_in_definition_order():
    model = MLP(2, [3, 1], seed=0)
    names = [n for n, _ in model.named_parameters()]
    assert names[:4] == [
        "layers.0.neurons.0.w.0",
        "layers.0.neurons.0.w.1",
        "layers.0.neurons.0.b",
        "layers.0.neurons.1.w.0",
    ]
    assert names[-4:] == [
        "layers.1.neurons.0.w.0",
        "layers.1.neurons.0.w.1",
        "layers.1.neurons.0.w.2",
        "layers.1.neurons.0.b",
    ]
    assert len(names) == 3 * 3 + 4


def test_parameter_labels_are_their_dotted_names():
    model = MLP(2, [16, 16, 1], seed=0)
    for name, p in model.named_parameters():
        assert p.label == name
    assert model.layers[0].neurons[3].w[1].label == "layers.0.neurons.3.w.1"


def test_labels_are_set_at_construction_without_calling_named_parameters():
    model = MLP(2, [4, 1], seed=0)
    assert model.layers[1].neurons[0].b.label == "layers.1.neurons.0.b"
    assert model.layers[0].neurons[2].name == "layers.0.neurons.2"
    assert model.layers[1].name == "layers.1"
    assert model.name == ""


def test_neuron_output_is_labelled_with_its_module_path():
    model = MLP(2, [3, 2], seed=0)
    outs = model([0.5, -0.5])
    assert [o.label for o in outs] == ["layers.1.neurons.0", "layers.1.neurons.1"]
    # the hidden neurons' outputs (after the ReLU) carry their paths too
    hidden = {n.label for n in outs[0].topological_order() if n.label}
    assert {"layers.0.neurons.0", "layers.0.neurons.1", "layers.0.neurons.2"} <= hidden
    relu_outputs = [n for n in outs[0].topological_order() if n.op == "relu"]
    assert sorted(n.label for n in relu_outputs) == [f"layers.0.neurons.{i}" for i in range(3)]


def test_standalone_neuron_labels_its_output_neuron():
    n = Neuron(3, activation="tanh", seed=0)
    y = n([1.0, 2.0, 3.0])
    assert y.label == "neuron"
    assert y.op == "tanh"
    assert [name for name, _ in n.named_parameters()] == ["w.0", "w.1", "w.2", "b"]


def test_standalone_layer_names_its_neurons():
    layer = Layer(2, 3, seed=0)
    assert [o.label for o in layer([1.0, 1.0])] == ["neurons.0", "neurons.1", "neurons.2"]


def test_a_model_nested_in_a_custom_module_gets_prefixed_paths():
    class Net(Module):
        def __init__(self):
            self.body = MLP(2, [3], activation="tanh", seed=0)
            self.head = Neuron(3, activation="linear", seed=1)

        def __call__(self, x):
            return self.head(self.body(x))

    net = Net()
    names = [n for n, _ in net.named_parameters()]
    assert names[0] == "body.layers.0.neurons.0.w.0"
    assert names[-1] == "head.b"
    assert net.body.layers[0].neurons[1].w[0].label == "body.layers.0.neurons.1.w.0"
    assert net([0.1, 0.2]).label == "head"
    assert net.body.layers[0].neurons[2].name == "body.layers.0.neurons.2"
    # a submodule lists its parameters relative to itself, but labels stay full paths
    sub = net.body.named_parameters()
    assert sub[0][0] == "layers.0.neurons.0.w.0"
    assert sub[0][1].label == "body.layers.0.neurons.0.w.0"


def test_parts_appended_after_assignment_are_named_by_named_parameters():
    class Bag(Module):
        def __init__(self):
            self.items = []

    bag = Bag()
    bag.items.append(Neuron(1, seed=0))
    bag.items.append(Value(3.0))
    assert [n for n, _ in bag.named_parameters()] == ["items.0.w.0", "items.0.b", "items.1"]
    assert bag.items[0].name == "items.0"
    assert bag.items[1].label == "items.1"


def test_a_shared_parameter_is_listed_once():
    class Tied(Module):
        def __init__(self):
            self.a = Value(1.0)
            self.b = self.a

    assert [n for n, _ in Tied().named_parameters()] == ["a"]


def test_named_modules_lists_every_module_with_its_path():
    paths = [p for p, _ in MLP(2, [2, 1], seed=0).named_modules()]
    assert paths == [
        "",
        "layers.0",
        "layers.0.neurons.0",
        "layers.0.neurons.1",
        "layers.1",
        "layers.1.neurons.0",
    ]


def test_mlp_returns_a_value_for_one_output_and_a_list_for_several():
    assert isinstance(MLP(2, [4, 1], seed=0)([1.0, 2.0]), Value)
    out = MLP(2, [4, 3], seed=0)([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 3


def test_mlp_2_16_1_1_works_unlike_micrograd_issue_13():
    model = MLP(2, [16, 1, 1], seed=0)
    out = model([0.3, -0.7])
    assert isinstance(out, Value)
    out.backward()
    assert len(model.parameters()) == (3 * 16) + (17 * 1) + (2 * 1)


def test_hidden_layers_use_the_activation_and_the_last_is_linear():
    model = MLP(2, [3, 3, 1], activation="tanh", seed=0)
    assert [layer.activation for layer in model.layers] == ["tanh", "tanh", "linear"]
    out = model([0.2, 0.1])
    assert out.op == "+"  # a linear output is the last addition of w.x + b
    sig = MLP(2, [3, 1], output_activation="sigmoid", seed=0)
    assert sig([0.2, 0.1]).op == "sigmoid"


@pytest.mark.parametrize(
    "activation, f",
    [
        ("linear", lambda z: z),
        ("relu", lambda z: max(z, 0.0)),
        ("tanh", math.tanh),
        ("sigmoid", lambda z: 1 / (1 + math.exp(-z))),
        ("softplus", lambda z: math.log1p(math.exp(z))),
        ("step", lambda z: 1.0 if z > 0 else 0.0),
    ],
)
def test_neuron_computes_f_of_w_dot_x_plus_b(activation, f):
    n = Neuron(2, activation=activation, seed=0)
    n.load_state_dict({"w.0": 0.5, "w.1": -1.5, "b": 0.25})
    for x in ([1.0, 2.0], [-1.0, -0.5], [0.0, 0.0]):
        z = 0.5 * x[0] - 1.5 * x[1] + 0.25
        assert n(x).data == pytest.approx(f(z), rel=1e-12, abs=1e-15)


def test_neuron_gradients_match_central_differences():
    n = Neuron(3, activation="tanh", seed=0)

    def f(w0, w1, w2, b):
        n.w[0], n.w[1], n.w[2], n.b = w0, w1, w2, b
        return n([0.3, -1.2, 0.8])

    assert gradcheck(f, 0.4, -0.2, 0.9, 0.1)


def test_mlp_input_gradient_matches_central_differences():
    model = MLP(3, [4, 4, 1], activation="tanh", seed=2)
    assert gradcheck(lambda x: model(x), [0.3, -0.5, 0.9])


@pytest.mark.parametrize(
    "x",
    [
        [0.5, -1.0],
        (0.5, -1.0),
        np.array([0.5, -1.0]),
        np.array([0.5, -1.0], dtype=np.float32),
        [Value(0.5), Value(-1.0)],
        [Value(0.5), -1.0],
        [np.float64(0.5), -1],
    ],
)
def test_inputs_may_be_values_floats_lists_or_numpy_rows(x):
    model = MLP(2, [3, 1], seed=0)
    assert model(x).data == pytest.approx(model([0.5, -1.0]).data, rel=1e-6)


def test_a_single_number_or_value_is_a_one_input_example():
    model = MLP(1, [2, 1], seed=0)
    assert model(0.5).data == model([0.5]).data == model(Value(0.5)).data


def test_gradients_flow_to_value_inputs():
    model = MLP(2, [3, 1], activation="tanh", seed=0)
    x = [Value(0.5, label="a"), Value(-1.0, label="b")]
    model(x).backward()
    assert x[0].grad != 0.0 and x[0].label == "a"


def test_numeric_inputs_become_leaves_labelled_x_i():
    out = MLP(2, [1], seed=0)([0.5, -1.0])
    leaves = {n.label for n in out.topological_order() if not n.parents}
    assert {"x[0]", "x[1]"} <= leaves


def test_wrong_input_length_names_expected_and_got():
    model = MLP(2, [16, 16, 1], seed=0)
    with pytest.raises(ValueError, match=r"MLP\(2, \[16, 16, 1\].* expects 2 inputs, got 3"):
        model([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="expects 3 inputs, got 2"):
        Neuron(3)([1.0, 2.0])
    with pytest.raises(ValueError, match="expects 2 inputs, got 1"):
        Layer(2, 2)([1.0])


def test_a_batch_array_is_refused_with_a_hint():
    with pytest.raises(ValueError, match=r"one example at a time.*\(5, 2\)"):
        MLP(2, [1], seed=0)(np.zeros((5, 2)))


@pytest.mark.parametrize(
    "x, match",
    [
        (["a", 1.0], r"input x\[0\] is str"),
        ([1.0, None], r"input x\[1\] is NoneType"),
        ("ab", "takes a Value, a number"),
        ({"a": 1}, "takes a Value, a number"),
        ([1.0, True], r"input x\[1\] is bool"),
    ],
)
def test_bad_input_types_are_type_errors_saying_where(x, match):
    with pytest.raises(TypeError, match=match):
        MLP(2, [1], seed=0)(x)


def test_non_finite_inputs_are_refused():
    with pytest.raises(ValueError, match=r"input x\[1\] is nan"):
        MLP(2, [1], seed=0)([1.0, float("nan")])


@pytest.mark.parametrize(
    "make, error, match",
    [
        (lambda: MLP(0, [1]), ValueError, "nin must be a positive int, got 0"),
        (lambda: MLP(2, []), ValueError, "at least one layer"),
        (lambda: MLP(2, [16, 0, 1]), ValueError, r"nouts\[1\] must be a positive int"),
        (lambda: MLP(2, 16), TypeError, "nouts must be a list"),
        (lambda: MLP(2.0, [1]), TypeError, "nin must be a positive int, got float"),
        (lambda: MLP(2, [1.5]), TypeError, r"nouts\[0\]"),
        (lambda: MLP(2, [1], activation="rleu"), ValueError, "unknown activation 'rleu'"),
        (lambda: MLP(2, [1], output_activation="soft"), ValueError, "unknown activation"),
        (lambda: Neuron(2, activation=None), TypeError, "activation must be a name"),
        (lambda: Layer(2, -1), ValueError, "nout must be a positive int"),
        (lambda: MLP(2, [1], seed=1, rng=np.random.default_rng(1)), ValueError, "not both"),
        (lambda: MLP(2, [1], rng=42), TypeError, "numpy Generator"),
        (lambda: MLP(2, [1], seed="a"), TypeError, "seed must be an int"),
    ],
)
def test_bad_constructor_arguments_say_what_was_wrong(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_same_seed_gives_the_same_weights_and_a_new_seed_different_ones():
    a = MLP(2, [16, 16, 1], seed=7).state_dict()
    b = MLP(2, [16, 16, 1], seed=7).state_dict()
    c = MLP(2, [16, 16, 1], seed=8).state_dict()
    assert a == b
    assert a != c


def test_a_shared_rng_continues_where_it_left_off():
    rng = np.random.default_rng(3)
    first = MLP(2, [4, 1], rng=rng).state_dict()
    second = MLP(2, [4, 1], rng=rng).state_dict()
    assert first != second
    rng = np.random.default_rng(3)
    assert MLP(2, [4, 1], rng=rng).state_dict() == first


def test_weights_are_gaussian_with_variance_one_over_nin_and_biases_zero():
    nin = 50
    model = MLP(nin, [400], seed=0)
    w = np.array([p.data for n, p in model.named_parameters() if ".w." in n])
    b = [p.data for n, p in model.named_parameters() if n.endswith(".b")]
    assert b == [0.0] * 400
    assert len(w) == nin * 400
    assert abs(w.mean()) < 0.01  # standard error 1/sqrt(50 * 20000) ~ 0.001
    assert w.var() == pytest.approx(1 / nin, rel=0.03)


def test_zero_grad_sets_every_parameter_grad_to_zero():
    model = MLP(2, [3, 1], seed=0)
    model([1.0, 2.0]).backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_repr_describes_the_architecture():
    assert repr(MLP(2, [16, 16, 1])) == (
        "MLP(2, [16, 16, 1], activation='relu', output_activation='linear')"
    )
    assert repr(Layer(2, 3, activation="tanh")) == "Layer(2, 3, activation='tanh')"
    assert repr(Neuron(4)) == "Neuron(4, activation='relu')"


# --- micrograd's spelling: Neuron(nin, nonlin=True) ----------------------------------


@pytest.mark.parametrize("nonlin, relu_applied", [(True, True), (False, False)])
def test_neuron_nonlin_is_micrograds_relu_or_linear(nonlin, relu_applied):
    # micrograd: `act.relu() if self.nonlin else act`
    n = Neuron(2, nonlin=nonlin, seed=0)
    n.load_state_dict({"w.0": 1.0, "w.1": 1.0, "b": 0.0})
    z = -3.0 + 1.0  # w . x + b for x = (-3, 1)
    assert n([-3.0, 1.0]).data == (max(z, 0.0) if relu_applied else z)
    assert n.activation == ("relu" if nonlin else "linear")


def test_layer_passes_nonlin_on_as_micrograds_layer_does():
    assert Layer(2, 3, nonlin=False, seed=0).activation == "linear"
    assert all(n.activation == "linear" for n in Layer(2, 3, nonlin=False, seed=0).neurons)


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: Neuron(2, nonlin=False, activation="tanh"), r"nonlin=False .* activation='tanh'"),
        (lambda: Neuron(2, nonlin=True, activation="linear"), r"nonlin=True .*activation='linear'"),
        (lambda: Layer(2, 1, nonlin=False, activation="relu"), r"Layer: nonlin=False"),
    ],
)
def test_nonlin_and_an_activation_that_disagree_are_refused(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_nonlin_and_an_activation_that_agree_are_accepted():
    assert Neuron(2, nonlin=True, activation="tanh", seed=0).activation == "tanh"
    assert Neuron(2, nonlin=False, activation="linear", seed=0).activation == "linear"
    assert Neuron(2, activation="relu", nonlin=True, seed=0).activation == "relu"


def test_nonlin_must_be_true_or_false():
    with pytest.raises(TypeError, match="Neuron: nonlin must be True or False, got str"):
        Neuron(2, nonlin="no")
