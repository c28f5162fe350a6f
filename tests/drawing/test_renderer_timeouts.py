"""The renderer's ``timeout``: ``math.inf`` and very long ones are no limit, NaN is refused."""

from __future__ import annotations

import math

import pytest

from autograd_lite import Value, render
from autograd_lite.drawing.renderer import pipe


@pytest.mark.parametrize("timeout", [math.inf, 1e300])
def test_an_endless_or_huge_timeout_renders_as_no_limit(tmp_path, timeout):
    out = render(Value(1.0, label="x") * 2, tmp_path / "g.svg", timeout=timeout)
    assert out.read_text().startswith("<?xml")


def test_a_timeout_of_nan_is_a_clear_error():
    with pytest.raises(ValueError, match="timeout is nan: give a number of seconds"):
        pipe("digraph { a -> b }", "svg", timeout=math.nan)
