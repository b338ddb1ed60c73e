"""Numba loops for a kernel over two adjacent axes, reading the image in place.

``direct2_rows`` takes any kernel: for each output row, for each kernel row,
the image row it reads (or a constant fill row) is correlated into an
accumulator row, up to four taps per sweep over the columns where those taps
fall inside the image; the few output columns where a tap falls outside take
the border's value through a column index map. So no extended copy of the
image is made. The view is ``(batch, rows, cols * inner)``, ``inner`` values
(channels) per column.

``dense3_rows`` takes a full 3x3 kernel (the same arguments): all nine taps in
one sweep, nothing reloaded. Runs of output rows whose three image rows are
consecutive are one 2-D indexed sweep with unsigned column indices (numba
tests a signed index for wrap-around on every element, which stops LLVM
vectorising; and no row view is built per row); the other rows (through the
fill row or a reflection) and integer outputs take the same sweep one row at
a time. Edge columns read through the column map. Its calls are short, so it
has a numba-parallel twin, ``dense3_rows_parallel`` (see ``_threads``).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from ..strategies._threads import parallel_twin
from .primitives import edge_col, row, row_run, store

__all__ = ["dense3_rows", "direct2_rows"]


@njit(cache=True, nogil=True, fastmath={"contract"})
def direct2_rows(
    t0,
    t1,
    img,
    rowmap,
    fillrow,
    colmap,
    cfill,
    weights,
    dx,
    dst,
    inner,
    integer,
    lo,
    hi,
    block,
    dense3,
    wide,
):  # pragma: no cover - numba
    """``dst[b, y, o] = sum_{j,i} weights[j, i] * ext[b, y + j, o + dx[i]]`` (columns flat).

    ``rowmap[y + j]``: the image row (-1: the fill row); ``colmap[o + dx[i] + off]``
    with ``off = -dx[0]`` (``dx`` increases: ``start + arange``; ``dx.min()``
    would compile numpy's reduction into a cold first call): the image column a
    column outside the image reads (-1: ``cfill``). Zero weights are skipped.
    ``wide`` kernels (many taps per row) extend each row they read once, so no
    tap needs edge handling. Full 3x3
    kernels (``dense3``) go to ``dense3_rows`` instead: a separate function, so a
    first call compiles only the loops its kernel takes.
    """
    _, h, n = dst.shape
    w_cols = img.shape[2] // inner  # image width in columns
    n_cols = n // inner
    my, mx = weights.shape
    off = -dx[0]
    # wide: extended row positions [0, n_ext) are columns -off ..; [x0, x1) lie inside
    n_ext = n_cols + mx - 1
    x0 = min(off, n_ext) if off > 0 else 0
    x1 = max(min(n_ext, w_cols + off), x0)
    nblk = (h + block - 1) // block
    acc = np.empty(n, weights.dtype)
    xrow = np.empty(n_ext * inner if wide else 0, weights.dtype)
    ws = np.zeros(4, weights.dtype)
    ds = np.zeros(4, np.int64)
    for task in range(t0, t1):
        b = task // nblk
        y0 = (task - b * nblk) * block
        for y in range(y0, min(y0 + block, h)):
            for x in range(n):  # a loop: numba's slice fill is element-wise
                acc[x] = 0
            for j in range(my):
                r = row(img, b, rowmap[y + j], fillrow)
                if wide:  # the row extended once, then every tap sweeps the full width
                    # (inline, not a helper: a call per kernel row is a noticeable cost here)
                    span = (x1 - x0) * inner  # a loop: numba's slice copy is slow
                    into, src = xrow[x0 * inner : x0 * inner + span], r[(x0 - off) * inner :]
                    for x in range(span):
                        into[x] = src[x]
                    for t in range(n_ext - (x1 - x0)):  # the margins
                        if t >= x0:
                            t += x1 - x0
                        c = colmap[t]
                        for e in range(inner):
                            xrow[t * inner + e] = cfill if c < 0 else r[c * inner + e]
                    i = 0
                    while i + 4 <= mx:
                        w0, w1 = weights[j, i], weights[j, i + 1]
                        w2, w3 = weights[j, i + 2], weights[j, i + 3]
                        s0 = xrow[i * inner : i * inner + n]
                        s1 = xrow[(i + 1) * inner : (i + 1) * inner + n]
                        s2 = xrow[(i + 2) * inner : (i + 2) * inner + n]
                        s3 = xrow[(i + 3) * inner : (i + 3) * inner + n]
                        for x in range(n):
                            acc[x] = acc[x] + w0 * s0[x] + w1 * s1[x] + w2 * s2[x] + w3 * s3[x]
                        i += 4
                    for q in range(i, mx):
                        wi, si = weights[j, q], xrow[q * inner : q * inner + n]
                        if wi != 0:
                            for x in range(n):
                                acc[x] += wi * si[x]
                    continue
                i = 0
                while i < mx:
                    # up to four non-zero taps of this kernel row per sweep
                    k = 0
                    ws[:] = 0
                    while i < mx and k < 4:
                        if weights[j, i] != 0:
                            ws[k] = weights[j, i]
                            ds[k] = dx[i]
                            k += 1
                        i += 1
                    if k == 0:
                        continue
                    # output columns where every tap of the group is inside the image
                    dmin, dmax = ds[0], ds[0]
                    for q in range(1, k):
                        dmin = min(dmin, ds[q])
                        dmax = max(dmax, ds[q])
                    o0 = max(0, -dmin)
                    o1 = min(n_cols, w_cols - dmax)
                    if o1 > o0:
                        a = acc[o0 * inner : o1 * inner]
                        m = (o1 - o0) * inner
                        w0, w1, w2, w3 = ws[0], ws[1], ws[2], ws[3]
                        s0 = r[(o0 + ds[0]) * inner : (o0 + ds[0]) * inner + m]
                        if k == 4:
                            s1 = r[(o0 + ds[1]) * inner : (o0 + ds[1]) * inner + m]
                            s2 = r[(o0 + ds[2]) * inner : (o0 + ds[2]) * inner + m]
                            s3 = r[(o0 + ds[3]) * inner : (o0 + ds[3]) * inner + m]
                            for x in range(m):
                                a[x] = a[x] + w0 * s0[x] + w1 * s1[x] + w2 * s2[x] + w3 * s3[x]
                        elif k == 3:  # a 3-wide kernel row: the commonest case
                            s1 = r[(o0 + ds[1]) * inner : (o0 + ds[1]) * inner + m]
                            s2 = r[(o0 + ds[2]) * inner : (o0 + ds[2]) * inner + m]
                            for x in range(m):
                                a[x] = a[x] + w0 * s0[x] + w1 * s1[x] + w2 * s2[x]
                        else:
                            for q in range(k):
                                s = r[(o0 + ds[q]) * inner : (o0 + ds[q]) * inner + m]
                                wq = ws[q]
                                for x in range(m):
                                    a[x] += wq * s[x]
                    else:
                        o0, o1 = n_cols, n_cols
                    # the other output columns, tap by tap through the column map
                    # (written out here: a helper call per tap costs more than the tap)
                    for o in range(n_cols - (o1 - o0)):
                        if o >= o0:
                            o += o1 - o0
                        for q in range(k):
                            c = colmap[o + ds[q] + off]
                            wq = ws[q]
                            for e in range(inner):
                                acc[o * inner + e] += wq * (cfill if c < 0 else r[c * inner + e])
            store(acc, dst[b, y], lo, hi)


@njit(fastmath={"contract"}, no_cpython_wrapper=True)
def _dense3_edges(rows, at, count, colmap, cfill, w, dx, dst, y, inner, w_cols, n_cols, off):
    """The edge columns, ``[0, o0)`` and ``[o1, n_cols)``, of output rows
    ``dst[y : y + count]``, whose taps read through the column map: output row
    ``y + k`` reads rows ``rows[j][at[j] + k]``.

    Column by column, the map read once for all the rows: looked up per
    pixel, the map and its tests would cost a sizeable share of a 3x3
    filter."""
    r0, r1, r2 = rows
    i0, i1, i2 = at
    o0 = min(max(0, -dx[0]), n_cols)
    o1 = max(min(n_cols, w_cols - dx[2]), o0)
    for t in range(n_cols - (o1 - o0)):
        o = edge_col(t, o0, o1)
        for i in range(3):
            c = colmap[o + dx[i] + off]
            for e in range(inner):
                q = o * inner + e
                if i == 0:
                    for k in range(count):
                        dst[y + k, q] = 0
                if c < 0:
                    f = cfill * (w[0, i] + w[1, i] + w[2, i])
                    for k in range(count):
                        dst[y + k, q] += f
                else:
                    p = c * inner + e
                    w0, w1, w2 = w[0, i], w[1, i], w[2, i]
                    for k in range(count):
                        dst[y + k, q] += (
                            w0 * r0[i0 + k, p] + w1 * r1[i1 + k, p] + w2 * r2[i2 + k, p]
                        )


@njit(fastmath={"contract"}, no_cpython_wrapper=True)
def _dense3_sweep(rows, at, count, dst, y, colmap, cfill, w, dx, inner, w_cols, n_cols, off):
    """Output rows ``dst[y : y + count]`` of a 3x3 kernel: row ``y + k`` from rows
    ``rows[j][at[j] + k]`` (image rows, or the fill row), all nine taps in one sweep.

    Indexed in two dimensions, not through row views: LLVM then vectorises
    the sweep with the row stride hoisted, and no view is built per row.
    """
    s0, s1, s2 = rows
    i0, i1, i2 = at
    o0 = min(max(0, -dx[0]), n_cols)
    o1 = max(min(n_cols, w_cols - dx[2]), o0)
    w00, w01, w02 = w[0, 0], w[0, 1], w[0, 2]
    w10, w11, w12 = w[1, 0], w[1, 1], w[1, 2]
    w20, w21, w22 = w[2, 0], w[2, 1], w[2, 2]
    # Column indices unsigned: numba tests a signed index for wrap-around on
    # every element, which stops vectorisation.
    mu, z = np.uint64((o1 - o0) * inner), np.uint64(0)
    u0, u1 = np.uint64((o0 + dx[0]) * inner), np.uint64((o0 + dx[1]) * inner)
    u2, uq = np.uint64((o0 + dx[2]) * inner), np.uint64(o0 * inner)
    for k in range(count):
        r0, r1, r2, yk = i0 + k, i1 + k, i2 + k, y + k
        for x in range(z, mu):
            dst[yk, uq + x] = (
                w00 * s0[r0, u0 + x]
                + w01 * s0[r0, u1 + x]
                + w02 * s0[r0, u2 + x]
                + w10 * s1[r1, u0 + x]
                + w11 * s1[r1, u1 + x]
                + w12 * s1[r1, u2 + x]
                + w20 * s2[r2, u0 + x]
                + w21 * s2[r2, u1 + x]
                + w22 * s2[r2, u2 + x]
            )
    _dense3_edges(rows, at, count, colmap, cfill, w, dx, dst, y, inner, w_cols, n_cols, off)


@njit(cache=True, nogil=True, fastmath={"contract"})
def dense3_rows(
    t0, t1, img, rowmap, fillrow, colmap, cfill, weights, dx, dst, inner, integer, lo, hi, block, *_
):  # pragma: no cover - numba
    """``direct2_rows`` for a 3x3 kernel with no zero weight (the same arguments, its
    ``dense3`` and ``wide`` unused): all nine taps in one sweep, nothing reloaded.
    ``integer`` is True for integer outputs and None for float ones, an argument
    numba tests at compile time: a float call compiles no integer path."""
    _, h, n = dst.shape
    geom = (inner, img.shape[2] // inner, n // inner, -dx[0])
    nblk = (h + block - 1) // block
    acc = np.empty((1, n), weights.dtype)  # an integer output's row, before rounding
    fill = fillrow.reshape((1, fillrow.size))
    z, one = np.int64(0), np.int64(1)  # not literals: one compiled sweep for all rows
    for task in range(t0, t1):
        b = task // nblk
        y = (task - b * nblk) * block
        y_end = min(y + block, h)
        while y < y_end:
            # a run of image rows in one 2-D sweep; an integer output's rows one by one
            rows, at, count = row_run(img, b, fill, rowmap, y, y_end, integer is None, one)
            # one call site of the sweep for float outputs (LLVM compiled it once per site)
            if integer is not None:  # rounded and clipped from the accumulator
                _dense3_sweep(rows, at, one, acc, z, colmap, cfill, weights, dx, *geom)
                store(acc[0], dst[b, y], lo, hi)
            else:
                _dense3_sweep(rows, at, count, dst[b], y, colmap, cfill, weights, dx, *geom)
            y += count


@parallel_twin(dense3_rows)
@njit(cache=True, parallel=True, nogil=True)
def dense3_rows_parallel(pieces, ntasks, *args):  # pragma: no cover - numba
    """``dense3_rows`` over ``pieces`` slices of ``[0, ntasks)``, one per thread."""
    for p in prange(pieces):
        dense3_rows(ntasks * p // pieces, ntasks * (p + 1) // pieces, *args)
