"""fit and evaluate: the loop against a hand-written one, determinism, history, progress."""

import sys

import numpy as np
import pytest

import nn.train
from autograd_lite import Value
from nn import (
    MLP,
    SGD,
    Adam,
    Neuron,
    binary_cross_entropy_with_logits,
    evaluate,
    fit,
    hinge,
    l2_penalty,
    make_blobs,
    make_moons,
    mse,
    softmax_cross_entropy,
    squared_error,
    to_signed,
    total,
)


@pytest.fixture
def moons():
    X, y = make_moons(24, seed=3)
    return X, to_signed(y)


def test_full_batch_fit_is_exactly_the_hand_written_training_loop(moons):
    X, y = moons
    schedule = lambda t: 1.0 - 0.9 * t / 100  # noqa: E731
    a = MLP(2, [6, 6, 1], seed=1)
    history = fit(a, X, y, loss=hinge, l2=1e-4, optimizer=SGD(a, lr=schedule), epochs=5)

    b = MLP(2, [6, 6, 1], seed=1)
    params = b.parameters()
    losses, accuracies = [], []
    for k in range(5):
        scores = [b(x) for x in X]
        data_loss = total([(1.0 - yi * s).relu() for s, yi in zip(scores, y)]) / len(X)
        loss = data_loss + 1e-4 * total([p * p for p in params])
        for p in params:
            p.grad = 0.0
        loss.backward()
        for p in params:
            p.data -= schedule(k) * p.grad
        losses.append(loss.data)
        accuracies.append(np.mean([(s.data > 0) == (yi > 0) for s, yi in zip(scores, y)]))

    assert history.loss == losses
    assert history.accuracy == pytest.approx(accuracies)
    assert a.state_dict() == b.state_dict()


def test_minibatch_fit_is_deterministic_by_seed(moons):
    X, y = moons
    runs = []
    for seed in (0, 0, 1):
        model = MLP(2, [5, 1], seed=0)
        h = fit(model, X, y, optimizer=SGD(model, lr=0.05), epochs=3, batch_size=5, seed=seed)
        runs.append((h.loss, model.state_dict()))
    assert runs[0] == runs[1]
    assert runs[0][1] != runs[2][1]


def test_history_has_one_loss_and_accuracy_per_epoch(moons):
    X, y = moons
    model = MLP(2, [8, 1], seed=0)
    h = fit(model, X, y, optimizer=SGD(model, lr=0.1), epochs=7, batch_size=10)
    assert len(h.loss) == len(h.accuracy) == 7
    assert all(0.0 <= a <= 1.0 for a in h.accuracy)
    assert "7 epochs" in repr(h)


@pytest.mark.slow
def test_fit_learns_moons_with_adam_and_minibatches():
    X, y = make_moons(60, noise=0.05, seed=0)
    model = MLP(2, [12, 12, 1], seed=0)
    h = fit(
        model,
        X,
        y,
        loss=binary_cross_entropy_with_logits,
        optimizer=Adam(model, lr=0.05),
        epochs=40,
        batch_size=20,
    )
    assert h.loss[-1] < h.loss[0] / 3
    _, accuracy = evaluate(model, X, y, loss=binary_cross_entropy_with_logits)
    assert accuracy >= 0.95


def test_fit_learns_three_blobs_with_softmax_cross_entropy():
    X, y = make_blobs(60, centers=[[-4, 0], [4, 0], [0, 4]], std=0.7, seed=0)
    model = MLP(2, [8, 3], seed=0)
    h = fit(model, X, y, loss=softmax_cross_entropy, optimizer=Adam(model, lr=0.05), epochs=20)
    assert h.accuracy[-1] == 1.0


def test_regression_with_squared_error_recovers_the_line_2x_plus_1():
    X = np.linspace(-1, 1, 11).reshape(-1, 1)
    y = 2 * X[:, 0] + 1
    n = Neuron(1, activation="linear", seed=0)
    h = fit(n, X, y, loss=squared_error, optimizer=SGD(n, lr=0.5), epochs=200)
    assert h.accuracy == [None] * 200
    assert n.w[0].data == pytest.approx(2.0, abs=1e-6)
    assert n.b.data == pytest.approx(1.0, abs=1e-6)
    assert h.loss[-1] < 1e-12


def test_fit_with_mse_averages_over_the_batch():
    X = np.array([[0.0], [1.0]])
    y = np.array([1.0, 3.0])
    n = Neuron(1, activation="linear", seed=0)
    n.load_state_dict({"w.0": 0.0, "b": 0.0})
    h = fit(n, X, y, loss=mse, optimizer=SGD(n, lr=0.0), epochs=1)
    assert h.loss == [(1.0 + 9.0) / 2]


def test_evaluate_returns_mean_loss_and_accuracy_and_leaves_grads_alone(moons):
    X, y = moons
    model = MLP(2, [4, 1], seed=0)
    for p in model.parameters():
        p.grad = 0.25
    mean_loss, accuracy = evaluate(model, X, y, loss=hinge)
    expected = np.mean([max(0.0, 1 - yi * model(x).data) for x, yi in zip(X, y)])
    assert mean_loss == pytest.approx(expected, rel=1e-12)
    assert accuracy == np.mean([(model(x).data > 0) == (yi > 0) for x, yi in zip(X, y)])
    assert all(p.grad == 0.25 for p in model.parameters())


def test_evaluate_of_a_regression_has_no_accuracy():
    X = np.array([[1.0]])
    assert evaluate(Neuron(1, seed=0), X, [0.0], loss=squared_error)[1] is None


def test_a_custom_accuracy_rule_is_used(moons):
    X, y = moons
    model = MLP(2, [4, 1], seed=0)
    h = fit(model, X, y, optimizer=SGD(model, lr=0.0), epochs=1, accuracy=lambda o, t: True)
    assert h.accuracy == [1.0]


def test_callback_sees_each_epoch(moons):
    X, y = moons
    model = MLP(2, [4, 1], seed=0)
    seen = []
    fit(model, X, y, epochs=3, callback=lambda e, h: seen.append((e, len(h.loss))))
    assert seen == [(0, 1), (1, 2), (2, 3)]


def test_l2_is_added_to_the_reported_loss(moons):
    X, y = moons
    a, b = MLP(2, [4, 1], seed=0), MLP(2, [4, 1], seed=0)
    ha = fit(a, X, y, optimizer=SGD(a, lr=0.0), epochs=1)
    hb = fit(b, X, y, optimizer=SGD(b, lr=0.0), epochs=1, l2=0.5)
    assert hb.loss[0] == pytest.approx(ha.loss[0] + l2_penalty(b, 0.5).data, rel=1e-12)


def test_no_progress_bar_when_stderr_is_not_a_terminal(moons, capsys):
    X, y = moons
    model = MLP(2, [4, 1], seed=0)
    fit(model, X, y, epochs=3)
    assert capsys.readouterr().err == ""


def test_no_progress_bar_for_a_short_run_even_on_a_terminal(moons, capsys, monkeypatch):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    X, y = moons
    fit(MLP(2, [4, 1], seed=0), X, y, epochs=2)
    assert capsys.readouterr().err == ""


def test_a_long_run_on_a_terminal_shows_a_progress_bar(moons, capsys, monkeypatch):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(nn.train, "_LONG_RUN_SECONDS", 0.0)
    X, y = moons
    fit(MLP(2, [4, 1], seed=0), X, y, epochs=3)
    err = capsys.readouterr().err
    assert "fit" in err and "3/3" in err


def test_progress_true_forces_the_bar(moons, capsys):
    X, y = moons
    fit(MLP(2, [4, 1], seed=0), X, y, epochs=2, progress=True)
    assert "2/2" in capsys.readouterr().err


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"epochs": 0}, ValueError, "epochs must be a positive int"),
        ({"batch_size": -2}, ValueError, "batch_size must be a positive int"),
        ({"l2": -1.0}, ValueError, "l2 must be a finite number >= 0"),
        ({"loss": "hinge"}, TypeError, "loss must be a function"),
        ({"accuracy": 3}, TypeError, "accuracy must be"),
    ],
)
def test_bad_fit_arguments_say_what_was_wrong(moons, kwargs, error, match):
    X, y = moons
    with pytest.raises(error, match=match):
        fit(MLP(2, [4, 1], seed=0), X, y, **kwargs)


def test_fit_refuses_data_that_does_not_fit_the_model(moons):
    X, y = moons
    with pytest.raises(ValueError, match="X has 24 rows but y has 3 targets"):
        fit(MLP(2, [4, 1], seed=0), X, y[:3])
    with pytest.raises(ValueError, match=r"expects 3 inputs, got 2"):
        fit(MLP(3, [4, 1], seed=0), X, y)
    with pytest.raises(TypeError, match="trains an nn Module"):
        fit(lambda x: Value(0.0), X, y)


def test_fit_with_the_wrong_labels_for_the_loss_explains(moons):
    X, y = moons
    with pytest.raises(ValueError, match="2\\*y - 1"):
        fit(MLP(2, [4, 1], seed=0), X, (y + 1) // 2, loss=hinge)


# --- everything is checked before the first update --------------------------------


def test_a_bad_label_in_a_later_minibatch_is_reported_before_any_update(moons):
    X, y = moons
    y = y.copy()
    y[20] = 0  # hinge needs -1/+1; row 20 is in the last of four batches of 6
    model = MLP(2, [4, 1], seed=0)
    before = model.state_dict()
    with pytest.raises(ValueError, match=r"fit\(\): the target y\[20\] = 0 .*hinge.*-1 or \+1"):
        fit(model, X, y, loss=hinge, batch_size=6, shuffle=False, epochs=1)
    assert model.state_dict() == before


def test_a_class_index_out_of_range_is_reported_before_any_update():
    X, y = make_blobs(30, centers=3, seed=0)
    y = y.copy()
    y[-1] = 3
    model = MLP(2, [4, 3], seed=0)
    before = model.state_dict()
    with pytest.raises(ValueError, match=r"y\[29\] = 3 .*class 3 is out of range for 3 logits"):
        fit(model, X, y, loss=softmax_cross_entropy, batch_size=5, epochs=1)
    assert model.state_dict() == before


@pytest.mark.parametrize(
    "loss, returned",
    [(lambda out, t: 1.0, "float"), (lambda out, t: [out], "list"), (lambda out, t: None, "None")],
)
def test_a_loss_that_does_not_return_a_value_is_refused_before_any_update(moons, loss, returned):
    X, y = moons
    model = MLP(2, [4, 1], seed=0)
    before = model.state_dict()
    with pytest.raises(
        TypeError, match=f"fit\\(\\): loss must return a Value.*returned {returned}"
    ):
        fit(model, X, y, loss=loss, epochs=1)
    assert model.state_dict() == before


def test_an_optimizer_built_for_another_model_is_refused(moons):
    X, y = moons
    model, other = MLP(2, [4, 1], seed=0), MLP(2, [4, 1], seed=1)
    before = model.state_dict()
    with pytest.raises(ValueError, match=r"17 of the optimizer's 17 parameters are not .*model"):
        fit(model, X, y, optimizer=SGD(other, lr=0.1), epochs=1)
    assert model.state_dict() == before


def test_an_optimizer_over_part_of_the_model_trains_only_that_part(moons):
    X, y = moons
    model = MLP(2, [4, 1], seed=0)
    head = model.layers[1].parameters()
    frozen = model.layers[0].parameters()
    before = [p.data for p in frozen]
    fit(model, X, y, optimizer=SGD(head, lr=0.1), epochs=2)
    assert [p.data for p in frozen] == before


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"optimizer": "sgd"}, TypeError, "optimizer must be an nn optimizer .*got str"),
        ({"epochs": "3"}, TypeError, "epochs must be a positive int, got str"),
        ({"batch_size": 2.5}, TypeError, "batch_size must be a positive int, got float"),
        ({"l2": "0.1"}, TypeError, "l2 must be a number, got str"),
        ({"shuffle": "no"}, TypeError, "shuffle must be True or False, got str"),
        ({"progress": "yes"}, TypeError, "progress must be True, False or None, got str"),
        ({"callback": 5}, TypeError, r"callback must be a function callback\(epoch, history\)"),
        ({"seed": -1}, ValueError, "seed must be an int >= 0"),
    ],
)
def test_fit_arguments_of_the_wrong_type_are_named(moons, kwargs, error, match):
    X, y = moons
    model = MLP(2, [4, 1], seed=0)
    before = model.state_dict()
    with pytest.raises(error, match=match):
        fit(model, X, y, epochs=kwargs.pop("epochs", 1), **kwargs)
    assert model.state_dict() == before


def test_evaluate_names_a_loss_that_is_not_a_function(moons):
    X, y = moons
    with pytest.raises(TypeError, match=r"evaluate\(\): loss must be a function"):
        evaluate(MLP(2, [4, 1], seed=0), X, y, loss="hinge")


def test_fit_l2_penalises_the_biases_too_as_the_conventions_table_says():
    """One SGD step of fit(l2=lam) on a loss whose gradient is 0 at the start: every
    parameter, the bias included, moves by -lr * 2 * lam * p (the penalty has no 1/2)."""
    from nn import MLP, SGD, fit, squared_error

    model = MLP(1, [1], activation="linear", seed=0)
    model.load_state_dict({"layers.0.neurons.0.w.0": 0.5, "layers.0.neurons.0.b": 0.25})
    X, y = [[2.0]], [0.5 * 2.0 + 0.25]  # the model is exact: the data gradient is 0
    lr, lam = 0.1, 0.3
    fit(model, X, y, loss=squared_error, optimizer=SGD(model.parameters(), lr=lr),
        epochs=1, l2=lam, accuracy=None)  # fmt: skip
    after = model.state_dict()
    assert after["layers.0.neurons.0.w.0"] == pytest.approx(0.5 - lr * 2 * lam * 0.5)
    assert after["layers.0.neurons.0.b"] == pytest.approx(0.25 - lr * 2 * lam * 0.25)
