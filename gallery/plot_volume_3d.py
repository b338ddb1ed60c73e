"""
Smoothing and edges in 3-D
==========================

Nothing in imagekit is specific to two dimensions: a 3-D kernel filters a
volume the same way. A synthetic 64³ volume — a few spheres of different
brightness in noise — is smoothed with a 3-D Gaussian,
``kernels.gaussian(sigma, ndim=3)`` (separable: one pass per axis), and
:func:`imagekit.imgradients` returns its three partial derivatives, which
:func:`imagekit.magnitude` combines into the gradient magnitude. The
strongest gradients should lie on the spheres' surfaces; since the volume is
synthetic, that can be checked. Orthogonal slices through one sphere's
centre show the result.
"""

import matplotlib.pyplot as plt
import numpy as np

import imagekit as ik
from imagekit import kernels
from imagekit.filtering import plan

# %%
# Spheres (centre z, y, x; radius; brightness) and Gaussian noise of
# standard deviation 0.4, in float32.

N = 64
spheres = [((32, 30, 28), 14, 1.0), ((14, 48, 46), 8, 0.7), ((50, 14, 50), 9, 1.3)]
z, y, x = np.mgrid[:N, :N, :N]
clean = np.zeros((N, N, N), np.float32)
distance_to_surface = np.full(clean.shape, np.inf)
for (cz, cy, cx), radius, value in spheres:
    r = np.sqrt((z - cz) ** 2 + (y - cy) ** 2 + (x - cx) ** 2)
    clean[r <= radius] = value
    distance_to_surface = np.minimum(distance_to_surface, np.abs(r - radius))
rng = np.random.default_rng(0)
volume = clean + rng.normal(0.0, 0.4, clean.shape).astype(np.float32)

# %%
# Smooth, then differentiate. The planner runs the Gaussian as three 1-D
# passes; float32 stays float32.

g = kernels.gaussian(1.5, ndim=3)
print(f"gaussian(1.5, ndim=3): {g.shape} kernel, strategy {plan(volume, g).strategy!r}")
smooth = ik.imfilter(volume, g, "nearest")
gradients = ik.imgradients(smooth, "sobel", "nearest")
edges = ik.magnitude(gradients)
print(
    f"smooth {smooth.shape} {smooth.dtype}; {len(gradients)} derivatives; |gradient| {edges.dtype}"
)

background = distance_to_surface > 4
inside = np.zeros(clean.shape, bool)
for (cz, cy, cx), radius, _ in spheres:
    inside |= (z - cz) ** 2 + (y - cy) ** 2 + (x - cx) ** 2 <= (radius - 4) ** 2
for name, v in (("noisy", volume), ("smoothed", smooth)):
    noise = float(np.std(v[background & ~inside]))
    print(f"{name:>9}: noise std in the background {noise:.3f}")
top = edges > np.percentile(edges, 95)
near = float(np.mean(distance_to_surface[top] <= 2))
print(f"the strongest 5% of |gradient| lie within 2 voxels of a surface: {near:.0%}")

# %%
# Orthogonal slices through the largest sphere's centre: the noisy volume,
# the smoothed one and the gradient magnitude (rows), each cut across z, y
# and x, and the maximum along z, which shows the other two spheres
# (columns).

cz, cy, cx = spheres[0][0]
volumes = [("noisy", volume, "gray"), ("smoothed", smooth, "gray"), ("|gradient|", edges, "magma")]
fig, axes = plt.subplots(3, 4, figsize=(12, 9.6), layout="constrained")
for row, (name, v, cmap) in enumerate(volumes):
    cuts = [(v[cz], f"z = {cz}"), (v[:, cy], f"y = {cy}"), (v[:, :, cx], f"x = {cx}")]
    cuts.append((v.max(axis=0), "max along z"))
    for col, (cut, label) in enumerate(cuts):
        lo, hi = np.percentile(cut, [0.5, 99.5])  # each panel on its own scale
        axes[row, col].imshow(cut, cmap=cmap, vmin=lo, vmax=hi)
        axes[row, col].set_title(f"{name}, {label}", fontsize=10)
        axes[row, col].set_axis_off()
fig.suptitle("A 64³ volume: 3-D Gaussian smoothing and gradient magnitude")

# %%
# Brightness along one line through the sphere's centre (along x).

fig, ax = plt.subplots(figsize=(7, 3.4), layout="constrained")
ax.plot(clean[cz, cy], "k", lw=2, label="clean")
ax.plot(volume[cz, cy], color="0.6", lw=1, label="noisy")
ax.plot(smooth[cz, cy], "tab:blue", label="smoothed")
ax.plot(edges[cz, cy], "tab:orange", label="|gradient| of smoothed")
ax.set(xlabel="x", title=f"the line z = {cz}, y = {cy}")
ax.legend(fontsize=8)
plt.show()
