"""A box over two adjacent axes of a uint8 image, in 16-bit integer lanes.

Sums of up to 257 uint8 values fit in uint16, so both passes run on 16-bit
integers, twice the lanes of float32: the column sums slide from row to row
(add the row that enters, subtract the one that leaves; uint16 arithmetic
wraps, but the true sums fit, so the wrapped ones are exact), the row sums
add the box's width of shifted column sums, and the quotient by the box's
size in float32 gives the output: a multiply by the inverse for odd sizes (no ties, and its
rounding error is far below a quotient's distance from the nearest half), an
exact division for even sizes (so ties round half to even as they should).
The view is ``(batch, rows, cols * inner)``. Its calls are short, so it has a
numba-parallel twin, ``box8_rows_parallel`` (see ``_threads``).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange, uint16

from ..strategies._threads import parallel_twin
from .primitives import row

__all__ = ["box8_rows"]


@njit(cache=True, nogil=True)
def box8_rows(
    t0, t1, img, rowmap, fillrow, colmap, off, fill_sum, my, mx, dst, inner, trunc, lo, hi, block
):  # pragma: no cover - numba
    """``dst[b, y, o] = sum_{j<my, i<mx} ext[b, y + j, o + i] / (my * mx)``, rounded and
    clipped to ``[lo, hi]`` for integer outputs.

    The store is chosen by which arguments are None, so numba compiles only the
    one a call takes (all four in one function would all compile in a cold first
    call): ``trunc`` (True) for an odd box into an integer type holding 255,
    else ``lo``/``hi`` for other integer outputs, else (all None) float32.

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
    col = np.empty(w * inner, np.uint16)  # column sums over the image's columns
    ext = np.empty(n_ext * inner, np.uint16)  # the same over the extended columns
    acc = np.empty(n, np.uint16)
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
            for x in range(z, span):  # a loop: numba's slice copy is element-wise
                ext[ue + x] = col[uc + x]
            for t in range(n_ext - (x1 - x0)):  # the margins, through the column map
                if t >= x0:
                    t += x1 - x0
                c = colmap[t]
                for e in range(inner):
                    ext[t * inner + e] = fill_sum if c < 0 else col[c * inner + e]
            i = 0
            while i < mx:  # up to four shifted sums per sweep (one pass each, not per tap)
                k = min(4, mx - i)
                u0 = np.uint64(i * inner)  # chained: an int times a uint64 is a float
                u1 = u0 + np.uint64(inner if k > 1 else 0)
                u2 = u1 + np.uint64(inner if k > 2 else 0)
                u3 = u2 + np.uint64(inner if k > 3 else 0)
                if i == 0 and k == 4:
                    for x in range(z, un):
                        acc[x] = ext[u0 + x] + ext[u1 + x] + ext[u2 + x] + ext[u3 + x]
                elif k == 4:
                    for x in range(z, un):
                        acc[x] = acc[x] + ext[u0 + x] + ext[u1 + x] + ext[u2 + x] + ext[u3 + x]
                else:  # one tap at a time
                    for q in range(k):
                        uq = np.uint64((i + q) * inner)
                        if i + q == 0:
                            for x in range(z, un):
                                acc[x] = ext[uq + x]
                        else:
                            for x in range(z, un):
                                acc[x] = acc[x] + ext[uq + x]
                i += k
            if trunc is not None:
                # A mean of uint8 values needs no clipping here, and (odd size: no
                # ties, quotients >= 1 / 514 from a half) truncating q + 1/2 rounds it
                for x in range(z, un):
                    dst[b, y, x] = np.int32(np.float32(acc[x]) * inv + np.float32(0.5))
            elif lo is not None:
                if odd:  # no ties: a multiply by the inverse rounds the same
                    for x in range(z, un):
                        q = np.rint(np.float32(acc[x]) * inv)
                        dst[b, y, x] = np.int32(min(max(q, lo), hi))
                else:  # ties: the exact quotient, rounded half to even
                    for x in range(z, un):
                        q = np.rint(np.float32(acc[x]) / size)
                        dst[b, y, x] = np.int32(min(max(q, lo), hi))
            else:
                for x in range(z, un):
                    dst[b, y, x] = np.float32(acc[x]) / size


@parallel_twin(box8_rows)
@njit(cache=True, parallel=True, nogil=True)
def box8_rows_parallel(pieces, ntasks, *args):  # pragma: no cover - numba
    """``box8_rows`` over ``pieces`` slices of ``[0, ntasks)``, one per thread."""
    for p in prange(pieces):
        box8_rows(ntasks * p // pieces, ntasks * (p + 1) // pieces, *args)
