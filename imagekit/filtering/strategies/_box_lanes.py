"""The separable strategy's uint8 box in 16-bit lanes: its plan-time setup and its call.

A normalised box over two adjacent axes of a uint8 image, whose sums fit in
uint16, runs as ``_loops.box.box8_rows``: ``box8_setup`` decides whether a
plan qualifies and builds the loop's maps once; ``box8`` lays out the image
and the output and runs the loop over blocks of rows. The numba loop lives
in ``_loops/box.py``, whose files share one cache stamp; this Python side
lives beside the strategy that prepares it.
"""

from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING

import numpy as np

from ...borders import Fill
from .. import _loops
from .._geometry import factor_maps
from ._readonly import readonly
from ._threads import run_tasks

if TYPE_CHECKING:
    from .._plan import Plan

__all__ = ["box8", "box8_magic", "box8_setup"]


def box8_setup(plan: Plan, out_dtype, block: int):
    """The maps of ``box8_rows`` for this plan, or None when it is not a normalised box
    over two adjacent axes of a uint8 image whose sums fit in uint16, written into
    integers (rounded, clipped) or float32."""
    if out_dtype.kind not in "iu" and out_dtype != np.float32:
        return None
    if out_dtype.kind in "iu" and out_dtype.itemsize > 4:
        return None
    if plan.image_dtype != np.uint8 or len(plan.factors) != 2:
        return None
    (a0, fy), (a1, fx) = plan.factors
    my, mx = fy.shape[0], fx.shape[0]
    if a1 != a0 + 1 or my * mx > 257:  # 257 * 255 < 2**16
        return None
    wy, wx = fy.weights, fx.weights
    if not (np.all(wy == wy[0]) and np.all(wx == wx[0])):
        return None
    if abs(float(wy[0]) * float(wx[0]) * my * mx - 1.0) > 1e-12:  # not normalised
        return None
    fill = plan.border.value if isinstance(plan.border, Fill) else 0
    if not (np.isreal(fill) and float(np.real(fill)).is_integer() and 0 <= np.real(fill) <= 255):
        return None
    fill = int(np.real(fill))
    rowmap = factor_maps(plan, a0, fy)[1]
    xlo, colmap = factor_maps(plan, a1, fx)
    fillrow = np.full(math.prod(plan.image_shape[a0 + 1 :]), fill, np.uint8)
    # the store: None for the ones not taken, so numba leaves them out
    integer = out_dtype.kind in "iu"
    lo, hi = (np.iinfo(out_dtype).min, np.iinfo(out_dtype).max) if integer else (0, 0)
    magic = box8_magic(my * mx) if integer and hi >= 255 else None
    clip = integer and magic is None
    bounds = (np.float32(lo), np.float32(hi)) if clip else (None, None)
    store = (*(magic or (None, None, None)), *bounds)
    return rowmap, readonly(fillrow), colmap, -xlo, np.uint16(fill * my), my, mx, store, block


@functools.cache
def box8_magic(size: int):
    """``(h, m, k)`` (uint16) with ``(s + h) * m >> (16 + k)``, in 16-bit arithmetic, the
    rounded quotient ``s / size`` of every sum ``s`` of ``size`` uint8 values, or None
    where no such constants exist (even sizes have ties to round to even)."""
    if size % 2 == 0:
        return None
    h = (size - 1) // 2
    sums = np.arange(255 * size + 1, dtype=np.int64)
    if sums[-1] + h > 0xFFFF:
        return None
    want = (2 * sums + size) // (2 * size)  # round(s / size): no ties for odd sizes
    for k in range(16):
        m = -(-(1 << (16 + k)) // size)
        if m > 0xFFFF:
            break
        if np.array_equal((((sums + h) * m) >> 16) >> k, want):
            return np.uint16(h), np.uint16(m), np.uint16(k)
    return None


def box8(image: np.ndarray, plan: Plan, out: np.ndarray, setup) -> None:
    """A normalised box over a uint8 image in 16-bit integer lanes (``_loops.box``)."""
    rowmap, fillrow, colmap, off, fill_sum, my, mx, store, block = setup
    (a0, _), (a1, _) = plan.factors
    img = np.ascontiguousarray(image, dtype=np.uint8)
    batch = math.prod(img.shape[:a0])
    inner = math.prod(img.shape[a1 + 1 :])
    img3 = img.reshape(batch, img.shape[a0], math.prod(img.shape[a0 + 1 :]))
    dst3 = out.reshape(batch, out.shape[a0], math.prod(out.shape[a0 + 1 :]))
    run_tasks(
        _loops.box.box8_rows,
        batch * -(-out.shape[a0] // block),
        readonly(img3),
        rowmap,
        fillrow,
        colmap,
        off,
        fill_sum,
        my,
        mx,
        dst3,
        inner,
        *store,
        block,
        work=out.size * (my + mx),
    )
