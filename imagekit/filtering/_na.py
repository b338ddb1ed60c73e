"""The NA border's composition, written once for every operation and device.

A filter with the NA border leaves NaN and out-of-image pixels out of each
sum and rescales by the weight that was available:

    out = N / D,   N = zero-filled filter of the image with NaN as 0,
                   D = zero-filled filter of its availability mask,

and NaN where ``D == 0`` (no weight available). The callers say how the
zero-filled filter runs (``run_zero``: imfilter's plan, a filterbank
strategy, a device's array operations) and in which array namespace
(``numpy`` itself, where results are written in place, or any array-API
namespace, CuPy's on the GPU); the vector-Jacobian products use the same
pieces (:func:`split`, :func:`quotient_rule`).
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["counting_kernel", "normalised", "quotient", "quotient_rule", "split", "terms"]


def split(xp, image, dtype):
    """``(values, mask)``: ``image`` with NaN as 0 (its own dtype; ``image`` itself on
    NumPy when it holds no NaN) and the availability mask (1 where a value is, in
    ``dtype``)."""
    missing = xp.isnan(image)
    return _values(xp, image, missing), _mask(xp, missing, dtype)


def _values(xp, image, missing):
    if xp is np:
        return np.where(missing, 0, image) if missing.any() else image
    return xp.where(missing, xp.asarray(0, dtype=image.dtype, device=_device(image)), image)


def _mask(xp, missing, dtype):
    return (~missing).astype(dtype) if xp is np else xp.astype(xp.logical_not(missing), dtype)


def terms(xp, image, run_zero, dtype, counts=None):
    """``(values, mask, N, D)`` of the composition; ``run_zero(x)`` is the zero-filled
    filter of ``x`` (a new array). ``counts(mask)``, for an inexact filter (the FFT),
    counts the available taps: ``D`` is set to exactly 0 where that rounds to 0."""
    missing = xp.isnan(image)
    values = _values(xp, image, missing)
    num = run_zero(values)  # the mask made after: one temporary fewer while N runs
    mask = _mask(xp, missing, dtype)
    den = run_zero(mask)
    if counts is not None:
        # The transform leaves ~eps residue where no weight was available, where an
        # exact filter gives 0 (and so NaN). The number of available taps is an
        # integer, so its FFT rounds back exactly.
        none = xp.round(counts(mask)) == 0
        if xp is np:
            den[none] = 0
        else:
            den = xp.where(none, xp.zeros_like(den), den)
    return values, mask, num, den


def counting_kernel(kernel, dtype):
    """The kernel whose zero-filled filter of the mask counts the available taps
    (1 where ``kernel`` has a weight): ``counts`` for :func:`terms`."""
    return type(kernel)((kernel.weights != 0).astype(dtype), start=kernel.start)


def quotient(xp, num, den):
    """``num / den``, NaN where ``den == 0`` (on NumPy written into ``num``)."""
    if xp is np:
        with np.errstate(divide="ignore", invalid="ignore"):
            result = np.divide(num, den, out=num)
        result[den == 0] = np.nan  # no weight available: not available
        return result
    empty = den == 0
    nan = xp.asarray(math.nan, dtype=num.dtype, device=_device(num))
    return xp.where(empty, nan, num / xp.where(empty, xp.ones_like(den), den))


def normalised(xp, image, run_zero, dtype, counts=None):
    """The NA filter of ``image``: ``N / D`` (see :func:`terms` for the arguments)."""
    _, _, num, den = terms(xp, image, run_zero, dtype, counts)
    return quotient(xp, num, den)


def quotient_rule(xp, grad, num, den):
    """``(q, r) = (g / D, g N / D**2)`` where ``D != 0``, else 0: the upstream
    gradients that ``N`` and ``D`` receive (``dL/dN = q``, ``dL/dD = -r``)."""
    available = den != 0
    if xp is np:
        with np.errstate(divide="ignore", invalid="ignore"):
            q = np.where(available, grad / den, 0.0)
            r = np.where(available, q * num / den, 0.0)
        return q, r
    zero = xp.zeros_like(den)
    safe = xp.where(available, den, zero + 1)
    q = xp.where(available, grad / safe, zero)
    return q, xp.where(available, q * num / safe, zero)


def _device(x):
    from array_api_compat import device

    return device(x)
