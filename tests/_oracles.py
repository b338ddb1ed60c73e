"""Reference implementations the tests compare imagekit against.

Written independently of imagekit's own padding and loops: borders come
from ``numpy.pad`` and the correlation is a plain shift-and-add in float64
(or complex128), one tap at a time.
"""

from __future__ import annotations

import numpy as np

# Our (scipy's) border names → numpy.pad's modes.
NUMPY_PAD_MODE = {"reflect": "symmetric", "mirror": "reflect", "nearest": "edge", "wrap": "wrap"}
BORDERS = ("reflect", "mirror", "nearest", "wrap", "constant")


def output_range(n: int, start: int, m: int, shape: str) -> tuple[int, int]:
    """First and one-past-last image position of the output along one axis."""
    if shape == "same":
        return 0, n
    if shape == "valid":  # i + start >= 0 and i + start + m - 1 <= n - 1
        return -start, max(n - m - start + 1, -start)
    return -(start + m - 1), n - start  # full: any overlap


def _pad(a: np.ndarray, pads, border, cval):
    if border == "constant":
        return np.pad(a, pads, mode="constant", constant_values=cval)
    if border == "na":
        return np.pad(a, pads, mode="constant", constant_values=np.nan)
    return np.pad(a, pads, mode=NUMPY_PAD_MODE[border])


def correlate_ref(image, weights, start=None, border="reflect", shape="same", cval=0.0):
    """``out[i] = sum_j w[j] * extended[i + start + j]`` by shift-and-add in high precision."""
    w = np.asarray(weights)
    a = np.asarray(image)
    hi_dtype = np.complex128 if (a.dtype.kind == "c" or w.dtype.kind == "c") else np.float64
    a = a.astype(hi_dtype)
    w = w.astype(hi_dtype)
    if start is None:
        start = tuple(-(m // 2) for m in w.shape)
    ranges = [output_range(n, s, m, shape) for n, s, m in zip(a.shape, start, w.shape)]
    big = [
        abs(r0) + abs(r1) + abs(s) + m + n
        for (r0, r1), s, m, n in zip(ranges, start, w.shape, a.shape)
    ]
    p = _pad(a, [(b, b) for b in big], border, cval)
    out_shape = tuple(r1 - r0 for r0, r1 in ranges)
    if border == "na":
        mask = ~np.isnan(p)
        vals = np.where(mask, p, 0)
        num = np.zeros(out_shape, hi_dtype)
        den = np.zeros(out_shape, hi_dtype)
    else:
        out = np.zeros(out_shape, hi_dtype)
    for j in np.ndindex(w.shape):
        if w[j] == 0:
            continue
        sl = tuple(
            slice(b + r0 + s + jj, b + r0 + s + jj + length)
            for b, (r0, _), s, jj, length in zip(big, ranges, start, j, out_shape)
        )
        if border == "na":
            num += w[j] * vals[sl]
            den += w[j] * mask[sl]
        else:
            out += w[j] * p[sl]
    if border == "na":
        with np.errstate(divide="ignore", invalid="ignore"):
            return num / den
    return out


LOW_PRECISION = (np.float16, np.float32, np.complex64)


def assert_close(actual, expected, rtol64=1e-12, rtol32=1e-5):
    """Compare to the reference, with a tolerance set by ``actual``'s precision.

    Relative to each value, plus an absolute term relative to the largest
    value (sums of mixed-sign weights cancel).
    """
    expected = np.asarray(expected)
    rtol = rtol32 if np.asarray(actual).dtype in LOW_PRECISION else rtol64
    finite = np.abs(expected[np.isfinite(expected)])
    scale = float(finite.max()) if finite.size else 1.0
    np.testing.assert_allclose(
        actual, expected, rtol=rtol, atol=rtol * max(scale, 1.0), equal_nan=True
    )
