"""
Direct or FFT: timing against kernel size
=========================================

:func:`imagekit.imfilter` computes the same correlation by sweeping the
kernel over the image (``algorithm="direct"``, cost growing with the number
of taps) or by multiplying Fourier transforms (``"fft"``, cost nearly
independent of the kernel's size). ``"auto"`` asks the planner,
:func:`imagekit.filtering.plan`, which predicts the cost of each strategy
from a fitted model and takes the cheapest. This example times all three on
a 256×256 float32 image with dense (non-separable) square kernels, plots the
time against the kernel's width with the planner's predictions, and marks
its choice. It is a quick look, a few repeats per point on whatever machine
builds the page — not a benchmark; ``imagekit bench`` is the careful
one.
"""

import time

import matplotlib.pyplot as plt
import numpy as np

import imagekit as ik
from imagekit.filtering import plan

rng = np.random.default_rng(0)
image = rng.random((256, 256), dtype=np.float32)
widths = [3, 5, 7, 9, 13, 17, 21, 25, 31, 41]
REPEATS = 3


def best_time(kernel, algorithm):
    """The fastest of a few calls, in seconds."""
    times = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        ik.imfilter(image, kernel, "reflect", algorithm=algorithm)
        times.append(time.perf_counter() - t0)
    return min(times)


# %%
# Compile and warm up each strategy once, then time every width. The results
# of the strategies agree to float32 rounding.

for algorithm in ("direct", "fft"):
    ik.imfilter(image, rng.random((3, 3)), algorithm=algorithm)

measured = {"direct": [], "fft": [], "auto": []}
predicted = {"direct": [], "fft": []}
choice = []
for m in widths:
    kernel = rng.random((m, m)) / (m * m)
    p = plan(image, kernel, "reflect")
    choice.append(p.strategy)
    for name in predicted:
        predicted[name].append(p.costs[name])
    for name in measured:
        measured[name].append(best_time(kernel, name))
    d = ik.imfilter(image, kernel, algorithm="direct")
    f = ik.imfilter(image, kernel, algorithm="fft")
    assert np.allclose(d, f, atol=1e-5)

print(f"{'width':>5} {'direct ms':>10} {'fft ms':>8} {'auto ms':>8}  planner")
for i, m in enumerate(widths):
    ms = [1e3 * measured[k][i] for k in ("direct", "fft", "auto")]
    print(f"{m:>5} {ms[0]:>10.2f} {ms[1]:>8.2f} {ms[2]:>8.2f}  {choice[i]}")
faster = [m for m, d, f in zip(widths, measured["direct"], measured["fft"]) if f < d]
switch = [m for m, c in zip(widths, choice) if c == "fft"]
print(f"FFT measured faster from width {faster[0] if faster else '-'} on; ", end="")
print(f"the planner switches to FFT at width {switch[0] if switch else '-'}")

# %%
# Measured times (solid), the planner's predicted costs (dashed), and the
# strategy ``auto`` took at each width (the ring on the ``auto`` curve has
# the colour of that strategy). Where the two measured curves cross is where
# ``auto`` should switch; how close its switch is to the measured crossover
# depends on how well the fitted costs match the machine running this.

colors = {"direct": "tab:blue", "fft": "tab:orange"}
fig, ax = plt.subplots(figsize=(7.5, 4.5), layout="constrained")
for name, color in colors.items():
    ax.plot(widths, 1e3 * np.array(measured[name]), "o-", color=color, label=f"{name}, measured")
    ax.plot(widths, 1e3 * np.array(predicted[name]), "--", color=color, label=f"{name}, predicted")
ax.plot(widths, 1e3 * np.array(measured["auto"]), "k.-", lw=1, label="auto, measured")
for m, t, strategy in zip(widths, measured["auto"], choice):
    ax.plot(m, 1e3 * t, "o", ms=12, mfc="none", mec=colors.get(strategy, "k"), mew=2)
ax.set_yscale("log")
ax.set(
    xlabel="kernel width m (an m×m dense kernel)",
    ylabel="time per call (ms)",
    title="imfilter on 256×256 float32: direct vs FFT; rings: auto's choice",
)
ax.legend(fontsize=8)
plt.show()
