"""Numba loop for a 3x3 filter bank by Winograd's minimal filtering, F(2x2, 3x3).

Each 2x2 block of outputs ("tile") comes from the 4x4 patch ``d`` of the
extended grid under it: ``Y = A^T [(G g G^T) * (B^T d B)] A`` per input
channel, summed over input channels before the last step (Lavin & Gray,
"Fast Algorithms for Convolutional Neural Networks", 2016). The sum over
channels of the 16 elementwise products is 16 matrix products, one per
element ``xi`` of the 4x4 transform: ``M[xi] = V[xi] @ U[xi]``, tiles x
C_in times C_in x C_out. That is 16 multiply-adds per channel and output
for four outputs, where the direct loop makes 36: 2.25x fewer.

The products run in the direct strategy's register tile
(``primitives.register_tile``: six tiles by 64 outputs, one "tap"), each
thread on its share of (block of 64 outputs, six tiles) units:

- ``_transform_bank``: ``U = G g G^T`` for a block's 64 outputs, once per
  block and thread (``uscr``);
- ``_input_tiles``: ``V = B^T d B`` for six tiles, all channels (``vscr``);
- 16 register tiles: ``M[xi]`` for the six tiles and 64 outputs (``mscr``);
- ``_output_tiles``: ``Y = A^T M A``, stored where the outputs are.

With B and A of 0 and +-1 the transforms are additions; the rounding error
is that of a few more additions per output (the tests bound it).
A non-finite value anywhere makes the tile's sum non-finite, so the
threads report it (``status``) and the caller recomputes with the direct
loop, whose NaNs stay where the windows put them.
"""

from __future__ import annotations

import numpy as np
from numba import carray, njit, prange

from ..strategies._threads import parallel_twin
from .primitives import OB, PB, register_tile, stack_tile, wide_vectors

__all__ = ["winograd_tiles"]

XI = 16  # elements of the 4x4 transform


@njit(inline="always", no_cpython_wrapper=True)
def _g(a, b, c):  # pragma: no cover - numba
    """G (a, b, c): the kernel's transform along one axis."""
    half = np.float32(0.5)  # exact, and keeps float32 in float32
    h = half * (a + c)
    return a, h + half * b, h - half * b, c


@njit(inline="always", no_cpython_wrapper=True)
def _bt(a, b, c, d):  # pragma: no cover - numba
    """B^T (a, b, c, d): the data's transform along one axis."""
    return a - c, b + c, c - b, b - d


@njit(inline="always", no_cpython_wrapper=True)
def _at(a, b, c, d):  # pragma: no cover - numba
    """A^T (a, b, c, d): the output transform along one axis."""
    return a + b + c, b - c - d


@njit(no_cpython_wrapper=True)
def _transform_bank(bank, block, ub):  # pragma: no cover - numba
    """``ub[xi, 0, c, o] = (G g G^T)[xi]`` for the 3x3 kernel ``g`` from input ``c`` to
    output ``block * 64 + o``; ``bank``: ``(9, C_in, 64 * blocks)`` (zeros past
    C_out: every block full, so the loop's count is known and it compiles to
    less code, so a cold first call compiles less than with a last block of its own).

    Each input's 16 x 64 values are made in a tile on the stack and then
    copied out plane by plane: stored straight into the 16 planes of ``ub``
    (32 KB apart for 128 inputs, so all in one set of L1's) the stores would
    evict each other's cache lines."""
    wide_vectors()
    tile = carray(stack_tile(1024, ub.dtype), (XI, OB))  # 1024 = XI * OB
    z, o0, width = np.uint64(0), np.uint64(block * OB), np.uint64(OB)
    for c in range(bank.shape[1]):
        for o in range(z, width):
            k = o0 + o
            # G g: each of the three columns transformed down its rows
            a0, a1, a2, a3 = _g(bank[0, c, k], bank[3, c, k], bank[6, c, k])
            b0, b1, b2, b3 = _g(bank[1, c, k], bank[4, c, k], bank[7, c, k])
            c0, c1, c2, c3 = _g(bank[2, c, k], bank[5, c, k], bank[8, c, k])
            # (G g) G^T: each row transformed along it
            tile[0, o], tile[1, o], tile[2, o], tile[3, o] = _g(a0, b0, c0)
            tile[4, o], tile[5, o], tile[6, o], tile[7, o] = _g(a1, b1, c1)
            tile[8, o], tile[9, o], tile[10, o], tile[11, o] = _g(a2, b2, c2)
            tile[12, o], tile[13, o], tile[14, o], tile[15, o] = _g(a3, b3, c3)
        for xi in range(XI):
            for o in range(z, width):
                ub[xi, 0, c, o] = tile[xi, o]


@njit(no_cpython_wrapper=True)
def _input_tiles(grid, b, k0, ntile, tx_n, we, vt):  # pragma: no cover - numba
    """``vt[0, xi * 6 + q, c] = (B^T d B)[xi]`` for tiles ``k0 .. k0 + 5`` (past the
    last: the last), ``d`` the 4x4 patch of ``grid`` (rows ``we`` wide) at ``2 *
    (row, column)`` of the tile.

    64 channels at a time go through a tile on the stack: with 16 loads and 16
    stores to arrays LLVM cannot tell apart, it would not vectorise the loop
    (too many pairs to check at run time)."""
    wide_vectors()
    tile = carray(stack_tile(1024, vt.dtype), (XI, OB))  # 1024 = XI * OB
    z = np.uint64(0)
    for q in range(PB):
        ty, tx = divmod(min(k0 + q, ntile - 1), tx_n)
        r0 = 2 * ty * we + 2 * tx
        r1, r2, r3 = r0 + we, r0 + 2 * we, r0 + 3 * we
        for c0 in range(0, grid.shape[2], OB):
            first, n = np.uint64(c0), np.uint64(min(OB, grid.shape[2] - c0))
            for i in range(z, n):
                c = first + i
                # B^T d: each of the patch's four columns transformed down its rows
                a0, a1, a2, a3 = _bt(grid[b, r0, c], grid[b, r1, c], grid[b, r2, c], grid[b, r3, c])
                b0, b1, b2, b3 = _bt(
                    grid[b, r0 + 1, c], grid[b, r1 + 1, c], grid[b, r2 + 1, c], grid[b, r3 + 1, c]
                )
                c0_, c1, c2, c3 = _bt(
                    grid[b, r0 + 2, c], grid[b, r1 + 2, c], grid[b, r2 + 2, c], grid[b, r3 + 2, c]
                )
                d0, d1, d2, d3 = _bt(
                    grid[b, r0 + 3, c], grid[b, r1 + 3, c], grid[b, r2 + 3, c], grid[b, r3 + 3, c]
                )
                # (B^T d) B: each row transformed along it
                tile[0, i], tile[1, i], tile[2, i], tile[3, i] = _bt(a0, b0, c0_, d0)
                tile[4, i], tile[5, i], tile[6, i], tile[7, i] = _bt(a1, b1, c1, d1)
                tile[8, i], tile[9, i], tile[10, i], tile[11, i] = _bt(a2, b2, c2, d2)
                tile[12, i], tile[13, i], tile[14, i], tile[15, i] = _bt(a3, b3, c3, d3)
            for xi in range(XI):
                for i in range(z, n):
                    vt[0, xi * PB + q, first + i] = tile[xi, i]


@njit(no_cpython_wrapper=True)
def _output_tiles(mt, b, k0, ntile, tx_n, h, w, out, o0, chk):  # pragma: no cover - numba
    """Outputs of tiles ``k0 ..`` (those there are): ``Y = A^T M A``, ``M`` in ``mt[0,
    xi * 6 + q, :]``; ``chk[o]`` turns NaN if any output is not finite. All 64
    columns into a tile on the stack (a loop of a known count), then the
    block's outputs stored from it."""
    wide_vectors()
    y = carray(stack_tile(256, out.dtype), (4, OB))  # 256 = 4 * OB: the 2x2 outputs
    z, width, first = np.uint64(0), np.uint64(OB), np.uint64(o0)
    n_o = np.uint64(min(OB, out.shape[2] - o0))
    for q in range(min(PB, ntile - k0)):
        ty, tx = divmod(k0 + q, tx_n)
        p = 2 * ty * w + 2 * tx
        for o in range(z, width):
            a0 = _at(mt[0, q, o], mt[0, 4 * PB + q, o], mt[0, 8 * PB + q, o], mt[0, 12 * PB + q, o])
            a1 = _at(
                mt[0, PB + q, o], mt[0, 5 * PB + q, o], mt[0, 9 * PB + q, o], mt[0, 13 * PB + q, o]
            )
            a2 = _at(
                mt[0, 2 * PB + q, o],
                mt[0, 6 * PB + q, o],
                mt[0, 10 * PB + q, o],
                mt[0, 14 * PB + q, o],
            )
            a3 = _at(
                mt[0, 3 * PB + q, o],
                mt[0, 7 * PB + q, o],
                mt[0, 11 * PB + q, o],
                mt[0, 15 * PB + q, o],
            )
            y[0, o], y[1, o] = _at(a0[0], a1[0], a2[0], a3[0])  # the tile's first row
            y[2, o], y[3, o] = _at(a0[1], a1[1], a2[1], a3[1])
        # a tile past the last row or column stores its outside outputs onto the
        # inside ones first, which then overwrite them: no branch in the loop
        dx = 1 if 2 * tx + 1 < w else 0
        dy = w if 2 * ty + 1 < h else 0
        for o in range(z, n_o):
            out[b, p + dy + dx, first + o] = y[3, o]
            out[b, p + dy, first + o] = y[2, o]
            out[b, p + dx, first + o] = y[1, o]
            out[b, p, first + o] = y[0, o]
            chk[o] += (y[0, o] + y[1, o] + y[2, o] + y[3, o]) * 0


@njit(cache=True, nogil=True)
def winograd_tiles(
    p0, p1, pieces, grid, geo, bank, uscr, vscr, mscr, tap, cnext, status, out
):  # pragma: no cover - numba
    """Pieces ``p0..p1`` of ``pieces``: piece ``p`` computes the ``p``-th equal share of
    the (block of 64 outputs, batch item, six tiles) units, block by block;
    ``out``: ``(batch, H * W, C_out)``.

    ``grid`` is the extended grid, ``(batch, He * We, C_in)`` with ``He = 2 *
    ceil(H / 2) + 2`` and ``We`` likewise; ``geo = (We, H, W)``.
    ``tap``: one zero offset (the products are one-tap register tiles).
    ``status[p]`` is set where an output was not finite."""
    we, h, w = geo[0], geo[1], geo[2]
    tx_n = (w + 1) // 2
    ntile = (h + 1) // 2 * tx_n
    chunks = (ntile + PB - 1) // PB
    per_block = out.shape[0] * chunks
    units = (bank.shape[2] + OB - 1) // OB * per_block
    for piece in range(p0, p1):
        ub, vt, mt = uscr[piece], vscr[piece], mscr[piece]
        chk = carray(stack_tile(64, out.dtype), (OB,))  # 64 = OB
        for o in range(OB):
            chk[o] = 0
        block = -1
        for u in range(units * piece // pieces, units * (piece + 1) // pieces):
            if u // per_block != block:
                block = u // per_block
                _transform_bank(bank, block, ub)
            b, k = divmod(u - block * per_block, chunks)
            k0 = k * PB
            _input_tiles(grid, b, k0, ntile, tx_n, we, vt)
            for xi in range(XI):
                r = xi * PB
                g = (r, r + 1, r + 2, r + 3, r + 4, r + 5)
                register_tile(vt, 0, r, g, ub[xi], tap, cnext, mt, 0, ub[xi], False)
            _output_tiles(mt, b, k0, ntile, tx_n, h, w, out, block * OB, chk)
        s = chk[0]
        for o in range(OB):
            s += chk[o]
        if s != 0:
            status[piece] = 1


@parallel_twin(winograd_tiles)
@njit(cache=True, parallel=True, nogil=True)
def winograd_tiles_parallel(pieces, ntasks, *args):  # pragma: no cover - numba
    """``winograd_tiles`` over ``pieces`` slices of ``[0, ntasks)``, one per thread."""
    for p in prange(pieces):
        winograd_tiles(ntasks * p // pieces, ntasks * (p + 1) // pieces, *args)
