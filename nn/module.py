"""``Module``: a model made of parameters (Values) and smaller modules.

A module's parameters are the Values it holds in public attributes, directly
or in lists; its submodules are the Modules it holds the same way. Each has
a dotted path from the root model, built from attribute names and list
positions: ``layers.0.neurons.3.w.1``. That path is the parameter's name in
``named_parameters()`` and ``state_dict()``, and also its ``label``, so a
drawn graph shows which weight is which. Every module knows its own path as
``name`` (``""`` for the root); a parent assigns the paths when a part is
attached to it.

>>> from autograd_lite import Value
>>> class Line(Module):
...     def __init__(self):
...         self.w = [Value(2.0), Value(-1.0)]
...         self.b = Value(0.5)
>>> line = Line()
>>> [name for name, p in line.named_parameters()]
['w.0', 'w.1', 'b']
>>> line.w[1].label
'w.1'
>>> line.state_dict()
{'w.0': 2.0, 'w.1': -1.0, 'b': 0.5}
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Iterator, Mapping
from typing import Any

from autograd_lite import Value

from .checkpoint import FORMAT, VERSION, CheckpointError, clipped, read_checkpoint, write_checkpoint


class Module:
    """Base class for models: parameters, names, gradients and saved state."""

    name: str = ""  # dotted path from the root model; "" for the root

    def __setattr__(self, key: str, value: Any) -> None:
        object.__setattr__(self, key, value)
        if _is_part_attribute(key) and _holds_parts(value):
            _assign_path(value, _join(self.name, key))

    # --- the parts of a model -------------------------------------------

    def _parts(self) -> Iterator[tuple[str, Module | Value]]:
        """(relative name, part) for each parameter and submodule held directly."""
        for key, value in vars(self).items():
            if not _is_part_attribute(key):
                continue
            if isinstance(value, (Module, Value)):
                yield key, value
            elif isinstance(value, (list, tuple)):
                for i, item in enumerate(value):
                    if isinstance(item, (Module, Value)):
                        yield f"{key}.{i}", item

    def named_parameters(self) -> list[tuple[str, Value]]:
        """``(dotted name, Value)`` for every parameter, in definition order.

        Names are relative to this module; each parameter's ``label`` is set
        to its full path from the root (the same thing, for the root). A
        Value held in two places is listed once, under its first name.
        """
        out: list[tuple[str, Value]] = []
        seen: set[int] = set()
        visited: set[int] = {id(self)}

        def visit(module: Module, prefix: str) -> None:
            for key, part in module._parts():
                rel = _join(prefix, key)
                if isinstance(part, Module):
                    if id(part) not in visited:  # a module held twice is walked once
                        visited.add(id(part))
                        object.__setattr__(part, "name", _join(self.name, rel))
                        visit(part, rel)
                elif id(part) not in seen:
                    seen.add(id(part))
                    part.label = _join(self.name, rel)
                    out.append((rel, part))

        visit(self, "")
        return out

    def parameters(self) -> list[Value]:
        """Every parameter Value, in the order of ``named_parameters()``."""
        return [p for _, p in self.named_parameters()]

    def named_modules(self) -> list[tuple[str, Module]]:
        """``(dotted path, module)`` for this module and every submodule, depth first."""
        out: list[tuple[str, Module]] = [(self.name, self)]
        visited: set[int] = {id(self)}

        def visit(module: Module) -> None:
            for key, part in module._parts():
                if isinstance(part, Module) and id(part) not in visited:
                    visited.add(id(part))
                    object.__setattr__(part, "name", _join(module.name, key))
                    out.append((part.name, part))
                    visit(part)

        visit(self)
        return out

    def zero_grad(self) -> None:
        """Set every parameter's ``grad`` to 0.0 (backward adds into leaves)."""
        for p in self.parameters():
            p.grad = 0.0

    # --- state -----------------------------------------------------------

    def state_dict(self) -> dict[str, float]:
        """``{dotted name: float}`` for every parameter."""
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Set every parameter from ``state``; its names must match exactly.

        Everything is checked before anything is written: on a missing or
        unexpected name or a value that is not a finite number, a
        ``CheckpointError`` says which, and the model is left as it was.
        """
        if not isinstance(state, Mapping):
            raise TypeError(
                f"load_state_dict() takes a dict of parameter name -> number, "
                f"got {type(state).__name__}"
            )
        named = self.named_parameters()
        expected = {name for name, _ in named}
        missing = [name for name, _ in named if name not in state]
        unexpected = [key for key in state if key not in expected]
        if missing or unexpected:
            parts = []
            if missing:
                parts.append(f"missing {len(missing)} parameter(s): {_listing(missing)}")
            if unexpected:
                parts.append(f"unexpected {len(unexpected)} name(s): {_listing(unexpected)}")
            raise CheckpointError(
                f"the state does not fit {self.architecture()} "
                f"({len(named)} parameters): {'; '.join(parts)}"
            )
        values = [_parameter_value(name, state[name]) for name, _ in named]
        for (_, p), v in zip(named, values):
            p.data = v

    def architecture(self) -> str:
        """A description of the model's shape; ``save``/``load`` check it matches."""
        return repr(self)

    def save(self, path: str | os.PathLike) -> None:
        """Write the parameters to ``path`` as JSON, atomically.

        >>> import os, tempfile
        >>> from nn import MLP
        >>> model = MLP(2, [3, 1], seed=0)
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     model.save(os.path.join(folder, "model.json"))
        ...     copy = MLP(2, [3, 1], seed=1).load(os.path.join(folder, "model.json"))
        >>> copy.state_dict() == model.state_dict()
        True
        """
        state = self.state_dict()
        for name, v in state.items():
            if not math.isfinite(v):
                raise ValueError(f"can't save: parameter {name!r} is {v!r} (not a finite number)")
        write_checkpoint(
            path,
            {
                "format": FORMAT,
                "version": VERSION,
                "architecture": self.architecture(),
                "parameters": state,
            },
        )

    def load(self, path: str | os.PathLike) -> Module:
        """Set the parameters from a file written by ``save``; returns the model.

        A file that is corrupt, truncated, changed since it was written (its
        checksum does not match), not a model file, or made for a different
        architecture raises ``CheckpointError`` naming the file and the
        problem, and the model is left exactly as it was.
        """
        where = os.fspath(path)
        doc = read_checkpoint(path)
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise CheckpointError(
                f"{where}: not an autograd-lite model file (no 'format': {FORMAT!r} field)"
            )
        if doc.get("version") != VERSION:
            raise CheckpointError(
                f"{where}: model file version {clipped(repr(doc.get('version')), 40)}, "
                f"but this version of nn reads version {VERSION}"
            )
        theirs, mine = doc.get("architecture"), self.architecture()
        if theirs != mine:
            raise CheckpointError(
                f"{where}: made for a different architecture: the file holds "
                f"{clipped(str(theirs), 300)}, "
                f"this model is {mine}; the model was not changed"
            )
        params = doc.get("parameters")
        if not isinstance(params, dict):
            raise CheckpointError(f"{where}: the 'parameters' field is missing or not an object")
        try:
            self.load_state_dict(params)
        except CheckpointError as e:
            raise CheckpointError(f"{where}: {e}; the model was not changed") from None
        return self

    def __repr__(self) -> str:
        parts = []
        for key, value in vars(self).items():
            if not _is_part_attribute(key):
                continue
            if isinstance(value, Module):
                parts.append(f"{key}={value!r}")
            elif isinstance(value, Value):
                parts.append(f"{key}=<parameter>")
            elif isinstance(value, (list, tuple)) and _holds_parts(value):
                mods = [repr(v) for v in value if isinstance(v, Module)]
                n = sum(isinstance(v, Value) for v in value)
                inner = ", ".join(mods + ([f"<{n} parameters>"] if n else []))
                parts.append(f"{key}=[{inner}]")
        return f"{type(self).__name__}({', '.join(parts)})"


# --- paths --------------------------------------------------------------------


def _is_part_attribute(key: str) -> bool:
    return not key.startswith("_") and key != "name"


def _holds_parts(value: Any) -> bool:
    if isinstance(value, (Module, Value)):
        return True
    return isinstance(value, (list, tuple)) and any(isinstance(v, (Module, Value)) for v in value)


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _assign_path(value: Any, path: str) -> None:
    """Give ``value`` (a part, or a list of parts) the dotted path ``path``."""
    if isinstance(value, Value):
        value.label = path
    elif isinstance(value, Module):
        object.__setattr__(value, "name", path)
        for key, part in value._parts():
            _assign_path(part, _join(path, key))
    else:
        for i, item in enumerate(value):
            if isinstance(item, (Module, Value)):
                _assign_path(item, f"{path}.{i}")


def _parameter_value(name: str, v: Any) -> float:
    """``v`` as the float a parameter holds; CheckpointError unless it is a finite number."""
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        raise CheckpointError(
            f"parameter {name!r} must be a finite number, got {_shown(v)} ({type(v).__name__})"
        )
    try:
        x = float(v)
    except OverflowError:
        raise CheckpointError(
            f"parameter {name!r} must be a finite number, got an int too large for a float "
            f"({_shown(v)})"
        ) from None
    if not math.isfinite(x):
        raise CheckpointError(
            f"parameter {name!r} must be a finite number, got {_shown(v)} ({type(v).__name__})"
        )
    return x


def _listing(names: list[str], limit: int = 5) -> str:
    shown = ", ".join(clipped(name, 60) for name in names[:limit])
    return shown if len(names) <= limit else f"{shown}, ... and {len(names) - limit} more"


def _shown(v: Any) -> str:
    if isinstance(v, int) and not isinstance(v, bool) and abs(v) >= 10**40:
        # repr of a huge int is long, slow, and past 4300 digits an error
        return f"an int of about {round(abs(v).bit_length() * math.log10(2))} digits"
    return clipped(repr(v), 40)
