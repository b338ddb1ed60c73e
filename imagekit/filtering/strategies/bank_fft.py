"""filterbank's FFT: the ``bank-fft`` strategy (``algorithm='fft'``).

One transform per input and output channel and a complex matrix product per
frequency, for large kernels: a candidate for ``'auto'`` where the bank's
spectra fit in ``fft_memory`` bytes.
"""

from __future__ import annotations

import math

import numpy as np

from .._filterbank_fft import bank_spectrum, fft_filterbank, spectrum_bytes
from .._strategy import Prepared, Strategy

__all__ = ["BANK_FFT", "BankFft"]

_FFT_NLOGN = 0.5e-9  # seconds per n log2 n of one transform
_FFT_CMAC = 0.1e-9  # seconds per complex multiply-add of the per-frequency products


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


BANK_FFT = BankFft()
