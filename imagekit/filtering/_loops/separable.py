"""Fused numba loop for a separable kernel over two adjacent axes.

One sweep per output row: the column pass into a row buffer, the row pass
from it, and the cast into the output (rounded half to even and clipped
for integer outputs), so the image is read once and the result written
once, with no full-size intermediate. The view is ``(batch, rows,
cols * inner)``: ``inner`` values (channels, trailing unfiltered axes) sit
between horizontally adjacent taps.

Both passes are bound by loads, not multiply-adds, so they are arranged to
load less: the column pass makes four output rows per sweep from the image
rows they share (each value loaded once for up to four multiply-adds), and
the row pass takes eight taps per sweep over the output row, writing float
outputs in place. Indices into these sweeps are unsigned: numba tests a
signed index for wrap-around on every element, which stops LLVM vectorising.

The column pass reads the image in place where the four rows of a group
are consecutive image rows, and staged rows elsewhere: the task copies the
extended rows the group reads (through the row map, so rows through the
fill or a reflection are rows like the others) into a buffer, each once,
just before their first use, at a row stride that is not near a multiple
of 4 KiB (the caller's ``stride``: ``_rows.buffer_stride``). Rows are
staged near the edges, for images not of the accumulator's type (the copy
converts them once), and for every group of an image whose rows are
within 256 bytes of a multiple of 4 KiB long (4096 float32 values, or
2048 RGB pixels; the caller then passes no image to read in place): read
in place, such rows fall in the same cache sets, and the eleven a sweep
reads at once evict each other. Elsewhere the copy would only cost time.
The last rows of a block that make no group of four take a row-by-row
column pass.

Compile time (the cold first call of a Gaussian is this function's): a
helper compiled on its own is optimised and lowered to machine code once
for itself and once more inside every caller that links it, so each layer
of calls repeats LLVM's work on everything below it. The helpers with one
call site and no loop worth its own compile (``_row``, ``_column_pass``,
``_consecutive``, ``_column_rows4``) are therefore inlined by numba,
which shortens a cold first call and leaves the speed as it is. The
unrolled sweeps and the row pass stay separate: inlining them too
lengthens compilation.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(no_cpython_wrapper=True, inline="always")
def _row(img, b, rowmap, k, fillrow, x0, x1):  # pragma: no cover - numba
    """Extended row ``k``, columns ``x0:x1``: an image row, or the fill row."""
    i = rowmap[k]
    if i < 0:
        return fillrow[x0:x1]
    return img[b, i, x0:x1]


@njit(fastmath={"contract"}, no_cpython_wrapper=True, inline="always")
def _column_pass(S, j0, wy, v):  # pragma: no cover - numba
    """``v = sum_j wy[j] * S[0, j0 + j]``, one output row from the staged rows, tap by
    tap: a block's last rows that make no group of four (one plain loop: each loop
    here costs compile time)."""
    z = np.uint64(0)
    for x in range(z, np.uint64(v.shape[0])):
        v[x] = 0
    for j in range(wy.shape[0]):
        w = wy[j]
        for x in range(z, np.uint64(v.shape[0])):
            v[x] += w * S[0, j0 + j, x]


@njit(no_cpython_wrapper=True, inline="always")
def _consecutive(rowmap, y, n):  # pragma: no cover - numba
    """Whether extended rows ``y .. y + n - 1`` are consecutive image rows."""
    r = rowmap[y]
    if r < 0:
        return False
    for k in range(1, n):
        if rowmap[y + k] != r + k:
            return False
    return True


@njit(fastmath={"contract"}, no_cpython_wrapper=True)
def _row_pass(v, wx, acc, inner):  # pragma: no cover - numba
    """``acc[x] = sum_i wx[i] * v[x + i * inner]``, eight taps per sweep over ``acc``.

    Symmetric factors are not folded here: the pass is bound by loads, which
    folding does not save, while fewer sweeps save loads and stores of
    ``acc``. Offsets unsigned, as in ``_taps8_rows4``.
    """
    mx = wx.shape[0]
    n, d = np.uint64(acc.shape[0]), np.uint64(inner)
    z = np.uint64(0)
    i = 0
    while i + 8 <= mx:
        w0, w1, w2, w3 = wx[i], wx[i + 1], wx[i + 2], wx[i + 3]
        w4, w5, w6, w7 = wx[i + 4], wx[i + 5], wx[i + 6], wx[i + 7]
        u0 = np.uint64(i * inner)  # chained: an int times a uint64 is a float in numba
        u1 = u0 + d
        u2 = u1 + d
        u3 = u2 + d
        u4 = u3 + d
        u5 = u4 + d
        u6 = u5 + d
        u7 = u6 + d
        if i == 0:  # the first sweep writes: a zeroing sweep is one more pass over acc
            for x in range(z, n):
                acc[x] = (w0 * v[u0 + x] + w1 * v[u1 + x] + w2 * v[u2 + x] + w3 * v[u3 + x]) + (
                    w4 * v[u4 + x] + w5 * v[u5 + x] + w6 * v[u6 + x] + w7 * v[u7 + x]
                )
        else:
            for x in range(z, n):
                acc[x] = acc[x] + (
                    (w0 * v[u0 + x] + w1 * v[u1 + x] + w2 * v[u2 + x] + w3 * v[u3 + x])
                    + (w4 * v[u4 + x] + w5 * v[u5 + x] + w6 * v[u6 + x] + w7 * v[u7 + x])
                )
        i += 8
    while i < mx:  # the last taps one by one
        w, u = wx[i], np.uint64(i * inner)
        if i == 0:
            for x in range(z, n):
                acc[x] = w * v[u + x]
        else:
            for x in range(z, n):
                acc[x] += w * v[u + x]
        i += 1


@njit(fastmath={"contract"}, no_cpython_wrapper=True)
def _taps8_rows4(img, b, r, ws, V, x0, v0, m):  # pragma: no cover - numba
    """``V[k, v0 + x] += sum_{t<8} ws[t] * img[b, r + k + t, x0 + x]`` for ``k < 4``.

    Eleven image rows feed four output rows, each value loaded once: the
    column pass is bound by loads, and this reads 0.6 values per multiply-add
    against 1.3 for one output row at a time.
    Indices unsigned: a signed one gets a wrap-around test per element that
    stops vectorisation.
    """
    w0, w1, w2, w3, w4, w5, w6, w7 = ws
    u, v = np.uint64(x0), np.uint64(v0)
    for x in range(np.uint64(0), np.uint64(m)):
        i0, i1, i2 = img[b, r, u + x], img[b, r + 1, u + x], img[b, r + 2, u + x]
        i3, i4, i5 = img[b, r + 3, u + x], img[b, r + 4, u + x], img[b, r + 5, u + x]
        i6, i7, i8 = img[b, r + 6, u + x], img[b, r + 7, u + x], img[b, r + 8, u + x]
        i9, i10 = img[b, r + 9, u + x], img[b, r + 10, u + x]
        a0 = V[0, v + x] + w0 * i0 + w1 * i1 + w2 * i2 + w3 * i3
        a1 = V[1, v + x] + w0 * i1 + w1 * i2 + w2 * i3 + w3 * i4
        a2 = V[2, v + x] + w0 * i2 + w1 * i3 + w2 * i4 + w3 * i5
        a3 = V[3, v + x] + w0 * i3 + w1 * i4 + w2 * i5 + w3 * i6
        a0 += w4 * i4 + w5 * i5 + w6 * i6 + w7 * i7
        a1 += w4 * i5 + w5 * i6 + w6 * i7 + w7 * i8
        a2 += w4 * i6 + w5 * i7 + w6 * i8 + w7 * i9
        a3 += w4 * i7 + w5 * i8 + w6 * i9 + w7 * i10
        V[0, v + x], V[1, v + x], V[2, v + x], V[3, v + x] = a0, a1, a2, a3


@njit(fastmath={"contract"}, no_cpython_wrapper=True)
def _taps9_rows4(img, b, r, ws, V, x0, v0, m):  # pragma: no cover - numba
    """``V[k, v0 + x] = sum_{t<9} ws[t] * img[b, r + k + t, x0 + x]`` for ``k < 4``: the
    first sweep of a kernel of 8 n + 1 taps (Gaussians of integer sigma), written, not
    added, so no sweep zeroes ``V`` and no single-tap sweep is left over."""
    w0, w1, w2, w3, w4, w5, w6, w7, w8 = ws
    u, v = np.uint64(x0), np.uint64(v0)
    for x in range(np.uint64(0), np.uint64(m)):
        i0, i1, i2 = img[b, r, u + x], img[b, r + 1, u + x], img[b, r + 2, u + x]
        i3, i4, i5 = img[b, r + 3, u + x], img[b, r + 4, u + x], img[b, r + 5, u + x]
        i6, i7, i8 = img[b, r + 6, u + x], img[b, r + 7, u + x], img[b, r + 8, u + x]
        i9, i10, i11 = img[b, r + 9, u + x], img[b, r + 10, u + x], img[b, r + 11, u + x]
        a0 = w0 * i0 + w1 * i1 + w2 * i2 + w3 * i3 + w4 * i4
        a1 = w0 * i1 + w1 * i2 + w2 * i3 + w3 * i4 + w4 * i5
        a2 = w0 * i2 + w1 * i3 + w2 * i4 + w3 * i5 + w4 * i6
        a3 = w0 * i3 + w1 * i4 + w2 * i5 + w3 * i6 + w4 * i7
        a0 += w5 * i5 + w6 * i6 + w7 * i7 + w8 * i8
        a1 += w5 * i6 + w6 * i7 + w7 * i8 + w8 * i9
        a2 += w5 * i7 + w6 * i8 + w7 * i9 + w8 * i10
        a3 += w5 * i8 + w6 * i9 + w7 * i10 + w8 * i11
        V[0, v + x], V[1, v + x], V[2, v + x], V[3, v + x] = a0, a1, a2, a3


@njit(fastmath={"contract"}, no_cpython_wrapper=True, inline="always")
def _column_rows4(img, b, r, wy, V, x0, v0, m):  # pragma: no cover - numba
    """Four column-pass rows: ``V[k, v0 + x] = sum_j wy[j] * img[b, r + k + j, x0 + x]``."""
    u, v = np.uint64(x0), np.uint64(v0)
    my = wy.shape[0]
    j = 0
    if my % 8 == 1 and my > 1:  # 8 n + 1 taps: a first sweep of nine
        ws9 = (wy[0], wy[1], wy[2], wy[3], wy[4], wy[5], wy[6], wy[7], wy[8])
        _taps9_rows4(img, b, r, ws9, V, x0, v0, m)
        j = 9
    else:
        for k in range(4):
            for x in range(np.uint64(0), np.uint64(m)):
                V[k, v + x] = 0
    while j + 8 <= my:
        # the weights as a tuple: an index argument is typed twice (the literal 0, then
        # int64) and the function compiled twice, both in a cold first call
        ws = (wy[j], wy[j + 1], wy[j + 2], wy[j + 3], wy[j + 4], wy[j + 5], wy[j + 6], wy[j + 7])
        _taps8_rows4(img, b, r + j, ws, V, x0, v0, m)
        j += 8
    while j < my:  # the last taps one by one
        w, q = wy[j], r + j
        for x in range(np.uint64(0), np.uint64(m)):
            a0, a1 = V[0, v + x] + w * img[b, q, u + x], V[1, v + x] + w * img[b, q + 1, u + x]
            a2, a3 = V[2, v + x] + w * img[b, q + 2, u + x], V[3, v + x] + w * img[b, q + 3, u + x]
            V[0, v + x], V[1, v + x], V[2, v + x], V[3, v + x] = a0, a1, a2, a3
        j += 1


# Compiled on first use for each (source, accumulator, output) dtype triple
# the wrapper passes: exactly the cost model's FUSED_TYPES table.
@njit(cache=True, nogil=True, fastmath={"contract"})
def separable2_rows(
    t0,
    t1,
    img,
    fimg,
    stride,
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
    lo,
    hi,
    block,
    box_y,
):  # pragma: no cover - numba
    """Output rows ``y``: the column pass over image columns ``x0:x1`` (flat, times
    ``inner``) into the row buffer (``nv`` columns) from column ``start``; then its
    margin columns ``mdst`` copied from buffer columns ``msrc`` (-1: ``vfill``); then
    the row pass and the cast.

    ``fimg``: ``img`` where the column pass reads it in place (of the accumulator's
    type, rows not near a multiple of 4 KiB apart), or an empty array of that type;
    ``stride``: the values a staged row takes.

    ``lo, hi``: an integer output's range (None: a float output). ``box_y`` (True: a
    box along the rows, small integers in; None: not): the buffer holds the column
    sums unscaled (the caller scales ``wx`` and ``vfill``), updated from row to row by
    adding the row that enters and subtracting the one that leaves — two reads a
    pixel whatever the kernel's height, exact because the sums are integers that
    float32 holds."""
    _, h, n = dst.shape
    my = wy.shape[0]
    m = x1 - x0
    nblk = (h + block - 1) // block
    V = np.empty((4, nv * inner), wy.dtype)  # four rows' buffers (V[0]: a single row's)
    acc = np.empty(n, wx.dtype)
    # the rows the column pass reads, staged where it does not read them in place
    S = np.empty((1, (block + my - 1) if box_y is None else 0, stride), wy.dtype)
    in_place = fimg.shape[0] > 0
    for task in range(t0, t1):  # a block of rows per task
        b = task // nblk
        y0 = (task - b * nblk) * block
        y1 = min(y0 + block, h)
        staged = 0  # the block's extended rows [0, staged) are in S
        g0 = g1 = y0  # rows [g0, g1) have their column pass in V
        for y in range(y0, y1):
            group = y >= g1 and box_y is None
            if group and y + 4 <= y1 and in_place and _consecutive(rowmap, y, my + 3):
                src, bs, ys, xs = fimg, b, rowmap[y], x0  # four rows read in place
            elif group:
                # stage the rows this row's (or group's) column pass reads, each once,
                # just before they are first read (so they are still in the cache)
                staged = max(staged, y - y0)
                for j in range(staged, min(y - y0 + 4, y1 - y0) + my - 1):
                    r, into = _row(img, b, rowmap, y0 + j, fillrow, x0, x1), S[0, j]
                    for x in range(np.uint64(0), np.uint64(m)):
                        into[x] = r[x]
                    staged = j + 1
                src, bs, ys, xs = S, 0, y - y0, 0
            if group and y + 4 <= y1:
                # four rows: one column pass for all four
                _column_rows4(src, bs, ys, wy, V, xs, start * inner, m)
                g0, g1 = y, y + 4
            v = V[y - g0] if y < g1 else V[0]
            if y >= g1 and box_y is None:
                _column_pass(S, y - y0, wy, v[start * inner : start * inner + m])
            elif y >= g1:
                col = v[start * inner : start * inner + m]
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
            for c in range(mdst.shape[0]):  # the margins: a few columns
                d, t = mdst[c] * inner, msrc[c] * inner
                for k in range(inner):
                    v[d + k] = vfill if t < 0 else v[t + k]
            out = dst[b, y]
            if lo is None:  # a float output, of the accumulator's type (FUSED_TYPES)
                _row_pass(v, wx, out, inner)  # straight into the output row
            else:
                _row_pass(v, wx, acc, inner)
                if out.itemsize <= 2:  # through int32: float -> int8/16 is scalar
                    for x in range(n):
                        out[x] = np.int32(min(max(np.rint(acc[x]), lo), hi))
                else:  # lo, hi in the accumulator's type keep this loop vectorised
                    for x in range(n):
                        out[x] = min(max(np.rint(acc[x]), lo), hi)
