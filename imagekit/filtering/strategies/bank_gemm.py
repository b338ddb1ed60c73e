"""filterbank's shifted GEMM: the ``bank-gemm`` strategy (``algorithm='gemm'``).

One BLAS matrix product per tap, accumulated in place (no im2col buffer): a
candidate for ``'auto'`` where the register tiles (``bank_tiles``) do not
suit.
"""

from __future__ import annotations

import math

import numpy as np

from .._filterbank import gemm_filterbank
from .._filterbank_direct import direct_suits
from .._strategy import Prepared, Strategy
from .bank_tiles import shifted_rows

__all__ = ["BANK_GEMM", "BankGemm"]

_GEMM_MAC = 0.02e-9  # seconds per multiply-add of the per-tap matrix products


class BankGemm(Strategy):
    """One BLAS matrix product per tap, accumulated in place (no im2col buffer).
    Loop: ``bank-gemm/shifted``."""

    name, operation, algorithm = "bank-gemm", "filterbank", "gemm"

    def why_not_auto(self, plan):
        if direct_suits(plan.layout):
            return "not for auto: the register tiles suit this layer and beat the GEMM"
        return None

    def cost(self, plan):
        lay = plan.layout
        taps = math.prod(lay.kshape)
        return _GEMM_MAC * plan.nb * shifted_rows(plan) * taps * lay.c_in * lay.c_out

    def prepare(self, plan, image_dtype, out_dtype):
        return Prepared("bank-gemm/shifted", plan, np.dtype(image_dtype), np.dtype(out_dtype))

    def run(self, prepared, image_cl, bank=None, border=None):
        bank = prepared.plan.bank if bank is None else bank
        return gemm_filterbank(image_cl, bank, prepared.plan.layout, border)


BANK_GEMM = BankGemm()
