"""Window selections as array operations, in any array namespace: the window's
shifted views stacked and sorted along the stack's axis.

A missing value (NaN, or with the ``NA`` border a pixel outside the image)
sorts last, and each pixel takes its rank among the values its window holds.
The same code runs on CuPy or any array-API namespace (``device-stack``) and
on NumPy (the compile-free ``stack`` strategy).
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["mean2", "sorted_selection", "stacked"]


def mean2(xp, lo, hi):
    """The mean of two middle values ``lo <= hi``: floats ``(lo + hi) * 0.5`` in their
    type (numpy's), integers rounded half to even without overflow."""
    if lo.dtype in (xp.float32, xp.float64):
        return (lo + hi) * 0.5
    a, b = xp.astype(lo, xp.int64), xp.astype(hi, xp.int64)
    d = b - a
    r = a + xp.bitwise_right_shift(d, 1)
    tie = xp.astype(xp.bitwise_and(xp.bitwise_and(d, 1), r), xp.bool)
    return xp.astype(xp.where(tie, r + 1, r), lo.dtype)


def stacked(xp, ext, plan):
    """The window's shifted views of ``ext`` (the image extended over what the
    output's windows read), stacked along a new first axis: one output-sized array
    per window pixel, in the footprint's C order."""
    views = [
        ext[tuple(slice(int(j), int(j) + n) for j, n in zip(at, plan.out_shape))]
        for at in np.argwhere(plan.window.footprint)
    ]
    return xp.stack(views, axis=0)


def sorted_selection(xp, stack, plan, reduction=None):
    """The selection ``reduction`` (the plan's by default) along the first axis of
    ``stack`` (the window's values): NaN where a window holds a NaN, or with ``NA``
    the selection among the values there (NaN where there are none)."""
    reduction = plan.reduction if reduction is None else reduction
    floating = stack.dtype in (xp.float32, xp.float64)
    missing = xp.isnan(stack) if floating else None
    n = stack.shape[0]
    if floating:
        stack = xp.where(missing, math.inf, stack)  # missing (or NaN) values sort last
    stack = xp.sort(stack, axis=0)
    if not plan.skip_nan:
        lo, hi = reduction.rank_of(n)
        low = stack[lo, ...]
        r = low if hi == lo else mean2(xp, low, stack[hi, ...])
        if floating:
            r = xp.where(xp.any(missing, axis=0), math.nan, r)
        return r
    count = xp.sum(xp.astype(xp.logical_not(missing), xp.int64), axis=0)
    lo, hi = _ranks(xp, reduction, count)

    def at(r):
        index = xp.minimum(xp.maximum(r, 0), xp.maximum(count - 1, 0))[None, ...]
        return xp.take_along_axis(stack, index, axis=0)[0, ...]

    r = at(lo)
    if reduction.kind == "median":
        r = (r + at(hi)) * 0.5
    return xp.where(count > 0, r, math.nan)


def _ranks(xp, reduction, count):
    """Each pixel's ranks ``(lo, hi)`` among the ``count`` values its window holds
    there (clipped into them, as in memory)."""
    kind, top = reduction.kind, count - 1
    if kind == "median":
        return top // 2, count // 2
    if kind == "min":
        return xp.zeros_like(count), None
    if kind == "max":
        return top, None
    if kind == "rank":
        r = xp.full_like(count, reduction.k) if reduction.k >= 0 else count + reduction.k
        return xp.clip(r, 0, None), None
    frac = xp.astype(count, xp.float64) * (reduction.q / 100)
    return xp.minimum(xp.astype(xp.floor(frac), xp.int64), top), None
