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

For the NA border, ``out = N / D`` with ``N`` and ``D`` zero-filled filters of
the image (NaN as 0) and of its availability mask; the quotient rule gives
``dL/dimage = adj_N(g / D)`` (zero on NaN pixels) and ``dL/dw = corr(g / D,
image) - corr(g N / D**2, mask)``.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Sequence

import numpy as np

from .._dispatch import route
from .._recycle import empty as recycled_empty
from .._typing import ArrayLike, BorderLike, KernelLike, ShapeMode
from .._workspace import Workspace
from ..borders import NA, Fill
from ..borders._pad import extend
from ..filtering import _na as na
from ..filtering._imfilter import imfilter
from ..filtering._plan import make_plan
from ..kernels import Kernel
from ._kernel_gradient import kernel_gradient, kernel_gradient_plane
from ._pad_adjoint import fold, fold_frame, frame_covers

__all__ = ["imfilter_vjp"]
_ws = Workspace(__name__)  # this module's temporaries

# The image gradient's plan for each forward plan (g has its shape and dtype),
# kept beside the forward plan for as long as it lives.
_mirror_plans: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

# Kernels with more taps than this get their gradient through an FFT correlation.
_TAP_LOOP_MAX = 64


def _window_grad(g: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``G[p] = sum_j w[j] g[p - j]`` on window positions: full correlation, ``w`` reversed.

    Written into this thread's scratch buffer (valid until the next call): fresh
    image-sized temporaries cost more in page faults than the filter itself.
    """
    rev = w[(slice(None, None, -1),) * w.ndim]
    plan = make_plan(g, Kernel(rev, start=(0,) * w.ndim), Fill(0.0), shape="full")
    out = _ws.buffer("window_grad", plan.out_shape, plan.compute_dtype)
    plan.run_real(g, out)
    return out


def _kernel_grad(E: np.ndarray, g: np.ndarray, kshape) -> np.ndarray:
    """``dw[j] = sum_i g[i] E[i + j]``, for every offset index ``j`` of a kernel of ``kshape``."""
    taps = math.prod(kshape)
    if g.size == 0:  # an empty output: no gradient reaches the kernel
        return np.zeros(kshape, np.result_type(E, g))
    if taps <= _TAP_LOOP_MAX:  # one threaded pass over the image for all taps
        return kernel_gradient(np.ascontiguousarray(E), g, kshape)
    return imfilter(E, Kernel(g, start=(0,) * g.ndim), Fill(0.0), shape="valid", algorithm="fft")


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
        gi, gk = _fused_grads(a, plan, g, w)
        if gi is None:
            gi = _image_grad(a, plan, g, w, lo)
        if gk is None:
            shape = tuple(b - c for c, b in zip(lo, hi))
            E = extend(
                a,
                plan.border,
                lo,
                hi,
                dtype=plan.compute_dtype,
                out=_ws.buffer("extended", shape, plan.compute_dtype),
            )
            gk = _kernel_grad(E, g, plan.kernel.shape)
    return gi.astype(plan.compute_dtype, copy=False), _user_kernel_grad(plan, gk, kernel)


def _fused_grads(a, plan, g, w):
    """Both gradients in one pass over the rows when they allow it (a real kernel over
    two adjacent axes with few taps; the image gradient fused in for a constant fill
    and ``shape="same"``), else ``(None, gk or None)``."""
    if math.prod(plan.kernel.shape) > _TAP_LOOP_MAX:
        return None, None
    fuse = None
    if _folds_frame(plan):
        mplan = _mirror_plans.get(plan)
        if mplan is None:
            mplan = _mirror_plans[plan] = make_plan(g, _mirrored(plan, w), Fill(0.0))
        if mplan.strategy == "direct":
            gi = recycled_empty(mplan.out_shape, mplan.out_dtype)  # a result: see _recycle
            fuse = (mplan, g, gi)
    gk = kernel_gradient_plane(a, plan, g, fuse=fuse)
    if fuse is None or gk is None:
        return None, gk
    gi = fuse[2]
    if not isinstance(plan.border, Fill):
        fold_frame(gi, g, w, plan.border, plan.window()[0])
    return gi, gk


def _folds_frame(plan) -> bool:
    """Whether the image gradient is the constant fill's plus the folded margins: a
    "same" output whose window holds the whole image (a constant fill folds none)."""
    if plan.shape != "same" or isinstance(plan.border, NA):
        return False
    return isinstance(plan.border, Fill) or frame_covers(
        plan.image_shape, plan.kernel.shape, plan.window()[0]
    )


def _mirrored(plan, w):
    """The kernel whose correlation with ``g`` (zero outside) is the image gradient."""
    k = plan.kernel
    return Kernel(
        w[(slice(None, None, -1),) * w.ndim],
        start=tuple(-(s + m - 1) for s, m in zip(k.start, k.shape)),
    )


def _image_grad(a, plan, g, w, lo):
    """``dL/dimage``: the window gradient folded back (see the module docstring).

    With ``shape="same"`` (and a window holding the whole image) the interior
    is one correlation of ``g`` with the reflected kernel, zero outside,
    computed straight into the result: a constant fill folds nothing onto
    it, other borders their margins alone (``fold_frame``).
    """
    if _folds_frame(plan):
        gi = imfilter(g, _mirrored(plan, w), Fill(0.0))
        if not isinstance(plan.border, Fill):
            fold_frame(gi, g, w, plan.border, lo)
        return gi
    return fold(_window_grad(g, w), a.shape, plan.border, lo)


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
