"""
Salt-and-pepper noise: median against Gaussian
==============================================

Salt-and-pepper noise sets a fraction of the pixels to black or white.
A linear filter such as a Gaussian averages each of those outliers into
its neighbours: the noise fades but spreads, and edges blur. A median
filter replaces each pixel by the middle value of its window, so an
outlier is simply outvoted while an edge, where half the window lies on
each side, stays sharp. :func:`imagekit.window.median` keeps the image's
``uint8`` dtype and, with ``channel_axis=-1``, filters the three colour
channels separately.
"""

import matplotlib.pyplot as plt
import numpy as np

import imagekit as ik
from imagekit import kernels
from imagekit.data import sample

# %%
# The bundled sample, with 10% of its pixels set to black or white (all
# three channels together, as a dead or hot pixel does).

clean = sample()
rng = np.random.default_rng(0)
noisy = clean.copy()
hit = rng.random(clean.shape[:2])
noisy[hit < 0.05] = 0
noisy[hit > 0.95] = 255


def psnr(image, reference):
    """Peak signal-to-noise ratio in dB of two uint8 images."""
    mse = float(np.mean((image.astype(np.float64) - reference) ** 2))
    return 10 * np.log10(255.0**2 / mse)


# %%
# A 3×3 and a 5×5 median, and Gaussians of sigma 1 and 2 rounded back to
# ``uint8`` (``dtype=np.uint8``), each one call.

results = {
    "noisy": noisy,
    "median 3×3": ik.window.median(noisy, 3, channel_axis=-1),
    "median 5×5": ik.window.median(noisy, 5, channel_axis=-1),
    "gaussian(1)": ik.imfilter(noisy, kernels.gaussian(1.0), channel_axis=-1, dtype=np.uint8),
    "gaussian(2)": ik.imfilter(noisy, kernels.gaussian(2.0), channel_axis=-1, dtype=np.uint8),
}
for name, image in results.items():
    print(f"{name:>12}  PSNR {psnr(image, clean):6.2f} dB")

# %%
# The 3×3 median removes nearly every outlier and keeps the edges; the
# Gaussians leave grey smudges where the outliers were and blur the rest.

fig, axes = plt.subplots(2, 3, figsize=(10, 7), layout="constrained")
for ax, (name, image) in zip(axes.flat, [("clean", clean), *results.items()]):
    ax.imshow(image)
    label = name if name == "clean" else f"{name}\nPSNR {psnr(image, clean):.2f} dB"
    ax.set_title(label, fontsize=9)
    ax.set_axis_off()
fig.suptitle("Salt-and-pepper noise (10%): imagekit.window.median against a Gaussian")

# %%
# A close-up of one row across an edge: the median follows the clean
# profile; the Gaussian carries each outlier into its neighbours.

row = 100
fig, ax = plt.subplots(figsize=(7, 3.2), layout="constrained")
for name in ("noisy", "median 3×3", "gaussian(1)"):
    ax.plot(results[name][row, 60:160, 0], label=name, lw=1 if name == "noisy" else 1.8)
ax.plot(clean[row, 60:160, 0], "k--", lw=1, label="clean")
ax.set(xlabel="column - 60", ylabel="red channel", title=f"Row {row}")
ax.legend(fontsize=8)
plt.show()
