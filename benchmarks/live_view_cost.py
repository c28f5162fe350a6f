"""What ``fit(..., live=True)`` costs next to training, measured inside a real Jupyter kernel.

    python benchmarks/live_view_cost.py            # three runs of each case
    python benchmarks/live_view_cost.py --quick    # one run, shorter training

Each case trains the same model from the same weights with ``live=False,
progress=False`` and with ``live=True`` (figure and progress line), the two
interleaved, in a kernel started from this interpreter by nbclient (so
display messages really go through the kernel's iopub channel). It prints
the median CPU time of each (``time.process_time``: every thread of the
kernel, its message sending included, and little disturbed by other
programs on the machine, which wall time is), their ratio, how many frames
the view drew, and the view's own count of the seconds it spent (setup,
compiling the grid, and every frame) as a share of the live run's CPU
time. Needs the dev extra (nbformat, nbclient, ipykernel).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

CASES = {
    "moons, MLP(2,[16,16,1]), scalar": (
        "X, y = make_moons(100, noise=0.1, seed=0); y = to_signed(y)",
        "MLP(2, [16, 16, 1], seed=0)",
        "loss=hinge, batched=False",
        60,
    ),
    "moons, MLP(2,[16,16,1]), batched": (
        "X, y = make_moons(100, noise=0.1, seed=0); y = to_signed(y)",
        "MLP(2, [16, 16, 1], seed=0)",
        "loss=hinge, batched=True",
        400,
    ),
    "spiral x3, MLP(2,[32,32,3]), batched": (
        "X, y = make_spiral(300, classes=3, seed=0)",
        "MLP(2, [32, 32, 3], seed=0)",
        "loss=softmax_cross_entropy, batched=True",
        200,
    ),
}

SETUP = """\
import json, statistics, time
import nn.live_view
from nn import MLP, Adam, fit, hinge, make_moons, make_spiral, softmax_cross_entropy, to_signed
views = []
_make = nn.live_view.live_view
def _recording(*args, **kwargs):
    view = _make(*args, **kwargs)
    views.append(view)
    return view
nn.live_view.live_view = _recording

def timed(data, build, options, epochs, live, out):
    model = build()
    start = time.process_time()
    fit(model, *data, optimizer=Adam(model, lr=0.02), epochs=epochs, live=live,
        progress=None if live else False, **options)
    out.append(time.process_time() - start)
"""


def case_cell(name: str, data: str, model: str, options: str, epochs: int, runs: int) -> str:
    return f"""\
{data}
plain, live = [], []
for _ in range({runs}):
    timed((X, y), lambda: {model}, dict({options}), {epochs}, False, plain)
    timed((X, y), lambda: {model}, dict({options}), {epochs}, True, live)
v = views[-1]
print(json.dumps({{"name": {name!r}, "epochs": {epochs}, "plain": statistics.median(plain),
                  "live": statistics.median(live), "frames": v.frames, "view": v.seconds,
                  "run": live[-1]}}))
"""


def kernel(where: Path) -> KernelManager:
    spec = where / "kernels" / "bench"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": "bench"}))
    specs = KernelSpecManager(kernel_dirs=[str(where / "kernels")])
    return KernelManager(kernel_name="bench", kernel_spec_manager=specs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="one run of each, a quarter of the epochs"
    )
    args = parser.parse_args()
    runs = 1 if args.quick else 3
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(SETUP)]
    for name, (data, model, options, epochs) in CASES.items():
        epochs = max(8, epochs // 4) if args.quick else epochs
        nb.cells.append(
            nbformat.v4.new_code_cell(case_cell(name, data, model, options, epochs, runs))
        )
    with tempfile.TemporaryDirectory() as where:
        NotebookClient(nb, km=kernel(Path(where)), timeout=3600).execute()
    head = ("case", "epochs", "no view", "live", "ratio", "frames", "view share")
    print("{:38} {:>6} {:>9} {:>9} {:>6} {:>6} {:>10}".format(*head))
    for cell in nb.cells[1:]:
        (out,) = [o for o in cell.outputs if o.output_type == "stream" and o.name == "stdout"]
        r = json.loads(out.text)
        print(
            f"{r['name']:38} {r['epochs']:>6} {r['plain']:>8.2f}s {r['live']:>8.2f}s "
            f"{r['live'] / r['plain']:>6.3f} {r['frames']:>6} {r['view'] / r['run']:>9.1%}"
        )


if __name__ == "__main__":
    main()
