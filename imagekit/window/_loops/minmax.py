"""Running minimum or maximum along one axis of an already extended array.

The array is viewed as ``(outer, n + m - 1, inner)`` with the filtered axis
in the middle (C order: ``outer`` the axes before it, ``inner`` those
after), and the output as ``(outer, n, inner)``: ``dst[o, i, e]`` is the
maximum (or minimum) of ``src[o, i : i + m, e]``. A rectangular N-D window
is one pass per axis.

``vanherk_lines`` is van Herk / Gil-Werman: the line is cut into blocks of
``m``; the maximum of a window is that of a suffix of one block and a
prefix of the next, so three comparisons per value suffice whatever ``m``
is. The comparisons run across ``inner`` (vectorised), which suits every
axis but the last. ``doubling_lines`` takes the maximum of 2, 4, 8, ...
values by doubling, ``ceil(log2 m)`` passes over a line, each one shifted
comparison per value along contiguous memory: vectorised along the line
itself, which is what the last axis (``inner == 1``) needs for moderate
``m``.

A task is one block of ``m`` outputs of a chunk of ``chunk`` values of
``inner`` (``vanherk_lines``) or one outer line (``doubling_lines``), so
that ``run_tasks`` spreads even a single line (a 2-D image's first axis)
over threads.

NaN: with ``nan`` None the comparisons are plain ``<``/``>`` (what NaN-free
data needs, and what vectorises best); with ``nan`` True a NaN wins every
comparison, so a window holding one gives NaN (numpy's ``min``/``max``);
with ``nan`` False a NaN loses every comparison, so NaNs are left out and
only a window of NaNs alone gives NaN (the NA border's rule, ``np.nanmax``).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from ...filtering.strategies._threads import parallel_twin

__all__ = ["doubling_lines", "vanherk_lines"]


@njit(no_cpython_wrapper=True, inline="always")
def _pick(a, b, is_max, nan):  # pragma: no cover - numba
    """The larger (``is_max``) or smaller of ``a`` and ``b``; a NaN wins when ``nan``
    is True and loses when it is False."""
    if nan is not None:
        if a != a:
            return a if nan else b
        if b != b:
            return b if nan else a
    if is_max:
        return a if a > b else b
    return a if a < b else b


@njit(cache=True, nogil=True)
def vanherk_lines(t0, t1, src, dst, m, is_max, nan, chunk):  # pragma: no cover - numba
    """``dst[o, i, e] = max(src[o, i : i + m, e])`` (or min) by van Herk / Gil-Werman.

    A task is one block of ``m`` outputs of values ``[c0, c0 + chunk)`` of
    ``inner`` in one outer line (tasks in C order of ``(outer, chunk, block)``:
    whole rows keep the hardware prefetcher streaming). Block ``k`` of outputs
    ``[k m, k m + m)`` reads the block's suffix maxima ``suf`` (a backward scan
    over ``src[k m : k m + m]``) and a running prefix maximum of the next block.
    Indices are unsigned and flat: numba tests a signed index for wrap-around
    on every element, which stops vectorisation.
    """
    n = dst.shape[1]
    inner = dst.shape[2]
    nchunk = (inner + chunk - 1) // chunk
    nblk = (n + m - 1) // m
    wmax = min(chunk, inner)
    suf = np.empty(m * wmax, src.dtype)
    run = np.empty(wmax, src.dtype)
    z = np.uint64(0)
    for task in range(t0, t1):
        o, rest = task // (nchunk * nblk), task % (nchunk * nblk)
        c0 = (rest // nblk) * chunk
        k0 = (rest % nblk) * m
        uw = np.uint64(min(chunk, inner - c0))
        x = src[o].reshape(src.shape[1] * inner)
        d = dst[o].reshape(n * inner)
        # suffix maxima of the block src[k0 : k0 + m], rows m - 1 down to 0
        base = np.uint64((k0 + m - 1) * inner + c0)
        sb = np.uint64((m - 1) * wmax)
        for e in range(z, uw):
            suf[sb + e] = x[base + e]
        for r in range(m - 2, -1, -1):
            base = np.uint64((k0 + r) * inner + c0)
            sb = np.uint64(r * wmax)
            sn = sb + np.uint64(wmax)
            for e in range(z, uw):
                suf[sb + e] = _pick(x[base + e], suf[sn + e], is_max, nan)
        base = np.uint64(k0 * inner + c0)
        for e in range(z, uw):
            d[base + e] = suf[e]
        # outputs k0 + r, r >= 1: the suffix from r and the next block's prefix to r - 1
        for r in range(1, min(m, n - k0)):
            xb = np.uint64((k0 + m + r - 1) * inner + c0)
            sb = np.uint64(r * wmax)
            db = np.uint64((k0 + r) * inner + c0)
            if r == 1:
                for e in range(z, uw):
                    a = x[xb + e]
                    run[e] = a
                    d[db + e] = _pick(suf[sb + e], a, is_max, nan)
            else:  # one loop: the running prefix stays in a register
                for e in range(z, uw):
                    a = _pick(run[e], x[xb + e], is_max, nan)
                    run[e] = a
                    d[db + e] = _pick(suf[sb + e], a, is_max, nan)


@parallel_twin(vanherk_lines)
@njit(cache=True, parallel=True, nogil=True)
def vanherk_lines_parallel(pieces, ntasks, *args):  # pragma: no cover - numba
    """``vanherk_lines`` over ``pieces`` slices of ``[0, ntasks)``, one per thread."""
    for p in prange(pieces):
        vanherk_lines(ntasks * p // pieces, ntasks * (p + 1) // pieces, *args)


@njit(cache=True, nogil=True)
def doubling_lines(t0, t1, src, dst, m, is_max, nan):  # pragma: no cover - numba
    """``dst[o, i, e] = max(src[o, i : i + m, e])`` (or min) by doubling, line by line.

    Task ``t`` is outer line ``t``, flattened to ``(n + m - 1) * inner`` values.
    After pass ``p`` the buffer holds the maxima of ``2**p`` consecutive values
    along the axis (a shift of ``2**(p-1) * inner``); the output is the maximum
    of two overlapping spans of the largest power of two ``s <= m``, ``s`` and
    ``m - s`` apart.
    """
    n = dst.shape[1]
    inner = dst.shape[2]
    ext = src.shape[1] * inner
    a = np.empty(ext, src.dtype)
    b = np.empty(ext, src.dtype)
    z = np.uint64(0)
    un = np.uint64(n * inner)
    for o in range(t0, t1):
        line = src[o].reshape(ext)
        out = dst[o].reshape(n * inner)
        s, p = 1, 0
        cur = line
        while 2 * s <= m:  # spans of s -> 2 s: valid over (n + m - 2 s) * inner values
            span = np.uint64((src.shape[1] - 2 * s + 1) * inner)
            sh = np.uint64(s * inner)
            nxt = a if p % 2 == 0 else b
            for x in range(z, span):
                nxt[x] = _pick(cur[x], cur[x + sh], is_max, nan)
            cur = nxt
            s, p = 2 * s, p + 1
        sh = np.uint64((m - s) * inner)
        for x in range(z, un):
            out[x] = _pick(cur[x], cur[x + sh], is_max, nan)


@parallel_twin(doubling_lines)
@njit(cache=True, parallel=True, nogil=True)
def doubling_lines_parallel(pieces, ntasks, *args):  # pragma: no cover - numba
    """``doubling_lines`` over ``pieces`` slices of ``[0, ntasks)``, one per thread."""
    for p in prange(pieces):
        doubling_lines(ntasks * p // pieces, ntasks * (p + 1) // pieces, *args)
