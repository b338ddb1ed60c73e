"""A window's geometry: its footprint and offsets over the image's axes, the output
range it makes, the extended image it reads and the flat offsets loops read it by.

A window is normalised once into a :class:`Window`: a boolean ``footprint``
over every image axis (size 1 on axes that are not filtered) and ``start``,
the offset of ``footprint[0, ..., 0]`` from the output pixel (``-(size // 2)``
for a size or a footprint, as for kernels; a ``Kernel``'s own ``start``).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from ..borders._pad import extend
from ..filtering._geometry import geometry
from ..kernels import Kernel

__all__ = ["Window", "extended", "flat_offsets", "normalize_window", "out_geometry"]


@dataclass(frozen=True, eq=False)
class Window:
    """A window over all image axes.

    Attributes
    ----------
    footprint : ndarray of bool (read-only)
        The pixels of the window, one axis per image axis.
    start : tuple of int
        Offset of ``footprint[0, ..., 0]`` from the output pixel, per axis.
    """

    footprint: np.ndarray
    start: tuple[int, ...]

    @property
    def shape(self) -> tuple[int, ...]:
        return self.footprint.shape

    @property
    def size(self) -> int:
        """The number of pixels in the window."""
        return int(np.count_nonzero(self.footprint))

    @property
    def rectangular(self) -> bool:
        """Whether every pixel of the footprint's box is in the window."""
        return bool(self.footprint.all())

    @property
    def stop(self) -> tuple[int, ...]:
        return tuple(s + n for s, n in zip(self.start, self.footprint.shape))

    def key(self) -> tuple:
        """What identifies the window (for plan caches and equality)."""
        return (self.footprint.shape, self.start, np.packbits(self.footprint).tobytes())


def _size(n, name: str) -> int:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"{name} must hold positive ints, got {n!r}")
    if n < 1:
        raise ValueError(f"{name} must hold positive sizes, got {n}")
    return int(n)


def _as_footprint(window, naxes: int) -> tuple[np.ndarray, tuple[int, ...]]:
    """The footprint over the ``naxes`` filtered axes and its start."""
    if isinstance(window, Kernel):
        fp = window.weights != 0
        start = window.start
    elif isinstance(window, numbers.Integral) and not isinstance(window, bool):
        n = _size(window, "window")
        return np.ones((n,) * naxes, bool), (-(n // 2),) * naxes
    elif isinstance(window, tuple) and all(isinstance(n, numbers.Integral) for n in window):
        sizes = tuple(_size(n, "window") for n in window)
        if len(sizes) != naxes:
            raise ValueError(
                f"window has {len(sizes)} sizes but the image has {naxes} axes to filter; "
                "pass axes= to say which image axes it spans, or channel_axis= for a "
                "channel axis that is not filtered"
            )
        return np.ones(sizes, bool), tuple(-(n // 2) for n in sizes)
    else:
        try:
            fp = np.asarray(window)
        except Exception:
            fp = None
        if fp is None or fp.dtype == object or fp.dtype.kind not in "biuf" or fp.ndim == 0:
            raise TypeError(
                "window must be an int, a tuple of sizes, a boolean footprint array or a "
                f"Kernel, got {window!r}"
            )
        if 0 in fp.shape:
            raise ValueError(f"window must not be empty, got a footprint of shape {fp.shape}")
        fp = fp != 0
        start = tuple(-(n // 2) for n in fp.shape)
    if fp.ndim != naxes:
        more = "more" if fp.ndim > naxes else "fewer"
        raise ValueError(
            f"window has {fp.ndim} axes, {more} than the {naxes} axes of the image to filter; "
            "pass axes= to say which image axes it spans, or channel_axis= for a channel "
            "axis that is not filtered"
        )
    if not fp.any():
        raise ValueError("window must hold at least one pixel, got an all-False footprint")
    return fp, tuple(start)


def normalize_window(window, axes: tuple[int, ...], ndim: int) -> Window:
    """The :class:`Window` that ``window`` (an int, a tuple of sizes, a footprint
    array or a Kernel over the filtered ``axes``) stands for over ``ndim`` axes."""
    fp, start = _as_footprint(window, len(axes))
    shape, full_start = [1] * ndim, [0] * ndim
    for kd, ax in enumerate(axes):
        shape[ax] = fp.shape[kd]
        full_start[ax] = start[kd]
    order = np.argsort(axes)
    full = np.ascontiguousarray(np.transpose(fp, order).reshape(shape))
    full.flags.writeable = False
    return Window(full, tuple(full_start))


def out_geometry(image_shape, window: Window, shape: str):
    """``(out_shape, out_lo)``: the output's shape and the image position of its first
    element, per axis (as for a kernel of the window's shape and offsets)."""
    return geometry(image_shape, window, shape)


def reach(out_shape, out_lo, window: Window) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The range ``[lo, hi)`` of (extended) image positions the output's windows read."""
    lo = tuple(o + s for o, s in zip(out_lo, window.start))
    hi = tuple(a + n + m - 1 for a, n, m in zip(lo, out_shape, window.shape))
    return lo, hi


def extended(image: np.ndarray, border, out_shape, out_lo, window: Window, dtype=None):
    """The image continued by ``border`` over every position the output's windows
    read: C-contiguous, ``out_shape + window.shape - 1`` (``NA``: NaN outside)."""
    lo, hi = reach(out_shape, out_lo, window)
    return extend(image, border, lo, hi, dtype=dtype)


def flat_offsets(ext_shape, footprint: np.ndarray, out_shape) -> tuple[np.ndarray, np.ndarray]:
    """``(offsets, bases)`` for loops that read windows by flat index into an extended
    array of ``ext_shape``: the footprint's pixels as flat offsets from a window's
    corner, and the flat index of the corner of each output row's first window (a
    row: all axes but the last)."""
    strides = np.array([int(np.prod(ext_shape[i + 1 :])) for i in range(len(ext_shape))])
    offsets = (np.argwhere(footprint) * strides).sum(axis=1).astype(np.int64)
    nrows = int(np.prod(out_shape[:-1]))
    rows = np.indices(out_shape[:-1]).reshape(len(out_shape) - 1, nrows)
    bases = (rows * strides[:-1, None]).sum(axis=0).astype(np.int64)
    return offsets, bases
