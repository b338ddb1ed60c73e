"""``imfilter_vjp``'s strategies: both gradients of a (real, non-NA) filter.

Ranked by the registry (``imfilter_vjp`` operation):

- ``fused`` (``vjp/fused-3x3``, ``vjp/fused-2d-3x3``, ``vjp/fused-2d``): a
  kernel over two adjacent axes with few taps, whose image gradient is a
  "same" 2-D direct filter of ``g`` (``image_grad``'s ``frame``): that
  filter's loop and the kernel gradient's run task by task over the same row
  blocks, one hand-off to the threads, the rows shared in cache;
- ``separate``: the image gradient's strategy, then the kernel gradient's,
  each the one the registry ranks first for its operation (the loop names
  both, e.g. ``image-grad/frame + kernel-grad/fft``).

The third, ``shifts`` (``_vjp_shifts``), runs in NumPy alone, for first small
calls while numba's start-up is unpaid. The loops load on first use (through
``_loops``): ranking these strategies loads no numba.
"""

from __future__ import annotations

import math
import weakref

import numpy as np

from .._recycle import empty as recycled_empty
from ..borders import NA, Fill
from ..filtering._costs import COST, plane_axes
from ..filtering._plan import Plan, make_plan
from ..filtering._registry import on_change
from ..filtering._rows import Rows
from ..filtering._strategy import Prepared
from . import _loops
from ._image_grads import folds_frame, mirrored
from ._kernel_gradient import gradient_rows, plane_tasks, vjp_plane
from ._kernel_grads import KernelGradCall
from ._pad_adjoint import fold_frame
from ._strategies import GradientStrategy, choose, ranked_cost

__all__ = ["VJP_FUSED", "VJP_SEPARATE", "VjpFused", "VjpSeparate"]

# The image gradient's plan for each forward plan (g has its shape and dtype),
# kept beside the forward plan for as long as it lives.
_mirror_plans: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
on_change(_mirror_plans.clear)  # a registry change can change its strategy


def _mirror_plan(plan: Plan) -> Plan:
    """The plan of the image gradient's "same" filter of ``g`` with the mirrored kernel."""
    mplan = _mirror_plans.get(plan)
    if mplan is None:
        # a stand-in for g: a plan reads the image's shape and dtype only
        g = np.broadcast_to(np.zeros((), plan.compute_dtype), plan.out_shape)
        w = plan.kernel.weights.astype(plan.compute_dtype)
        mplan = _mirror_plans[plan] = make_plan(g, mirrored(plan, w), Fill(0.0))
    return mplan


class VjpFused(GradientStrategy):
    """The image gradient's 2-D direct loop and the kernel gradient's, fused.

    Parameters
    ----------
    max_taps : int
        The most taps it takes (the kernel gradient's partial sums hold every tap).
    """

    name = algorithm = "fused"
    operation = "imfilter_vjp"

    def __init__(self, max_taps: int = 64):
        self.max_taps = max_taps

    def _fusion(self, plan: Plan):
        """``(reason, None)`` when it does not apply, else ``(None, (a0, mplan, rows2))``."""
        taps = math.prod(plan.kernel.shape)
        if taps > self.max_taps:
            return f"{taps} taps: more than {self.max_taps}", None
        a0 = plane_axes(plan)
        if a0 is None or plan.compute_dtype not in (np.float32, np.float64):
            return "needs a float kernel over two adjacent axes", None
        if not folds_frame(plan) or 0 in plan.out_shape:
            return 'needs shape="same" with a window holding the whole image', None
        mplan = _mirror_plan(plan)
        rows2 = None
        m0 = plane_axes(mplan)
        if mplan.strategy == "direct" and m0 is not None:
            # the rows loop's maps: the mirror plan's own, or made for it where its
            # filter alone runs as the 3-D loop's blocks
            rows2 = gradient_rows(mplan, m0, plan.compute_dtype)
        if not isinstance(rows2, Rows):
            return "the image gradient's filter is not a 2-D direct loop", None
        r = gradient_rows(plan, a0, plan.compute_dtype)
        if plane_tasks(mplan.out_shape, mplan.out_shape, rows2) != plane_tasks(
            plan.image_shape, plan.out_shape, r
        ):
            return "the two loops' row blocks differ", None
        return None, (r, mplan, rows2)

    def why_not(self, plan: Plan) -> str | None:
        if isinstance(plan.border, NA):
            return "NA border: composed from zero-filled filters"
        return self._fusion(plan)[0]

    def cost(self, plan: Plan) -> float:
        s = plan.compute_dtype.itemsize / 4.0
        taps = math.prod(plan.kernel.shape) + np.count_nonzero(plan.kernel.weights)
        return COST["call"] + s * COST["tap"] * float(np.prod(plan.out_shape)) * taps

    def prepare(self, plan: Plan, image_dtype, out_dtype) -> Prepared:
        r, mplan, rows2 = self._fusion(plan)[1]
        k = plan.kernel
        three = (k.shape[r.a0], k.shape[r.a0 + 1]) == (3, 3)
        kg = _loops.kernel_gradient  # the loop module loads (and numba) on first use
        if rows2.dense3:  # a full 3x3 (and so is the kernel)
            loop, name = kg.vjp2_dense3_rows, "vjp/fused-3x3"
        elif three:
            loop, name = kg.vjp2_rows3, "vjp/fused-2d-3x3"
        else:
            loop, name = kg.vjp2_rows, "vjp/fused-2d"
        w = k.weights.astype(plan.compute_dtype)
        state = (r, loop, mplan, rows2, w)
        return Prepared(name, plan, np.dtype(image_dtype), np.dtype(out_dtype), state)

    def run(self, prepared: Prepared, image: np.ndarray, grad: np.ndarray):
        plan = prepared.plan
        r, loop, mplan, rows2, w = prepared.state
        gi = recycled_empty(mplan.out_shape, mplan.out_dtype)  # a result: see _recycle
        gk = vjp_plane(image, plan, grad, r, loop, (grad, mplan, gi, rows2))
        if not isinstance(plan.border, Fill):
            fold_frame(gi, grad, w, plan.border, plan.window()[0])
        return gi, gk


class VjpSeparate(GradientStrategy):
    """The image gradient (``image_grad``), then the kernel gradient (``kernel_grad``)."""

    name = algorithm = "separate"
    operation = "imfilter_vjp"

    def why_not(self, plan: Plan) -> str | None:
        if isinstance(plan.border, NA):
            return "NA border: composed from zero-filled filters"
        return None

    def cost(self, plan: Plan) -> float:
        kernel = ranked_cost("kernel_grad", KernelGradCall.of_plan(plan))
        return ranked_cost("image_grad", plan) + kernel

    def prepare(self, plan: Plan, image_dtype, out_dtype) -> Prepared:
        dtype = plan.compute_dtype
        image = choose("image_grad", plan, dtype)
        kernel = choose("kernel_grad", KernelGradCall.of_plan(plan), dtype)
        name = f"{image[1].loop} + {kernel[1].loop}"
        return Prepared(name, plan, np.dtype(image_dtype), np.dtype(out_dtype), (image, kernel))

    def run(self, prepared: Prepared, image: np.ndarray, grad: np.ndarray):
        (si, pi), (sk, pk) = prepared.state
        return si.run(pi, image, grad), sk.run(pk, image, grad)


VJP_FUSED = VjpFused()
VJP_SEPARATE = VjpSeparate()
