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

Each band's loops are compiled for a constant maximum-or-minimum and
comparison rule (``_band_for``, an overload on literal arguments), so that
the innermost loops test neither and compile to plain vector maxima or
minima; one more compilation takes both at run time, for the bands that
hold NaNs.

``nan`` as in ``minmax``: None for plain comparisons, True for a NaN that
wins (numpy's ``max``), False for a NaN that loses (``np.nanmax``, the NA
border). With True or False a band runs with plain comparisons first, noting
whether it read a NaN (a plain comparison is exact where there is none, and
a vector maximum where a NaN test is a compare and a blend more); a band
that did runs again by the NaN rule, and so does the next band, whose rows
overlap it, noting again.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange, types
from numba.extending import overload

from ...filtering.strategies._threads import parallel_twin

__all__ = ["rect_bands"]

PLAIN, NAN_WINS, NAN_LOSES = 0, 1, 2


@njit(no_cpython_wrapper=True, inline="always")
def _ext(a, b, is_max, rule):  # pragma: no cover - numba
    """The larger (``is_max``) or smaller of ``a`` and ``b`` by ``rule`` (``PLAIN``: ``b``
    when they do not compare; ``NAN_WINS``/``NAN_LOSES``: a NaN wins or loses)."""
    if is_max:
        r = a if a > b else b
    else:
        r = a if a < b else b
    if rule == NAN_WINS:
        return a if a != a else r
    if rule == NAN_LOSES:
        return a if b != b else r  # b NaN: a; a NaN and b not: r is b
    return r


@njit(no_cpython_wrapper=True, inline="always")
def _across(e, tmp, out, ob, w, mx, is_max, rule):  # pragma: no cover - numba
    """``out[ob + x] = max(e[x : x + mx])`` for ``x < w``, by doubling through ``tmp``
    (``e`` is overwritten): two doublings per pass over the row while they fit (one
    store a value for two levels), then one, then the last shifted comparison."""
    z = np.uint64(0)
    cur, nxt = e, tmp
    s = 1
    while 4 * s <= mx:  # spans of s -> 4 s: two levels in one pass
        span = np.uint64(w + mx - 4 * s)
        us, u2, u3 = np.uint64(s), np.uint64(2 * s), np.uint64(3 * s)
        for x in range(z, span):
            a = _ext(cur[x], cur[x + us], is_max, rule)
            b = _ext(cur[x + u2], cur[x + u3], is_max, rule)
            nxt[x] = _ext(a, b, is_max, rule)
        cur, nxt = nxt, cur
        s *= 4
    while 2 * s <= mx:  # spans of s -> 2 s
        span = np.uint64(w + mx - 2 * s)
        us = np.uint64(s)
        for x in range(z, span):
            nxt[x] = _ext(cur[x], cur[x + us], is_max, rule)
        cur, nxt = nxt, cur
        s *= 2
    sh = np.uint64(mx - s)
    for x in range(z, np.uint64(w)):
        out[ob + x] = _ext(cur[x], cur[x + sh], is_max, rule)


@njit(no_cpython_wrapper=True, inline="always")
def _row_out(e, tmp, c0, c1, ax, d, ob, w, mx, is_max, rule):  # pragma: no cover - numba
    """Continue the column-filtered row in ``e`` (columns ``[c0, c1)`` at ``c - ax``) by
    its edge values over ``[0, w + mx - 1)``, and filter it across into ``d``."""
    lo, hi = c0 - ax, c1 - ax
    for k in range(0, lo):
        e[k] = e[lo]
    for k in range(hi, w + mx - 1):
        e[k] = e[hi - 1]
    _across(e, tmp, d, ob, w, mx, is_max, rule)


def _band(x, d, y0, y1, H, W, w, my, mx, ay, ax, suf, run, e, tmp, is_max, rule):
    """Output rows ``[y0, y1)`` of one image (``x``, ``d`` flat); whether it read a NaN.
    ``_band_for`` compiles it for constant ``is_max`` and ``rule`` (loops that test
    neither) and once for both given at run time."""
    raise NotImplementedError("numba only")  # pragma: no cover - numba


@overload(_band, prefer_literal=True)
def _band_for(x, d, y0, y1, H, W, w, my, mx, ay, ax, suf, run, e, tmp, is_max, rule):
    """``_band`` for constant ``is_max`` and ``rule``, or for both given at run time."""
    if isinstance(is_max, types.Literal) and isinstance(rule, types.Literal):
        maximum, how = is_max.literal_value, rule.literal_value
    elif isinstance(is_max, types.Literal) or isinstance(rule, types.Literal):
        return None  # both constant or neither
    else:
        maximum, how = True, -1  # -1: the arguments decide

    def body(x, d, y0, y1, H, W, w, my, mx, ay, ax, suf, run, e, tmp, is_max, rule):
        big = is_max if how < 0 else maximum
        how_ = rule if how < 0 else how
        seen = False
        c0, c1 = max(ax, 0), min(w + mx - 1 + ax, W)
        uc0, uc1 = np.uint64(c0), np.uint64(c1)
        off = np.uint64(c0 - ax) - uc0  # row buffer index of column c: c + off (modular)
        S = np.uint64(W + 16)
        uW = np.uint64(W)
        for k in range(y0, y1, my):  # a block of outputs [k, k + my)
            # suffix maxima of the block's rows k + ay + r, r = my - 1 down to 0
            row = np.uint64(min(max(k + ay + my - 1, 0), H - 1)) * uW
            sb = np.uint64(my - 1) * S
            for c in range(uc0, uc1):
                a = x[row + c]
                seen |= a != a
                suf[sb + c] = a
            for r in range(my - 2, -1, -1):
                row = np.uint64(min(max(k + ay + r, 0), H - 1)) * uW
                sb = np.uint64(r) * S
                sn = sb + S
                for c in range(uc0, uc1):
                    a = x[row + c]
                    seen |= a != a
                    suf[sb + c] = _ext(a, suf[sn + c], big, how_)
            # output k + r: the suffix from r and, for r >= 1, the next block's rows to r - 1
            for r in range(0, min(my, y1 - k)):
                row = np.uint64(min(max(k + ay + my + r - 1, 0), H - 1)) * uW
                sb = np.uint64(r) * S
                if r == 0:
                    for c in range(uc0, uc1):
                        e[c + off] = suf[c]
                elif r == 1:
                    for c in range(uc0, uc1):
                        a = x[row + c]
                        seen |= a != a
                        run[c] = a
                        e[c + off] = _ext(suf[sb + c], a, big, how_)
                else:
                    for c in range(uc0, uc1):
                        v = x[row + c]
                        seen |= v != v
                        a = _ext(run[c], v, big, how_)
                        run[c] = a
                        e[c + off] = _ext(suf[sb + c], a, big, how_)
                ob = np.uint64((k + r) * w)
                _row_out(e, tmp, c0, c1, ax, d, ob, w, mx, big, how_)
        return seen

    return body


@njit(cache=True, nogil=True)
def rect_bands(t0, t1, src, dst, my, mx, ay, ax, is_max, nan, band):  # pragma: no cover
    """``dst[b, y, x]``: the maximum (or minimum) of ``src[b, Y, X]`` over
    ``Y = clip(y + ay + i, 0, H - 1)``, ``X = clip(x + ax + j, 0, W - 1)``,
    ``i < my``, ``j < mx`` (``src`` is ``(batch, H, W)``, ``dst`` ``(batch, h, w)``);
    tasks are bands of ``band`` output rows of each image. Every window's columns
    overlap the image's: ``ax < W`` and ``w + mx - 1 + ax > 0``. A band runs with
    plain comparisons unless it, or the band before, holds a NaN."""
    H, W = src.shape[1], src.shape[2]
    h, w = dst.shape[1], dst.shape[2]
    nband = (h + band - 1) // band
    # suffix rows a few cache lines more than a row apart: rows 4 KiB apart alias in
    # the cache and in the store buffer's address checks
    suf = np.empty(my * (W + 16), src.dtype)
    run = np.empty(W, src.dtype)
    e = np.empty(w + mx - 1, src.dtype)
    tmp = np.empty(w + mx - 1, src.dtype)
    rule = NAN_WINS if nan else NAN_LOSES
    seen = False
    for task in range(t0, t1):
        b = task // nband
        y0 = (task - b * nband) * band
        y1 = min(y0 + band, h)
        x = src[b].reshape(H * W)
        d = dst[b].reshape(h * w)
        if nan is not None and seen:
            seen = _band(x, d, y0, y1, H, W, w, my, mx, ay, ax, suf, run, e, tmp, is_max, rule)
            continue
        if is_max:
            seen = _band(x, d, y0, y1, H, W, w, my, mx, ay, ax, suf, run, e, tmp, True, PLAIN)
        else:
            seen = _band(x, d, y0, y1, H, W, w, my, mx, ay, ax, suf, run, e, tmp, False, PLAIN)
        if nan is not None and seen:  # again, NaNs by the rule
            _band(x, d, y0, y1, H, W, w, my, mx, ay, ax, suf, run, e, tmp, is_max, rule)


@parallel_twin(rect_bands)
@njit(cache=True, parallel=True, nogil=True)
def rect_bands_parallel(pieces, ntasks, *args):  # pragma: no cover - numba
    """``rect_bands`` over ``pieces`` slices of ``[0, ntasks)``, one per thread."""
    for p in prange(pieces):
        rect_bands(ntasks * p // pieces, ntasks * (p + 1) // pieces, *args)
