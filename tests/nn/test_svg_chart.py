"""The live view's SVG pieces against coordinates worked out by hand."""

import math
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from nn.svg_chart import MAX_POINTS, Box, nice_ticks, svg_document, ticks_within, training_curves
from nn.svg_regions import PALETTE, class_colors, class_points, decision_regions, region_cells

SVG = "{http://www.w3.org/2000/svg}"


def parsed(body: str) -> ET.Element:
    return ET.fromstring(svg_document(300, 200, body, "test", "test"))


def path_points(root: ET.Element, name: str) -> list[tuple[float, float]]:
    d = root.find(f".//{SVG}path[@class='{name}']").get("d")
    return [tuple(map(float, p[1:].split(","))) for p in d.split()]


# Box(40, 30, 200, 100) over 4 epochs: epoch e is at x = 40 + 200 e / 4 = 40 + 50 e.
# The largest loss is 1, so the loss axis is 0..1: y = 130 - 100 * loss; accuracy too.
BOX = Box(40, 30, 200, 100)


def test_loss_and_accuracy_points_sit_where_the_axes_put_them():
    root = parsed(training_curves(BOX, 4, [1.0, 0.5, 0.25], [0.5, 0.75, 1.0]))
    assert path_points(root, "loss") == [(90, 30), (140, 80), (190, 105)]
    assert path_points(root, "accuracy") == [(90, 80), (140, 55), (190, 30)]


def test_tick_labels_are_drawn_at_their_values():
    root = parsed(training_curves(BOX, 4, [1.0, 0.5, 0.25], [0.5, 0.75, 1.0]))
    at = {t.text: (float(t.get("x")), float(t.get("y"))) for t in root.iter(f"{SVG}text")}
    assert at["0.6"] == (34, 130 - 60 + 4)  # left of the plot, baseline 4 px below the tick
    assert at["3"] == (40 + 150, 130 + 16)  # epoch 3, under the plot
    assert at["25%"] == (240 + 6, 130 - 25 + 4)  # accuracy, right of the plot
    assert {"loss", "accuracy", "epoch"} <= set(at)


def test_the_loss_axis_ends_at_a_round_number_above_the_largest_loss():
    # largest loss 0.693 -> ticks 0, 0.2, ..., 0.8, so y = 130 - 100 * loss / 0.8
    root = parsed(training_curves(BOX, 4, [0.693, 0.4], [None, None]))
    (x0, y0), (x1, y1) = path_points(root, "loss")
    assert (x0, x1, y1) == (90, 140, 80)
    assert y0 == pytest.approx(130 - 86.625, abs=0.006)  # coordinates keep two decimals


def test_a_regression_draws_no_accuracy_curve_axis_or_legend():
    svg = training_curves(BOX, 4, [1.0, 0.5], [None, None])
    root = parsed(svg)
    assert root.find(f".//{SVG}path[@class='accuracy']") is None
    assert "accuracy" not in svg and "%" not in svg


def test_non_finite_losses_are_left_out_of_the_curve_and_the_axis():
    root = parsed(training_curves(BOX, 4, [1.0, math.inf, math.nan, 0.5], [None] * 4))
    assert path_points(root, "loss") == [(90, 30), (240, 80)]


def test_a_long_run_keeps_every_kth_epoch_and_the_last():
    n = 2 * MAX_POINTS + 2  # every 3rd epoch (1, 4, ..., n - 1), then the last, n
    root = parsed(training_curves(Box(0, 0, n, 100), n, [1.0] * n, [None] * n))
    xs = [x for x, _ in path_points(root, "loss")]
    assert xs == [float(e) for e in range(1, n, 3)] + [float(n)]


@pytest.mark.parametrize(
    "high, ticks",
    [(1.0, [0, 0.2, 0.4, 0.6, 0.8, 1.0]), (0.03, [0, 0.01, 0.02, 0.03]), (7, [0, 2, 4, 6, 8])],
)
def test_nice_ticks_step_by_one_two_or_five_times_a_power_of_ten(high, ticks):
    assert nice_ticks(high) == pytest.approx(ticks)


def test_ticks_within_a_range_that_does_not_start_at_zero():
    assert ticks_within(-1.37, 2.9) == [0.0, 2.0]  # about 4 steps of 1.07: step 2
    assert ticks_within(-1.37, 2.9, count=8) == [-1.0, 0.0, 1.0, 2.0]
    assert ticks_within(0.12, 0.31) == pytest.approx([0.15, 0.2, 0.25, 0.3])


def test_cells_of_a_row_merge_into_runs_and_no_class_is_left_blank():
    # a 4 x 1 grid in Box(10, 5, 40, 8): each cell is 10 px wide
    root = parsed(region_cells(Box(10, 5, 40, 8), [[-1, 2, 2, 0]], PALETTE))
    rects = [
        (float(r.get("x")), float(r.get("width")), r.get("data-class"))
        for r in root.iter(f"{SVG}rect")
        if r.get("data-class")
    ]
    assert rects == [(20, 20, "2"), (40, 10, "0")]


def test_rows_go_up_from_the_bottom():
    root = parsed(region_cells(Box(0, 0, 10, 30), [[0], [1], [1]], PALETTE))
    cells = [r for r in root.iter(f"{SVG}rect") if r.get("data-class")]
    assert [(float(r.get("y")), r.get("data-class")) for r in cells] == [
        (20, "0"),
        (10, "1"),
        (0, "1"),
    ]


def test_points_are_placed_on_the_data_axes_and_coloured_by_class():
    X = np.array([[0.0, 0.0], [1.0, -1.0], [-0.5, 0.5]])
    root = parsed(class_points(Box(0, 0, 100, 100), (-1, 1, -1, 1), X, [0, 1, 2], PALETTE))
    dots = [
        (float(c.get("cx")), float(c.get("cy")), c.get("fill")) for c in root.iter(f"{SVG}circle")
    ]
    assert dots == [(50, 50, PALETTE[0]), (100, 100, PALETTE[1]), (25, 25, PALETTE[2])]


def test_a_class_keeps_its_colour_whatever_the_number_of_classes():
    assert class_colors(2) == class_colors(3)[:2] == class_colors(10)[:2]
    assert len(set(class_colors(25))) == 25


def test_the_regions_panel_has_a_legend_entry_per_class():
    X = np.array([[0.0, 0.0], [1.0, 1.0]])
    svg = decision_regions(Box(0, 0, 40, 40), (-1, 2, -1, 2), [[0, 1]], X, [0, 1], ["a", "b"])
    legend = ET.fromstring(svg_document(200, 100, svg, "t", "t")).find(
        f".//{SVG}g[@class='legend']"
    )
    assert [t.text for t in legend.iter(f"{SVG}text")] == ["a", "b"]
