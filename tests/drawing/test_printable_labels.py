"""Text output refuses what a terminal would act on, beyond what SVG refuses.

A carriage return rewrites the line it is on (a label could hide the
numbers before it), DEL is a control, and the C1 controls (U+0080 to
U+009F) include CSI and OSC in their 8-bit form. SVG can hold them, so
``draw`` takes them; ``to_text`` and the Stepper, whose texts reach a
terminal, refuse them by name.
"""

from __future__ import annotations

import pytest

from autograd_lite import Stepper, Value, draw, to_text


@pytest.mark.parametrize("label", ["x\rq = 0", "x\x7f", "x\x9b2J", "x\x9d52;c;aGk=\x9c"])
def test_text_outputs_refuse_a_label_a_terminal_would_act_on(label):
    f = Value(2.0, label=label) * 3
    code = rf"U\+{ord(next(c for c in label if c == chr(13) or 0x7F <= ord(c) <= 0x9F)):04X}"
    with pytest.raises(ValueError, match=rf"the label .* can't be printed: it holds {code}"):
        to_text(f)
    with pytest.raises(ValueError, match=rf"can't be printed: it holds {code}"):
        Stepper(f)
    assert draw(f).source  # SVG can hold it: the drawing takes it


def test_tab_newline_and_other_unicode_stay_printable():
    f = Value(2.0, label="x\ty") * Value(1.0, label="θ₁ → ∂")
    assert "θ₁ → ∂" in to_text(f) and "θ₁ → ∂" in Stepper(f).narration()
