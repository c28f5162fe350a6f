"""Drawing a graph: what is drawn (the scene), how it looks (frames), and the DOT and SVG of it.

It owns the scene and its builder (``scene``, ``scene_builder``: which
values, operations, copies and boxes are drawn, with stable ids), the
boxes for nn's neurons and layers (``clusters``, ``module_names``), each
node's look at one moment (``frame``), numbers and notation
(``number_format``, ``notation``), colours (``palette``), text widths and
drawable labels (``text_width``, ``drawable_text``), the DOT source
(``dot``), the renderer that lays it out (``renderer``, with its
``box_stacking`` probe), one layout shared by many frames (``layout``,
``svg_template``), long renders' progress and time budget (``progress``),
node names (``node_names``), the plain-text tree (``text_tree``) and the
public ``draw``, ``to_svg`` and ``render`` (``viz``). It imports the engine
and the package's ``errors`` and ``atomic_file``; never ``play`` or ``cli``.

>>> from autograd_lite import Value
>>> from autograd_lite.drawing.viz import to_svg
>>> to_svg(Value(2.0, label="x") * 3).startswith("<?xml")
True
"""
