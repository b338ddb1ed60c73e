"""
Spot detection with local maxima
================================

Finding bright spots — fluorescent molecules, stars, cells — is a local
maximum search: smooth the image to the spots' size, so that the noise
makes no maxima of its own and each spot one, then keep the pixels
strictly greater than every other pixel of their window and brighter than
a threshold. :func:`imagekit.findlocalmaxima` does the last step in one
call and returns the coordinates. The image is synthetic, so the
detections can be checked against the true positions.
"""

import matplotlib.pyplot as plt
import numpy as np

import imagekit as ik
from imagekit import kernels

# %%
# 80 Gaussian spots of sigma 1.5 pixels and random brightness on a dark
# background, with Gaussian noise of standard deviation 0.05.

rng = np.random.default_rng(7)
n = 256
truth = rng.uniform(6, n - 6, (80, 2))
yy, xx = np.mgrid[0:n, 0:n]
image = np.zeros((n, n))
for (cy, cx), amplitude in zip(truth, rng.uniform(0.4, 1.0, len(truth))):
    image += amplitude * np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * 1.5**2))
image += rng.normal(0, 0.05, image.shape)

# %%
# Maxima of the raw image: the noise gives thousands. Smoothed with a
# Gaussian of the spots' sigma (a matched filter), then searched in a 7×7
# window above a threshold, each spot gives one maximum (two spots closer
# than the window's reach give one between them).

raw = ik.findlocalmaxima(image, 3)
smooth = ik.imfilter(image, kernels.gaussian(1.5))
threshold = 0.15
found = ik.findlocalmaxima(smooth, 7, threshold=threshold)
print(f"{len(raw)} maxima in the raw image, {len(found)} spots after smoothing")

# %%
# Each true spot matched to the nearest detection within 2 pixels.

distance = np.hypot(*(truth[:, None, :] - found[None, :, :]).transpose(2, 0, 1))
matched = distance.min(axis=1) <= 2
print(f"{matched.sum()} of {len(truth)} spots found; {len(found) - matched.sum()} extra")

fig, axes = plt.subplots(1, 2, figsize=(11, 5.4), layout="constrained")
axes[0].imshow(image, cmap="gray")
axes[0].plot(raw[:, 1], raw[:, 0], "r.", ms=1)
axes[0].set_title(f"raw image: {len(raw)} local maxima (3×3)")
axes[1].imshow(smooth, cmap="gray")
axes[1].plot(truth[:, 1], truth[:, 0], "o", mfc="none", mec="lime", ms=9, label="true spot")
axes[1].plot(found[:, 1], found[:, 0], "r+", ms=7, label="findlocalmaxima")
axes[1].set_title(f"smoothed, 7×7 window, threshold {threshold}: {len(found)} spots")
axes[1].legend(loc="lower right", fontsize=8)
for ax in axes:
    ax.set_axis_off()
fig.suptitle("Spot detection with imagekit.findlocalmaxima")
plt.show()
