"""filterbank's Winograd strategy: ``bank-winograd`` (``algorithm='winograd'``).

Winograd's F(2x2, 3x3) in the register tiles (``bank_tiles``): 2.25x fewer
multiply-adds for 3x3 kernels on 2-D images. A candidate for ``'auto'``
where the tiles suit.
"""

from __future__ import annotations

import math

import numpy as np

from .._filterbank_direct import blocked_bank, direct_suits
from .._filterbank_winograd import Geometry, winograd_filterbank, winograd_suits
from .._strategy import Prepared, Strategy
from ._threads import SERIAL_WORK
from .bank_tiles import DIRECT_MAC, TILES_SUIT, packed

__all__ = ["BANK_WINOGRAD", "BankWinograd"]

# Its cost, in the register tiles' multiply-adds: its 16 products per tile, input
# and output (with the input transform: x1.3), the output transform per tile and
# output, the bank's per input and output of a block.
_PRODUCTS = 1.3
_TRANSFORMS = 150
_BANK = 550


class BankWinograd(Strategy):
    """Winograd's F(2x2, 3x3) in the register tiles, 2.25x fewer multiply-adds (a call
    with a non-finite output is recomputed by the tiles). Loop:
    ``bank-winograd/f2x2-3x3``. Taken by ``'auto'`` where its predicted cost is
    at most ``margin`` times the others' (the model is optimistic for it on small
    layers): its cost is reported divided by ``margin``. A call of fewer than
    ``serial_work`` multiply-adds runs on one thread."""

    name, operation, algorithm = "bank-winograd", "filterbank", "winograd"
    checks_bank = True  # through the tiles, where an output is not finite

    def __init__(self, margin: float = 0.8, serial_work: float = SERIAL_WORK):
        self.margin = margin
        self.serial_work = serial_work

    def why_not(self, plan):
        lay = plan.layout
        return None if winograd_suits(lay) else f"takes 3x3 kernels on 2-D images, got {lay.kshape}"

    def why_not_auto(self, plan):
        return None if direct_suits(plan.layout) else f"not for auto: {TILES_SUIT}"

    def cost(self, plan):
        lay = plan.layout
        blocks = -(-lay.c_out // 64)
        tiles = math.prod(-(-o // 2) for o in lay.out_spatial)
        per_output = 16 * lay.c_in * _PRODUCTS + _TRANSFORMS
        bank = (blocks + 1) * lay.c_in * 64 * _BANK
        return DIRECT_MAC * (plan.nb * tiles * blocks * 64 * per_output + bank) / self.margin

    def prepare(self, plan, image_dtype, out_dtype):
        geo = Geometry(plan.layout, plan.nb)
        bank3 = None if plan.bank is None else blocked_bank(plan.bank, plan.layout, 9)
        state = (geo, bank3)
        return Prepared(
            "bank-winograd/f2x2-3x3", plan, np.dtype(image_dtype), np.dtype(out_dtype), state
        )

    def run(self, prepared, image_cl, bank=None, border=None):
        bank, geo, bank3 = packed(prepared, bank)
        lay = prepared.plan.layout
        return winograd_filterbank(image_cl, bank, lay, border, geo, bank3, self.serial_work)


BANK_WINOGRAD = BankWinograd()
