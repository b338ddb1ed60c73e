"""The image gradient's strategies: ``dL/dimage``, the window gradient folded back.

The window gradient is ``G[p] = sum_j w[j] g[p - j]``: a "full" correlation of
``g`` with the reversed kernel, zero outside (``window_grad``). Two ways,
ranked by the registry (``image_grad`` operation):

- ``frame`` (``image-grad/frame``): with ``shape="same"`` and a window holding
  the whole image, the interior is one correlation of ``g`` with the mirrored
  kernel, zero outside, computed straight into the result: a constant fill
  folds nothing onto it, other borders their margins alone (``fold_frame``);
- ``fold`` (``image-grad/fold``): any call: the whole window gradient, folded
  back onto the image (``fold``).
"""

from __future__ import annotations

import numpy as np

from .._workspace import Workspace
from ..borders import NA, Fill
from ..filtering._costs import COST
from ..filtering._imfilter import imfilter
from ..filtering._plan import Plan, make_plan
from ..filtering._strategy import Prepared
from ..kernels import Kernel
from ._pad_adjoint import fold, fold_frame, frame_covers
from ._strategies import GradientStrategy

__all__ = [
    "IMAGE_GRAD_FOLD",
    "IMAGE_GRAD_FRAME",
    "ImageGradFold",
    "ImageGradFrame",
    "folds_frame",
    "mirrored",
    "window_grad",
]

_ws = Workspace(__name__)  # this module's temporaries


def window_grad(g: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``G[p] = sum_j w[j] g[p - j]`` on window positions: full correlation, ``w`` reversed.

    Written into this thread's scratch buffer (valid until the next call): fresh
    image-sized temporaries cost more in page faults than the filter itself.
    """
    rev = w[(slice(None, None, -1),) * w.ndim]
    plan = make_plan(g, Kernel(rev, start=(0,) * w.ndim), Fill(0.0), shape="full")
    out = _ws.buffer("window_grad", plan.out_shape, plan.compute_dtype)
    plan.run_real(g, out)
    return out


def folds_frame(plan: Plan) -> bool:
    """Whether the image gradient is the constant fill's plus the folded margins: a
    "same" output whose window holds the whole image (a constant fill folds none)."""
    if plan.shape != "same" or isinstance(plan.border, NA):
        return False
    return isinstance(plan.border, Fill) or frame_covers(
        plan.image_shape, plan.kernel.shape, plan.window()[0]
    )


def mirrored(plan: Plan, w: np.ndarray) -> Kernel:
    """The kernel whose correlation with ``g`` (zero outside) is the image gradient."""
    k = plan.kernel
    return Kernel(
        w[(slice(None, None, -1),) * w.ndim],
        start=tuple(-(s + m - 1) for s, m in zip(k.start, k.shape)),
    )


def _taps_work(plan: Plan, n: float) -> float:
    """Seconds of one multiply-add per element of ``n`` and non-zero tap."""
    s = plan.compute_dtype.itemsize / 4.0
    return s * COST["tap"] * n * float(np.count_nonzero(plan.kernel.weights))


class _ImageGrad(GradientStrategy):
    operation = "image_grad"

    def prepare(self, plan: Plan, image_dtype, out_dtype) -> Prepared:
        w = plan.kernel.weights.astype(plan.compute_dtype)
        dtypes = (np.dtype(image_dtype), np.dtype(out_dtype))
        return Prepared(f"image-grad/{self.name}", plan, *dtypes, w)


class ImageGradFrame(_ImageGrad):
    """A "same" filter of ``g`` with the mirrored kernel, plus the folded margins."""

    name = algorithm = "frame"

    def why_not(self, plan: Plan) -> str | None:
        if not folds_frame(plan):
            return 'needs shape="same" with a window holding the whole image'
        return None

    def cost(self, plan: Plan) -> float:
        return COST["call"] + _taps_work(plan, float(np.prod(plan.out_shape)))

    def run(self, prepared: Prepared, image: np.ndarray, grad: np.ndarray) -> np.ndarray:
        plan, w = prepared.plan, prepared.state
        gi = imfilter(grad, mirrored(plan, w), Fill(0.0))
        if not isinstance(plan.border, Fill):
            fold_frame(gi, grad, w, plan.border, plan.window()[0])
        return gi


class ImageGradFold(_ImageGrad):
    """The whole window gradient, folded back onto the image: any call."""

    name = algorithm = "fold"

    def cost(self, plan: Plan) -> float:
        lo, hi = plan.window()
        n = float(np.prod([b - a for a, b in zip(lo, hi)]))
        s = plan.compute_dtype.itemsize / 4.0
        return COST["call"] + _taps_work(plan, n) + s * 2 * COST["copy"] * n

    def run(self, prepared: Prepared, image: np.ndarray, grad: np.ndarray) -> np.ndarray:
        plan, w = prepared.plan, prepared.state
        return fold(window_grad(grad, w), image.shape, plan.border, plan.window()[0])


IMAGE_GRAD_FRAME = ImageGradFrame()
IMAGE_GRAD_FOLD = ImageGradFold()
