"""Direct strategy for filter banks: register tiles in numba (``strategies/_bank_kernels``).

The output positions of the shifted GEMM, but one pass that keeps each tile
of six positions by 64 outputs in registers over all taps and input
channels, instead of one BLAS product per tap. A 2-D image whose extended
grid would take 2 MB or more is read in place where the windows lie inside
it; only the grid's rows above and below those and a band of its columns
near the rows' ends are extended (W7b: 1.3 of 13 MB, and 11.2-11.9 against
11.9-12.5 ms); smaller or other images are extended whole. Sized for
AVX-512 (24 of its 32 vector registers); ``auto`` takes it for float32 on
such CPUs, where it measured faster than OpenBLAS on every CNN-layer shape
tried (W7a 1.9 against 2.3 ms, W7b 13 against 15 ms). Elsewhere the tile
would not fit the registers, so ``auto`` keeps the GEMM there.
"""

from __future__ import annotations

import math

import numpy as np

from ..borders import NA, Fill, extend
from ._filterbank import FilterbankLayout, extended_flat, shifted_geometry
from ._recycle import empty
from .strategies._scratch import readonly
from .strategies._threads import run_tasks

__all__ = ["direct_filterbank", "direct_suits"]

_TILES_PER_TASK = 1
_PB = 6  # positions per tile (``_bank_kernels.PB``, without importing numba)
# Extended grids below this are copied whole: reading the image in place costs
# three small extensions and more Python (W7a's 0.6 MB grid: 2.32 -> 2.40 ms)
_IN_PLACE_BYTES = 2 * 2**20


def direct_suits(lay: FilterbankLayout) -> bool:
    """Whether ``auto`` may take the direct strategy: float32 on an AVX-512 CPU, and
    enough outputs that the 64-wide tiles are mostly filled."""
    from .strategies._intrinsics import avx512

    return lay.dtype == np.float32 and lay.c_out >= 48 and avx512()


def _aligned(shape, dtype) -> np.ndarray:
    """``np.empty`` whose data starts on a 64-byte boundary (a cache line): the tiles
    load 64 bytes of weights at a time, and numpy's 16-byte alignment makes every
    such load straddle two lines (W7a on one core: 3.1-3.3 ms aligned, 4.0 ms not)."""
    dtype = np.dtype(dtype)
    nbytes = int(np.prod(shape)) * dtype.itemsize
    raw = np.empty(nbytes + 64, np.uint8)
    start = -raw.ctypes.data % 64
    return raw[start : start + nbytes].view(dtype).reshape(shape)


def _plane_sources(image_cl, lay: FilterbankLayout, border):
    """The sources of a 2-D image read in place (see ``_bank_kernels._plane_bases``):
    ``(img, top, bottom, side, tap offsets per source, geo)``, or None where the
    image is not 2-D or too small for it to pay (the whole grid is copied then).

    Only the grid's rows above and below the windows inside the image and a
    band of its columns near the rows' ends are extended: for W7b 1.3 MB
    instead of the whole 13 MB grid, which took ~1 ms (8% of the call)."""
    if len(lay.out_spatial) != 2:
        return None
    (h_img, w_img), (h, w), (kh, kw) = image_cl.shape[1:3], lay.out_spatial, lay.kshape
    oy, ox = (a + s for a, s in zip(lay.lo, lay.start))  # window start of output (0, 0)
    ya, yb = max(0, -oy), min(h, h_img - kh + 1 - oy)
    xa, xb = max(0, -ox), min(w, w_img - kw + 1 - ox)
    h_ext, w_ext = h + kh - 1, w + kw - 1
    grid_bytes = image_cl.shape[0] * h_ext * w_ext * lay.c_in * np.dtype(lay.dtype).itemsize
    if yb - ya < 4 or xb - xa < kw + 4 * _PB or grid_bytes < _IN_PLACE_BYTES:
        return None
    left, right = xa + _PB - 1 + kw - 1, w_ext - (xb - _PB + 1)
    nb, c_in, dt = image_cl.shape[0], lay.c_in, lay.dtype

    def grid(r0, r1, c0, c1, out=None):  # extended rows [r0, r1), columns [c0, c1)
        lo, hi = [0, oy + r0, ox + c0, 0], [nb, oy + r1, ox + c1, c_in]
        return extend(image_cl, border, lo, hi, dtype=dt, out=out)

    top = grid(0, ya + kh, 0, w_ext).reshape(nb, -1, c_in)
    bottom = grid(yb - 1, h_ext, 0, w_ext).reshape(nb, -1, c_in)
    band = np.empty((nb, h_ext, left + right, c_in), dt)  # both column blocks, side by side
    grid(0, h_ext, 0, left, out=band[:, :, :left])
    grid(0, h_ext, w_ext - right, w_ext, out=band[:, :, left:])
    band = band.reshape(nb, -1, c_in)
    img = np.ascontiguousarray(image_cl, dt).reshape(nb, h_img * w_img, c_in)
    dy, dx = np.divmod(np.arange(kh * kw, dtype=np.int64), kw)
    deltas = np.stack([dy * w_img + dx, dy * w_ext + dx, dy * (left + right) + dx])
    geo = np.array([1, h, w, ya, yb, xa, xb, oy, ox, w_img, w_ext, left, right], np.int64)
    return (*(readonly(a) for a in (img, top, bottom, band)), deltas, geo)


def direct_filterbank(
    image_cl: np.ndarray, bank: np.ndarray, lay: FilterbankLayout, border=None
) -> np.ndarray:
    """Channels-last filterbank by register tiles; returns (batch, *out_spatial, C_out)."""
    from .strategies._bank_kernels import OB, PB, bank_tiles

    border = lay.border if border is None else border
    border = Fill(0.0) if isinstance(border, NA) else border
    ext, deltas, _ = shifted_geometry(lay)
    n_out = math.prod(lay.out_spatial)
    ntiles = -(-n_out // PB)
    nb = image_cl.shape[0]
    taps = deltas.size
    blocks = -(-lay.c_out // OB)
    # weights per block of 64 outputs, in the order the tiles read them (zeros past C_out)
    wpack = _aligned((blocks, taps, lay.c_in, OB), lay.dtype)
    w = np.asarray(bank).reshape(taps, lay.c_in, lay.c_out)
    full, rest = divmod(lay.c_out, OB)
    if full:  # one strided copy for all the full blocks
        wpack[:full] = w[:, :, : full * OB].reshape(taps, lay.c_in, full, OB).transpose(2, 0, 1, 3)
    if rest:
        wpack[full, :, :, :rest] = w[:, :, full * OB :]
        wpack[full, :, :, rest:] = 0
    out = empty((nb, *lay.out_spatial, lay.c_out), lay.dtype)  # recycled when large
    if out.size == 0:
        return out
    oshape = np.array(lay.out_spatial, np.int64)
    gstride = np.cumprod([1, *ext[:0:-1]])[::-1].astype(np.int64)
    sources = _plane_sources(image_cl, lay, border)
    if sources is None:  # the whole grid, extended (``top`` in the kernel; others unused)
        flat = readonly(extended_flat(image_cl, lay, deltas, 0, border))
        none = flat[:, :0]
        offsets = np.stack([deltas, deltas, deltas])
        sources = (none, flat, none, none, offsets, np.zeros(13, np.int64))
    # the next input channel: a table, so LLVM vectorises over outputs (see the kernel)
    cnext = np.arange(1, lay.c_in + 1, dtype=np.uint64)
    tasks = nb * -(-ntiles // _TILES_PER_TASK)
    work = nb * n_out * taps * lay.c_in * blocks * OB
    flat_out = out.reshape(nb, -1, lay.c_out)
    run_tasks(
        bank_tiles, tasks, *sources, oshape, gstride, wpack, cnext, flat_out,
        _TILES_PER_TASK, work=work,
    )  # fmt: skip
    return out
