"""scikit-image's ``correlate_sparse`` on imagekit's engine.

scikit-image adds one shifted view of the padded image per non-zero
kernel weight; that is the correlation ``out[i] = sum_j k[j] * x[i + j]``
over the non-zero taps, which is :func:`imagekit.imfilter` with the direct
strategy (zero taps are skipped there too, so ``0 * inf`` never makes a
NaN). Padding: scikit-image's mode names go to ``numpy.pad``'s
(``'nearest'`` is ``'edge'``, ``'reflect'`` is ``'symmetric'``,
``'mirror'`` is ``'reflect'``) and those with an imagekit border run
without a padded copy; numpy's other modes (``'linear_ramp'``,
``'maximum'``...) pad with ``numpy.pad`` first.
"""

from __future__ import annotations

import numpy as np

from ...filtering import imfilter
from ._float import supported_float_type

__all__ = ["correlate_sparse"]

# scikit-image's names for numpy.pad's modes, and numpy.pad's modes that
# are imagekit borders.
_NUMPY_MODES = {"nearest": "edge", "reflect": "symmetric", "mirror": "reflect"}
_BORDERS = {"edge": "nearest", "symmetric": "reflect", "reflect": "mirror", "wrap": "wrap"}


def _check_kernel(kernel: np.ndarray, image: np.ndarray, mode) -> None:
    if mode != "valid" and any(w % 2 == 0 for w in kernel.shape):
        raise ValueError(
            f"kernel must have an odd size along every axis unless mode='valid', "
            f"got shape {kernel.shape}"
        )
    if kernel.ndim != image.ndim and (mode == "valid" or kernel.ndim == 1):
        # scikit-image's own consistency check trips here (its RuntimeError)
        raise RuntimeError(
            f"kernel must have as many axes as the image ({image.ndim}), got {kernel.ndim}"
        )
    if kernel.ndim != image.ndim:
        raise ValueError(
            f"kernel must have as many axes as the image ({image.ndim}), got {kernel.ndim}"
        )
    if mode == "valid" and image.size and any(w > n + 1 for w, n in zip(kernel.shape, image.shape)):
        raise ValueError(
            f"kernel of shape {kernel.shape} does not fit in an image of shape {image.shape} "
            "with mode='valid'"
        )


def correlate_sparse(image, kernel, mode="reflect"):
    """Drop-in for ``skimage.filters.correlate_sparse``, on imagekit's engine.

    The correlation of ``image`` with ``kernel`` (computed over its
    non-zero weights). The image keeps its values and computes in its float
    type (float32 stays float32; integers in float64); ``mode='valid'``
    returns only the pixels where the kernel fits (the image's shape minus
    the kernel's plus one), any other mode is a ``numpy.pad`` mode (or
    scikit-image's name for one) and needs odd kernel sizes.

    See Also
    --------
    imagekit.imfilter : the native call (``shape='valid'`` for ``mode='valid'``).

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit.compat.skimage import filters
    >>> filters.correlate_sparse(np.arange(5.0), np.array([1.0, 2.0, 0.0]))
    array([ 0.,  2.,  5.,  8., 11.])
    """
    kernel = np.asarray(kernel)
    image = np.asarray(image)
    float_dtype = supported_float_type(image.dtype)
    image = image.astype(float_dtype, copy=False)
    kernel = kernel.astype(float_dtype)  # the weights scikit-image applies
    result = _correlate(image, kernel, mode)
    if kernel.size and kernel.flat[0] == 0 and not np.isfinite(image).all():
        # scikit-image starts its sum from the kernel's first corner, weight 0
        # or not: 0 * inf is NaN where that corner meets a non-finite pixel.
        corner = np.zeros_like(kernel)
        corner.flat[0] = 1
        with np.errstate(invalid="ignore"):
            result += 0 * _correlate(image, corner, mode)
    return result


def _correlate(image: np.ndarray, kernel: np.ndarray, mode) -> np.ndarray:
    """The correlation over the non-zero taps, with scikit-image's padding for ``mode``."""
    if mode == "valid":
        _check_kernel(kernel, image, mode)
        if image.size == 0:  # scikit-image's empty slices
            shape = [max(n - w + 1, 0) for n, w in zip(image.shape, kernel.shape)]
            return np.zeros(shape, image.dtype)
        return imfilter(image, kernel, shape="valid", algorithm="direct")
    numpy_mode = _NUMPY_MODES.get(mode, mode)
    # numpy.pad's other modes, and empty images, with numpy.pad's padding and errors
    if (numpy_mode not in _BORDERS and numpy_mode != "constant") or image.size == 0:
        _check_kernel(kernel, image, mode)
        padded = np.pad(image, [(w // 2, w // 2) for w in kernel.shape], mode=numpy_mode)
        return imfilter(padded, kernel, shape="valid", algorithm="direct")
    _check_kernel(kernel, image, mode)
    border = _BORDERS.get(numpy_mode, 0)  # 'constant' pads with zeros
    return imfilter(image, kernel, border, algorithm="direct")
