"""Selections of 8- and 16-bit images over any footprint by a binary search on the
bits of the selected value (``_loops.bitselect``): each of the ``8`` or ``16``
steps counts, for a chunk of an output row at once, the window's values below
each pixel's threshold, one vectorised compare-and-add per footprint pixel. It
costs ``bits * size`` lane operations per pixel whatever the values are: below
the sliding histogram's cost for small and middling 8-bit windows (up to about
15 x 15), above it for larger ones and for most 16-bit ones."""

from __future__ import annotations

import numpy as np

from ...borders import Fill
from ...filtering._strategy import Prepared, Strategy
from ...filtering.strategies._threads import run_tasks, threads
from .. import _loops
from .._geometry import extended
from ._common import CALL, NS, Rows, extend_for, pixels, select_code

__all__ = ["BITSELECT"]

SELECTION = ("median", "rank", "percentile", "min", "max")
NONE = np.zeros(0, np.int64)
# seconds per footprint pixel and bit, per output pixel (32 uint8 or 16 uint16 lanes)
LANE = {1: 0.02 * NS, 2: 0.04 * NS}


class BitSelect(Strategy):
    """The bit search, output rows spread over threads."""

    name = "bitselect"
    operation = "mapwindow"
    algorithm = "bitselect"

    def __init__(self, chunk: int = 1024):
        self.chunk = chunk

    @staticmethod
    def _dtype(plan) -> np.dtype:
        """The dtype the search reads: the image's own, also with NA (where the plan's
        work dtype is float64 for the other strategies' NaN)."""
        return plan.image_dtype if plan.skip_nan else plan.work_dtype

    def why_not(self, plan) -> str | None:
        if plan.reduction.kind not in SELECTION:
            return f"computes selections, not {plan.reduction}"
        dtype = self._dtype(plan)
        if dtype not in (np.uint8, np.uint16):
            return "reads 8- and 16-bit unsigned images only"
        if plan.window.size >= np.iinfo(dtype).max:
            return "counts in the image's dtype: the window must have fewer pixels than its top"
        if plan.skip_nan and plan.shape != "same":
            return "leaves out-of-image pixels out for shape='same' only"
        if plan.skip_nan and any(m > 1 for m in plan.window.shape[:-2]):
            return "leaves out-of-image pixels out of windows along the last two axes only"
        return None

    def cost(self, plan) -> float:
        n = plan.window.size
        lo, hi = plan.reduction.rank_of(n)
        searches = 1 if lo == hi and not plan.skip_nan else 2
        size = self._dtype(plan).itemsize
        per = searches * 8 * size * n * LANE[size] + 3.0 * NS
        return CALL + per * pixels(plan) / threads()

    def prepare(self, plan, image_dtype, out_dtype) -> Prepared:
        dtype = self._dtype(plan)
        bits = 8 * dtype.itemsize
        na = ()
        if plan.skip_nan:  # the footprint's pixels relative to the pixel, last two axes
            fp = plan.window.footprint
            at = np.argwhere(fp.reshape(fp.shape[-2:] if fp.ndim > 1 else (1, fp.size)))
            start = plan.window.start[-2:] if fp.ndim > 1 else (0, plan.window.start[0])
            at = at + np.array(start)
            shape = plan.image_shape
            hw = (shape[-2], shape[-1]) if len(shape) > 1 else (1, shape[0])
            na = (np.ascontiguousarray(at[:, 0]), np.ascontiguousarray(at[:, 1]), *hw)
            image_dtype = out_dtype = dtype  # empty windows give 0, integers' NaN
        state = (Rows(plan), select_code(plan.reduction), bits, na)
        loop = f"bitselect/{bits}bit-rows" + ("-na" if na else "")
        return Prepared(loop, plan, image_dtype, out_dtype, state)

    def run(self, prepared: Prepared, image: np.ndarray, out: np.ndarray) -> None:
        rows, (kind, k, q), bits, na = prepared.state
        plan = prepared.plan
        if na:  # out-of-image pixels read as the top value, and are not counted
            top = Fill(np.iinfo(image.dtype).max)
            ext = extended(image, top, plan.out_shape, plan.out_lo, plan.window, image.dtype)
        else:
            ext = extend_for(plan, image)
            na = (NONE, NONE, 0, 0)
        dst = out.reshape(rows.nrows, rows.ncols)
        work = float(out.size) * rows.offsets.size * bits
        args = (ext.ravel(), rows.bases, rows.offsets, dst, kind, k, q, bits)
        loop = _loops.bitselect.bits_rows
        run_tasks(loop, rows.nrows, *args, *na, 0, self.chunk, work=work)


BITSELECT = BitSelect()
