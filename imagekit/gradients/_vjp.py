"""Vector-Jacobian products of imfilter: exact gradients at the cost of a few filters.

With ``E`` the image extended over the window the output reads (``extend``)
and ``w`` the kernel, the forward map is ``out[i] = sum_j w[j] E[i + j]``.
For an upstream gradient ``g`` (the shape of ``out``):

- ``dL/dE[p] = sum_j w[j] g[p - j]``: a "full" correlation of ``g`` with the
  reversed kernel, zero outside — one filter of the output's size;
- ``dL/dimage = fold(dL/dE)``: the adjoint of the extension adds the
  gradient of every repeated pixel back onto the pixel it repeats (reflect,
  mirror, nearest, wrap); a constant fill receives none;
- ``dL/dw[j] = sum_i g[i] E[i + j]``: one inner product per tap (or an FFT
  correlation for large kernels).

How each is computed is a strategy the registry ranks (``_strategies``): the
two in one fused pass over the rows, or the image gradient's strategy then
the kernel gradient's; the choice is kept beside the forward plan.

For the NA border, ``out = N / D`` with ``N`` and ``D`` zero-filled filters of
the image (NaN as 0) and of its availability mask; the quotient rule gives
``dL/dimage = adj_N(g / D)`` (zero on NaN pixels) and ``dL/dw = corr(g / D,
image) - corr(g N / D**2, mask)``.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np

from .._dispatch import route
from .._typing import ArrayLike, BorderLike, KernelLike, ShapeMode
from ..borders import NA, Fill
from ..borders._pad import extend
from ..filtering import _na as na
from ..filtering._imfilter import imfilter
from ..filtering._plan import make_plan
from ..filtering._registry import on_change
from ..kernels import Kernel
from ._image_grads import window_grad as _window_grad
from ._kernel_grads import kernel_grad as _kernel_grad
from ._pad_adjoint import fold
from ._strategies import choose

__all__ = ["imfilter_vjp"]


@functools.lru_cache(maxsize=64)
def _choice(plan):
    """The strategy the registry ranks first for ``plan`` (``imfilter_vjp`` operation)
    and its preparation, kept for the last plans used (each holds its plan)."""
    return choose("imfilter_vjp", plan, plan.compute_dtype)


on_change(_choice.cache_clear)  # a registry change can change every choice


def _user_kernel_grad(plan, gk_full: np.ndarray, kernel) -> np.ndarray:
    """The kernel gradient in the caller's layout: the filtered axes, in ``axes`` order."""
    if gk_full.ndim == len(plan.axes) and list(plan.axes) == sorted(plan.axes):
        return gk_full  # already so (an image without channels, axes in order)
    order = np.argsort(plan.axes)
    others = tuple(d for d in range(gk_full.ndim) if d not in plan.axes)
    gk = gk_full.reshape([n for d, n in enumerate(gk_full.shape) if d not in others])
    inverse = np.argsort(order)
    return np.transpose(gk, inverse)


def imfilter_vjp(
    image: ArrayLike,
    kernel: KernelLike,
    grad_out: ArrayLike,
    border: BorderLike = "reflect",
    *,
    shape: ShapeMode = "same",
    channel_axis: int | None = None,
    axes: Sequence[int] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Gradients of ``imfilter(image, kernel, border, ...)`` for an upstream gradient.

    Parameters
    ----------
    image, kernel, border, shape, channel_axis, axes
        As for :func:`imagekit.imfilter` (real images and kernels).
    grad_out : ndarray
        ``dL/d(output)``, of the output's shape.

    Returns
    -------
    grad_image : ndarray
        ``dL/d(image)``, of the image's shape, in the compute dtype (float32
        for float32 images). Zero on NaN pixels under the NA border.
    grad_kernel : ndarray
        ``dL/d(weights)``, of the kernel's shape; for a tuple (cascade or
        factored form) it is the gradient with respect to the composed
        kernel's weights.

    Notes
    -----
    Exact for every border (the adjoint of the padding folds gradient back
    onto the pixels it copied) and every shape, and costs about three
    forward filters: one for the image gradient, one pass per tap (or one
    FFT correlation) for the kernel's.

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit.gradients import imfilter_vjp
    >>> image, kernel = np.arange(5.0), np.array([1.0, 2.0, 3.0])
    >>> g_image, g_kernel = imfilter_vjp(image, kernel, np.ones(5), "constant")
    >>> g_kernel  # sum of the image under each tap
    array([ 6., 10., 10.])
    """
    backend = route("imfilter_vjp", image)  # CuPy & co: on their device
    if backend is not None:
        return backend(
            image, kernel, grad_out, border, shape=shape, channel_axis=channel_axis, axes=axes
        )
    plan = make_plan(image, kernel, border, shape=shape, channel_axis=channel_axis, axes=axes)
    if plan.is_complex:
        raise TypeError("imfilter_vjp takes real images and kernels; got a complex one")
    a = np.asarray(image)
    g = np.asarray(grad_out, dtype=plan.compute_dtype)
    if g.shape != plan.out_shape:
        raise ValueError(f"grad_out has shape {g.shape}, expected the output's {plan.out_shape}")
    w = plan.kernel.weights.astype(plan.compute_dtype)
    lo, hi = plan.window()
    if isinstance(plan.border, NA):
        gi, gk = _na_vjp(a, plan, g, w, lo, hi)
    else:
        strategy, prepared = _choice(plan)
        gi, gk = strategy.run(prepared, a, g)
    return gi.astype(plan.compute_dtype, copy=False), _user_kernel_grad(plan, gk, kernel)


def _na_vjp(a, plan, g, w, lo, hi):
    """Quotient rule for ``out = N / D`` (NA border), with no gradient through NaN pixels."""
    values, mask = na.split(np, a, plan.compute_dtype)
    values = values.astype(plan.compute_dtype)
    zero = Fill(0.0)
    kernel = Kernel(w, start=plan.kernel.start)
    opts = dict(shape=plan.shape)
    num = imfilter(values, kernel, zero, **opts)
    den = imfilter(mask, kernel, zero, **opts)
    q, r = na.quotient_rule(np, g, num, den)
    gi = fold(_window_grad(q, w), a.shape, zero, lo) * mask
    Ev = extend(values, zero, lo, hi)
    Em = extend(mask, zero, lo, hi)
    gk = _kernel_grad(Ev, q, plan.kernel.shape) - _kernel_grad(Em, r, plan.kernel.shape)
    return gi, gk
