"""Weight initialisation: Gaussian(0, 1/m) keeps |z| independent of the fan-in m.

L. Kaelbling's notes, "Initializing W is important": draw
W_ij ~ Gaussian(0, 1/m) for a unit with m inputs, and "magnitude of Z will
be independent of # of inputs", where the notes mark 1/m as the variance
(so the standard deviation is 1/sqrt(m)). With inputs x_j of mean 0 and variance 1,
z = sum_j w_j x_j has E[z^2] = m * (1/m) * 1 = 1 for every m, while
Gaussian(0, 1) weights give E[z^2] = m: |z| grows like sqrt(m) and sigmoid
units saturate ("don't make magnitude too big for sigmoid / tanh").

This demo measures it: for each fan-in m it draws 512 units
``nn.Neuron(m, activation="linear")`` (whose weights ``nn`` draws from
Gaussian(0, 1/m)), feeds each a random input, and records the
root-mean-square of z; then the same with the weights scaled to
Gaussian(0, 1). It also reports the mean
sigmoid'(z), which the unscaled weights push towards 0. The plot shows
RMS(z) against m.

    python -m autograd_lite.demos.init_scale [--out out/init_scale]
"""

from __future__ import annotations

import math
import os
from typing import Any

import numpy as np
from autograd_lite.demos.plotting import save_figure
from autograd_lite.demos.report import Row, demo_parser, plot_or_skip, table

from autograd_lite import no_grad
from nn import Layer, Neuron

FAN_INS = [1, 2, 4, 8, 16, 32, 64, 128, 256]
SAMPLES, SEED = 512, 0


def measure(m: int, scale: float, rng: np.random.Generator) -> np.ndarray:
    """SAMPLES independent draws of z = w . x: fan-in m, w ~ Gaussian(0, 1/m) * scale.

    Every sample is a freshly initialised ``nn.Neuron`` meeting a fresh input,
    so no two samples share weights or inputs.
    """
    zs = []
    with no_grad():
        for x in rng.normal(size=(SAMPLES, m)):
            unit = Neuron(m, activation="linear", rng=rng)
            if scale != 1.0:
                unit.load_state_dict({k: v * scale for k, v in unit.state_dict().items()})
            zs.append(unit(x).data)
    return np.array(zs)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Measure RMS(z) across fan-ins for both initialisations; return the numbers."""
    args = demo_parser("init_scale", __doc__).parse_args(argv)
    rng = np.random.default_rng(SEED)
    print(
        f"z = w . x, {SAMPLES} samples per fan-in m, each a new nn.Neuron(m) and a new input "
        f"x_j ~ Gaussian(0, 1); seed {SEED}"
    )
    print("(a sample RMS: expect it within about 10% of the lecture's value)\n")
    m_big = FAN_INS[-1]
    drawn = Layer(m_big, 64, seed=SEED + 1).weight()
    variance = float(drawn.var())
    print(
        "Gaussian(0, 1/m): seed 000 marks 1/m as the variance, so nn draws each weight with\n"
        f"standard deviation 1/sqrt(m). Measured on Layer({m_big}, 64): variance x m = "
        f"{variance * m_big:.3f} (lecture: 1), standard deviation x sqrt(m) = "
        f"{math.sqrt(variance * m_big):.3f}\n"
    )
    results: dict[str, list[float]] = {
        k: [] for k in ("rms", "rms_unscaled", "slope", "slope_unscaled")
    }
    rows_scaled, rows_unscaled = [], []
    for m in FAN_INS:
        for rule in ("1/m", "1"):
            z = measure(m, 1.0 if rule == "1/m" else math.sqrt(m), rng)
            rms = float(np.sqrt(np.mean(z**2)))
            s = 1 / (1 + np.exp(-z))
            slope = float(np.mean(s * (1 - s)))
            if rule == "1/m":
                results["rms"].append(rms)
                results["slope"].append(slope)
                rows_scaled.append(Row(f"m = {m}", "sqrt(m * 1/m * 1) = 1", 1.0, rms))
            else:
                results["rms_unscaled"].append(rms)
                results["slope_unscaled"].append(slope)
                rows_unscaled.append(
                    Row(f"m = {m}", "sqrt(m * 1 * 1) = sqrt(m)", math.sqrt(m), rms)
                )
    scaled = table(
        "RMS of z with W ~ Gaussian(0, 1/m), the lecture's rule (nn's default)", rows_scaled
    )
    unscaled = table("\nRMS of z with W ~ Gaussian(0, 1)", rows_unscaled)
    print("\nmean sigmoid'(z) (at most 1/4; small means saturated units and small gradients):")
    for m, a, b in zip(FAN_INS, results["slope"], results["slope_unscaled"]):
        print(f"  m = {m:5d}:  Gaussian(0, 1/m) {a:.3f}   Gaussian(0, 1) {b:.3f}")
    plots = plot_or_skip(args.out, lambda plt: [_plot(plt, results, args.out)])
    return {
        "fan_ins": FAN_INS,
        "weight_variance_times_m": variance * m_big,
        **results,
        "rows": scaled + unscaled,
        "plots": plots,
    }


def _plot(plt: Any, results: dict[str, list[float]], out: str) -> str:
    m = np.array(FAN_INS, dtype=float)
    fig, ax = plt.subplots(figsize=(6, 4.2), dpi=110)
    ax.loglog(m, results["rms"], "o-", color="#4c72b0", label="W ~ Gaussian(0, 1/m): measured")
    ax.loglog(
        m, np.ones_like(m), "--", color="#4c72b0", alpha=0.6, label="lecture: 1 (m x variance 1/m)"
    )
    ax.loglog(
        m, results["rms_unscaled"], "s-", color="#c44e52", label="W ~ Gaussian(0, 1): measured"
    )
    ax.loglog(m, np.sqrt(m), "--", color="#c44e52", alpha=0.6, label="sqrt(m) (m x variance 1)")
    ax.set_xticks(m, [str(k) for k in FAN_INS])
    ax.minorticks_off()
    ax.set_xlabel("fan-in m (number of inputs to the unit)")
    ax.set_ylabel("RMS of z = w · x")
    ax.set_title("Gaussian(0, 1/m) keeps |z| independent of the fan-in", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return save_figure(plt, fig, os.path.join(out, "z_vs_fan_in.png"))


if __name__ == "__main__":
    main()
