"""
Learning a filter from an image pair
====================================

Given an image and its blurred, edge-enhanced version, recover the unknown
kernel from its gradient. :func:`imagekit.gradients.imfilter_vjp` gives the
exact gradient of the loss with respect to the kernel at the cost of a few
filters — the "gradient kernel" the source discussion asked for instead of a
tape of millions of scalar operations. The same fit through the PyTorch
adapter, :mod:`imagekit.gradients.torch`, lets an optimiser drive it.
"""

import matplotlib.pyplot as plt
import numpy as np

from imagekit import imfilter, kernels
from imagekit.data import sample
from imagekit.gradients import imfilter_vjp

# %%
# The unknown filter: a Gaussian blur plus a horizontal Sobel edge response.

image = sample().astype(np.float64).mean(axis=2) / 255
true = kernels.gaussian(1.0, radius=2).weights + 0.5 * np.pad(kernels.sobel(axis=1).weights, 1)
target = imfilter(image, true, "reflect")

# %%
# The fit is linear least squares in the kernel: ``A w = imfilter(image, w)``,
# and ``imfilter_vjp`` applies ``A.T``. Conjugate gradients on the normal
# equations (CGLS) use exactly those two operations and converge in at most
# as many steps as the kernel has weights.


def A(w):
    return imfilter(image, w, "reflect")


def AT(r):
    return imfilter_vjp(image, np.zeros_like(true), r, "reflect")[1]


w = np.zeros_like(true)
r = target - A(w)
s = AT(r)
p, gamma = s.copy(), float(np.sum(s * s))
losses = [float(np.mean(r**2))]
for _ in range(true.size):
    q = A(p)
    alpha = gamma / float(np.sum(q * q))
    w += alpha * p
    r -= alpha * q
    losses.append(float(np.mean(r**2)))
    s = AT(r)
    gamma, previous = float(np.sum(s * s)), gamma
    p = s + (gamma / previous) * p
print(
    f"CGLS: loss {losses[0]:.2e} -> {losses[-1]:.2e} in {true.size} steps, "
    f"max kernel error {np.abs(w - true).max():.1e}"
)

# %%
# The same through the torch adapter, with Adam (skipped without torch).

try:
    import torch

    from imagekit.gradients.torch import imfilter as t_imfilter
except ImportError:
    torch = None
torch_losses = []
if torch is not None:
    x = torch.from_numpy(image)
    y = torch.from_numpy(target)
    tw = torch.zeros(true.shape, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([tw], lr=0.02)
    for _ in range(400):
        opt.zero_grad()
        loss = ((t_imfilter(x, tw, "reflect") - y) ** 2).mean()
        loss.backward()
        opt.step()
        torch_losses.append(loss.item())
    print(f"torch Adam: loss {torch_losses[0]:.2e} -> {torch_losses[-1]:.2e}")

# %%
# Loss curves, and the true and learned kernels side by side.

fig, axes = plt.subplots(1, 3, figsize=(12, 3.6), layout="constrained")
axes[0].semilogy(losses, label="CGLS (imfilter + imfilter_vjp)")
if torch_losses:
    axes[0].semilogy(torch_losses, label="Adam (torch adapter)")
axes[0].set(xlabel="iteration", ylabel="mean squared error", title="loss")
axes[0].legend()
lim = np.abs(true).max()
for ax, k, title in ((axes[1], true, "true kernel"), (axes[2], w, "learned kernel")):
    im = ax.imshow(k, cmap="RdBu_r", vmin=-lim, vmax=lim)
    ax.set_title(title)
    fig.colorbar(im, ax=ax, shrink=0.8)
plt.show()
