"""Real FFTs written into given arrays: scipy.fft's own transforms, ``pypocketfft``.

scipy.fft's public functions allocate each result, and ``irfftn`` over two
axes a temporary too: megabytes per call at the sizes the FFT strategies
transform, which glibc often maps afresh (freed blocks of that size go back
to the system), so each call would fault their pages in again. The module
behind scipy.fft takes an ``out`` array: written into buffers a caller keeps,
no call allocates them. scipy.fft's public functions stand in where this
scipy lacks the module.
"""

from __future__ import annotations

import functools

import numpy as np

__all__ = ["irfftn_into", "rfftn_into"]


@functools.cache
def _pocketfft():
    """The transforms behind scipy.fft (``pypocketfft``), which write into a given
    array; None where this scipy has no such module."""
    try:
        from scipy.fft._pocketfft import pypocketfft
    except ImportError:  # pragma: no cover - every supported scipy has it
        return None
    if not all(hasattr(pypocketfft, f) for f in ("r2c", "c2c", "c2r")):
        return None  # pragma: no cover
    return pypocketfft


def rfftn_into(a: np.ndarray, axes, out: np.ndarray, workers: int) -> np.ndarray:
    """``scipy.fft.rfftn(a, axes=axes, workers=workers)``, written into ``out`` (``a``'s
    shape, the last of ``axes`` halved plus one); returns ``out``, or a new array
    where ``_pocketfft`` is missing."""
    pocketfft = _pocketfft()
    if pocketfft is None:
        import scipy.fft as sfft

        return sfft.rfftn(a, axes=axes, workers=workers)
    pocketfft.r2c(a, tuple(axes), True, 0, out, workers)  # inorm 0: unscaled
    return out


def irfftn_into(spec: np.ndarray, n: int, axes, out: np.ndarray, workers: int) -> np.ndarray:
    """``scipy.fft.irfftn(spec, s=..., axes=axes, workers=workers)`` with ``n`` values
    along the last of ``axes``, written into ``out`` and overwriting ``spec``: the
    complex inverses in place, then the real one; each scaled by 1/length (inorm
    2). Returns ``out``, or a new array where ``_pocketfft`` is missing."""
    axes = tuple(axes)
    pocketfft = _pocketfft()
    if pocketfft is None:
        import scipy.fft as sfft

        lengths = [spec.shape[d] for d in axes[:-1]] + [n]
        return sfft.irfftn(spec, s=lengths, axes=axes, workers=workers, overwrite_x=True)
    if len(axes) > 1:
        pocketfft.c2c(spec, axes[:-1], False, 2, spec, workers)
    pocketfft.c2r(spec, axes[-1:], n, False, 2, out, workers)
    return out
