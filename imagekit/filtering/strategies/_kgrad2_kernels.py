"""Numba loops for the gradient of a dense kernel over two adjacent axes.

``kernel_gradient2_rows``: ``dw[j, i] = sum_o grad[o] * ext[o + (j, i)]``, reading
the image in place through the same row and column maps as ``direct2_rows``
(a 3x3 kernel takes all nine sums in one sweep). ``vjp2_rows`` and
``vjp2_dense3_rows`` run a forward loop (the image's gradient) and the
kernel's gradient task by task, over the same row blocks.
"""

from __future__ import annotations

from numba import njit

from ._dense3_kernels import dense3_rows
from ._direct2_kernels import _row, direct2_rows


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


@njit(cache=True, nogil=True)
def vjp2_dense3_rows(t0, t1, fwd, kgrad):  # pragma: no cover - numba
    """``vjp2_rows`` with ``dense3_rows`` (a full 3x3 kernel): its own function, so a
    first call compiles one of the two loops, not both."""
    for task in range(t0, t1):
        dense3_rows(task, task + 1, *fwd)
        kernel_gradient2_rows(task, task + 1, *kgrad)
