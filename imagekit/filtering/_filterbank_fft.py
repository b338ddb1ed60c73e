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

from .._recycle import empty
from .._workspace import Workspace
from ..borders import NA, Fill
from ..borders._pad import extend
from ._transforms import irfftn_into, rfftn_into
from .strategies._threads import threads

__all__ = ["bank_spectrum", "fft_filterbank", "spectrum_bytes"]
_ws = Workspace(__name__)  # this module's temporaries


def _window(lay):
    first = [a + s for a, s in zip(lay.lo, lay.start)]
    last = [f + o + m - 1 for f, o, m in zip(first, lay.out_spatial, lay.kshape)]
    return first, last


def spectrum_bytes(lay) -> int:
    """Memory of the bank's spectra: the strategy's largest buffer."""
    shape = fft_shape(lay)
    shape[-1] = shape[-1] // 2 + 1
    return int(np.prod(shape)) * lay.c_in * lay.c_out * 2 * np.dtype(lay.dtype).itemsize


def fft_shape(lay) -> list[int]:
    """Transform lengths along the spatial axes."""
    first, last = _window(lay)
    return [sfft.next_fast_len(b - a, real=True) for a, b in zip(first, last)]


def bank_spectrum(bank: np.ndarray, lay) -> np.ndarray:
    """The reversed bank's spectra, ``(*F, C_in, C_out)``."""
    n = len(lay.kshape)
    rev = np.ascontiguousarray(bank[(slice(None, None, -1),) * n], lay.dtype)
    return sfft.rfftn(rev, s=fft_shape(lay), axes=tuple(range(n)), workers=-1)


def fft_filterbank(
    image_cl: np.ndarray, bank: np.ndarray, lay, border=None, spectrum=None
) -> np.ndarray:
    """Channels-last filterbank through scipy.fft; returns (batch, *out_spatial, C_out).
    ``spectrum``: ``bank_spectrum(bank, lay)`` when a plan has prepared it.

    The extended image (zero-padded to the transform lengths), its spectra, their
    products and the inverse transforms go into buffers this thread keeps
    (``_transforms.rfftn_into``): fresh arrays of their size are faulted in
    again on many calls."""
    border = lay.border if border is None else border
    border = Fill(0.0) if isinstance(border, NA) else border
    first, last = _window(lay)
    nb = image_cl.shape[0]
    n = len(lay.kshape)
    axes = tuple(range(1, n + 1))
    fshape = fft_shape(lay)
    K = bank_spectrum(bank, lay) if spectrum is None else spectrum  # (*F, C_in, C_out)
    window = [b - a for a, b in zip(first, last)]
    padded = _ws.buffer("image", (nb, *fshape, lay.c_in), lay.dtype)
    for i, (w, f) in enumerate(zip(window, fshape)):  # zeros past the window
        if w < f:
            padded[(slice(None),) * (i + 1) + (slice(w, None),)] = 0
    inside = padded[(slice(None), *(slice(0, w) for w in window))]
    extend(image_cl, border, [0, *first, 0], [nb, *last, lay.c_in], dtype=lay.dtype, out=inside)
    half = (*fshape[:-1], fshape[-1] // 2 + 1)
    complex_dtype = np.result_type(lay.dtype, np.complex64)
    workers = threads()
    X = rfftn_into(
        padded, axes, _ws.buffer("spectra", (nb, *half, lay.c_in), complex_dtype), workers
    )
    Y = _ws.buffer("products", (nb, *half, lay.c_out), complex_dtype)
    np.matmul(X[..., None, :], K, out=Y[..., None, :])  # (nb, *F, C_out)
    y = irfftn_into(
        Y, fshape[-1], axes, _ws.buffer("inverses", (nb, *fshape, lay.c_out), lay.dtype), workers
    )
    valid = (slice(None), *(slice(m - 1, m - 1 + o) for m, o in zip(lay.kshape, lay.out_spatial)))
    out = empty((nb, *lay.out_spatial, lay.c_out), lay.dtype)  # recycled when large
    out[...] = y[valid]
    return out
