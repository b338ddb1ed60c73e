"""The compile-free strategy: correlation as sums of shifted views, NumPy alone.

The image is extended by the border over the window the output reads (as for
the direct strategy); a separable kernel is then applied one axis at a time,
one shifted, weighted view per tap, and any other kernel as one shifted,
weighted view of the extended image per non-zero tap (``_shifted``, the code
the device strategies run). It imports neither numba nor scipy.fft, so it
costs nothing to start: ``'auto'`` chooses it for small one-shot calls while
numba's start-up is unpaid (``_tier``), and never once it is paid. Loops:
``shifts/factor-views`` and ``shifts/tap-views``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from ...borders._pad import extend
from .. import _tier
from .._shifted import correlate_factors, correlate_taps
from .._strategy import Prepared, Strategy

if TYPE_CHECKING:
    from .._plan import Plan

__all__ = ["SHIFTS", "Shifts"]

CALL = 20e-6
"""Seconds per call for the Python around the array operations."""
TAP = 0.8e-9
"""Seconds per tap per output value: a multiply and an add over NumPy arrays."""


def _taps(plan: Plan) -> int:
    """Taps per output value: the factors' when the kernel is separable."""
    dense = int(np.count_nonzero(plan.kernel.weights))
    if plan.factors is None:
        return dense
    return min(dense, sum(int(np.count_nonzero(k.weights)) for _, k in plan.factors))


class Shifts(Strategy):
    """Sums of shifted views of the extended image (see the module docstring)."""

    name = algorithm = "shifts"
    compile_free = True

    def why_not_auto(self, plan) -> str | None:
        return None if _tier.active() else _tier.PAID

    def cost(self, plan: Plan) -> float:
        lo, hi = plan.window()
        extended = math.prod(b - a for a, b in zip(lo, hi))
        return CALL + TAP * (_taps(plan) * math.prod(plan.out_shape) + extended)

    def _separable(self, plan: Plan) -> bool:
        dense = int(np.count_nonzero(plan.kernel.weights))
        return plan.factors is not None and _taps(plan) < dense

    def prepare(self, plan: Plan, image_dtype, out_dtype) -> Prepared:
        loop = "shifts/factor-views" if self._separable(plan) else "shifts/tap-views"
        return Prepared(loop, plan, np.dtype(image_dtype), np.dtype(out_dtype))

    def run(self, prepared: Prepared, image: np.ndarray, out: np.ndarray) -> None:
        plan = prepared.plan
        with _tier.renting():
            lo, hi = plan.window()
            ext = extend(image, plan.border, lo, hi, dtype=out.dtype)
            if prepared.loop == "shifts/factor-views":
                result = correlate_factors(np, ext, plan.factors, plan.out_shape)
            else:
                result = correlate_taps(np, ext, plan.kernel.weights, plan.out_shape)
            np.copyto(out, result, casting="unsafe")


SHIFTS = Shifts()
