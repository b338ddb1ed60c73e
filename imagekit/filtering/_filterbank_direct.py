"""Direct strategy for filter banks: register tiles in numba (``_loops/filterbank``).

The output positions of the shifted GEMM, but one pass that keeps each tile
of six positions by 64 outputs in registers over all taps and input
channels, instead of one BLAS product per tap. Sized for AVX-512 (24 of its
32 vector registers); ``auto`` takes it for float32 on such CPUs, where it
is faster than OpenBLAS's GEMM on CNN-layer shapes. Elsewhere the tile
would not fit the registers, so ``auto`` keeps the GEMM there.

Where the tiles read (``Geometry.mode``, the kernel's ``geo[0]``):

- 1: a 2-D image whose extended grid would take 2 MB or more is read in
  place where the windows lie inside it; only the grid's rows above and
  below those and a band of its columns near the rows' ends are extended
  here, a small part of the whole grid.
- 0: otherwise the whole grid, extended by ``extend`` (a constant border
  takes its fast path, as fast as a numba loop of its own would be).

The bank needs no pass either: each thread packs a block of 64 outputs'
weights as its first tile of the block runs, and a non-finite weight shows
as a non-finite output of that tile, which sends the caller to check the
bank. What depends only on the layout (the geometry, the tap offsets) is
computed once per layout.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from .._recycle import empty
from .._workspace import Workspace
from ..borders import NA, Fill
from ..borders._pad import extend
from . import _loops
from ._cpu import avx512
from ._filterbank import FilterbankLayout, check_finite_bank, extended_flat, shifted_geometry
from .strategies._readonly import readonly
from .strategies._threads import SERIAL_WORK, run_tasks, threads

__all__ = ["Geometry", "blocked_bank", "direct_filterbank", "direct_suits"]
_ws = Workspace(__name__)  # this module's temporaries

_PB = 6  # positions per tile (``_loops.primitives.PB``, without loading that module)
_OB = 64  # outputs per tile (``_loops.primitives.OB``)
# Extended grids below this are copied whole: reading the image in place costs
# three small extensions and more Python, more than copying a small grid saves
_IN_PLACE_BYTES = 2 * 2**20


def direct_suits(lay: FilterbankLayout) -> bool:
    """Whether ``auto`` may take the direct strategy: float32 on an AVX-512 CPU, and
    enough outputs that the 64-wide tiles are mostly filled."""
    return lay.dtype == np.float32 and lay.c_out >= 48 and avx512()


class Geometry:
    """What a direct call derives from its layout alone: tiles, tap offsets, and whether
    a 2-D image is read in place (``mode`` 1: when its extended grid would take at
    least ``in_place_bytes``)."""

    def __init__(self, lay: FilterbankLayout, nb: int, in_place_bytes: int = _IN_PLACE_BYTES):
        self.in_place_bytes = in_place_bytes
        self.n_out, self.taps = math.prod(lay.out_spatial), math.prod(lay.kshape)
        self.blocks = -(-lay.c_out // _OB)
        self.units = self.blocks * nb * -(-self.n_out // _PB)
        self.work = nb * self.n_out * self.taps * lay.c_in * self.blocks * _OB
        self.ext, deltas, _ = shifted_geometry(lay)
        self.oshape = np.array(lay.out_spatial, np.int64)
        self.gstride = np.cumprod([1, *self.ext[:0:-1]])[::-1].astype(np.int64)
        itemsize = np.dtype(lay.dtype).itemsize
        self.grid_bytes = nb * math.prod(self.ext) * lay.c_in * itemsize
        self.deltas = np.stack([deltas, deltas, deltas])
        self.geo = np.zeros(1, np.int64)
        self.mode = 1 if self._plane(lay) else 0
        for a in (self.oshape, self.gstride, self.deltas, self.geo):
            a.flags.writeable = False

    def _plane(self, lay: FilterbankLayout) -> bool:
        """Set up mode 1 (see ``_loops.filterbank._plane_bases``) if it applies here."""
        if len(lay.out_spatial) != 2:
            return False
        (h_img, w_img), (h, w), (kh, kw) = lay.image_spatial, lay.out_spatial, lay.kshape
        oy, ox = (a + s for a, s in zip(lay.lo, lay.start))  # window start of output (0, 0)
        ya, yb = max(0, -oy), min(h, h_img - kh + 1 - oy)
        xa, xb = max(0, -ox), min(w, w_img - kw + 1 - ox)
        w_ext = w + kw - 1
        if yb - ya < 4 or xb - xa < kw + 4 * _PB or self.grid_bytes < self.in_place_bytes:
            return False
        left, right = xa + _PB - 1 + kw - 1, w_ext - (xb - _PB + 1)
        dy, dx = np.divmod(np.arange(kh * kw, dtype=np.int64), kw)
        self.deltas = np.stack([dy * w_img + dx, dy * w_ext + dx, dy * (left + right) + dx])
        self.geo = np.array([1, h, w, ya, yb, xa, xb, oy, ox, w_img, w_ext, left, right], np.int64)
        return True


def _plane_sources(image_cl, lay: FilterbankLayout, border, geo: np.ndarray):
    """The sources of a 2-D image read in place (mode 1): ``(img, top, bottom, side)``.

    Only the grid's rows above and below the windows inside the image and a
    band of its columns near the rows' ends are extended: a small part of the
    whole grid, whose extension is a noticeable share of the call."""
    h, ya, yb, oy, ox, w_ext, left, right = (int(geo[i]) for i in (1, 3, 4, 7, 8, 10, 11, 12))
    kh = lay.kshape[0]
    h_ext = h + kh - 1
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
    img = np.ascontiguousarray(image_cl, dt).reshape(nb, -1, c_in)
    return readonly(img), top, readonly(bottom), readonly(band)


def direct_filterbank(
    image_cl: np.ndarray,
    bank: np.ndarray,
    lay: FilterbankLayout,
    border=None,
    geo: Geometry | None = None,
    bank3: np.ndarray | None = None,
    serial_work: float = SERIAL_WORK,
) -> np.ndarray:
    """Channels-last filterbank by register tiles; returns (batch, *out_spatial, C_out).

    ``geo`` and ``bank3`` (``blocked_bank``), when a plan has prepared them, are
    used as they are. A call of fewer than ``serial_work`` multiply-adds runs on
    one thread. Raises the layout's ValueError for a non-finite bank (checked
    here, from the tiles' outputs, rather than by a pass over the bank before)."""
    border = lay.border if border is None else border
    border = Fill(0.0) if isinstance(border, NA) else border
    nb = image_cl.shape[0]
    out = empty((nb, *lay.out_spatial, lay.c_out), lay.dtype)  # recycled when large
    if out.size == 0:
        check_finite_bank(bank)
        return out
    geo = Geometry(lay, nb) if geo is None else geo
    bank3 = blocked_bank(bank, lay, geo.taps) if bank3 is None else bank3
    # one piece per thread (``run_tasks`` runs each on its own), one for little work
    pieces = min(threads(), geo.units) if geo.work >= serial_work else 1
    if geo.mode == 1:
        img, grid, bottom, side = _plane_sources(image_cl, lay, border, geo.geo)
    else:
        grid = extended_flat(image_cl, lay, geo.deltas[0], 0, border)
        img = bottom = side = readonly(grid[:, :0])
    # on a cache line: the tiles load 64 bytes of weights at a time
    wscr = _ws.buffer("weights", (pieces, geo.taps, lay.c_in, _OB), lay.dtype, align=64)
    status = np.zeros(pieces, np.uint8)
    run_tasks(
        _loops.filterbank.bank_tiles, pieces, pieces, img, grid, bottom, side, geo.deltas,
        geo.geo, geo.oshape, geo.gstride, bank3, wscr, _channel_table(lay.c_in), status,
        out.reshape(nb, -1, lay.c_out),
    )  # fmt: skip
    if status.any():  # a non-finite output: a non-finite weight, or only the image's
        check_finite_bank(bank)
    return out


def blocked_bank(bank, lay: FilterbankLayout, taps: int) -> np.ndarray:
    """The bank as ``(taps, C_in, 64 * blocks)``, read-only: itself where C_out is a
    multiple of 64, else a copy with zeros after C_out (the kernels then take
    every block whole, and compile no loop for a last, partial one)."""
    w = np.ascontiguousarray(bank, lay.dtype).reshape(taps, lay.c_in, lay.c_out)
    if lay.c_out % _OB:
        padded = np.zeros((taps, lay.c_in, -(-lay.c_out // _OB) * _OB), lay.dtype)
        padded[:, :, : lay.c_out] = w
        w = padded
    return readonly(w)


@functools.cache
def _channel_table(c_in: int) -> np.ndarray:
    """The next input channel, as a table: LLVM then vectorises over outputs (see
    ``_loops.filterbank``)."""
    table = np.arange(1, c_in + 1, dtype=np.uint64)
    table.flags.writeable = False
    return table
