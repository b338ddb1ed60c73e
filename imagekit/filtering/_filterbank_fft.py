"""FFT strategy for filter banks: one transform per input channel and per output channel.

With ``X_c`` the spectrum of input channel ``c`` (extended by the border, as
for every strategy) and ``K_co`` that of filter ``(c, o)`` reversed, output
channel ``o`` is the inverse transform of ``sum_c X_c K_co``: a small complex
matrix product at every frequency. Transforms cost ``C_in + C_out`` per
batch item instead of ``taps`` matrix products, so this wins for large
kernels. The transform is as long as the extended window (no wrap-around
reaches the valid part).
"""

from __future__ import annotations

import numpy as np
import scipy.fft as sfft

from ..borders import NA, Fill
from ..borders._pad import extend

__all__ = ["fft_filterbank", "spectrum_bytes"]


def _window(lay):
    first = [a + s for a, s in zip(lay.lo, lay.start)]
    last = [f + o + m - 1 for f, o, m in zip(first, lay.out_spatial, lay.kshape)]
    return first, last


def spectrum_bytes(lay) -> int:
    """Memory of the bank's spectra: the strategy's largest buffer."""
    first, last = _window(lay)
    shape = [sfft.next_fast_len(b - a, real=True) for a, b in zip(first, last)]
    shape[-1] = shape[-1] // 2 + 1
    return int(np.prod(shape)) * lay.c_in * lay.c_out * 2 * np.dtype(lay.dtype).itemsize


def fft_filterbank(image_cl: np.ndarray, bank: np.ndarray, lay, border=None) -> np.ndarray:
    """Channels-last filterbank through scipy.fft; returns (batch, *out_spatial, C_out)."""
    border = lay.border if border is None else border
    border = Fill(0.0) if isinstance(border, NA) else border
    first, last = _window(lay)
    nb = image_cl.shape[0]
    ext = extend(image_cl, border, [0, *first, 0], [nb, *last, lay.c_in], dtype=lay.dtype)
    n = len(lay.kshape)
    axes = tuple(range(1, n + 1))
    fshape = [sfft.next_fast_len(b - a, real=True) for a, b in zip(first, last)]
    rev = np.ascontiguousarray(bank[(slice(None, None, -1),) * n], lay.dtype)
    K = sfft.rfftn(rev, s=fshape, axes=tuple(range(n)), workers=-1)  # (*F, C_in, C_out)
    X = sfft.rfftn(ext, s=fshape, axes=axes, workers=-1)  # (nb, *F, C_in)
    Y = np.matmul(X[..., None, :], K)[..., 0, :]  # (nb, *F, C_out)
    y = sfft.irfftn(Y, s=fshape, axes=axes, workers=-1)
    valid = (slice(None), *(slice(m - 1, m - 1 + o) for m, o in zip(lay.kshape, lay.out_spatial)))
    return y[valid].astype(lay.dtype, copy=False)
