"""Direct strategy for filter banks: register tiles in numba (``strategies/_bank_kernels``).

The same positions as the shifted GEMM (the extended grid, flat), but one
pass that keeps each tile of six positions by 64 outputs in registers over
all taps and input channels, instead of one BLAS product per tap. Sized for
AVX-512 (24 of its 32 vector registers); ``auto`` takes it for float32 on
such CPUs, where it measured faster than OpenBLAS on every CNN-layer shape
tried (W7a 1.9 against 2.3 ms, W7b 13 against 15 ms). Elsewhere the tile
would not fit the registers, so ``auto`` keeps the GEMM there.
"""

from __future__ import annotations

import math

import numpy as np

from ._filterbank import FilterbankLayout, extended_flat, shifted_geometry
from ._recycle import empty
from .strategies._threads import run_tasks

__all__ = ["direct_filterbank", "direct_suits"]

_TILES_PER_TASK = 1


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


def direct_filterbank(
    image_cl: np.ndarray, bank: np.ndarray, lay: FilterbankLayout, border=None
) -> np.ndarray:
    """Channels-last filterbank by register tiles; returns (batch, *out_spatial, C_out)."""
    from .strategies._bank_kernels import OB, PB, bank_tiles

    ext, deltas, _ = shifted_geometry(lay)
    n_out = math.prod(lay.out_spatial)
    ntiles = -(-n_out // PB)
    flat = extended_flat(image_cl, lay, deltas, 0)  # the grid alone: every read is on it
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
    nb = flat.shape[0]
    out = empty((nb, *lay.out_spatial, lay.c_out), lay.dtype)  # recycled when large
    if out.size == 0:
        return out
    # the next input channel: a table, so LLVM vectorises over outputs (see the kernel)
    cnext = np.arange(1, lay.c_in + 1, dtype=np.uint64)
    oshape = np.array(lay.out_spatial, np.int64)
    gstride = np.cumprod([1, *ext[:0:-1]])[::-1].astype(np.int64)
    tasks = nb * -(-ntiles // _TILES_PER_TASK)
    work = nb * n_out * taps * lay.c_in * blocks * OB
    flat_out = out.reshape(nb, -1, lay.c_out)
    run_tasks(
        bank_tiles, tasks, flat, wpack, deltas, cnext, flat_out, oshape, gstride,
        _TILES_PER_TASK, work=work,
    )  # fmt: skip
    return out
