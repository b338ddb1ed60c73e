"""Any other callable: compiled by numba and run on all threads when it compiles
in nopython mode, else called from Python once per window (slow; a progress
bar shows on long runs). The function receives the window's values as a 1-D
float64 array (scipy's ``generic_filter`` does the same), NaNs left out with
the ``NA`` border (an empty window gives NaN without a call).

The compiled path reads the image in its own dtype where that dtype holds every
value a window sees (``read_dtype``) and converts each value to float64 as it
gathers the window: no float64 copy of the image is made."""

from __future__ import annotations

import numpy as np

from ...borders import NA, Fill
from ...filtering._strategy import Prepared, Strategy
from ...filtering.strategies._threads import threads
from .._user import compiled, run_compiled, run_python
from ._common import CALL, NS, Rows, extend_for, pixels

__all__ = ["USER", "read_dtype"]


def read_dtype(plan) -> np.dtype:
    """The dtype the compiled path reads the extended image in: the image's own
    (float32, float64 or an integer) when it holds the border's values exactly, so
    the values a window sees convert to the same float64 either way; else the plan's
    work dtype (float64). An ``NA`` border needs NaN, which only floats hold."""
    d, work = plan.image_dtype, plan.work_dtype
    if d.kind not in "iuf" or d == np.float16:
        return work
    border = plan.border
    if isinstance(border, NA) and d.kind != "f":
        return work
    if isinstance(border, Fill):
        v = np.asarray(border.value)
        with np.errstate(all="ignore"):
            held = v.astype(d)
        if not (held == v or (np.isnan(v) and d.kind == "f")):
            return work
    return d


class User(Strategy):
    """A user's function over each window (see the module docstring)."""

    name = "user"
    operation = "mapwindow"
    algorithm = "user"

    def why_not(self, plan) -> str | None:
        if plan.reduction.kind != "user":
            return "runs user functions; the recognised ones have their own strategies"
        return None

    def cost(self, plan) -> float:
        return CALL + 3.0 * plan.window.size * NS * pixels(plan) / threads()

    def prepare(self, plan, image_dtype, out_dtype) -> Prepared:
        cfunc = compiled(plan.reduction.func, plan.work_dtype)
        if cfunc is None:
            loop = "user/python-per-window"
        else:
            loop, image_dtype = "user/numba-threads", read_dtype(plan)
        return Prepared(loop, plan, image_dtype, out_dtype, (Rows(plan), cfunc))

    def run(self, prepared: Prepared, image: np.ndarray, out: np.ndarray) -> None:
        plan = prepared.plan
        rows, cfunc = prepared.state
        ext = extend_for(plan, image, prepared.image_dtype).ravel()
        dst = out.reshape(rows.nrows, rows.ncols)
        if cfunc is not None:
            run_compiled(cfunc, ext, rows.bases, rows.offsets, dst, plan.skip_nan)
        else:
            run_python(plan.reduction.func, ext, rows.bases, rows.offsets, dst, plan.skip_nan)


USER = User()
