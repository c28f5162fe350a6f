"""Frames in a row, each kept as the looks that changed since the one before.

A stepper shows its graph at every position: a thousand-node graph of a
thousand steps is a million looks if each frame is made and kept whole,
and seconds of Python to make them. Between two positions only the step's
nodes and edges change (a value computed, a grad written, highlights
moved), so ``FrameMaker`` makes each frame from the last by redoing only
the looks that can have changed, and ``FrameSteps`` keeps the first frame
and, for each later one, only its changes. Any frame can still be had
whole (``steps[k]``), and each equals what ``frame_of`` gives.

What can have changed is found, not assumed: the values whose data, grad
or "computed" state differs from the last frame (by identity: a number
that is set again counts as changed), those that became computed, asked or
no longer asked, and the nodes and edges highlighted or written in either
frame; with ``color="grad"``, every fill when the largest grad changed.

>>> from autograd_lite import Value
>>> from autograd_lite.drawing.scene_builder import build_scene
>>> x = Value(2.0, label="x")
>>> f = x * 3
>>> maker = FrameMaker(build_scene(f))
>>> first = maker.step()
>>> f.backward()
>>> sorted(maker.step(highlight_nodes=[x]).nodes)   # x's grad and highlight, c1's and f's grads
['v0', 'v1', 'v2']
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, overload

from .frame import NOT_COMPUTED, Dresser, EdgeLook, Frame, NodeLook, dresser, widest_look
from .scene import Scene
from .text_width import widest


class FrameMaker:
    """Frames of ``scene``, one after another, each made from the last one's looks.

    ``color``, ``number_format``, ``local_grads`` and ``not_computed`` are
    ``frame_of``'s and hold for every frame. ``step(**marks)`` makes the next
    frame and returns its changes (the first: the whole frame); ``peek``
    returns the changes of a frame without moving on (a predict-mode question
    beside the frame it is asked from).
    """

    def __init__(
        self,
        scene: Scene,
        *,
        color: str | None = "role",
        number_format: Any = None,
        local_grads: bool = True,
        not_computed: str = NOT_COMPUTED,
    ) -> None:
        self.scene = scene
        self.look = {"color": color, "number_format": number_format,
                     "local_grads": local_grads, "not_computed": not_computed}  # fmt: skip
        dresser(scene, **self.look)  # a bad option fails here, at once
        self.order = list(scene.order)
        self._node_rank = {node_id: k for k, node_id in enumerate(scene.nodes)}
        self._edge_rank = {edge_id: k for k, edge_id in enumerate(scene.edges)}
        self._shows_nodes, self._shows_edges = _dependents(scene)
        self.nodes: dict[str, NodeLook] = {}
        self.edges: dict[str, EdgeLook] = {}
        self._last: Dresser | None = None
        self._state: list[tuple[Any, Any, bool]] = []

    def frame(self) -> Frame:
        """The last frame made, whole."""
        return Frame(dict(self.nodes), dict(self.edges))

    def step(self, **marks: Any) -> Frame:
        """Make the next frame (``marks`` as ``frame_of``'s); return the looks that changed."""
        looks = dresser(self.scene, **self.look, **marks)
        state = self._snapshot()
        changed = self._changes(looks, state)
        self.nodes.update(changed.nodes)
        self.edges.update(changed.edges)
        self._last, self._state = looks, state
        return changed

    def peek(self, **marks: Any) -> Frame:
        """The looks that a frame with ``marks`` changes from the last one (no step taken)."""
        if self._last is None:
            raise ValueError("peek() shows a change from a frame: make one with step() first")
        return self._changes(dresser(self.scene, **self.look, **marks), self._snapshot())

    # --- what changed -----------------------------------------------------------

    def _snapshot(self) -> list[tuple[Any, Any, bool]]:
        return [(v.data, v.grad, v.grad_computed) for v in self.order]

    def _changes(self, looks: Dresser, state: list[tuple[Any, Any, bool]]) -> Frame:
        last = self._last
        if last is None or (last.scale != looks.scale):  # the first, or every grad fill
            node_ids: Iterable[str] = self.scene.nodes
            edge_ids: Iterable[str] = self.scene.edges
        else:
            node_ids, edge_ids = self._touched(last, looks, state)
        nodes = {}
        for node_id in node_ids:
            look = looks.node(node_id)
            if self.nodes.get(node_id) != look:
                nodes[node_id] = look
        edges = {}
        for edge_id in edge_ids:
            look = looks.edge(edge_id)
            if self.edges.get(edge_id) != look:
                edges[edge_id] = look
        return Frame(nodes, edges)

    def _touched(
        self, last: Dresser, looks: Dresser, state: list[tuple[Any, Any, bool]]
    ) -> tuple[list[str], list[str]]:
        """The ids whose look can differ from the last frame's, in the scene's order."""
        values = {
            id(v)
            for v, (d0, g0, c0), (d1, g1, c1) in zip(self.order, self._state, state)
            if d0 is not d1 or g0 is not g1 or c0 is not c1
        }
        values |= last.text.uncomputed ^ looks.text.uncomputed
        values |= {v for v, _ in last.text.asked ^ looks.text.asked}
        node_ids = last.marked_nodes | last.written | looks.marked_nodes | looks.written
        edge_ids = last.marked_edges | looks.marked_edges
        for v in values:
            node_ids.update(self._shows_nodes.get(v, ()))
            edge_ids.update(self._shows_edges.get(v, ()))
        return (
            sorted(node_ids, key=self._node_rank.__getitem__),
            sorted(edge_ids, key=self._edge_rank.__getitem__),
        )


def _dependents(scene: Scene) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """id(value) -> the node ids and edge ids whose look shows something of that value:
    its record (or module), operation and copies; the edges into its operation."""
    nodes: dict[int, list[str]] = {}
    for node_id, node in scene.nodes.items():
        if node.value is not None:
            nodes.setdefault(id(node.value), []).append(node_id)
    for value, node_id in scene.drawn.items():
        nodes.setdefault(id(value), []).append(node_id)
    edges: dict[int, list[str]] = {}
    for edge_id, edge in scene.edges.items():
        if edge.child is not None:
            edges.setdefault(id(edge.child), []).append(edge_id)
    return nodes, edges


class FrameSteps(Sequence[Frame]):
    """Frames kept as the first and each later one's changes; ``steps[k]`` is frame k whole.

    ``changes[k]`` holds the looks frame k changes from frame k - 1
    (``changes[0]`` is frame 0 whole); ``questions[k]``, where there is
    one, the looks a predict-mode question frame changes from frame k - 1.
    ``overlays[k]``, where there is one, the looks another view of position k
    changes from frame k (a whole neuron's step highlighted, not its last edge).
    Made by ``add`` (from a ``FrameMaker``'s ``step`` and ``peek``).
    """

    def __init__(self) -> None:
        self.changes: list[Frame] = []
        self.questions: list[Frame | None] = []
        self.overlays: dict[int, Frame] = {}

    def add(self, change: Frame, question: Frame | None = None) -> None:
        """Append the next frame's changes, and its question's (from the frame before)."""
        if question is not None and not self.changes:
            raise ValueError("the first frame has no frame before it to ask from")
        self.changes.append(change)
        self.questions.append(question)

    def __len__(self) -> int:
        return len(self.changes)

    @overload
    def __getitem__(self, k: int) -> Frame: ...

    @overload
    def __getitem__(self, k: slice) -> list[Frame]: ...

    def __getitem__(self, k: int | slice) -> Frame | list[Frame]:
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        if not -len(self) <= k < len(self):
            raise IndexError(f"frame {k} of {len(self)}")
        return self._whole(k % len(self))

    def __iter__(self) -> Iterator[Frame]:
        nodes: dict[str, NodeLook] = {}
        edges: dict[str, EdgeLook] = {}
        for change in self.changes:
            nodes.update(change.nodes)
            edges.update(change.edges)
            yield Frame(dict(nodes), dict(edges))

    def question_frames(self) -> Iterator[Frame | None]:
        """Every position's question frame whole, in turn (None where the step asks nothing)."""
        nodes: dict[str, NodeLook] = {}
        edges: dict[str, EdgeLook] = {}
        for change, asked in zip(self.changes, self.questions):
            if asked is None:
                yield None
            else:
                yield Frame({**nodes, **asked.nodes}, {**edges, **asked.edges})
            nodes.update(change.nodes)
            edges.update(change.edges)

    def question(self, k: int) -> Frame | None:
        """The question frame at position ``k`` whole (None where the step asks nothing)."""
        asked = self.questions[k]
        if asked is None:
            return None
        before = self._whole(k - 1)
        return Frame({**before.nodes, **asked.nodes}, {**before.edges, **asked.edges})

    def reserved(self) -> Frame:
        """``frame.reserve`` of every frame: the widest text each place shows in any."""
        if not self.changes:
            raise ValueError("reserve() needs at least one frame")
        node_looks = {i: [look] for i, look in self.changes[0].nodes.items()}
        edge_labels = {i: [look.label] for i, look in self.changes[0].edges.items()}
        for change in self.changes[1:]:
            for node_id, look in change.nodes.items():
                node_looks[node_id].append(look)
            for edge_id, edge in change.edges.items():
                edge_labels[edge_id].append(edge.label)
        nodes = {i: widest_look(looks) for i, looks in node_looks.items()}
        edges = {i: EdgeLook(widest(labels)) for i, labels in edge_labels.items()}
        return Frame(nodes, edges)

    def _whole(self, k: int) -> Frame:
        nodes: dict[str, NodeLook] = {}
        edges: dict[str, EdgeLook] = {}
        for change in self.changes[: k + 1]:
            nodes.update(change.nodes)
            edges.update(change.edges)
        return Frame(nodes, edges)


__all__ = ["FrameMaker", "FrameSteps"]
