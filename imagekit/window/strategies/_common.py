"""What the window strategies share: the extended image, the flat geometry its
loops read windows by, costs per pixel and the selection codes of ``select``."""

from __future__ import annotations

import numpy as np

from .. import _loops
from .._geometry import extended, flat_offsets

__all__ = ["NS", "Rows", "ext_shape", "extend_for", "pixels", "rows_for", "select_code"]

NS = 1e-9
CALL = 20e-6


def pixels(plan) -> float:
    """The number of output pixels."""
    return float(np.prod(plan.out_shape))


def ext_shape(plan) -> tuple[int, ...]:
    """The shape of the extended image the output's windows read."""
    return tuple(n + m - 1 for n, m in zip(plan.out_shape, plan.window.shape))


def extend_for(plan, image: np.ndarray, dtype=None) -> np.ndarray:
    """``image`` extended by the plan's border over what the windows read, in
    ``dtype`` (default: the plan's work dtype; ``NA``: NaN outside the image)."""
    dtype = plan.work_dtype if dtype is None else dtype
    return extended(image, plan.border, plan.out_shape, plan.out_lo, plan.window, dtype=dtype)


class Rows:
    """The flat geometry of a plan: the footprint's offsets from a window's corner
    and the corner of each output row's first window, in the extended image."""

    __slots__ = ("bases", "ncols", "nrows", "offsets")

    def __init__(self, plan):
        self.offsets, self.bases = flat_offsets(
            ext_shape(plan), plan.window.footprint, plan.out_shape
        )
        self.ncols = plan.out_shape[-1]
        self.nrows = int(np.prod(plan.out_shape[:-1]))


def rows_for(plan) -> Rows:
    return Rows(plan)


def select_code(reduction) -> tuple[int, int, float]:
    """``(kind, k, q)`` of ``select``'s loops for a selection."""
    if reduction.kind == "median":
        return _loops.select.MEDIAN, 0, 0.0
    if reduction.kind == "percentile":
        return _loops.select.PERCENTILE, 0, reduction.q
    if reduction.kind == "min":
        return _loops.select.RANK, 0, 0.0
    if reduction.kind == "max":
        return _loops.select.RANK, -1, 0.0
    return _loops.select.RANK, reduction.k, 0.0
