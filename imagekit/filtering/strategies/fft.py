"""FFT strategy: correlation as a product of real spectra (scipy.fft).

The border is applied first: the image is extended over the window the
output reads, exactly as for the direct strategy, so every border gives the
direct result up to rounding. The correlation ``out[i] = sum_j w[j] P[i+j]``
is the part of the circular convolution of ``P`` with the reversed kernel
that no wrap-around reaches, so a transform as long as ``P`` (rounded up by
``next_fast_len``) suffices along each filtered axis. Axes the kernel does
not extend along (channels, unfiltered axes) are batched, not transformed.

Large images are processed in slabs along the first transformed axis
(overlap-save): each slab extends its own window, so memory stays a small
multiple of one slab instead of several copies of the image.

NaN or inf in the image would spread over the whole output through the
transform; such images are filtered by the direct strategy instead, so they
stay local (ImageFiltering.jl guards the same way).
"""

from __future__ import annotations

import numpy as np
import scipy.fft as sfft

from ...borders import extend
from .._plan import Plan

__all__ = ["SLAB_BYTES", "correlate", "fft_shape"]

# Above this many bytes of extended input, work in slabs of about this size.
SLAB_BYTES = 64 * 2**20


def fft_shape(window_shape, axes) -> tuple[int, ...]:
    """Transform lengths: ``next_fast_len`` of the window along each transformed axis."""
    return tuple(sfft.next_fast_len(window_shape[d], real=True) for d in axes)


def _kernel_spectrum(weights: np.ndarray, axes, shape, dtype) -> np.ndarray:
    """rfftn of the reversed kernel, zero-padded to ``shape`` along ``axes``."""
    rev = np.ascontiguousarray(weights[(slice(None, None, -1),) * weights.ndim], dtype=dtype)
    return sfft.rfftn(rev, s=shape, axes=axes, workers=-1)


def _correlate_window(src: np.ndarray, spectrum, axes, fshape, kshape, out: np.ndarray) -> None:
    """``out`` = valid correlation of the extended window ``src`` (via its spectrum)."""
    spec = sfft.rfftn(src, s=fshape, axes=axes, workers=-1, overwrite_x=False)
    spec *= spectrum
    full = sfft.irfftn(spec, s=fshape, axes=axes, workers=-1, overwrite_x=True)
    # Valid part: indices m-1 .. m-1+out along each transformed axis.
    sl = [slice(None)] * src.ndim
    for d in axes:
        sl[d] = slice(kshape[d] - 1, kshape[d] - 1 + out.shape[d])
    out[...] = full[tuple(sl)]


def correlate(image: np.ndarray, plan: Plan, out: np.ndarray) -> None:
    """Write the correlation of ``image`` with ``plan.kernel`` into ``out``."""
    if out.size == 0:
        return
    if image.dtype.kind == "f" and not np.isfinite(image).all():
        from .direct import correlate as direct

        direct(image, plan, out)
        return
    k = plan.kernel
    axes = tuple(d for d, m in enumerate(k.shape) if m > 1)
    lo, hi = plan.window()
    if not axes:  # a single tap: a scaled, shifted copy
        src = extend(image, plan.border, lo, hi, dtype=out.dtype)
        np.multiply(src, k.weights.reshape(()), out=out)
        return
    window_shape = tuple(b - a for a, b in zip(lo, hi))
    slab_axis = axes[0]
    nbytes = int(np.prod(window_shape)) * out.dtype.itemsize
    m = k.shape[slab_axis]
    n_out = out.shape[slab_axis]
    if nbytes > SLAB_BYTES and n_out > 2 * m:
        per_row = nbytes // window_shape[slab_axis]
        rows = max(int(SLAB_BYTES // per_row) - (m - 1), m)
    else:
        rows = n_out
    slab_window = list(window_shape)
    slab_window[slab_axis] = rows + m - 1
    fshape = fft_shape(slab_window, axes)
    spectrum = _kernel_spectrum(k.weights, axes, fshape, out.dtype)
    for start in range(0, n_out, rows):
        stop = min(start + rows, n_out)
        slab_lo, slab_hi = list(lo), list(hi)
        slab_lo[slab_axis] = lo[slab_axis] + start
        slab_hi[slab_axis] = lo[slab_axis] + stop + m - 1
        src = extend(image, plan.border, slab_lo, slab_hi, dtype=out.dtype)
        dst = out[(slice(None),) * slab_axis + (slice(start, stop),)]
        _correlate_window(src, spectrum, axes, fshape, k.shape, dst)
