"""
Removing an uneven background: the top-hat
==========================================

Small bright objects on a background that varies slowly — cells under
uneven illumination, stars behind a glow. A grey-level **opening** (a
minimum filter, then a maximum filter over the same window) removes every
bright structure smaller than the window and keeps the background under
it; the **white top-hat**, the image minus its opening, keeps the small
objects on a flat, zero background. Both filters are one call each:
:func:`imagekit.window.minimum` and :func:`imagekit.window.maximum`
(van Herk / Gil-Werman lines: the cost does not grow with the window).
"""

import matplotlib.pyplot as plt
import numpy as np

import imagekit as ik

# %%
# A synthetic image: 60 small Gaussian spots (sigma 2) on a background
# that rises from left to right and has a broad bright patch, plus noise.

rng = np.random.default_rng(1)
n = 256
yy, xx = np.mgrid[0:n, 0:n].astype(np.float32)
background = 0.2 + 0.5 * xx / n + 0.4 * np.exp(-((yy - 80) ** 2 + (xx - 170) ** 2) / (2 * 60.0**2))
spots = np.zeros((n, n), np.float32)
centres = rng.uniform(10, n - 10, (60, 2))
for cy, cx in centres:
    spots += 0.3 * np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * 2.0**2))
image = (background + spots + rng.normal(0, 0.01, (n, n))).astype(np.float32)

# %%
# The opening over a 15×15 window, wider than any spot (whose core spans
# about 9 pixels), and the top-hat. The ``nearest`` border keeps the
# background's level at the image's edges.

window = 15
opening = ik.window.maximum(ik.window.minimum(image, window, "nearest"), window, "nearest")
tophat = image - opening
print(f"background left in the top-hat: median {np.median(tophat):.4f}")
print(f"spot peaks in the top-hat: {tophat.max():.3f} (true amplitude 0.3 and overlaps)")

# %%
# The image, the background the opening finds, and the top-hat.

fig, axes = plt.subplots(1, 3, figsize=(12, 4.2), layout="constrained")
for ax, (name, a) in zip(
    axes, [("image", image), ("opening (background)", opening), ("white top-hat", tophat)]
):
    shown = ax.imshow(a, cmap="magma")
    ax.set_title(name)
    ax.set_axis_off()
    fig.colorbar(shown, ax=ax, shrink=0.8)
fig.suptitle(f"Top-hat with a {window}×{window} window: image - max(min(image))")

# %%
# One row: the opening runs under the spots along the background; the
# top-hat keeps the spots on zero.

row = int(centres[0, 0])
fig, ax = plt.subplots(figsize=(7, 3.2), layout="constrained")
ax.plot(image[row], label="image")
ax.plot(opening[row], label="opening")
ax.plot(tophat[row], label="top-hat")
ax.set(xlabel="column", ylabel="value", title=f"Row {row}")
ax.legend()
plt.show()
