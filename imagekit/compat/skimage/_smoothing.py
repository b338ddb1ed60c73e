"""scikit-image's Gaussian, difference-of-Gaussians and unsharp mask on imagekit's engine."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from .._engine import run_passes
from .._ndi_gaussian import gaussian_passes
from .._support import get_output
from ..ndimage import gaussian_filter
from ._float import (
    channel_count,
    convert_to_float,
    img_as_float,
    supported_float_type,
    unsigned_scale,
)

__all__ = ["difference_of_gaussians", "gaussian", "unsharp_mask"]


def gaussian(
    image,
    sigma=1.0,
    *,
    mode="nearest",
    cval=0,
    preserve_range=False,
    truncate=4.0,
    channel_axis=None,
    out=None,
):
    """Drop-in for ``skimage.filters.gaussian``, on imagekit's engine.

    Integers are scaled by ``img_as_float`` unless ``preserve_range``;
    float32 stays float32; the channel axis gets sigma 0 (never mixed). The
    filtering is :func:`imagekit.compat.ndimage.gaussian_filter`.

    See Also
    --------
    imagekit.kernels.gaussian : the native kernel.

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit.compat.skimage import filters
    >>> image = np.zeros((3, 3), np.uint8); image[1, 1] = 255
    >>> filters.gaussian(image, sigma=0.5).round(4)
    array([[0.0113, 0.0837, 0.0113],
           [0.0837, 0.6187, 0.0837],
           [0.0113, 0.0837, 0.0113]])
    """
    if np.any(np.asarray(sigma) < 0.0):
        raise ValueError(f"Sigma values less than zero are not valid, got sigma={sigma!r}")
    image = np.asarray(image)
    if channel_axis is not None:  # do not filter across channels
        if not isinstance(sigma, Iterable):
            sigma = [sigma] * (image.ndim - 1)
        if len(sigma) == image.ndim - 1:
            sigma = list(sigma)
            sigma.insert(channel_axis % image.ndim, 0)
    scale = None if preserve_range else unsigned_scale(image.dtype)
    if scale is None:
        image = convert_to_float(image, preserve_range)
        image = image.astype(supported_float_type(image.dtype), copy=False)
    if out is not None and not np.issubdtype(out.dtype, np.floating):
        raise ValueError(f"dtype of `out` must be float; got {out.dtype!r}.")
    if scale is None:
        return gaussian_filter(image, sigma, output=out, mode=mode, cval=cval, truncate=truncate)
    # img_as_float fused into the first pass: the same values, one array fewer
    output = np.zeros(image.shape, np.float64) if out is None else get_output(out, image)
    passes = gaussian_passes(image.ndim, sigma, 0, mode, truncate, None, None)
    return run_passes(image, passes, output, cval, scale)


def _per_axis_sigma(sigma, spatial_dims: int, name: str) -> np.ndarray:
    if len(sigma) != 1 and len(sigma) != spatial_dims:
        raise ValueError(
            f"{name} must have length equal to number of spatial dimensions of input "
            f"({spatial_dims}), got {len(sigma)}"
        )
    return sigma * np.ones(spatial_dims)


def difference_of_gaussians(
    image, low_sigma, high_sigma=None, *, mode="nearest", cval=0, channel_axis=None, truncate=4.0
):
    """Drop-in for ``skimage.filters.difference_of_gaussians``, on imagekit's engine.

    ``high_sigma`` defaults to ``1.6 * low_sigma``; the image goes through
    ``img_as_float`` first.

    See Also
    --------
    imagekit.kernels.dog : the native kernel.

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit.compat.skimage import filters
    >>> flat = np.full((5, 5), 0.5)
    >>> bool(np.abs(filters.difference_of_gaussians(flat, 1)).max() < 1e-12)  # rounding
    True
    """
    image = np.asarray(image)
    if unsigned_scale(image.dtype) is None:  # unsigned: gaussian converts as it reads
        image = img_as_float(image)
    low_sigma = np.array(low_sigma, dtype="float", ndmin=1)
    if high_sigma is None:
        high_sigma = low_sigma * 1.6
    else:
        high_sigma = np.array(high_sigma, dtype="float", ndmin=1)
    spatial_dims = image.ndim - 1 if channel_axis is not None else image.ndim
    low_sigma = _per_axis_sigma(low_sigma, spatial_dims, "low_sigma")
    high_sigma = _per_axis_sigma(high_sigma, spatial_dims, "high_sigma")
    if any(high_sigma < low_sigma):
        raise ValueError("high_sigma must be equal to or larger than low_sigma for all axes")
    options = dict(mode=mode, cval=cval, channel_axis=channel_axis, truncate=truncate)
    im1 = gaussian(image, sigma=low_sigma, preserve_range=False, **options)
    im2 = gaussian(image, sigma=high_sigma, preserve_range=False, **options)
    return im1 - im2


def unsharp_mask(image, radius=1.0, amount=1.0, preserve_range=False, *, channel_axis=None):
    """Drop-in for ``skimage.filters.unsharp_mask``, on imagekit's engine.

    ``image + amount * (image - gaussian(image, radius, mode='reflect'))``,
    clipped to [0, 1] (or [-1, 1] for images with negative values) unless
    ``preserve_range``. Channels are blurred in one call with sigma 0 on
    the channel axis, which equals scikit-image's loop over channels.

    See Also
    --------
    gaussian : the blur it subtracts.

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit.compat.skimage import filters
    >>> image = np.full((5, 5), 100, np.uint8); image[2, 2] = 120
    >>> filters.unsharp_mask(image, radius=0.5, amount=2)[2, 1:4].round(2)
    array([0.38, 0.53, 0.38])
    """
    image = np.asarray(image)
    vrange = None  # range for valid values, used for clipping
    float_dtype = supported_float_type(image.dtype)
    if preserve_range:
        fimg = image.astype(float_dtype, copy=False)
    else:
        fimg = img_as_float(image).astype(float_dtype, copy=False)
        vrange = [-1.0, 1.0] if np.any(fimg < 0) else [0.0, 1.0]
    sigma = radius
    if channel_axis is not None:
        channel_count(image, channel_axis)  # scikit-image loops over the channels
        if not isinstance(sigma, Iterable):
            sigma = [sigma] * (image.ndim - 1)
        sigma = list(sigma)
        sigma.insert(channel_axis % image.ndim, 0)
    blurred = gaussian(fimg, sigma=sigma, mode="reflect")
    if np.result_type(blurred, amount) == blurred.dtype:
        # fimg + (fimg - blurred) * amount, each step in place (the same roundings)
        result = np.subtract(fimg, blurred, out=blurred)
        np.multiply(result, amount, out=result)
        np.add(fimg, result, out=result)
    else:  # an amount that promotes the result's dtype
        result = fimg + (fimg - blurred) * amount
    if vrange is not None:
        result = np.clip(result, vrange[0], vrange[1], out=result)
    if channel_axis is not None:  # scikit-image gathers the channels in float_dtype
        result = result.astype(float_dtype, copy=False)
    return result
