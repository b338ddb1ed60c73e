"""Selections (median, rank, percentile, minimum, maximum) over any footprint.

- ``median9``: the median of nine values by a fixed network held in
  registers (any 9-pixel footprint);
- ``box-median``: the median of a 3x3, 5x5, 7x7 or 3x3x3 box, each column
  sorted once for the windows that share it and the median selected from
  the sorted columns by a network unrolled in registers;
- ``network``: a sorting network pruned to the ranks read, applied to rows of
  pixels at once (vectorised across pixels), for windows of up to
  ``max_size`` pixels;
- ``select``: a per-pixel quickselect, for any window and the only one that
  leaves NaNs out (``NA``).

A 2-D image whose output has its shape (``shape="same"``) is read in place,
only its frame extended (``window._interior``); other images through an
extension of the whole image.
"""

from __future__ import annotations

import numpy as np

from ...filtering._strategy import Prepared, Strategy
from ...filtering.strategies._threads import run_tasks, threads
from .. import _box_networks, _loops
from .._interior import in_place_possible, run_in_place
from .._networks import network
from ._common import CALL, NS, Rows, extend_for, pixels, select_code

__all__ = ["BOX_MEDIAN", "MEDIAN9", "NETWORK", "SELECT"]

SELECTION = ("median", "rank", "percentile", "min", "max")


class _Selection(Strategy):
    operation = "mapwindow"

    def why_not(self, plan) -> str | None:
        if plan.reduction.kind not in SELECTION:
            return f"computes selections, not {plan.reduction}"
        return None

    def _run_rows(self, loop, prepared: Prepared, image, out, *extra) -> None:
        rows: Rows = prepared.state[0]
        plan = prepared.plan
        work = float(out.size) * rows.offsets.size
        if (
            plan.out_shape == plan.image_shape
            and not any(plan.out_lo)
            and in_place_possible(image, plan.window)
        ):
            run_in_place(loop, image, plan.border, plan.window, out, *extra, work=work)
            return
        ext = extend_for(prepared.plan, image)
        dst = out.reshape(rows.nrows, rows.ncols)
        run_tasks(loop, rows.nrows, ext.ravel(), rows.bases, rows.offsets, dst, *extra, work=work)


class Median9(_Selection):
    """The median of a 9-pixel window by Paeth's register network."""

    name = "median9"
    algorithm = "median9"

    def why_not(self, plan) -> str | None:
        reason = super().why_not(plan)
        if reason is not None:
            return reason
        lo, hi = plan.reduction.rank_of(plan.window.size)
        if plan.window.size != 9 or (lo, hi) != (4, 4):
            return "takes the median of 9-pixel windows only"
        if plan.skip_nan:
            return "does not leave NaNs out (NA border)"
        return None

    def cost(self, plan) -> float:
        return CALL + 2.0 * NS * pixels(plan) / threads()

    def prepare(self, plan, image_dtype, out_dtype) -> Prepared:
        return Prepared("median9/register-network", plan, image_dtype, out_dtype, (Rows(plan),))

    def run(self, prepared: Prepared, image: np.ndarray, out: np.ndarray) -> None:
        self._run_rows(_loops.select.median9_rows, prepared, image, out)


# the loop of each box, by its module in ``_loops`` and its name there (loaded when run)
_BOX_LOOPS = {
    "box3x3": "median_3x3_rows",
    "box5x5": "median_5x5_rows",
    "box7x7": "median_7x7_rows",
    "box3x3x3": "median_3x3x3_rows",
}


def _box(plan) -> str | None:
    """The box loop's name for the plan's window, if one fits it."""
    for name, (_, _, shape) in _box_networks.BOXES.items():
        if plan.window.shape == shape and plan.window.rectangular:
            return name
    return None


class BoxMedian(_Selection):
    """The median of a box, each column sorted once for the windows sharing it."""

    name = "box-median"
    algorithm = "box-median"

    def why_not(self, plan) -> str | None:
        reason = super().why_not(plan)
        if reason is not None:
            return reason
        if plan.reduction.kind != "median":
            return "takes medians only"
        if _box(plan) is None:
            shapes = ", ".join("x".join(map(str, b[2])) for b in _box_networks.BOXES.values())
            return f"takes the boxes {shapes} only (over every image axis)"
        if plan.skip_nan:
            return "does not leave NaNs out (NA border)"
        return None

    def cost(self, plan) -> float:
        h, w, _ = _box_networks.BOXES[_box(plan)]
        n = h * w
        comparators = len(_box_networks.box_network(h, w, (n - 1) // 2, n // 2)[0])
        return CALL + 0.1 * (n + comparators) * NS * pixels(plan) / threads()

    def prepare(self, plan, image_dtype, out_dtype) -> Prepared:
        name = _box(plan)
        return Prepared(
            f"box-median/{name[3:]}-sorted-columns",
            plan,
            image_dtype,
            out_dtype,
            (Rows(plan), name),
        )

    def run(self, prepared: Prepared, image: np.ndarray, out: np.ndarray) -> None:
        box = prepared.state[1]
        self._run_rows(getattr(getattr(_loops, box), _BOX_LOOPS[box]), prepared, image, out)


class Network(_Selection):
    """A pruned sorting network across rows of pixels."""

    name = "network"
    algorithm = "network"

    def __init__(self, max_size: int = 100, chunk: int = 128):
        self.max_size = max_size
        self.chunk = chunk

    def why_not(self, plan) -> str | None:
        reason = super().why_not(plan)
        if reason is not None:
            return reason
        if plan.window.size > self.max_size:
            return f"windows of up to {self.max_size} pixels"
        if plan.skip_nan:
            return "does not leave NaNs out (NA border)"
        return None

    def cost(self, plan) -> float:
        n = plan.window.size
        lo, hi = plan.reduction.rank_of(n)
        comparators = network(n, lo, hi).shape[0]
        return CALL + (0.5 * n + 0.35 * comparators) * NS * pixels(plan) / threads()

    def prepare(self, plan, image_dtype, out_dtype) -> Prepared:
        n = plan.window.size
        lo, hi = plan.reduction.rank_of(n)
        pairs = network(n, lo, hi)
        loop = f"network/{n}-values-{pairs.shape[0]}-comparators"
        return Prepared(loop, plan, image_dtype, out_dtype, (Rows(plan), pairs, lo, hi))

    def run(self, prepared: Prepared, image: np.ndarray, out: np.ndarray) -> None:
        _, pairs, lo, hi = prepared.state
        self._run_rows(_loops.select.network_rows, prepared, image, out, pairs, lo, hi, self.chunk)


class Select(_Selection):
    """A per-pixel quickselect; leaves NaNs out with the NA border."""

    name = "select"
    algorithm = "select"

    def cost(self, plan) -> float:
        n = plan.window.size
        return CALL + (4.0 * n + 20.0) * NS * pixels(plan) / threads()

    def prepare(self, plan, image_dtype, out_dtype) -> Prepared:
        code = select_code(plan.reduction)
        loop = "select/quickselect" + ("-skipping-nan" if plan.skip_nan else "")
        return Prepared(loop, plan, image_dtype, out_dtype, (Rows(plan), code))

    def run(self, prepared: Prepared, image: np.ndarray, out: np.ndarray) -> None:
        _, (kind, k, q) = prepared.state
        skip = prepared.plan.skip_nan
        self._run_rows(_loops.select.select_rows, prepared, image, out, kind, k, q, skip)


BOX_MEDIAN = BoxMedian()
MEDIAN9 = Median9()
NETWORK = Network()
SELECT = Select()
