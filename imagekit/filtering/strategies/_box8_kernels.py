"""A box over two adjacent axes of a uint8 image, in 16-bit integer lanes.

Sums of up to 257 uint8 values fit in uint16, so both passes run on 16-bit
integers, twice the lanes of float32 (measured: five-row sums of uint8 rows
take half the time in uint16): the column sums slide from row to row (add the
row that enters, subtract the one that leaves; uint16 arithmetic wraps, but
the true sums fit, so the wrapped ones are exact), the row sums add the box's
width of shifted column sums, and the quotient by the box's size in float32
gives the output: a multiply by the inverse for odd sizes (no ties, and its
rounding error is far below a quotient's distance from the nearest half), an
exact division for even sizes (so ties round half to even as they should).
The view is ``(batch, rows, cols * inner)``.
"""

from __future__ import annotations

import numpy as np
from numba import njit, uint16

from ._direct2_kernels import _row  # an image row, or the fill row


@njit(cache=True, nogil=True)
def box8_rows(
    t0, t1, img, rowmap, fillrow, colmap, off, fill_sum, my, mx, dst, inner, integer, lo, hi, block
):  # pragma: no cover - numba
    """``dst[b, y, o] = sum_{j<my, i<mx} ext[b, y + j, o + i] / (my * mx)``, rounded and
    clipped to ``[lo, hi]`` for integer outputs.

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
    for task in range(t0, t1):
        b = task // nblk
        y0 = (task - b * nblk) * block
        col = np.empty(w * inner, np.uint16)  # column sums over the image's columns
        ext = np.empty(n_ext * inner, np.uint16)  # the same over the extended columns
        acc = np.empty(n, np.uint16)
        for y in range(y0, min(y0 + block, h)):
            if y == y0:  # the block's first row: every kernel row
                col[:] = 0
                for j in range(my):
                    r = _row(img, b, rowmap[y + j], fillrow)
                    for x in range(col.shape[0]):
                        col[x] = col[x] + uint16(r[x])
            else:  # slide down one row
                ra = _row(img, b, rowmap[y + my - 1], fillrow)
                rs = _row(img, b, rowmap[y - 1], fillrow)
                for x in range(col.shape[0]):
                    col[x] = col[x] + uint16(ra[x]) - uint16(rs[x])
            # a loop, not a slice assignment: numba's is an element-wise copy (measured
            # 1.3 ms of this kernel's 2.5 on W9)
            span = (x1 - x0) * inner
            into, src = ext[x0 * inner : x0 * inner + span], col[(x0 - off) * inner :]
            for x in range(span):
                into[x] = src[x]
            for t in range(n_ext - (x1 - x0)):  # the margins, through the column map
                if t >= x0:
                    t += x1 - x0
                c = colmap[t]
                for e in range(inner):
                    ext[t * inner + e] = fill_sum if c < 0 else col[c * inner + e]
            i = 0
            while i < mx:  # up to four shifted sums per sweep (one pass each, not per tap)
                k = min(4, mx - i)
                s0 = ext[i * inner : i * inner + n]
                s1 = ext[(i + 1) * inner : (i + 1) * inner + n] if k > 1 else s0
                s2 = ext[(i + 2) * inner : (i + 2) * inner + n] if k > 2 else s0
                s3 = ext[(i + 3) * inner : (i + 3) * inner + n] if k > 3 else s0
                if i == 0 and k == 4:
                    for x in range(n):
                        acc[x] = s0[x] + s1[x] + s2[x] + s3[x]
                elif i == 0:
                    for x in range(n):
                        acc[x] = s0[x] + (s1[x] if k > 1 else 0) + (s2[x] if k > 2 else 0)
                elif k == 4:
                    for x in range(n):
                        acc[x] = acc[x] + s0[x] + s1[x] + s2[x] + s3[x]
                else:
                    for q in range(k):
                        sq = ext[(i + q) * inner : (i + q) * inner + n]
                        for x in range(n):
                            acc[x] = acc[x] + sq[x]
                i += k
            out = dst[b, y]
            if integer and odd:  # no ties: a multiply by the inverse rounds the same
                for x in range(n):
                    out[x] = np.int32(min(max(np.rint(np.float32(acc[x]) * inv), lo), hi))
            elif integer:  # ties: the exact quotient, rounded half to even
                for x in range(n):
                    out[x] = np.int32(min(max(np.rint(np.float32(acc[x]) / size), lo), hi))
            else:
                for x in range(n):
                    out[x] = np.float32(acc[x]) / size
