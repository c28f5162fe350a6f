"""The package reads as its architecture: a folder per idea, imports only downwards, no cycle.

Every ``import`` and ``from ... import`` statement of every module of
``autograd_lite/`` and ``nn/`` counts, wherever it stands (inside a
function, under ``TYPE_CHECKING``): ``from . import x`` imports module
``x``, and ``from autograd_lite import NAME`` imports the module the
package face takes NAME from.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import autograd_lite
import nn

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("autograd_lite", "nn")

# What each part may import (besides itself). The top-level modules
# ``errors`` and ``atomic_file`` import nothing of the package.
MAY_IMPORT: dict[str, set[str]] = {
    "errors": set(),
    "atomic_file": set(),
    "engine": {"errors"},
    "batched": {"engine", "errors"},
    "expression": {"engine", "errors"},
    "drawing": {"engine", "errors", "atomic_file"},
    "play": {"drawing", "engine", "errors", "atomic_file"},
    "cli": {"play", "drawing", "engine", "expression", "nn", "errors", "atomic_file", "face"},
    "face": {"engine"},
    "slides": {"play"},
    "__main__": {"cli"},
    "nn": {"engine", "batched", "errors", "atomic_file"},
}


def module_files() -> dict[str, Path]:
    """Module name -> file, for every module of the two packages."""
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def face_sources() -> dict[str, str]:
    """Public name -> the module the package face takes it from."""
    sources = {name: f"autograd_lite{mod}" for name, mod in autograd_lite._LAZY.items()}
    sources.update(Value="autograd_lite.engine.value", no_grad="autograd_lite.engine.grad_mode")
    return sources


def imported_names(module: str, path: Path) -> Iterator[str]:
    """Every absolute module name an import statement of ``module`` names, wherever it stands."""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            source = ".".join(base + [node.module] if node.module else base)
            yield from (f"{source}.{alias.name}" for alias in node.names)


def import_graph() -> dict[str, set[str]]:
    """Module -> the modules of the two packages it imports."""
    files = module_files()
    face = face_sources()
    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        targets = set()
        for name in imported_names(module, path):
            if name.startswith("autograd_lite.") and name.count(".") == 1:
                name = face.get(name.split(".")[1], name)  # a name the face lends
            while name and name not in files:
                name = name.rpartition(".")[0]
            if name and name != module:
                targets.add(name)
        graph[module] = targets
    return graph


def part(module: str) -> str:
    """The folder (or top-level module) a module belongs to: ``engine``, ``nn``, ``face``."""
    parts = module.split(".")
    if parts[0] == "nn":
        return "nn"
    return "face" if len(parts) == 1 else parts[1]


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_a_cycle_through_three_modules():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_of_autograd_lite_or_nn_is_in_an_import_cycle():
    graph = import_graph()
    assert len(graph) > 60  # the walk found the modules
    assert cycles(graph) == []


def test_every_folder_imports_only_downwards():
    upward = [
        f"{module} imports {target}"
        for module, targets in import_graph().items()
        for target in targets
        if part(target) != part(module) and part(target) not in MAY_IMPORT[part(module)]
    ]
    assert upward == []


def test_a_name_lent_by_the_package_face_counts_as_its_module():
    graph = import_graph()
    assert "autograd_lite.engine.stable_softmax" in graph["nn.losses"]  # logsumexp
    assert "autograd_lite.engine.value" in graph["nn.losses"]  # Value


def test_a_folder_per_idea_and_at_most_twelve_modules_at_the_top():
    top = sorted(p.name for p in (ROOT / "autograd_lite").glob("*.py"))
    assert len(top) <= 12, top
    folders = {p.name for p in (ROOT / "autograd_lite").iterdir() if (p / "__init__.py").exists()}
    assert {"engine", "batched", "drawing", "play", "cli", "demos"} <= folders | {"demos"}


def test_each_folder_says_what_it_owns_and_what_it_may_import():
    for folder in ("engine", "batched", "drawing", "play", "cli"):
        module = __import__(f"autograd_lite.{folder}", fromlist=["_"])
        doc = module.__doc__ or ""
        assert len(doc.split()) > 30, folder
        assert "import" in doc, f"{folder}'s docstring does not say what it may import"


def test_no_folder_or_module_is_named_like_a_public_name():
    public = set(autograd_lite.__all__) | set(nn.__all__)
    clashes = [
        str(path.relative_to(ROOT))
        for package in PACKAGES
        for path in (ROOT / package).rglob("*")
        if (path.suffix == ".py" or path.is_dir()) and path.stem in public
    ]
    assert clashes == []


def test_the_package_docstring_draws_the_layers():
    doc = autograd_lite.__doc__ or ""
    for arrow in ("cli", "play", "drawing", "engine", "batched", "nn"):
        assert arrow in doc
    assert doc.count("──►") >= 4
