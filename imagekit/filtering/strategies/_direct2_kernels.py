"""Numba loop for a dense kernel over two adjacent axes, reading the image in place.

For each output row: for each kernel row, the image row it reads (or a
constant fill row) is correlated into an accumulator row, up to four taps
per sweep over the columns where those taps fall inside the image; the few
output columns where a tap falls outside take the border's value through a
column index map. So no extended copy of the image is made. The view is
``(batch, rows, cols * inner)``, ``inner`` values (channels) per column.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(no_cpython_wrapper=True)
def _row(img, b, i, fillrow):  # pragma: no cover - numba
    if i < 0:
        return fillrow
    return img[b, i]


@njit(fastmath={"contract"}, no_cpython_wrapper=True)
def _store(acc, out, lo, hi):  # pragma: no cover - numba
    """The accumulator into an output row: rounded half to even and clipped to
    ``[lo, hi]`` for integers. ``lo`` is None for float outputs: numba then
    compiles only the copy (each loop costs compile time)."""
    if lo is None:
        for x in range(acc.shape[0]):
            out[x] = acc[x]
    elif out.itemsize <= 2:  # through int32: a float -> int8/16 store is scalar
        for x in range(acc.shape[0]):
            out[x] = np.int32(min(max(np.rint(acc[x]), lo), hi))
    else:  # lo, hi in the accumulator's type keep this loop vectorised
        for x in range(acc.shape[0]):
            out[x] = min(max(np.rint(acc[x]), lo), hi)


@njit(no_cpython_wrapper=True)
def edge_col(t, o0, o1):  # pragma: no cover - numba
    """The ``t``-th output column outside ``[o0, o1)``: ``[0, o0)`` then ``[o1, ...)``."""
    return t if t < o0 else t + o1 - o0


@njit(no_cpython_wrapper=True)
def run_end(rowmap, y, y_end):  # pragma: no cover - numba
    """The end of the run of output rows from ``y`` (before ``y_end``) whose three
    image rows ``rowmap[y' + (0, 1, 2)]`` are consecutive and follow on from ``y``'s:
    rows a 3x3 loop can sweep in two dimensions. ``y`` itself when it cannot."""
    ry, yb = rowmap[y], y
    if ry < 0:
        return y
    while yb < y_end and (
        rowmap[yb] == ry + yb - y
        and rowmap[yb + 1] == ry + yb - y + 1
        and rowmap[yb + 2] == ry + yb - y + 2
    ):
        yb += 1
    return yb


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
    compiled numpy's reduction, 0.5 s of a cold first call): the image column a
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
                r = _row(img, b, rowmap[y + j], fillrow)
                if wide:  # the row extended once, then every tap sweeps the full width
                    # (inline, not a helper: a call per kernel row costs ~10% here)
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
            _store(acc, dst[b, y], lo, hi)
