"""Median, rank and percentile of 8- and 16-bit images over any footprint, by a
sliding histogram that can leave out-of-image pixels out (the NA border).

The footprint is given as runs: run ``i`` covers columns ``[x0[i], x1[i])``
of footprint row ``ry[i]`` (a disk has one run per row; any boolean
footprint is a list of such runs). Along an output row of the extended
array ``src`` (``(batch, h + fy - 1, w + fx - 1)``) the window's histogram
slides one column at a time: for each run the pixel at its left end leaves
and the one past its right end enters, ``2 len(runs)`` updates per pixel,
whatever the footprint's area. The selected value is found by walking from
the previous one (``histogram._walk``), which neighbouring pixels keep close.

NA: pixels outside the image hold ``nbins``, a value past every real one
(the caller extends a uint8 image into uint16 with ``Fill(256)``, a uint16
one into uint32 with ``Fill(65536)``). Its bin counts them but the walk never
reaches it, so they are left out: a window's count ``n`` is the footprint's
size less that bin, and the ranks are those of ``n`` values
(``select.ranks``). A window with no pixel in the image gets ``empty``.
Without NA (``nbins`` past every value the extension holds) ``n`` is the
footprint's size everywhere.

A task is a band of ``band`` output rows of one image of the batch; each
row's histogram starts empty and is emptied at the row's end.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from ...filtering.strategies._threads import parallel_twin
from .histogram import _count, _swap, _value, _walk
from .select import ranks

__all__ = ["footprint_runs", "runs_rows"]


def footprint_runs(footprint):
    """The runs ``(ry, x0, x1)`` of a 2-D boolean footprint, as int64 arrays: row
    ``ry[i]`` is true over columns ``[x0[i], x1[i])``."""
    fp = np.asarray(footprint, bool)
    padded = np.zeros((fp.shape[0], fp.shape[1] + 2), np.int8)
    padded[:, 1:-1] = fp
    edges = np.diff(padded, axis=1)
    ry, x0 = np.nonzero(edges == 1)
    _, x1 = np.nonzero(edges == -1)
    return ry.astype(np.int64), x0.astype(np.int64), x1.astype(np.int64)


@njit(cache=True, nogil=True)
def runs_rows(t0, t1, src, dst, ry, x0, x1, nbins, kind, k, q, empty, band):  # pragma: no cover
    """``dst[b, y, x]``: the selection ``kind`` (``select.ranks``, with ``k`` and
    ``q``) among the values below ``nbins`` of ``src[b, y + ry[i], x + j]`` over
    runs ``i`` and ``x0[i] <= j < x1[i]`` (``empty`` where there are none); tasks
    are bands of ``band`` rows of each image."""
    h, w = dst.shape[1], dst.shape[2]
    wide = nbins > 256
    f = np.zeros(nbins + 1, np.int32)  # bin nbins: the pixels left out
    c = np.zeros((nbins >> 8) + 1, np.int32)
    zf = np.zeros(nbins + 1, np.int32)  # the walk reads two histograms: this one is empty
    zc = np.zeros((nbins >> 8) + 1, np.int32)
    total = 0
    for i in range(ry.size):
        total += x1[i] - x0[i]
    lo_all, hi_all = ranks(kind, total, k, q)
    nband = (h + band - 1) // band
    stride = src.shape[2]
    nruns = ry.size
    for task in range(t0, t1):
        b = task // nband
        y0 = (task - b * nband) * band
        y1 = min(y0 + band, h)
        img = src[b].reshape(src.shape[1] * stride)
        for y in range(y0, y1):
            for i in range(nruns):  # the row's first window
                for j in range(x0[i], x1[i]):
                    _count(f, c, img, (y + ry[i]) * stride + j, 1, wide)
            m, below = 0, 0
            for x in range(w):
                if x > 0:  # slide: each run's first pixel leaves, the one past its end enters
                    for i in range(nruns):
                        at = np.uint64((y + ry[i]) * stride + x - 1)
                        leave, enter = at + np.uint64(x0[i]), at + np.uint64(x1[i])
                        v, u = _swap(f, c, img, leave, enter, wide)
                        below += (u < m) - (v < m)
                n = total - f[nbins]
                if n == 0:
                    dst[b, y, x] = empty
                    continue
                lo, hi = lo_all, hi_all
                if n != total:
                    lo, hi = ranks(kind, n, k, q)
                m, below = _walk(f, zf, c, zc, m, below, lo, wide)
                dst[b, y, x] = _value(f, zf, c, zc, m, below, lo, hi, wide)
            for i in range(nruns):  # the last window leaves: an empty histogram
                for j in range(x0[i], x1[i]):
                    _count(f, c, img, (y + ry[i]) * stride + w - 1 + j, -1, wide)


@parallel_twin(runs_rows)
@njit(cache=True, parallel=True, nogil=True)
def runs_rows_parallel(pieces, ntasks, *args):  # pragma: no cover - numba
    """``runs_rows`` over ``pieces`` slices of ``[0, ntasks)``, one per thread."""
    for p in prange(pieces):
        runs_rows(ntasks * p // pieces, ntasks * (p + 1) // pieces, *args)
