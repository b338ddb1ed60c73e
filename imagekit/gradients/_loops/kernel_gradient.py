"""Numba loops for the gradient of a kernel: ``dw[j] = sum_o grad[o] * ext[o + j]``.

``correlate_runs_adjoint``: over contiguous runs of an extended window, the
layout of ``filtering._loops.runs.correlate_runs`` (any number of axes).

Over two adjacent axes, ``kernel_gradient2_rows``: ``dw[j, i] = sum_o grad[o] *
ext[o + (j, i)]``, reading the image in place through the same row and column
maps as ``direct2_rows`` (a 3x3 kernel takes all nine sums in one sweep).
``vjp2_rows``, ``vjp2_rows3`` and ``vjp2_dense3_rows`` run a forward loop (the
image's gradient) and the kernel's gradient task by task, over the same row
blocks.

The 3x3 sums take rows through the border with the same loop as runs of
image rows (``_kgrad3_run``, from three 2-D sources and row indices, as
``dense3_rows`` does): a separate row-by-row loop would lengthen a cold
first ``imfilter_vjp``'s compilation. ``vjp2_dense3_rows`` has a
numba-parallel twin (see ``filtering.strategies._threads``).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from ...filtering._loops.plane import dense3_rows, direct2_rows
from ...filtering._loops.primitives import edge_col, row, row_run
from ...filtering.strategies._threads import parallel_twin

__all__ = [
    "correlate_runs_adjoint",
    "kernel_gradient2_rows",
    "kernel_gradient3_rows",
    "vjp2_dense3_rows",
    "vjp2_rows",
    "vjp2_rows3",
]


@njit(no_cpython_wrapper=True)
def _add9(acc, sums):  # pragma: no cover - numba
    """``acc[k] += sums[k]`` for the nine sums of a 3x3 kernel's gradient."""
    for k in range(9):
        acc[k] += sums[k]


@njit(fastmath={"contract", "reassoc"}, no_cpython_wrapper=True)
def _kgrad3_edges(grad, y, count, rows, at, colmap, cfill, dx, geom, o0, o1, acc):
    """The edge columns (``[0, o0)``, ``[o1, n_cols)``) of the nine sums, through the
    column map: gradient rows ``grad[y + k]`` against image rows ``rows[j][at[j] + k]``
    for ``k < count`` (2-D sources and indices: no view per row)."""
    r0, r1, r2 = rows
    i0, i1, i2 = at
    inner, _, n_cols, off = geom
    for k in range(count):
        for t in range(n_cols - (o1 - o0)):
            o = edge_col(t, o0, o1)
            for i in range(3):
                c = colmap[o + dx[i] + off]
                for e in range(inner):
                    gv = grad[y + k, o * inner + e]
                    if c < 0:
                        acc[i] += gv * cfill
                        acc[3 + i] += gv * cfill
                        acc[6 + i] += gv * cfill
                    else:
                        q = c * inner + e
                        acc[i] += gv * r0[i0 + k, q]
                        acc[3 + i] += gv * r1[i1 + k, q]
                        acc[6 + i] += gv * r2[i2 + k, q]


@njit(fastmath={"contract", "reassoc"}, no_cpython_wrapper=True)
def _kgrad3_run(grad, b, ya, yb, rows, at, colmap, cfill, dx, inner, w_cols, n_cols, off, acc):
    """``acc[3 j + i] += sum_o grad[b, y, o] * ext[y + j, o + dx[i]]`` over output rows
    ``y`` in ``ya..yb``, which read rows ``rows[j][at[j] + y - ya]``: a run of image
    rows that follow on (``rows[j]`` the same plane, ``at[j] = ry + j``), or one row
    from any three (image rows or the fill row), so one compiled loop serves both.

    Indexed in two dimensions with unsigned column offsets (no row views; numba's
    wrap-around test on a signed index stops vectorisation), the nine sums kept
    over the whole run; four rows a sweep where the run has them, their six image
    rows loaded once (5.5 loads a row where two rows a sweep make 7; eight rows
    a sweep save little more and lengthen a cold first vjp's compilation), the
    rows left one at a time."""
    o0 = min(max(0, -dx[0]), n_cols)
    o1 = max(min(n_cols, w_cols - dx[2]), o0)
    mu, z = np.uint64((o1 - o0) * inner), np.uint64(0)
    ug = np.uint64(o0 * inner)
    u0, u1 = np.uint64((o0 + dx[0]) * inner), np.uint64((o0 + dx[1]) * inner)
    u2 = np.uint64((o0 + dx[2]) * inner)
    s00 = s01 = s02 = s10 = s11 = s12 = s20 = s21 = s22 = 0.0
    s0, s1, s2 = rows
    i0, i1, i2 = at
    y = ya
    while y + 4 <= yb:  # four rows a sweep: six image rows for four gradient rows
        r = i0 + y - ya
        for x in range(z, mu):
            g0, g1 = grad[b, y, ug + x], grad[b, y + 1, ug + x]
            g2, g3 = grad[b, y + 2, ug + x], grad[b, y + 3, ug + x]
            a0, a1, a2 = s0[r, u0 + x], s0[r, u1 + x], s0[r, u2 + x]
            b0, b1, b2 = s0[r + 1, u0 + x], s0[r + 1, u1 + x], s0[r + 1, u2 + x]
            c0, c1, c2 = s0[r + 2, u0 + x], s0[r + 2, u1 + x], s0[r + 2, u2 + x]
            d0, d1, d2 = s0[r + 3, u0 + x], s0[r + 3, u1 + x], s0[r + 3, u2 + x]
            e0, e1, e2 = s0[r + 4, u0 + x], s0[r + 4, u1 + x], s0[r + 4, u2 + x]
            f0, f1, f2 = s0[r + 5, u0 + x], s0[r + 5, u1 + x], s0[r + 5, u2 + x]
            s00 += g0 * a0 + g1 * b0 + g2 * c0 + g3 * d0
            s01 += g0 * a1 + g1 * b1 + g2 * c1 + g3 * d1
            s02 += g0 * a2 + g1 * b2 + g2 * c2 + g3 * d2
            s10 += g0 * b0 + g1 * c0 + g2 * d0 + g3 * e0
            s11 += g0 * b1 + g1 * c1 + g2 * d1 + g3 * e1
            s12 += g0 * b2 + g1 * c2 + g2 * d2 + g3 * e2
            s20 += g0 * c0 + g1 * d0 + g2 * e0 + g3 * f0
            s21 += g0 * c1 + g1 * d1 + g2 * e1 + g3 * f1
            s22 += g0 * c2 + g1 * d2 + g2 * e2 + g3 * f2
        y += 4
    for y in range(y, yb):  # noqa: B020 - up to three rows left, or the one row
        r0, r1, r2 = i0 + y - ya, i1 + y - ya, i2 + y - ya
        for x in range(z, mu):
            g = grad[b, y, ug + x]
            s00 += g * s0[r0, u0 + x]
            s01 += g * s0[r0, u1 + x]
            s02 += g * s0[r0, u2 + x]
            s10 += g * s1[r1, u0 + x]
            s11 += g * s1[r1, u1 + x]
            s12 += g * s1[r1, u2 + x]
            s20 += g * s2[r2, u0 + x]
            s21 += g * s2[r2, u1 + x]
            s22 += g * s2[r2, u2 + x]
    _add9(acc, (s00, s01, s02, s10, s11, s12, s20, s21, s22))
    geom = (inner, w_cols, n_cols, off)
    _kgrad3_edges(grad[b], ya, yb - ya, rows, at, colmap, cfill, dx, geom, o0, o1, acc)


# "reassoc" lets LLVM vectorise the dot products (a sum in another order:
# rounding-level differences); NaN and inf still propagate.
@njit(cache=True, nogil=True, fastmath={"contract", "reassoc"})
def kernel_gradient2_rows(
    t0, t1, img, rowmap, fillrow, colmap, cfill, grad, dx, my, inner, block, partial
):  # pragma: no cover - numba
    """``partial[task, j * mx + i] = sum over the task's rows y and columns o of
    grad[b, y, o] * ext[b, y + j, o + dx[i]]``: the kernel's gradient, reading the
    image in place through the same row and column maps as ``direct2_rows``; the
    caller sums ``partial`` over tasks. 3x3 kernels go to ``kernel_gradient3_rows``
    (the same arguments): a function of its own, so a first call compiles one."""
    _, h, n = grad.shape
    w_cols = img.shape[2] // inner
    n_cols = n // inner
    mx = dx.shape[0]
    off = -dx[0]
    nblk = (h + block - 1) // block
    for task in range(t0, t1):
        b = task // nblk
        y0 = (task - b * nblk) * block
        for y in range(y0, min(y0 + block, h)):
            gr = grad[b, y]
            for j in range(my):
                r = row(img, b, rowmap[y + j], fillrow)
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


# "reassoc", as for kernel_gradient2_rows
@njit(cache=True, nogil=True, fastmath={"contract", "reassoc"})
def kernel_gradient3_rows(
    t0, t1, img, rowmap, fillrow, colmap, cfill, grad, dx, my, inner, block, partial
):  # pragma: no cover - numba
    """``kernel_gradient2_rows`` for a 3x3 kernel: all nine sums in one sweep, over
    whole runs of rows where their image rows follow on (``_kgrad3_run``)."""
    _, h, n = grad.shape
    geom = (inner, img.shape[2] // inner, n // inner, -dx[0])
    nblk = (h + block - 1) // block
    fill = fillrow.reshape((1, fillrow.size))
    one = np.int64(1)  # not a literal: one compiled sweep for all rows
    for task in range(t0, t1):
        b = task // nblk
        y = (task - b * nblk) * block
        y_end = min(y + block, h)
        while y < y_end:
            # a run of image rows in one sweep, or a row through the fill or a reflection
            rows, at, count = row_run(img, b, fill, rowmap, y, y_end, True, one)
            _kgrad3_run(grad, b, y, y + count, rows, at, colmap, cfill, dx, *geom, partial[task])
            y += count


# A vjp's two gradients in one pass over the rows, task by task (the same row
# blocks): one function per pair of loops, so a first call compiles only its own.
@njit(cache=True, nogil=True)
def vjp2_rows(t0, t1, fwd, kgrad):  # pragma: no cover - numba
    """``direct2_rows(*fwd)`` and ``kernel_gradient2_rows(*kgrad)``."""
    for task in range(t0, t1):
        direct2_rows(task, task + 1, *fwd)
        kernel_gradient2_rows(task, task + 1, *kgrad)


@njit(cache=True, nogil=True)
def vjp2_rows3(t0, t1, fwd, kgrad):  # pragma: no cover - numba
    """``direct2_rows(*fwd)`` and ``kernel_gradient3_rows(*kgrad)`` (a 3x3 kernel with
    a zero weight)."""
    for task in range(t0, t1):
        direct2_rows(task, task + 1, *fwd)
        kernel_gradient3_rows(task, task + 1, *kgrad)


@njit(cache=True, nogil=True)
def vjp2_dense3_rows(t0, t1, fwd, kgrad):  # pragma: no cover - numba
    """``dense3_rows(*fwd)`` and ``kernel_gradient3_rows(*kgrad)`` (a full 3x3)."""
    for task in range(t0, t1):
        dense3_rows(task, task + 1, *fwd)
        kernel_gradient3_rows(task, task + 1, *kgrad)


@parallel_twin(vjp2_dense3_rows)
@njit(cache=True, parallel=True, nogil=True)
def vjp2_dense3_rows_parallel(pieces, ntasks, fwd, kgrad):  # pragma: no cover - numba
    """What ``vjp2_dense3_rows`` does, over ``pieces`` slices of ``[0, ntasks)``, one per
    thread. (The argument tuples are unpacked outside ``prange``: a parallel loop
    cannot take a tuple holding arrays.)"""
    f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14 = fwd
    k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10 = kgrad
    for p in prange(pieces):
        f = (f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14)
        k = (k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10)
        # vjp2_dense3_rows's loop, not a call of it: one layer fewer for LLVM to
        # optimise and lower again
        for task in range(ntasks * p // pieces, ntasks * (p + 1) // pieces):
            dense3_rows(task, task + 1, *f)
            kernel_gradient3_rows(task, task + 1, *k)


# "reassoc" lets LLVM vectorise the dot products (a sum in a different order:
# rounding-level differences); NaN and inf still propagate.
@njit(cache=True, nogil=True, fastmath={"contract", "reassoc"})
def correlate_runs_adjoint(
    t0, t1, src, bases, deltas, grad, run, chunk, partial
):  # pragma: no cover
    """The kernel's gradient: ``partial[task, t] = sum_x grad[r, x] * src[base[r] + delta[t] + x]``
    over each task's piece of run; the caller sums ``partial`` over tasks. One pass
    over the image however many taps (the same layout as ``correlate_runs``)."""
    per_row = (run + chunk - 1) // chunk
    ntaps = deltas.shape[0]
    for task in range(t0, t1):
        r = task // per_row
        x0 = (task - r * per_row) * chunk
        n = min(chunk, run - x0)
        s = bases[r] + x0
        gr = grad[r * run + x0 : r * run + x0 + n]
        for t in range(ntaps):
            row = src[s + deltas[t] : s + deltas[t] + n]
            total = 0.0
            for x in range(n):
                total += gr[x] * row[x]
            partial[task, t] = total
