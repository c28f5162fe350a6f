"""to_svg() and render(): the renderer, its fallback, the files it writes."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import textwrap
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import autograd_lite
from autograd_lite import Value, draw, render, to_svg
from autograd_lite.drawing import renderer as renderer_module
from autograd_lite.drawing.renderer import RendererNotFoundError, RenderError, find_renderer

SVG = "{http://www.w3.org/2000/svg}"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def svg_texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)  # raises on malformed XML
    assert root.tag == f"{SVG}svg"
    return [t.text for t in root.iter(f"{SVG}text")]


@pytest.fixture
def only_graphviz_pure(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """PATH without ``dot`` (or anything else): the venv's graphviz-pure must be found."""
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


def test_svg_is_well_formed_and_carries_every_label_data_and_grad(lecture_graph):
    f = lecture_graph().f
    f.backward()
    texts = svg_texts(to_svg(f))
    for node in f.topological_order():
        assert node.label in texts
        assert f"data {node.data:.4g}" in texts
        assert f"grad {node.grad:.4g}" in texts
    for op in ("+", "*"):
        assert op in texts
    for local in ("1", "-4", "3"):  # local derivatives on the edges
        assert local in texts


def test_svg_of_unreached_nodes_says_not_computed(lecture_graph):
    f = lecture_graph().f
    texts = svg_texts(to_svg(f))
    assert texts.count("grad not computed") == 5


def test_svg_shows_labels_with_record_syntax_characters_as_written():
    label = 'a|b{c}<d>"e\\'
    texts = svg_texts(to_svg(Value(1.0, label=label) * 2))
    assert label in texts


def test_same_bytes_every_run_in_one_process(lecture_graph):
    def build() -> bytes:
        f = lecture_graph().f
        f.backward()
        return to_svg(f, legend=True).encode()

    assert build() == build()


SCRIPT = textwrap.dedent(
    """
    import sys
    from autograd_lite import Value, to_svg
    x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
    q = x + y
    q.label = "q"
    f = q * z
    f.label = "f"
    f.backward()
    sys.stdout.write(to_svg(f, legend=True, color="grad"))
    """
)


def test_same_bytes_across_processes_with_different_hash_seeds():
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT], capture_output=True, env=env, timeout=120, check=True
        )
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    assert outputs[0].startswith(b"<?xml")


def test_dot_on_path_is_preferred(monkeypatch: pytest.MonkeyPatch, stand_in_dot, lecture_graph):
    folder = stand_in_dot(f'exec "{find_renderer()}" "$@"\n')
    monkeypatch.setenv("PATH", str(folder))
    assert find_renderer() == str(folder / "dot")
    assert "grad not computed" in to_svg(lecture_graph().f)


def test_without_dot_graphviz_pure_is_found_next_to_python(only_graphviz_pure: None, lecture_graph):
    program = find_renderer()
    assert Path(program).name.startswith("graphviz-pure")
    assert Path(program).parent in {Path(d) for d in renderer_module.script_dirs()}
    assert "data -12" in svg_texts(to_svg(lecture_graph().f))


def test_no_renderer_at_all_is_one_clear_error(
    only_graphviz_pure: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, lecture_graph
):
    monkeypatch.setattr(renderer_module, "script_dirs", lambda: [])
    with pytest.raises(RendererNotFoundError) as info:
        to_svg(lecture_graph().f)
    message = str(info.value)
    assert "pip install graphviz-pure" in message
    assert "dot" in message and "Graphviz" in message
    with pytest.raises(RendererNotFoundError):
        render(lecture_graph().f, tmp_path / "f.svg")
    assert not (tmp_path / "f.svg").exists()
    # the DOT source needs no renderer
    assert render(lecture_graph().f, tmp_path / "f.dot").read_text().startswith("digraph")


def test_renderer_failure_is_a_render_error():
    with pytest.raises(RenderError, match="failed"):
        renderer_module.pipe("digraph { a -> }", "svg")


def test_render_svg_png_and_dot_by_suffix(tmp_path: Path, lecture_graph):
    f = lecture_graph().f
    f.backward()
    svg = render(f, tmp_path / "f.svg")
    assert svg == (tmp_path / "f.svg").resolve()
    assert "grad -4" in svg_texts(svg.read_text())
    png = render(f, str(tmp_path / "f.PNG"))
    assert png.read_bytes().startswith(PNG_MAGIC)
    dot = render(f, tmp_path / "f.gv")
    assert dot.read_text() == draw(f).source
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.PNG", "f.gv", "f.svg"]


def test_render_refuses_an_unknown_suffix_and_a_missing_directory(tmp_path: Path, lecture_graph):
    with pytest.raises(ValueError, match=r"\.svg, \.png"):
        render(lecture_graph().f, tmp_path / "f.pdf")
    with pytest.raises(FileNotFoundError, match="no such directory"):
        render(lecture_graph().f, tmp_path / "nowhere" / "f.svg")


def test_a_failed_render_leaves_the_old_file_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lecture_graph
):
    target = tmp_path / "f.svg"
    target.write_text("old")

    def broken(source: str, fmt: str, timeout: float | None = None, waiting=None) -> bytes:
        raise RenderError("boom")

    monkeypatch.setattr(renderer_module, "pipe", broken)  # what render's pipe_drawing calls
    with pytest.raises(RenderError):
        render(lecture_graph().f, target)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["f.svg"]


def test_write_atomic_keeps_the_old_file_when_the_write_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    target = tmp_path / "f.svg"
    target.write_text("old")

    def fail(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(renderer_module.os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        renderer_module.write_atomic(target, b"new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["f.svg"]


def test_written_files_get_ordinary_permissions(tmp_path: Path, lecture_graph):
    if os.name != "posix":
        pytest.skip("POSIX permissions")
    out = render(lecture_graph().f, tmp_path / "f.svg")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask


def test_render_prints_where_it_wrote_only_when_interactive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, lecture_graph
):
    render(lecture_graph().f, tmp_path / "a.svg")
    assert capsys.readouterr().out == ""
    monkeypatch.setattr(sys, "ps1", ">>> ", raising=False)
    out = render(lecture_graph().f, tmp_path / "b.svg")
    assert capsys.readouterr().out == f"wrote {out}\n"
    render(lecture_graph().f, tmp_path / "c.svg", verbose=False)
    assert capsys.readouterr().out == ""


def test_draw_result_displays_in_jupyter_through_the_same_renderer(
    only_graphviz_pure: None, lecture_graph
):
    bundle = draw(lecture_graph().f)._repr_mimebundle_()
    assert "data -12" in svg_texts(bundle["image/svg+xml"])
    png = draw(lecture_graph().f)._repr_mimebundle_(include=["image/png"])["image/png"]
    assert png.startswith(PNG_MAGIC)


def test_to_svg_takes_a_drawn_graph_but_not_options_with_it(lecture_graph):
    g = draw(lecture_graph().f, rankdir="TB")
    assert to_svg(g) == to_svg(lecture_graph().f, rankdir="TB")
    with pytest.raises(TypeError, match="options"):
        to_svg(g, rankdir="LR")


def test_timeout_is_a_render_error_and_stops_the_renderer(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, stand_in_dot
):
    sleep = shutil.which("sleep")
    folder = stand_in_dot(f'echo $$ > "{tmp_path}/pid"\nexec "{sleep}" 30\n')
    monkeypatch.setenv("PATH", str(folder))
    seen: list[float] = []
    with pytest.raises(RenderError, match="did not finish within 0.8 s"):
        renderer_module.pipe("digraph { a }", "svg", timeout=0.8, waiting=seen.append)
    assert seen and seen == sorted(seen)  # the progress hook heard about the wait
    pid = int((tmp_path / "pid").read_text())
    with pytest.raises(ProcessLookupError):  # and the renderer was stopped, not left running
        os.kill(pid, 0)


def test_a_drawing_the_renderer_cannot_lay_out_with_the_order_hints_renders_with_looser_ones(
    monkeypatch: pytest.MonkeyPatch,
):
    tried = []

    def picky(source: str, fmt: str, timeout=None, waiting=None) -> bytes:
        tried.append(source)
        if "mclimit=" in source:
            raise RenderError("graphviz-pure -Tsvg failed (exit 1): Error: lost v11 o12 edge")
        return b"<svg/>"

    monkeypatch.setattr(renderer_module, "pipe", picky)
    graph = autograd_lite.draw(Value(2.0, label="x") * 3)
    assert renderer_module.pipe_drawing(graph, "svg") == b"<svg/>"
    assert len(tried) == 4  # the order hints, with newrank, looser ones, then none
    assert "newrank=true" in tried[1] and "newrank" not in tried[2]
    assert "remincross" not in tried[-1] and "mclimit" not in tried[-1]


def test_a_render_that_runs_out_of_time_is_not_tried_again(monkeypatch: pytest.MonkeyPatch):
    tried = []

    def slow(source: str, fmt: str, timeout=None, waiting=None) -> bytes:
        tried.append(source)
        raise renderer_module.RenderTimeout("graphviz-pure did not finish within 1 s")

    monkeypatch.setattr(renderer_module, "pipe", slow)
    with pytest.raises(RenderError, match="did not finish"):
        renderer_module.pipe_drawing(autograd_lite.draw(Value(2.0, label="x") * 3), "svg")
    assert len(tried) == 1


def test_the_looser_tries_share_one_time_budget(monkeypatch: pytest.MonkeyPatch):
    given: list[float] = []

    def slow_then_failing(source: str, fmt: str, timeout=None, waiting=None) -> bytes:
        given.append(timeout)
        if len(given) == 1:
            time.sleep(0.3)
            raise RenderError("graphviz-pure -Tsvg failed (exit 1): Error: lost v11 o12 edge")
        raise renderer_module.RenderTimeout("graphviz-pure did not finish within 0.5 s")

    monkeypatch.setattr(renderer_module, "pipe", slow_then_failing)
    graph = autograd_lite.draw(Value(2.0, label="x") * 3)
    with pytest.raises(RenderError, match=r"did not finish within 1 s;"):  # the whole budget
        renderer_module.pipe_drawing(graph, "svg", timeout=1.0)
    assert 0.99 < given[0] <= 1.0 and len(given) == 2
    assert given[1] <= 0.7  # what the first try left, not a fresh second
