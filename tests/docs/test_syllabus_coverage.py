"""docs/syllabus-coverage.md: every item of the seed lectures' checklist by its ID, each
pointing at a demo that exists (or an API name the package has, or the conventions
page), or saying why it is out of scope."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from autograd_lite.demos import DEMOS

import autograd_lite
import nn

ROOT = Path(__file__).resolve().parents[2]
COVERAGE = ROOT / "docs" / "syllabus-coverage.md"
SYLLABUS = ROOT.parent / "shared" / "SYLLABUS.md"  # beside the project, where it is kept
ROW = re.compile(r"^\| ([KUBPG]\d\d(?:–[KUBPG]\d\d)?) \| (.+?) \| (.+) \|$", re.M)


def rows() -> dict[str, str]:
    return {m.group(1): m.group(3) for m in ROW.finditer(COVERAGE.read_text(encoding="utf-8"))}


def test_every_row_names_a_demo_that_exists_or_an_api_name_or_a_reason():
    for item, shown in rows().items():
        names = re.findall(r"`([^`]+)`", shown)
        assert names or "out of scope" in shown or "conventions" in shown, item
        for name in names:
            if re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", name) and not name.startswith(
                "autograd-lite"
            ):
                assert name in DEMOS, (item, name)  # a hyphenated name is a demo's
            elif re.fullmatch(r"[a-z]+", name):
                known = (autograd_lite, autograd_lite.Value, nn)
                assert name in DEMOS or any(hasattr(m, name) for m in known), (item, name)


def test_ids_are_in_order_and_each_once():
    ids = list(rows())
    assert len(ids) == len(set(ids))
    assert len(ids) >= 95


@pytest.mark.skipif(not SYLLABUS.exists(), reason="the checklist lives beside the project")
def test_every_item_of_the_checklist_has_a_row():
    listed = re.findall(r"^- ([KUBPG]\d\d(?:–[KUBPG]\d\d)?):", SYLLABUS.read_text("utf-8"), re.M)
    assert listed and sorted(listed) == sorted(rows())
