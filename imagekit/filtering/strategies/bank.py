"""filterbank's strategies: register tiles, Winograd, shifted GEMM and FFT.

Each is a :class:`~imagekit.filtering._strategy.Strategy` of the
``'filterbank'`` operation, ranked by the same planner as imfilter's. Their
names in the registry say what they are (``bank-tiles``, ``bank-winograd``,
``bank-gemm``, ``bank-fft``); ``algorithm=`` keeps its user-facing values
(``'direct'`` asks for the register tiles).

A filterbank strategy's ``run(prepared, image_cl, bank, border)`` returns the
channels-last result ``(batch, *out_spatial, C_out)``: the bank comes with
each call (a layer's weights change every step); ``bank=None`` runs the
bank a kept plan holds, packed once by ``prepare``.

Costs are rough seconds on the project's machine per unit of work; the
tiles and Winograd are candidates for ``'auto'`` where they suit (float32
on AVX-512 with 48 or more outputs), the GEMM where they do not, the FFT
where the bank's spectra fit in ``fft_memory`` bytes.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from .._filterbank import gemm_filterbank
from .._filterbank_direct import Geometry, blocked_bank, direct_filterbank, direct_suits
from .._filterbank_fft import bank_spectrum, fft_filterbank, spectrum_bytes
from .._filterbank_winograd import Geometry as WinogradGeometry
from .._filterbank_winograd import winograd_filterbank, winograd_suits
from .._strategy import Prepared, Strategy

if TYPE_CHECKING:
    from .._filterbank_plan import FilterbankPlan

__all__ = ["BANK_FFT", "BANK_GEMM", "BANK_TILES", "BANK_WINOGRAD"]

# Rough costs on the project's machine (seconds per unit; see benchmarks/).
_GEMM_MAC = 0.02e-9  # per multiply-add of the per-tap matrix products
_DIRECT_MAC = 0.016e-9  # per multiply-add of the register tiles (0.8x the GEMM's)
_FFT_NLOGN = 0.5e-9  # per n log2 n of one transform
_FFT_CMAC = 0.1e-9  # per complex multiply-add of the per-frequency products
# The Winograd strategy, in the register tiles' multiply-adds: its 16 products
# per tile, input and output (with the input transform: x1.3), the output
# transform per tile and output, the bank's per input and output of a block.
_WINOGRAD_PRODUCTS = 1.3
_WINOGRAD_TRANSFORMS = 150
_WINOGRAD_BANK = 550
_TILES_SUIT = "the register tiles suit float32 layers of 48 or more outputs on AVX-512 CPUs"


def _rows(plan: FilterbankPlan) -> int:
    lay = plan.layout
    window = [o + m - 1 for o, m in zip(lay.out_spatial, lay.kshape)]
    return lay.out_spatial[0] * math.prod(window[1:])  # shifted_geometry's, in plain ints


def _packed(prepared: Prepared, bank):
    """``(bank, geometry, packed bank or None)``: the plan's own when ``bank`` is None."""
    geo, bank3 = prepared.state
    if bank is None:
        return prepared.plan.bank, geo, bank3
    return bank, geo, None


class BankTiles(Strategy):
    """Tiles of six positions by 64 outputs kept in registers over every tap and
    input channel. Loops: ``bank-tiles/in-place-2d`` (a 2-D image read in place,
    where its extended grid would take ``in_place_bytes`` or more), else
    ``bank-tiles/extended-grid``."""

    name, operation, algorithm = "bank-tiles", "filterbank", "direct"
    checks_bank = True  # from its outputs: a non-finite one raises the bank's error

    def __init__(self, in_place_bytes: int = 2 * 2**20):
        self.in_place_bytes = in_place_bytes

    def why_not_auto(self, plan):
        return None if direct_suits(plan.layout) else f"not for auto: {_TILES_SUIT}"

    def cost(self, plan):
        lay = plan.layout
        taps = math.prod(lay.kshape)
        blocks = -(-lay.c_out // 64)
        return _DIRECT_MAC * plan.nb * _rows(plan) * taps * lay.c_in * blocks * 64

    def prepare(self, plan, image_dtype, out_dtype):
        geo = Geometry(plan.layout, plan.nb, self.in_place_bytes)
        bank3 = None if plan.bank is None else blocked_bank(plan.bank, plan.layout, geo.taps)
        loop = "bank-tiles/" + ("in-place-2d" if geo.mode == 1 else "extended-grid")
        return Prepared(loop, plan, np.dtype(image_dtype), np.dtype(out_dtype), (geo, bank3))

    def run(self, prepared, image_cl, bank=None, border=None):
        bank, geo, bank3 = _packed(prepared, bank)
        return direct_filterbank(image_cl, bank, prepared.plan.layout, border, geo, bank3)


class BankWinograd(Strategy):
    """Winograd's F(2x2, 3x3) in the register tiles, 2.25x fewer multiply-adds (a call
    with a non-finite output is recomputed by the tiles). Loop:
    ``bank-winograd/f2x2-3x3``. Taken by ``'auto'`` where its predicted cost is
    at most ``margin`` times the others' (the model is optimistic for it on small
    layers): its cost is reported divided by ``margin``."""

    name, operation, algorithm = "bank-winograd", "filterbank", "winograd"
    checks_bank = True  # through the tiles, where an output is not finite

    def __init__(self, margin: float = 0.8):
        self.margin = margin

    def why_not(self, plan):
        lay = plan.layout
        return None if winograd_suits(lay) else f"takes 3x3 kernels on 2-D images, got {lay.kshape}"

    def why_not_auto(self, plan):
        return None if direct_suits(plan.layout) else f"not for auto: {_TILES_SUIT}"

    def cost(self, plan):
        lay = plan.layout
        blocks = -(-lay.c_out // 64)
        tiles = math.prod(-(-o // 2) for o in lay.out_spatial)
        per_output = 16 * lay.c_in * _WINOGRAD_PRODUCTS + _WINOGRAD_TRANSFORMS
        bank = (blocks + 1) * lay.c_in * 64 * _WINOGRAD_BANK
        return _DIRECT_MAC * (plan.nb * tiles * blocks * 64 * per_output + bank) / self.margin

    def prepare(self, plan, image_dtype, out_dtype):
        geo = WinogradGeometry(plan.layout, plan.nb)
        bank3 = None if plan.bank is None else blocked_bank(plan.bank, plan.layout, 9)
        state = (geo, bank3)
        return Prepared(
            "bank-winograd/f2x2-3x3", plan, np.dtype(image_dtype), np.dtype(out_dtype), state
        )

    def run(self, prepared, image_cl, bank=None, border=None):
        bank, geo, bank3 = _packed(prepared, bank)
        return winograd_filterbank(image_cl, bank, prepared.plan.layout, border, geo, bank3)


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
        return _GEMM_MAC * plan.nb * _rows(plan) * taps * lay.c_in * lay.c_out

    def prepare(self, plan, image_dtype, out_dtype):
        return Prepared("bank-gemm/shifted", plan, np.dtype(image_dtype), np.dtype(out_dtype))

    def run(self, prepared, image_cl, bank=None, border=None):
        bank = prepared.plan.bank if bank is None else bank
        return gemm_filterbank(image_cl, bank, prepared.plan.layout, border)


class BankFft(Strategy):
    """One transform per input and output channel and a complex matrix product per
    frequency. Loop: ``bank-fft/per-frequency``. A candidate for ``'auto'`` where
    the bank's spectra take at most ``fft_memory`` bytes."""

    name, operation, algorithm = "bank-fft", "filterbank", "fft"

    def __init__(self, fft_memory: int = 512 * 2**20):
        self.fft_memory = fft_memory

    def why_not_auto(self, plan):
        need = spectrum_bytes(plan.layout)
        if need > self.fft_memory:
            return f"not for auto: the bank's spectra would take {need / 2**20:.0f} MB"
        return None

    def cost(self, plan):
        lay = plan.layout
        window = [o + m - 1 for o, m in zip(lay.out_spatial, lay.kshape)]
        n = float(math.prod(window))
        transforms = plan.nb * (lay.c_in + lay.c_out) + lay.c_in * lay.c_out
        products = plan.nb * _FFT_CMAC * n / 2 * (lay.c_in * lay.c_out)
        return _FFT_NLOGN * transforms * n * math.log2(max(n, 2)) + products

    def prepare(self, plan, image_dtype, out_dtype):
        spectrum = None if plan.bank is None else bank_spectrum(plan.bank, plan.layout)
        return Prepared(
            "bank-fft/per-frequency", plan, np.dtype(image_dtype), np.dtype(out_dtype), spectrum
        )

    def run(self, prepared, image_cl, bank=None, border=None):
        spectrum = prepared.state
        if bank is None:
            bank = prepared.plan.bank
        else:
            spectrum = None
        return fft_filterbank(image_cl, bank, prepared.plan.layout, border, spectrum)


BANK_TILES = BankTiles()
BANK_WINOGRAD = BankWinograd()
BANK_GEMM = BankGemm()
BANK_FFT = BankFft()
