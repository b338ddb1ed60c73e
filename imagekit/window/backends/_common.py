"""What the window backends share: the function a plan's reduction stands for, and
the fill value an extension holds in the plan's work dtype."""

from __future__ import annotations

import numpy as np

from ...borders import NA, Fill
from .._functions import Percentile, Rank

__all__ = ["fill_in", "func_of"]

_NUMPY = {
    "median": np.median,
    "min": np.min,
    "max": np.max,
    "mean": np.mean,
    "sum": np.sum,
    "var": np.var,
    "std": np.std,
    "ptp": np.ptp,
}


def func_of(reduction):
    """The mapwindow ``func`` that ``reduction`` was recognised from (one of them, for
    a kind with two spellings): what each block of a backend runs."""
    if reduction.kind == "rank":
        return Rank(reduction.k)
    if reduction.kind == "percentile":
        return Percentile(reduction.q)
    if reduction.kind == "user":
        return reduction.func
    return _NUMPY[reduction.kind]


def fill_in(plan):
    """The value the in-memory extension holds outside the image: NaN for ``NA``, a
    ``Fill``'s value as the plan's work dtype holds it (assigned as NumPy assigns it,
    errors included), None for the other borders."""
    b = plan.border
    if isinstance(b, NA):
        return np.nan
    if not isinstance(b, Fill):
        return None
    cell = np.empty((), plan.work_dtype)
    cell[...] = b.value
    return cell.item()
