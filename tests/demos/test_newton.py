"""The Newton demo: Hessians from create_graph make Newton's method converge
in a handful of steps where gradient descent needs thousands."""

import math

import pytest
from autograd_lite.demos import newton

pytestmark = pytest.mark.slow  # each runs a whole demo


def test_newton_demo_converges_and_matches_closed_forms(tmp_path, capsys):
    results = newton.main(["--out", str(tmp_path)])
    one = results["1-D e^x - 2x from x=2"]
    two = results["2-D Rosenbrock from (-1.2, 1)"]
    assert one["newton_point"][0] == pytest.approx(math.log(2), abs=1e-9)
    assert two["newton_point"] == pytest.approx([1.0, 1.0], abs=1e-9)
    assert two["descent_point"] == pytest.approx([1.0, 1.0], abs=1e-6)
    assert one["newton_steps"] <= 6 and two["newton_steps"] <= 8
    assert two["descent_steps"] > 100 * two["newton_steps"]
    assert results["logistic_hessian"]["gap"] < 1e-12
    printed = capsys.readouterr().out
    assert "largest difference" in printed and "Newton" in printed
