"""The digits demo: 97% on held-out images, numbers that agree with each other, pictures,
and a clear message instead of a traceback when scikit-learn is missing."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pytest
from autograd_lite.demos import DEMOS, digits

PNG = b"\x89PNG\r\n\x1a\n"


def test_digits_is_registered():
    assert DEMOS["digits"].module == "autograd_lite.demos.digits"


@pytest.mark.slow
def test_digits_reads_97_percent_of_the_held_out_images(tmp_path, capsys):
    pytest.importorskip("sklearn")  # in the dev extra: the tests normally have it
    result = digits.main(["--out", str(tmp_path)])
    out = capsys.readouterr().out

    assert result["accuracy"] >= 0.97
    assert result["parameters"] == 64 * 32 + 32 + 32 * 10 + 10
    assert result["held_out"] + result["trained_on"] == 1797
    assert result["held_out"] == round(1797 / 4)

    # the printed numbers, the returned ones and the confusion matrix agree
    m = np.array(result["confusion"])
    assert m.sum() == result["held_out"]
    assert np.trace(m) == result["right"] == result["held_out"] - len(result["wrong"])
    assert result["accuracy"] == result["right"] / result["held_out"]
    for _, truth, guess in result["wrong"]:
        assert truth != guess and m[truth, guess] >= 1
    shown = re.search(r"held-out accuracy ([\d.]+)% \((\d+) of (\d+) right, (\d+) wrong\)", out)
    assert shown is not None, out
    percent, right, total, wrong = shown.groups()
    assert float(percent) == round(100 * result["accuracy"], 1)
    assert (int(right), int(total), int(wrong)) == (
        result["right"],
        result["held_out"],
        len(result["wrong"]),
    )
    rows = re.findall(r"^\s+(\d)\s+((?:\s*\d+){10})$", out, re.M)
    assert [[int(v) for v in row.split()] for _, row in rows] == result["confusion"]
    # the last epoch's held-out accuracy is the one reported
    assert result["accuracy_history"][-1] == result["accuracy"]
    assert len(result["loss"]) == 60 and result["loss"][-1] < result["loss"][0] / 4

    try:
        import matplotlib  # noqa: F401
    except ImportError:
        assert result["images"] == []
        return
    names = sorted(p.rsplit("/", 1)[-1] for p in result["images"])
    assert names == [
        "confusion_matrix.png",
        "first_layer_weights.png",
        "loss_curve.png",
        "misclassified.png",
    ]
    for path in result["images"]:
        with open(path, "rb") as f:
            assert f.read(8) == PNG


def test_without_scikit_learn_the_demo_says_how_to_get_it(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "sklearn", None)  # import sklearn -> ImportError
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    result = digits.main(["--out", str(tmp_path / "d")])
    out = capsys.readouterr().out
    assert out.strip().splitlines() == [digits.NEEDS_SKLEARN]
    assert "pip install 'autograd-lite[digits]'" in out
    assert result["images"] == [] and "skipped" in result
    assert not (tmp_path / "d").exists()


def test_without_scikit_learn_the_command_exits_0_with_that_one_line(tmp_path):
    code = (
        "import sys, runpy\n"
        "sys.modules['sklearn'] = None\n"
        f"sys.argv = ['digits', '--out', {str(tmp_path / 'd')!r}]\n"
        "runpy.run_module('autograd_lite.demos.digits', run_name='__main__')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == digits.NEEDS_SKLEARN
    assert done.stderr == ""
