"""``imfilter_vjp``'s compile-free strategy: both gradients in NumPy array operations.

The gradients of ``_vjp``'s docstring, one shifted view per tap, as the
``shifts`` strategy computes the forward filter (``filtering._shifted``):

- the window gradient ``G[p] = sum_j w[j] g[p - j]`` is the 'valid'
  correlation of ``g`` padded with zeros by the kernel's extent less one with
  the reversed kernel, then folded back onto the image (``fold``);
- the kernel gradient ``dw[j] = sum_i g[i] E[i + j]`` is one inner product
  per tap with the image extended by the border (``E``).

It imports neither numba nor scipy.fft and compiles nothing, so a first small
``imfilter_vjp`` pays neither numba's start-up nor a compilation: ``'auto'``
takes it while the start-up is unpaid (``filtering._tier``), which counts the
time it runs, and never once it is paid. Loop: ``vjp/shifts``.
"""

from __future__ import annotations

import math

import numpy as np

from ..borders import NA
from ..borders._pad import extend
from ..filtering import _tier
from ..filtering._plan import Plan
from ..filtering._shifted import correlate_taps
from ..filtering._strategy import Prepared
from ..filtering.strategies.shifts import CALL, TAP
from ._pad_adjoint import fold
from ._strategies import GradientStrategy

__all__ = ["VJP_SHIFTS", "VjpShifts"]


class VjpShifts(GradientStrategy):
    """Both gradients by shifted views of ``g`` and of the extended image.

    Parameters
    ----------
    max_taps : int
        The most taps it takes: two array operations per tap.
    """

    name = algorithm = "shifts"
    operation = "imfilter_vjp"
    compile_free = True

    def __init__(self, max_taps: int = 64):
        self.max_taps = max_taps

    def why_not(self, plan: Plan) -> str | None:
        if isinstance(plan.border, NA):
            return "NA border: composed from zero-filled filters"
        taps = math.prod(plan.kernel.shape)
        if taps > self.max_taps:
            return f"{taps} taps: more than {self.max_taps}"
        return None

    def why_not_auto(self, plan: Plan) -> str | None:
        return None if _tier.active() else _tier.PAID

    def cost(self, plan: Plan) -> float:
        lo, hi = plan.window()
        extended = math.prod(b - a for a, b in zip(lo, hi))
        window = math.prod(o + m - 1 for o, m in zip(plan.out_shape, plan.kernel.shape))
        taps = math.prod(plan.kernel.shape)
        # the window gradient reads a padded g, the kernel gradient the extended image
        return CALL + TAP * (2 * taps * math.prod(plan.out_shape) + extended + 2 * window)

    def prepare(self, plan: Plan, image_dtype, out_dtype) -> Prepared:
        return Prepared("vjp/shifts", plan, np.dtype(image_dtype), np.dtype(out_dtype))

    def run(self, prepared: Prepared, image: np.ndarray, grad: np.ndarray):
        plan = prepared.plan
        dtype = plan.compute_dtype
        w = plan.kernel.weights.astype(dtype)
        lo, hi = plan.window()
        with _tier.renting():
            reach = [(m - 1, m - 1) for m in w.shape]
            padded = np.pad(grad, reach)
            rev = w[(slice(None, None, -1),) * w.ndim]
            window = tuple(o + m - 1 for o, m in zip(grad.shape, w.shape))
            gi = fold(correlate_taps(np, padded, rev, window), image.shape, plan.border, lo)
            E = extend(image, plan.border, lo, hi, dtype=dtype)
            gk = np.empty(w.shape, dtype)
            axes = list(range(w.ndim))
            for j in np.ndindex(*w.shape):
                view = E[tuple(slice(t, t + n) for t, n in zip(j, grad.shape))]
                # summed in float64, as the compiled loops' partial sums are
                gk[j] = np.einsum(grad, axes, view, axes, [], dtype=np.float64)
        return gi, gk


VJP_SHIFTS = VjpShifts()
