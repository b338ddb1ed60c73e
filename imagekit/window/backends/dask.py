"""mapwindow on Dask arrays: lazy Dask arrays out, the same results as in memory.

Each output block is one task, built by imfilter's Dask machinery
(``imagekit.filtering.backends.dask``): its window is the block plus the
window's halo on the sides its offsets reach (``start`` and ``stop`` per
axis), assembled from exactly the image chunks it touches and continued by
the border at the image's true edges only, in the plan's work dtype (a
``Fill``'s value as that dtype holds it, NaN for ``NA``). The task runs the
in-memory :func:`~imagekit.mapwindow` on it with ``shape="valid"``: any
function, recognised or the user's, with whatever strategy suits the block.
So every border is exact, chunks may be smaller than the window's reach, and
``shape="same"`` keeps the input's chunks.

This is the strategy ``dask-blocks`` of the registry's ``'mapwindow-dask'``
operation; :func:`plan_mapwindow` gives its kept plans.
"""

from __future__ import annotations

import functools

import numpy as np

from ...borders import NA, Fill
from ...borders._pad import pad_indices
from ...filtering._registry import rank, with_ranking
from ...filtering.backends.dask import _Blocks, _chunks_like, _map_windows, _no_out, _stand_in
from .. import _mapwindow
from .._geometry import reach
from .._plan import WindowPlan, make_plan
from ._common import fill_in, func_of

__all__ = ["WINDOW_BLOCKS", "mapwindow", "plan_mapwindow", "run_window_plan"]

OPERATION = "mapwindow-dask"


def _valid(block, *, func, footprint, border, algorithm, dtype):
    """The in-memory mapwindow of one block's window, where the window fits."""
    return _mapwindow.mapwindow(
        func, block, footprint, border, shape="valid", algorithm=algorithm, dtype=dtype
    )


class WindowBlocks(_Blocks):
    """Each output block from its window: the block and the window's halo,
    continued by the border at the image's edges (see the module docstring).
    ``run(prepared, image)`` returns the lazy array."""

    operation = OPERATION

    def run(self, prepared, image):
        p = prepared.plan
        lo, hi = reach(p.out_shape, p.out_lo, p.window)
        maps = [pad_indices(n, a, z, p.border) for n, a, z in zip(image.shape, lo, hi)]
        border = p.border
        if isinstance(border, Fill) and any((m < 0).any() for m in maps):
            border = Fill(fill_in(p))  # what the in-memory extension holds there
        func = functools.partial(
            _valid,
            func=func_of(p.reduction),
            footprint=np.array(p.window.footprint),
            # NA: a NaN in the window is missing; no other border is reached by 'valid'
            border=NA() if isinstance(border, NA) else "nearest",
            algorithm=p.algorithm,
            dtype=p.out_dtype,
        )
        out_chunks = [_chunks_like(c, n) for c, n in zip(image.chunks, p.out_shape)]
        halo = [m - 1 for m in p.window.shape]
        x = image.astype(p.work_dtype) if image.dtype != p.work_dtype else image
        kept = prepared.state
        return _map_windows(x, maps, border, halo, out_chunks, func, p.out_dtype, "mapwindow", kept)


WINDOW_BLOCKS = WindowBlocks()


def plan_mapwindow(func, image, window, border, **options) -> WindowPlan:
    """:func:`imagekit.window.plan_mapwindow` for a Dask array: every option resolved
    (and checked) as for an in-memory image of this shape, the strategy ranked among
    the ``'mapwindow-dask'`` ones (``dask-blocks``); its blocks run ``algorithm``."""
    p = make_plan(func, _stand_in(image), window, border, **options)
    ranking = rank(OPERATION, p, "auto")
    return with_ranking(p, OPERATION, ranking, p.work_dtype, p.out_dtype)


def run_window_plan(plan: WindowPlan, image, out):
    """A kept Dask window plan run on ``image`` (of its shape and dtype): a lazy
    Dask array."""
    _no_out(out)
    return plan._impl.run(plan._prepared, image)


def mapwindow(func, image, window, border, *, out, **options):
    """:func:`imagekit.mapwindow` (its keyword ``options``) for a Dask array: a lazy
    Dask array, block by block."""
    _no_out(out)
    return run_window_plan(plan_mapwindow(func, image, window, border, **options), image, out)
