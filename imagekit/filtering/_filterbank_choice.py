"""The filter bank's cost model: which strategy ``algorithm='auto'`` takes."""

from __future__ import annotations

import math

from ._filterbank import FilterbankLayout

__all__ = ["choose_filterbank_strategy"]

# Rough costs on the project's machine (seconds per unit; see benchmarks/).
_GEMM_MAC = 0.02e-9  # per multiply-add of the per-tap matrix products
_DIRECT_MAC = 0.016e-9  # per multiply-add of the register tiles (W7a, W7b: 0.8x the GEMM's)
_FFT_NLOGN = 0.5e-9  # per n log2 n of one transform
_FFT_CMAC = 0.1e-9  # per complex multiply-add of the per-frequency products
_FFT_MEMORY = 512 * 2**20  # the bank's spectra must fit in this
# The Winograd strategy, in the register tiles' multiply-adds: its 16 products
# per tile, input and output (with the input transform: x1.3), the output
# transform per tile and output, the bank's per input and output of a block;
# and taken only where it is predicted 0.8x the direct loop's cost or less
# (the model is optimistic for it on small layers).
_WINOGRAD_PRODUCTS = 1.3
_WINOGRAD_TRANSFORMS = 150
_WINOGRAD_BANK = 550
_WINOGRAD_MARGIN = 0.8


def choose_filterbank_strategy(lay: FilterbankLayout, nb: int) -> str:
    """``'direct'``, ``'winograd'``, ``'gemm'`` or ``'fft'``, whichever the cost model
    predicts cheapest (the register tiles only where they suit, Winograd's only
    for 3x3 kernels on 2-D images, FFT only if the bank's spectra fit in memory)."""
    from ._filterbank_direct import direct_suits
    from ._filterbank_fft import spectrum_bytes

    taps = math.prod(lay.kshape)
    window = [o + m - 1 for o, m in zip(lay.out_spatial, lay.kshape)]
    rows = lay.out_spatial[0] * math.prod(window[1:])  # shifted_geometry's, in plain ints
    direct = direct_suits(lay)
    if direct:  # the register tiles: measured faster than the GEMM
        gemm = _DIRECT_MAC * nb * rows * taps * lay.c_in * -(-lay.c_out // 64) * 64
    else:
        gemm = _GEMM_MAC * nb * rows * taps * lay.c_in * lay.c_out
    n = float(math.prod(window))
    transforms = nb * (lay.c_in + lay.c_out) + lay.c_in * lay.c_out  # images, then the bank
    fft = _FFT_NLOGN * transforms * n * math.log2(max(n, 2)) + nb * _FFT_CMAC * n / 2 * (
        lay.c_in * lay.c_out
    )
    if fft < gemm and spectrum_bytes(lay) <= _FFT_MEMORY:
        return "fft"
    if direct and _winograd_cost(lay, nb) < _WINOGRAD_MARGIN * gemm:
        return "winograd"
    return "direct" if direct else "gemm"


def _winograd_cost(lay: FilterbankLayout, nb: int) -> float:
    """The Winograd strategy's cost on the direct strategy's scale (inf where it does
    not apply): its products, its transforms per tile and output, and the bank's
    transform per block (fitted to the shapes in ``docs/guide/filterbanks_gradients``)."""
    from ._filterbank_winograd import winograd_suits

    if not winograd_suits(lay):
        return math.inf
    blocks = -(-lay.c_out // 64)
    tiles = math.prod(-(-o // 2) for o in lay.out_spatial)
    per_output = 16 * lay.c_in * _WINOGRAD_PRODUCTS + _WINOGRAD_TRANSFORMS
    bank = (blocks + 1) * lay.c_in * 64 * _WINOGRAD_BANK
    return _DIRECT_MAC * (nb * tiles * blocks * 64 * per_output + bank)
