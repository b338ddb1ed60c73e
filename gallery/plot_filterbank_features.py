"""
Feature maps from a filter bank
===============================

:func:`imagekit.filterbank` filters a multichannel image with a bank of
filters in one call — ``C_in`` channels in, ``C_out`` feature maps out, each
output the sum over input channels of one correlation, as a convolutional
layer computes. Here an RGB photograph (channels last) goes through a small
hand-made bank: Gabor filters at four orientations, two Gaussian derivatives,
a Laplacian of Gaussian and a red–green colour-opponent blob. The result is
checked against the explicit double loop of :func:`imagekit.imfilter` calls
that it replaces.
"""

import matplotlib.pyplot as plt
import numpy as np

import imagekit as ik
from imagekit import kernels
from imagekit.data import sample

image = sample().astype(np.float32) / 255  # (256, 256, 3), channels last
SIZE = 15  # every filter of the bank is 15×15, centred

# %%
# The bank has shape ``(15, 15, C_in, C_out)``. A filter that should see
# brightness, not colour, gets the same spatial kernel on each input channel
# with weight 1/3; the colour-opponent filter gets +1 on red and -1 on green.


def centred(k):
    """A factory's Kernel as a centred SIZE×SIZE array (zero-padded)."""
    w = k.weights
    assert all(-s == n // 2 for s, n in zip(k.start, w.shape)), "expected a centred kernel"
    pad = [((SIZE - n) // 2,) * 2 for n in w.shape]
    return np.pad(w, pad)


spatial = {}
for degrees in (0, 45, 90, 135):
    real, _ = kernels.gabor(SIZE, sigma=3.0, theta=np.radians(degrees), wavelength=7.0)
    spatial[f"gabor {degrees}°"] = centred(real) - centred(real).mean()  # no response to flat
spatial["d/dy gaussian(2)"] = centred(kernels.gaussian(2.0, radius=7, order=(1, 0)))
spatial["d/dx gaussian(2)"] = centred(kernels.gaussian(2.0, radius=7, order=(0, 1)))
spatial["-LoG(2)"] = -centred(kernels.log(2.0, truncate=3.5))
names = [*spatial, "red - green"]

bank = np.zeros((SIZE, SIZE, 3, len(names)), np.float32)
for o, w in enumerate(spatial.values()):
    bank[:, :, :, o] = w[:, :, None] / 3
bank[:, :, 0, -1] = centred(kernels.gaussian(2.0, radius=7))
bank[:, :, 1, -1] = -centred(kernels.gaussian(2.0, radius=7))
print(f"image {image.shape} {image.dtype}, bank {bank.shape}: 3 channels in, {len(names)} out")

# %%
# One call for the whole bank.

features = ik.filterbank(image, bank, "reflect")
print(f"features {features.shape} {features.dtype}")

# %%
# The double loop it replaces: for each output, the sum over input channels
# of one 2-D ``imfilter``. Equal to float32 rounding.

loop = np.zeros_like(features)
for o in range(bank.shape[3]):
    for c in range(bank.shape[2]):
        loop[:, :, o] += ik.imfilter(image[:, :, c], bank[:, :, c, o], "reflect")
err = float(np.abs(features - loop).max() / np.abs(loop).max())
print(f"filterbank vs the double loop of imfilter calls: max |difference| / max |value| {err:.1e}")
assert err < 1e-5

# %%
# The filters (the colour-opponent one on its red channel) and their feature
# maps. Each Gabor filter answers to stripes and edges across its
# orientation; the derivatives to edges along one axis; the LoG to bright
# spots; the opponent filter to red regions (the suit, the flag).

fig, axes = plt.subplots(4, 4, figsize=(11, 11.5), layout="constrained")
for i, name in enumerate(names):
    row, col = 2 * (i // 4), i % 4
    w = bank[:, :, 0, i]
    lim = np.abs(w).max()
    axes[row, col].imshow(w, cmap="RdBu_r", vmin=-lim, vmax=lim)
    axes[row, col].set_title(name, fontsize=10)
    f = features[:, :, i]
    lim = np.percentile(np.abs(f), 99.5)
    axes[row + 1, col].imshow(f, cmap="RdBu_r", vmin=-lim, vmax=lim)
for ax in axes.flat:
    ax.set_axis_off()
fig.suptitle("A filter bank (rows 1 and 3) and its feature maps (rows 2 and 4)")
plt.show()
