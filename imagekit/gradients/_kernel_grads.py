"""The kernel gradient's strategies: ``dw[j] = sum_i g[i] E[i + j]``.

``E`` is the image extended over the window the output reads. Three ways,
ranked by the registry (``kernel_grad`` operation):

- ``rows`` (``kernel-grad/2d-rows``, ``kernel-grad/3x3-rows``): a real kernel
  over two adjacent axes, the image read in place through the direct
  strategy's row and column maps, one threaded pass for all taps;
- ``taps`` (``kernel-grad/taps``): any kernel, one threaded pass over the
  extended window for all taps;
- ``fft`` (``kernel-grad/fft``): an FFT correlation of the window with ``g``,
  for kernels with more taps than the tap loops take.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._workspace import Workspace
from ..borders import NA, Fill
from ..borders._pad import extend
from ..filtering._costs import COST, plane_axes
from ..filtering._imfilter import imfilter
from ..filtering._plan import Plan
from ..filtering._strategy import Prepared
from ..kernels import Kernel
from . import _loops
from ._kernel_gradient import gradient_rows, kernel_gradient, kernel_gradient_plane
from ._strategies import GradientStrategy, choose

__all__ = [
    "KERNEL_GRAD_FFT",
    "KERNEL_GRAD_ROWS",
    "KERNEL_GRAD_TAPS",
    "KernelGradCall",
    "KernelGradFFT",
    "KernelGradRows",
    "KernelGradTaps",
    "kernel_grad",
]

_ws = Workspace(__name__)  # this module's temporaries


@dataclass(frozen=True, eq=False)
class KernelGradCall:
    """A kernel gradient to compute: what the ``kernel_grad`` strategies rank.

    ``plan`` is the forward call when the source is the image itself (the
    strategies that need the extended window extend it), None when the source
    is the extended window already (``window_shape``).
    """

    kshape: tuple
    grad_shape: tuple
    window_shape: tuple
    dtype: np.dtype
    plan: Plan | None = None

    @classmethod
    def of_plan(cls, plan: Plan) -> KernelGradCall:
        lo, hi = plan.window()
        window = tuple(b - a for a, b in zip(lo, hi))
        return cls(plan.kernel.shape, plan.out_shape, window, plan.compute_dtype, plan)

    @property
    def taps(self) -> int:
        return math.prod(self.kshape)

    def tap_work(self) -> float:
        """Seconds of one multiply-add per output element and tap (and the extension
        of the window, when the source is the image)."""
        s = self.dtype.itemsize / 4.0
        copy = COST["copy"] * math.prod(self.window_shape) if self.plan is not None else 0.0
        return s * (copy + COST["tap"] * math.prod(self.grad_shape) * self.taps)


class _KernelGrad(GradientStrategy):
    operation = "kernel_grad"

    def run(self, prepared: Prepared, image: np.ndarray, grad: np.ndarray) -> np.ndarray:
        """The kernel gradient for ``grad`` from ``image`` (the call's source)."""
        call = prepared.plan
        if grad.size == 0:  # an empty output: no gradient reaches the kernel
            return np.zeros(call.kshape, np.result_type(image, grad))
        return self.gradient(prepared, image, grad)

    def gradient(self, prepared: Prepared, image, grad) -> np.ndarray:
        raise NotImplementedError


def _window(call: KernelGradCall, source: np.ndarray) -> np.ndarray:
    """The extended window: ``source`` itself, or the call's image extended into it."""
    plan = call.plan
    if plan is None:
        return source
    lo, hi = plan.window()
    buffer = _ws.buffer("extended", call.window_shape, call.dtype)
    return extend(source, plan.border, lo, hi, dtype=call.dtype, out=buffer)


class _TapLoop(_KernelGrad):
    """A loop over every tap in one pass (its per-task partial sums hold every tap).

    Parameters
    ----------
    max_taps : int
        The most taps it takes (more go to the FFT correlation).
    """

    def __init__(self, max_taps: int = 64):
        self.max_taps = max_taps

    def why_not(self, call: KernelGradCall) -> str | None:
        if call.taps > self.max_taps:
            return f"{call.taps} taps: more than {self.max_taps}"
        return None


class KernelGradRows(_TapLoop):
    """Rows of the image read in place (no extended copy), all taps in one pass
    (``max_taps``: see :class:`_TapLoop`)."""

    name = algorithm = "rows"

    def why_not(self, call: KernelGradCall) -> str | None:
        plan = call.plan
        if plan is None:
            return "reads the image in place: the source is an extended window"
        too_many = super().why_not(call)
        if too_many is not None:
            return too_many
        if isinstance(plan.border, NA) or plan.is_complex:
            return "needs a real kernel and a Pad or Fill border"
        if plane_axes(plan) is None or call.dtype not in (np.float32, np.float64):
            return "needs a float kernel over two adjacent axes"
        return None

    def cost(self, call: KernelGradCall) -> float:
        s = call.dtype.itemsize / 4.0
        return COST["call"] + s * COST["tap"] * math.prod(call.grad_shape) * call.taps

    def prepare(self, call: KernelGradCall, image_dtype, out_dtype) -> Prepared:
        plan = call.plan
        a0 = plane_axes(plan)
        r = gradient_rows(plan, a0, call.dtype)
        three = (plan.kernel.shape[a0], plan.kernel.shape[a0 + 1]) == (3, 3)
        kg = _loops.kernel_gradient  # the loop module loads (and numba) on first use
        loop = kg.kernel_gradient3_rows if three else kg.kernel_gradient2_rows
        name = "kernel-grad/3x3-rows" if three else "kernel-grad/2d-rows"
        return Prepared(name, call, np.dtype(image_dtype), np.dtype(out_dtype), (r, loop))

    def gradient(self, prepared: Prepared, image, grad) -> np.ndarray:
        r, loop = prepared.state
        return kernel_gradient_plane(image, prepared.plan.plan, grad, r, loop)


class KernelGradTaps(_TapLoop):
    """One threaded pass over the extended window for all taps, any number of axes
    (``max_taps``: see :class:`_TapLoop`)."""

    name = algorithm = "taps"

    def cost(self, call: KernelGradCall) -> float:
        return COST["call"] + call.tap_work()

    def prepare(self, call: KernelGradCall, image_dtype, out_dtype) -> Prepared:
        return Prepared("kernel-grad/taps", call, np.dtype(image_dtype), np.dtype(out_dtype))

    def gradient(self, prepared: Prepared, image, grad) -> np.ndarray:
        call = prepared.plan
        return kernel_gradient(np.ascontiguousarray(_window(call, image)), grad, call.kshape)


class KernelGradFFT(_KernelGrad):
    """An FFT correlation of the extended window with the upstream gradient
    (``imfilter``'s FFT strategy, ``shape="valid"``): any number of taps."""

    name = algorithm = "fft"

    def cost(self, call: KernelGradCall) -> float:
        s = call.dtype.itemsize / 4.0
        n = float(math.prod(call.window_shape))  # the transforms' size, near enough
        copy = COST["copy"] * math.prod(call.window_shape) if call.plan is not None else 0.0
        return COST["fft_call"] + s * (copy + 3 * COST["fft"] * n * math.log2(max(n, 2.0)))

    def prepare(self, call: KernelGradCall, image_dtype, out_dtype) -> Prepared:
        return Prepared("kernel-grad/fft", call, np.dtype(image_dtype), np.dtype(out_dtype))

    def gradient(self, prepared: Prepared, image, grad) -> np.ndarray:
        E = _window(prepared.plan, image)
        g = Kernel(grad, start=(0,) * grad.ndim)
        return imfilter(E, g, Fill(0.0), shape="valid", algorithm="fft")


KERNEL_GRAD_ROWS = KernelGradRows()
KERNEL_GRAD_TAPS = KernelGradTaps()
KERNEL_GRAD_FFT = KernelGradFFT()


def kernel_grad(E: np.ndarray, g: np.ndarray, kshape) -> np.ndarray:
    """``dw[j] = sum_i g[i] E[i + j]``, for every offset index ``j`` of a kernel of
    ``kshape``, ``E`` the extended window (the strategy the registry ranks first)."""
    dtype = np.result_type(E, g)
    call = KernelGradCall(tuple(kshape), g.shape, E.shape, dtype)
    strategy, prepared = choose("kernel_grad", call, dtype)
    return strategy.run(prepared, E, g)
