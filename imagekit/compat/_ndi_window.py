"""The window plumbing scipy.ndimage's window filters share (rank, minimum, maximum,
generic), on :func:`imagekit.mapwindow`.

scipy centres a window of length ``n`` with ``origin`` ``o`` at element
``n // 2 + o``: the window of pixel ``i`` starts at ``i - (n // 2) - o``, which
is a :class:`~imagekit.kernels.Kernel` with that ``start``.

Where scipy reads the border value ``cval`` in the image's type (its N-D
loops: ``(type)cval``), :func:`typed_cval` converts it the same way; where it
reads it as a double (its 1-D line buffers and ``generic_filter``) and the
image's dtype cannot hold it, the image is filtered as float64. Either way
each window holds the values scipy's does, and the selection is cast into
the output as scipy's C code casts (``_support.cast_into``).
"""

from __future__ import annotations

import operator
import warnings

import numpy as np

from ..borders import Fill
from ..kernels import Kernel
from ..window import mapwindow
from ._support import (
    MODES,
    cast_into,
    check_mode,
    normalize_sequence,
    real_cval,
)

__all__ = [
    "border",
    "check_origin",
    "expand_window",
    "holds",
    "readable",
    "select",
    "typed_cval",
    "window_kernel",
]


def border(mode, value: float):
    """The imagekit border for scipy's ``mode``, filling with ``value`` in constant modes."""
    name = MODES[check_mode(mode)]
    return Fill(value) if name is None else name


def readable(input: np.ndarray) -> np.ndarray:
    """The image as scipy's loops read it: a bool image is its bytes (``npy_bool``)."""
    return input.view(np.uint8) if input.dtype == np.bool_ else input


def typed_cval(cval, dtype: np.dtype) -> float:
    """``(type)cval``: the border value scipy's N-D loops read for a ``dtype`` image."""
    v = np.zeros((), dtype)
    cast_into(np.asarray(real_cval(cval), np.float64), v)
    return v.item()


def holds(dtype: np.dtype, value: float) -> bool:
    """Whether ``dtype`` holds ``value`` exactly (NaN only in floating dtypes)."""
    if np.isnan(value):
        return dtype.kind == "f"
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return bool(float(np.asarray(value).astype(dtype)) == value)


def check_origin(origin, length: int) -> None:
    """scipy's ``invalid origin``: the centre ``length // 2 + origin`` must lie in the window."""
    if (length // 2 + origin < 0) or (length // 2 + origin >= length):
        raise ValueError(
            f"invalid origin: origin {origin} puts the centre of a window of length "
            f"{length} outside it (allowed: {-(length // 2)} to {(length - 1) // 2})"
        )


def expand_window(ndim: int, axes, size, footprint, origin, name: str = "footprint"):
    """scipy's footprint over every image axis and the origins, checked as scipy checks them.

    ``size`` (one or one per axis in ``axes``) makes a full footprint; a
    footprint over fewer axes than the image gets length-1 axes where it is
    not filtered, in the image's order (scipy's ``_expand_footprint``), and
    the origins go to the axes in ``axes``'s order (``_expand_origin``).
    """
    num_axes = len(axes)
    if footprint is None:
        if size is None:
            raise RuntimeError("no footprint or filter size provided")
        sizes = normalize_sequence(size, num_axes, "size")
        footprint = np.ones(sizes, dtype=bool)
    else:
        footprint = np.asarray(footprint, dtype=bool)
    if num_axes < ndim:
        if footprint.ndim != num_axes:
            raise RuntimeError(f"{name}.ndim ({footprint.ndim}) must match len(axes) ({num_axes})")
        footprint = np.expand_dims(footprint, tuple(ax for ax in range(ndim) if ax not in axes))
    origins = normalize_sequence(origin, num_axes, "origin")
    if num_axes < ndim:
        full = [0] * ndim
        for o, ax in zip(origins, axes):
            full[ax] = o
        origins = full
    fshape = [n for n in footprint.shape if n > 0]
    if len(fshape) != ndim:
        raise RuntimeError(f"{name}.ndim ({footprint.ndim}) must match len(axes) ({num_axes})")
    for o, n in zip(origins, fshape):
        check_origin(o, n)
    return np.ascontiguousarray(footprint), [operator.index(o) for o in origins]


def window_kernel(footprint: np.ndarray, origins) -> Kernel:
    """The window scipy reads for ``footprint`` and ``origins``, as a Kernel over its axes."""
    start = tuple(-(n // 2) - o for n, o in zip(footprint.shape, origins))
    return Kernel(footprint.astype(np.float64), start=start)


def select(func, x: np.ndarray, window, border_, output: np.ndarray, axes=None) -> np.ndarray:
    """``output`` = ``func`` over each window of ``x`` (mapwindow), cast as scipy casts."""
    if x.size:
        cast_into(mapwindow(func, x, window, border_, axes=axes), output)
    return output
