"""scipy.ndimage's minimum and maximum filters, flat and with a non-flat ``structure``.

scipy takes one of two routes, and so does this module:

- a box (``size``, or a footprint with every element set) is 1-D passes, one
  per axis longer than 1, each reading the previous pass's output in the
  output's dtype (one mode per axis allowed); the border value is read as a
  double;
- any other footprint, or a ``structure``, is one N-D pass reading the border
  value in the image's type (``(type)cval``).

A non-flat ``structure`` adds ``s`` to each window's values before the
maximum (the minimum: subtracts), as scipy's C loop does it: the first
footprint element in C order adds in double precision, the others in the
image's type (``x + (type)s``, so integers wrap).
"""

from __future__ import annotations

import operator
import warnings
from collections.abc import Iterable

import numpy as np

from .._padarray import padarray
from ..kernels import Kernel
from ._ndi_window import (
    border,
    check_origin,
    expand_window,
    holds,
    readable,
    select,
    typed_cval,
    window_kernel,
)
from ._support import (
    as_float64,
    cast_into,
    check_axes,
    check_dtypes,
    check_mode,
    get_output,
    normalize_axis,
    normalize_sequence,
    real_cval,
)

__all__ = [
    "maximum_filter",
    "maximum_filter1d",
    "min_or_max_filter",
    "minimum_filter",
    "minimum_filter1d",
]


def _as_read(input: np.ndarray, cval) -> tuple[np.ndarray, float]:
    """The image and border value of a 1-D pass: scipy reads both as doubles, so an
    image whose dtype cannot hold ``cval`` is filtered as float64."""
    value = real_cval(cval)
    x = readable(input)
    if not holds(x.dtype, value):
        x = as_float64(input)
    return x, value


def _filter1d(input, size, axis, output, mode, cval, origin, minimum):
    """scipy's ``minimum_filter1d`` / ``maximum_filter1d``."""
    input = np.asarray(input)
    if np.iscomplexobj(input):
        raise TypeError("Complex type not supported")
    axis = normalize_axis(axis, input.ndim)
    if size < 1:
        raise RuntimeError(f"incorrect filter size: size must be at least 1, got {size}")
    output = get_output(output, input)
    check_origin(origin, size)
    check_mode(mode)
    check_dtypes(input, output)
    x, value = _as_read(input, cval)
    window = Kernel(np.ones(size), start=-(size // 2) - operator.index(origin))
    return select(np.min if minimum else np.max, x, window, border(mode, value), output, (axis,))


def minimum_filter1d(input, size, axis=-1, output=None, mode="reflect", cval=0.0, origin=0):
    """Drop-in for ``scipy.ndimage.minimum_filter1d``: the minimum of ``size`` values along
    ``axis`` (imagekit's van Herk / Gil-Werman pass).

    Examples
    --------
    >>> from imagekit.compat.ndimage import minimum_filter1d
    >>> minimum_filter1d([2, 8, 0, 4, 1, 9, 9, 0], size=3)
    array([2, 0, 0, 0, 1, 1, 0, 0])
    """
    return _filter1d(input, size, axis, output, mode, cval, origin, True)


def maximum_filter1d(input, size, axis=-1, output=None, mode="reflect", cval=0.0, origin=0):
    """Drop-in for ``scipy.ndimage.maximum_filter1d``: the maximum of ``size`` values along
    ``axis``.

    Examples
    --------
    >>> from imagekit.compat.ndimage import maximum_filter1d
    >>> maximum_filter1d([2, 8, 0, 4, 1, 9, 9, 0], size=3)
    array([8, 8, 8, 4, 9, 9, 9, 9])
    """
    return _filter1d(input, size, axis, output, mode, cval, origin, False)


def _structured(x, footprint, structure, origins, border_, minimum) -> np.ndarray:
    """scipy's N-D minimum/maximum with ``structure``, in float64 (see the module docstring).

    scipy's loop starts from the first element (in double precision) and keeps a
    later one only where it compares better, so a NaN first element stays and later
    NaNs are passed over: ``fmax`` of the later ones (in the image's type), then
    of that and the first unless the first is NaN.
    """
    start = [-(n // 2) - o for n, o in zip(footprint.shape, origins)]
    pads = [(-s, s + n - 1) for s, n in zip(start, footprint.shape)]
    ext = padarray(x, border_, pads)
    weights = structure.reshape(footprint.shape)[footprint]
    if minimum:
        weights = -weights
    keep = np.fmin if minimum else np.fmax
    views = [
        ext[tuple(slice(o, o + n) for o, n in zip(offset, x.shape))]
        for offset in np.argwhere(footprint)
    ]
    first = views[0].astype(np.float64) + weights[0]
    later = None
    with np.errstate(over="ignore", invalid="ignore"):
        for view, w in zip(views[1:], weights[1:]):
            value = view + np.asarray(typed_cval(w, x.dtype), x.dtype)
            later = value if later is None else keep(later, value, out=later)
    if later is None:
        return first
    return np.where(np.isnan(first), first, keep(first, later.astype(np.float64)))


def min_or_max_filter(
    input, size, footprint, structure, output, mode, cval, origin, minimum, axes=None
):
    """scipy's ``_min_or_max_filter``: the engine of the minimum, maximum and grey filters."""
    if size is not None and footprint is not None:
        warnings.warn("ignoring size because footprint is set", UserWarning, stacklevel=3)
    if structure is None:
        if footprint is None:
            if size is None:
                raise RuntimeError("no footprint provided: pass size or footprint")
            separable = True
        else:
            footprint = np.asarray(footprint, dtype=bool)
            if not footprint.any():
                raise ValueError("All-zero footprint is not supported.")
            separable = bool(footprint.all())
            if separable:
                size, footprint = footprint.shape, None
    else:
        structure = np.asarray(structure, dtype=np.float64)
        separable = False
        footprint = (
            np.ones(structure.shape, bool)
            if footprint is None
            else np.asarray(footprint, dtype=bool)
        )
    input = np.asarray(input)
    if np.iscomplexobj(input):
        raise TypeError("Complex type not supported")
    output = get_output(output, input)
    axes = check_axes(axes, input.ndim)
    if separable:
        return _separable(input, size, output, mode, cval, origin, minimum, axes)
    footprint, origins = expand_window(input.ndim, axes, None, footprint, origin)
    if structure is not None and structure.ndim != len(axes):
        raise RuntimeError(
            f"structure array has incorrect shape: {structure.ndim} axes for {len(axes)} "
            "filtered axes"
        )
    if not isinstance(mode, str) and isinstance(mode, Iterable):
        raise RuntimeError("A sequence of modes is not supported for non-separable footprints")
    check_mode(mode)
    check_dtypes(input, output)
    x = readable(input)
    border_ = border(mode, typed_cval(cval, x.dtype))
    if structure is None:
        window = window_kernel(footprint, origins)
        return select(np.min if minimum else np.max, x, window, border_, output)
    if input.size:
        cast_into(_structured(x, footprint, structure, origins, border_, minimum), output)
    return output


def _separable(input, size, output, mode, cval, origin, minimum, axes):
    """A box: 1-D passes along the axes longer than 1, each into ``output``."""
    n = len(axes)
    origins = normalize_sequence(origin, n, "origin")
    sizes = normalize_sequence(size, n, "size")
    modes = normalize_sequence(mode, n, "mode")
    passes = [(axes[i], sizes[i], origins[i], modes[i]) for i in range(n) if sizes[i] > 1]
    if not passes:
        output[...] = input[...]
        return output
    for axis, length, o, m in passes:
        _filter1d(input, int(length), axis, output, m, cval, o, minimum)
        input = output
    return output


def minimum_filter(
    input,
    size=None,
    footprint=None,
    output=None,
    mode="reflect",
    cval=0.0,
    origin=0,
    *,
    axes=None,
):
    """Drop-in for ``scipy.ndimage.minimum_filter``: the minimum of each window.

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit.compat.ndimage import minimum_filter
    >>> minimum_filter(np.array([[5, 1, 7], [3, 9, 2], [8, 4, 6]]), size=2)
    array([[5, 1, 1],
           [3, 1, 1],
           [3, 3, 2]])
    """
    return min_or_max_filter(input, size, footprint, None, output, mode, cval, origin, True, axes)


def maximum_filter(
    input,
    size=None,
    footprint=None,
    output=None,
    mode="reflect",
    cval=0.0,
    origin=0,
    *,
    axes=None,
):
    """Drop-in for ``scipy.ndimage.maximum_filter``: the maximum of each window.

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit.compat.ndimage import maximum_filter
    >>> maximum_filter(np.array([[5, 1, 7], [3, 9, 2], [8, 4, 6]]), size=2)
    array([[5, 5, 7],
           [5, 9, 9],
           [8, 9, 9]])
    """
    return min_or_max_filter(input, size, footprint, None, output, mode, cval, origin, False, axes)
