"""A selection (median, rank, percentile) over a window of any footprint.

The footprint is a list of flat offsets into the extended (padded) array,
``src`` flattened; output row ``r`` of ``dst`` (a 2-D view, rows by values
along the contiguous axis) starts at ``bases[r]``: pixel ``x`` of that row
selects among ``src[bases[r] + x + offsets[k]]``. Rows are the tasks that
``run_tasks`` spreads over threads.

Three loops:

- ``network_rows``: a comparator network (``window._networks``) applied to whole rows
  of pixels at once: each window element is a row of a small buffer (a
  chunk of pixels wide), each comparator a vectorised min/max of two rows.
  Only the comparators that reach the selected ranks are kept.
- ``median9_rows``: the median of nine values (a 3x3 window or any other
  nine offsets) by a fixed 19-comparator network held in registers, one
  vectorised sweep per row.
- ``select_rows``: per pixel, the window's values gathered into a buffer and
  selected there (insertion sort for small windows, quickselect beyond);
  it can leave NaNs out (``skip_nan``: the NA border's rule), where the
  count, and so the rank, differs from pixel to pixel.

What is selected (``kind``, with ``k`` and ``q``): ``RANK`` the ``k``-th
smallest (negative ``k`` counts from the top), ``MEDIAN`` numpy's median
(the mean of the two middle values of an even count), ``UPPER`` the upper
middle value (scipy's median_filter), ``PERCENTILE`` rank
``min(int(q / 100 * n), n - 1)`` (scipy's percentile_filter). The mean of
two integers is rounded half to even into their type, as the output keeps
the input's dtype. Without ``skip_nan``, a window holding a NaN gives NaN
(numpy's rule for ``np.median``).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange, types
from numba.extending import overload

from ...filtering.strategies._threads import parallel_twin

__all__ = [
    "MEDIAN",
    "PERCENTILE",
    "RANK",
    "UPPER",
    "median9_rows",
    "network_rows",
    "ranks",
    "select_rows",
]

RANK, MEDIAN, UPPER, PERCENTILE = 0, 1, 2, 3


@njit(cache=True)
def ranks(kind, n, k=0, q=0.0):  # pragma: no cover - numba
    """The ranks ``(lo, hi)`` of the values a selection ``kind`` of ``n`` values reads:
    the output is their mean when they differ (numpy's median of an even count).
    A rank ``k`` outside ``[-n, n)`` is clipped to it."""
    if kind == MEDIAN:
        return (n - 1) // 2, n // 2
    if kind == UPPER:
        return n // 2, n // 2
    if kind == PERCENTILE:
        r = min(int(q / 100.0 * n), n - 1)
        return r, r
    r = min(max(k if k >= 0 else n + k, 0), n - 1)
    return r, r


def _mean2(a, b):  # pragma: no cover - the numba overload below is what runs
    """The mean of two middle values ``a <= b`` in their own type."""
    raise NotImplementedError


@overload(_mean2, jit_options={"cache": True})
def _mean2_impl(a, b):  # pragma: no cover - numba
    """Floats: ``(a + b) / 2`` with the sum in their type (numpy's mean of two).
    Integers: rounded half to even, without overflow (``a <= b``)."""
    if isinstance(a, types.Float):
        return lambda a, b: (a + b) * 0.5

    def integer(a, b):
        d = np.int64(b) - np.int64(a)
        r = np.int64(a) + (d >> 1)
        if d & 1 and r & 1:  # a tie: to the even neighbour
            r += 1
        return r

    return integer


@njit(cache=True, nogil=True)
def network_rows(t0, t1, src, bases, offsets, dst, pairs, lo, hi, chunk):  # pragma: no cover
    """``dst[r, x]``: rank ``lo`` (the mean of ranks ``lo`` and ``hi`` if they differ)
    of the window's values, by the comparators ``pairs`` over rows of ``chunk``
    pixels; NaN where the window holds a NaN."""
    nk = offsets.shape[0]
    n = dst.shape[1]
    buf = np.empty((nk, chunk), src.dtype)
    small, large = np.empty(chunk, src.dtype), np.empty(chunk, src.dtype)
    bad = np.empty(chunk, np.bool_)
    z = np.uint64(0)
    for r in range(t0, t1):
        d = dst[r]
        for x0 in range(0, n, chunk):
            w = np.uint64(min(chunk, n - x0))
            for e in range(z, w):
                bad[e] = False
            for k in range(nk):
                row = buf[k]
                at = np.uint64(bases[r] + x0 + offsets[k])
                for e in range(z, w):
                    v = src[at + e]
                    row[e] = v
                    bad[e] |= v != v  # folds away for integers
            for c in range(pairs.shape[0]):
                # through two scratch rows: LLVM does not vectorise a loop that
                # stores to two rows of one array an unknown distance apart
                ra, rb = buf[pairs[c, 0]], buf[pairs[c, 1]]
                for e in range(z, w):
                    a, b = ra[e], rb[e]
                    small[e] = min(a, b)
                    large[e] = max(a, b)
                for e in range(z, w):
                    ra[e] = small[e]
                for e in range(z, w):
                    rb[e] = large[e]
            rl, rh, ux = buf[lo], buf[hi], np.uint64(x0)
            if lo == hi:
                for e in range(z, w):
                    d[ux + e] = rl[e]
            else:
                for e in range(z, w):
                    d[ux + e] = _mean2(rl[e], rh[e])
            for e in range(z, w):
                if bad[e]:
                    d[ux + e] = np.nan


@parallel_twin(network_rows)
@njit(cache=True, parallel=True, nogil=True)
def network_rows_parallel(pieces, ntasks, *args):  # pragma: no cover - numba
    """``network_rows`` over ``pieces`` slices of ``[0, ntasks)``, one per thread."""
    for p in prange(pieces):
        network_rows(ntasks * p // pieces, ntasks * (p + 1) // pieces, *args)


@njit(no_cpython_wrapper=True, inline="always")
def _sort2(a, b):  # pragma: no cover - numba
    return (a, b) if a < b else (b, a)


@njit(no_cpython_wrapper=True, inline="always")
def _med9(p0, p1, p2, p3, p4, p5, p6, p7, p8):  # pragma: no cover - numba
    """The median of nine values: Paeth's 19-comparator network (comparators
    whose other output goes unused are left to the compiler to drop)."""
    p1, p2 = _sort2(p1, p2)
    p4, p5 = _sort2(p4, p5)
    p7, p8 = _sort2(p7, p8)
    p0, p1 = _sort2(p0, p1)
    p3, p4 = _sort2(p3, p4)
    p6, p7 = _sort2(p6, p7)
    p1, p2 = _sort2(p1, p2)
    p4, p5 = _sort2(p4, p5)
    p7, p8 = _sort2(p7, p8)
    p0, p3 = _sort2(p0, p3)
    p5, p8 = _sort2(p5, p8)
    p4, p7 = _sort2(p4, p7)
    p3, p6 = _sort2(p3, p6)
    p1, p4 = _sort2(p1, p4)
    p2, p5 = _sort2(p2, p5)
    p4, p7 = _sort2(p4, p7)
    p4, p2 = _sort2(p4, p2)
    p6, p4 = _sort2(p6, p4)
    p4, p2 = _sort2(p4, p2)
    return p4


@njit(cache=True, nogil=True)
def median9_rows(t0, t1, src, bases, offsets, dst):  # pragma: no cover - numba
    """``dst[r, x]``: the median of the nine values at ``offsets`` (NaN where one is NaN)."""
    n = dst.shape[1]
    z, un = np.uint64(0), np.uint64(n)
    for r in range(t0, t1):
        d = dst[r]
        b = bases[r]
        a0, a1, a2 = np.uint64(b + offsets[0]), np.uint64(b + offsets[1]), np.uint64(b + offsets[2])
        a3, a4, a5 = np.uint64(b + offsets[3]), np.uint64(b + offsets[4]), np.uint64(b + offsets[5])
        a6, a7, a8 = np.uint64(b + offsets[6]), np.uint64(b + offsets[7]), np.uint64(b + offsets[8])
        for x in range(z, un):
            v0, v1, v2 = src[a0 + x], src[a1 + x], src[a2 + x]
            v3, v4, v5 = src[a3 + x], src[a4 + x], src[a5 + x]
            v6, v7, v8 = src[a6 + x], src[a7 + x], src[a8 + x]
            d[x] = _med9(v0, v1, v2, v3, v4, v5, v6, v7, v8)
        for x in range(z, un):  # NaN: numpy's rule (the test folds away for integers)
            s = src[a0 + x] + src[a1 + x] + src[a2 + x] + src[a3 + x] + src[a4 + x]
            s += src[a5 + x] + src[a6 + x] + src[a7 + x] + src[a8 + x]
            if s != s:
                d[x] = _nan_or_inf_sum(src, x, a0, a1, a2, a3, a4, a5, a6, a7, a8, d[x])


@njit(no_cpython_wrapper=True)
def _nan_or_inf_sum(src, x, a0, a1, a2, a3, a4, a5, a6, a7, a8, med):  # pragma: no cover
    """NaN if one of the nine values is NaN; else ``med`` (a NaN sum from +inf and -inf)."""
    for a in (a0, a1, a2, a3, a4, a5, a6, a7, a8):
        v = src[a + x]
        if v != v:
            return v
    return med


@parallel_twin(median9_rows)
@njit(cache=True, parallel=True, nogil=True)
def median9_rows_parallel(pieces, ntasks, *args):  # pragma: no cover - numba
    """``median9_rows`` over ``pieces`` slices of ``[0, ntasks)``, one per thread."""
    for p in prange(pieces):
        median9_rows(ntasks * p // pieces, ntasks * (p + 1) // pieces, *args)


@njit(no_cpython_wrapper=True)
def _select(buf, n, r):  # pragma: no cover - numba
    """Rearrange ``buf[:n]`` so that ``buf[r]`` is its rank-``r`` value and
    ``buf[:r]`` holds the smaller ones: insertion sort up to 16 values,
    quickselect (Hoare's partition about a median of three) beyond."""
    left, right = 0, n - 1
    while right - left >= 16:
        mid = (left + right) // 2
        a, b, c = buf[left], buf[mid], buf[right]
        pivot = max(min(a, b), min(max(a, b), c))
        i, j = left, right
        while i <= j:
            while buf[i] < pivot:
                i += 1
            while buf[j] > pivot:
                j -= 1
            if i <= j:
                buf[i], buf[j] = buf[j], buf[i]
                i += 1
                j -= 1
        if r <= j:
            right = j
        elif r >= i:
            left = i
        else:
            return
    for i in range(left + 1, right + 1):
        v = buf[i]
        j = i - 1
        while j >= left and buf[j] > v:
            buf[j + 1] = buf[j]
            j -= 1
        buf[j + 1] = v


@njit(cache=True, nogil=True)
def select_rows(t0, t1, src, bases, offsets, dst, kind, k, q, skip_nan):  # pragma: no cover
    """``dst[r, x]``: the selection ``kind`` (with ``k``, ``q``) among the window's
    values, NaNs left out with ``skip_nan`` (NaN for a window of none), else NaN
    where the window holds a NaN."""
    nk = offsets.shape[0]
    buf = np.empty(nk, src.dtype)
    for r in range(t0, t1):
        d = dst[r]
        b = bases[r]
        for x in range(dst.shape[1]):
            n, nan = 0, False
            for j in range(nk):
                v = src[b + x + offsets[j]]
                if v != v:
                    nan = True
                    if skip_nan:
                        continue
                buf[n] = v
                n += 1
            if n == 0 or (nan and not skip_nan):
                d[x] = np.nan
                continue
            lo, hi = ranks(kind, n, k, q)  # of the values there are
            _select(buf, n, hi)
            if lo == hi:
                d[x] = buf[hi]
            else:  # the lower middle: the largest of the values below
                m = buf[0]
                for i in range(1, hi):
                    m = max(m, buf[i])
                d[x] = _mean2(m, buf[hi])


@parallel_twin(select_rows)
@njit(cache=True, parallel=True, nogil=True)
def select_rows_parallel(pieces, ntasks, *args):  # pragma: no cover - numba
    """``select_rows`` over ``pieces`` slices of ``[0, ntasks)``, one per thread."""
    for p in prange(pieces):
        select_rows(ntasks * p // pieces, ntasks * (p + 1) // pieces, *args)
