"""
Denoising with linear filters
=============================

A noisy colour photograph smoothed by the linear filters of
:mod:`imagekit.kernels` — a Gaussian at two widths, a box, a disk, and the
recursive (IIR) Gaussian — each through one :func:`imagekit.imfilter` call
with ``channel_axis=-1``, so the three colour channels are filtered
separately and never mixed. None of them is a median filter: they are the
linear alternatives, and the peak signal-to-noise ratio (PSNR) against the
clean image says how much each one helps. Wider kernels remove more noise
and more detail; the best trade-off sits in between.
"""

import matplotlib.pyplot as plt
import numpy as np

import imagekit as ik
from imagekit import kernels
from imagekit.data import sample

# %%
# The clean image, in floating point in [0, 1], and a copy with Gaussian
# noise of standard deviation 0.1 (a PSNR of about 20 dB).

clean = sample().astype(np.float32) / 255
rng = np.random.default_rng(0)
noisy = clean + rng.normal(0.0, 0.1, clean.shape).astype(np.float32)


def psnr(image, reference):
    """Peak signal-to-noise ratio in dB, for images in [0, 1]."""
    mse = float(np.mean((np.clip(image, 0, 1) - reference) ** 2))
    return 10 * np.log10(1.0 / mse)


# %%
# One call per filter. The recursive Gaussian is approximate, runs only when
# asked for (``algorithm="iir"``), and takes the ``nearest`` or a constant
# border; its cost does not grow with sigma.

filters = [
    ("gaussian(1)", kernels.gaussian(1.0), "reflect", "auto"),
    ("gaussian(2)", kernels.gaussian(2.0), "reflect", "auto"),
    ("box(3)", kernels.box(3), "reflect", "auto"),
    ("box(5)", kernels.box(5), "reflect", "auto"),
    ("disk(2)", kernels.disk(2), "reflect", "auto"),
    ("gaussian(2), iir", kernels.gaussian(2.0), "nearest", "iir"),
]
results = {"noisy": noisy}
for name, kernel, border, algorithm in filters:
    results[name] = ik.imfilter(noisy, kernel, border, channel_axis=-1, algorithm=algorithm)

print(f"{'filter':>18}  PSNR (dB)")
for name, image in results.items():
    print(f"{name:>18}  {psnr(image, clean):6.2f}")

# %%
# The results, with their PSNR. On this image the Gaussian of sigma 1 scores
# best, the 3×3 box close behind; twice as wide, either filter loses more in
# blurred detail than it gains in removed noise.

fig, axes = plt.subplots(2, 4, figsize=(12, 6.5), layout="constrained")
panels = [("clean", clean), *results.items()]
for ax, (name, image) in zip(axes.flat, panels):
    ax.imshow(np.clip(image, 0, 1))
    label = name if name == "clean" else f"{name}\nPSNR {psnr(image, clean):.2f} dB"
    ax.set_title(label, fontsize=9)
    ax.set_axis_off()
fig.suptitle("Linear denoising with imagekit.imfilter (noise sigma 0.1)")

# %%
# PSNR against the width of the filter. A box of ``n`` taps has the variance
# of a Gaussian of sigma ``sqrt((n² - 1) / 12)``, which puts the two families
# on one axis. (Only odd ``n``: an even box is not symmetric about its centre
# tap and shifts the image by half a pixel, which costs PSNR of its own.)

sigmas = np.linspace(0.4, 3.0, 14)
gauss_psnr = [psnr(ik.imfilter(noisy, kernels.gaussian(s), channel_axis=-1), clean) for s in sigmas]
sizes = np.arange(3, 12, 2)
box_psnr = [psnr(ik.imfilter(noisy, kernels.box(int(n)), channel_axis=-1), clean) for n in sizes]
best = sigmas[int(np.argmax(gauss_psnr))]
print(f"best Gaussian sigma on the grid: {best:.2f} ({max(gauss_psnr):.2f} dB)")

fig, ax = plt.subplots(figsize=(6, 3.8), layout="constrained")
ax.plot(sigmas, gauss_psnr, "o-", label="gaussian(sigma)")
ax.plot(np.sqrt((sizes**2 - 1) / 12), box_psnr, "s-", label="box(n), at its equivalent sigma")
ax.axhline(psnr(noisy, clean), color="gray", ls="--", label="noisy input")
ax.set(xlabel="sigma (pixels)", ylabel="PSNR (dB)", title="Denoising against filter width")
ax.legend()
plt.show()
