"""The nn demos as tests: the numbers the issue promises, and the images."""

import subprocess
import sys

import pytest
from autograd_lite.demos import moons, spiral, xor

pytestmark = pytest.mark.slow  # each runs a whole demo

PNG = b"\x89PNG\r\n\x1a\n"

try:
    import matplotlib  # noqa: F401

    HAVE_MATPLOTLIB = True
except ImportError:
    HAVE_MATPLOTLIB = False


def assert_pngs(paths, names):
    if not HAVE_MATPLOTLIB:
        assert paths == []
        return
    assert sorted(p.rsplit("/", 1)[-1] for p in paths) == sorted(names)
    for path in paths:
        with open(path, "rb") as f:
            assert f.read(8) == PNG


def test_moons_demo_reaches_100_percent_in_100_sgd_steps(tmp_path, capsys):
    result = moons.main(["--out", str(tmp_path)])
    assert result["steps"] == 100
    assert result["parameters"] == 337
    assert len(result["loss"]) == 100
    assert result["accuracy"] == 1.0
    assert result["accuracy_history"][-1] == 1.0
    assert result["loss"][-1] < result["loss"][0] / 10
    assert_pngs(result["images"], ["decision_boundary.png", "loss_curve.png"])
    out = capsys.readouterr().out
    assert "step  99" in out and "training accuracy 100%" in out


def test_xor_hand_wired_threshold_network_computes_xor_exactly_and_mlp_learns_it(tmp_path):
    result = xor.main(["--out", str(tmp_path)])
    assert result["hand_wired_outputs"] == [0.0, 1.0, 1.0, 0.0]
    assert result["hand_wired_correct"] is True
    assert result["accuracy"] == 1.0
    p = result["probabilities"]
    assert p[0] < 0.05 and p[1] > 0.95 and p[2] > 0.95 and p[3] < 0.05
    assert_pngs(result["images"], ["xor_regions.png", "loss_curve.png"])


def test_xor_hand_wired_units_are_or_and_and_not():
    net = xor.hand_wired_xor()
    h1, h2 = net.layers[0].neurons
    table = [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert [h1(x).data for x in table] == [0.0, 1.0, 1.0, 1.0]  # OR
    assert [h2(x).data for x in table] == [0.0, 0.0, 0.0, 1.0]  # AND
    assert [net(x).data for x in table] == [0.0, 1.0, 1.0, 0.0]  # h1 AND NOT h2


def test_spiral_demo_reaches_at_least_95_percent(tmp_path):
    result = spiral.main(["--out", str(tmp_path)])
    assert result["accuracy"] >= 0.95
    assert len(result["loss"]) == result["epochs"] == 40
    assert result["loss"][-1] < result["loss"][0] / 10
    assert_pngs(result["images"], ["decision_regions.png", "loss_curve.png"])


def test_demo_without_matplotlib_still_runs_and_says_it_skipped(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib -> ImportError
    result = xor.main(["--out", str(tmp_path / "x"), "--epochs", "5"])
    assert result["images"] == []
    assert "matplotlib is not installed: skipped the plot" in capsys.readouterr().out
    assert not (tmp_path / "x").exists()


def test_demo_runs_as_a_module_with_out(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "autograd_lite.demos.xor", "--out", str(tmp_path / "o")]
        + ["--epochs", "3"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "computes XOR exactly: True" in done.stdout


def test_demo_options_are_checked():
    with pytest.raises(SystemExit):
        moons.main(["--steps", "0"])
