"""Numba loop for a full 3x3 kernel over two adjacent axes, reading the image in place.

All nine taps in one sweep, nothing reloaded. Runs of output rows whose
three image rows are consecutive are one 2-D indexed sweep with unsigned
column indices (numba tests a signed index for wrap-around on every element,
which stops LLVM vectorising; and no row view is built per row); the other
rows (through the fill row or a reflection) and integer outputs take the
same sweep one row at a time. Edge columns read through the column map. The arguments are
``direct2_rows``'s, so ``direct.py`` runs either.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ._direct2_kernels import _store, edge_col, run_end


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
def _dense3_sweep(rows, at, count, dst, y, colmap, cfill, w, dx, inner, w_cols, n_cols, off):
    """Output rows ``dst[y : y + count]`` of a 3x3 kernel: row ``y + k`` from rows
    ``rows[j][at[j] + k]`` (image rows, or the fill row), all nine taps in one sweep.

    Indexed in two dimensions, not through row views: LLVM then vectorises
    the sweep with the row stride hoisted, and no view is built per row
    (1000x1000 float32 on one core: 0.35 ms against 0.55 ms through views).
    """
    s0, s1, s2 = rows
    i0, i1, i2 = at
    o0 = min(max(0, -dx[0]), n_cols)
    o1 = max(min(n_cols, w_cols - dx[2]), o0)
    w00, w01, w02 = w[0, 0], w[0, 1], w[0, 2]
    w10, w11, w12 = w[1, 0], w[1, 1], w[1, 2]
    w20, w21, w22 = w[2, 0], w[2, 1], w[2, 2]
    # Column indices unsigned: numba tests a signed index for wrap-around on
    # every element, which stops vectorisation (measured 4x slower).
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


@njit(no_cpython_wrapper=True, inline="always")
def three_rows(img, b, fill, rowmap, y, yb, one):  # pragma: no cover - numba
    """The sources of output rows ``y .. y + count`` of a kernel three rows high:
    ``(rows, at, count)``, output row ``y + k`` reading rows ``rows[j][at[j] + k]``.
    Image rows that follow on up to ``yb`` (> y) are one run; else row ``y`` alone,
    its three rows from the image or the fill row (a reflection, the border)."""
    if yb > y:
        ry = rowmap[y]
        return (img[b], img[b], img[b]), (ry, ry + 1, ry + 2), yb - y
    z = one - one
    j0, j1, j2 = rowmap[y], rowmap[y + 1], rowmap[y + 2]
    s0 = fill if j0 < 0 else img[b]
    s1 = fill if j1 < 0 else img[b]
    s2 = fill if j2 < 0 else img[b]
    return (s0, s1, s2), (max(j0, z), max(j1, z), max(j2, z)), one


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
        y0 = (task - b * nblk) * block
        done = y0  # rows below this were written by a run
        for y in range(y0, min(y0 + block, h)):
            if y < done:
                continue
            # a run of image rows in one 2-D sweep; an integer output's rows one by one
            yb = y if integer is not None else run_end(rowmap, y, min(y0 + block, h))
            rows, at, count = three_rows(img, b, fill, rowmap, y, yb, one)
            done = y + count
            # one call site of the sweep for float outputs (LLVM compiled it once per site)
            if integer is not None:  # rounded and clipped from the accumulator
                _dense3_sweep(rows, at, one, acc, z, colmap, cfill, weights, dx, *geom)
                _store(acc[0], dst[b, y], lo, hi)
            else:
                _dense3_sweep(rows, at, count, dst[b], y, colmap, cfill, weights, dx, *geom)
