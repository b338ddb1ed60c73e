"""Selections of 8- and 16-bit images over rectangles by a sliding histogram
(Huang): a step along a row adds the entering column and removes the leaving
one, so the cost per pixel grows with the window's height only."""

from __future__ import annotations

import numpy as np

from ...filtering._strategy import Prepared, Strategy
from ...filtering.strategies._threads import run_tasks, threads
from .. import _loops
from ._common import CALL, NS, extend_for, pixels

__all__ = ["HISTOGRAM"]

SELECTION = ("median", "rank", "percentile", "min", "max")


def _height_width(plan) -> tuple[int, int] | None:
    """The window's extent along the last two axes, when it extends along no other."""
    shape = plan.window.shape
    if any(m > 1 for m in shape[:-2]):
        return None
    return (shape[-2] if len(shape) > 1 else 1), shape[-1]


class Histogram(Strategy):
    """Huang's sliding histogram, bands of rows spread over threads."""

    name = "histogram"
    operation = "mapwindow"
    algorithm = "histogram"

    def __init__(self, band: int = 32):
        self.band = band

    def why_not(self, plan) -> str | None:
        if plan.reduction.kind not in SELECTION:
            return f"computes selections, not {plan.reduction}"
        if plan.work_dtype not in (np.uint8, np.uint16):
            return "reads 8- and 16-bit unsigned images only"
        if not plan.window.rectangular:
            return "slides over rectangular windows only"
        if _height_width(plan) is None:
            return "slides over windows along the last two axes only"
        return None

    def cost(self, plan) -> float:
        my, _ = _height_width(plan)
        per = (2.5 * my + 30.0) * (1 if plan.work_dtype == np.uint8 else 3)
        return CALL + per * NS * pixels(plan) / threads()

    def prepare(self, plan, image_dtype, out_dtype) -> Prepared:
        lo, hi = plan.reduction.rank_of(plan.window.size)
        bits = 8 * plan.work_dtype.itemsize
        return Prepared(f"histogram/huang-{bits}bit", plan, image_dtype, out_dtype, (lo, hi))

    def run(self, prepared: Prepared, image: np.ndarray, out: np.ndarray) -> None:
        plan = prepared.plan
        lo, hi = prepared.state
        my, mx = _height_width(plan)
        ext = extend_for(plan, image)
        h = plan.out_shape[-2] if len(plan.out_shape) > 1 else 1
        w = plan.out_shape[-1]
        src = ext.reshape(-1, h + my - 1, w + mx - 1)
        dst = out.reshape(-1, h, w)
        ntasks = src.shape[0] * -(-h // self.band)
        work = float(out.size) * (2 * my + 8)
        run_tasks(
            _loops.histogram.huang_rows, ntasks, src, dst, my, mx, lo, hi, self.band, work=work
        )


HISTOGRAM = Histogram()
