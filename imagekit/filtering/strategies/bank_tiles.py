"""filterbank's register tiles: the ``bank-tiles`` strategy (``algorithm='direct'``).

A filterbank strategy is a :class:`~imagekit.filtering._strategy.Strategy`
of the ``'filterbank'`` operation, ranked by the same planner as imfilter's
(one per module: ``bank_tiles``, ``bank_winograd``, ``bank_gemm``,
``bank_fft``). Its ``run(prepared, image_cl, bank, border)`` returns the
channels-last result ``(batch, *out_spatial, C_out)``: the bank comes with
each call (a layer's weights change every step); ``bank=None`` runs the bank
a kept plan holds, packed once by ``prepare``.

Costs are rough seconds on the project's machine per unit of work (see
``benchmarks/``). The tiles are a candidate for ``'auto'`` where they suit:
float32 on AVX-512 with 48 or more outputs. This module also holds what the
other bank strategies share with the tiles: the multiply-add cost, the rows
of the shifted geometry and the packed bank of a kept plan.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from .._filterbank_direct import Geometry, blocked_bank, direct_filterbank, direct_suits
from .._strategy import Prepared, Strategy
from ._threads import SERIAL_WORK

if TYPE_CHECKING:
    from .._filterbank_plan import FilterbankPlan

__all__ = ["BANK_TILES", "DIRECT_MAC", "TILES_SUIT", "BankTiles", "packed", "shifted_rows"]

DIRECT_MAC = 0.016e-9  # seconds per multiply-add of the register tiles (0.8x the GEMM's)
TILES_SUIT = "the register tiles suit float32 layers of 48 or more outputs on AVX-512 CPUs"


def shifted_rows(plan: FilterbankPlan) -> int:
    """Rows of the shifted geometry (``_filterbank.shifted_geometry``'s, in plain ints)."""
    lay = plan.layout
    window = [o + m - 1 for o, m in zip(lay.out_spatial, lay.kshape)]
    return lay.out_spatial[0] * math.prod(window[1:])


def packed(prepared: Prepared, bank):
    """``(bank, geometry, packed bank or None)``: the plan's own when ``bank`` is None."""
    geo, bank3 = prepared.state
    if bank is None:
        return prepared.plan.bank, geo, bank3
    return bank, geo, None


class BankTiles(Strategy):
    """Tiles of six positions by 64 outputs kept in registers over every tap and
    input channel. Loops: ``bank-tiles/in-place-2d`` (a 2-D image read in place,
    where its extended grid would take ``in_place_bytes`` or more), else
    ``bank-tiles/extended-grid``. A call of fewer than ``serial_work``
    multiply-adds runs on one thread."""

    name, operation, algorithm = "bank-tiles", "filterbank", "direct"
    checks_bank = True  # from its outputs: a non-finite one raises the bank's error

    def __init__(self, in_place_bytes: int = 2 * 2**20, serial_work: float = SERIAL_WORK):
        self.in_place_bytes = in_place_bytes
        self.serial_work = serial_work

    def why_not_auto(self, plan):
        return None if direct_suits(plan.layout) else f"not for auto: {TILES_SUIT}"

    def cost(self, plan):
        lay = plan.layout
        taps = math.prod(lay.kshape)
        blocks = -(-lay.c_out // 64)
        return DIRECT_MAC * plan.nb * shifted_rows(plan) * taps * lay.c_in * blocks * 64

    def prepare(self, plan, image_dtype, out_dtype):
        geo = Geometry(plan.layout, plan.nb, self.in_place_bytes)
        bank3 = None if plan.bank is None else blocked_bank(plan.bank, plan.layout, geo.taps)
        loop = "bank-tiles/" + ("in-place-2d" if geo.mode == 1 else "extended-grid")
        return Prepared(loop, plan, np.dtype(image_dtype), np.dtype(out_dtype), (geo, bank3))

    def run(self, prepared, image_cl, bank=None, border=None):
        bank, geo, bank3 = packed(prepared, bank)
        lay = prepared.plan.layout
        return direct_filterbank(image_cl, bank, lay, border, geo, bank3, self.serial_work)


BANK_TILES = BankTiles()
