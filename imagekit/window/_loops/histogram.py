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
its histograms start empty, and each row's last window is removed at the
row's end, so the next rows start empty too. Two output rows slide together,
sharing the rows their windows have in common (``huang_rows``).

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
def _walk(fs, fp, cs, cp, m, below, r, wide):  # pragma: no cover - numba
    """The value of rank ``r`` in the histogram ``fs + fp`` (coarse: ``cs + cp``) and
    the count of values below it, walking from ``m`` with ``below`` values under
    it; for 16-bit values (``wide``), whole blocks of 256 where the walk stands at
    a block's edge and the block does not hold the rank."""
    while below > r:  # the value is below m
        if wide and m & 255 == 0 and below - cs[(m >> 8) - 1] - cp[(m >> 8) - 1] > r:
            below -= cs[(m >> 8) - 1] + cp[(m >> 8) - 1]
            m -= 256
        else:
            m -= 1
            below -= fs[m] + fp[m]
    while below + fs[m] + fp[m] <= r:  # the value is above m
        if wide and m & 255 == 0 and below + cs[m >> 8] + cp[m >> 8] <= r:
            below += cs[m >> 8] + cp[m >> 8]
            m += 256
        else:
            below += fs[m] + fp[m]
            m += 1
    return m, below


@njit(no_cpython_wrapper=True, inline="always")
def _count(f, c, img, at, d, wide):  # pragma: no cover - numba
    """Add ``d`` to the bins of the value at ``img[at]``."""
    v = np.uint64(img[at])
    f[v] += d
    if wide:
        c[v >> np.uint64(8)] += d


@njit(no_cpython_wrapper=True, inline="always")
def _swap(f, c, img, leave, enter, wide):  # pragma: no cover - numba
    """Move a count from the bins of ``img[leave]`` to those of ``img[enter]``: one
    value leaves the window and one enters. Returns both values."""
    v, u = img[leave], img[enter]
    f[v] -= 1
    f[u] += 1
    if wide:
        c[v >> 8] -= 1
        c[u >> 8] += 1
    return v, u


@njit(no_cpython_wrapper=True, inline="always")
def _value(fs, fp, cs, cp, m, below, lo, hi, wide):  # pragma: no cover - numba
    """Rank ``lo`` (``m``), or the mean of ranks ``lo`` and ``hi`` rounded half to even."""
    if hi == lo:
        return m
    m2 = m  # the next value up: m again, or the first one above it
    if below + fs[m] + fp[m] <= hi:
        m2, _ = _walk(fs, fp, cs, cp, m, below, hi, wide)
    s = m + m2
    return (s >> 1) + (s & 1 & (s >> 1))


@njit(cache=True, nogil=True)
def huang_rows(t0, t1, src, dst, my, mx, lo, hi, band):  # pragma: no cover - numba
    """``dst[b, y, x]``: rank ``lo`` of ``src[b, y : y + my, x : x + mx]`` (the mean of
    ranks ``lo`` and ``hi``, rounded half to even, when they differ); tasks are bands
    of ``band`` rows of each image.

    Two output rows at a time share the ``my - 1`` rows their windows have in
    common: one histogram ``s`` holds those, ``a`` the first row's own row and
    ``b`` the second's, so a step costs ``2 (my + 1)`` updates for two pixels
    rather than ``4 my``."""
    h, w = dst.shape[1], dst.shape[2]
    wide = src.itemsize > 1  # 8-bit values keep no coarse counts: nothing to skip
    nbins = 256 if not wide else 65536
    fs, fa, fb = np.zeros(nbins, np.int32), np.zeros(nbins, np.int32), np.zeros(nbins, np.int32)
    cs, ca, cb = np.zeros(256, np.int32), np.zeros(256, np.int32), np.zeros(256, np.int32)
    nband = (h + band - 1) // band
    stride = src.shape[2]
    ustride, umx = np.uint64(stride), np.uint64(mx)
    for task in range(t0, t1):
        b = task // nband
        y0 = (task - b * nband) * band
        y1 = min(y0 + band, h)
        img = src[b].reshape(src.shape[1] * stride)  # flat: no row view per update
        y = y0
        while y < y1:
            pair = y + 1 < y1
            for i in range(mx):  # the rows' first windows
                _count(fa, ca, img, y * stride + i, 1, wide)
                for j in range(1, my):
                    _count(fs, cs, img, (y + j) * stride + i, 1, wide)
                if pair:
                    _count(fb, cb, img, (y + my) * stride + i, 1, wide)
            ma, ba = _walk(fs, fa, cs, ca, 0, 0, lo, wide)
            mb, bb = ma, ba
            if pair:
                mb, bb = _walk(fs, fb, cs, cb, 0, 0, lo, wide)
            for x in range(w):
                if x > 0:  # slide: column x - 1 leaves, column x + mx - 1 enters
                    at = np.uint64(y * stride + x - 1)  # unsigned: no wrap-around tests
                    v, u = _swap(fa, ca, img, at, at + umx, wide)
                    ba += (u < ma) - (v < ma)
                    for _ in range(1, my):
                        at += ustride
                        v, u = _swap(fs, cs, img, at, at + umx, wide)
                        ba += (u < ma) - (v < ma)
                        bb += (u < mb) - (v < mb)
                    ma, ba = _walk(fs, fa, cs, ca, ma, ba, lo, wide)
                    if pair:
                        at += ustride
                        v, u = _swap(fb, cb, img, at, at + umx, wide)
                        bb += (u < mb) - (v < mb)
                        mb, bb = _walk(fs, fb, cs, cb, mb, bb, lo, wide)
                dst[b, y, x] = _value(fs, fa, cs, ca, ma, ba, lo, hi, wide)
                if pair:
                    dst[b, y + 1, x] = _value(fs, fb, cs, cb, mb, bb, lo, hi, wide)
            for i in range(w - 1, w - 1 + mx):  # the last windows leave: empty histograms
                _count(fa, ca, img, y * stride + i, -1, wide)
                for j in range(1, my):
                    _count(fs, cs, img, (y + j) * stride + i, -1, wide)
                if pair:
                    _count(fb, cb, img, (y + my) * stride + i, -1, wide)
            y += 2 if pair else 1


@parallel_twin(huang_rows)
@njit(cache=True, parallel=True, nogil=True)
def huang_rows_parallel(pieces, ntasks, *args):  # pragma: no cover - numba
    """``huang_rows`` over ``pieces`` slices of ``[0, ntasks)``, one per thread."""
    for p in prange(pieces):
        huang_rows(ntasks * p // pieces, ntasks * (p + 1) // pieces, *args)
