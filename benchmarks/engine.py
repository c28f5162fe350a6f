"""autograd-lite's engine against micrograd 0.1.0, in one process.

    pip install -e ".[bench]"      # micrograd 0.1.0, the anchor
    python benchmarks/engine.py    # --quick for a smoke run

Both engines run the same Python code (only the Value class differs),
interleaved round by round, with the garbage collector on as users run it;
garbage from the previous round is collected before each timed region, so
neither engine pays for the other's. Reported: the median per node or per
step, and ratio = micrograd time / autograd-lite time (higher is better for
us). Installs nothing; without micrograd it measures autograd-lite alone.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import math
import random
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from reference_engine import RefValue  # noqa: E402

from autograd_lite import Value as OurValue  # noqa: E402
from autograd_lite import no_cycle_collection  # noqa: E402

try:
    from micrograd.engine import Value as MicrogradValue
except ImportError:  # the bench extra is not installed
    MicrogradValue = None


# --- workloads, written once for any Value class ------------------------------


def wide_expression(V: Any, n: int) -> Any:
    """sum_i relu(x_i * w_i), summed as a balanced tree: 5n nodes, depth ~log2 n."""
    xs = [V(0.001 * i - 3.0) for i in range(n)]
    ws = [V(0.5 + 0.0001 * i) for i in range(n)]
    terms = [(x * w).relu() for x, w in zip(xs, ws)]
    while len(terms) > 1:
        pairs = [terms[i] + terms[i + 1] for i in range(0, len(terms) - 1, 2)]
        terms = pairs + ([terms[-1]] if len(terms) % 2 else [])
    return terms[0]


def moons(n: int, seed: int = 0) -> tuple[list[list[float]], list[float]]:
    """Two interleaved half circles with noise, labels -1/+1."""
    rng = random.Random(seed)
    xs, ys = [], []
    for i in range(n):
        t = math.pi * (i // 2) / (n // 2)
        if i % 2 == 0:
            x, y, label = math.cos(t), math.sin(t), -1.0
        else:
            x, y, label = 1 - math.cos(t), 0.5 - math.sin(t), 1.0
        xs.append([x + rng.gauss(0, 0.1), y + rng.gauss(0, 0.1)])
        ys.append(label)
    return xs, ys


def init_weights(sizes: list[int], seed: int = 1) -> list[list[list[float]]]:
    """Per layer, per neuron: nin weights then a bias (micrograd's uniform init)."""
    rng = random.Random(seed)
    return [
        [[rng.uniform(-1, 1) for _ in range(nin)] + [0.0] for _ in range(nout)]
        for nin, nout in zip(sizes[:-1], sizes[1:])
    ]


def moons_step(V: Any, weights: list, xs: list, ys: list, lr: float) -> tuple[float, list]:
    """One full-batch step of micrograd's moons demo: MLP(2,[16,16,1]), SVM loss + 1e-4 L2."""
    layers = [[[V(w) for w in neuron] for neuron in layer] for layer in weights]
    params = [p for layer in layers for neuron in layer for p in neuron]
    total = V(0.0)
    for x, y in zip(xs, ys):
        act = [V(v) for v in x]
        for li, layer in enumerate(layers):
            out = []
            for neuron in layer:
                s = neuron[-1]
                for w, a in zip(neuron[:-1], act):
                    s = s + w * a
                out.append(s.relu() if li < len(layers) - 1 else s)
            act = out
        total = total + (1 + -y * act[0]).relu()
    reg = V(0.0)
    for p in params:
        reg = reg + p * p
    loss = total * (1.0 / len(xs)) + 1e-4 * reg
    loss.backward()
    new = [[[p.data - lr * p.grad for p in neuron] for neuron in layer] for layer in layers]
    return loss.data, new


def tanh_sum(V: Any, n: int) -> Any:
    """sum_i tanh(a_i * b_i + c_i), summed as a balanced tree: 7n - 1 nodes."""
    terms = [(V(0.001 * i - 1.0) * V(0.5 + 1e-4 * i) + V(0.1)).tanh() for i in range(n)]
    while len(terms) > 1:
        pairs = [terms[i] + terms[i + 1] for i in range(0, len(terms) - 1, 2)]
        terms = pairs + ([terms[-1]] if len(terms) % 2 else [])
    return terms[0]


def constant_chain(V: Any, depth: int) -> Any:
    """x = x * 1.0001 + 0.001, ``depth`` times: number operands, a deep graph."""
    y = V(1.0)
    for _ in range(depth):
        y = y * 1.0001 + 0.001
    return y


def chain(V: Any, depth: int) -> Any:
    y = x = V(1.0)
    for _ in range(depth):
        y = y + 1.0
    y.backward()
    return x


WORKLOADS = {"tanh-sum": tanh_sum, "constant-chain": constant_chain}
"""The two workloads measured against the reference engine, by name."""


# --- measuring ----------------------------------------------------------------


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    gc.collect()  # the previous round's garbage is not this round's cost
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def deepest_chain(V: Any, ceiling: int) -> int:
    """The longest chain (up to ``ceiling``) that backpropagates without error."""
    try:
        chain(V, ceiling)
        return ceiling
    except RecursionError:
        pass
    lo, hi = 1, ceiling
    while hi - lo > 1:
        mid = (lo + hi) // 2
        try:
            chain(V, mid)
            lo = mid
        except RecursionError:
            hi = mid
    return lo


def bytes_per_node(V: Any, n: int) -> float:
    gc.collect()
    tracemalloc.start()
    root = wide_expression(V, n)
    used, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del root
    return used / (5 * n)


def forward_backward(V: Any, workload: str, size: int) -> tuple[float, int]:
    """Seconds of one forward + backward of ``workload`` at ``size`` (gc on), and its nodes."""
    build = WORKLOADS[workload]
    gc.collect()
    start = time.perf_counter()
    root = build(V, size)
    root.backward()
    elapsed = time.perf_counter() - start
    nodes = 7 * size - 1 if workload == "tanh-sum" else 2 * size + 1
    del root
    return elapsed, nodes


def floor_times(engines: dict[str, Any], sizes: dict[str, int], rounds: int) -> dict:
    """Median seconds per node of each workload for each engine, interleaved round by round."""
    times: dict[str, dict[str, list[float]]] = {w: {e: [] for e in engines} for w in sizes}
    for _ in range(rounds):
        for workload, size in sizes.items():
            for name, V in engines.items():
                t, nodes = forward_backward(V, workload, size)
                times[workload][name].append(t / nodes)
    return {w: {e: statistics.median(v) for e, v in per.items()} for w, per in times.items()}


def fresh_times(names: list[str], sizes: dict[str, int], rounds: int) -> dict:
    """``floor_times`` with each engine and workload in a process of its own."""
    out: dict[str, dict[str, float]] = {w: {} for w in sizes}
    for workload, size in sizes.items():
        for name in names:
            argv = [sys.executable, __file__, "--one", name, workload, str(size), str(rounds)]
            done = subprocess.run(argv, capture_output=True, text=True, check=True)
            out[workload][name] = json.loads(done.stdout)
    return out


def one(name: str, workload: str, size: int, rounds: int) -> None:
    """Print the median seconds per node of one engine on one workload, as JSON."""
    V = {"ours": OurValue, "reference": RefValue, "micrograd": MicrogradValue}[name]
    print(json.dumps(floor_times({name: V}, {workload: size}, rounds)[workload][name]))


def floor_report(title: str, med: dict) -> dict[str, float]:
    """Print each workload's times and autograd-lite / reference; return those ratios."""
    print(title)
    ratios = {}
    for workload, per in med.items():
        ratios[workload] = per["ours"] / per["reference"]
        cells = "   ".join(f"{e} {t * 1e6:7.3f} us/node" for e, t in per.items())
        print(f"  {workload:<15} {cells}   autograd-lite / reference {ratios[workload]:4.2f}x")
    return ratios


def report(title: str, med: dict, key: Callable[[dict], float], unit: str, scale: float) -> None:
    """One row: autograd-lite's time, micrograd's and the reference engine's, and the ratios."""
    ours = key(med["ours"])
    line = f"  {title:<20} autograd-lite {ours * scale:8.3f} {unit}"
    if "micrograd" in med:
        theirs = key(med["micrograd"])
        line += f"   micrograd {theirs * scale:8.3f} {unit}   ratio {theirs / ours:5.1f}x"
        floor = key(med["reference"])
        line += f"   (micrograd / reference engine {theirs / floor:5.1f}x)"
    print(line)


def anchor_times(engines: dict[str, Any], n_wide: int, n_moons: int, rounds: int) -> tuple:
    """Median seconds of (a) and (b) per engine, interleaved round by round; the losses."""
    times: dict[str, dict[str, list[float]]] = {k: {"fwd": [], "bwd": [], "step": []}
                                                for k in engines}  # fmt: skip
    losses: dict[str, list[float]] = {k: [] for k in engines}
    xs, ys = moons(n_moons)
    weights0 = init_weights([2, 16, 16, 1])
    for _ in range(rounds):
        for name, V in engines.items():
            t, root = timed(lambda V=V: wide_expression(V, n_wide))
            times[name]["fwd"].append(t / (5 * n_wide))
            t, _ = timed(root.backward)
            times[name]["bwd"].append(t / (5 * n_wide))
            del root
            t, (loss, _) = timed(lambda V=V: moons_step(V, weights0, xs, ys, 1.0))
            times[name]["step"].append(t)
            losses[name].append(loss)
    med = {k: {m: statistics.median(v) for m, v in per.items()} for k, per in times.items()}
    return med, losses


def main(argv: list[str] | None = None) -> dict:
    args = parse_arguments(argv)
    if args.one:
        name, workload, size, rounds_ = args.one
        one(name, workload, int(size), int(rounds_))
        return {}
    n_wide = 2_000 if args.quick else 20_000  # 5 n nodes: 100k by default
    rounds = 1 if args.quick else args.rounds
    n_moons = 20 if args.quick else 100
    engines = {"ours": OurValue}
    if MicrogradValue is not None:
        engines["micrograd"] = MicrogradValue
    else:
        print("micrograd is not installed (pip install -e '.[bench]'): no micrograd columns")
    gc.enable()
    print(f"Python {sys.version.split()[0]}, gc on, {rounds} interleaved round(s), medians")
    med, losses = anchor_times({**engines, "reference": RefValue}, n_wide, n_moons, rounds)
    print(f"(a) wide expression, {5 * n_wide:,} nodes")
    report("forward", med, lambda m: m["fwd"], "us/node", 1e6)
    report("backward", med, lambda m: m["bwd"], "us/node", 1e6)
    report("forward + backward", med, lambda m: m["fwd"] + m["bwd"], "us/node", 1e6)
    print(f"(b) moons full-batch step, {n_moons} points, MLP(2,[16,16,1]) written with Value")
    report("step", med, lambda m: m["step"], "s", 1.0)
    if "micrograd" in engines:
        same = abs(losses["ours"][0] - losses["micrograd"][0]) <= 1e-9 * abs(losses["ours"][0])
        print(f"  same loss from the same weights: {same} ({losses['ours'][0]:.12f})")
    depth, mem = depth_and_memory(engines, n_wide, 10_000 if args.quick else 1_000_000)
    floor = floor_rows(engines, args.quick, rounds, args.fresh)
    growth = growth_row(args.quick, rounds)
    return {
        "median": med, "depth": depth, "bytes_per_node": mem, "losses": losses, **floor,
        "growth": growth,
    }  # fmt: skip


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, one round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--fresh", action="store_true",
        help="also run (e) with each engine and workload in a fresh process",
    )  # fmt: skip
    parser.add_argument("--one", nargs=4, metavar=("ENGINE", "WORKLOAD", "SIZE", "ROUNDS"),
                        help=argparse.SUPPRESS)  # fmt: skip
    return parser.parse_args(argv)


def depth_and_memory(engines: dict[str, Any], n_wide: int, ceiling: int) -> tuple[dict, dict]:
    """(c) the deepest chain that backpropagates and (d) bytes per node, per engine."""
    print("(c) deepest chain that backpropagates")
    depth = {name: deepest_chain(V, ceiling) for name, V in engines.items()}
    for name, d in depth.items():
        tail = "" if d < ceiling else " (the largest tried)"
        print(f"  {name:<14} {d:,}{tail}")
    print("(d) memory of the wide expression, tracemalloc")
    with_floor = {**engines, "reference": RefValue}
    mem = {name: bytes_per_node(V, n_wide) for name, V in with_floor.items()}
    line = f"  autograd-lite {mem['ours']:6.0f} bytes/node"
    if "micrograd" in mem:
        ratio = mem["micrograd"] / mem["ours"]
        line += f"   micrograd {mem['micrograd']:6.0f} bytes/node   ratio {ratio:.1f}x"
    print(line + f"   reference engine {mem['reference']:6.0f} bytes/node")
    return depth, mem


def floor_rows(engines: dict[str, Any], quick: bool, rounds: int, fresh: bool) -> dict:
    """(e) the two workloads against the reference engine (and micrograd on the wide one),
    in this process and, with ``fresh``, each in a process of its own."""
    sizes = {"tanh-sum": 1_430 if quick else 14_286, "constant-chain": 10_000 if quick else 100_000}
    with_ref = {"ours": OurValue, "reference": RefValue}
    print(f"(e) the floor: a reference engine ({Path(__file__).parent.name}/reference_engine.py),"
          f" forward + backward, gc on; tanh-sum {7 * sizes['tanh-sum'] - 1:,} nodes,"
          f" constant-chain {2 * sizes['constant-chain'] + 1:,} nodes")  # fmt: skip
    med = floor_times(with_ref, sizes, rounds)
    if "micrograd" in engines and hasattr(engines["micrograd"], "tanh"):
        wide = {"tanh-sum": sizes["tanh-sum"]}
        mg = floor_times({"micrograd": engines["micrograd"]}, wide, rounds)
        med["tanh-sum"]["micrograd"] = mg["tanh-sum"]["micrograd"]
    out = {"floor": floor_report("  in this process", med)}
    if fresh:
        fresh_med = fresh_times(list(with_ref), sizes, rounds)
        out["floor_fresh"] = floor_report("  each in a fresh process", fresh_med)
    return out


def growth_row(quick: bool, rounds: int) -> dict[str, float]:
    """(f) tanh-sum per node at 10x the size, in this process: how flat the cost is, with
    the cycle collector on, and with it paused for the forward and backward pass."""
    small, big = (1_430, 14_286) if quick else (14_286, 142_857)
    print(f"(f) cost per node as the graph grows: tanh-sum forward + backward,"
          f" {7 * small - 1:,} and {7 * big - 1:,} nodes, {rounds} round(s)")  # fmt: skip
    out = {}
    for paused in (False, True):
        per: dict[int, list[float]] = {small: [], big: []}
        for _ in range(rounds):
            for size in (small, big):
                with no_cycle_collection() if paused else contextlib.nullcontext():
                    t, nodes = forward_backward(OurValue, "tanh-sum", size)
                per[size].append(t / nodes)
        a, b = statistics.median(per[small]), statistics.median(per[big])
        how = "inside no_cycle_collection()" if paused else "gc on"
        print(f"  {how:<28} {a * 1e6:7.3f} us/node, then {b * 1e6:7.3f} us/node:"
              f" {b / a:4.2f}x per node at 10x the nodes")  # fmt: skip
        out["paused" if paused else "gc on"] = b / a
    return out


if __name__ == "__main__":
    main()
