"""Numba loop for a filter bank on channels-last images: register tiles, no BLAS.

``out[p, o] = sum_t sum_c flat[p + delta_t, c] * w[t, c, o]`` over positions
``p`` of the extended grid (``_filterbank.shifted_geometry``). A tile is six
positions by 64 outputs (float32: 24 zmm registers); for each tap and input
channel it loads 64 weights (four vectors), broadcasts the six positions'
values and makes 24 vector multiply-adds, the tile staying in registers
from the first tap to the last. That is the inner loop of a CNN library's
direct convolution; OpenBLAS's SGEMM, one product per tap, reaches less on
these shapes (K = C_in is short; the accumulated block goes to memory and
back between taps).

Three things make LLVM build that loop from numba (each measured):
the tile is on the stack (``stack_tile``; on the heap it is loaded and
stored at every multiply-add, 4x slower); the channel loop advances through
a table (``cnext``), which LLVM cannot vectorise, so it vectorises the
output loop instead of gathering weights across channels; indices into the
weights are unsigned (a signed index gets a wrap-around test, and the loads
become gathers). Weights are packed per block of 64 outputs, ``wpack[block,
t, c, :]``, contiguous in the order the loop reads them; all blocks' tiles
of a task run block by block so a block's weights stay in cache.
"""

from __future__ import annotations

import numpy as np
from numba import carray, njit

from ._intrinsics import stack_tile, wide_vectors

PB = 6  # positions per tile
OB = 64  # outputs per tile (weights per packed row)


@njit(no_cpython_wrapper=True)
def _out_index(p, gshape, oshape):  # pragma: no cover - numba
    """Flat output index of grid position ``p``, or -1 where the grid is wider than
    the output (positions in the extension's width are computed and dropped)."""
    idx, stride = 0, 1
    for d in range(gshape.size - 1, -1, -1):
        i = p % gshape[d]
        p //= gshape[d]
        if i >= oshape[d]:
            return -1
        idx += i * stride
        stride *= oshape[d]
    return idx


@njit(fastmath={"contract"}, no_cpython_wrapper=True)
def _tile(flat, b, p, wb, deltas, cnext, out, o0, rows, gshape, oshape):  # pragma: no cover
    """Outputs ``o0 : o0 + 64`` of positions ``p : p + 6`` (those below ``rows``)."""
    wide_vectors()
    acc = carray(stack_tile(384, wb.dtype), (PB, OB))  # 384 = PB * OB
    z, width, n_c = np.uint64(0), np.uint64(OB), np.uint64(wb.shape[1])
    for q in range(PB):
        for o in range(OB):
            acc[q, o] = 0
    for t in range(wb.shape[0]):
        base = p + deltas[t]
        c = z
        while c < n_c:
            x0, x1, x2 = flat[b, base, c], flat[b, base + 1, c], flat[b, base + 2, c]
            x3, x4, x5 = flat[b, base + 3, c], flat[b, base + 4, c], flat[b, base + 5, c]
            for o in range(z, width):
                w = wb[t, c, o]
                acc[0, o] += x0 * w
                acc[1, o] += x1 * w
                acc[2, o] += x2 * w
                acc[3, o] += x3 * w
                acc[4, o] += x4 * w
                acc[5, o] += x5 * w
            c = cnext[c]
    n_o = min(OB, out.shape[2] - o0)
    for q in range(min(PB, rows - p)):
        i = _out_index(p + q, gshape, oshape)
        if i >= 0:
            for o in range(n_o):
                out[b, i, o0 + o] = acc[q, o]


@njit(cache=True, nogil=True)
def bank_tiles(t0, t1, flat, wpack, deltas, cnext, out, gshape, oshape, per_task):
    """Tasks ``t0..t1``: each ``per_task`` tiles of one batch item, for every block of
    outputs. ``flat``: ``(batch, positions, C_in)``, room for the last tile's taps;
    ``out``: ``(batch, outputs, C_out)``; ``gshape``/``oshape``: the grid's and the
    output's spatial shapes."""  # pragma: no cover - numba
    rows = 1
    for n in gshape:
        rows *= n
    ntiles = (rows + PB - 1) // PB
    per_item = (ntiles + per_task - 1) // per_task
    for block in range(wpack.shape[0]):
        wb = wpack[block]
        for task in range(t0, t1):
            b = task // per_item
            k0 = (task - b * per_item) * per_task
            for k in range(k0, min(k0 + per_task, ntiles)):
                _tile(flat, b, k * PB, wb, deltas, cnext, out, block * OB, rows, gshape, oshape)
