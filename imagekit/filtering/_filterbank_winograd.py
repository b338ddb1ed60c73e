"""Winograd strategy for 3x3 filter banks on 2-D images (``_loops/winograd``).

F(2x2, 3x3): 16 multiply-adds per input channel and output for each 2x2
block of outputs, where the direct loop makes 36, in the same register
tiles. The image is extended to an even number of output rows and columns
plus the kernel's margin, by ``extend``.
An output that is not finite (a NaN or an infinity in the image or the
bank, or an overflow in the transforms) sends the call to the direct
strategy, which keeps NaNs where the windows put them and refuses a
non-finite bank.
"""

from __future__ import annotations

import math

import numpy as np

from .._recycle import empty
from .._workspace import Workspace
from ..borders import NA, Fill
from ..borders._pad import extend
from . import _loops
from ._filterbank import FilterbankLayout
from ._filterbank_direct import (
    _channel_table,
    blocked_bank,
    direct_filterbank,
)
from .strategies._threads import SERIAL_WORK, run_tasks, threads

__all__ = ["Geometry", "winograd_filterbank", "winograd_suits"]
_ws = Workspace(__name__)  # this module's temporaries

_PB, _OB, _XI = 6, 64, 16  # tiles per register tile, outputs per block, transform size


def winograd_suits(lay: FilterbankLayout) -> bool:
    """Whether the Winograd strategy applies: a 3x3 kernel on 2-D images."""
    return lay.kshape == (3, 3)


class Geometry:
    """What a Winograd call derives from its layout alone."""

    def __init__(self, lay: FilterbankLayout, nb: int):
        h, w = lay.out_spatial
        self.ext = (2 * -(-h // 2) + 2, 2 * -(-w // 2) + 2)  # even outputs, plus margins
        tiles = -(-h // 2) * -(-w // 2)
        self.blocks = -(-lay.c_out // _OB)
        self.units = self.blocks * nb * -(-tiles // _PB)
        self.work = nb * tiles * _XI * lay.c_in * self.blocks * _OB
        self.first = [a + s for a, s in zip(lay.lo, lay.start)]  # window start of output 0
        self.geo = np.array([self.ext[1], h, w], np.int64)  # the grid's width, the output's
        self.tap = np.zeros(1, np.int64)
        for a in (self.geo, self.tap):
            a.flags.writeable = False


def winograd_filterbank(
    image_cl: np.ndarray,
    bank: np.ndarray,
    lay: FilterbankLayout,
    border=None,
    geo: Geometry | None = None,
    bank3: np.ndarray | None = None,
    serial_work: float = SERIAL_WORK,
) -> np.ndarray:
    """Channels-last 3x3 filterbank on 2-D images by F(2x2, 3x3); returns (batch, H, W,
    C_out). ``geo`` and ``bank3`` as prepared by a plan, else made here; a call of
    fewer than ``serial_work`` multiply-adds runs on one thread. Falls back to
    ``direct_filterbank`` where an output is not finite."""
    if not winograd_suits(lay):
        raise ValueError(f"algorithm='winograd' takes 3x3 kernels on 2-D images, got {lay.kshape}")
    call_border = border
    border = lay.border if border is None else border
    border = Fill(0.0) if isinstance(border, NA) else border
    nb = image_cl.shape[0]
    out = empty((nb, *lay.out_spatial, lay.c_out), lay.dtype)  # recycled when large
    if out.size == 0:
        return direct_filterbank(image_cl, bank, lay, call_border, serial_work=serial_work)
    geo = Geometry(lay, nb) if geo is None else geo
    bank3 = blocked_bank(bank, lay, 9) if bank3 is None else bank3
    pieces = min(threads(), geo.units) if geo.work >= serial_work else 1
    cells = math.prod(geo.ext)
    lo = [0, *geo.first, 0]
    hi = [nb, *(f + e for f, e in zip(geo.first, geo.ext)), lay.c_in]
    grid = extend(image_cl, border, lo, hi, dtype=lay.dtype).reshape(nb, cells, lay.c_in)
    uscr = _ws.buffer("u", (pieces, _XI, 1, lay.c_in, _OB), lay.dtype, align=64)
    vscr = _ws.buffer("v", (pieces, 1, _XI * _PB, lay.c_in), lay.dtype, align=64)
    mscr = _ws.buffer("m", (pieces, 1, _XI * _PB, _OB), lay.dtype, align=64)
    status = np.zeros(pieces, np.uint8)
    run_tasks(
        _loops.winograd.winograd_tiles, pieces, pieces, grid, geo.geo, bank3, uscr, vscr, mscr,
        geo.tap, _channel_table(lay.c_in), status, out.reshape(nb, -1, lay.c_out),
    )  # fmt: skip
    if status.any():  # NaNs or infinities: the direct loop places them exactly
        return direct_filterbank(image_cl, bank, lay, call_border, serial_work=serial_work)
    return out
