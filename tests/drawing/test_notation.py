"""The bar of a gradient: over one letter a character of its own (x̄, w̄1), over a longer
name such as micrograd's x1w1 ``bar(x1w1)`` in text and one line over the whole name on a page."""

from __future__ import annotations

from autograd_lite import to_text
from autograd_lite.drawing.notation import ASCII, BAR_END, BAR_START, UNICODE, WholeBars
from autograd_lite.play.player_data import to_json
from autograd_lite.play.slides import slides_html
from autograd_lite.play.stepper import Stepper

MACRON, OVERLINE = "\u0304", "\u0305"


def test_one_letter_keeps_its_bar_x_bar_and_w_bar_1():
    assert [UNICODE.bar(name) for name in ("x", "y", "w1", "n12", "L0.N3.w0")] == [
        "x̄", "ȳ", "w̄1", "n̄12", "L0.N3.w̄0"]  # fmt: skip
    assert ASCII.bar("x1w1") == "x1w1_bar"


def test_a_longer_name_reads_bar_of_x1w1_in_the_terminal(micrograd_neuron):
    assert UNICODE.bar("x1w1") == "bar(x1w1)"
    assert UNICODE.bar("loss") == "bar(loss)"
    text = Stepper(micrograd_neuron(), notation="unicode").narration()
    assert "bar(x1w1) += bar(x1w1 + x2w2) · ∂(x1w1 + x2w2)/∂x1w1 = 0.5 · 1 = 0.5" in text
    assert "x̄1 += bar(x1w1) · ∂x1w1/∂x1 = 0.5 · (−3) = −1.5   (x1.grad = −1.5)" in text
    assert "n̄ += ō · ∂o/∂n = 1 · 0.5 = 0.5" in text
    assert OVERLINE not in text and "x" + MACRON + "1w" not in text
    assert OVERLINE not in to_text(micrograd_neuron(), notation="unicode")


def test_a_page_gets_the_whole_name_between_marks_and_no_control_character():
    bars = WholeBars(UNICODE, ["x1", "x1w1", "x1w1 + x2w2", "n"])
    said = "bar(x1w1) += bar(x1w1 + x2w2) · 1; x̄1 += bar(x1w1) · n̄"
    assert bars.marked(said) == (
        f"{BAR_START}x1w1{BAR_END} += {BAR_START}x1w1 + x2w2{BAR_END} · 1; "
        f"x̄1 += {BAR_START}x1w1{BAR_END} · n̄"
    )
    assert bars.html("bar(x1w1) · n̄ < 1") == '<span class="agl-over">x1w1</span> · n̄ &lt; 1'
    assert to_json({"bar": bars.marked("bar(x1w1)")}) == '{"bar":"\\u0098x1w1\\u009c"}'


def test_the_deck_without_javascript_draws_one_bar_over_x1w1(micrograd_neuron):
    html = slides_html(Stepper(micrograd_neuron(), notation="unicode"))
    assert '<span class="agl-over">x1w1</span> += <span class="agl-over">x1w1 + x2w2</span>' in html
    assert "bar(x1w1)" not in html and BAR_START not in html and OVERLINE not in html
