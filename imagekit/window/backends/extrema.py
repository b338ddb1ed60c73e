"""``findlocalmaxima`` and ``findlocalminima`` on Dask and device arrays.

The strict test runs as array operations of the image's own library: the
extremum of each window's other pixels is ``mapwindow`` with the ``NA``
border (which leaves out-of-image pixels and NaNs out, as the NumPy search
does) on the window without its centre, in float64 so that a window with
nothing left reads NaN (then the pixel has nothing to beat). A pixel passes
when it beats that, is not NaN, beats ``threshold`` and, without ``edges``,
has its whole window inside the image. Dask gives a lazy ``(n, ndim)`` array
(``dask.array.argwhere``: its length is known once computed); a device array
gives the coordinates on the device.
"""

from __future__ import annotations

import numpy as np

from ..._dispatch import array_kind
from ..._dtypes import np_dtype
from ...borders import NA
from ...filtering._options import normalize_axes
from ...filtering.backends.cupy import namespace
from ...kernels import Kernel
from .._extrema import _threshold
from .._geometry import normalize_window
from .._mapwindow import mapwindow

__all__ = ["findlocalmaxima", "findlocalminima"]


def _others(window) -> Kernel | None:
    """The window without the pixel itself, as an offset Kernel (None when empty)."""
    fp = np.array(window.footprint)
    centre = tuple(-s for s in window.start)
    if all(0 <= c < n for c, n in zip(centre, fp.shape)):
        fp[centre] = False
    if not fp.any():
        return None
    return Kernel(fp.astype(np.float64), start=window.start)


def _inside(xp, shape, window, **on):
    """Per axis, whether a pixel's whole window lies inside the image (broadcastable;
    ``on``: the device to make them on)."""
    pixels = np.argwhere(window.footprint) + np.array(window.start)
    lo, hi = pixels.min(axis=0), pixels.max(axis=0)
    masks = []
    for d, n in enumerate(shape):
        i = xp.arange(n, **on)
        m = (i + int(lo[d]) >= 0) & (i + int(hi[d]) < n)
        masks.append(xp.reshape(m, tuple(n if e == d else 1 for e in range(len(shape)))))
    return masks


def _find(image, window, threshold, edges, channel_axis, lower: bool):
    if not isinstance(edges, (bool, np.bool_)):
        raise TypeError(f"edges must be True or False, got {edges!r}")
    dask = array_kind(image) == "dask"
    if dask:
        import dask.array as xp  # an optional dependency, present with a Dask array
    else:
        xp = namespace(image)
    dtype = np_dtype(image.dtype)
    if dtype.kind == "c":
        raise TypeError(f"image must hold real numbers, got dtype {dtype}")
    axes = normalize_axes(image.ndim, channel_axis)
    win = normalize_window(window, axes, image.ndim)
    thr = _threshold(threshold, dtype, lower)
    boolean = bool if dask else xp.bool
    if thr is None:  # no value beats the threshold
        passed = xp.zeros(image.shape, dtype=boolean)
    else:
        passed = xp.ones(image.shape, dtype=boolean)
        others = _others(win)
        if others is not None:
            best = mapwindow(np.min if lower else np.max, image, others, NA(), dtype=np.float64)
            x = xp.astype(image, xp.float64) if not dask else image.astype(np.float64)
            beats = (x < best) if lower else (x > best)
            passed = beats | xp.isnan(best)
        if dtype.kind == "f":
            passed = passed & ~xp.isnan(image)
        value, use = thr
        if use:
            v = float(value) if dtype.kind == "f" else int(value)
            passed = passed & ((image < v) if lower else (image > v))
    if not edges:
        on = {} if dask else {"device": image.device}
        for m in _inside(np if dask else xp, image.shape, win, **on):
            passed = passed & m
    if dask:
        return xp.argwhere(passed)
    return xp.stack(xp.nonzero(passed), axis=1)


def findlocalmaxima(image, window=3, *, threshold=None, edges=True, channel_axis=None):
    """:func:`imagekit.findlocalmaxima` of a Dask or device array."""
    return _find(image, window, threshold, edges, channel_axis, lower=False)


def findlocalminima(image, window=3, *, threshold=None, edges=True, channel_axis=None):
    """:func:`imagekit.findlocalminima` of a Dask or device array."""
    return _find(image, window, threshold, edges, channel_axis, lower=True)
