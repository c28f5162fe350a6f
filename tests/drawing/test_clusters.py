"""Big graphs: clusters by nn module, collapse, and the node limit.

The graphs are built by hand with nn's labelling conventions (parameters
``layers.0.neurons.3.w.1`` / ``layers.0.neurons.3.b``, each neuron's output
labelled ``layers.0.neurons.3``), so these tests need no nn package; one
test also uses ``nn.MLP`` when it is importable.
"""

from __future__ import annotations

import random
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence

import pytest

from autograd_lite import Value, draw, to_svg
from autograd_lite.drawing.clusters import find_groups, parameter_module, parent_module
from autograd_lite.drawing.dot import GraphTooLargeError

SVG = "{http://www.w3.org/2000/svg}"


def hand_mlp(nin: int, sizes: Sequence[int], seed: int = 0) -> Callable[[list], Value | list]:
    """An MLP made of Values, labelled the way nn labels its parameters and outputs."""
    rnd = random.Random(seed)
    layers = []
    for li, nout in enumerate(sizes):
        layer = []
        for ni in range(nout):
            path = f"layers.{li}.neurons.{ni}"
            w = [Value(rnd.uniform(-1, 1), label=f"{path}.w.{k}") for k in range(nin)]
            layer.append((path, w, Value(0.0, label=f"{path}.b")))
        layers.append(layer)
        nin = nout

    def forward(xs: list) -> Value | list:
        for li, layer in enumerate(layers):
            outs = []
            for path, w, b in layer:
                act = b
                for wi, xi in zip(w, xs):
                    act = act + wi * xi
                out = act.tanh() if li < len(layers) - 1 else act
                out.label = path
                outs.append(out)
            xs = outs
        return xs[0] if len(xs) == 1 else xs

    return forward


def small_loss() -> Value:
    model = hand_mlp(2, [3, 2, 1])
    out = model([Value(0.8, label="x[0]"), Value(-0.4, label="x[1]")])
    loss = (out - 1.0) ** 2
    loss.label = "loss"
    loss.backward()
    return loss


def svg_texts(svg: str) -> list[str]:
    return [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]


def reachable(start: Value, order: list[Value]) -> set[Value]:
    """Every node that depends on ``start`` (start included)."""
    down = {start}
    for node in order:
        if any(p in down for p in node.parents):
            down.add(node)
    return down


def test_module_paths_from_labels():
    assert parameter_module("layers.0.neurons.3.w.1") == "layers.0.neurons.3"
    assert parameter_module("layers.0.neurons.3.b") == "layers.0.neurons.3"
    assert parameter_module("w1") is None
    assert parameter_module("x") is None
    assert parameter_module("layers.0.neurons.3") is None
    assert parent_module("layers.0.neurons.3") == "layers.0"
    assert parent_module("neurons.3") is None


def test_neurons_are_grouped_into_layers():
    loss = small_loss()
    groups = find_groups(loss.topological_order())
    assert [(g.title, g.kind, len(g.children)) for g in groups] == [
        ("layers.0", "layer", 3),
        ("layers.1", "layer", 2),
        ("layers.2", "layer", 1),
    ]
    n = groups[0].children[0]
    assert n.title == "layers.0.neurons.0"
    assert [p.label for p in n.params] == [
        "layers.0.neurons.0.b",
        "layers.0.neurons.0.w.0",
        "layers.0.neurons.0.w.1",
    ]
    assert n.outputs[0].label == "layers.0.neurons.0"


def test_a_neuron_owns_exactly_the_nodes_between_its_parameters_and_its_output():
    loss = small_loss()
    order = loss.topological_order()
    for layer in find_groups(order):
        for neuron in layer.children:
            out = neuron.outputs[0]
            ancestors = {n for n in order if out in reachable(n, order)}
            from_params = set().union(*(reachable(p, order) for p in neuron.params))
            expected = ancestors & from_params
            assert set(neuron.members) == expected, neuron.title
            labels = {n.label for n in neuron.members}
            assert "x[0]" not in labels and "loss" not in labels


def test_clusters_nest_neurons_inside_layers_and_shorten_parameter_labels():
    loss = small_loss()
    src = draw(loss).source
    assert src.count("subgraph cluster_") == 3 + 6
    assert re.search(r"subgraph cluster_0 \{\s*[^\n]*label=\"layer 0\"", src)
    assert re.search(r"subgraph cluster_\d+ \{\s*[^\n]*label=\"neuron 0\"", src)
    svg = to_svg(loss)
    texts = svg_texts(svg)
    assert "layer 0" in texts and "neuron 0" in texts  # the boxes' titles, short
    assert "w1" in texts and "b" in texts  # parameter labels inside their neuron's box
    assert "layers.0.neurons.0.w.1" not in texts and "w.1" not in texts
    # the full dotted path is each node's tooltip
    links = ET.fromstring(svg).iter(f"{SVG}a")
    tips = [a.get("{http://www.w3.org/1999/xlink}title") for a in links]
    assert "layers.0.neurons.0.w.1" in tips and "layers.2.neurons.0" in tips
    assert draw(loss, cluster=False).source.count("subgraph") == 0


def test_collapse_neuron_draws_each_neuron_as_one_node():
    loss = small_loss()
    src = draw(loss, collapse="neuron").source
    units = [ln for ln in src.splitlines() if re.match(r"\s*m\d+ \[", ln)]
    assert len(units) == 6
    assert "neuron 0 | tanh, 3 params" in src  # inside the box of layer 0
    assert "neuron 0 | linear, 3 params" in src  # layer 2's one neuron
    assert ".w." not in src  # parameters are inside their neurons
    # x[0] feeds every neuron of layer 0 once; each layer-0 neuron feeds each layer-1 neuron
    x0 = next(i for i, n in enumerate(loss.topological_order()) if n.label == "x[0]")
    drawn = "\n".join(ln for ln in src.splitlines() if "invis" not in ln)  # not layout guides
    assert len(re.findall(rf"\bv{x0} -> m[0-2]\b", drawn)) == 3
    assert len(re.findall(r"\bm[0-2] -> m[3-4]\b", drawn)) == 6
    texts = svg_texts(to_svg(loss, collapse="neuron"))
    assert "x[0]" in texts and "loss" in texts


def test_collapse_layer_draws_each_layer_as_one_node():
    loss = small_loss()
    src = draw(loss, collapse="layer").source
    assert "layer 0 | 3 neurons, 9 params | 3 outputs" in src
    assert "layer 1 | 2 neurons, 8 params | 2 outputs" in src
    assert "layer 2 | 1 neuron, 3 params | data" in src
    assert re.search(r'm0 -> m1 \[label="3 values"', src)
    assert re.search(r'm1 -> m2 \[label="2 values"', src)


def test_highlights_inside_a_collapsed_module_mark_the_module():
    loss = small_loss()
    order = loss.topological_order()
    w = next(n for n in order if n.label == "layers.1.neurons.0.w.0")
    out = next(n for n in order if n.label == "layers.0.neurons.0")
    consumer = next(n for n in order if out in n.parents and n.op == "*")
    src = draw(
        loss, collapse="neuron", highlight_nodes=[w], highlight_edges=[(out, consumer)]
    ).source
    assert re.search(r"m3 \[.*penwidth=3", src)
    assert re.search(r"m0 -> m3 \[.*penwidth=2.5", src)


def test_a_batch_loss_has_one_group_per_evaluation_of_a_neuron():
    model = hand_mlp(2, [2, 1])
    samples = [(0.5, -1.0), (-0.3, 0.2)]
    outs = [model([Value(a, label="x[0]"), Value(b, label="x[1]")]) for a, b in samples]
    loss = sum((o - 1.0) ** 2 for o in outs)
    loss.backward()
    groups = find_groups(loss.topological_order())
    assert [g.title for g in groups] == ["layers.0", "layers.1", "layers.0 #2", "layers.1 #2"]
    # the shared parameters are drawn once, in the first evaluation's box
    assert len(groups[0].params) == 6 and groups[2].params == []
    texts = svg_texts(to_svg(loss, collapse="neuron"))
    assert "neuron 1 #2" in texts and "layer 0 #2" in texts


def test_graphs_without_nn_labels_have_no_clusters():
    x, y = Value(1.0, label="x"), Value(2.0, label="y")
    assert find_groups((x * y).topological_order()) == []
    src = draw(x * y, collapse="neuron").source
    assert "subgraph" not in src and "m0" not in src
    assert "{ x | data 1 |" in src


def test_a_graph_over_the_node_limit_is_refused_with_advice_to_collapse():
    loss = small_loss()
    full = len(loss.topological_order())
    with pytest.raises(GraphTooLargeError) as info:
        draw(loss, max_nodes=full)
    message = str(info.value)
    assert "more than max_nodes" in message
    assert "collapse='neuron'" in message and "collapse='layer'" in message
    assert draw(loss, max_nodes=30, collapse="neuron")  # collapsed it fits
    with pytest.raises(GraphTooLargeError, match="no nn module labels"):
        x = Value(1.0, label="x")
        y = x
        for _ in range(10):
            y = y * 2
        draw(y, max_nodes=5)


def test_default_node_limit_refuses_the_full_mlp_16_16_1_but_not_its_collapsed_graph():
    model = hand_mlp(2, [16, 16, 1])
    loss = (1 - model([Value(0.8, label="x[0]"), Value(-0.4, label="x[1]")])).relu()
    loss.backward()
    with pytest.raises(GraphTooLargeError):
        draw(loss)
    texts = svg_texts(to_svg(loss, collapse="neuron"))
    assert "neuron 15" in texts
    assert "layer 1" in texts


def test_nn_mlp_collapsed_graph_of_one_moons_sample_renders():
    import nn

    model = nn.MLP(2, [16, 16, 1], seed=0)
    out = model([1.2, -0.45])  # a point of the moons data set
    loss = (1 + -1.0 * out).relu()
    loss.backward()
    groups = find_groups(loss.topological_order())
    assert [len(g.children) for g in groups] == [16, 16, 1]
    for collapse in ("neuron", "layer"):
        texts = svg_texts(to_svg(loss, collapse=collapse))
        assert "neuron 0" in texts or "layer 2" in texts
