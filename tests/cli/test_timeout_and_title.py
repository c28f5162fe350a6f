"""``--timeout`` and ``--title``: a value the command can't use is one line naming the option.

``--timeout`` (trace --frames, slides) takes 0.1 to 1,000,000 seconds, or
``none`` (or ``inf``) for no limit; ``--title`` takes UTF-8 text.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from autograd_lite.cli import main

LECTURE = ["q = x + y; f = q * z", "x=-2", "y=5", "z=-4"]
RANGE = "is out of range: give from 0.1 to 1000000 seconds, or 'none' for no limit"


def with_timeout(command: str, value: str, where: Path) -> list[str]:
    if command == "trace":
        return ["trace", *LECTURE, "--frames", str(where / "frames"), "--timeout", value]
    return ["slides", *LECTURE, "-o", str(where / "deck.html"), "--timeout", value]


@pytest.mark.parametrize("command", ["trace", "slides"])
@pytest.mark.parametrize("value", ["inf", "Infinity", "none"])
def test_timeout_inf_is_no_limit_like_none(tmp_path, capsys, command, value):
    assert main(with_timeout(command, value, tmp_path)) == 0
    assert "wrote" in capsys.readouterr().err
    written = tmp_path / ("frames" if command == "trace" else "deck.html")
    assert written.exists()


@pytest.mark.parametrize("command", ["trace", "slides"])
@pytest.mark.parametrize("value", ["1e-9", "0.05", "0", "1e300", "2e6"])
def test_a_timeout_out_of_range_is_refused_naming_the_option(tmp_path, capsys, command, value):
    with pytest.raises(SystemExit) as stop:
        main(with_timeout(command, value, tmp_path))
    assert stop.value.code == 2
    last = capsys.readouterr().err.splitlines()[-1]
    assert last == f"autograd-lite {command}: error: argument --timeout: {value!r} {RANGE}"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", ["trace", "slides"])
def test_a_timeout_of_nan_is_not_a_number_of_seconds(tmp_path, capsys, command):
    with pytest.raises(SystemExit):
        main(with_timeout(command, "nan", tmp_path))
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"autograd-lite {command}: error: argument --timeout: 'nan' is not a number of "
        "seconds (or 'none' for no limit)"
    )


@pytest.mark.parametrize("command", ["trace", "slides"])
def test_the_help_gives_the_timeouts_range(capsys, command):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "from 0.1 to 1000000 seconds, or 'none'" in help_text


@pytest.mark.parametrize(
    "raw, shown",
    [(b"\xed\xa0\x80", r"'\xed\xa0\x80'"), (b"caf\xe9 \xff", r"'caf\xe9 \xff'")],
    ids=["encoded-surrogate", "latin-1"],
)
def test_a_title_that_is_not_utf_8_is_one_line_naming_title(tmp_path, raw, shown):
    done = subprocess.run(
        [sys.executable, "-m", "autograd_lite", "slides", *LECTURE, "--title", raw, "-o", "d.html"],
        capture_output=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 2
    err = done.stderr.decode("utf-8")
    assert "Traceback" not in err
    assert err.splitlines()[-1] == (
        f"autograd-lite slides: error: argument --title: {shown} is not UTF-8 text; "
        "give the title in UTF-8"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_utf_8_title_is_the_decks_title(tmp_path):
    assert main(["slides", *LECTURE, "--title", "Café ∂f/∂x", "-o", str(tmp_path / "d.html")]) == 0
    assert "<title>Café ∂f/∂x</title>" in (tmp_path / "d.html").read_text(encoding="utf-8")
