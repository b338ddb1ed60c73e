"""Correlation as sums of shifted views, in any array namespace.

``correlate_taps`` adds one shifted, weighted view of the extended image per
non-zero tap; ``correlate_factors`` does so along one axis at a time, for a
separable kernel. Both return the 'valid' correlation of ``ext`` (the image
already extended by the border over the window the output reads) and use
array operations only, so the same code runs on NumPy (the compile-free
``shifts`` strategy) and on CuPy or any array-API namespace (the
``device-direct`` and ``device-separable`` strategies).
"""

from __future__ import annotations

import numpy as np

__all__ = ["correlate_factors", "correlate_taps"]


def _zeros(xp, ext, shape):
    """Zeros of ``shape`` in ``ext``'s dtype, on its device."""
    return xp.zeros_like(ext[tuple(slice(0, n) for n in shape)])


def correlate_taps(xp, ext, weights: np.ndarray, out_shape):
    """``sum_j weights[j] * ext[j : j + out_shape]`` over the non-zero taps ``j``."""
    acc = None
    scalar = complex if weights.dtype.kind == "c" else float
    for j in zip(*np.nonzero(weights)):
        view = ext[tuple(slice(int(d), int(d) + n) for d, n in zip(j, out_shape))]
        term = view * scalar(weights[j])
        if acc is None:
            acc = term  # a new array: the next terms add into it
        else:
            acc += term
    if acc is None:  # an all-zero kernel
        acc = _zeros(xp, ext, out_shape)
    return acc


def correlate_factors(xp, ext, factors, out_shape):
    """The correlation by each ``(axis, 1-D kernel)`` of ``factors`` in turn."""
    for axis, k in factors:
        shape = list(ext.shape)
        shape[axis] = out_shape[axis]
        w = k.weights.reshape(-1)
        acc = None
        for t in np.flatnonzero(w):
            index = [slice(None)] * ext.ndim
            index[axis] = slice(int(t), int(t) + shape[axis])
            term = ext[tuple(index)] * float(w[t])
            if acc is None:
                acc = term
            else:
                acc += term
        if acc is None:  # an all-zero factor
            acc = _zeros(xp, ext, shape)
        ext = acc
    return ext
