"""What the window loops' tests share: random images, the geometry a loop reads
(flat offsets of a footprint, the base of each output row) and the numpy
references (``np.pad`` + ``sliding_window_view`` + the numpy function)."""

from __future__ import annotations

import warnings

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from imagekit.window._loops.select import ranks

INTEGERS = (np.uint8, np.uint16, np.int16, np.int32)
FLOATS = (np.float32, np.float64)


def random_image(rng, shape, dtype, nan=0.0):
    """Values spread over a small range (so windows hold ties), NaN at rate ``nan``."""
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        image = np.round(rng.normal(0, 20, shape)).astype(dtype)
        image[rng.random(shape) < nan] = np.nan
        return image
    lo = max(np.iinfo(dtype).min, -60)
    return rng.integers(lo, lo + 120, shape, endpoint=True).astype(dtype)


def padded(image, footprint_shape, mode="reflect"):
    """``image`` extended so that every pixel's window (element ``size // 2`` at the
    pixel, as for kernels) lies inside: ``(size // 2, size - 1 - size // 2)`` per axis."""
    pad = [(s // 2, s - 1 - s // 2) for s in footprint_shape]
    return np.pad(image, pad, mode=mode)


def geometry(ext, footprint, out_shape):
    """``(offsets, bases)`` for ``select``'s loops: the footprint's flat offsets
    into ``ext`` and, per output row (all axes but the last), the flat index of
    its first pixel's window corner."""
    strides = np.array([int(np.prod(ext.shape[i + 1 :])) for i in range(ext.ndim)])
    offsets = (np.argwhere(footprint) * strides).sum(axis=1).astype(np.int64)
    nrows = int(np.prod(out_shape[:-1]))
    rows = np.indices(out_shape[:-1]).reshape(len(out_shape) - 1, nrows)
    bases = (rows * strides[:-1, None]).sum(axis=0).astype(np.int64)
    return offsets, bases


def windows(ext, footprint):
    """The values of each pixel's window: ``(*out_shape, count)``, the footprint's
    elements in C order."""
    view = sliding_window_view(ext, footprint.shape)
    return view[..., footprint]


def median_ref(values, dtype, skip_nan=False):
    """numpy's median of each window (``np.nanmedian`` with ``skip_nan``) in
    ``dtype``: integers rounded half to even."""
    with np.errstate(all="ignore"):
        if skip_nan:
            with warnings.catch_warnings():  # an all-NaN window: NaN, as wanted
                warnings.simplefilter("ignore", RuntimeWarning)
                m = np.nanmedian(values, axis=-1)
        else:
            m = np.median(values, axis=-1)
    if np.dtype(dtype).kind != "f":
        m = np.rint(m)
    return m.astype(dtype)


def ranked_ref(values, rank):
    """The value of rank ``rank`` in each window (NaN where the window holds a NaN)."""
    out = np.sort(values, axis=-1)[..., rank]
    if values.dtype.kind == "f":
        out[np.isnan(values).any(axis=-1)] = np.nan
    return out


def na_selection_ref(ext, footprint, kind, k=0, q=0.0, empty=0):
    """The selection ``kind`` (``select.ranks``) among each window's values that are
    not NaN (``ext`` a float array, NaN outside the image): ranks of the ``n``
    values there are, the mean of two rounded half to even, ``empty`` where
    ``n`` is 0."""
    values = np.sort(windows(ext, footprint), axis=-1)  # NaNs last
    n = (~np.isnan(values)).sum(axis=-1)
    rk = np.array([ranks(kind, max(int(c), 1), k, q) for c in n.ravel()], np.int64)
    rk = rk.reshape(*n.shape, 2)
    lo = np.take_along_axis(values, rk[..., :1], axis=-1)[..., 0]
    hi = np.take_along_axis(values, rk[..., 1:], axis=-1)[..., 0]
    out = np.rint((lo + hi) / 2)
    out[n == 0] = empty
    return out
