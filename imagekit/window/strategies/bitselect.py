"""Selections of 8- and 16-bit images over any footprint by a binary search on the
bits of the selected value (``_loops.bitselect``): each of the ``8`` or ``16``
steps counts, for a chunk of an output row at once, the window's values below
each pixel's threshold, one vectorised compare-and-add per footprint pixel. It
costs ``bits * size`` lane operations per pixel whatever the values are: below
the sliding histogram's cost for small and middling 8-bit windows (up to about
15 x 15), above it for larger ones and for most 16-bit ones."""

from __future__ import annotations

import numpy as np

from ...filtering._strategy import Prepared, Strategy
from ...filtering.strategies._threads import run_tasks, threads
from .. import _loops
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

    def why_not(self, plan) -> str | None:
        if plan.reduction.kind not in SELECTION:
            return f"computes selections, not {plan.reduction}"
        if plan.work_dtype not in (np.uint8, np.uint16):
            return "reads 8- and 16-bit unsigned images only"
        if plan.window.size >= np.iinfo(plan.work_dtype).max:
            return "counts in the image's dtype: the window must have fewer pixels than its top"
        return None

    def cost(self, plan) -> float:
        n = plan.window.size
        lo, hi = plan.reduction.rank_of(n)
        searches = 1 if lo == hi else 2
        size = plan.work_dtype.itemsize
        per = searches * 8 * size * n * LANE[size] + 3.0 * NS
        return CALL + per * pixels(plan) / threads()

    def prepare(self, plan, image_dtype, out_dtype) -> Prepared:
        bits = 8 * plan.work_dtype.itemsize
        state = (Rows(plan), select_code(plan.reduction), bits)
        return Prepared(f"bitselect/{bits}bit-rows", plan, image_dtype, out_dtype, state)

    def run(self, prepared: Prepared, image: np.ndarray, out: np.ndarray) -> None:
        rows, (kind, k, q), bits = prepared.state
        ext = extend_for(prepared.plan, image)
        dst = out.reshape(rows.nrows, rows.ncols)
        work = float(out.size) * rows.offsets.size * bits
        args = (ext.ravel(), rows.bases, rows.offsets, dst, kind, k, q, bits)
        loop = _loops.bitselect.bits_rows
        run_tasks(loop, rows.nrows, *args, NONE, NONE, 0, 0, 0, self.chunk, work=work)


BITSELECT = BitSelect()
