"""fit(..., live=True) in one process: the regions, the redraw rule, a stand-in notebook, a pipe.

The real kernel, export and browser are in test_live_notebook.py and the
terminal in test_live_terminal.py.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest

from autograd_lite import Value
from nn import (
    MLP,
    SGD,
    Adam,
    Module,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    fit,
    hinge,
    make_blobs,
    make_moons,
    softmax_cross_entropy,
    squared_error,
    to_signed,
)
from nn.class_grid import NoRegions, class_grid, square_bounds
from nn.live_view import COST_SHARE, MIN_SECONDS, LiveView
from nn.metrics import correct_for
from nn.train import History

SVG = "{http://www.w3.org/2000/svg}"


# --- the regions are the model's own predictions ------------------------------


def scalar_class(model, point, loss, n_classes):
    """The class the scalar engine's model predicts at ``point``, by the loss's accuracy rule."""
    out = model(list(point))
    correct = correct_for(loss)
    if n_classes > 2 or isinstance(out, list):
        return max(range(len(out)), key=lambda k: out[k].data)
    return int(correct(out, 1))  # right for the label 1 (+1 for hinge): class 1 predicted


@pytest.mark.parametrize(
    "loss, activation, relabel",
    [
        (hinge, "linear", to_signed),
        (binary_cross_entropy_with_logits, "linear", lambda y: y),
        (binary_cross_entropy, "sigmoid", lambda y: y),
    ],
)
def test_binary_regions_are_the_scalar_models_class_at_each_cell_centre(loss, activation, relabel):
    X, y = make_moons(40, noise=0.1, seed=2)
    model = MLP(2, [6, 1], output_activation=activation, seed=1)
    fit(model, X, relabel(y), loss=loss, optimizer=Adam(model, lr=0.05), epochs=15)
    grid = class_grid(model, X, relabel(y), correct_for(loss), steps=12)
    want = [scalar_class(model, p, loss, 2) for p in grid.cell_centres()]
    assert grid.predict().ravel().tolist() == want
    assert 0 < sum(want) < len(want)  # both classes are on the grid
    assert grid.point_classes.tolist() == y.tolist()


def test_k_class_regions_are_the_largest_logit_at_each_cell_centre():
    X, y = make_blobs(45, centers=[[-3, 0], [3, 0], [0, 3]], std=0.8, seed=0)
    model = MLP(2, [8, 3], seed=0)
    fit(model, X, y, loss=softmax_cross_entropy, optimizer=Adam(model, lr=0.05), epochs=10)
    grid = class_grid(model, X, y, correct_for(softmax_cross_entropy), steps=10)
    want = [scalar_class(model, p, softmax_cross_entropy, 3) for p in grid.cell_centres()]
    assert grid.predict().ravel().tolist() == want
    assert set(want) == {0, 1, 2}
    assert grid.names == ["class 0", "class 1", "class 2"]


def test_the_regions_follow_the_parameters_as_they_train():
    X, y = make_moons(30, seed=0)
    model = MLP(2, [4, 1], seed=0)
    grid = class_grid(model, X, to_signed(y), correct_for(hinge), steps=8)
    before = grid.predict()
    for p in model.parameters():
        p.data = -p.data  # a score of -z: every cell changes class
    assert (grid.predict() == 1 - before).all()


def test_the_grid_is_a_square_around_the_data_with_a_margin():
    X = np.array([[0.0, 0.0], [4.0, 1.0]])
    x0, x1, y0, y1 = square_bounds(X, margin=0.25)
    assert (x0, x1) == (-1.0, 5.0) and (y0, y1) == (-2.5, 3.5)


def test_a_custom_accuracy_rule_gives_no_regions_with_the_reason():
    X, y = make_moons(10, seed=0)
    with pytest.raises(NoRegions, match="accuracy rule mine is not one of nn's"):

        def mine(out, t):
            return True

        class_grid(MLP(2, [3, 1], seed=0), X, y, mine)


class LogOfInputs(Module):
    """A model that is defined only for positive inputs (so not on the whole grid)."""

    def __init__(self):
        self.w = Value(1.0, label="w")

    def __call__(self, x):
        a, b = (v if isinstance(v, Value) else Value(float(v)) for v in x)
        return self.w * (a.log() + b.log())


def test_a_model_that_fails_on_the_grid_is_drawn_without_regions_and_says_why(notebook):
    X = np.array([[0.5, 1.0], [2.0, 1.5], [1.0, 3.0]])
    h = fit(LogOfInputs(), X, [1, -1, 1], loss=hinge, epochs=2, live=True)
    (figure,) = notebook.figures()
    svg = figure[-1]["image/svg+xml"]
    assert "No decision regions:" in svg and "the model fails on the grid" in svg
    assert 'class="cells"' not in svg
    assert len(h.loss) == 2


# --- when a frame is drawn ----------------------------------------------------


class Replaced:
    def update(self, bundle, raw):
        pass


def frames_drawn(epochs, update_times, cost):
    """The epochs after which a LiveView drew when updated at ``update_times`` (cost: ``cost``)."""
    ticks = []
    for t in update_times:
        ticks += [t, t + cost]  # update() reads the clock once, and once more after drawing
    clock = iter(ticks)
    view = LiveView(epochs, None, show=lambda bundle: Replaced(), clock=clock.__next__)
    drawn = []
    for e, _ in enumerate(update_times, start=1):
        if view.update(History(loss=[1.0] * e, accuracy=[None] * e)):
            drawn.append(e)
        else:
            next(clock)  # the clock read after drawing did not happen
    return drawn, view


def test_frames_come_first_last_and_at_most_every_min_seconds():
    times = [0.05 * k for k in range(20)]  # an epoch every 50 ms
    drawn, view = frames_drawn(20, times, cost=0.001)
    assert drawn == [1, 6, 11, 16, 20]  # 0.0 s, then 0.25, 0.5, 0.75 s (>= 0.2 s after), last
    assert view.frames == 5 and view.seconds == pytest.approx(5 * 0.001)
    assert MIN_SECONDS == 0.2


def test_a_costly_frame_waits_long_enough_to_stay_a_small_share_of_the_run():
    times = [0.1 * k for k in range(60)]
    drawn, view = frames_drawn(60, times, cost=0.05)  # 50 ms a frame: wait 1 s after each
    gaps = [0.1 * (b - a) for a, b in zip(drawn, drawn[1:-1])]
    assert gaps and min(gaps) >= 0.05 / COST_SHARE
    assert drawn[-1] == 60


# --- fit(live=True) in a notebook ---------------------------------------------


def test_fit_live_in_a_notebook_shows_one_figure_and_one_progress_line(
    notebook, capsys, drawn_curve
):
    X, y = make_moons(30, noise=0.1, seed=0)
    model = MLP(2, [6, 1], seed=0)
    h = fit(model, X, to_signed(y), loss=hinge, optimizer=SGD(model, lr=0.2), epochs=25, live=True)

    (figure,) = notebook.figures()
    (line,) = notebook.text_lines()
    assert figure[-1]["text/plain"] == (
        f"fit: epoch 25 of 25, loss {h.loss[-1]:.4g}, accuracy {h.accuracy[-1]:.1%}"
    )
    assert line[-1]["text/plain"].startswith("fit: 100%") and "25/25" in line[-1]["text/plain"]
    assert capsys.readouterr() == ("", "")  # nothing on stdout, nothing red on stderr

    svg = figure[-1]["image/svg+xml"]
    loss_points = drawn_curve(svg, "loss")
    assert [e for e, _ in loss_points] == pytest.approx(list(range(1, 26)), abs=0.01)
    assert [v for _, v in loss_points] == pytest.approx(h.loss, abs=1e-3)
    assert [v for _, v in drawn_curve(svg, "accuracy")] == pytest.approx(h.accuracy, abs=1e-3)
    root = ET.fromstring(svg)
    cells = root.findall(f".//{SVG}g[@class='cells']/{SVG}rect")
    assert {c.get("data-class") for c in cells} == {"0", "1"}
    assert len(root.findall(f".//{SVG}g[@class='points']/{SVG}circle")) == 30


def test_live_figure_of_a_regression_or_of_3d_inputs_has_no_regions_panel(notebook):
    X = np.random.default_rng(0).normal(size=(12, 3))
    fit(MLP(3, [4, 1], seed=0), X, X.sum(axis=1), loss=squared_error, epochs=3, live=True)
    svg = notebook.figures()[0][-1]["image/svg+xml"]
    assert 'class="regions"' not in svg and 'class="accuracy"' not in svg
    assert 'class="loss"' in svg


def test_progress_false_keeps_the_figure_and_drops_the_line(notebook):
    X, y = make_moons(10, seed=0)
    fit(MLP(2, [3, 1], seed=0), X, to_signed(y), epochs=3, live=True, progress=False)
    assert len(notebook.figures()) == 1 and notebook.text_lines() == []


# --- fit(live=True) elsewhere -------------------------------------------------


def test_live_in_a_pipe_writes_whole_lines_to_stderr_and_nothing_to_stdout(capsys):
    X, y = make_moons(10, seed=0)
    fit(MLP(2, [3, 1], seed=0), X, to_signed(y), epochs=5, live=True)
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert "\r" not in err and err.endswith("\n")
    assert lines[0].startswith("fit:  20%") and "1/5" in lines[0]
    assert lines[-1].startswith("fit: 100%") and "5/5" in lines[-1]


def test_live_with_progress_false_outside_a_notebook_shows_nothing(capsys):
    X, y = make_moons(10, seed=0)
    fit(MLP(2, [3, 1], seed=0), X, to_signed(y), epochs=3, live=True, progress=False)
    assert capsys.readouterr() == ("", "")


def test_live_must_be_true_or_false():
    X, y = make_moons(10, seed=0)
    with pytest.raises(TypeError, match="live must be True or False, got str"):
        fit(MLP(2, [3, 1], seed=0), X, to_signed(y), live="yes")
