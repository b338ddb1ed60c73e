"""Numba loop for a filter bank on channels-last images: register tiles, no BLAS.

``out[p, o] = sum_t sum_c flat[g(p) + delta_t, c] * w[t, c, o]`` over output
positions ``p``, where ``g(p)`` is the position's place on the extended grid
(``_filterbank.shifted_geometry``). A tile is six output positions by 64
outputs (float32: 24 zmm registers); for each tap and input channel it
loads 64 weights (four vectors), broadcasts the six positions' values and
makes 24 vector multiply-adds, the tile staying in registers
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
def _grid_index(p, oshape, gstride):  # pragma: no cover - numba
    """Position on the extended grid of output position ``p`` (flat, C order)."""
    g = 0
    for d in range(oshape.size - 1, -1, -1):
        g += (p % oshape[d]) * gstride[d]
        p //= oshape[d]
    return g


@njit(no_cpython_wrapper=True, inline="always")
def _next_index(p, q, g0, n, oshape, gstride):  # pragma: no cover - numba
    """Grid position of output ``p + q`` (of ``n``; past the last, the last's), given
    ``g0``, output ``p``'s: ``g0 + q`` within a row, divisions only across one
    (six of them per tile, 12 divisions, had cost W7b 4%)."""
    last = oshape[oshape.size - 1]
    if p % last + q < last:
        return g0 + q
    return _grid_index(min(p + q, n - 1), oshape, gstride)


@njit(fastmath={"contract"}, no_cpython_wrapper=True)
def _tile(flat, b, p, wb, deltas, cnext, out, o0, oshape, gstride):  # pragma: no cover
    """Outputs ``o0 : o0 + 64`` of output positions ``p : p + 6`` (those there are).

    Each position reads the grid from its own base, so a tile may run over the
    end of an output row into the next: no position of the grid's extension
    width is computed and dropped (a 32² image's grid is 34 wide: 6% of W7a's
    work; a 7x7 CNN layer's 22%)."""
    wide_vectors()
    acc = carray(stack_tile(384, wb.dtype), (PB, OB))  # 384 = PB * OB
    z, width, n_c = np.uint64(0), np.uint64(OB), np.uint64(wb.shape[1])
    n = out.shape[1]
    g0 = _grid_index(p, oshape, gstride)
    g1 = _next_index(p, 1, g0, n, oshape, gstride)
    g2 = _next_index(p, 2, g0, n, oshape, gstride)
    g3 = _next_index(p, 3, g0, n, oshape, gstride)
    g4 = _next_index(p, 4, g0, n, oshape, gstride)
    g5 = _next_index(p, 5, g0, n, oshape, gstride)
    for q in range(PB):
        for o in range(OB):
            acc[q, o] = 0
    for t in range(wb.shape[0]):
        dt = deltas[t]
        c = z
        while c < n_c:
            x0, x1, x2 = flat[b, g0 + dt, c], flat[b, g1 + dt, c], flat[b, g2 + dt, c]
            x3, x4, x5 = flat[b, g3 + dt, c], flat[b, g4 + dt, c], flat[b, g5 + dt, c]
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
    for q in range(min(PB, n - p)):
        for o in range(n_o):
            out[b, p + q, o0 + o] = acc[q, o]


@njit(cache=True, nogil=True)
def bank_tiles(t0, t1, flat, wpack, deltas, cnext, out, oshape, gstride, per_task):
    """Tasks ``t0..t1``: each ``per_task`` tiles of one batch item, for every block of
    outputs. ``flat``: ``(batch, grid positions, C_in)``, the extended image;
    ``out``: ``(batch, outputs, C_out)``; ``oshape``: the output's spatial shape,
    ``gstride``: the grid's position strides."""  # pragma: no cover - numba
    ntiles = (out.shape[1] + PB - 1) // PB
    per_item = (ntiles + per_task - 1) // per_task
    for block in range(wpack.shape[0]):
        wb = wpack[block]
        for task in range(t0, t1):
            b = task // per_item
            k0 = (task - b * per_item) * per_task
            for k in range(k0, min(k0 + per_task, ntiles)):
                _tile(flat, b, k * PB, wb, deltas, cnext, out, block * OB, oshape, gstride)
