"""scikit-image's Butterworth filter: a product with a transfer function in Fourier space.

The transfer function at frequency ``q`` (cycles per pixel, as numpy's
``fftfreq``) with cutoff ``c`` is ``1 / (1 + (|q| / c)**(2 * order))``
(low pass) or ``(|q| / c)**(2 * order)`` times that (high pass); scikit-image's
default ``squared_butterworth=True`` uses it as is, ``False`` its square
root (the classical Butterworth gain). The transforms are ``scipy.fft``'s:
``rfftn``/``irfftn`` for real images, ``fftn``/``ifftn`` for complex ones,
over every axis but ``channel_axis``. ``npad`` pads with edge values first
and crops them off after.
"""

from __future__ import annotations

import numpy as np
import scipy.fft

from ...borders._pad import padarray
from ._float import channel_count, supported_float_type

__all__ = ["butterworth"]


def _transfer(shape, cutoff, order, high_pass, real, dtype, squared):
    """The transfer function on the FFT grid of ``shape`` (halved last axis when ``real``)."""
    q2 = np.zeros((), np.float64)
    for i, n in enumerate(shape):
        freqs = (np.fft.fftfreq(n) if n else np.zeros(0)) / cutoff  # empty: scipy.fft refuses
        if real and i == len(shape) - 1:
            freqs = freqs[: n // 2 + 1]
        view = [1] * len(shape)
        view[i] = freqs.size
        q2 = q2 + (freqs**2).reshape(view)
    q2n = np.power(q2.astype(dtype), order)
    gain = 1 / (1 + q2n)
    if high_pass:
        gain *= q2n
    if not squared:
        np.sqrt(gain, out=gain)
    return gain


def butterworth(
    image,
    cutoff_frequency_ratio=0.005,
    high_pass=True,
    order=2.0,
    channel_axis=None,
    *,
    squared_butterworth=True,
    npad=0,
):
    """Drop-in for ``skimage.filters.butterworth``.

    Filters in Fourier space with the transfer function of the module
    docstring; ``cutoff_frequency_ratio`` is the cutoff in cycles per pixel
    (in [0, 0.5]). Values are kept (no ``img_as_float``); float32 stays
    float32, complex images give complex results. ``channel_axis`` is not
    transformed; ``npad`` pixels of edge values are added on every side
    before filtering and removed after.

    See Also
    --------
    imagekit.imfilter : spatial filtering, with ``algorithm='fft'`` for large kernels.

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit.compat.skimage import filters
    >>> flat = np.full((8, 8), 3.0)
    >>> bool(np.allclose(filters.butterworth(flat, 0.1, high_pass=False), 3.0))
    True
    >>> bool(np.allclose(filters.butterworth(flat, 0.1), 0.0))
    True
    """
    image = np.asarray(image)
    if npad < 0:
        raise ValueError(f"npad must be >= 0, got {npad}")
    axes = list(range(image.ndim))
    if channel_axis is not None:
        if not isinstance(channel_axis, (int, np.integer)):  # scikit-image indexes with it
            raise IndexError(f"channel_axis must be an integer, got {channel_axis!r}")
        channel_count(image, channel_axis)
        axes.remove(channel_axis % image.ndim)
    if not axes:
        raise ValueError(
            f"butterworth needs an axis to filter besides channel_axis; the image has {image.ndim}"
        )
    if npad > 0:
        pads = [(npad, npad) if ax in axes else (0, 0) for ax in range(image.ndim)]
        image = padarray(image, "nearest", pads)
    fft_shape = [image.shape[ax] for ax in axes]
    real = not np.iscomplexobj(image)
    dtype = supported_float_type(image.dtype, allow_complex=True)
    if not 0 <= cutoff_frequency_ratio <= 0.5:
        raise ValueError(
            f"cutoff_frequency_ratio should be in the range [0, 0.5], got {cutoff_frequency_ratio}"
        )
    gain = _transfer(
        fft_shape, cutoff_frequency_ratio, order, high_pass, real, dtype, squared_butterworth
    )
    if channel_axis is not None:
        gain = np.expand_dims(gain, channel_axis % image.ndim)
    if real:
        result = scipy.fft.irfftn(gain * scipy.fft.rfftn(image, axes=axes), s=fft_shape, axes=axes)
    else:
        result = scipy.fft.ifftn(gain * scipy.fft.fftn(image, axes=axes), s=fft_shape, axes=axes)
    if npad > 0:
        crop = [slice(npad, -npad) if ax in axes else slice(None) for ax in range(image.ndim)]
        result = result[tuple(crop)]
    return result
