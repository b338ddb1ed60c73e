"""The compile-free strategy: selections by the window's shifted views, stacked and
sorted with NumPy alone.

The image is extended by the border over what the output's windows read, its
shifted views (one per window pixel) are stacked and sorted along the stack,
and each pixel takes its median, rank or percentile there, or its minimum,
maximum or range (``ptp``): the code the ``device-stack`` strategy runs on
other array libraries (``window._stack``), on NumPy's namespace. It holds one
copy of the output per window pixel and imports no numba, so it costs nothing
to start: ``'auto'`` chooses it for small one-shot calls while numba's
start-up is unpaid (``filtering._tier``), and never once it is paid. Loop:
``stack/sorted-views``.
"""

from __future__ import annotations

import math

import numpy as np

from ...filtering import _tier
from ...filtering._strategy import Prepared, Strategy
from .._functions import Reduction
from .._stack import sorted_selection, stacked
from ._common import CALL, NS, extend_for, pixels

__all__ = ["STACK"]

_MIN, _MAX = Reduction("min"), Reduction("max")


class _NumPy:
    """NumPy as the array namespace ``window._stack`` is written against: numpy's
    own functions, and the array API's names numpy 1.26 lacks. (array_api_compat's
    wrapper would do, but importing it loads every numpy submodule.)"""

    bool = np.bool_
    bitwise_right_shift = staticmethod(np.right_shift)

    @staticmethod
    def astype(x, dtype):
        return x.astype(dtype)

    def __getattr__(self, name):
        return getattr(np, name)


xp = _NumPy()


class Stack(Strategy):
    """The window's views stacked and sorted (see the module docstring)."""

    name = algorithm = "stack"
    operation = "mapwindow"
    compile_free = True

    def why_not(self, plan) -> str | None:
        if not plan.reduction.selection and plan.reduction.kind != "ptp":
            return f"sorts windows for selections and ptp, not {plan.reduction}"
        return None

    def why_not_auto(self, plan) -> str | None:
        return None if _tier.active() else _tier.PAID

    def cost(self, plan) -> float:
        n = plan.window.size
        return CALL + 5.0 * NS * pixels(plan) * n * (1 + math.log2(n))

    def prepare(self, plan, image_dtype, out_dtype) -> Prepared:
        return Prepared("stack/sorted-views", plan, np.dtype(image_dtype), np.dtype(out_dtype))

    def run(self, prepared: Prepared, image: np.ndarray, out: np.ndarray) -> None:
        plan = prepared.plan
        with _tier.renting():
            stack = stacked(xp, extend_for(plan, image), plan)
            if plan.reduction.kind == "ptp":
                top = sorted_selection(xp, stack, plan, _MAX).astype(out.dtype)
                result = top - sorted_selection(xp, stack, plan, _MIN).astype(out.dtype)
            else:
                result = sorted_selection(xp, stack, plan)
            np.copyto(out, result, casting="unsafe")


STACK = Stack()
