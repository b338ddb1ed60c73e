"""``skimage.filters.median``: scipy's median filter (``behavior='ndimage'``) or the
rank filter's histogram median (``behavior='rank'``)."""

from __future__ import annotations

import warnings

import numpy as np

from .._ndi_rank import median_filter
from . import _rank

__all__ = ["median"]


def median(image, footprint=None, out=None, mode="nearest", cval=0.0, behavior="ndimage"):
    """Drop-in for ``skimage.filters.median``: the median of each window.

    ``behavior='ndimage'`` (the default) is :func:`imagekit.compat.ndimage.median_filter`
    with ``mode`` and ``cval`` (the upper middle value of an even count) over
    ``footprint``, by default every neighbour (``np.ones((3,) * image.ndim)``);
    ``behavior='rank'`` is :func:`imagekit.compat.skimage.filters.rank.median`,
    which ignores ``mode`` and ``cval`` with a warning.

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit.compat.skimage.filters import median
    >>> median(np.array([[0, 0, 0], [0, 9, 0], [0, 0, 9]], np.uint8))
    array([[0, 0, 0],
           [0, 0, 0],
           [0, 0, 9]], dtype=uint8)
    """
    if behavior == "rank":
        if mode != "nearest" or not np.isclose(cval, 0.0):
            warnings.warn(
                "Change 'behavior' to 'ndimage' if you want to use the parameters 'mode' or "
                "'cval'. They will be discarded otherwise.",
                UserWarning,
                stacklevel=2,
            )
        return _rank.median(image, footprint=footprint, out=out)
    if footprint is None:
        footprint = np.ones((3,) * image.ndim, bool)
    return median_filter(image, footprint=footprint, output=out, mode=mode, cval=cval)
