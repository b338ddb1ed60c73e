"""scipy.ndimage's grey morphology: erosion, dilation, opening and closing, flat
(``size``, ``footprint``) or with a non-flat ``structure``.

Erosion is the minimum filter of ``image - s``, dilation the maximum filter of
``image + s`` over the reflected footprint and structure (its origins negated,
less one along even lengths, as scipy moves them); opening is a dilation of
the erosion, closing an erosion of the dilation, each step stored in the
image's dtype before the next reads it.
"""

from __future__ import annotations

import warnings

import numpy as np

from ._ndi_minmax import min_or_max_filter
from ._support import check_axes, normalize_sequence

__all__ = ["grey_closing", "grey_dilation", "grey_erosion", "grey_opening"]


def _check_given(size, footprint, structure) -> None:
    if size is None and footprint is None and structure is None:
        raise ValueError("size, footprint, or structure must be specified")


def grey_erosion(
    input,
    size=None,
    footprint=None,
    structure=None,
    output=None,
    mode="reflect",
    cval=0.0,
    origin=0,
    *,
    axes=None,
):
    """Drop-in for ``scipy.ndimage.grey_erosion``: the minimum of ``image - s`` over each window.

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit.compat.ndimage import grey_erosion
    >>> grey_erosion(np.array([3, 1, 4, 1, 5, 9, 2, 6]), size=3)
    array([1, 1, 1, 1, 1, 2, 2, 2])
    """
    _check_given(size, footprint, structure)
    return min_or_max_filter(
        input, size, footprint, structure, output, mode, cval, origin, True, axes
    )


def grey_dilation(
    input,
    size=None,
    footprint=None,
    structure=None,
    output=None,
    mode="reflect",
    cval=0.0,
    origin=0,
    *,
    axes=None,
):
    """Drop-in for ``scipy.ndimage.grey_dilation``: the maximum of ``image + s`` over each
    window of the reflected footprint.

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit.compat.ndimage import grey_dilation
    >>> grey_dilation(np.array([3, 1, 4, 1, 5, 9, 2, 6]), size=3)
    array([3, 4, 4, 5, 9, 9, 9, 6])
    """
    _check_given(size, footprint, structure)
    if structure is not None:
        structure = np.asarray(structure)
        structure = structure[(slice(None, None, -1),) * structure.ndim]
    if footprint is not None:
        footprint = np.asarray(footprint)
        footprint = footprint[(slice(None, None, -1),) * footprint.ndim]
    input = np.asarray(input)
    axes = check_axes(axes, input.ndim)
    origin = normalize_sequence(origin, len(axes), "origin")
    for i in range(len(origin)):
        origin[i] = -origin[i]
        if footprint is not None:
            length = footprint.shape[i]
        elif structure is not None:
            length = structure.shape[i]
        elif np.isscalar(size):
            length = size
        else:
            length = size[i]
        if not length & 1:
            origin[i] -= 1
    return min_or_max_filter(
        input, size, footprint, structure, output, mode, cval, origin, False, axes
    )


def grey_opening(
    input,
    size=None,
    footprint=None,
    structure=None,
    output=None,
    mode="reflect",
    cval=0.0,
    origin=0,
    *,
    axes=None,
):
    """Drop-in for ``scipy.ndimage.grey_opening``: the dilation of the erosion.

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit.compat.ndimage import grey_opening
    >>> grey_opening(np.array([3, 1, 4, 1, 5, 9, 2, 6]), size=3)
    array([1, 1, 1, 1, 2, 2, 2, 2])
    """
    if size is not None and footprint is not None:
        warnings.warn("ignoring size because footprint is set", UserWarning, stacklevel=2)
    eroded = grey_erosion(input, size, footprint, structure, None, mode, cval, origin, axes=axes)
    return grey_dilation(eroded, size, footprint, structure, output, mode, cval, origin, axes=axes)


def grey_closing(
    input,
    size=None,
    footprint=None,
    structure=None,
    output=None,
    mode="reflect",
    cval=0.0,
    origin=0,
    *,
    axes=None,
):
    """Drop-in for ``scipy.ndimage.grey_closing``: the erosion of the dilation.

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit.compat.ndimage import grey_closing
    >>> grey_closing(np.array([3, 1, 4, 1, 5, 9, 2, 6]), size=3)
    array([3, 3, 4, 4, 5, 9, 6, 6])
    """
    if size is not None and footprint is not None:
        warnings.warn("ignoring size because footprint is set", UserWarning, stacklevel=2)
    dilated = grey_dilation(input, size, footprint, structure, None, mode, cval, origin, axes=axes)
    return grey_erosion(dilated, size, footprint, structure, output, mode, cval, origin, axes=axes)
