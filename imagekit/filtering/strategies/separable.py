"""Separable strategy: one 1-D pass per axis the kernel extends along.

A kernel that factors into ``f0 ⊗ f1 ⊗ ...`` costs ``sum(len(f))`` taps per
pixel instead of ``prod(len(f))``. Each pass extends its input along its own
axis only, so the passes together read exactly the values one N-D pass
would: for ``Pad`` borders the per-axis extensions commute with filtering
along the other axes; for ``Fill(c)`` a pass sees, outside the image, the
earlier passes applied to ``c``, i.e. ``c * prod(sum(previous factors))``.
"""

from __future__ import annotations

import numpy as np

from ...borders import Fill
from ...kernels import Kernel
from .._plan import Plan
from .direct import correlate_window

__all__ = ["correlate"]


def correlate(image: np.ndarray, plan: Plan, out: np.ndarray) -> None:
    """Write the correlation of ``image`` with ``plan.factors`` into ``out``."""
    ndim = image.ndim
    cur = image
    fill_scale = 1.0
    for i, (axis, f) in enumerate(plan.factors):
        m = f.shape[0]
        shape = [1] * ndim
        shape[axis] = m
        start = [0] * ndim
        start[axis] = f.start[0]
        kern = Kernel(f.weights.reshape(shape), start=tuple(start))

        lo = [0] * ndim
        hi = list(cur.shape)
        lo[axis] = plan.out_lo[axis] + f.start[0]
        hi[axis] = lo[axis] + plan.out_shape[axis] + m - 1
        out_shape = list(cur.shape)
        out_shape[axis] = plan.out_shape[axis]

        border = plan.border
        if isinstance(border, Fill):
            border = Fill(border.value * fill_scale)
            fill_scale *= float(np.sum(f.weights))

        last = i == len(plan.factors) - 1
        dst = out if last else np.empty(out_shape, out.dtype)
        correlate_window(cur, kern, border, (tuple(lo), tuple(hi)), dst)
        cur = dst
