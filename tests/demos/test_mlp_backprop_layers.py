"""mlp-backprop's hidden layers: every z(l), σ′(z(l)), δ(l) and W̄(l) = δ(l) a(l-1)ᵀ is seed
004's vectorised backward pass, here written again with numpy; the δ lines are found by their
prefix in what the demo prints; and its decks step the same loss by neuron and by layer."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from autograd_lite.demos import mlp_backprop

from autograd_lite import Stepper
from autograd_lite.drawing.viz import RendererNotFoundError

pytestmark = pytest.mark.slow  # each runs the whole demo

SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾", "0123456789()")


def numpy_backprop(r: dict) -> dict[str, list[np.ndarray]]:
    """Seed 004's backward pass, layer by layer: ȳ = y - t, h̄ = Wᵀȳ, z̄ = h̄ ⊙ σ'(z), W̄ = z̄ hᵀ.

    Indexed by layer from 1 (index 0 unused, so ``delta[l]`` is δ(l)); ``a[0]`` is x."""
    Ws = [None] + [np.array(w) for w in r["weights"]]
    bs = [None] + [np.array(b) for b in r["biases"]]
    n = len(Ws) - 1
    a, z = [np.array(r["x"])], [None]
    for layer in range(1, n + 1):
        z.append(Ws[layer] @ a[-1] + bs[layer])
        a.append(z[-1] if layer == n else 1.0 / (1.0 + np.exp(-z[-1])))
    slope = [None] + [a[layer] * (1.0 - a[layer]) for layer in range(1, n)] + [np.ones(len(a[n]))]
    a_bar, delta, W_bar = [None] * (n + 1), [None] * (n + 1), [None] * (n + 1)
    a_bar[n] = a[n] - np.array(r["t"])  # the loss has the lecture's 1/2
    for layer in range(n, 0, -1):
        delta[layer] = slope[layer] * a_bar[layer]
        W_bar[layer] = np.outer(delta[layer], a[layer - 1])
        if layer > 1:
            a_bar[layer - 1] = Ws[layer].T @ delta[layer]
    return {"a": a, "z": z, "slope": slope, "a_bar": a_bar, "delta": delta, "W_bar": W_bar}


def delta_lines(out: str) -> dict[int, list[str]]:
    """The printed lines that start with δ(l) or δ⁽ˡ⁾, by l."""
    found: dict[int, list[str]] = {}
    for line in out.splitlines():
        m = re.match(r"δ\((\d+)\)", line.translate(SUPERSCRIPTS))
        if m:
            found.setdefault(int(m.group(1)), []).append(line)
    return found


def bracketed(line: str) -> np.ndarray:
    """The numbers between the line's last [ and ]."""
    inside = line[line.rindex("[") + 1 : line.rindex("]")]
    return np.array([float(x.replace("−", "-")) for x in inside.split()])


def test_mlp_backprop_every_hidden_layers_delta_and_W_bar_are_numpy_backprop(tmp_path):
    r = mlp_backprop.main(["--out", str(tmp_path)])
    ref = numpy_backprop(r)
    n = len(r["weights"])
    hidden = r["hidden_layers"]
    assert [h["layer"] for h in hidden] == list(range(1, n))  # every hidden layer, from 1
    for h in hidden:
        layer = h["layer"]
        assert h["z"] == pytest.approx(ref["z"][layer], abs=1e-14)
        assert h["sigma_prime"] == pytest.approx(ref["slope"][layer], abs=1e-15)
        assert h["a_bar"] == pytest.approx(ref["a_bar"][layer], abs=1e-15)
        assert h["delta"] == pytest.approx(ref["delta"][layer], abs=1e-16)
        assert np.array(h["weight_grad"]) == pytest.approx(ref["W_bar"][layer], abs=1e-16)
    assert n == 3 and np.count_nonzero(ref["delta"][1]) == 4  # the recursion runs twice


def test_mlp_backprop_prints_each_delta_on_a_line_that_starts_with_delta_l(tmp_path, capsys):
    r = mlp_backprop.main(["--out", str(tmp_path)])
    out = capsys.readouterr().out
    ref = numpy_backprop(r)
    n = len(r["weights"])
    found = delta_lines(out)
    assert sorted(found) == list(range(1, n + 1)), out  # the hidden layers' and the output's
    for layer, lines in found.items():
        assert len(lines) == 1, lines
        printed = bracketed(lines[0])  # 6 significant digits
        assert printed == pytest.approx(ref["delta"][layer], rel=1e-5, abs=1e-12)
    lines = out.splitlines()
    for layer in range(1, n):  # σ′(z) and W̄ of every hidden layer are printed too
        assert any(line.startswith(f"σ′(z({layer}))") for line in lines)
        assert any(line.startswith(f"W̄({layer}) = δ({layer}) a({layer - 1})ᵀ") for line in lines)


def test_mlp_backprop_writes_decks_by_neuron_and_by_layer_of_the_same_loss(tmp_path, capsys):
    r = mlp_backprop.main(["--out", str(tmp_path)])
    out = capsys.readouterr().out
    for by in ("neuron", "layer"):
        path = Path(r["decks"][by])
        assert path == (tmp_path / f"deck-by-{by}.html").resolve()
        assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
        assert f"wrote {tmp_path / f'deck-by-{by}.html'}" in out
    assert not (tmp_path / "deck-by-edge.html").exists()  # only with --by edge

    ref = numpy_backprop(r)
    n = len(r["weights"])
    _, outputs, loss = mlp_backprop.build()
    s = Stepper(loss, by="layer", notation="unicode")
    # a forward and a backward step per layer, the inputs' step, the loss's forward and backward
    assert len(s.coarse) == n * 2 + 1 + 2
    back = {c.unit.layer: c for c in s.coarse if c.kind == "backward" and c.unit is not None}
    assert sorted(back) == list(range(1, n + 1))
    for layer in range(1, n):
        sup = f"⁽{layer}⁾".translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
        text = "\n".join(back[layer].lines)
        assert f"δ{sup}" in text and f"W̄{sup}" in text
        s.jump(back[layer].stop)  # after the layer's step, its z nodes hold δ(l)
        zs = [a.parents[0] for a in outputs[layer - 1]]
        assert [z.grad for z in zs] == pytest.approx(ref["delta"][layer], abs=1e-16)
    assert "δ⁽¹⁾ = σ′(z⁽¹⁾) ⊙ ā⁽¹⁾" not in out  # the default deck quoted is by neuron


def test_mlp_backprop_by_layer_quotes_the_layer_deck_and_by_edge_writes_its_own(tmp_path, capsys):
    r = mlp_backprop.main(["--out", str(tmp_path), "--by", "layer"])
    out = capsys.readouterr().out
    assert "δ⁽¹⁾ = σ′(z⁽¹⁾) ⊙ ā⁽¹⁾" in out and "W̄⁽¹⁾ = δ⁽¹⁾a⁽⁰⁾ᵀ" in out
    assert sorted(r["decks"]) == ["layer", "neuron"]

    r = mlp_backprop.main(["--out", str(tmp_path), "--by", "edge"])
    out = capsys.readouterr().out
    assert sorted(r["decks"]) == ["edge", "layer", "neuron"]
    assert Path(r["decks"]["edge"]).name == "deck-by-edge.html"
    delta_1 = numpy_backprop(r)["delta"][1]
    # the edge deck makes each δ(1)ᵢ in one step: ... = āᵢ · σ′(zᵢ) = δ(1)ᵢ   (n.grad = δ(1)ᵢ)
    quoted = out[out.index("that make δ(1)") :]
    for d in delta_1:
        assert f"{d:.6g}".replace("-", "−") in quoted


def test_mlp_backprop_without_a_renderer_skips_the_decks_and_says_so(tmp_path, capsys, monkeypatch):
    def no_renderer(*args, **kwargs):
        raise RendererNotFoundError("no Graphviz renderer found")

    monkeypatch.setattr(mlp_backprop, "write_slides", no_renderer)
    r = mlp_backprop.main(["--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert r["decks"] == {}
    assert out.count("skipped the deck") == 2
    ref = numpy_backprop(r)
    assert r["hidden_layers"][0]["delta"] == pytest.approx(ref["delta"][1], abs=1e-16)
    assert not list(tmp_path.glob("deck-by-*.html"))
