"""Fused numba loop for a separable kernel over two adjacent axes.

One sweep per output row: the column pass into a row buffer, the row pass
from it, and the cast into the output (rounded half to even and clipped
for integer outputs), so the image is read once and the result written
once, with no full-size intermediate. The view is ``(batch, rows,
cols * inner)``: ``inner`` values (channels, trailing unfiltered axes) sit
between horizontally adjacent taps. Sums run in the same order as the
two-pass separable strategy.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange


# Compiled on first use for each (source, accumulator, output) dtype triple
# the wrapper passes: exactly the planner's FUSED_TYPES table.
@njit(parallel=True, cache=True, nogil=True, fastmath={"contract"})
def separable2_rows(src, wy, wx, dst, inner, integer, lo, hi, block):  # pragma: no cover
    nb, h, n = dst.shape
    my = wy.shape[0]
    mx = wx.shape[0]
    m = src.shape[2]
    nblk = (h + block - 1) // block
    for task in prange(nb * nblk):  # a block of rows per task: buffers allocated once
        b = task // nblk
        y0 = (task - b * nblk) * block
        v = np.empty(m, wy.dtype)
        acc = np.empty(n, wx.dtype)
        for y in range(y0, min(y0 + block, h)):
            w = wy[0]
            r = src[b, y]
            for x in range(m):
                v[x] = w * r[x]
            j = 1
            while j + 4 <= my:  # four rows per sweep over v (left-to-right sums)
                w0, w1, w2, w3 = wy[j], wy[j + 1], wy[j + 2], wy[j + 3]
                r0, r1, r2, r3 = (
                    src[b, y + j],
                    src[b, y + j + 1],
                    src[b, y + j + 2],
                    src[b, y + j + 3],
                )
                for x in range(m):
                    v[x] = v[x] + w0 * r0[x] + w1 * r1[x] + w2 * r2[x] + w3 * r3[x]
                j += 4
            while j < my:
                w = wy[j]
                r = src[b, y + j]
                for x in range(m):
                    v[x] += w * r[x]
                j += 1
            w = wx[0]
            for x in range(n):
                acc[x] = w * v[x]
            i = 1
            while i + 4 <= mx:  # four taps per sweep over acc
                w0, w1, w2, w3 = wx[i], wx[i + 1], wx[i + 2], wx[i + 3]
                v0 = v[i * inner : i * inner + n]
                v1 = v[(i + 1) * inner : (i + 1) * inner + n]
                v2 = v[(i + 2) * inner : (i + 2) * inner + n]
                v3 = v[(i + 3) * inner : (i + 3) * inner + n]
                for x in range(n):
                    acc[x] = acc[x] + w0 * v0[x] + w1 * v1[x] + w2 * v2[x] + w3 * v3[x]
                i += 4
            while i < mx:
                w = wx[i]
                vi = v[i * inner : i * inner + n]
                for x in range(n):
                    acc[x] += w * vi[x]
                i += 1
            out = dst[b, y]
            if integer:  # lo, hi in the accumulator's type keep this loop vectorised
                for x in range(n):
                    out[x] = min(max(np.rint(acc[x]), lo), hi)
            else:
                for x in range(n):
                    out[x] = acc[x]
