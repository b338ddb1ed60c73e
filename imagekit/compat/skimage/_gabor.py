"""scikit-image's Gabor filter on imagekit's engine.

scikit-image's kernel is imagekit's :func:`imagekit.kernels.gabor`
(envelope sigma ``sigma_x``, aspect ``sigma_x / sigma_y``, wavelength
``1 / frequency``, phase ``offset``) scaled by ``1 / (2 pi sigma_x
sigma_y)``, on a grid reaching ``n_stds`` standard deviations along the
rotated axes (at least one pixel). The two parts are convolved with
:func:`imagekit.compat.ndimage.convolve`, so integer images keep their
dtype (and scipy's truncation), as in scikit-image.
"""

from __future__ import annotations

import math

import numpy as np

from ...kernels import gabor as gabor_kernel
from .. import ndimage
from ._float import check_2d, supported_float_type

__all__ = ["gabor"]


def _sigma_for_bandwidth(bandwidth: float, frequency: float) -> float:
    """The envelope's sigma that gives a half-response bandwidth of ``bandwidth`` octaves."""
    octaves = 2.0**bandwidth
    return math.sqrt(math.log(2) / 2.0) * (octaves + 1) / (octaves - 1) / math.pi / frequency


def _kernel_parts(frequency, theta, bandwidth, sigma_x, sigma_y, n_stds, offset, dtype):
    """Real and imaginary weights of scikit-image's Gabor kernel, in ``dtype``'s precision."""
    if sigma_x is None:
        sigma_x = _sigma_for_bandwidth(bandwidth, frequency)
    if sigma_y is None:
        sigma_y = _sigma_for_bandwidth(bandwidth, frequency)
    scale = 1.0 / (2 * np.pi * sigma_x * sigma_y)  # a zero sigma: ZeroDivisionError, as there
    c, s = math.cos(theta), math.sin(theta)
    half_x = math.ceil(max(abs(n_stds * sigma_x * c), abs(n_stds * sigma_y * s), 1))
    half_y = math.ceil(max(abs(n_stds * sigma_y * c), abs(n_stds * sigma_x * s), 1))
    # A negative frequency is the same carrier turned by half a turn; the
    # envelope depends on the sigmas' squares only.
    turn = math.pi if frequency < 0 else 0.0
    re, im = gabor_kernel(
        (2 * half_y + 1, 2 * half_x + 1),
        sigma=abs(sigma_x),
        theta=theta + turn,
        wavelength=1.0 / abs(frequency),
        phase=offset,
        aspect=abs(sigma_x / sigma_y),
    )
    part = np.dtype(dtype).type(0).real.dtype  # complex64 -> float32
    return (re.weights * scale).astype(part), (im.weights * scale).astype(part)


def gabor(
    image,
    frequency,
    theta=0,
    bandwidth=1,
    sigma_x=None,
    sigma_y=None,
    n_stds=3,
    offset=0,
    mode="reflect",
    cval=0,
):
    """Drop-in for ``skimage.filters.gabor``, on imagekit's engine.

    Returns the real and imaginary responses of a 2-D image to the Gabor
    kernel of :func:`imagekit.kernels.gabor` with scikit-image's
    parametrisation and normalisation (see the module docstring). As in
    scikit-image, floating images compute in their float type (float16 in
    float32), while integer images are not converted: the responses have
    the image's dtype, truncated as scipy.ndimage truncates.

    See Also
    --------
    imagekit.kernels.gabor : the native kernel.

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit.compat.skimage import filters
    >>> stripes = np.cos(2 * np.pi * 0.25 * np.arange(16))[None, :].repeat(16, 0)
    >>> real, imag = filters.gabor(stripes, frequency=0.25)
    >>> bool(abs(real[8, 8]) > 10 * abs(filters.gabor(stripes, frequency=0.1)[0][8, 8]))
    True
    """
    check_2d(image)
    image = np.asarray(image)
    if image.dtype.kind == "f":
        image = image.astype(supported_float_type(image.dtype), copy=False)
        kernel_dtype = np.promote_types(image.dtype, np.complex64)
    else:
        kernel_dtype = np.complex128
    re, im = _kernel_parts(
        frequency, theta, bandwidth, sigma_x, sigma_y, n_stds, offset, kernel_dtype
    )
    filtered_real = ndimage.convolve(image, re, mode=mode, cval=cval)
    filtered_imag = ndimage.convolve(image, im, mode=mode, cval=cval)
    return filtered_real, filtered_imag
