"""
Unsharp masking
===============

Unsharp masking sharpens an image by adding back a multiple of its detail,
the difference between the image and a blurred copy::

    sharpened = image + amount * (image - gaussian(image))

Everything in that formula is linear, so it is one correlation with the
kernel ``(1 + amount) δ - amount g`` (``δ`` the identity, ``g`` the
Gaussian): one :func:`imagekit.imfilter` call per amount. With an 8-bit
image and ``dtype=np.uint8`` the result comes back rounded and **clipped**
to 0..255, never wrapped around — which is what a sharpened photograph
needs, since overshoot at edges leaves the range.
"""

import matplotlib.pyplot as plt
import numpy as np

import imagekit as ik
from imagekit import kernels
from imagekit.data import sample

image = sample()  # uint8, 256×256×3
SIGMA = 2.0
AMOUNTS = [0.5, 1.0, 2.0, 4.0]

# %%
# First, the formula as written, in floating point: blur, subtract, add.
# imagekit keeps float32 as float32.

f = image.astype(np.float32)
blurred = ik.imfilter(f, kernels.gaussian(SIGMA), "reflect", channel_axis=-1)
detail = f - blurred
print(f"detail layer: min {detail.min():.1f}, max {detail.max():.1f}")

# %%
# The same as one kernel. ``gaussian(SIGMA)`` is centred with offsets
# ``-r .. r``; the identity is 1 at offset 0, its centre.


def unsharp_kernel(sigma, amount):
    g = kernels.gaussian(sigma)
    weights = -amount * g.weights
    weights[tuple(-s for s in g.start)] += 1 + amount
    return ik.Kernel(weights, start=g.start)


# %%
# Each amount in one call, straight to uint8: rounded, clipped to 0..255.
# Compare with the float formula clipped and rounded by hand, and count how
# many values the clipping caught. (Many are in the dark background and the
# black collar: 11% of the sample's values are 0 already, and any negative
# detail there falls below the range.)

results = {}
for amount in AMOUNTS:
    k = unsharp_kernel(SIGMA, amount)
    out = ik.imfilter(image, k, "reflect", channel_axis=-1, dtype=np.uint8)
    by_hand = np.clip(np.rint(f + amount * detail), 0, 255)
    exact = ik.imfilter(image, k, "reflect", channel_axis=-1, dtype=np.float64)
    clipped = np.mean((exact < -0.5) | (exact > 255.5))
    assert out.dtype == np.uint8
    assert np.abs(out.astype(np.int16) - by_hand).max() <= 1  # float32 rounding at .5 ties
    results[amount] = out
    print(f"amount {amount:3.1f}: {100 * clipped:5.2f}% of values clipped to 0 or 255")

# %%
# What clipping prevents: the float result cast to uint8 without it wraps
# around, so overshoot above 255 turns dark and undershoot below 0 turns
# bright.

wrapped = (f + AMOUNTS[-1] * detail).round().astype(np.int64).astype(np.uint8)

fig, axes = plt.subplots(2, 3, figsize=(11, 7.6), layout="constrained")
panels = [("original", image)]
panels += [(f"amount {a}, dtype=uint8 (clipped)", results[a]) for a in AMOUNTS]
panels += [(f"amount {AMOUNTS[-1]}, wrapped (no clipping)", wrapped)]
for ax, (title, img) in zip(axes.flat, panels):
    ax.imshow(img[60:188, 60:188])  # a 128×128 crop, enlarged
    ax.set_title(title, fontsize=10)
    ax.set_axis_off()
fig.suptitle(f"Unsharp masking, sigma {SIGMA}: one imfilter call per amount (crop)")

# %%
# A profile across one row shows the overshoot that sharpening adds on
# each side of an edge, and where clipping flattens it.

row = 120
fig, ax = plt.subplots(figsize=(8, 3.5), layout="constrained")
ax.plot(image[row, :, 1], "k", lw=2, label="original")
for a in AMOUNTS:
    ax.plot(results[a][row, :, 1], lw=1, label=f"amount {a}")
ax.set(xlabel="column", ylabel="green value", title=f"row {row}, green channel", xlim=(0, 255))
ax.legend(ncols=5, fontsize=8)
plt.show()
