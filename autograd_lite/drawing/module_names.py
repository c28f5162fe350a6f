"""Short names for nn's dotted paths, for drawings and narration.

nn labels a parameter with its full path (``layers.0.neurons.3.w.1``) and a
neuron's output with the neuron's path (``layers.0.neurons.3``). Those are
exact but long. Inside a drawn box that already says ``layer 0`` and
``neuron 3``, a node needs only its last part:

>>> short_label("layers.0.neurons.3.w.1", "layers.0.neurons.3")
'w1'
>>> short_label("layers.0.neurons.3", "layers.0.neurons.3")
'neuron 3'
>>> short_title("layers.0")
'layer 0'

The narration has no boxes, so its names keep as much of the path as it
takes to tell every node apart, the same amount for all of them (``L`` for
a layer, ``N`` for a neuron):

>>> names = narration_names(["layers.0.neurons.0.w.0", "layers.0.neurons.0",
...                          "layers.1.neurons.0.w.0", "layers.1.neurons.0"])
>>> names["layers.0.neurons.0.w.0"], names["layers.1.neurons.0"]
('L0.N0.w0', 'L1.N0')
>>> narration_names(["neurons.0.w.0", "neurons.1.w.0", "neurons.0", "neurons.1"])
{'neurons.0': 'N0', 'neurons.0.w.0': 'N0.w0', 'neurons.1': 'N1', 'neurons.1.w.0': 'N1.w0'}
>>> narration_names(["w.0", "w.1", "b", "x"])     # one neuron on its own: no path to keep
{'b': 'b', 'w.0': 'w0', 'w.1': 'w1'}
"""

from __future__ import annotations

from collections.abc import Iterable

from .clusters import PARAMETER_LABEL, parameter_module


def parts(path: str) -> list[tuple[str, str | None]]:
    """``layers.0.neurons.3.w.1`` -> ``[('layers', '0'), ('neurons', '3'), ('w', '1')]``.

    A name without an index has None; further indices join the one before
    (``w.1.2`` -> ``('w', '1.2')``).
    """
    out: list[tuple[str, str | None]] = []
    for token in path.split("."):
        if token.isdigit() and out:
            name, index = out[-1]
            out[-1] = (name, token if index is None else f"{index}.{token}")
        else:
            out.append((token, None))
    return out


def short_title(path: str) -> str:
    """A module's own name: ``layers.0.neurons.3`` -> ``neuron 3``, ``layers.0`` -> ``layer 0``.

    >>> short_title("neuron"), short_title("blocks.2")
    ('neuron', 'block 2')
    """
    name, index = parts(path)[-1]
    if index is None:
        return name
    singular = name[:-1] if name.endswith("s") and len(name) > 1 else name
    return f"{singular} {index}"


def short_parameter(name: str) -> str:
    """A parameter's name without the dot before its index: ``w.1`` -> ``w1``, ``b`` -> ``b``."""
    return "".join(f"{n}{'' if i is None else i}" for n, i in parts(name))


def short_label(label: str, box: str | None) -> str:
    """``label`` as drawn inside the box of module ``box`` (None: no box, kept as it is)."""
    if box is None:
        return label
    if label == box:
        return short_title(label)
    if label.startswith(box + "."):
        return short_parameter(label[len(box) + 1 :])
    return label


def narration_names(labels: Iterable[str]) -> dict[str, str]:
    """Short, distinct names for the nn labels among ``labels``; others are left out.

    nn labels are parameter paths (``layers.0.neurons.3.w.1``, ``w.0``) and
    the module paths of those parameters (a neuron's output). Each becomes
    the last d parts of its compact path (``L0.N3.w1``), with the smallest
    d that tells them all apart and clashes with no other label.
    """
    labels = set(labels)
    modules = {parameter_module(label) for label in labels} - {None}
    nn = sorted(
        label for label in labels if label in modules or PARAMETER_LABEL.match(label) is not None
    )
    others = labels - set(nn)
    compact = {label: _compact(label, label in modules) for label in nn}
    deepest = max((len(c) for c in compact.values()), default=0)
    for depth in range(1, deepest + 1):
        names = {label: ".".join(c[-depth:]) for label, c in compact.items()}
        shown = list(names.values())
        if len(set(shown)) == len(shown) and not set(shown) & others:
            return names
    return {label: ".".join(c) for label, c in compact.items()}


def _compact(label: str, is_module: bool) -> list[str]:
    """``layers.0.neurons.3.w.1`` -> ``['L0', 'N3', 'w1']``; a module's parts all stay modules."""
    pieces = parts(label)
    out = [name if i is None else f"{name[0].upper()}{i}" for name, i in pieces]
    if not is_module:
        name, index = pieces[-1]
        out[-1] = name if index is None else f"{name}{index}"
    return out


__all__ = ["narration_names", "parts", "short_label", "short_parameter", "short_title"]
