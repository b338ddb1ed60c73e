"""``imagekit.padarray``: an image padded by its border, on the image's own device."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._dispatch import route
from ._typing import ArrayLike, BorderLike
from .borders import _pad

__all__ = ["padarray"]


def padarray(
    image: ArrayLike, border: BorderLike, pad: int | Sequence[tuple[int, int]]
) -> np.ndarray:
    """The image padded by ``border``: ``pad`` pixels before and after each axis.

    Parameters
    ----------
    image : ndarray
        Any numeric N-D array (not modified). A Dask array gives a lazy Dask
        array; a CuPy array (or another array-API library's) is padded on its
        device.
    border : str, number or Border
        See :func:`imagekit.borders.normalize_border`. ``NA`` pads with NaN
        (integer images are promoted to float64 for it); a fill value the
        image dtype cannot hold exactly promotes the result's dtype.
    pad : int or sequence of (int, int)
        One int for every side, or ``(before, after)`` per axis. Pads
        larger than the image repeat the pattern, as ``numpy.pad`` does.

    Returns
    -------
    ndarray
        C-contiguous, shape ``image.shape + before + after``.

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit import padarray
    >>> padarray(np.array([1, 2, 3, 4]), "reflect", 2)
    array([2, 1, 1, 2, 3, 4, 4, 3])
    >>> padarray(np.array([1, 2, 3, 4]), "mirror", 2)
    array([3, 2, 1, 2, 3, 4, 3, 2])
    """
    backend = route("padarray", image)  # Dask: lazy; CuPy & co: on their device
    if backend is not None:
        return backend(image, border, pad)
    return _pad.padarray(image, border, pad)
