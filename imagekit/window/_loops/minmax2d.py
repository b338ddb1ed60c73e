"""Rectangular minimum or maximum of 2-D images in one fused pass, borders by clamping.

``rect_bands`` reads the image itself, not an extension of it: a window's
row or column index outside the image is clamped to the nearest edge (the
``nearest`` border). A window that holds its own pixel reaches every
clamped-in pixel anyway, so for such windows (offsets ``a <= 0 <= a + m - 1``
along each axis) clamping also gives the minimum or maximum over the pixels
the window has inside the image: the ``NA`` border's rule, and the
``reflect`` border's (whose mirrored pixels lie inside the window too); the
caller extends the image first for the other borders, and passes offsets 0.

A task is a band of ``band`` output rows of one image of the batch. Down the
columns, van Herk / Gil-Werman over blocks of ``my`` output rows (a block's
suffix maxima and a running prefix maximum of the next block: three
comparisons per value, vectorised along the row); each column-filtered row
goes at once, while it is in L1, into a row buffer continued by its edge
values, and across it by doubling (``ceil(log2 mx)`` shifted comparisons
per value, vectorised) into the output. So the image is read once and the
output written once, with no intermediate image.

``nan`` as in ``minmax``: None for plain comparisons, True for a NaN that
wins (numpy's ``max``), False for a NaN that loses (``np.nanmax``, the NA
border).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from ...filtering.strategies._threads import parallel_twin
from .minmax import _pick

__all__ = ["rect_bands"]


@njit(no_cpython_wrapper=True, inline="always")
def _across(e, tmp, out, ob, w, mx, is_max, nan):  # pragma: no cover - numba
    """``out[ob + x] = max(e[x : x + mx])`` for ``x < w``, by doubling through ``tmp``
    (``e`` is overwritten)."""
    z = np.uint64(0)
    cur, nxt = e, tmp
    s = 1
    while 2 * s <= mx:  # spans of s -> 2 s
        span = np.uint64(w + mx - 2 * s)
        us = np.uint64(s)
        for x in range(z, span):
            nxt[x] = _pick(cur[x], cur[x + us], is_max, nan)
        cur, nxt = nxt, cur
        s *= 2
    sh = np.uint64(mx - s)
    for x in range(z, np.uint64(w)):
        out[ob + x] = _pick(cur[x], cur[x + sh], is_max, nan)


@njit(no_cpython_wrapper=True, inline="always")
def _row_out(e, tmp, c0, c1, ax, W, d, ob, w, mx, is_max, nan):  # pragma: no cover - numba
    """Continue the column-filtered row in ``e`` (columns ``[c0, c1)`` at ``c - ax``) by
    its edge values over ``[0, w + mx - 1)``, and filter it across into ``d``."""
    lo, hi = c0 - ax, c1 - ax
    for k in range(0, lo):
        e[k] = e[lo]
    for k in range(hi, w + mx - 1):
        e[k] = e[hi - 1]
    _across(e, tmp, d, ob, w, mx, is_max, nan)


@njit(cache=True, nogil=True)
def rect_bands(t0, t1, src, dst, my, mx, ay, ax, is_max, nan, band):  # pragma: no cover
    """``dst[b, y, x]``: the maximum (or minimum) of ``src[b, Y, X]`` over
    ``Y = clip(y + ay + i, 0, H - 1)``, ``X = clip(x + ax + j, 0, W - 1)``,
    ``i < my``, ``j < mx`` (``src`` is ``(batch, H, W)``, ``dst`` ``(batch, h, w)``);
    tasks are bands of ``band`` output rows of each image. Every window's columns
    overlap the image's: ``ax < W`` and ``w + mx - 1 + ax > 0``."""
    H, W = src.shape[1], src.shape[2]
    h, w = dst.shape[1], dst.shape[2]
    nband = (h + band - 1) // band
    # the columns the windows reach, and where they sit in a row buffer
    c0, c1 = max(ax, 0), min(w + mx - 1 + ax, W)
    uc0, uc1 = np.uint64(c0), np.uint64(c1)
    off = np.uint64(c0 - ax) - uc0  # row buffer index of column c: c + off (modular)
    # suffix rows a few cache lines more than a row apart: rows 4 KiB apart alias in
    # the cache and in the store buffer's address checks
    S = np.uint64(W + 16)
    suf = np.empty(my * (W + 16), src.dtype)
    run = np.empty(W, src.dtype)
    e = np.empty(w + mx - 1, src.dtype)
    tmp = np.empty(w + mx - 1, src.dtype)
    uW = np.uint64(W)
    for task in range(t0, t1):
        b = task // nband
        y0 = (task - b * nband) * band
        y1 = min(y0 + band, h)
        x = src[b].reshape(H * W)
        d = dst[b].reshape(h * w)
        for k in range(y0, y1, my):  # a block of outputs [k, k + my)
            # suffix maxima of the block's rows k + ay + r, r = my - 1 down to 0
            row = np.uint64(min(max(k + ay + my - 1, 0), H - 1)) * uW
            sb = np.uint64(my - 1) * S
            for c in range(uc0, uc1):
                suf[sb + c] = x[row + c]
            for r in range(my - 2, -1, -1):
                row = np.uint64(min(max(k + ay + r, 0), H - 1)) * uW
                sb = np.uint64(r) * S
                sn = sb + S
                for c in range(uc0, uc1):
                    suf[sb + c] = _pick(x[row + c], suf[sn + c], is_max, nan)
            for c in range(uc0, uc1):
                e[c + off] = suf[c]
            _row_out(e, tmp, c0, c1, ax, W, d, np.uint64(k * w), w, mx, is_max, nan)
            # outputs k + r, r >= 1: the suffix from r and the next block's rows to r - 1
            for r in range(1, min(my, y1 - k)):
                row = np.uint64(min(max(k + ay + my + r - 1, 0), H - 1)) * uW
                sb = np.uint64(r) * S
                if r == 1:
                    for c in range(uc0, uc1):
                        a = x[row + c]
                        run[c] = a
                        e[c + off] = _pick(suf[sb + c], a, is_max, nan)
                else:
                    for c in range(uc0, uc1):
                        a = _pick(run[c], x[row + c], is_max, nan)
                        run[c] = a
                        e[c + off] = _pick(suf[sb + c], a, is_max, nan)
                ob = np.uint64((k + r) * w)
                _row_out(e, tmp, c0, c1, ax, W, d, ob, w, mx, is_max, nan)


@parallel_twin(rect_bands)
@njit(cache=True, parallel=True, nogil=True)
def rect_bands_parallel(pieces, ntasks, *args):  # pragma: no cover - numba
    """``rect_bands`` over ``pieces`` slices of ``[0, ntasks)``, one per thread."""
    for p in prange(pieces):
        rect_bands(ntasks * p // pieces, ntasks * (p + 1) // pieces, *args)
