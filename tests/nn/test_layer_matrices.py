"""``Layer.weight()``, ``weight_grad()``, ``bias()``, ``bias_grad()``: a layer as matrices.

Expected matrices are built here from the neurons' own Values, or from the
lecture's equations (seed 004: z = W x + b, W_bar = z_bar x^T, b_bar = z_bar)
evaluated with numpy.
"""

import numpy as np
import pytest

from nn import MLP, Layer, squared_error


def test_weight_is_nout_by_nin_with_row_j_holding_neuron_js_weights():
    layer = Layer(4, 3, seed=1)
    W = layer.weight()
    assert W.shape == (3, 4)
    for j, neuron in enumerate(layer.neurons):
        assert W[j].tolist() == [w.data for w in neuron.w]
    assert layer.bias().shape == (3,)
    assert layer.bias().tolist() == [n.b.data for n in layer.neurons]


def test_one_input_layer_and_one_output_layer_keep_two_dimensions():
    assert Layer(1, 3, seed=0).weight().shape == (3, 1)
    assert Layer(3, 1, seed=0).weight().shape == (1, 3)
    assert Layer(3, 1, seed=0).weight_grad().shape == (1, 3)


def test_weight_times_x_plus_bias_is_the_layers_pre_activation():
    layer = Layer(3, 2, activation="tanh", seed=2)
    layer.load_state_dict({k: 0.1 * i for i, k in enumerate(layer.state_dict())})
    x = np.array([0.5, -1.0, 2.0])
    z = layer.weight() @ x + layer.bias()
    assert [v.data for v in layer(x)] == pytest.approx(np.tanh(z).tolist(), rel=1e-14)


def test_squared_error_grads_are_delta_x_transpose_and_delta():
    # seed 004: y = W x + b, L = 1/2 ||y - t||^2, so y_bar = y - t, W_bar = y_bar x^T, b_bar = y_bar
    layer = Layer(3, 2, activation="linear", seed=3)
    x, t = np.array([1.5, -0.5, 2.0]), np.array([0.25, -1.0])
    squared_error(layer(x), t.tolist()).backward()
    delta = layer.weight() @ x + layer.bias() - t
    assert layer.weight_grad() == pytest.approx(np.outer(delta, x), rel=1e-13)
    assert layer.bias_grad() == pytest.approx(delta, rel=1e-13)


def test_the_seeds_w_transpose_x_orientation_is_weight_transposed():
    # seeds 000 and 002 write y = W^T x with W of shape (nin, nout)
    layer = Layer(3, 2, activation="linear", seed=4)
    W_seed = layer.weight().T
    assert W_seed.shape == (3, 2)
    x = np.array([0.3, 0.2, -0.7])
    assert [v.data for v in layer(x)] == pytest.approx(W_seed.T @ x, rel=1e-14)


def test_matrices_are_copies_and_grads_start_at_zero():
    layer = MLP(2, [3, 1], seed=0).layers[0]
    W = layer.weight()
    W[:] = 99.0
    assert layer.weight()[0, 0] != 99.0
    assert not layer.weight_grad().any() and not layer.bias_grad().any()
