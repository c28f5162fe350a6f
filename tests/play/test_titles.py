"""A title the page could not hold is refused by name, in Python as on the command line."""

from __future__ import annotations

import pytest

from autograd_lite import Stepper, Value
from autograd_lite.slides import slides_html, write_slides


@pytest.mark.parametrize("title", ["a\udc80b", "lone \ud800", "nul\x00"])
def test_a_title_with_a_lone_surrogate_or_control_is_refused_naming_the_title(title, tmp_path):
    f = Value(2.0, label="x") * 3
    target = tmp_path / "deck.html"
    with pytest.raises(ValueError, match=r"^the title .* can't be drawn: it holds U\+"):
        write_slides(f, target, title=title)
    assert not target.exists()  # nothing half-written
    with pytest.raises(ValueError, match=r"^the title "):
        slides_html(f, title)
    with pytest.raises(ValueError, match=r"^the title "):
        Stepper(f).show(title=title)


def test_an_ordinary_unicode_title_is_kept():
    f = Value(2.0, label="x") * 3
    assert "Rückwärts ∂f/∂x" in slides_html(f, "Rückwärts ∂f/∂x")
