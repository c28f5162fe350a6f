"""Instructions the engine executes, counted by callgrind: a measure that load cannot move.

Times on a shared machine move with whatever else runs; instruction counts
do not. Each workload runs twice under ``valgrind --tool=callgrind``, once
whole and once stopping just before the timed work, and the difference is
the work's own count. Workloads (the same code as ``benchmarks/engine.py``):

- ``wide``: the wide expression (sum of relu(x * w) over a balanced tree,
  5 n nodes), forward then backward;
- ``moons``: one full-batch step of micrograd's moons demo, MLP(2, [16, 16, 1]).

    python benchmarks/instructions.py [--nodes 100000] [--points 100]

Needs valgrind on PATH. Compare counts from before and after a change on
the same machine and Python; the ratio is what matters.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

WORKLOAD = """
import sys
sys.path.insert(0, {bench!r})
import engine
from autograd_lite import Value
which, size, run = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "run"
if which == "wide":
    if run:
        engine.wide_expression(Value, size).backward()
else:
    xs, ys = engine.moons(size)
    weights = engine.init_weights([2, 16, 16, 1])
    if run:
        engine.moons_step(Value, weights, xs, ys, 1.0)
"""


def count(script: Path, which: str, size: int, run: bool) -> int:
    """Instructions of one process running ``script``, as callgrind's summary line gives them."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        command = [
            "valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
            sys.executable, str(script), which, str(size), "run" if run else "setup",
        ]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"callgrind failed:\n{done.stderr[-2000:]}")
        match = re.search(r"Collected : (\d+)", done.stderr)
        if match is None:
            raise SystemExit(f"no instruction count in callgrind's output:\n{done.stderr[-2000:]}")
        return int(match.group(1))


def main(argv: list[str] | None = None) -> dict[str, int]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=100_000, help="wide expression size")
    parser.add_argument("--points", type=int, default=100, help="moons batch size")
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not on PATH (Debian: apt install valgrind)")
    counts: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "workload.py"
        script.write_text(WORKLOAD.format(bench=str(HERE)))
        for which, size in (("wide", args.nodes // 5), ("moons", args.points)):
            work = count(script, which, size, True) - count(script, which, size, False)
            counts[which] = work
            print(f"{which:<6} {work:>16,} instructions")
    return counts


if __name__ == "__main__":
    main()
