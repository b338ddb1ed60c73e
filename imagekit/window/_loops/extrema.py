"""Local extrema: the pixels that beat every other pixel of their window.

The image is read in place, flattened (``src``, C order, shape ``shape``);
a task is one row (all axes but the last), and a pixel ``x`` of row ``r``
sits at ``r * W + x``. The window's other pixels are given twice: as flat
offsets (``offsets``, read where the whole window lies in the image) and as
per-axis offsets (``deltas``, one row per pixel, checked against the
image's edges elsewhere). ``lo`` and ``hi`` are the smallest and largest
per-axis offsets of the window.

A pixel ``v`` beats a neighbour ``w`` by ``mode``: ``v > w`` (``ABOVE``,
maxima) or ``v < w`` (``BELOW``, minima); a NaN neighbour is no
competitor (``not (w >= v)`` holds for it), and a NaN pixel is never an
extremum. What lies outside the image is left out (NA-like) where ``edges``
holds; otherwise only pixels whose whole window lies inside are tested. ``thr`` (used when
``use_thr``) must be beaten too: the threshold, in the image's type.

Each row writes the positions ``x`` of its extrema into ``found[r * W:]``,
in order, and their count into ``counts[r]``; ``coordinates`` then gathers
them, rows in order, into an ``(n, ndim)`` array (C order of the pixels).

Two loops find them: ``extrema_rows`` for any window, and ``extrema3_rows``
for a full 3x3 window over the last two axes of a ``(B, H, W)`` image,
which tests whole rows at once (eight vectorised comparisons per pixel,
no branch), then gathers the row's extrema without a branch either.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from ...filtering.strategies._threads import parallel_twin

__all__ = [
    "ABOVE",
    "BELOW",
    "coordinates",
    "extrema3_rows",
    "extrema_rows",
]

ABOVE, BELOW = 0, 1


@njit(no_cpython_wrapper=True, inline="always")
def _above(v, w):  # pragma: no cover - numba
    return not (w >= v)


@njit(no_cpython_wrapper=True, inline="always")
def _below(v, w):  # pragma: no cover - numba
    return not (w <= v)


@njit(no_cpython_wrapper=True, inline="always")
def _beats(v, w, mode):  # pragma: no cover - numba
    """Whether ``v`` beats ``w`` by ``mode``: ``ABOVE`` or ``BELOW``."""
    if mode == ABOVE:
        return not (w >= v)
    return not (w <= v)


@njit(no_cpython_wrapper=True, inline="always")
def _candidate(v, thr, use_thr, mode):  # pragma: no cover - numba
    """Whether ``v`` may be an extremum at all: a number that beats the threshold."""
    return v == v and (not use_thr or _beats(v, thr, mode))


@njit(no_cpython_wrapper=True, inline="always")
def _row_index(r, shape, idx):  # pragma: no cover - numba
    """``idx[:ndim - 1]`` = the multi-index of row ``r``."""
    for d in range(shape.size - 2, -1, -1):
        idx[d] = r % shape[d]
        r //= shape[d]


@njit(no_cpython_wrapper=True, inline="always")
def _row_inside(idx, shape, lo, hi):  # pragma: no cover - numba
    """Whether the windows of row ``idx`` lie inside the image along the row axes."""
    for d in range(shape.size - 1):
        if idx[d] + lo[d] < 0 or idx[d] + hi[d] >= shape[d]:
            return False
    return True


@njit(no_cpython_wrapper=True, inline="always")
def _inner(src, p, offsets, thr, use_thr, mode):  # pragma: no cover - numba
    """Whether pixel ``p``, whose window lies inside the image, is an extremum."""
    v = src[p]
    if not _candidate(v, thr, use_thr, mode):
        return False
    for k in range(offsets.size):
        if not _beats(v, src[p + offsets[k]], mode):
            return False
    return True


@njit(no_cpython_wrapper=True)
def _edge(src, r, x, idx, shape, deltas, thr, use_thr, mode):  # pragma: no cover - numba
    """Whether pixel ``x`` of row ``r`` (multi-index ``idx``), whose window crosses the
    image's edge, is an extremum: the neighbours outside are left out."""
    ndim = shape.size
    w = shape[ndim - 1]
    v = src[r * w + x]
    if not _candidate(v, thr, use_thr, mode):
        return False
    for k in range(deltas.shape[0]):
        q = 0
        for d in range(ndim):
            j = (idx[d] if d < ndim - 1 else x) + deltas[k, d]
            if j < 0 or j >= shape[d]:
                q = -1
                break
            q = q * shape[d] + j
        if q >= 0 and not _beats(v, src[q], mode):
            return False
    return True


@njit(no_cpython_wrapper=True)
def _edge_run(src, r, x0, x1, idx, shape, deltas, thr, use_thr, mode, found, n):  # pragma: no cover
    """Test pixels ``[x0, x1)`` of row ``r`` by ``_edge``; the new count of ``found``."""
    base = r * shape[shape.size - 1]
    for x in range(x0, x1):
        if _edge(src, r, x, idx, shape, deltas, thr, use_thr, mode):
            found[base + n] = x
            n += 1
    return n


@njit(cache=True, nogil=True)
def extrema_rows(
    t0, t1, src, shape, offsets, deltas, lo, hi, mode, edges, thr, use_thr, found, counts
):  # pragma: no cover
    """The extrema of rows ``[t0, t1)`` over any window (see the module's docstring)."""
    ndim = shape.size
    w = shape[ndim - 1]
    idx = np.zeros(ndim, np.int64)
    x0, x1 = min(max(-lo[ndim - 1], 0), w), max(min(w - hi[ndim - 1], w), 0)
    x1 = max(x0, x1)
    for r in range(t0, t1):
        _row_index(r, shape, idx)
        n = 0
        if _row_inside(idx, shape, lo, hi):
            if edges:
                n = _edge_run(src, r, 0, x0, idx, shape, deltas, thr, use_thr, mode, found, n)
            base = r * w
            for x in range(x0, x1):
                if _inner(src, base + x, offsets, thr, use_thr, mode):
                    found[base + n] = x
                    n += 1
            if edges:
                n = _edge_run(src, r, x1, w, idx, shape, deltas, thr, use_thr, mode, found, n)
        elif edges:
            n = _edge_run(src, r, 0, w, idx, shape, deltas, thr, use_thr, mode, found, n)
        counts[r] = n


@parallel_twin(extrema_rows)
@njit(cache=True, parallel=True, nogil=True)
def extrema_rows_parallel(pieces, ntasks, *args):  # pragma: no cover - numba
    for p in prange(pieces):
        extrema_rows(ntasks * p // pieces, ntasks * (p + 1) // pieces, *args)


@njit(no_cpython_wrapper=True, inline="always")
def _flags3(src, p, w, flags, thr, free, beats):  # pragma: no cover - numba
    """``flags[x]`` for the pixels ``x`` in ``[1, w - 1)`` of the row at ``src[p:]``,
    whose rows above and below are in the image: whether each is an extremum
    (``free``: whatever the threshold)."""
    above, row, below = src[p - w : p], src[p : p + w], src[p + w : p + 2 * w]
    for x in range(1, w - 1):
        v = row[x]
        ok = (v == v) & (free | beats(v, thr))
        ok &= beats(v, row[x - 1]) & beats(v, row[x + 1])
        ok &= beats(v, above[x - 1]) & beats(v, above[x]) & beats(v, above[x + 1])
        ok &= beats(v, below[x - 1]) & beats(v, below[x]) & beats(v, below[x + 1])
        flags[x] = ok


@njit(cache=True, nogil=True)
def extrema3_rows(
    t0, t1, src, shape, deltas, mode, edges, thr, use_thr, found, counts
):  # pragma: no cover
    """The strict extrema (``mode``: ``ABOVE`` or ``BELOW``) of rows ``[t0, t1)`` over a
    full 3x3 window on the last two axes (``h, w >= 3``); outside the image is left
    out, or, without ``edges``, the first and last rows and columns are not
    considered."""
    h, w = shape[shape.size - 2], shape[shape.size - 1]
    idx = np.zeros(shape.size, np.int64)
    flags = np.zeros(w, np.bool_)
    for r in range(t0, t1):
        y = r % h
        base = r * w
        n = 0
        if 0 < y < h - 1:
            if mode == BELOW:
                _flags3(src, base, w, flags, thr, not use_thr, _below)
            else:
                _flags3(src, base, w, flags, thr, not use_thr, _above)
            if edges:
                _row_index(r, shape, idx)
                n = _edge_run(src, r, 0, 1, idx, shape, deltas, thr, use_thr, mode, found, n)
            out = found[base : base + w]
            for x in range(1, w - 1):  # no branch: a slot is kept when its flag is set
                out[n] = x
                n += flags[x]
            if edges:
                n = _edge_run(src, r, w - 1, w, idx, shape, deltas, thr, use_thr, mode, found, n)
        elif edges:
            _row_index(r, shape, idx)
            n = _edge_run(src, r, 0, w, idx, shape, deltas, thr, use_thr, mode, found, n)
        counts[r] = n


@parallel_twin(extrema3_rows)
@njit(cache=True, parallel=True, nogil=True)
def extrema3_rows_parallel(pieces, ntasks, *args):  # pragma: no cover - numba
    for p in prange(pieces):
        extrema3_rows(ntasks * p // pieces, ntasks * (p + 1) // pieces, *args)


@njit(cache=True, nogil=True)
def coordinates(t0, t1, shape, found, counts, starts, out):  # pragma: no cover - numba
    """Rows ``[t0, t1)``' extrema as coordinates: row ``r``'s go to ``out[starts[r]:]``."""
    ndim = shape.size
    w = shape[ndim - 1]
    idx = np.zeros(ndim, np.int64)
    for r in range(t0, t1):
        _row_index(r, shape, idx)
        s = starts[r]
        for i in range(counts[r]):
            for d in range(ndim - 1):
                out[s + i, d] = idx[d]
            out[s + i, ndim - 1] = found[r * w + i]


@parallel_twin(coordinates)
@njit(cache=True, parallel=True, nogil=True)
def coordinates_parallel(pieces, ntasks, *args):  # pragma: no cover - numba
    for p in prange(pieces):
        coordinates(ntasks * p // pieces, ntasks * (p + 1) // pieces, *args)
