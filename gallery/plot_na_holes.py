"""
Smoothing an image with holes: the NA border
============================================

An image with missing pixels — dead pixels, a masked region — marked NaN.
Three ways to smooth it with a Gaussian:

* **zero-filled**: NaN replaced by 0 and a constant border of 0
  (``Fill(0)``). Every missing pixel counts as black, so the result darkens
  around the holes and along the image's edges.
* **plain** (``"reflect"``, NaN left in): a NaN anywhere in the kernel's
  window makes the output NaN, so each hole grows by the kernel's radius.
* **NA** (:class:`imagekit.NA`): normalised filtering. Missing pixels and
  pixels beyond the edge are left out of the sum, and the sum is divided by
  the weight that was used. No darkening, and holes smaller than the kernel
  are filled from their neighbours; only where no weight is available at
  all (the middle of a hole wider than the kernel) is the result NaN.
"""

import matplotlib.pyplot as plt
import numpy as np

import imagekit as ik
from imagekit import kernels
from imagekit.data import sample

# %%
# The grey sample with 30% of its pixels missing at random and a 48×64
# rectangle masked out.

clean = sample().astype(np.float64).mean(axis=2) / 255
rng = np.random.default_rng(0)
missing = rng.random(clean.shape) < 0.3
missing[150:198, 40:104] = True
holes = np.where(missing, np.nan, clean)
print(f"{missing.mean():.0%} of the pixels are NaN")

# %%
# The three filters, with a Gaussian of sigma 2 (radius 8). A wider NA
# filter, sigma 6, also fills the rectangle.

g2, g6 = kernels.gaussian(2.0), kernels.gaussian(6.0)
filters = {  # name: (image, kernel, border)
    "zero-filled, Fill(0)": (np.nan_to_num(holes), g2, ik.Fill(0)),
    'plain "reflect", NaN in': (holes, g2, "reflect"),
    "NA()": (holes, g2, ik.NA()),
    "NA(), sigma 6": (holes, g6, ik.NA()),
}
results = {name: ik.imfilter(*args) for name, args in filters.items()}

# %%
# Compare each with the same Gaussian applied to the clean image, over three
# regions: the 8-pixel band along the image's edges, the masked rectangle,
# and everything else ("inside"). NaN outputs are counted, not measured.

edge_band = np.ones(clean.shape, bool)
edge_band[8:-8, 8:-8] = False
rectangle = np.zeros(clean.shape, bool)
rectangle[150:198, 40:104] = True
regions = {"inside": ~edge_band & ~rectangle, "edge band": edge_band, "rectangle": rectangle}
print(f"{'':>24}" + "".join(f"{name:>24}" for name in regions))
for name, out in results.items():
    reference = ik.imfilter(clean, filters[name][1], "reflect")
    cells = []
    for mask in regions.values():
        ok = mask & np.isfinite(out)
        rms = f"{np.sqrt(np.mean((out[ok] - reference[ok]) ** 2)):.3f}" if ok.any() else "-"
        cells.append(f"RMS {rms:>5}, NaN {1 - ok.sum() / mask.sum():4.0%}")
    print(f"{name:>24}" + "".join(f"{c:>24}" for c in cells))

# %%
# The zero-filled result is too dark everywhere, by about the fraction of
# pixels missing, black in the rectangle and darker still along the edges;
# the plain filter loses everything to NaN (shown in red), since every 17×17
# window holds a missing pixel; NA matches the clean result to about 0.01
# except in the middle of the rectangle, which the wider NA filter fills.

cmap = plt.get_cmap("gray").with_extremes(bad="tab:red")
fig, axes = plt.subplots(2, 3, figsize=(11, 7.8), layout="constrained")
panels = [("clean", clean), ("with holes (NaN in red)", holes), *results.items()]
for ax, (title, img) in zip(axes.flat, panels):
    ax.imshow(img, cmap=cmap, vmin=0, vmax=1)
    ax.set_title(title, fontsize=10)
    ax.set_axis_off()
fig.suptitle("Gaussian smoothing of an image with missing pixels")

# %%
# The error against the clean result along one row through the rectangle.

row = 170
fig, ax = plt.subplots(figsize=(8, 3.4), layout="constrained")
ax.plot(ik.imfilter(clean, g2, "reflect")[row], "k", lw=2, label="clean image, sigma 2")
ax.plot(results["zero-filled, Fill(0)"][row], label="zero-filled")
ax.plot(results["NA()"][row], label="NA()")
ax.axvspan(40, 104, color="0.9", label="masked rectangle")
ax.set(xlabel="column", ylabel="value", title=f"row {row}", xlim=(0, 255), ylim=(-0.05, 1.15))
ax.legend(fontsize=8, ncols=4, loc="upper center")
plt.show()
