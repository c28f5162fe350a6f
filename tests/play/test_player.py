"""The backprop player in Python: the data it ships, the HTML a notebook shows, its refusals.

The browser's side (keys, clicks, what is drawn) is in test_player_browser.py.
"""

from __future__ import annotations

import base64
import json
import re
from html.parser import HTMLParser

import pytest

from autograd_lite import Value, parse
from autograd_lite.drawing import renderer as renderer_module
from autograd_lite.drawing.renderer import RendererNotFoundError
from autograd_lite.play.player import Player, TooManyStepsError
from autograd_lite.play.player_data import encoded, player_data
from autograd_lite.play.stepper import Stepper


def lecture() -> Stepper:
    return Stepper(parse("q = x + y; f = q * z", x=-2, y=5, z=-4)["f"], notation="unicode")


FANOUT = "v1 = x*y + x; v2 = v1*y + x; v3 = v2*y + x"


def fanout() -> Stepper:
    return Stepper(parse(FANOUT, x=0.5, y=-1)["v3"], notation="unicode")


def data_of(html: str) -> dict:
    (text,) = re.findall(r'<script type="application/json" class="agl-data">(.*?)</script>', html)
    return json.loads(text)


def replay(data: dict, k: int) -> dict:
    """The looks at position k, from the base and the changes, as the browser makes them."""
    now = {"n": dict(data["base"]["n"]), "e": dict(data["base"]["e"])}
    for change in data["changes"][1 : k + 1]:
        for part in ("n", "e"):
            now[part].update(change[part])
    return now


# --- the data ------------------------------------------------------------------------------


@pytest.mark.parametrize("make", [lecture, fanout], ids=["lecture", "fanout"])
def test_the_changes_rebuild_every_frame_and_every_question(make):
    s = make()
    frames, questions = s.frames(), s.question_frames()
    data = player_data(s, s.scene(), frames, questions, start=0, scale=1.0, predict=True)
    for k, frame in enumerate(frames):
        assert replay(data, k) == encoded(frame), k
        if questions[k] is None:
            assert data["questions"][k] is None
            continue
        asked = replay(data, k - 1)
        for part in ("n", "e"):
            asked[part].update(data["questions"][k][part])
        assert asked == encoded(questions[k]), k


def test_a_step_ships_only_what_it_changes():
    lines = "; ".join(["v1 = x*y + x"] + [f"v{k} = v{k - 1}*y + x" for k in range(2, 11)])
    s = Stepper(parse(lines, x=0.5, y=-1)["v10"], notation="unicode")
    data = player_data(s, s.scene(), s.frames(), [None] * (len(s) + 1), start=0, scale=1.0)
    nodes, steps = len(data["base"]["n"]), len(s)
    shipped = sum(len(c["n"]) for c in data["changes"][1:])
    assert nodes > 50 and shipped < 0.1 * nodes * steps  # not a picture per step


def test_the_terms_of_each_grad_are_the_steppers_and_add_up_to_backward():
    s = fanout()
    data = player_data(s, s.scene(), s.frames(), [None] * (len(s) + 1), start=0, scale=1.0)
    truth = parse(FANOUT, x=0.5, y=-1)["v3"]
    truth.backward()  # the engine's own pass, on a separate graph built the same way
    for row, node, same in zip(data["rows"], s.order, truth.topological_order()):
        steps = [st for st in s.steps if st.target is node]
        assert [t[0] for t in row["terms"]] == [st.index for st in steps]
        terms = [1.0 if st.kind == "seed" else st.contribution for st in steps]
        assert [t[3] for t in row["terms"]] == [s.number(term) for term in terms]
        assert [t[4] for t in row["terms"]] == [s.number(st.grad_after) for st in steps]
        assert row["terms"][-1][4] == s.number(same.grad)
        assert sum(terms) == pytest.approx(same.grad)
    x = data["rows"][0]
    assert x["name"] == "x" and len(x["terms"]) == 4  # each line's "+ x", and x*y
    assert [t[1] for t in x["terms"]] == ["v̄3 · ∂v3/∂x", "v̄2 · ∂v2/∂x", "v̄1 · ∂v1/∂x",
                                          "n̄1 · ∂n1/∂x"]  # fmt: skip
    assert [t[4] for t in x["terms"]] == ["1", "0", "1", "0"]  # the running sum


def test_the_story_of_each_step_is_built_from_its_parts():
    s = lecture()
    data = player_data(s, s.scene(), s.frames(), s.question_frames(), start=0, scale=1.0,
                       predict=True)  # fmt: skip
    assert data["story"][0]["kind"] == "start"
    for k, step in enumerate(s.steps, start=1):
        story = data["story"][k]
        assert story["line"] == [step.equation, step.note]
        assert (story["question"] is None) == (not step.asks)
        assert data["rows"][story["node"]]["name"] == s.name(step.node)
    assert data["story"][9]["question"] == ["x̄ += q̄ · ∂q/∂x = (−4) · 1 = ?", "x.grad = ?"]
    assert data["story"][9]["asks"] == [0, "grad"] and data["story"][3]["asks"] == [2, "data"]


def test_player_data_refuses_a_start_outside_the_steps():
    s = lecture()
    with pytest.raises(ValueError, match="start must be a position from 0 to 10"):
        player_data(s, s.scene(), s.frames(), [None] * 11, start=11, scale=1.0)


# --- the HTML a notebook shows ---------------------------------------------------------------


class Texts(HTMLParser):
    """The text of the first element of each class asked for."""

    def __init__(self, *classes: str) -> None:
        super().__init__()
        self.want, self.found, self.open = set(classes), {}, []

    def handle_starttag(self, tag, attrs):
        cls = dict(attrs).get("class", "") or ""
        hit = [c for c in cls.split() if c in self.want and c not in self.found]
        self.open.append((tag, hit))
        for c in hit:
            self.found[c] = ""

    def handle_endtag(self, tag):
        while self.open:
            t, _ = self.open.pop()
            if t == tag:
                break

    def handle_data(self, data):
        for _, hit in self.open:
            for c in hit:
                self.found[c] += data


def test_a_stepper_shows_as_its_player_at_its_position():
    s = lecture()
    s.jump(9)
    html = s._repr_html_()
    assert html.count("<style>") == 1
    assert 'data-lm-suppress-shortcuts="true"' in html and 'tabindex="0"' in html
    data = data_of(html)
    assert (data["start"], data["steps"], data["predict"]) == (9, 10, False)
    # an untrusted notebook strips inline SVG but keeps images: the picture is an image of
    # step 9, and the SVG the script dresses is in the data
    assert html.count("<svg") == 0
    (still,) = re.findall(r'<img class="agl-still" src="data:image/svg\+xml;base64,([^"]+)"', html)
    picture = base64.b64decode(still).decode("utf-8")
    assert picture.startswith("<?xml") and "grad −4" in picture and "x̄" not in picture
    assert data["svg"].startswith('<svg viewBox="') and 'class="agl-drawing"' in data["svg"]
    assert picture.count("<g id=") == data["svg"].count("<g id=")
    # without JavaScript: the picture, the line and the words of step 9, and why no more
    texts = Texts("agl-line", "agl-count", "agl-static")
    texts.feed(html)
    assert texts.found["agl-line"] == s.steps[8].text
    assert texts.found["agl-count"] == "9 / 10"
    assert "needs JavaScript" in texts.found["agl-static"]
    assert s.position == 9


def test_show_predict_gives_a_displayable_player_with_the_questions():
    s = lecture()
    player = s.show(predict=True)
    assert repr(player) == "<Player of f: step 0 of 10, predict>"
    data = data_of(player._repr_html_())
    assert data["predict"] and data["questions"][3] is not None and data["questions"][1] is None


def test_two_players_on_a_page_get_their_own_ids():
    s = lecture()
    a, b = s._repr_html_(), s._repr_html_()
    prefix_a = re.search(r'id="(agl[0-9a-f]+-)player"', a).group(1)
    prefix_b = re.search(r'id="(agl[0-9a-f]+-)player"', b).group(1)
    assert prefix_a != prefix_b
    ids = re.findall(r'(?<![\w-])id="([^"]+)"', data_of(a)["svg"] + data_of(b)["svg"])
    assert len(ids) == len(set(ids)) > 20


def test_a_label_cannot_end_the_data_script():
    a = Value(1.0, label="</script><b>")
    html = Stepper(a * 2, notation="unicode")._repr_html_()
    assert html.count("</script>") == 2  # the data's and the player's own
    assert data_of(html)["rows"][0]["name"] == "</script><b>"


# --- refusals: a message in the output, at once --------------------------------------------


def chain(n: int) -> Value:
    v = Value(0.5, label="x")
    for _ in range(n):
        v = v * 1.01
    return v


def test_a_graph_over_the_drawing_limit_shows_the_message_without_drawing(monkeypatch):
    def no_renderer(*args, **kwargs):
        raise AssertionError("the renderer must not be called for a graph over the limit")

    monkeypatch.setattr(renderer_module, "pipe", no_renderer)
    monkeypatch.setattr("autograd_lite.drawing.layout.pipe_drawing", no_renderer)
    html = Stepper(chain(400))._repr_html_()  # 1201 nodes drawn, 1602 steps
    assert 'class="agl-refusal"' in html and "GraphTooLargeError" in html
    assert "more than max_nodes=1000" in html
    html = Stepper(chain(30)).show(max_steps=50)._repr_html_()
    assert "TooManyStepsError" in html and "more than max_steps=50" in html


def test_without_a_renderer_the_output_says_what_to_install(monkeypatch):
    def missing():
        raise RendererNotFoundError("no Graphviz renderer found: drawing needs ...")

    monkeypatch.setattr(renderer_module, "find_renderer", missing)
    html = lecture()._repr_html_()
    assert "RendererNotFoundError" in html and "no Graphviz renderer found" in html


def test_bad_arguments_are_refused_at_once():
    s = lecture()
    with pytest.raises(TypeError, match="predict must be True or False"):
        s.show(predict="yes")
    with pytest.raises(TypeError, match=r"unknown drawing options \['colour'\]"):
        s.show(colour="grad")
    with pytest.raises(TypeError, match="Player\\(\\) takes a Stepper, got Value"):
        Player(Value(1.0))
    with pytest.raises(TooManyStepsError):
        s.show(max_steps=3).html()
    with pytest.raises(TypeError, match="max_steps must be a whole number"):
        s.show(max_steps="3").html()
