"""scipy.ndimage's rank filters: ``rank_filter``, ``median_filter`` and
``percentile_filter``, on :func:`imagekit.mapwindow` with :class:`~imagekit.window.Rank`.

scipy turns each into one rank among the footprint's ``n`` pixels (the median:
``n // 2``, the upper middle value of an even count; the percentile ``p``:
``int(n * p / 100)``, ``n - 1`` for 100, ``p + 100`` for a negative ``p``). A rank
of 0 or ``n - 1`` is its minimum or maximum filter, borders and casts included;
a 1-D image runs scipy's 1-D rules (int64, float32 or float64 values, a
``cval`` converted to that type, and a window of the footprint's whole length
whatever elements are set), any other its N-D rules (``(type)cval``).
"""

from __future__ import annotations

import operator
import warnings
from collections.abc import Iterable

import numpy as np

from ..window import Rank, mapwindow
from ._ndi_minmax import min_or_max_filter
from ._ndi_window import border, expand_window, readable, select, typed_cval, window_kernel
from ._support import check_axes, check_dtypes, check_mode, get_output

__all__ = ["median_filter", "percentile_filter", "rank_filter"]


def _rank_of(operation: str, rank, n: int) -> int:
    """scipy's rank among ``n`` values for a median, a percentile or a rank."""
    if operation == "median":
        rank = n // 2
    elif operation == "percentile":
        percentile = rank
        if percentile < 0.0:
            percentile += 100.0
        if percentile < 0 or percentile > 100:
            raise RuntimeError(f"invalid percentile: {rank} is outside [-100, 100]")
        rank = n - 1 if percentile == 100.0 else int(float(n) * percentile / 100.0)
    if rank < 0:
        rank += n
    if rank < 0 or rank >= n:
        raise RuntimeError(
            f"rank not within filter footprint size: rank {rank} of a footprint of {n} pixels"
        )
    return rank


def _one_d(input: np.ndarray, cval):
    """scipy's 1-D rank filter reads int64, float32 or float64 and its cval in that type."""
    if input.dtype in (np.int64, np.float64, np.float32):
        x = input
    elif input.dtype == np.float16:
        x = input.astype(np.float32)
    elif input.dtype.kind in "biu":  # uint64 too, as scipy casts it
        x = input.astype(np.int64)
    else:
        raise RuntimeError(f"Unsupported array type: {input.dtype}")
    return x, float(x.dtype.type(cval))


def _rank_filter(input, rank, size, footprint, output, mode, cval, origin, operation, axes):
    if size is not None and footprint is not None:
        warnings.warn("ignoring size because footprint is set", UserWarning, stacklevel=3)
    input = np.asarray(input)
    if np.iscomplexobj(input):
        raise TypeError("Complex type not supported")
    axes = check_axes(axes, input.ndim)
    fp, origins = expand_window(input.ndim, axes, size, footprint, origin)
    n = int(np.count_nonzero(fp))
    rank = _rank_of(operation, rank, n)
    if rank in (0, n - 1):
        return min_or_max_filter(input, None, fp, None, output, mode, cval, origins, rank == 0)
    output = get_output(output, input)
    if not isinstance(mode, str) and isinstance(mode, Iterable):
        raise RuntimeError("A sequence of modes is not supported by non-separable rank filters")
    check_mode(mode)
    lim2 = input.size - ((fp.size - 1) // 2 - origins[-1]) if input.ndim == 1 else -1
    if input.ndim == 1 and (lim2 >= 0 or input.size == 1):
        x, value = _one_d(input, cval)
        if input.size:
            # scipy's 1-D loop reads the footprint's whole length, set or not
            window = window_kernel(np.ones_like(fp), origins)
            result = mapwindow(Rank(rank), x, window, border(mode, value))
            np.copyto(output, result, casting="unsafe")
        return output
    check_dtypes(input, output)
    x = readable(input)
    value = typed_cval(cval, x.dtype)
    return select(Rank(rank), x, window_kernel(fp, origins), border(mode, value), output)


def rank_filter(
    input,
    rank,
    size=None,
    footprint=None,
    output=None,
    mode="reflect",
    cval=0.0,
    origin=0,
    *,
    axes=None,
):
    """Drop-in for ``scipy.ndimage.rank_filter``: the ``rank``-th smallest value of each
    window (negative: from the top), on :func:`imagekit.mapwindow` with
    :class:`~imagekit.window.Rank`.

    Examples
    --------
    >>> from imagekit.compat.ndimage import rank_filter
    >>> rank_filter([2, 8, 0, 4, 1, 9, 9, 0], rank=1, size=3)
    array([2, 2, 4, 1, 4, 9, 9, 0])
    """
    rank = operator.index(rank)
    return _rank_filter(input, rank, size, footprint, output, mode, cval, origin, "rank", axes)


def median_filter(
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
    """Drop-in for ``scipy.ndimage.median_filter``: the value of rank ``n // 2`` among each
    window's ``n`` values (the upper middle value of an even count, as scipy).

    Examples
    --------
    >>> from imagekit.compat.ndimage import median_filter
    >>> median_filter([2, 8, 0, 4, 1, 9, 9, 0], size=4)
    array([8, 2, 4, 4, 4, 9, 9, 9])
    """
    return _rank_filter(input, 0, size, footprint, output, mode, cval, origin, "median", axes)


def percentile_filter(
    input,
    percentile,
    size=None,
    footprint=None,
    output=None,
    mode="reflect",
    cval=0.0,
    origin=0,
    *,
    axes=None,
):
    """Drop-in for ``scipy.ndimage.percentile_filter``: rank ``int(n * p / 100)`` among each
    window's ``n`` values (``n - 1`` for ``p = 100``); a negative ``p`` counts from
    the top (``p + 100``).

    Examples
    --------
    >>> from imagekit.compat.ndimage import percentile_filter
    >>> percentile_filter([2, 8, 0, 4, 1, 9, 9, 0], percentile=-20, size=3)
    array([8, 8, 8, 4, 9, 9, 9, 9])
    """
    return _rank_filter(
        input, percentile, size, footprint, output, mode, cval, origin, "percentile", axes
    )
