"""mapwindow's reference: the image extended by the border, every window gathered
by ``sliding_window_view`` and the numpy function applied to each, one by one
(``np.nan...`` functions for the NA border)."""

from __future__ import annotations

import warnings

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from imagekit.borders import NA, normalize_border
from imagekit.borders._pad import extend
from imagekit.filtering._options import normalize_axes
from imagekit.window import Percentile, Rank
from imagekit.window._geometry import normalize_window, out_geometry, reach

NAN_FUNCS = {
    np.median: np.nanmedian,
    np.min: np.nanmin,
    np.max: np.nanmax,
    np.mean: np.nanmean,
    np.sum: np.nansum,
    np.var: np.nanvar,
    np.std: np.nanstd,
    np.ptp: lambda v: np.nanmax(v) - np.nanmin(v),
}


def gathered(image, window, border="reflect", shape="same", channel_axis=None, axes=None):
    """``(values, out_shape)``: each output pixel's window values, ``(*out_shape, n)``."""
    image = np.asarray(image)
    axes = normalize_axes(image.ndim, channel_axis, axes)
    w = normalize_window(window, axes, image.ndim)
    out_shape, out_lo = out_geometry(image.shape, w, shape)
    lo, hi = reach(out_shape, out_lo, w)
    b = normalize_border(border)
    dtype = np.float64 if isinstance(b, NA) else None
    ext = extend(image, b, lo, hi, dtype=dtype)
    if 0 in out_shape:
        return np.empty((*out_shape, w.size), ext.dtype), out_shape
    view = sliding_window_view(ext, w.shape)
    return view[..., w.footprint], out_shape


def _apply_one(func, v, na):
    if na:
        v = v[~np.isnan(v)]
        if isinstance(func, (Rank, Percentile)) or func in (np.min, np.max, np.ptp, np.median):
            if v.size == 0:
                return np.nan
        if func in NAN_FUNCS:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                return NAN_FUNCS[func](v) if v.size else (0.0 if func is np.sum else np.nan)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if isinstance(func, Rank):
            s = np.sort(v)
            if np.isnan(s).any():
                return np.nan
            if na:  # fewer values than the rank asks for: the rank clipped to them
                return s[min(max(func.k, -s.size), s.size - 1)]
            return s[func.k]
        if isinstance(func, Percentile):
            s = np.sort(v)
            if np.isnan(s).any():
                return np.nan
            return s[min(int(func.q / 100 * s.size), s.size - 1)]
        return func(v)


def reference(func, image, window, border="reflect", *, dtype=None, **options):
    """mapwindow's result, window by window, in float64 (NaN for an empty window)."""
    na = isinstance(normalize_border(border), NA)
    values, out_shape = gathered(image, window, border, **options)
    flat = values.reshape(-1, values.shape[-1])
    user = not isinstance(func, (Rank, Percentile)) and func not in NAN_FUNCS
    if user or (not na and np.asarray(image).dtype.kind in "iub"):
        flat = flat.astype(np.float64)  # a user's function sees float64 values
    out = np.array([_apply_one(func, v, na) for v in flat], dtype=np.float64)
    return out.reshape(out_shape)


def as_dtype(ref, dtype):
    """The float64 reference in ``dtype`` by mapwindow's rules: rounded half to even
    for integers, NaN (an empty window) as 0."""
    dtype = np.dtype(dtype)
    if dtype.kind in "iub":
        r = np.where(np.isnan(ref), 0, np.rint(ref))
        return r.astype(dtype)
    return ref.astype(dtype)
