"""scipy.ndimage's arithmetic, term by term, for the results where order shows.

imagekit's engine and scipy's C loops add the same products in different
orders (and the engine fuses multiply-adds), so their float results differ
in the last bits. That is invisible in a floating output but not when the
result is then truncated to an integer (a Gaussian of a constant 3 is
2.9999999999999996 in scipy, which becomes 2), nor where a non-finite
pixel meets a zero weight (``0 * inf`` is NaN in scipy, a skipped tap in
the engine), nor in scipy's running sum for ``uniform_filter1d`` (a NaN
there poisons the rest of the line).

Where that matters, :mod:`imagekit.compat._engine` asks for scipy's value
here: the image is extended with :func:`imagekit.padarray` (imagekit's
borders) and each term is one vectorised numpy operation, exactly the C
expression (no fused multiply-add), over the whole image or only at the
few positions where the engine's sum could truncate differently.
"""

from __future__ import annotations

import functools

import numpy as np
from numba import njit

from ..borders._pad import padarray

__all__ = ["correlate", "correlate1d", "symmetry", "uniform1d"]

_EPS = np.finfo(np.float64).eps


def symmetry(weights: np.ndarray) -> int:
    """scipy's test in ``NI_Correlate1D``: 1 symmetric, -1 antisymmetric, 0 neither.

    Only odd lengths qualify, and the test allows ``DBL_EPSILON`` of slack:
    scipy then uses the left half's weights for both sides.
    """
    n = weights.size
    if not n % 2:
        return 0
    half = n // 2
    left, right = weights[:half][::-1], weights[half + 1 :]
    if np.all(np.abs(right - left) <= _EPS):
        return 1
    if np.all(np.abs(right + left) <= _EPS):
        return -1
    return 0


def _quiet(func):
    """Run without floating-point warnings: scipy's C loops raise none (inf - inf is NaN)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with np.errstate(all="ignore"):
            return func(*args, **kwargs)

    return wrapper


@_quiet
def correlate1d(image, weights, axis: int, origin: int, border, where=None) -> np.ndarray:
    """``NI_Correlate1D`` on a float64 image: the symmetric, antisymmetric or general loop.

    With ``where``, only at those output positions (the same operations on
    fewer elements, so the same bits).
    """
    n = weights.size
    size1 = n // 2
    pads = [(0, 0)] * image.ndim
    pads[axis] = (size1 + origin, n - 1 - size1 - origin)
    ext = np.ascontiguousarray(padarray(image, border, pads), np.float64)
    strides = [st // ext.itemsize for st in ext.strides]
    offsets = np.arange(n, dtype=np.int64) * strides[axis]
    kind = symmetry(weights)
    w = np.ascontiguousarray(weights, np.float64)
    if where is None:  # whole rows along the last axis
        lead = image.shape[:-1]
        grid = np.ix_(*(np.arange(m, dtype=np.int64) * st for m, st in zip(lead, strides)))
        rows = sum(grid, np.zeros((), np.int64)).reshape(-1)
        acc = _rows1d(ext.reshape(-1), rows, image.shape[-1], offsets, w, kind)
        return acc.reshape(image.shape)
    bases = sum(np.asarray(i, np.int64) * st for i, st in zip(where, strides))
    bases = np.asarray(bases, np.int64).reshape(-1)
    return _rows1d(ext.reshape(-1), bases, 1, offsets, w, kind)[:, 0]


@njit(cache=True, nogil=True)
def _rows1d(ext, rows, n, offsets, w, kind):  # pragma: no cover - numba
    """``NI_Correlate1D``'s loops for rows of ``n`` outputs from ``ext[rows[r] + x]``:
    kind 0: ``w[last] * x[last]``, then ``+= w[k] * x[k]`` from the first tap;
    kind 1 / -1: ``w[c] * x[c]``, then ``+= (x[k] +/- x[last - k]) * w[k]``."""
    m = offsets.shape[0]
    c = m // 2
    acc = np.empty((rows.shape[0], n), np.float64)
    for r in range(rows.shape[0]):
        a = acc[r]
        first = m - 1 if kind == 0 else c
        s = ext[rows[r] + offsets[first] : rows[r] + offsets[first] + n]
        wf = w[first]
        for x in range(n):
            a[x] = s[x] * wf
        if kind == 0:
            for k in range(m - 1):
                s = ext[rows[r] + offsets[k] : rows[r] + offsets[k] + n]
                wk = w[k]
                for x in range(n):
                    a[x] += s[x] * wk
        else:
            for k in range(c):
                s = ext[rows[r] + offsets[k] : rows[r] + offsets[k] + n]
                t = ext[rows[r] + offsets[m - 1 - k] : rows[r] + offsets[m - 1 - k] + n]
                wk = w[k]
                if kind > 0:
                    for x in range(n):
                        a[x] += (s[x] + t[x]) * wk
                else:
                    for x in range(n):
                        a[x] += (s[x] - t[x]) * wk
    return acc


@_quiet
def uniform1d(image, size: int, axis: int, origin: int, border) -> np.ndarray:
    """``NI_UniformFilter1D``: a running sum along the line, divided by ``size`` at each step."""
    size1 = size // 2
    pads = [(0, 0)] * image.ndim
    pads[axis] = (size1 + origin, size - 1 - size1 - origin)
    ext = padarray(image, border, pads)
    length = image.shape[axis]
    first = np.zeros((*image.shape[:axis], 1, *image.shape[axis + 1 :]))
    for k in range(size):  # tmp = 0.0 + x0 + x1 + ... in order
        index = [slice(None)] * ext.ndim
        index[axis] = slice(k, k + 1)
        first += ext[tuple(index)]
    index_new = [slice(None)] * ext.ndim
    index_old = [slice(None)] * ext.ndim
    index_new[axis] = slice(size, size + length - 1)
    index_old[axis] = slice(0, length - 1)
    steps = ext[tuple(index_new)] - ext[tuple(index_old)]  # tmp += l2 - l1
    # add.accumulate adds strictly left to right, as the C loop does.
    sums = np.add.accumulate(np.concatenate([first, steps], axis=axis), axis=axis)
    return sums / size


@_quiet
def correlate(image, weights, origins, border, where=None) -> np.ndarray:
    """``NI_Correlate``: ``tmp += w * x`` over the weights above ``DBL_EPSILON``, in C order.

    With ``where``, only at those output positions.
    """
    pads = [(n // 2 + o, n - 1 - n // 2 - o) for n, o in zip(weights.shape, origins)]
    ext = np.ascontiguousarray(padarray(image, border, pads), np.float64)
    taps = list(zip(*np.nonzero(np.abs(weights) > _EPS)))
    # one compiled gather over the positions (all, or ``where``), the same operations
    strides = [st // ext.itemsize for st in ext.strides]
    offsets = np.array([sum(int(k) * st for k, st in zip(t, strides)) for t in taps], np.int64)
    w = np.array([weights[t] for t in taps], np.float64)
    if where is None:  # whole rows along the last axis: the tap loop outside, vectorised
        lead = image.shape[:-1]
        grid = np.ix_(*(np.arange(n, dtype=np.int64) * st for n, st in zip(lead, strides)))
        rows = sum(grid, np.zeros((), np.int64)).reshape(-1)
        acc = _rows(ext.reshape(-1), rows, image.shape[-1], offsets, w)
        return acc.reshape(image.shape)
    bases = sum(np.asarray(i, np.int64) * st for i, st in zip(where, strides))
    return _gather(ext.reshape(-1), np.asarray(bases, np.int64).reshape(-1), offsets, w)


@njit(cache=True, nogil=True)
def _rows(ext, rows, n, offsets, weights):  # pragma: no cover - numba
    """``acc[r, x] = 0.0 + w[0] * ext[rows[r] + off[0] + x] + ...`` in tap order."""
    acc = np.zeros((rows.shape[0], n), np.float64)
    for r in range(rows.shape[0]):
        a = acc[r]
        for k in range(offsets.shape[0]):
            s = ext[rows[r] + offsets[k] : rows[r] + offsets[k] + n]
            wk = weights[k]
            for x in range(n):
                a[x] += wk * s[x]
    return acc


@njit(cache=True, nogil=True)
def _gather(ext, bases, offsets, weights):  # pragma: no cover - numba
    """``acc[p] = 0.0 + w[0] * ext[base[p] + off[0]] + ...`` in tap order: scipy's
    ``tmp += w * x`` (no fused multiply-add: numba contracts only under fastmath)."""
    acc = np.zeros(bases.shape[0], np.float64)
    for p in range(bases.shape[0]):
        t = 0.0
        for k in range(offsets.shape[0]):
            t += weights[k] * ext[bases[p] + offsets[k]]
        acc[p] = t
    return acc
