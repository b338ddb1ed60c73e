"""A box over two adjacent axes of a uint8 image, in 16-bit integer lanes.

Sums of up to 257 uint8 values fit in uint16, so both passes run on 16-bit
integers, twice the lanes of float32: the column sums slide from row to row
(add the row that enters, subtract the one that leaves; uint16 arithmetic
wraps, but the true sums fit, so the wrapped ones are exact), the row sums
add the box's width of shifted column sums in one sweep that also stores
the quotient by the box's size. An odd box (no ties) into an integer type
that holds 255 rounds in 16-bit lanes too, ``(s + h) * m >> (16 + k)`` with
constants checked against every sum by ``box8_magic`` in ``_box_lanes``;
other outputs divide in float32: a multiply by the inverse for odd sizes
(its rounding error is far below a quotient's distance from the nearest
half), an exact division for even sizes (so ties round half to even as
they should).
The view is ``(batch, rows, cols * inner)``. Its calls are short, so it has a
numba-parallel twin, ``box8_rows_parallel`` (see ``_threads``).
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import njit, prange, uint16
from numba.core import types
from numba.extending import intrinsic

from ..strategies._threads import parallel_twin
from .primitives import row

__all__ = ["box8_rows"]


@njit(cache=True, nogil=True)
def box8_rows(
    t0, t1, img, rowmap, fillrow, colmap, off, fill_sum, my, mx, dst, inner, mh, mm, mk, lo, hi,
    block,
):  # pragma: no cover - numba  # fmt: skip
    """``dst[b, y, o] = sum_{j<my, i<mx} ext[b, y + j, o + i] / (my * mx)``, rounded and
    clipped to ``[lo, hi]`` for integer outputs.

    The store is chosen by which arguments are None, so numba compiles only the
    one a call takes (all four in one function would all compile in a cold first
    call): ``mh``, ``mm``, ``mk`` (uint16) for an odd box into an integer type
    holding 255, else ``lo``/``hi`` for other integer outputs, else (all None) float32.

    ``rowmap[y + j]``: the image row of extended row ``y + j`` (-1: ``fillrow``);
    ``colmap[t]``: the image column of extended column ``t`` (-1: a column of the
    fill, whose column sum is ``fill_sum``); extended column ``t`` is image column
    ``t - off`` inside the image.
    """
    _, h, n = dst.shape
    w = img.shape[2] // inner  # image columns
    n_ext = colmap.shape[0]  # extended columns: n // inner + mx - 1
    size = np.float32(my * mx)
    inv = np.float32(1.0) / size
    odd = (my * mx) % 2 == 1
    nblk = (h + block - 1) // block
    # extended columns [x0, x1) lie inside the image: a slice of the column sums
    x0 = min(max(off, 0), n_ext)
    x1 = max(min(n_ext, w + off), x0)
    # the column sums over the extended columns, then n zeros (the row sums' missing taps)
    tail = n_ext * inner
    ext = np.zeros(tail + n, np.uint16)
    # the same over the image's columns: a view of ext where every image column is an
    # extended column (a "same" output), else copied into ext
    inside = x0 == off and x1 == w + off
    col = ext[x0 * inner : x1 * inner] if inside else np.empty(w * inner, np.uint16)
    acc = np.zeros(n, np.uint16)  # the row sums of the first taps, when there are over five
    # Unsigned indices and offsets, no row views: numba tests a signed index for
    # wrap-around on every element (which stops vectorisation), and building the
    # several views a row would take is a large share of this short kernel.
    z, un, uw = np.uint64(0), np.uint64(n), np.uint64(w * inner)
    span = np.uint64((x1 - x0) * inner)
    ue, uc = np.uint64(x0 * inner), np.uint64((x0 - off) * inner)
    for task in range(t0, t1):
        b = task // nblk
        y0 = (task - b * nblk) * block
        for y in range(y0, min(y0 + block, h)):
            ra, rs = rowmap[y + my - 1], rowmap[y - 1] if y > y0 else -1
            if y > y0 and ra >= 0 and rs >= 0:  # slide down one row: image rows
                for x in range(z, uw):
                    col[x] = col[x] + uint16(img[b, ra, x]) - uint16(img[b, rs, x])
            elif y == y0:  # the block's first row: every kernel row
                col[:] = 0
                for j in range(my):
                    r = row(img, b, rowmap[y + j], fillrow)
                    for x in range(col.shape[0]):
                        col[x] = col[x] + uint16(r[x])
            else:  # slide down one row, through the fill row
                rrow = row(img, b, ra, fillrow)
                srow = row(img, b, rowmap[y - 1], fillrow)
                for x in range(col.shape[0]):
                    col[x] = col[x] + uint16(rrow[x]) - uint16(srow[x])
            if not inside:
                for x in range(z, span):  # a loop: numba's slice copy is element-wise
                    ext[ue + x] = col[uc + x]
            for t in range(n_ext - (x1 - x0)):  # the margins, through the column map
                if t >= x0:
                    t += x1 - x0
                c = colmap[t]
                for e in range(inner):
                    ext[t * inner + e] = fill_sum if c < 0 else col[c * inner + e]
            # the row sums: sweeps of four shifted column sums into acc while more than
            # five are left, then one sweep of the rest (acc and up to five, the missing
            # ones read from the zero tail of ext) that rounds and stores
            i = 0
            while mx - i > 5:
                u0 = np.uint64(i * inner)  # chained: an int times a uint64 is a float
                u1 = u0 + np.uint64(inner)
                u2 = u1 + np.uint64(inner)
                u3 = u2 + np.uint64(inner)
                if i == 0:
                    for x in range(z, un):
                        acc[x] = ext[u0 + x] + ext[u1 + x] + ext[u2 + x] + ext[u3 + x]
                else:
                    for x in range(z, un):
                        acc[x] = acc[x] + ext[u0 + x] + ext[u1 + x] + ext[u2 + x] + ext[u3 + x]
                i += 4
            u0 = np.uint64(i * inner)
            u1 = np.uint64((i + 1) * inner if i + 1 < mx else tail)
            u2 = np.uint64((i + 2) * inner if i + 2 < mx else tail)
            u3 = np.uint64((i + 3) * inner if i + 3 < mx else tail)
            u4 = np.uint64((i + 4) * inner if i + 4 < mx else tail)
            if mm is not None:
                # an odd box into an integer type holding 255: no clipping, and
                # (s + mh) * mm >> (16 + mk) is the rounded quotient of every sum s
                # (box8_magic checks each one), in 16-bit lanes
                for x in range(z, un):
                    s = _sum6(acc, ext, x, u0, u1, u2, u3, u4)
                    dst[b, y, x] = mulhi_shift(uint16(s + mh), mm, mk)
            elif lo is not None:
                if odd:  # no ties: a multiply by the inverse rounds the same
                    for x in range(z, un):
                        s = _sum6(acc, ext, x, u0, u1, u2, u3, u4)
                        q = np.rint(np.float32(s) * inv)
                        dst[b, y, x] = np.int32(min(max(q, lo), hi))
                else:  # ties: the exact quotient, rounded half to even
                    for x in range(z, un):
                        s = _sum6(acc, ext, x, u0, u1, u2, u3, u4)
                        q = np.rint(np.float32(s) / size)
                        dst[b, y, x] = np.int32(min(max(q, lo), hi))
            else:
                for x in range(z, un):
                    dst[b, y, x] = np.float32(_sum6(acc, ext, x, u0, u1, u2, u3, u4)) / size


@njit(cache=True, inline="always")
def _sum6(acc, ext, x, u0, u1, u2, u3, u4):  # pragma: no cover - numba
    """``acc[x]`` plus five column sums of ``ext`` (exact as uint16: the true sum fits)."""
    return uint16(acc[x] + ext[u0 + x] + ext[u1 + x] + ext[u2 + x] + ext[u3 + x] + ext[u4 + x])


@intrinsic
def mulhi_shift(typingctx, a, m, k):
    """``(a * m) >> (16 + k)`` for uint16 ``a``, ``m``, ``k``, as a uint16: the high half
    of the 32-bit product, which vectorises as one 16-bit multiply (``pmulhuw``)."""
    sig = types.uint16(types.uint16, types.uint16, types.uint16)

    def codegen(context, builder, signature, args):
        a, m, k = args
        i32 = ir.IntType(32)
        product = builder.mul(builder.zext(a, i32), builder.zext(m, i32))
        high = builder.trunc(builder.lshr(product, ir.Constant(i32, 16)), ir.IntType(16))
        return builder.lshr(high, k)

    return sig, codegen


@parallel_twin(box8_rows)
@njit(cache=True, parallel=True, nogil=True)
def box8_rows_parallel(pieces, ntasks, *args):  # pragma: no cover - numba
    """``box8_rows`` over ``pieces`` slices of ``[0, ntasks)``, one per thread."""
    for p in prange(pieces):
        box8_rows(ntasks * p // pieces, ntasks * (p + 1) // pieces, *args)
