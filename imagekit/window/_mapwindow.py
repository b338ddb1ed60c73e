"""``mapwindow`` and its shorthands: a function of each pixel's window of values."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .._dispatch import route
from .._typing import ArrayLike, BorderLike, DTypeLike, ShapeMode, WindowFunc, WindowLike
from ._functions import Percentile, Rank
from ._plan import apply, make_plan

__all__ = ["mapwindow", "maximum", "median", "minimum", "percentile", "rank"]


def mapwindow(
    func: WindowFunc,
    image: ArrayLike,
    window: WindowLike,
    border: BorderLike = "reflect",
    *,
    shape: ShapeMode = "same",
    channel_axis: int | None = None,
    axes: Sequence[int] | None = None,
    out: np.ndarray | None = None,
    dtype: DTypeLike = None,
    algorithm: str = "auto",
) -> np.ndarray:
    """Apply ``func`` to the window of values around each pixel.

    ``out[i] = func(values of image in the window around i)``, the values a
    1-D array in the footprint's C order (ImageFiltering.jl's ``mapwindow``).

    Parameters
    ----------
    func : callable
        ``np.median``, ``np.min``/``np.amin``, ``np.max``/``np.amax``,
        ``np.mean``, ``np.sum``, ``np.var``, ``np.std``, ``np.ptp``,
        :class:`~imagekit.window.Rank` and
        :class:`~imagekit.window.Percentile` run on dedicated algorithms with
        the same result as calling them on each window (exactly for the
        selections; to float rounding for mean, sum, var and std). Any other
        callable takes a 1-D array and returns a scalar: compiled by numba
        and run on all threads when it compiles in nopython mode, otherwise
        called from Python once per window (slow: a progress bar shows on
        long runs).
    image : array_like
        Real N-D image (NumPy, Dask or CuPy array; not modified).
    window : int, tuple of int, bool array or Kernel
        A size along every filtered axis, a size per filtered axis, a
        footprint (its true elements) or a :class:`~imagekit.kernels.Kernel`
        whose non-zero taps are the window and whose ``start`` gives their
        offsets. Sizes and footprints are centred as kernels are: element
        ``size // 2`` is the pixel itself (so an even size reaches one
        further back than forward).
    border : str, number or Border
        As for :func:`imagekit.imfilter`. ``NA()`` leaves out-of-image pixels
        and NaNs out of each window (a window with none left gives NaN, or 0
        in an integer output); with any other border a window holding a NaN
        follows numpy (``np.median`` of it is NaN).
    shape : {'same', 'valid', 'full'}
    channel_axis, axes : int or sequence of int, optional
        As for :func:`imagekit.imfilter`: the channel axis is never part of a
        window; ``axes`` names the axes the window spans.
    out : ndarray, optional
        Written and returned (shape of the result, any real dtype).
    dtype : dtype, optional
        The dtype returned. By default the selections (median, min, max,
        rank, percentile) keep the image's dtype, integers included (the
        median of an even count of integers is rounded half to even);
        ``np.ptp`` too, unsigned for signed integers; mean, sum, var and std
        return float32 for float32 images and float64 otherwise; a user
        function returns float64.
    algorithm : str
        ``'auto'`` (the cheapest strategy that applies) or a strategy's name:
        ``'median9'``, ``'network'``, ``'select'``, ``'histogram'``,
        ``'vanherk'``, ``'box'``, ``'user'``, ``'stack'`` (NumPy array
        operations alone: what ``'auto'`` takes for a small first call, before
        numba has started; see
        :func:`~imagekit.window.plan_mapwindow`).

    Returns
    -------
    ndarray

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit import mapwindow
    >>> mapwindow(np.median, np.array([1, 9, 2, 8, 3]), 3)
    array([1, 2, 8, 3, 3])
    >>> mapwindow(np.max, np.array([1, 9, 2, 8, 3]), 3, "nearest")
    array([9, 9, 9, 8, 8])

    A window with an offset (a Kernel's ``start``): each pixel and the two
    before it.

    >>> from imagekit.kernels import Kernel
    >>> mapwindow(np.min, np.array([5, 4, 6, 2, 7]), Kernel(np.ones(3), start=-2), "nearest")
    array([5, 4, 4, 2, 2])
    """
    options = dict(shape=shape, channel_axis=channel_axis, axes=axes, dtype=dtype)
    options["algorithm"] = algorithm
    backend = route("mapwindow", image)
    if backend is not None:
        return backend(func, image, window, border, out=out, **options)
    p = make_plan(func, image, window, border, **options)
    return apply(p, np.asarray(image), out)


def median(
    image: ArrayLike, window: WindowLike = 3, border: BorderLike = "reflect", **options
) -> np.ndarray:
    """The median of each window: ``mapwindow(np.median, image, window, border, ...)``.

    >>> import numpy as np
    >>> from imagekit.window import median
    >>> median(np.array([[0, 0, 0], [0, 9, 0], [0, 0, 0]], np.uint8))
    array([[0, 0, 0],
           [0, 0, 0],
           [0, 0, 0]], dtype=uint8)
    """
    return mapwindow(np.median, image, window, border, **options)


def minimum(
    image: ArrayLike, window: WindowLike = 3, border: BorderLike = "reflect", **options
) -> np.ndarray:
    """The minimum of each window: ``mapwindow(np.min, image, window, border, ...)``."""
    return mapwindow(np.min, image, window, border, **options)


def maximum(
    image: ArrayLike, window: WindowLike = 3, border: BorderLike = "reflect", **options
) -> np.ndarray:
    """The maximum of each window: ``mapwindow(np.max, image, window, border, ...)``."""
    return mapwindow(np.max, image, window, border, **options)


def rank(
    image: ArrayLike, k: int, window: WindowLike = 3, border: BorderLike = "reflect", **options
) -> np.ndarray:
    """The ``k``-th smallest value of each window (negative ``k``: from the top):
    ``mapwindow(Rank(k), image, window, border, ...)``."""
    return mapwindow(Rank(k), image, window, border, **options)


def percentile(
    image: ArrayLike, q: float, window: WindowLike = 3, border: BorderLike = "reflect", **options
) -> np.ndarray:
    """The percentile ``q`` of each window (scipy's rule, no interpolation):
    ``mapwindow(Percentile(q), image, window, border, ...)``."""
    return mapwindow(Percentile(q), image, window, border, **options)
