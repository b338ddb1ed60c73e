"""Any other callable: compiled by numba and run on all threads when it compiles
in nopython mode, else called from Python once per window (slow; a progress
bar shows on long runs). The function receives the window's values as a 1-D
float64 array (scipy's ``generic_filter`` does the same), NaNs left out with
the ``NA`` border (an empty window gives NaN without a call)."""

from __future__ import annotations

import numpy as np

from ...filtering._strategy import Prepared, Strategy
from ...filtering.strategies._threads import threads
from .._user import compiled, run_compiled, run_python
from ._common import CALL, NS, Rows, extend_for, pixels

__all__ = ["USER"]


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
        loop = "user/numba-threads" if cfunc is not None else "user/python-per-window"
        return Prepared(loop, plan, image_dtype, out_dtype, (Rows(plan), cfunc))

    def run(self, prepared: Prepared, image: np.ndarray, out: np.ndarray) -> None:
        plan = prepared.plan
        rows, cfunc = prepared.state
        ext = extend_for(plan, image).ravel()
        dst = out.reshape(rows.nrows, rows.ncols)
        if cfunc is not None:
            run_compiled(cfunc, ext, rows.bases, rows.offsets, dst, plan.skip_nan)
        else:
            run_python(plan.reduction.func, ext, rows.bases, rows.offsets, dst, plan.skip_nan)


USER = User()
