"""The README's interactive examples (``>>>``) run and print what the README says."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
FENCE = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def test_every_interactive_example_in_the_readme_gives_its_printed_result():
    blocks = [b for b in FENCE.findall(README.read_text(encoding="utf-8")) if ">>>" in b]
    text = "\n".join(blocks)
    flags = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
    test = doctest.DocTestParser().get_doctest(text, {}, "README.md", str(README), 0)
    runner = doctest.DocTestRunner(optionflags=flags)
    runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted >= 14
    assert result.failed == 0
