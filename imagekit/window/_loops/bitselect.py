"""Median, rank and percentile of unsigned integer images over any footprint, by a
binary search on the bits of the selected value, counted across pixels at once.

The value of rank ``r`` among a window's values is the largest ``t`` with at
most ``r`` values below ``t`` (``t < 2**nbits``). Its bits are found from the top one down: with
the bits above found (``p``), bit ``b`` is set when ``count(v < p | 2**b) <=
r``. Each count is a sum over the footprint of a comparison, done for a chunk
of pixels of an output row at once (one vectorised compare-and-add per
footprint element), so a selection costs ``nbits * len(offsets)`` such steps
per pixel whatever the values are, with no branch and no histogram. That
beats a sliding histogram (``histogram``, ``histogram_runs``) for small and
middling footprints of 8-bit values, where the histogram's updates and its
walk cost more per pixel than the vector lanes share.

The geometry is ``select``'s: ``src`` is the extended array flattened, output
row ``i`` of ``dst`` reads ``src[bases[i] + x + offsets[j]]``. Counts are kept
in ``src``'s dtype, so a footprint must have fewer elements than its largest
value (the caller widens the extension otherwise).

NA (``na``): pixels outside the image hold the dtype's largest value (the
caller extends with ``Fill(np.iinfo(dtype).max)``). No threshold exceeds
it, so no count includes them: they change nothing but the count ``n`` of a
window's values, which is the number of its elements inside the image (from
the footprint's geometry, not the values), and the ranks are those of ``n``
values (``select.ranks``); a window with no pixel in the image gets ``empty``.
``nbits`` is the dtype's width or less (values below ``2**nbits``). The
mean of the two middle values of an even count (``MEDIAN``) is rounded half
to even.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from ...filtering.strategies._threads import parallel_twin
from .select import MEDIAN, ranks

__all__ = ["bits_rows"]


@njit(no_cpython_wrapper=True, inline="always")
def _search(src, at, offsets, width, rank, p, t, cnt, nbits):  # pragma: no cover - numba
    """``p[:width]``: the value of rank ``rank[x]`` among ``src[at + x + offsets]``
    (``t`` and ``cnt``: scratch rows of thresholds and counts)."""
    z, uw = np.uint64(0), np.uint64(width)
    for x in range(z, uw):
        p[x] = 0
    for b in range(nbits - 1, -1, -1):
        bit = 1 << b
        for x in range(z, uw):
            t[x] = p[x] | bit
            cnt[x] = 0
        n4 = offsets.size // 4 * 4
        for j in range(0, n4, 4):  # four elements a sweep: counts and thresholds read once
            b0, b1 = np.uint64(at + offsets[j]), np.uint64(at + offsets[j + 1])
            b2, b3 = np.uint64(at + offsets[j + 2]), np.uint64(at + offsets[j + 3])
            for x in range(z, uw):
                tx = t[x]
                c = (src[b0 + x] < tx) + (src[b1 + x] < tx)
                cnt[x] += c + (src[b2 + x] < tx) + (src[b3 + x] < tx)
        for j in range(n4, offsets.size):  # one array type throughout: the loops vectorise
            base = np.uint64(at + offsets[j])
            for x in range(z, uw):
                cnt[x] += src[base + x] < t[x]
        for x in range(z, uw):  # p = t where the count allows it (a blend: vectorised)
            keep = np.int64(cnt[x] <= rank[x])
            p[x] = (t[x] & -keep) | (p[x] & (keep - 1))


@njit(no_cpython_wrapper=True)
def _counts(n, x0, width, y, dy, dx, H, W):  # pragma: no cover - numba
    """``n[x]``: how many of the window's elements ``(y + dy, x0 + x + dx)`` lie
    inside the ``H`` x ``W`` image."""
    rows = 0
    for j in range(dy.size):
        rows += 0 <= y + dy[j] < H
    for x in range(width):
        n[x] = rows
    lo, hi = -dx.min(), W - dx.max()  # pixels in [lo, hi) keep every column
    for x in range(width):
        if lo <= x0 + x < hi:
            continue
        c = 0
        for j in range(dy.size):
            c += (0 <= y + dy[j] < H) and (0 <= x0 + x + dx[j] < W)
        n[x] = c


@njit(cache=True, nogil=True)
def bits_rows(
    t0, t1, src, bases, offsets, dst, kind, k, q, nbits, dy, dx, H, W, empty, chunk
):  # pragma: no cover
    """``dst[i, x]``: the selection ``kind`` (with ``k``, ``q``) among the values of
    ``src[bases[i] + x + offsets]``; tasks are output rows. With NA (``H > 0``),
    only the elements inside the ``H`` x ``W`` image count (``empty`` where there
    are none): ``dy``, ``dx`` are the footprint's elements relative to the pixel,
    and output row ``i`` is image row ``i % H``."""
    w = dst.shape[1]
    total = offsets.size
    p = np.empty(chunk, src.dtype)
    p2 = np.empty(chunk, src.dtype)
    t = np.empty(chunk, src.dtype)
    cnt = np.empty(chunk, src.dtype)
    lo = np.empty(chunk, src.dtype)
    hi = np.empty(chunk, src.dtype)
    n = np.empty(chunk, np.int64)
    lo_all, hi_all = ranks(kind, total, k, q)
    for i in range(t0, t1):
        d = dst[i]
        for x0 in range(0, w, chunk):
            width = min(chunk, w - x0)
            at = bases[i] + x0
            two = lo_all != hi_all
            if H > 0:  # the ranks among the values there are
                _counts(n, x0, width, i % H, dy, dx, H, W)
                for x in range(width):
                    a, c = ranks(kind, max(n[x], 1), k, q)
                    lo[x], hi[x] = a, c
                two = kind == MEDIAN
            else:
                for x in range(width):
                    lo[x], hi[x] = lo_all, hi_all
            _search(src, at, offsets, width, lo, p, t, cnt, nbits)
            if two:
                _search(src, at, offsets, width, hi, p2, t, cnt, nbits)
                for x in range(width):  # the mean, rounded half to even
                    s = np.uint64(p[x]) + np.uint64(p2[x])
                    p[x] = (s >> 1) + (s & 1 & (s >> 1))
            for x in range(width):
                d[x0 + x] = p[x]
            if H > 0:
                for x in range(width):
                    if n[x] == 0:
                        d[x0 + x] = empty


@parallel_twin(bits_rows)
@njit(cache=True, parallel=True, nogil=True)
def bits_rows_parallel(pieces, ntasks, *args):  # pragma: no cover - numba
    """``bits_rows`` over ``pieces`` slices of ``[0, ntasks)``, one per thread."""
    for p in prange(pieces):
        bits_rows(ntasks * p // pieces, ntasks * (p + 1) // pieces, *args)
