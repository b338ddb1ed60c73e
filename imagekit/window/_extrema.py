"""Local extrema: ``findlocalmaxima`` and ``findlocalminima``.

The arguments are normalised here (the window by ``normalize_window``, the
threshold into the image's own type); the loops in ``_loops/extrema.py``
read the image in place, one row per task, and ``extrema_coordinates``
gathers what they find into C-ordered coordinates.
"""

from __future__ import annotations

import importlib
import math
import numbers

import numpy as np

from .._dispatch import route
from .._recycle import empty
from .._typing import ArrayLike, WindowLike
from .._workspace import Workspace
from ..filtering._options import as_image, normalize_axes
from ..filtering.strategies._threads import run_tasks
from ._geometry import Window, normalize_window

__all__ = ["findlocalmaxima", "findlocalminima"]

_ws = Workspace(__name__)


def loop_array(image: np.ndarray, name: str = "image") -> np.ndarray:
    """``image`` as the loops read it: C-contiguous, native byte order, bool as
    uint8 and float16 as float32 (both keep every order between values)."""
    if image.dtype.kind == "c" or image.dtype.itemsize > 8:
        raise TypeError(
            f"{name} must hold bool, integer or floating numbers of at most 64 bits, got "
            f"dtype {image.dtype}"
        )
    if image.dtype == bool:
        image = image.view(np.uint8)
    elif image.dtype.kind == "f" and image.dtype.itemsize < 4:
        image = image.astype(np.float32)
    return np.ascontiguousarray(image, dtype=image.dtype.newbyteorder("="))


def _threshold(threshold, dtype: np.dtype, lower: bool):
    """``(thr, use)``: the threshold in ``dtype`` that a value beats exactly when it
    beats ``threshold``, and whether there is one; None when no value can beat it."""
    if threshold is None:
        return dtype.type(0), False
    if isinstance(threshold, (bool, np.bool_)) or not isinstance(threshold, numbers.Real):
        raise TypeError(f"threshold must be a real number or None, got {threshold!r}")
    if isinstance(threshold, np.generic):
        threshold = threshold.item()  # a Python number: compared exactly below
    if math.isnan(threshold):
        raise ValueError("threshold must be a number, got nan")
    sign = -1 if lower else 1  # compare -value with -threshold for minima
    if dtype.kind == "f":
        with np.errstate(over="ignore"):
            thr = dtype.type(threshold)
        if sign * float(thr) > sign * threshold:  # rounded past it: step back towards it
            thr = np.nextafter(thr, dtype.type(sign * -np.inf))
        return thr, True
    if math.isinf(threshold):
        return None if sign * threshold > 0 else (dtype.type(0), False)
    k = math.floor(threshold) if not lower else math.ceil(threshold)
    info = np.iinfo(dtype)
    least, most = (info.min, info.max) if not lower else (-info.max, -info.min)
    if sign * k < least:
        return dtype.type(0), False
    if sign * k >= most:
        return None
    return dtype.type(k), True


def extrema_coordinates(
    src: np.ndarray, window: Window, *, lower: bool, edges: bool = True, threshold=None
) -> np.ndarray:
    """The coordinates (``(n, ndim)`` intp, C order) of the pixels of ``src`` (as
    ``loop_array`` makes it) strictly above (below, ``lower``) every other pixel of
    their ``window`` and ``threshold``: compared with the part of the window inside
    the image (``edges``), or only where the whole window lies inside."""
    ndim = src.ndim
    thr = _threshold(threshold, src.dtype, lower)
    if thr is None or src.size == 0:
        return np.empty((0, ndim), np.intp)
    thr, use_thr = thr
    loops = _loop_module()
    mode = loops.BELOW if lower else loops.ABOVE
    pixels = np.argwhere(window.footprint) + np.array(window.start)
    lo, hi = pixels.min(axis=0), pixels.max(axis=0)
    deltas = np.ascontiguousarray(pixels[pixels.any(axis=1)], dtype=np.int64)
    strides = np.array([int(np.prod(src.shape[d + 1 :])) for d in range(ndim)], np.int64)
    offsets = deltas @ strides
    shape = np.array(src.shape, np.int64)
    nrows = src.size // src.shape[-1]
    # each row's positions (``found[r * W:]``), and their counts
    found = _ws.buffer("found", (src.size,), np.int32 if src.shape[-1] < 2**31 else np.int64)
    counts = _ws.buffer("counts", (nrows,), np.int64)
    flat = src.reshape(-1)
    work = src.size * max(len(deltas), 1)
    if _is_full3x3(window, src.shape):
        run_tasks(loops.extrema3_rows, nrows, flat, shape, deltas, mode, edges, thr, use_thr,
                  found, counts, work=work)  # fmt: skip
    else:
        run_tasks(loops.extrema_rows, nrows, flat, shape, offsets, deltas, lo.astype(np.int64),
                  hi.astype(np.int64), mode, edges, thr, use_thr, found, counts,
                  work=work)  # fmt: skip
    starts = _ws.buffer("starts", (nrows,), np.int64)
    starts[0] = 0
    np.cumsum(counts[:-1], out=starts[1:])
    out = empty((int(starts[-1] + counts[-1]), ndim), np.intp)
    run_tasks(loops.coordinates, nrows, shape, found, counts, starts, out, work=out.size)
    return out


def _loop_module():
    """``window._loops.extrema``, imported when a search first runs: numba loads with
    it, and ``import imagekit`` does not load numba."""
    return importlib.import_module("._loops.extrema", __package__)


def _is_full3x3(window: Window, shape) -> bool:
    """A full 3x3 window centred on the last two axes of an image at least 3x3."""
    ndim = len(shape)
    return (
        ndim >= 2
        and window.shape == (1,) * (ndim - 2) + (3, 3)
        and window.start == (0,) * (ndim - 2) + (-1, -1)
        and window.rectangular
        and shape[-2] >= 3
        and shape[-1] >= 3
    )


def _find(image, window, threshold, edges, channel_axis, lower: bool) -> np.ndarray:
    a = as_image(image)
    if not isinstance(edges, (bool, np.bool_)):
        raise TypeError(f"edges must be True or False, got {edges!r}")
    src = loop_array(a)
    axes = normalize_axes(a.ndim, channel_axis)
    if not axes:
        raise ValueError(
            f"channel_axis={channel_axis} leaves no axis to search along in an image with "
            f"{a.ndim} axis"
        )
    win = normalize_window(window, axes, a.ndim)
    return extrema_coordinates(src, win, lower=lower, edges=bool(edges), threshold=threshold)


_DOC = """Coordinates of the pixels strictly {above} every other pixel of their window.

    Parameters
    ----------
    image : array_like, 1-D to 5-D
        Bool, integer or floating values.
    window : int, tuple of int, bool array or Kernel, optional
        The neighbourhood each pixel is compared with: a size along every
        searched axis (default 3: the pixel's direct and diagonal
        neighbours), a size per axis (odd or even; element ``size // 2`` is
        the pixel), a boolean footprint centred the same way, or a
        :class:`~imagekit.kernels.Kernel` whose non-zero taps are the window
        and whose ``start`` gives their offsets. The pixel itself is never
        compared with itself.
    threshold : real number, optional
        Keep only {extrema} whose value is strictly {above} ``threshold``.
    edges : bool, optional
        True (the default): pixels near the image's edge are searched too,
        compared with the part of their window inside the image. False:
        pixels whose window crosses the image's edge are left out.
    channel_axis : int, optional
        An axis of channels: each channel is searched on its own (a pixel is
        compared with its own channel only), and the coordinates include the
        channel's index.

    Returns
    -------
    ndarray of intp, shape (n, image.ndim)
        One row per {extremum}, its index along every axis of ``image``, in C
        order (sorted as ``np.argwhere`` sorts).

    Notes
    -----
    The test is strict: on a plateau of equal values no pixel is a
    {extremum}. NaN is no value: a NaN pixel is never a {extremum}, and a
    NaN in a window is left out of the comparison, as the pixels outside the
    image are. A pixel with nothing left to compare with (a window of one
    pixel, or a window of NaNs) is a {extremum} when it beats
    ``threshold``.

    See Also
    --------
    {other} : the same for {other_kind}.
    skimage.feature.peak_local_max : maxima that may tie, within a distance.
    imagekit.compat.skimage.feature.peak_local_max : its drop-in.

    Examples
    --------
    >>> import numpy as np
    >>> import imagekit as ik
    >>> image = np.array([[0, 0, 0, 0, 0],
    ...                   [0, {p}, 0, 0, {q}],
    ...                   [0, 0, 0, 0, 0],
    ...                   [0, 0, 0, {r}, {r}]])
    >>> ik.{name}(image)
    array([[1, 1],
           [1, 4]])

    The two pixels of value {r} side by side tie, so neither is a
    {extremum}; without ``edges`` the pixel at ``(1, 4)`` is left out, its
    window crossing the image's edge:

    >>> ik.{name}(image, edges=False)
    array([[1, 1]])
    >>> ik.{name}(image, threshold={t})
    array([[1, 1]])
    """


def findlocalmaxima(
    image: ArrayLike,
    window: WindowLike = 3,
    *,
    threshold: float | None = None,
    edges: bool = True,
    channel_axis: int | None = None,
) -> np.ndarray:
    backend = route("findlocalmaxima", image)  # Dask: lazy; CuPy & co: on device
    if backend is not None:
        return backend(image, window, threshold=threshold, edges=edges, channel_axis=channel_axis)
    return _find(image, window, threshold, edges, channel_axis, lower=False)


def findlocalminima(
    image: ArrayLike,
    window: WindowLike = 3,
    *,
    threshold: float | None = None,
    edges: bool = True,
    channel_axis: int | None = None,
) -> np.ndarray:
    backend = route("findlocalminima", image)
    if backend is not None:
        return backend(image, window, threshold=threshold, edges=edges, channel_axis=channel_axis)
    return _find(image, window, threshold, edges, channel_axis, lower=True)


findlocalmaxima.__doc__ = _DOC.format(
    above="greater than", extrema="maxima", extremum="maximum", other="findlocalminima",
    other_kind="minima", name="findlocalmaxima", p=5, q=3, r=2, t=4,
)  # fmt: skip
findlocalminima.__doc__ = _DOC.format(
    above="smaller than", extrema="minima", extremum="minimum", other="findlocalmaxima",
    other_kind="maxima", name="findlocalminima", p=-5, q=-3, r=-2, t=-4,
)  # fmt: skip
