"""Padding a NumPy image: index maps per border, and the extension past its edges.

Every filter that needs values outside the image asks :func:`extend` for a
window ``[lo, hi)`` of the image continued by its border. The window may
reach any distance past the edges (pads larger than the image repeat like
``numpy.pad``) and may also start or end inside the image (offset kernels
crop one side while padding the other). These helpers are the engine's:
it imports them from here; ``imagekit.borders`` exports only border values.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np

from .._typing import ArrayLike, BorderLike
from ._border import NA, Border, Fill, Pad, normalize_border

__all__ = ["extend", "pad_indices", "padarray"]


def pad_indices(n: int, lo: int, hi: int, border: Border) -> np.ndarray:
    """Source index for each position ``lo .. hi-1`` along an axis of length ``n``.

    Positions inside ``[0, n)`` map to themselves; outside, ``Pad`` borders
    map to the pixel they repeat and ``Fill``/``NA`` borders give -1.

    Examples
    --------
    >>> from imagekit.borders import Pad
    >>> from imagekit.borders._pad import pad_indices
    >>> pad_indices(4, -3, 7, Pad("reflect")).tolist()
    [2, 1, 0, 0, 1, 2, 3, 3, 2, 1]
    >>> pad_indices(4, -3, 7, Pad("mirror")).tolist()
    [3, 2, 1, 0, 1, 2, 3, 2, 1, 0]
    """
    i = np.arange(lo, hi, dtype=np.int64)
    if not isinstance(border, Pad):
        return np.where((i >= 0) & (i < n), i, -1)
    if n == 0:
        if hi > lo:
            raise ValueError(f"border {border.mode!r} cannot extend an axis of length 0")
        return i
    mode = border.mode
    if mode == "nearest":
        return np.clip(i, 0, n - 1)
    if mode == "wrap":
        return np.mod(i, n)
    if mode == "reflect":  # d c b a | a b c d | d c b a, period 2n
        j = np.mod(i, 2 * n)
        return np.where(j < n, j, 2 * n - 1 - j)
    # mirror: d c b | a b c d | c b a, period 2n - 2
    if n == 1:
        return np.zeros_like(i)
    j = np.mod(i, 2 * n - 2)
    return np.where(j < n, j, 2 * n - 2 - j)


def index_runs(idx: np.ndarray):
    """Cut an index map into runs: ``(position, length, first source index, step)``.

    ``step`` is +1 or -1 for runs of consecutive source indices (a slice of
    the image, or a reversed one), and 0 for runs of -1 (fill).
    """
    runs, i = [], 0
    while i < idx.size:
        j, first = i + 1, int(idx[i])
        if first < 0:
            while j < idx.size and idx[j] < 0:
                j += 1
            runs.append((i, j - i, -1, 0))
        else:
            step = int(idx[j] - first) if j < idx.size and idx[j] >= 0 else 1
            step = step if step in (1, -1) else 1
            while j < idx.size and idx[j] >= 0 and idx[j] - idx[j - 1] == step:
                j += 1
            runs.append((i, j - i, first, step))
        i = j
    return runs


def _fill_dtype(dtype: np.dtype, value) -> np.dtype:
    """The dtype that holds both the image and the fill value without wrapping."""
    v = np.asarray(value)
    if dtype.kind in "fc" and v.dtype.kind in "biuf":
        if np.isfinite(v) and abs(float(v)) > float(np.finfo(dtype).max):  # e.g. float16
            return np.result_type(dtype, np.float64)
        return dtype
    if v.dtype.kind == "c":  # a complex fill makes a complex image
        return dtype if dtype.kind == "c" else np.result_type(dtype, v.dtype)
    if dtype.kind == "c":
        return dtype
    if not np.isfinite(v):
        return np.result_type(dtype, np.float64)  # no integer holds it
    if dtype.kind == "b" and v in (0, 1):
        return dtype
    if dtype.kind in "iu" and v == np.floor(v):
        info = np.iinfo(dtype)
        if info.min <= v <= info.max:  # an integer the image's dtype holds
            return dtype
    return np.result_type(dtype, v.dtype)


def extend(image: np.ndarray, border: Border, lo, hi, dtype=None, out=None) -> np.ndarray:
    """The image continued by ``border``, over positions ``[lo[d], hi[d])`` per axis.

    Returns a C-contiguous array of shape ``hi - lo`` and dtype ``dtype``
    (default: the image's): ``out`` when given (a scratch buffer of that
    shape and dtype, not overlapping the image), else a new one. ``NA``
    extends with NaN.
    """
    a = np.asarray(image)
    dtype = a.dtype if dtype is None else np.dtype(dtype)
    shape = tuple(h - l_ for l_, h in zip(lo, hi))
    if isinstance(border, NA):
        border = Fill(np.nan)
    if out is None:
        out = np.empty(shape, dtype)
    if out.size == 0:
        return out
    # Source range [s0, s1) of image pixels the window contains, per axis.
    s0 = [max(l_, 0) for l_ in lo]
    s1 = [min(h, n) for h, n in zip(hi, a.shape)]
    inside = all(x0 < x1 for x0, x1 in zip(s0, s1))
    if isinstance(border, Fill):
        # Nothing is repeated: the inside block, and the value around it. No index
        # maps (they and their checks would be most of a small call's cost).
        if not inside:
            out[...] = border.value
            return out
        out[tuple(slice(x0 - l_, x1 - l_) for x0, x1, l_ in zip(s0, s1, lo))] = a[
            tuple(slice(x0, x1) for x0, x1 in zip(s0, s1))
        ]
        for d, (x0, x1, l_) in enumerate(zip(s0, s1, lo)):
            for edge in (slice(0, x0 - l_), slice(x1 - l_, shape[d])):
                if edge.stop > edge.start:
                    out[(slice(None),) * d + (edge,)] = border.value
        return out
    maps = [pad_indices(n, l_, h, border) for n, l_, h in zip(a.shape, lo, hi)]
    # Fast path: copy the interior block once, then fill each axis's edges
    # from what is already in `out` (numpy.pad's order, so corners come out
    # right). It needs every repeated pixel to lie inside the window.
    fast = inside and all(
        bool(np.all((m < 0) | ((m >= x0) & (m < x1)))) for m, x0, x1 in zip(maps, s0, s1)
    )
    if fast:
        dst = tuple(slice(x0 - l_, x1 - l_) for x0, x1, l_ in zip(s0, s1, lo))
        out[dst] = a[tuple(slice(x0, x1) for x0, x1 in zip(s0, s1))]
        for d, (m, x0, x1, l_) in enumerate(zip(maps, s0, s1, lo)):
            for edge in (slice(0, x0 - l_), slice(x1 - l_, shape[d])):
                if edge.stop <= edge.start:
                    continue
                where = (slice(None),) * d + (edge,)
                src = m[edge]
                if isinstance(border, Fill):
                    out[where] = border.value
                else:
                    out[where] = np.take(out, src - l_, axis=d)
        return out
    # General path: gather along each axis in turn, then write the fills.
    g = a
    for d, m in enumerate(maps):
        g = np.take(g, np.clip(m, 0, max(a.shape[d] - 1, 0)), axis=d) if a.shape[d] else g
    if g.shape == shape:
        out[...] = g
    if isinstance(border, Fill):
        for d, m in enumerate(maps):
            outside = m < 0
            if outside.any():
                out[(slice(None),) * d + (outside,)] = border.value
    return out


def _as_pad(pad, ndim: int) -> list[tuple[int, int]]:
    def _int(x):
        if isinstance(x, bool) or not isinstance(x, numbers.Integral):
            raise TypeError(f"pad must hold integers, got {x!r}")
        if x < 0:
            raise ValueError(f"pad must be non-negative, got {x}")
        return int(x)

    if isinstance(pad, numbers.Integral):
        return [(_int(pad), _int(pad))] * ndim
    try:
        pad = [tuple(p) if not isinstance(p, numbers.Integral) else (p, p) for p in pad]
    except TypeError:
        raise TypeError(f"pad must be an int or (before, after) pairs, got {pad!r}") from None
    if len(pad) == 1:
        pad = pad * ndim
    if len(pad) != ndim or any(len(p) != 2 for p in pad):
        raise ValueError(f"pad must give one (before, after) pair per axis ({ndim}), got {pad!r}")
    return [(_int(b), _int(a)) for b, a in pad]


def padarray(
    image: ArrayLike, border: BorderLike, pad: int | Sequence[tuple[int, int]]
) -> np.ndarray:
    """:func:`imagekit.padarray` of a NumPy image (the public function dispatches
    other array types first)."""
    a = np.asarray(image)
    if a.dtype == object or a.dtype.kind not in "biufc":
        raise TypeError(f"image must be a numeric array, got dtype {a.dtype}")
    if a.ndim == 0:
        raise ValueError("image must have at least one axis, got a 0-d array")
    b = normalize_border(border)
    pads = _as_pad(pad, a.ndim)
    dtype = a.dtype
    if isinstance(b, NA):
        dtype = dtype if dtype.kind in "fc" else np.dtype(np.float64)
    elif isinstance(b, Fill):
        dtype = _fill_dtype(dtype, b.value)
    lo = [-p for p, _ in pads]
    hi = [n + q for n, (_, q) in zip(a.shape, pads)]
    return extend(a, b, lo, hi, dtype=dtype)
