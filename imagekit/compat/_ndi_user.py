"""scipy.ndimage's filters of a user's function: ``generic_filter`` (a function of each
window's values) and ``generic_filter1d`` (a function of each extended line).

``generic_filter`` runs on :func:`imagekit.mapwindow`'s user-function path:
the function gets each window's values as a 1-D float64 array in the
footprint's C order, as scipy passes them, and its result is cast into the
output as scipy casts. A function numba compiles runs compiled on all
threads, where numpy's own routines (``np.std``, ``np.mean``...) can round in
the last bits differently from numpy's; any other runs from Python, once per
window, as in scipy. ``generic_filter1d`` calls the function once per line,
as scipy does. scipy's ``LowLevelCallable`` functions are not Python
callables and raise a TypeError.
"""

from __future__ import annotations

import warnings

import numpy as np

from .._padarray import padarray
from ._ndi_window import border, check_origin, expand_window, select, window_kernel
from ._support import (
    as_float64,
    cast_into,
    check_axes,
    check_dtypes,
    check_mode,
    get_output,
    normalize_axis,
    real_cval,
)

__all__ = ["generic_filter", "generic_filter1d"]


def _callable(function):
    if not callable(function):
        raise TypeError(
            f"function must be a Python callable, got {function!r} (scipy's "
            "LowLevelCallable is not supported)"
        )


def _bound(function, extra_arguments, extra_keywords):
    """``function`` with scipy's extra arguments bound (itself when there are none, so
    that numba can compile it)."""
    if not extra_arguments and not extra_keywords:
        return function

    def bound(values):
        return function(values, *extra_arguments, **extra_keywords)

    return bound


def generic_filter(
    input,
    function,
    size=None,
    footprint=None,
    output=None,
    mode="reflect",
    cval=0.0,
    origin=0,
    extra_arguments=(),
    extra_keywords=None,
    *,
    axes=None,
):
    """Drop-in for ``scipy.ndimage.generic_filter``: ``function(values, *extra_arguments,
    **extra_keywords)`` of each window's values (float64, footprint order).

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit.compat.ndimage import generic_filter
    >>> generic_filter(np.array([2.0, 8, 0, 4, 1]), lambda v: v.max() - v.min(), size=3)
    array([6., 8., 8., 4., 3.])
    """
    if size is not None and footprint is not None:
        warnings.warn("ignoring size because footprint is set", UserWarning, stacklevel=2)
    extra_keywords = {} if extra_keywords is None else extra_keywords
    input = np.asarray(input)
    if np.iscomplexobj(input):
        raise TypeError("Complex type not supported")
    axes = check_axes(axes, input.ndim)
    fp, origins = expand_window(input.ndim, axes, size, footprint, origin)
    output = get_output(output, input)
    check_mode(mode)
    _callable(function)
    check_dtypes(input, output)
    func = _bound(function, extra_arguments, extra_keywords)
    window = window_kernel(fp, origins)
    return select(func, as_float64(input), window, border(mode, real_cval(cval)), output)


def generic_filter1d(
    input,
    function,
    filter_size,
    axis=-1,
    output=None,
    mode="reflect",
    cval=0.0,
    origin=0,
    extra_arguments=(),
    extra_keywords=None,
):
    """Drop-in for ``scipy.ndimage.generic_filter1d``: ``function(iline, oline,
    *extra_arguments, **extra_keywords)`` for each line along ``axis``.

    ``iline`` is the line (float64) extended by the border, ``filter_size - 1``
    values longer than the line; the function writes the line's result into
    ``oline`` (float64, the line's length).

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit.compat.ndimage import generic_filter1d
    >>> def pairs(iline, oline):
    ...     oline[...] = iline[:-1] + iline[1:]
    >>> generic_filter1d(np.array([1.0, 2, 4, 8]), pairs, filter_size=2)
    array([ 2.,  3.,  6., 12.])
    """
    extra_keywords = {} if extra_keywords is None else extra_keywords
    input = np.asarray(input)
    if np.iscomplexobj(input):
        raise TypeError("Complex type not supported")
    output = get_output(output, input)
    if filter_size < 1:
        raise RuntimeError(
            f"invalid filter size: filter_size must be at least 1, got {filter_size}"
        )
    axis = normalize_axis(axis, input.ndim)
    check_origin(origin, filter_size)
    border_ = border(check_mode(mode), real_cval(cval))
    _callable(function)
    check_dtypes(input, output)
    if input.size == 0:
        return output
    before = filter_size // 2 + origin
    pads = [(0, 0)] * input.ndim
    pads[axis] = (before, filter_size - 1 - before)
    lines = np.moveaxis(padarray(as_float64(input), border_, pads), axis, -1)
    lines = lines.reshape(-1, lines.shape[-1])
    n = input.shape[axis]
    result = np.zeros((lines.shape[0], n))
    for iline, oline in zip(lines, result):
        function(iline, oline, *extra_arguments, **extra_keywords)
    shape = (*np.delete(input.shape, axis), n)
    cast_into(np.moveaxis(result.reshape(shape), -1, axis), output)
    return output
