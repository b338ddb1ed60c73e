"""
The kernel library at a glance
==============================

Every factory in :mod:`imagekit.kernels` returns a :class:`~imagekit.kernels.Kernel`
whose weights and offsets are what :func:`imagekit.imfilter` correlates with.
This page draws them, with the offset of each axis on the tick labels, so the
conventions are visible: derivatives rise along their axis (a unit slope gives
1), smoothing kernels sum to 1, the Laplacian of Gaussian and the difference of
Gaussians are centre-surround, and a Gabor kernel is a pair of even and odd
parts.
"""

import matplotlib.pyplot as plt
import numpy as np

from imagekit import kernels

# %%
# Build one kernel of each kind. Derivative kernels take ``axis=`` (0: rows).

gabor_re, gabor_im = kernels.gabor(21, sigma=4.0, theta=np.pi / 6, wavelength=8.0)
panels = [
    ("gaussian(2)", kernels.gaussian(2.0)),
    ("gaussian(2, order=(0, 1))", kernels.gaussian(2.0, order=(0, 1))),
    ("dog(2)", kernels.dog(2.0)),
    ("log(2)", kernels.log(2.0)),
    ("sobel(axis=0)", kernels.sobel(axis=0)),
    ("scharr(axis=1)", kernels.scharr(axis=1)),
    ("farid(axis=0)", kernels.farid(axis=0)),
    ("ando5(axis=1)", kernels.ando5(axis=1)),
    ("laplacian()", kernels.laplacian()),
    ("disk(4)", kernels.disk(4)),
    ("gabor: real", gabor_re),
    ("gabor: imaginary", gabor_im),
]

# %%
# Draw each on a symmetric colour scale, labelling the axes with offsets.

fig, axes = plt.subplots(3, 4, figsize=(12, 9.5), layout="constrained")
for ax, (title, k) in zip(axes.flat, panels):
    w = k.weights
    lim = float(np.abs(w).max())
    (r0, c0), (r1, c1) = k.start, k.stop
    im = ax.imshow(
        w, cmap="RdBu_r", vmin=-lim, vmax=lim, extent=(c0 - 0.5, c1 - 0.5, r1 - 0.5, r0 - 0.5)
    )
    ax.set_title(f"{title}\nshape {k.shape}, sum {w.sum():+.3f}", fontsize=9)
    ax.tick_params(labelsize=7)
    fig.colorbar(im, ax=ax, shrink=0.8)
fig.suptitle("imagekit.kernels: weights by offset (rows down, columns right)")
plt.show()
