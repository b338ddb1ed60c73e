"""Median, rank and percentile of 8- and 16-bit images by a sliding histogram.

Huang's algorithm over a rectangular ``my`` x ``mx`` window of an already
extended array ``src`` viewed as ``(batch, h + my - 1, w + mx - 1)``: along
an output row the window's histogram slides one column at a time (the
column that enters is added, the one that leaves removed: ``2 my`` updates
per pixel, whatever ``mx``), and the selected value is found by walking
from the previous one, which neighbouring pixels keep close. The walk keeps
``below``, the count of values smaller than the current value ``m``.

One histogram serves both types: ``fine`` has a bin per value (256 for
uint8, 65536 for uint16) and ``coarse`` a bin per 256 values, so a walk
across a 16-bit range steps over whole empty (or whole passed) blocks of
256 (for uint8 the single coarse bin holds every value, and the walk never
jumps). A task is a band of ``band`` output rows of one image of the batch;
its histogram starts empty, and each row's last window is removed at the
row's end, so the next row starts empty too.

The ranks ``lo`` and ``hi`` are the ranks among the window's ``my * mx``
values that the output reads: equal for a rank, a percentile or the upper
median, consecutive for numpy's median of an even count (their mean, rounded
half to even).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from ...filtering.strategies._threads import parallel_twin

__all__ = ["huang_rows"]


@njit(no_cpython_wrapper=True, inline="always")
def _walk(fine, coarse, m, below, r, wide):  # pragma: no cover - numba
    """The value of rank ``r`` and the count of values below it, walking from
    ``m`` with ``below`` values under it; for 16-bit values (``wide``), whole
    blocks of 256 where the walk stands at a block's edge and the block does
    not hold the rank."""
    while below > r:  # the value is below m
        if wide and m & 255 == 0 and below - coarse[(m >> 8) - 1] > r:
            below -= coarse[(m >> 8) - 1]
            m -= 256
        else:
            m -= 1
            below -= fine[m]
    while below + fine[m] <= r:  # the value is above m
        if wide and m & 255 == 0 and below + coarse[m >> 8] <= r:
            below += coarse[m >> 8]
            m += 256
        else:
            below += fine[m]
            m += 1
    return m, below


@njit(cache=True, nogil=True)
def huang_rows(t0, t1, src, dst, my, mx, lo, hi, band):  # pragma: no cover - numba
    """``dst[b, y, x]``: rank ``lo`` of ``src[b, y : y + my, x : x + mx]`` (the mean of
    ranks ``lo`` and ``hi``, rounded half to even, when they differ); tasks are bands
    of ``band`` rows of each image."""
    h, w = dst.shape[1], dst.shape[2]
    wide = src.itemsize > 1  # 8-bit values keep no coarse counts: nothing to skip
    fine = np.zeros(256 if not wide else 65536, np.int32)
    coarse = np.zeros(256, np.int32)
    nband = (h + band - 1) // band
    stride = src.shape[2]
    ustride, umx = np.uint64(stride), np.uint64(mx)
    for task in range(t0, t1):
        b = task // nband
        y0 = (task - b * nband) * band
        img = src[b].reshape(src.shape[1] * stride)  # flat: no row view per update
        for y in range(y0, min(y0 + band, h)):
            for j in range(my):  # the row's first window
                for i in range(mx):
                    v = np.int64(img[(y + j) * stride + i])
                    fine[v] += 1
                    if wide:
                        coarse[v >> 8] += 1
            m, below = _walk(fine, coarse, 0, 0, lo, wide)
            out = dst[b, y]
            for x in range(w):
                if x > 0:  # slide: column x - 1 leaves, column x + mx - 1 enters
                    at = np.uint64(y * stride + x - 1)
                    for _ in range(my):  # unsigned indices: no wrap-around tests
                        v, u = np.uint64(img[at]), np.uint64(img[at + umx])
                        at += ustride
                        fine[v] -= 1
                        fine[u] += 1
                        below += (u < m) - (v < m)
                        if wide:
                            coarse[v >> 8] -= 1
                            coarse[u >> 8] += 1
                    m, below = _walk(fine, coarse, m, below, lo, wide)
                if hi == lo:
                    out[x] = m
                else:  # the next value up: m again, or the first one above it
                    m2 = m
                    if below + fine[m] <= hi:
                        m2, _ = _walk(fine, coarse, m, below, hi, wide)
                    s = m + m2
                    out[x] = (s >> 1) + (s & 1 & (s >> 1))  # half to even
            for j in range(my):  # the row's last window leaves: an empty histogram
                for i in range(w - 1, w - 1 + mx):
                    v = np.int64(img[(y + j) * stride + i])
                    fine[v] -= 1
                    if wide:
                        coarse[v >> 8] -= 1


@parallel_twin(huang_rows)
@njit(cache=True, parallel=True, nogil=True)
def huang_rows_parallel(pieces, ntasks, *args):  # pragma: no cover - numba
    """``huang_rows`` over ``pieces`` slices of ``[0, ntasks)``, one per thread."""
    for p in prange(pieces):
        huang_rows(ntasks * p // pieces, ntasks * (p + 1) // pieces, *args)
