"""The numba loops of the recursive Gaussian: a 3rd-order recursion forward, then backward.

Kept plain (numbagg style): flat arrays, no N-D logic; compiled lazily,
once per image dtype in use (float32 or float64). The Python side (``iir.gaussian_iir``) describes
the lines along one axis by their flat start offsets ``bases`` and the
step ``stride`` between their samples. Lines are taken ``width`` at a
time into a float64 buffer, one lane per line, so that each step of the
recursion (serial along a line) is a vector operation across the lanes.
Lines along a non-last axis lie side by side in memory and are copied a
row at a time; lines along the last axis are transposed on the way in and
out, in tiles that stay in L1. The image is read once and written once
per axis.

Buffer rows, each ``width`` lanes: ``0..2`` hold the causal state before
the line (``u[-3..-1]``), ``3..n+2`` the samples, ``n+3..n+4`` the
anti-causal state after it (``v[n]``, ``v[n+1]``).

The recursion runs in float64 whatever the image dtype: in float32 the
coefficients alone (``1 - a1 - a2 - a3 = 1.4e-4`` at sigma 30) cost about
1e-3 of relative accuracy at sigma 30, and all of it past sigma 100.
"""

from __future__ import annotations

import numpy as np
from numba import boolean, float64, int64, njit, void

# Samples per tile when transposing lines along the last axis.
_TILE = 64


# fastmath "contract" only: multiply-adds may fuse; the order of the sums stays IEEE.
@njit(
    void(float64[::1], int64, int64, float64[::1], float64[::1], boolean, float64),
    cache=True,
    nogil=True,
    fastmath={"contract"},
)
def filter_lanes(buf, n, w, coefs, m, nearest, cval):  # pragma: no cover - numba
    """Run the recursion forward then backward over the ``w`` lanes of ``buf``, in place.

    ``coefs = (b, a1, a2, a3)``: ``u[i] = b x[i] + a1 u[i-1] + a2 u[i-2] +
    a3 u[i-3]``, then ``v[i] = b u[i] + a1 v[i+1] + a2 v[i+2] + a3 v[i+3]``.
    ``m`` (3 x 3, row-major, already times ``b``) maps the causal state at
    the end of a line, less its steady state, to the anti-causal state
    ``v[n-1], v[n], v[n+1]`` (Triggs–Sdika). Each line continues past both
    ends by its edge samples (``nearest``), else by ``cval``.
    """
    b, a1, a2, a3 = coefs[0], coefs[1], coefs[2], coefs[3]
    # Rows 0..2 take the value before the line (the causal steady state, as
    # the gain is 1); row n + 3 keeps the value after it for the right end.
    for k in range(w):
        before = buf[3 * w + k] if nearest else cval
        buf[k] = before
        buf[w + k] = before
        buf[2 * w + k] = before
        buf[(n + 3) * w + k] = buf[(n + 2) * w + k] if nearest else cval

    # Causal pass; the newest value enters the sum last (one multiply-add
    # on the serial path).
    for i in range(3, n + 3):
        x = buf[i * w : (i + 1) * w]
        u1 = buf[(i - 1) * w : i * w]
        u2 = buf[(i - 2) * w : (i - 1) * w]
        u3 = buf[(i - 3) * w : (i - 2) * w]
        for k in range(w):
            x[k] = b * x[k] + a3 * u3[k] + a2 * u2[k] + a1 * u1[k]

    # Anti-causal state past the end, from the causal state at it.
    for k in range(w):
        plus = buf[(n + 3) * w + k]  # the steady state of both passes
        d0 = buf[(n + 2) * w + k] - plus
        d1 = buf[(n + 1) * w + k] - plus
        d2 = buf[n * w + k] - plus
        buf[(n + 2) * w + k] = plus + m[0] * d0 + m[1] * d1 + m[2] * d2
        buf[(n + 3) * w + k] = plus + m[3] * d0 + m[4] * d1 + m[5] * d2
        buf[(n + 4) * w + k] = plus + m[6] * d0 + m[7] * d1 + m[8] * d2

    # Anti-causal pass.
    for i in range(n + 1, 2, -1):
        u = buf[i * w : (i + 1) * w]
        v1 = buf[(i + 1) * w : (i + 2) * w]
        v2 = buf[(i + 2) * w : (i + 3) * w]
        v3 = buf[(i + 3) * w : (i + 4) * w]
        for k in range(w):
            u[k] = b * u[k] + a3 * v3[k] + a2 * v2[k] + a1 * v1[k]


# The two copies below are compiled for the dtypes gaussian_lines passes them.
@njit(cache=True, nogil=True)
def _gather(src, starts, stride, n, w, buf):  # pragma: no cover - numba
    """Copy line ``k`` (``src[starts[k] + i * stride]``) into lane ``k``, rows ``3..n+2``."""
    lanes = starts.shape[0]
    if starts[lanes - 1] - starts[0] == lanes - 1:  # side by side: row by row
        for i in range(n):
            s = starts[0] + i * stride
            row = buf[(3 + i) * w : (3 + i) * w + lanes]
            seg = src[s : s + lanes]
            for k in range(lanes):
                row[k] = seg[k]
    else:  # transposed, in tiles
        for i0 in range(0, n, _TILE):
            for k in range(lanes):
                s = starts[k]
                for i in range(i0, min(i0 + _TILE, n)):
                    buf[(3 + i) * w + k] = src[s + i * stride]


@njit(cache=True, nogil=True)
def _scatter(buf, starts, stride, n, w, dst):  # pragma: no cover - numba
    """The inverse of :func:`_gather`: lane ``k`` back into line ``k`` of ``dst``."""
    lanes = starts.shape[0]
    if starts[lanes - 1] - starts[0] == lanes - 1:
        for i in range(n):
            s = starts[0] + i * stride
            row = buf[(3 + i) * w : (3 + i) * w + lanes]
            seg = dst[s : s + lanes]
            for k in range(lanes):
                seg[k] = row[k]
    else:
        for i0 in range(0, n, _TILE):
            for k in range(lanes):
                s = starts[k]
                for i in range(i0, min(i0 + _TILE, n)):
                    dst[s + i * stride] = buf[(3 + i) * w + k]


# Compiled on first use for the dtype in use (float32 or float64 images; the
# source always passed as a read-only view), so one first call compiles one.
@njit(cache=True, nogil=True)
def gaussian_lines(
    t0, t1, src, dst, bases, stride, n, width, coefs, m, nearest, cval
):  # pragma: no cover
    """Filter the lines ``src[bases[j] + i * stride], i < n`` into the same places of ``dst``.

    Lines go ``width`` at a time through :func:`filter_lanes`, the groups
    in parallel. ``src`` may be ``dst``.
    """
    nlines = bases.shape[0]
    for g in range(t0, t1):
        starts = bases[g * width : min((g + 1) * width, nlines)]
        buf = np.empty((n + 5) * width)
        if starts.shape[0] < width:
            buf[:] = 0.0  # idle lanes compute on zeros
        _gather(src, starts, stride, n, width, buf)
        filter_lanes(buf, n, width, coefs, m, nearest, cval)
        _scatter(buf, starts, stride, n, width, dst)
