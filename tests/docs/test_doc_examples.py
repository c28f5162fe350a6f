"""The front page and the manual hold together.

Every Python example in README.md and in each docs/*.md page runs, in
order, and each interactive one (``>>>``) prints what the page says;
README.md stays a front page; relative links point to files that
exist (and to headings that exist, for links into a Markdown page); and no
page cites the lectures by a path that a clone of the project does not have.
"""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
PAGES = [README, *sorted(DOCS.glob("*.md"))]
FENCE = re.compile(r"^```python\n(.*?)^```", re.S | re.M)
# [text](target) and ![alt](target); a target has no spaces or parentheses.
LINK = re.compile(r"!?\[[^\]]*\]\(([^()\s]+)\)")
CODE = re.compile(r"^```.*?^```|`[^`\n]*`", re.S | re.M)


def _name(page: Path) -> str:
    return page.relative_to(ROOT).as_posix()


def _text(page: Path) -> str:
    return page.read_text(encoding="utf-8")


def _python_blocks(page: Path) -> list[str]:
    return FENCE.findall(_text(page))


@pytest.mark.slow  # the training examples take seconds
@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_every_python_example_runs_and_prints_what_the_page_says(page, tmp_path, monkeypatch):
    """The page's Python blocks run in order in one namespace, as a reader types them:
    a block with ``>>>`` as a doctest (its printed results checked), any other as a
    script. Files they write land in a temporary folder."""
    blocks = _python_blocks(page)
    if not blocks:
        return  # a page without Python examples has nothing to run
    assert any(">>>" in b for b in blocks), f"{_name(page)}: no example shows its result"
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"__name__": "__doc_example__"}
    flags = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
    attempted = 0
    for k, block in enumerate(blocks):
        where = f"{_name(page)}, python block {k + 1}"
        if ">>>" in block:
            test = doctest.DocTestParser().get_doctest(block, namespace, where, str(page), 0)
            runner = doctest.DocTestRunner(optionflags=flags)
            runner.run(test, clear_globs=False)
            namespace.update(test.globs)  # the doctest ran on a copy of the namespace
            result = runner.summarize(verbose=False)
            assert result.failed == 0, where
            attempted += result.attempted
        else:
            exec(compile(block, where, "exec"), namespace)  # noqa: S102  # our own docs
    assert attempted >= 1


def test_the_readme_is_a_front_page_of_at_most_250_lines():
    lines = _text(README).count("\n")
    assert lines <= 250, f"README.md has {lines} lines; move the detail to docs/"


def _anchors(page: Path) -> set[str]:
    """GitHub's ids for a Markdown page's headings."""
    anchors = set()
    for line in _text(page).splitlines():
        if line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            title = re.sub(r"[^\w\- ]", "", title)
            anchors.add(title.replace(" ", "-"))
    return anchors


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_every_relative_link_points_to_something_that_exists(page):
    prose = CODE.sub("", _text(page))
    broken = []
    for target in LINK.findall(prose):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):
            continue  # https:, mailto: and the like
        path, _, anchor = target.partition("#")
        dest = (page.parent / path).resolve() if path else page
        if not dest.exists():
            broken.append(target)
        elif anchor and dest.suffix == ".md" and anchor not in _anchors(dest):
            broken.append(target)
    assert not broken, f"{_name(page)} links to what does not exist: {broken}"


def test_every_docs_page_is_linked_from_the_readme():
    linked = {(README.parent / t.partition("#")[0]).resolve() for t in LINK.findall(_text(README))}
    missing = [_name(p) for p in PAGES[1:] if p.resolve() not in linked]
    assert not missing


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_no_page_cites_the_lectures_by_a_path(page):
    assert "seeds/" not in _text(page), f"{_name(page)}: cite a lecture by title and author"
