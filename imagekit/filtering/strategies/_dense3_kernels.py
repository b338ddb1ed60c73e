"""Numba loop for a full 3x3 kernel over two adjacent axes, reading the image in place.

All nine taps in one sweep, nothing reloaded. Runs of output rows whose
three image rows are consecutive are one 2-D indexed sweep with unsigned
column indices (numba tests a signed index for wrap-around on every element,
which stops LLVM vectorising; and no row view is built per row); the other
rows (through the fill row or a reflection) and integer outputs go row by
row. Edge columns read through the column map. The arguments are
``direct2_rows``'s, so ``direct.py`` runs either.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ._direct2_kernels import _row, _store, edge_col, run_end


@njit(fastmath={"contract"}, no_cpython_wrapper=True)
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


@njit(fastmath={"contract"}, no_cpython_wrapper=True)
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
def dense3_rows(
    t0, t1, img, rowmap, fillrow, colmap, cfill, weights, dx, dst, inner, *flags
):  # pragma: no cover - numba
    """``direct2_rows`` for a 3x3 kernel with no zero weight (the same arguments, its
    ``dense3`` and ``wide`` unused): all nine taps in one sweep, nothing reloaded."""
    integer, lo, hi, block = flags[0], flags[1], flags[2], flags[3]
    _, h, n = dst.shape
    geom = (inner, img.shape[2] // inner, n // inner, -dx.min())
    nblk = (h + block - 1) // block
    acc = np.empty(n, weights.dtype)
    for task in range(t0, t1):
        b = task // nblk
        y0 = (task - b * nblk) * block
        done = y0  # rows below this were written by a 2-D run
        for y in range(y0, min(y0 + block, h)):
            if y < done:
                continue
            yb = y if integer else run_end(rowmap, y, min(y0 + block, h))
            if yb > y:  # image rows follow on: one 2-D sweep for the run
                _dense3_run(img, b, rowmap[y], dst, y, yb, colmap, cfill, weights, dx, *geom)
                done = yb
                continue
            # rows through the fill or a reflection, and integer outputs: row by row
            r0 = _row(img, b, rowmap[y], fillrow)
            r1 = _row(img, b, rowmap[y + 1], fillrow)
            r2 = _row(img, b, rowmap[y + 2], fillrow)
            if integer:  # rounded and clipped from the accumulator
                _dense3_row(r0, r1, r2, colmap, cfill, weights, dx, acc, *geom)
                _store(acc, dst[b, y], integer, lo, hi)
            else:  # the output row is the accumulator
                _dense3_row(r0, r1, r2, colmap, cfill, weights, dx, dst[b, y], *geom)
