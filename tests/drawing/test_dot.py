"""draw(): what the DOT source of a graph says, and (at the end) how its text comes out in SVG."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import graphviz
import pytest

from autograd_lite import Value, draw, to_svg
from autograd_lite.drawing.dot import HIGHLIGHT, ROLE_COLORS


def node_line(source: str, name: str) -> str:
    (line,) = [ln.strip() for ln in source.splitlines() if re.match(rf"\s*{name} \[", ln)]
    return line


def edges(source: str) -> list[str]:
    return [ln.strip() for ln in source.splitlines() if " -> " in ln]


def test_x_plus_y_times_z_draws_a_record_per_value_and_a_node_per_op(lecture_graph):
    *_, f = lecture_graph()
    f.backward()
    g = draw(f)
    assert isinstance(g, graphviz.Digraph)
    src = g.source
    # topological order: x, y, q, z, f
    assert '"{ x | data -2 | grad -4 }"' in node_line(src, "v0")
    assert '"{ y | data 5 | grad -4 }"' in node_line(src, "v1")
    assert '"{ q | data 3 | grad -4 }"' in node_line(src, "v2")
    assert '"{ z | data -4 | grad 3 }"' in node_line(src, "v3")
    assert '"{ f | data -12 | grad 1 }"' in node_line(src, "v4")
    assert 'label="+"' in node_line(src, "o2") and 'label="*"' in node_line(src, "o4")
    assert edges(src) == [
        'v0 -> o2 [label=1 fontcolor="#555555" id=e0]',
        'v1 -> o2 [label=1 fontcolor="#555555" id=e1]',
        "o2 -> v2 [id=e2]",
        'v2 -> o4 [label=-4 fontcolor="#555555" id=e3]',
        'v3 -> o4 [label=3 fontcolor="#555555" id=e4]',
        "o4 -> v4 [id=e5]",
    ]


def test_a_times_a_shows_two_edges_each_with_its_local_derivative():
    a = Value(3.0, label="a")
    sq = a * a
    sq.backward()
    assert edges(draw(sq).source) == [
        'v0 -> o1 [label=3 fontcolor="#555555" id=e0]',
        'v0 -> o1 [label=3 fontcolor="#555555" id=e1]',
        "o1 -> v1 [id=e2]",
    ]


def test_nodes_no_backward_pass_reached_say_grad_not_computed(lecture_graph):
    *_, f = lecture_graph()
    f.backward()
    w = Value(3.0, label="w")
    g = f * w  # made after the backward pass: w and g were never reached
    src = draw(g).source
    assert "grad not computed" in node_line(src, "v5")  # w
    assert "grad not computed" in node_line(src, "v6")  # g
    assert "dashed" in node_line(src, "v6")
    assert "grad -4" in node_line(src, "v0")
    assert "not computed" not in node_line(src, "v0")


def test_before_any_backward_every_grad_is_not_computed_never_zero(lecture_graph):
    *_, f = lecture_graph()
    src = draw(f).source
    assert src.count("grad not computed") == 5
    assert "grad 0" not in src


def test_grads_made_by_create_graph_show_their_numbers():
    x = Value(3.0, label="x")
    y = x * x
    y.label = "y"
    y.backward(create_graph=True)
    assert isinstance(x.grad, Value)
    assert "grad 6" in node_line(draw(y).source, "v0")


def test_number_format_spec_and_function():
    x = Value(2.0 / 3.0, label="x")
    y = x * 3
    y.backward()
    assert "data 0.667" in draw(y, number_format=".3f").source
    assert "data 0.6666666666666666" in draw(y, number_format=repr).source
    with pytest.raises(ValueError, match="number_format"):
        draw(y, number_format="%d")


def test_negative_zero_is_shown_as_zero():
    x = Value(-0.0, label="x")
    y = x * 1
    assert "data 0 " in node_line(draw(y).source, "v0") + " "
    assert "-0" not in node_line(draw(y).source, "v0")


def test_local_grads_can_be_left_off(lecture_graph):
    *_, f = lecture_graph()
    assert "label=1" not in draw(f, local_grads=False).source


def test_rankdir_tb_lays_record_fields_side_by_side(lecture_graph):
    *_, f = lecture_graph()
    src = draw(f, rankdir="TB").source
    assert "rankdir=TB" in src
    assert '"x | data -2 | grad not computed"' in node_line(src, "v0")


def test_roles_colour_inputs_parameters_constants_and_the_output():
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    o = (n * 2).tanh()
    o.label = "o"
    o.backward()
    src = draw(o).source
    order = o.topological_order()

    def fill(v: Value) -> str:
        return node_line(src, f"v{order.index(v)}")

    assert ROLE_COLORS["input"] in fill(x1)
    assert ROLE_COLORS["parameter"] in fill(w1)
    assert ROLE_COLORS["parameter"] in fill(b)  # a bias, because weights are present
    assert ROLE_COLORS["output"] in fill(o) and "penwidth=2" in fill(o)
    const = next(v for v in order if not v.parents and v.label is None)
    assert ROLE_COLORS["constant"] in fill(const)


def test_b_without_weights_is_an_input_and_parameters_can_be_given():
    a, b, c = Value(2.0, label="a"), Value(-3.0, label="b"), Value(10.0, label="c")
    d = a * b + c
    src = draw(d).source
    assert ROLE_COLORS["input"] in node_line(src, "v1")
    src = draw(d, parameters=[a]).source
    assert ROLE_COLORS["parameter"] in node_line(src, "v0")
    assert ROLE_COLORS["input"] in node_line(src, "v1")


def test_dotted_parameter_paths_are_parameters():
    w = Value(0.5, label="layers.0.neurons.3.w.1")
    x = Value(1.0, label="x[0]")
    src = draw(w * x).source
    assert ROLE_COLORS["parameter"] in node_line(src, "v0")
    assert ROLE_COLORS["input"] in node_line(src, "v1")


def test_colour_by_grad_sign_and_size(lecture_graph):
    *_, f = lecture_graph()
    f.backward()
    src = draw(f, color="grad").source

    def rgb(name: str) -> tuple[int, ...]:
        hexes = re.search(r'fillcolor="#(\w\w)(\w\w)(\w\w)"', node_line(src, name)).groups()
        return tuple(int(h, 16) for h in hexes)

    r, g, b = rgb("v0")  # x: grad -4, the largest: strong red
    assert r > g + 60 and r > b + 60
    r, g, b = rgb("v3")  # z: grad 3: blue
    assert b > r + 40
    r1, g1, b1 = rgb("v4")  # f: grad 1: a paler blue than z
    assert b1 > r1 and r1 > r


def test_no_colour(lecture_graph):
    *_, f = lecture_graph()
    f.backward()
    assert "fillcolor" not in "".join(
        ln for ln in draw(f, color=None).source.splitlines() if ln.strip().startswith("v")
    )


def test_legend_lists_the_roles_in_the_drawing(lecture_graph):
    *_, f = lecture_graph()
    src = draw(f, legend=True).source
    legend = node_line(src, "legend")
    for text in ("input", "intermediate", "output", "local derivative", "grad not computed"):
        assert text in legend
    assert "parameter" not in legend  # none in this graph


def test_highlighted_nodes_and_edges(lecture_graph):
    *_, q, f = lecture_graph()
    src = draw(f, highlight_nodes=[q], highlight_edges=[(q, f)]).source
    assert HIGHLIGHT in node_line(src, "v2") and "penwidth=3" in node_line(src, "v2")
    marked = [e for e in edges(src) if HIGHLIGHT in e]
    assert [e.split(" [")[0] for e in marked] == ["v2 -> o4", "o4 -> v4"]
    assert HIGHLIGHT not in node_line(src, "v3")


def test_highlighting_something_not_in_the_graph_is_an_error(lecture_graph):
    x, y, z, q, f = lecture_graph()
    with pytest.raises(ValueError, match="not in this graph"):
        draw(f, highlight_nodes=[Value(1.0)])
    with pytest.raises(ValueError, match="not a parent"):
        draw(f, highlight_edges=[(x, f)])


def test_record_syntax_in_labels_is_escaped():
    x = Value(1.0, label='a|b{c}<d>"e\\')
    src = draw(x * 2).source
    assert r'"{ a\|b\{c\}\<d\>\"e\\ | data 1 |' in node_line(src, "v0")


def test_same_graph_built_twice_gives_the_same_source(lecture_graph):
    sources = []
    for _ in range(2):
        *_, f = lecture_graph()
        f.backward()
        sources.append(draw(f, legend=True, color="grad").source)
    assert sources[0] == sources[1]
    assert "id(" not in sources[0]


def test_bad_options_are_clear_errors(lecture_graph):
    *_, f = lecture_graph()
    with pytest.raises(ValueError, match="rankdir"):
        draw(f, rankdir="up")
    with pytest.raises(ValueError, match="color"):
        draw(f, color="rainbow")
    with pytest.raises(ValueError, match="collapse"):
        draw(f, collapse="neurons")
    with pytest.raises(ValueError, match="max_nodes"):
        draw(f, max_nodes=0)


@pytest.mark.slow
def test_a_long_chain_draws_without_recursion():
    x = Value(1.0, label="x")
    y = x
    for _ in range(20_000):
        y = y + 1
    src = draw(y, max_nodes=None, local_grads=False).source
    assert src.count(" -> ") == 3 * 20_000  # two inputs and one result per +


# --- text that comes out verbatim, and text that can't be drawn ---------------------------

SVG = "{http://www.w3.org/2000/svg}"


def svg_texts(svg: str) -> list[str]:
    return [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]


@pytest.mark.parametrize("label", ["a&amp;b", "a&b", "&#65;", "&lt;x&gt;", "x\\N", "&"])
def test_a_label_is_drawn_verbatim_even_when_it_looks_like_an_entity(label):
    texts = svg_texts(to_svg(Value(1.0, label=label) * 2))
    assert label in texts


@pytest.mark.parametrize(
    "label, shown",
    [
        ("x\ufffe", "U+FFFE"),
        ("x\uffff", "U+FFFF"),
        ("a\x00b", "U+0000"),
        ("\ud800", "U+D800"),
        ("esc\x1b", "U+001B"),
    ],
)
def test_a_label_xml_cannot_hold_is_refused_at_draw_time_naming_it(label, shown):
    x = Value(1.0, label="x")
    y = x * 2
    y.label = label
    with pytest.raises(ValueError, match=re.escape(f"label {label!r}") + ".*" + re.escape(shown)):
        draw(y)


def test_a_name_given_for_an_unlabelled_node_is_checked_too():
    x = Value(1.0, label="x")
    y = x * 2
    with pytest.raises(ValueError, match="U\\+0007"):
        draw(y, names={y: "bell\x07"})


@pytest.mark.parametrize("fill", ['"', "{", "}", "|", "<", ">", "\\", "&", "#"])
def test_fill_characters_of_the_number_format_are_drawn_verbatim(fill):
    x = Value(1.5, label="x")
    y = x * 2.0
    y.backward()
    spec = f"{fill}^9.2f"
    texts = svg_texts(to_svg(y, number_format=spec))
    assert f"data {format(1.5, spec)}" in texts  # x's record
    assert format(2.0, spec) in texts  # the local derivative on the edge from x


@pytest.mark.parametrize(
    "spec, words",
    [
        ("10000000.2f", "width 10000000"),
        (">100g", "width 100"),
        (".1000f", "precision 1000"),
        ("\x00>9.2f", "U\\+0000"),
    ],
)
def test_absurd_number_formats_are_refused(spec, words):
    with pytest.raises(ValueError, match=words):
        draw(Value(1.0, label="x") * 2, number_format=spec)


def test_a_format_function_returning_undrawable_text_is_refused():
    with pytest.raises(ValueError, match="number_format.*U\\+FFFF"):
        draw(Value(1.0, label="x") * 2, number_format=lambda v: f"{v}\uffff")


def test_scale_multiplies_every_font_size_and_pen_width(lecture_graph):
    *_, q, f = lecture_graph()
    f.backward()
    plain = draw(f, highlight_nodes=[q]).source
    big = draw(f, highlight_nodes=[q], scale=2).source

    def sizes(src: str, key: str) -> list[float]:
        return [float(v) for v in re.findall(rf"\b{key}=\"?([\d.]+)", src)]

    assert sizes(big, "fontsize") == [2 * s for s in sizes(plain, "fontsize")]
    assert sizes(plain, "penwidth") == [3, 2]  # the highlight, the output
    assert sizes(big, "penwidth") == [2, 2, 6, 4]  # every line (node, edge), then the same
    with pytest.raises(ValueError, match="scale"):
        draw(f, scale=0)
    with pytest.raises(TypeError, match="scale"):
        draw(f, scale="big")


def test_compact_records_put_the_label_beside_data_over_grad(lecture_graph):
    *_, f = lecture_graph()
    f.backward()
    assert '"{ x | { data -2 | grad -4 } }"' in node_line(draw(f, record="compact").source, "v0")
    tb = draw(f, record="compact", rankdir="TB").source
    assert '"x | { data -2 | grad -4 }"' in node_line(tb, "v0")
    x, y = Value(-2.0, label="x"), Value(5.0, label="y")
    unlabelled = draw(x + y, record="compact", rankdir="TB").source
    assert '"{ data 3 | grad not computed }"' in node_line(unlabelled, "v2")  # data over grad
    with pytest.raises(ValueError, match="record"):
        draw(f, record="tall")
