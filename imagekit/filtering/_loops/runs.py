"""The numba loop every CPU strategy runs: correlation over contiguous runs.

Kept deliberately plain (numbagg style): one loop nest over flat arrays,
no N-D logic. It is compiled lazily, once per dtype actually used (float32
and float64: the wrapper casts everything else), so a first call pays for
one specialisation, not all of them. The Python side
(``direct.correlate_window``) turns any N-D correlation into this form:
the output is a stack of equal-length contiguous runs, the source is a
C-contiguous array, each non-zero tap is a flat offset ``delta`` and a
weight, and ``dst[r, x] = sum_t w[t] * src[base[r] + delta[t] + x]``.
The inner loop over ``x`` is unit-stride in both arrays, so LLVM
vectorises it; runs are cut into ``chunk``-long pieces that stay in L1 and
are spread over the threads (``_threads.run_tasks``). The kernel's gradient over
the same layout is ``gradients._loops.kernel_gradient.correlate_runs_adjoint``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .primitives import store

__all__ = ["correlate_runs", "volume_blocks"]


# fastmath "contract" only: multiply-adds may fuse (one rounding instead of
# two); NaN/inf semantics and the order of the sum stay IEEE.
# Compiled on first use for the dtypes the wrapper passes: float32 or float64
# arrays (the source always as a read-only view), int64 offsets and sizes.
@njit(cache=True, nogil=True, fastmath={"contract"})
def correlate_runs(
    t0, t1, src, bases, deltas, weights, dst, run, chunk
):  # pragma: no cover - numba
    per_row = (run + chunk - 1) // chunk
    ntaps = deltas.shape[0]
    for task in range(t0, t1):  # tasks: pieces of runs (run_tasks spreads them over threads)
        r = task // per_row
        x0 = (task - r * per_row) * chunk
        n = min(chunk, run - x0)
        s = bases[r] + x0
        # Slices, not flat indices into `dst` and `src`: LLVM then knows the
        # two do not overlap and vectorises the loops.
        acc = dst[r * run + x0 : r * run + x0 + n]
        w = weights[0]
        row = src[s + deltas[0] : s + deltas[0] + n]
        for x in range(n):
            acc[x] = w * row[x]
        # Four taps per sweep: one load and store of `acc` for four
        # multiply-adds. The sum is still added left to right, tap by tap.
        t = 1
        while t + 4 <= ntaps:
            w0, w1, w2, w3 = weights[t], weights[t + 1], weights[t + 2], weights[t + 3]
            r0 = src[s + deltas[t] : s + deltas[t] + n]
            r1 = src[s + deltas[t + 1] : s + deltas[t + 1] + n]
            r2 = src[s + deltas[t + 2] : s + deltas[t + 2] + n]
            r3 = src[s + deltas[t + 3] : s + deltas[t + 3] + n]
            for x in range(n):
                acc[x] = acc[x] + w0 * r0[x] + w1 * r1[x] + w2 * r2[x] + w3 * r3[x]
            t += 4
        while t < ntaps:
            w = weights[t]
            row = src[s + deltas[t] : s + deltas[t] + n]
            for x in range(n):
                acc[x] += w * row[x]
            t += 1


# Values of a block's run that one pass of the taps covers at a time, at least
# (under twice as many): their sums (16-32 KB of float32) stay in L1 from sweep
# to sweep.
_PIECE = 4096


@njit(no_cpython_wrapper=True, inline="always")
def _plane_rows(buf, slot, img, b, p, rowmap, y0, nrows, colmap, cols, cfill, ext):
    """Rows ``y0 .. y0 + nrows`` of image plane ``p`` (-1: the fill), extended along the
    columns, into ``buf``'s slot ``slot``."""
    _, rows, width, inner = ext
    x0, x1, c0 = cols
    n_ext, span = colmap.shape[0], (x1 - x0) * inner  # a row's columns; width: its stride
    for j in range(nrows):
        r = rowmap[y0 + j] if p >= 0 else -1
        into = buf[(slot * rows + j) * width : (slot * rows + j + 1) * width]
        if r < 0:
            for x in range(np.uint64(0), np.uint64(n_ext * inner)):
                into[x] = cfill
            continue
        src = img[b, p, r]
        # the columns inside the image, in one run (unsigned indices: a signed one is
        # tested for wrap-around per element, which stops vectorising)
        u, v = np.uint64(x0 * inner), np.uint64(c0 * inner)
        for x in range(np.uint64(0), np.uint64(span)):
            into[u + x] = src[v + x]
        for t in range(n_ext - (x1 - x0)):  # the others, through the map
            if t >= x0:
                t += x1 - x0
            c = colmap[t]
            for e in range(inner):
                into[t * inner + e] = cfill if c < 0 else src[c * inner + e]


@njit(cache=True, nogil=True, fastmath={"contract"})
def volume_blocks(
    t0, t1, img, planemap, rowmap, colmap, cols, cfill, deltas, weights, dst, lo, hi, tiling, ext
):  # pragma: no cover - numba
    """A kernel over three adjacent axes, ``(mz, my, mx)``, without extending the image
    (a kernel over two: ``mz = 1`` and one plane).

    ``img`` is ``(batch, image planes, image rows, image cols * inner)`` and
    ``dst`` ``(batch, planes, rows, cols * inner)``. A task is a block of
    output rows (``tiling = (rows, planes)``) through a run of output planes.
    It keeps the rows the block reads of ``mz`` consecutive extended planes,
    extended along the columns, in the slots of a ring buffer ``buf`` (``ext =
    (mz, block + my - 1, width, inner)``, rows of ``(cols + mx - 1) * inner``
    values ``width`` apart: a stride not near a multiple of 4 KiB, so the rows
    a sweep reads do not share cache sets): extended plane
    ``e`` in slot ``e % mz``, so each next output plane copies in one plane's
    rows. The copy goes through the plane, row and column maps (-1: the fill
    ``cfill``; extended columns ``[x0, x1)`` of ``cols = (x0, x1, c0)`` are
    image columns ``c0 ..``, copied as one run). Each output plane is then
    ``correlate_runs`` over ``buf``, with the taps' offsets ``deltas[z % mz]``
    (the slots rotate with ``z``), the block's rows taken as one run at the
    buffer's stride, in pieces of about ``_PIECE`` values: a sweep of four taps
    then covers a piece, not one row, so its set-up (a few cycles per tap,
    against about 16 vectors of multiply-adds in a row of 256 float32
    values) is paid once a piece, and the piece's sums stay in L1. The
    values a row computes past its end are dropped as the rows are stored.
    The copies are few against ``mz * my * mx`` multiply-adds an output value;
    extending the whole image first would be a pass over it and a copy of its
    size.
    """
    mz, rows, width, _ = ext
    block, zrun = tiling
    _, pout, h, n = dst.shape
    nyb = (h + block - 1) // block
    nzr = (pout + zrun - 1) // zrun
    buf = np.empty(mz * rows * width, weights.dtype)
    acc = np.empty(block * width, weights.dtype)  # the block's rows, at the buffer's length
    base = np.zeros(1, np.int64)
    for task in range(t0, t1):
        bzy = task // nzr  # (batch, row block) of the task, then its run of planes
        z0 = (task - bzy * nzr) * zrun
        b = bzy // nyb
        y0 = (bzy - b * nyb) * block
        count = min(block, h - y0)
        for z in range(z0, min(z0 + zrun, pout)):
            for e in range(z0 if z == z0 else z + mz - 1, z + mz):  # planes new to the ring
                p = planemap[e]
                _plane_rows(buf, e % mz, img, b, p, rowmap, y0, count + rows - block,
                            colmap, cols, cfill, ext)  # fmt: skip
            # the block's rows as one run over the buffer's rows (a sweep's set-up then
            # serves the block, not one row); the values past each row's end are not kept
            span = (count - 1) * width + n
            pieces = max(span // _PIECE, 1)  # of equal length, under twice _PIECE
            chunk = (span + pieces - 1) // pieces
            correlate_runs(0, pieces, buf, base, deltas[z % mz], weights, acc, span, chunk)
            for r in range(count):
                store(acc[r * width : r * width + n], dst[b, z, y0 + r], lo, hi)
