"""Fused numba loop for a separable kernel over two adjacent axes.

One sweep per output row: the column pass into a row buffer, the row pass
from it, and the cast into the output (rounded half to even and clipped
for integer outputs), so the image is read once and the result written
once, with no full-size intermediate. The view is ``(batch, rows,
cols * inner)``: ``inner`` values (channels, trailing unfiltered axes) sit
between horizontally adjacent taps.

Symmetric factors (Gaussians, boxes, smoothing factors) are folded: the two
samples a weight multiplies are added first, halving the multiplies, as
OpenCV does. Several taps go into each sweep over a buffer, so each load
and store of it serves more than one multiply-add.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit
def _row(img, b, rowmap, k, fillrow, x0, x1):  # pragma: no cover - numba
    """Extended row ``k``, columns ``x0:x1``: an image row, or the fill row."""
    i = rowmap[k]
    if i < 0:
        return fillrow[x0:x1]
    return img[b, i, x0:x1]


@njit(fastmath={"contract"})
def _column_pass(img, b, y, rowmap, fillrow, x0, x1, wy, v, symmetric):  # pragma: no cover
    """``v = sum_j wy[j] * row(y + j)[x0:x1]`` (folded when ``wy`` is symmetric)."""
    my = wy.shape[0]
    m = v.shape[0]
    if symmetric:
        half = my // 2
        if my % 2:
            w, r = wy[half], _row(img, b, rowmap, y + half, fillrow, x0, x1)
            for x in range(m):
                v[x] = w * r[x]
            j = 0
        else:
            w = wy[0]
            ra = _row(img, b, rowmap, y, fillrow, x0, x1)
            rb = _row(img, b, rowmap, y + my - 1, fillrow, x0, x1)
            for x in range(m):
                v[x] = w * (ra[x] + rb[x])
            j = 1
        while j + 2 <= half:
            w0, w1 = wy[j], wy[j + 1]
            a0 = _row(img, b, rowmap, y + j, fillrow, x0, x1)
            b0 = _row(img, b, rowmap, y + my - 1 - j, fillrow, x0, x1)
            a1 = _row(img, b, rowmap, y + j + 1, fillrow, x0, x1)
            b1 = _row(img, b, rowmap, y + my - 2 - j, fillrow, x0, x1)
            for x in range(m):
                v[x] = v[x] + w0 * (a0[x] + b0[x]) + w1 * (a1[x] + b1[x])
            j += 2
        if j < half:
            w = wy[j]
            ra = _row(img, b, rowmap, y + j, fillrow, x0, x1)
            rb = _row(img, b, rowmap, y + my - 1 - j, fillrow, x0, x1)
            for x in range(m):
                v[x] += w * (ra[x] + rb[x])
        return
    w, r = wy[0], _row(img, b, rowmap, y, fillrow, x0, x1)
    for x in range(m):
        v[x] = w * r[x]
    j = 1
    while j + 4 <= my:
        w0, w1, w2, w3 = wy[j], wy[j + 1], wy[j + 2], wy[j + 3]
        r0 = _row(img, b, rowmap, y + j, fillrow, x0, x1)
        r1 = _row(img, b, rowmap, y + j + 1, fillrow, x0, x1)
        r2 = _row(img, b, rowmap, y + j + 2, fillrow, x0, x1)
        r3 = _row(img, b, rowmap, y + j + 3, fillrow, x0, x1)
        for x in range(m):
            v[x] = v[x] + w0 * r0[x] + w1 * r1[x] + w2 * r2[x] + w3 * r3[x]
        j += 4
    while j < my:
        w, r = wy[j], _row(img, b, rowmap, y + j, fillrow, x0, x1)
        for x in range(m):
            v[x] += w * r[x]
        j += 1


@njit(fastmath={"contract"})
def _row_pass(v, wx, acc, inner, symmetric):  # pragma: no cover - numba
    """``acc[x] = sum_i wx[i] * v[x + i * inner]`` (folded when ``wx`` is symmetric)."""
    mx = wx.shape[0]
    n = acc.shape[0]
    if symmetric:
        half = mx // 2
        if mx % 2:
            w, c = wx[half], v[half * inner : half * inner + n]
            for x in range(n):
                acc[x] = w * c[x]
            i = 0
        else:
            w = wx[0]
            ca, cb = v[0:n], v[(mx - 1) * inner : (mx - 1) * inner + n]
            for x in range(n):
                acc[x] = w * (ca[x] + cb[x])
            i = 1
        while i + 2 <= half:
            w0, w1 = wx[i], wx[i + 1]
            a0 = v[i * inner : i * inner + n]
            b0 = v[(mx - 1 - i) * inner : (mx - 1 - i) * inner + n]
            a1 = v[(i + 1) * inner : (i + 1) * inner + n]
            b1 = v[(mx - 2 - i) * inner : (mx - 2 - i) * inner + n]
            for x in range(n):
                acc[x] = acc[x] + w0 * (a0[x] + b0[x]) + w1 * (a1[x] + b1[x])
            i += 2
        if i < half:
            w = wx[i]
            ca = v[i * inner : i * inner + n]
            cb = v[(mx - 1 - i) * inner : (mx - 1 - i) * inner + n]
            for x in range(n):
                acc[x] += w * (ca[x] + cb[x])
        return
    w = wx[0]
    for x in range(n):
        acc[x] = w * v[x]
    i = 1
    while i + 4 <= mx:
        w0, w1, w2, w3 = wx[i], wx[i + 1], wx[i + 2], wx[i + 3]
        v0 = v[i * inner : i * inner + n]
        v1 = v[(i + 1) * inner : (i + 1) * inner + n]
        v2 = v[(i + 2) * inner : (i + 2) * inner + n]
        v3 = v[(i + 3) * inner : (i + 3) * inner + n]
        for x in range(n):
            acc[x] = acc[x] + w0 * v0[x] + w1 * v1[x] + w2 * v2[x] + w3 * v3[x]
        i += 4
    while i < mx:
        w, vi = wx[i], v[i * inner : i * inner + n]
        for x in range(n):
            acc[x] += w * vi[x]
        i += 1


# Compiled on first use for each (source, accumulator, output) dtype triple
# the wrapper passes: exactly the cost model's FUSED_TYPES table.
@njit(cache=True, nogil=True, fastmath={"contract"})
def separable2_rows(
    t0,
    t1,
    img,
    rowmap,
    fillrow,
    x0,
    x1,
    start,
    nv,
    mdst,
    msrc,
    vfill,
    wy,
    wx,
    dst,
    inner,
    sym_y,
    sym_x,
    integer,
    lo,
    hi,
    block,
    box_y,
):  # pragma: no cover - numba
    """Output rows ``y``: the column pass over image columns ``x0:x1`` (flat, times
    ``inner``) into the row buffer (``nv`` columns) from column ``start``; then its
    margin columns ``mdst`` copied from buffer columns ``msrc`` (-1: ``vfill``); then
    the row pass and the cast.

    ``box_y`` (a box along the rows, small integers in): the buffer holds the column
    sums unscaled (the caller scales ``wx`` and ``vfill``), updated from row to row by
    adding the row that enters and subtracting the one that leaves — two reads a
    pixel whatever the kernel's height, exact because the sums are integers that
    float32 holds."""
    _, h, n = dst.shape
    nblk = (h + block - 1) // block
    for task in range(t0, t1):  # a block of rows per task: buffers allocated once
        b = task // nblk
        y0 = (task - b * nblk) * block
        v = np.empty(nv * inner, wy.dtype)
        acc = np.empty(n, wx.dtype)
        for y in range(y0, min(y0 + block, h)):
            if box_y:
                col = v[start * inner : start * inner + x1 - x0]
                if y == y0:  # the first row of the block: the whole sum
                    col[:] = 0
                    for j in range(wy.shape[0]):
                        r = _row(img, b, rowmap, y + j, fillrow, x0, x1)
                        for x in range(col.shape[0]):
                            col[x] += np.float32(r[x])
                else:  # slide by one row
                    ra = _row(img, b, rowmap, y + wy.shape[0] - 1, fillrow, x0, x1)
                    rs = _row(img, b, rowmap, y - 1, fillrow, x0, x1)
                    for x in range(col.shape[0]):
                        col[x] += np.float32(ra[x]) - np.float32(rs[x])
            else:
                _column_pass(
                    img,
                    b,
                    y,
                    rowmap,
                    fillrow,
                    x0,
                    x1,
                    wy,
                    v[start * inner : start * inner + x1 - x0],
                    sym_y,
                )
            for c in range(mdst.shape[0]):  # the margins: a few columns
                d, t = mdst[c] * inner, msrc[c] * inner
                for k in range(inner):
                    v[d + k] = vfill if t < 0 else v[t + k]
            _row_pass(v, wx, acc, inner, sym_x)
            out = dst[b, y]
            if integer and out.itemsize <= 2:  # through int32: float -> int8/16 is scalar
                for x in range(n):
                    out[x] = np.int32(min(max(np.rint(acc[x]), lo), hi))
            elif integer:  # lo, hi in the accumulator's type keep this loop vectorised
                for x in range(n):
                    out[x] = min(max(np.rint(acc[x]), lo), hi)
            else:
                for x in range(n):
                    out[x] = acc[x]
