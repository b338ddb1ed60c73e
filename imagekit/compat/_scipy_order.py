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

from ..borders import padarray

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


def _reader(ext: np.ndarray, shape, where):
    """``read(offsets)``: the extended image shifted by ``offsets``, at every output
    position or only at the positions ``where`` (a tuple of index arrays)."""
    if where is None:

        def read(offsets):
            return ext[tuple(slice(o, o + n) for o, n in zip(offsets, shape))]

    else:

        def read(offsets):
            return ext[tuple(i + o for i, o in zip(where, offsets))]

    return read


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
    read = _reader(padarray(image, border, pads), image.shape, where)

    def tap(k: int) -> np.ndarray:
        offsets = [0] * image.ndim
        offsets[axis] = k
        return read(offsets)

    kind = symmetry(weights)
    if kind == 0:  # oline = x[size2] * w[size2]; then w[j] * x[j] from the first tap
        acc = tap(n - 1) * weights[n - 1]
        for k in range(n - 1):
            acc += tap(k) * weights[k]
        return acc
    acc = tap(size1) * weights[size1]
    for k in range(size1):  # jj = -size1 .. -1, with the left weight
        pair = tap(k) + tap(n - 1 - k) if kind > 0 else tap(k) - tap(n - 1 - k)
        acc += pair * weights[k]
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
