"""The renderer's SVG of a layout, ready to be dressed in any frame without a new layout.

Graphviz writes each node, edge and box as a ``<g>`` with the ``id`` that
the DOT gave it: the scene's id. This module parses that SVG once (as XML,
finding groups by those ids only) and compiles it into a list of fixed
text and *slots*: a node's texts, the fill and pen of its shapes, an edge's
pen and label. ``SvgTemplate.render(frame)`` fills the slots from a frame,
so every frame has exactly the positions and sizes of the one layout.

A record's text elements come in the order of its fields; that is checked
against the texts the layout was made with, and a mismatch is an error
rather than a wrong picture.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from html import escape
from typing import Any

from .frame import EdgeLook, Frame, NodeLook
from .palette import (  # fmt: skip
    DASHES,
    EDGE_LABEL_COLOR,
    HIGHLIGHT,
    HIGHLIGHT_EDGE_PEN,
    HIGHLIGHT_PEN,
    INK,
    OUTPUT_PEN,
    PEN,
)
from .scene import Scene, SceneNode

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
SHAPES = {"polygon", "polyline", "ellipse", "path", "rect", "circle", "line"}
PENS = ("fill", "stroke", "stroke-width", "stroke-dasharray")

# What a node's data attribute is called, by kind: <g data-node="x">.
DATA_NAMES = {"value": "data-node", "op": "data-op-of", "copy": "data-copy-of", "unit": "data-unit"}


class LayoutError(RuntimeError):
    """The renderer's SVG does not hold what the layout asked for."""


Slot = Callable[[Frame, str], str]


class SvgTemplate:
    """One rendered layout as fixed text and slots (see the module doc).

    ``width`` and ``height`` are the picture's size in points, ``view_box``
    its coordinates.
    """

    def __init__(self, svg: str, scene: Scene, reserved: Frame, scale: float = 1.0) -> None:
        try:
            root = ET.fromstring(svg)
        except ET.ParseError as e:
            raise LayoutError(f"the renderer's SVG is not well-formed XML: {e}") from None
        if _local(root.tag) != "svg":
            raise LayoutError("the renderer's output holds no <svg> element")
        self.scene, self.reserved, self.scale = scene, reserved, scale
        self.width = _points(root.get("width", "0"))
        self.height = _points(root.get("height", "0"))
        self.view_box = root.get("viewBox", f"0 0 {self.width:g} {self.height:g}")
        self.parts: list[str | Slot] = []
        self._text = ""
        self.found: set[str] = set()
        self.clusters = {c.id: c for c in scene.clusters}
        for child in root:
            self._compile(child, None)
        self._flush()
        missing = [i for i in scene.nodes if i not in self.found]
        if missing:
            raise LayoutError(f"the renderer's SVG has no group for nodes {missing[:5]}")

    def render(self, frame: Frame, id_prefix: str = "") -> str:
        """The picture's content (inside ``<svg>``) dressed as ``frame``."""
        return "".join(p if isinstance(p, str) else p(frame, id_prefix) for p in self.parts)

    # --- compiling ----------------------------------------------------------------

    def _emit(self, text: str) -> None:
        self._text += text

    def _flush(self) -> None:
        if self._text:
            self.parts.append(self._text)
            self._text = ""

    def _slot(self, slot: Slot) -> None:
        self._flush()
        self.parts.append(slot)

    def _compile(self, element: ET.Element, owner: tuple[str, str] | None) -> None:
        tag = _local(element.tag)
        group_id = element.get("id") if tag == "g" else None
        if group_id in self.scene.nodes:
            self._node_group(element, group_id)
            return
        if group_id in self.scene.edges:
            self._edge_group(element, group_id)
            return
        self._element(element, ("cluster", group_id) if group_id in self.clusters else owner)

    def _element(self, element: ET.Element, owner: tuple[str, str] | None) -> None:
        tag = _local(element.tag)
        if tag == "title":
            self._title(element, owner)
            return
        if owner and owner[0] in ("node", "edge") and tag == "text":
            self._text_element(element, *owner)
            return
        drawn = owner is not None and owner[0] in ("node", "edge")
        dynamic = self._shape_slot(*owner, tag) if drawn and tag in SHAPES else None
        self._open(element, set(PENS) if dynamic else set())
        if dynamic is not None:
            self._slot(dynamic)
        if len(element) == 0 and not element.text:
            self._emit("/>")
        else:
            self._emit(">" + escape(element.text or "", quote=False))
            for child in element:
                self._compile(child, owner)
            self._emit(f"</{tag}>")
        self._end(element)

    def _title(self, element: ET.Element, owner: tuple[str, str] | None) -> None:
        """A box's title is its full path; node and edge groups write their own; others go."""
        if owner and owner[0] == "cluster":
            path = self.clusters[owner[1]].path
            self._emit(f"<title>{escape(path, quote=False)}</title>")
            self._end(element)

    def _open(self, element: ET.Element, skip: set[str]) -> None:
        """``<tag attr="..."`` without the closing ``>``; ids get the frame's prefix."""
        self._emit(f"<{_local(element.tag)}")
        for key, value in element.attrib.items():
            name = _attribute(key)
            if name in skip:
                continue
            if name == "id":
                self._emit(' id="')
                self._slot(lambda frame, prefix, v=value: escape(prefix + v))
                self._emit('"')
            else:
                self._emit(f' {name}="{escape(value)}"')

    def _text_element(self, element: ET.Element, kind: str, owner_id: str) -> None:
        if kind == "edge":
            self._open(element, {"fill", "font-weight"})
            self._slot(lambda frame, prefix: _edge_text(frame.edges[owner_id]))
        else:
            k = self._texts_seen
            self._texts_seen += 1
            self._open(element, set())
            self._emit(">")
            self._slot(lambda frame, prefix: _node_text(frame.nodes[owner_id], k))
        self._emit("</text>")
        self._end(element)

    def _end(self, element: ET.Element) -> None:
        self._emit(escape(element.tail or "", quote=False) if element.tail else "")

    # --- nodes and edges -----------------------------------------------------------

    def _node_group(self, element: ET.Element, node_id: str) -> None:
        node = self.scene.nodes[node_id]
        self.found.add(node_id)
        self._emit("<g")
        self._slot(lambda frame, prefix: _node_attributes(node, frame.nodes[node_id], prefix))
        self._emit(f"><title>{escape(node.title or node.text, quote=False)}</title>")
        self._shapes_seen = 0
        self._texts_seen = 0
        self._expected = _lines(self.reserved.nodes[node_id].fields)
        for child in element:
            self._compile(child, ("node", node_id))
        if self._texts_seen != len(self._expected):
            raise LayoutError(
                f"the renderer drew {self._texts_seen} texts in node {node_id}, "
                f"expected {len(self._expected)}: {self._expected}"
            )
        self._emit("</g>")
        self._end(element)

    def _edge_group(self, element: ET.Element, edge_id: str) -> None:
        edge = self.scene.edges[edge_id]
        tail, head = self.scene.nodes[edge.tail], self.scene.nodes[edge.head]
        title = f"{_called(tail)} \u2192 {_called(head)}"
        self._emit("<g")
        self._slot(lambda frame, prefix: _edge_attributes(edge_id, frame.edges[edge_id], prefix))
        self._emit(f' data-tail="{escape(edge.tail)}" data-head="{escape(edge.head)}">')
        self._emit(f"<title>{escape(title, quote=False)}</title>")
        for child in element:
            self._compile(child, ("edge", edge_id))
        self._emit("</g>")
        self._end(element)

    def _shape_slot(self, kind: str, owner_id: str, tag: str) -> Slot:
        scale = self.scale
        if kind == "node":
            outline = self._shapes_seen == 0
            self._shapes_seen += 1
            return lambda frame, prefix: _node_pen(frame.nodes[owner_id], outline, scale)
        head = tag == "polygon"
        return lambda frame, prefix: _edge_pen(frame.edges[owner_id], head, scale)


def _node_attributes(node: SceneNode, look: NodeLook, prefix: str) -> str:
    classes = f"node {node.kind}" + (" hl" if look.highlight else "")
    classes += " target" if look.target else ""
    classes += " asked" if look.asked else ""
    data = DATA_NAMES[node.kind]
    name = node.name or node.text
    return (
        f' id="{escape(prefix + node.id)}" class="{classes}" data-id="{escape(node.id)}"'
        f' {data}="{escape(name)}"'
    )


def _edge_attributes(edge_id: str, look: EdgeLook, prefix: str) -> str:
    classes = "edge hl" if look.highlight else "edge"
    return f' id="{escape(prefix + edge_id)}" class="{classes}" data-id="{escape(edge_id)}"'


def _node_pen(look: NodeLook, outline: bool, scale: float) -> str:
    stroke = HIGHLIGHT if look.highlight else INK
    width = HIGHLIGHT_PEN if look.highlight else (OUTPUT_PEN if look.bold else PEN)
    fill = (look.fill or "none") if outline else "none"
    text = f' fill="{fill}" stroke="{stroke}"'
    if width * scale != 1:
        text += f' stroke-width="{width * scale:g}"'
    if look.dashed:
        text += f' stroke-dasharray="{DASHES}"'
    return text


def _edge_pen(look: EdgeLook, head: bool, scale: float) -> str:
    stroke = HIGHLIGHT if look.highlight else INK
    width = (HIGHLIGHT_EDGE_PEN if look.highlight else PEN) * scale
    text = f' fill="{stroke if head else "none"}" stroke="{stroke}"'
    return text + (f' stroke-width="{width:g}"' if width != 1 else "")


def _node_text(look: NodeLook, k: int) -> str:
    lines = _lines(look.fields)
    return escape(lines[k] if k < len(lines) else "", quote=False)


def _edge_text(look: EdgeLook) -> str:
    color = HIGHLIGHT if look.highlight else EDGE_LABEL_COLOR
    weight = ' font-weight="bold"' if look.highlight else ""
    return f' fill="{color}"{weight}>{escape(look.label, quote=False)}'


def _lines(fields: tuple[str, ...]) -> list[str]:
    return [line for field in fields for line in field.split("\n")]


def _called(node: SceneNode) -> str:
    return node.title if node.kind == "op" else (node.name or node.text or node.id)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _attribute(key: str) -> str:
    if key.startswith("{"):
        ns, _, name = key[1:].partition("}")
        if ns == XLINK_NS:
            return f"xlink:{name}"
        if ns == XML_NS:
            return f"xml:{name}"
        return name
    return key


def _points(size: str) -> float:
    number = size.strip().removesuffix("pt").removesuffix("px")
    try:
        return float(number)
    except ValueError:
        return 0.0


def svg_document(body: str, template: SvgTemplate, attrs: dict[str, Any] | None = None) -> str:
    """A standalone SVG file around ``body`` (the size in points, the namespaces)."""
    head = (
        f'<svg xmlns="{SVG_NS}" xmlns:xlink="{XLINK_NS}" width="{template.width:g}pt" '
        f'height="{template.height:g}pt" viewBox="{escape(template.view_box)}"'
    )
    for key, value in (attrs or {}).items():
        head += f' {key}="{escape(str(value))}"'
    return f'<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n{head}>\n{body}</svg>\n'


__all__ = ["DATA_NAMES", "LayoutError", "SvgTemplate", "svg_document"]
