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
back between taps). A tile's six positions each read from their own base,
in one of four sources: the whole extended grid, or, for a large 2-D image,
the image itself where the windows lie inside it and small extended grids
for the rows above and below and the columns near the rows' ends
(``_plane_bases``; ``_filterbank_direct._plane_sources``).

Three things make LLVM build that loop from numba:
the tile is on the stack (``stack_tile``; on the heap it is loaded and
stored at every multiply-add); the channel loop advances through
a table (``cnext``), which LLVM cannot vectorise, so it vectorises the
output loop instead of gathering weights across channels; indices into the
weights are unsigned (a signed index gets a wrap-around test, and the loads
become gathers). Each thread packs the weights of a block of 64 outputs,
``wscr[piece, t, c, :]``, contiguous in the order the loop reads them, as
its first tile of the block runs, and takes its units block by block so a
block's weights stay in its cache.
"""

from __future__ import annotations

from numba import njit, prange

from ..strategies._threads import parallel_twin
from .primitives import OB, PB, register_tile

__all__ = ["bank_tiles"]


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
    (divisions are slow, and every tile needs six positions)."""
    last = oshape[oshape.size - 1]
    if p % last + q < last:
        return g0 + q
    return _grid_index(min(p + q, n - 1), oshape, gstride)


@njit(no_cpython_wrapper=True)
def _plane_bases(p, n, geo):  # pragma: no cover - numba
    """The source that output positions ``p .. p + 5`` (of ``n``; past the last, the
    last's) read, and each one's window start in it, for a 2-D image read in place.

    ``geo = (mode, H, W, ya, yb, xa, xb, oy, ox, w_img, w_ext, left, right)``:
    outputs ``[ya, yb) x [xa, xb)`` have windows inside the image (kind 0: read
    from the image); tiles in the rows above or below read the extended grid of
    those rows (kinds 1 and 2); the others, near a row's ends, read a band of
    the extended grid's first ``left`` and last ``right`` columns (kind 3)."""
    w = geo[2]
    ya, yb, xa, xb = geo[3], geo[4], geo[5], geo[6]
    y0, x0 = p // w, p % w
    pl = min(p + PB - 1, n - 1)
    y1, x1 = pl // w, pl % w
    if y0 == y1 and ya <= y0 < yb and xa <= x0 and x1 < xb:
        kind = 0
    elif ya <= y0 and y1 < yb:
        kind = 3
    elif y1 <= ya:
        kind = 1
    else:
        kind = 2
    oy, ox, w_img, w_ext, left, right = geo[7], geo[8], geo[9], geo[10], geo[11], geo[12]
    g0 = g1 = g2 = g3 = g4 = g5 = 0
    y, x = y0, x0
    for q in range(PB):
        if kind == 0:
            g = (y + oy) * w_img + x + ox
        elif kind == 1:
            g = y * w_ext + x
        elif kind == 2:
            g = (y - yb + 1) * w_ext + x
        else:  # the band: the first `left` extended columns, then the last `right`
            g = y * (left + right) + (x if x < xa + PB - 1 else x - (w_ext - right) + left)
        if q == 0:
            g0 = g
        elif q == 1:
            g1 = g
        elif q == 2:
            g2 = g
        elif q == 3:
            g3 = g
        elif q == 4:
            g4 = g
        else:
            g5 = g
        if p + q + 1 < n:  # the next position (past the last: the last again)
            x += 1
            if x == w:
                x, y = 0, y + 1
    return kind, (g0, g1, g2, g3, g4, g5)


@njit(no_cpython_wrapper=True)
def _finite(out, b, p, o0):  # pragma: no cover - numba
    """Whether a tile's outputs are all finite (``x - x`` is 0 exactly for them)."""
    s = out[b, p, o0] - out[b, p, o0]
    for q in range(min(PB, out.shape[1] - p)):
        for o in range(min(OB, out.shape[2] - o0)):
            s += out[b, p + q, o0 + o] - out[b, p + q, o0 + o]
    return s == 0


@njit(cache=True, nogil=True)
def bank_tiles(
    p0, p1, pieces, img, grid, bottom, side, deltas, geo, oshape, gstride, bank, wscr, cnext,
    status, out,
):  # fmt: skip
    """Pieces ``p0..p1`` of ``pieces``: piece ``p`` computes the ``p``-th equal share
    of the (block of 64 outputs, batch item, tile) units, block by block, with
    its own packed weights ``wscr[p]``; ``out``: ``(batch, outputs, C_out)``,
    ``bank``: ``(taps, C_in, 64 * blocks)`` (zeros past C_out).

    Sources, by ``geo[0]``: 0, the whole extended grid ``grid`` (any number
    of axes, the output's shape ``oshape`` on the grid of strides
    ``gstride``); 1, a 2-D image read in place where the windows are inside
    it, ``img``, and from the extended grid's rows above and below
    (``grid``, ``bottom``) and its columns near the rows' ends (``side``)
    elsewhere (``_plane_bases``). ``deltas[k]``: the taps' offsets in source
    ``k`` (0: the image, 1: the grids, 2: the band). ``status[p]`` is set
    where a block's first tile had a non-finite output, which a non-finite
    weight always causes (the caller then checks the bank)."""  # pragma: no cover - numba
    n = out.shape[1]
    ntiles = (n + PB - 1) // PB
    per_block = out.shape[0] * ntiles
    units = (bank.shape[2] + OB - 1) // OB * per_block
    for piece in range(p0, p1):
        wb = wscr[piece]
        block = -1
        for u in range(units * piece // pieces, units * (piece + 1) // pieces):
            fresh = u // per_block != block
            block = u // per_block
            b, k = divmod(u - block * per_block, ntiles)
            p = k * PB
            if geo[0] == 1:
                kind, g = _plane_bases(p, n, geo)
            else:
                g0 = _grid_index(p, oshape, gstride)
                g = (
                    g0,
                    _next_index(p, 1, g0, n, oshape, gstride),
                    _next_index(p, 2, g0, n, oshape, gstride),
                    _next_index(p, 3, g0, n, oshape, gstride),
                    _next_index(p, 4, g0, n, oshape, gstride),
                    _next_index(p, 5, g0, n, oshape, gstride),
                )
                kind = 1
            # one call site: LLVM inlines the tile into each, so more sites compile longer
            src = img if kind == 0 else (grid if kind == 1 else (bottom if kind == 2 else side))
            dt = deltas[0] if kind == 0 else (deltas[2] if kind == 3 else deltas[1])
            register_tile(src, b, p, g, wb, dt, cnext, out, block * OB, bank, fresh)
            if fresh and not _finite(out, b, p, block * OB):
                status[piece] = 1


@parallel_twin(bank_tiles)
@njit(cache=True, parallel=True, nogil=True)
def bank_tiles_parallel(pieces, ntasks, *args):  # pragma: no cover - numba
    """``bank_tiles`` over ``pieces`` slices of ``[0, ntasks)``, one per thread: equal
    halves, where the pool's first-come pieces left one thread a piece behind."""
    for p in prange(pieces):
        bank_tiles(ntasks * p // pieces, ntasks * (p + 1) // pieces, *args)
