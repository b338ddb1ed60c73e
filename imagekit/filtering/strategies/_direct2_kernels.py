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


@njit
def _row(img, b, i, fillrow):  # pragma: no cover - numba
    if i < 0:
        return fillrow
    return img[b, i]


@njit(fastmath={"contract"})
def _store(acc, out, integer, lo, hi):  # pragma: no cover - numba
    """The accumulator into an output row: rounded half to even and clipped for integers."""
    if integer and out.itemsize <= 2:  # through int32: a float -> int8/16 store is scalar
        for x in range(acc.shape[0]):
            out[x] = np.int32(min(max(np.rint(acc[x]), lo), hi))
    elif integer:  # lo, hi in the accumulator's type keep this loop vectorised
        for x in range(acc.shape[0]):
            out[x] = min(max(np.rint(acc[x]), lo), hi)
    else:
        for x in range(acc.shape[0]):
            out[x] = acc[x]


@njit(fastmath={"contract"})
def _dense3_row(r0, r1, r2, colmap, cfill, w, dx, a, inner, w_cols, n_cols, off):
    """One output row ``a`` of a 3x3 kernel with no zero weight from rows ``r0..r2``
    (image rows or the fill row): rows that ``_dense3_run`` cannot take.

    The interior is one vectorised sweep (nine taps, nothing reloaded); the
    few edge columns read through the column map.
    """
    geom = (inner, w_cols, n_cols, off)
    o0 = min(max(0, -dx[0]), n_cols)
    o1 = max(min(n_cols, w_cols - dx[2]), o0)
    m = (o1 - o0) * inner
    p0, p1, p2 = (o0 + dx[0]) * inner, (o0 + dx[1]) * inner, (o0 + dx[2]) * inner
    d = a[o0 * inner : o1 * inner]
    a0, a1, a2 = r0[p0 : p0 + m], r0[p1 : p1 + m], r0[p2 : p2 + m]
    b0, b1, b2 = r1[p0 : p0 + m], r1[p1 : p1 + m], r1[p2 : p2 + m]
    c0, c1, c2 = r2[p0 : p0 + m], r2[p1 : p1 + m], r2[p2 : p2 + m]
    w00, w01, w02 = w[0, 0], w[0, 1], w[0, 2]
    w10, w11, w12 = w[1, 0], w[1, 1], w[1, 2]
    w20, w21, w22 = w[2, 0], w[2, 1], w[2, 2]
    for x in range(m):
        d[x] = (
            w00 * a0[x]
            + w01 * a1[x]
            + w02 * a2[x]
            + w10 * b0[x]
            + w11 * b1[x]
            + w12 * b2[x]
            + w20 * c0[x]
            + w21 * c1[x]
            + w22 * c2[x]
        )
    rows = (r0.reshape((1, r0.size)), r1.reshape((1, r1.size)), r2.reshape((1, r2.size)))
    _dense3_edges(rows, (0, 0, 0), 1, colmap, cfill, w, dx, a.reshape((1, a.size)), 0, *geom)


@njit(fastmath={"contract"})
def _dense3_edges(rows, at, count, colmap, cfill, w, dx, dst, y, inner, w_cols, n_cols, off):
    """The edge columns, ``[0, o0)`` and ``[o1, n_cols)``, of output rows
    ``dst[y : y + count]``, whose taps read through the column map: output row
    ``y + k`` reads rows ``rows[j][at[j] + k]``.

    Column by column, the map read once for all the rows: per pixel the map
    lookups and their tests cost ~25 ns, 10% of a 3x3 filter of 1000x1000
    float32."""
    r0, r1, r2 = rows
    i0, i1, i2 = at
    o0 = min(max(0, -dx[0]), n_cols)
    o1 = max(min(n_cols, w_cols - dx[2]), o0)
    for o in range(n_cols - (o1 - o0)):
        if o >= o0:
            o += o1 - o0
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


@njit(fastmath={"contract"})
def _dense3_run(img, b, ry, dst, ya, yb, colmap, cfill, w, dx, inner, w_cols, n_cols, off):
    """Output rows ``ya..yb`` of a 3x3 kernel whose image rows are ``ry + y - ya + (0, 1, 2)``.

    Indexed in two dimensions, not through row views: LLVM then vectorises
    the sweep with the row stride hoisted, and no view is built per row
    (1000x1000 float32 on one core: 0.35 ms against 0.55 ms through views).
    """
    o0 = min(max(0, -dx[0]), n_cols)
    o1 = max(min(n_cols, w_cols - dx[2]), o0)
    m = (o1 - o0) * inner
    q0 = o0 * inner
    p0, p1, p2 = (o0 + dx[0]) * inner, (o0 + dx[1]) * inner, (o0 + dx[2]) * inner
    w00, w01, w02 = w[0, 0], w[0, 1], w[0, 2]
    w10, w11, w12 = w[1, 0], w[1, 1], w[1, 2]
    w20, w21, w22 = w[2, 0], w[2, 1], w[2, 2]
    # Column indices unsigned: numba tests a signed index for wrap-around on
    # every element, which stops vectorisation (measured 4x slower).
    mu, z = np.uint64(m), np.uint64(0)
    u0, u1, u2, uq = np.uint64(p0), np.uint64(p1), np.uint64(p2), np.uint64(q0)
    for y in range(ya, yb):
        r = ry + y - ya
        for x in range(z, mu):
            dst[b, y, uq + x] = (
                w00 * img[b, r, u0 + x]
                + w01 * img[b, r, u1 + x]
                + w02 * img[b, r, u2 + x]
                + w10 * img[b, r + 1, u0 + x]
                + w11 * img[b, r + 1, u1 + x]
                + w12 * img[b, r + 1, u2 + x]
                + w20 * img[b, r + 2, u0 + x]
                + w21 * img[b, r + 2, u1 + x]
                + w22 * img[b, r + 2, u2 + x]
            )
    rows, geom = (img[b], img[b], img[b]), (inner, w_cols, n_cols, off)
    _dense3_edges(rows, (ry, ry + 1, ry + 2), yb - ya, colmap, cfill, w, dx, dst[b], ya, *geom)


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
    with ``off = -min(dx)``: the image column a column outside the image reads
    (-1: ``cfill``). Zero weights are skipped. ``wide`` kernels (many taps per
    row) extend each row they read once, so no tap needs edge handling.
    """
    _, h, n = dst.shape
    w_cols = img.shape[2] // inner  # image width in columns
    n_cols = n // inner
    my, mx = weights.shape
    off = -dx.min()
    geom = (inner, w_cols, n_cols, off)
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
        done = y0  # rows below this were written by a 2-D run
        for y in range(y0, min(y0 + block, h)):
            if y < done:
                continue
            if dense3 and not integer and rowmap[y] >= 0:
                # the run of rows whose three image rows are consecutive: one 2-D sweep
                ry, yb = rowmap[y], y
                while yb < min(y0 + block, h) and (
                    rowmap[yb] == ry + yb - y
                    and rowmap[yb + 1] == ry + yb - y + 1
                    and rowmap[yb + 2] == ry + yb - y + 2
                ):
                    yb += 1
                if yb > y:
                    _dense3_run(img, b, ry, dst, y, yb, colmap, cfill, weights, dx, *geom)
                    done = yb
                    continue
            if dense3:  # a full 3x3 kernel: all nine taps in one sweep, nothing reloaded
                r0 = _row(img, b, rowmap[y], fillrow)
                r1 = _row(img, b, rowmap[y + 1], fillrow)
                r2 = _row(img, b, rowmap[y + 2], fillrow)
                if integer:  # rounded and clipped from the accumulator
                    _dense3_row(r0, r1, r2, colmap, cfill, weights, dx, acc, *geom)
                    _store(acc, dst[b, y], integer, lo, hi)
                else:  # the output row is the accumulator
                    _dense3_row(r0, r1, r2, colmap, cfill, weights, dx, dst[b, y], *geom)
                continue
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
            _store(acc, dst[b, y], integer, lo, hi)


@njit(fastmath={"contract", "reassoc"})
def _kgrad3_row(gr, r0, r1, r2, colmap, cfill, dx, inner, w_cols, n_cols, off, acc):
    """``acc[3 j + i] += sum_o gr[o] * row_j[o + dx[i]]`` for a 3x3 kernel: the inside
    columns in one sweep with nine sums, the edge columns through the column map."""
    o0 = min(max(0, -dx[0]), n_cols)
    o1 = max(min(n_cols, w_cols - dx[2]), o0)
    m = (o1 - o0) * inner
    gs = gr[o0 * inner : o1 * inner]
    p0, p1, p2 = (o0 + dx[0]) * inner, (o0 + dx[1]) * inner, (o0 + dx[2]) * inner
    a0, a1, a2 = r0[p0 : p0 + m], r0[p1 : p1 + m], r0[p2 : p2 + m]
    b0, b1, b2 = r1[p0 : p0 + m], r1[p1 : p1 + m], r1[p2 : p2 + m]
    c0, c1, c2 = r2[p0 : p0 + m], r2[p1 : p1 + m], r2[p2 : p2 + m]
    s00 = s01 = s02 = s10 = s11 = s12 = s20 = s21 = s22 = 0.0
    for x in range(m):
        g = gs[x]
        s00 += g * a0[x]
        s01 += g * a1[x]
        s02 += g * a2[x]
        s10 += g * b0[x]
        s11 += g * b1[x]
        s12 += g * b2[x]
        s20 += g * c0[x]
        s21 += g * c1[x]
        s22 += g * c2[x]
    acc[0] += s00
    acc[1] += s01
    acc[2] += s02
    acc[3] += s10
    acc[4] += s11
    acc[5] += s12
    acc[6] += s20
    acc[7] += s21
    acc[8] += s22
    for o in range(n_cols - (o1 - o0)):  # the edge columns
        if o >= o0:
            o += o1 - o0
        for i in range(3):
            c = colmap[o + dx[i] + off]
            for e in range(inner):
                gv = gr[o * inner + e]
                if c < 0:
                    acc[i] += gv * cfill
                    acc[3 + i] += gv * cfill
                    acc[6 + i] += gv * cfill
                else:
                    q = c * inner + e
                    acc[i] += gv * r0[q]
                    acc[3 + i] += gv * r1[q]
                    acc[6 + i] += gv * r2[q]


# "reassoc" lets LLVM vectorise the dot products (a sum in another order:
# rounding-level differences); NaN and inf still propagate.
@njit(cache=True, nogil=True, fastmath={"contract", "reassoc"})
def kernel_gradient2_rows(
    t0, t1, img, rowmap, fillrow, colmap, cfill, grad, dx, my, inner, block, partial
):  # pragma: no cover - numba
    """``partial[task, j * mx + i] = sum over the task's rows y and columns o of
    grad[b, y, o] * ext[b, y + j, o + dx[i]]``: the kernel's gradient, reading the
    image in place through the same row and column maps as ``direct2_rows``; the
    caller sums ``partial`` over tasks."""
    _, h, n = grad.shape
    w_cols = img.shape[2] // inner
    n_cols = n // inner
    mx = dx.shape[0]
    off = -dx.min()
    nblk = (h + block - 1) // block
    for task in range(t0, t1):
        b = task // nblk
        y0 = (task - b * nblk) * block
        for y in range(y0, min(y0 + block, h)):
            gr = grad[b, y]
            if my == 3 and mx == 3:  # all nine taps in one sweep: gr loaded once
                _kgrad3_row(
                    gr,
                    _row(img, b, rowmap[y], fillrow),
                    _row(img, b, rowmap[y + 1], fillrow),
                    _row(img, b, rowmap[y + 2], fillrow),
                    colmap,
                    cfill,
                    dx,
                    inner,
                    w_cols,
                    n_cols,
                    off,
                    partial[task],
                )
                continue
            for j in range(my):
                r = _row(img, b, rowmap[y + j], fillrow)
                i = 0
                while i < mx:  # up to four taps per sweep: each load of gr serves them all
                    k = min(4, mx - i)
                    o0 = min(max(0, -dx[i]), n_cols)
                    o1 = max(min(n_cols, w_cols - dx[i + k - 1]), o0)
                    m = (o1 - o0) * inner
                    gs = gr[o0 * inner : o1 * inner]
                    p0 = (o0 + dx[i]) * inner
                    s0 = s1 = s2 = s3 = 0.0
                    if k == 4:
                        r0, r1 = r[p0 : p0 + m], r[p0 + inner : p0 + inner + m]
                        r2, r3 = (
                            r[p0 + 2 * inner : p0 + 2 * inner + m],
                            r[p0 + 3 * inner : p0 + 3 * inner + m],
                        )
                        for x in range(m):
                            s0 += gs[x] * r0[x]
                            s1 += gs[x] * r1[x]
                            s2 += gs[x] * r2[x]
                            s3 += gs[x] * r3[x]
                    elif k == 3:
                        r0, r1 = r[p0 : p0 + m], r[p0 + inner : p0 + inner + m]
                        r2 = r[p0 + 2 * inner : p0 + 2 * inner + m]
                        for x in range(m):
                            s0 += gs[x] * r0[x]
                            s1 += gs[x] * r1[x]
                            s2 += gs[x] * r2[x]
                    else:
                        for q in range(k):
                            rq = r[p0 + q * inner : p0 + q * inner + m]
                            tq = 0.0
                            for x in range(m):
                                tq += gs[x] * rq[x]
                            partial[task, j * mx + i + q] += tq
                    partial[task, j * mx + i] += s0
                    partial[task, j * mx + i + 1 if k > 1 else j * mx + i] += s1
                    partial[task, j * mx + i + 2 if k > 2 else j * mx + i] += s2
                    partial[task, j * mx + i + 3 if k > 3 else j * mx + i] += s3
                    for o in range(n_cols - (o1 - o0)):  # edge columns, tap by tap
                        if o >= o0:
                            o += o1 - o0
                        for q in range(k):
                            c = colmap[o + dx[i + q] + off]
                            tq = 0.0
                            for e in range(inner):
                                tq += gr[o * inner + e] * (cfill if c < 0 else r[c * inner + e])
                            partial[task, j * mx + i + q] += tq
                    i += k


@njit(cache=True, nogil=True)
def vjp2_rows(t0, t1, fwd, kgrad):  # pragma: no cover - numba
    """``direct2_rows(*fwd)`` and ``kernel_gradient2_rows(*kgrad)`` task by task (the
    same row blocks): a vjp's two gradients in one pass over the rows."""
    for task in range(t0, t1):
        direct2_rows(task, task + 1, *fwd)
        kernel_gradient2_rows(task, task + 1, *kgrad)
