"""``skimage.filters.rank``'s histogram filters on :func:`imagekit.mapwindow`.

scikit-image builds a histogram of each window's pixels that lie inside the
image and inside ``mask``; here the same pixels are left out by the ``NA``
border, with masked-out pixels set to NaN in a float copy. Windows that stay
inside the image run on the image's own dtype; only the bands along the
edges, and every window when there is a mask, run with ``NA``. The
footprint's centre is ``shape // 2 + shift`` (2-D: ``shift_y`` rows, ``shift_x``
columns; 3-D: ``shift_x``, ``shift_y``, ``shift_z`` along axes 0, 1, 2), so
the window is a Kernel starting at ``-centre``. A window with no pixel gives
0. The rules, read from scikit-image 0.26's kernels, for ``n`` pixels:

- ``median``: the value of rank ``n // 2`` (the upper middle value);
- ``percentile(p0)``: the first value whose cumulative count exceeds
  ``p0 * n`` (rank ``floor(p0 * n)``), the maximum for ``p0 = 1``;
- ``mean``: the sum over ``n`` (a double), cast into the output type
  (integers truncate); ``sum`` and ``pop`` (the count) wrap modulo the
  output integer type, as C's conversion of an integer does;
- ``gradient``: maximum minus minimum.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np

from ...borders import NA
from ...kernels import Kernel
from ...window import Percentile, mapwindow
from .._support import cast_into
from ._float import check_nd
from ._ubyte import img_as_ubyte

__all__ = ["gradient", "maximum", "mean", "median", "minimum", "percentile", "pop", "sum"]

_OUT_DTYPES = (np.uint8, np.uint16, np.float32, np.float64)


def _centre(footprint: np.ndarray, shifts) -> list[int]:
    """The footprint's centre, checked as scikit-image checks it."""
    centre = [n // 2 + int(s) for n, s in zip(footprint.shape, shifts)]
    if footprint.ndim == 3:
        for c, n, name in zip(centre, footprint.shape, ("shift_x", "shift_y", "shift_z")):
            if not 0 <= c < n:
                raise ValueError(f"half footprint + {name} must be between 0 and footprint")
        return centre
    for c, n, name, size in zip(centre, footprint.shape, ("centre_r", "centre_c"), "rc"):
        if c < 0:
            raise AssertionError(f"{name} {c} < 0")
        if c >= n:
            raise AssertionError(f"{name} {c} >= s{'rows' if size == 'r' else 'cols'} {n}")
    return centre


def _prepare(image, footprint, out, mask, shifts):
    """scikit-image's ``_preprocess_input``: the 8- or 16-bit image, the window, the output
    and the pixels each histogram reads (NaN where masked out), in float64."""
    image = np.asanyarray(image)
    check_nd(image, (image.ndim,))
    if image.dtype == np.bool_ and image.ndim == 2:
        raise ValueError("dtype cannot be bool.")
    if image.dtype not in (np.uint8, np.uint16):
        warnings.warn(
            f"Possible precision loss converting image of type {image.dtype} to uint8 as "
            "required by rank filters. Convert manually using skimage.util.img_as_ubyte "
            "to silence this warning.",
            UserWarning,
            stacklevel=4,
        )
        image = img_as_ubyte(image)
    footprint = np.asarray(footprint) > 0
    if footprint.ndim != image.ndim:
        raise ValueError("Image dimensions and neighborhood dimensionsdo not match")
    if out is not None and out is image:
        raise NotImplementedError("Cannot perform rank operation in place.")
    if out is None:
        out = np.empty(image.shape, image.dtype)
    elif out.dtype.type not in _OUT_DTYPES:
        raise TypeError(
            f"Function call with ambiguous argument types: out must be uint8, uint16, "
            f"float32 or float64, got {out.dtype}"
        )
    n_bins = 256 if image.dtype == np.uint8 else int(max(3, image.max())) + 1
    if n_bins > 2**10:
        warnings.warn(
            f"Bad rank filter performance is expected due to a large number of bins "
            f"({n_bins}), equivalent to an approximate bitdepth of {np.log2(n_bins):.1f}.",
            UserWarning,
            stacklevel=4,
        )
    centre = _centre(footprint, shifts)
    window = Kernel(footprint.astype(np.float64), start=tuple(-c for c in centre))
    if mask is not None:
        values = image.astype(np.float64)
        values[img_as_ubyte(np.asarray(mask)) == 0] = np.nan
        image = values
    return image, window, out, n_bins, mask is not None


def _bands(n: int, start: int, stop: int):
    """The outputs along an axis of length ``n`` whose windows (offsets ``[start,
    stop)``) reach outside it, each as ``(first, last)`` outputs and ``(lo, hi)``, the
    image range those windows read inside it."""
    low = min(n, max(0, -start))
    if low:
        yield (0, low), (0, min(n, max(1, low - 1 + stop)))
    high = min(n, max(0, stop - 1))
    if high:
        yield (n - high, n), (max(0, min(n - 1, n - high + start)), n)


def _windows(func, image: np.ndarray, window: Kernel, masked: bool) -> np.ndarray:
    """``func`` of each window's pixels inside the image (and mask), float64; NaN for a
    window with none. ``masked``: ``image`` is float64 with NaN where masked out, and
    every window leaves NaNs out. Otherwise the windows inside the image run on the
    image's own dtype (any border: they read none), and only the bands whose windows
    reach outside run with the NA border, each on the slab of image they read."""
    if masked:
        return mapwindow(func, image, window, NA(), dtype=np.float64)
    result = mapwindow(func, image, window, "nearest", dtype=np.float64)
    for axis, (start, stop) in enumerate(zip(window.start, window.stop)):
        for (first, last), (lo, hi) in _bands(image.shape[axis], start, stop):
            slab = image[(slice(None),) * axis + (slice(lo, hi),)]
            part = mapwindow(func, slab, window, NA(), dtype=np.float64)
            rows = (slice(None),) * axis
            result[(*rows, slice(first, last))] = part[(*rows, slice(first - lo, last - lo))]
    return result


def _shifts(image, shift_x, shift_y, shift_z):
    """The shifts along the image's axes (2-D: rows, columns; 3-D: axes 0, 1, 2)."""
    for name, value in (("shift_x", shift_x), ("shift_y", shift_y), ("shift_z", shift_z)):
        if isinstance(value, (bool, np.bool_)):
            warnings.warn(
                f"Parameter `{name}` is boolean and will be interpreted as int. "
                "This is not officially supported, use int instead.",
                UserWarning,
                stacklevel=4,
            )
    return (shift_y, shift_x) if np.ndim(image) == 2 else (shift_x, shift_y, shift_z)


def _check_ndim(image) -> None:
    ndim = np.ndim(image)
    if ndim not in (2, 3):
        raise ValueError(f"`image` must have 2 or 3 dimensions, got {ndim}.")


def _store(result: np.ndarray, out: np.ndarray, wrap: bool = False) -> np.ndarray:
    """``result`` (float64, NaN for a window without pixels) cast into ``out`` as
    scikit-image's kernels cast: 0 for no pixel; integers truncate, or wrap
    (``wrap``: the kernel casts an integer)."""
    result = np.nan_to_num(result, nan=0.0)
    if wrap and out.dtype.kind in "iu":
        np.copyto(out, result.astype(np.int64), casting="unsafe")
    else:
        cast_into(result, out)
    return out


def _run(kind, image, footprint, out, mask, shifts, p0=0.0):
    image, window, out, n_bins, masked = _prepare(image, footprint, out, mask, shifts)
    if kind == "minimum":
        return _store(_windows(np.min, image, window, masked), out)
    if kind == "maximum":
        return _store(_windows(np.max, image, window, masked), out)
    if kind == "gradient":
        high = _windows(np.max, image, window, masked)
        return _store(high - _windows(np.min, image, window, masked), out)
    if kind in ("median", "percentile"):
        q = 50.0 if kind == "median" else _percent(p0, int(np.count_nonzero(window.weights)))
        if q is None:  # p0 outside [0, 1]: scikit-image's loop runs off its histogram
            some = _windows(np.sum, _present(image), window, masked) > 0
            result = np.where(some, 0.0 if p0 < 0 else float(n_bins), np.nan)
            return _store(result, out, wrap=True)
        return _store(_windows(Percentile(q), image, window, masked), out)
    # sums of integers: rounded to the integers they are (running sums round)
    count = np.rint(_windows(np.sum, _present(image), window, masked))
    if kind == "pop":
        return _store(count, out, wrap=True)
    total = np.rint(_windows(np.sum, image, window, masked))
    if kind == "sum":
        return _store(total, out, wrap=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return _store(total / count, out)


def _present(image: np.ndarray) -> np.ndarray:
    """1 for each pixel a histogram reads, NaN for a masked-out one (uint8 ones unmasked)."""
    if image.dtype.kind == "f":
        return np.where(np.isnan(image), np.nan, 1.0)
    return np.ones(image.shape, np.uint8)


def _percent(p0, n: int) -> float | None:
    """A ``q`` whose Percentile rank ``int(q / 100 * k)`` is scikit-image's
    ``floor(p0 * k)`` for every count ``k`` up to ``n``; None outside [0, 1]."""
    p0 = float(p0)
    if not 0.0 <= p0 <= 1.0:
        return None
    if p0 == 1.0:
        return 100.0
    counts = np.arange(1, n + 1, dtype=np.float64)
    wanted = np.floor(p0 * counts)
    q = p0 * 100.0
    for step in range(200):
        candidate = q
        for _ in range(step):
            candidate = np.nextafter(candidate, np.inf if step % 2 else -np.inf)
        if candidate <= 100.0 and np.array_equal(np.floor(candidate / 100.0 * counts), wanted):
            return float(candidate)
    raise ValueError(f"p0={p0} has no percentile that selects as scikit-image does")


def _doc(name: str, rule: str) -> str:
    return f"""Drop-in for ``skimage.filters.rank.{name}``: {rule} of each window's pixels
    inside the image and ``mask``, with scikit-image's signature, dtypes and errors."""


def minimum(image, footprint, out=None, mask=None, shift_x=0, shift_y=0, shift_z=0):
    _check_ndim(image)
    return _run("minimum", image, footprint, out, mask, _shifts(image, shift_x, shift_y, shift_z))


def maximum(image, footprint, out=None, mask=None, shift_x=0, shift_y=0, shift_z=0):
    _check_ndim(image)
    return _run("maximum", image, footprint, out, mask, _shifts(image, shift_x, shift_y, shift_z))


def gradient(image, footprint, out=None, mask=None, shift_x=0, shift_y=0, shift_z=0):
    _check_ndim(image)
    return _run("gradient", image, footprint, out, mask, _shifts(image, shift_x, shift_y, shift_z))


def mean(image, footprint, out=None, mask=None, shift_x=0, shift_y=0, shift_z=0):
    _check_ndim(image)
    return _run("mean", image, footprint, out, mask, _shifts(image, shift_x, shift_y, shift_z))


def sum(image, footprint, out=None, mask=None, shift_x=0, shift_y=0, shift_z=0):
    _check_ndim(image)
    return _run("sum", image, footprint, out, mask, _shifts(image, shift_x, shift_y, shift_z))


def pop(image, footprint, out=None, mask=None, shift_x=0, shift_y=0, shift_z=0):
    _check_ndim(image)
    return _run("pop", image, footprint, out, mask, _shifts(image, shift_x, shift_y, shift_z))


def median(image, footprint=None, out=None, mask=None, shift_x=0, shift_y=0, shift_z=0):
    if footprint is None:
        footprint = np.ones((3,) * np.ndim(image), bool)
    _check_ndim(image)
    return _run("median", image, footprint, out, mask, _shifts(image, shift_x, shift_y, shift_z))


def percentile(image, footprint, out=None, mask=None, shift_x=0, shift_y=0, p0=0):
    check_nd(image, (2,))
    if not isinstance(p0, numbers.Real):
        raise TypeError(f"p0 must be a real number, got {p0!r}")
    shifts = _shifts(image, shift_x, shift_y, 0)
    return _run("percentile", image, footprint, out, mask, shifts, p0)


minimum.__doc__ = _doc("minimum", "the minimum")
maximum.__doc__ = _doc("maximum", "the maximum")
gradient.__doc__ = _doc("gradient", "the maximum minus the minimum")
mean.__doc__ = _doc("mean", "the mean (truncated into an integer output)")
sum.__doc__ = _doc("sum", "the sum (wrapping in an integer output)")
pop.__doc__ = _doc("pop", "the number")
median.__doc__ = _doc("median", "the value of rank ``n // 2`` (footprint: 3 x 3 by default)")
percentile.__doc__ = _doc("percentile", "the value of rank ``floor(p0 * n)`` (p0 = 1: the top)")
