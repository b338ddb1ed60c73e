"""Running scipy.ndimage's filters on imagekit's engine.

Two shapes of computation cover every compat function:

- :func:`correlate_nd`: one N-D correlation (``scipy.ndimage.correlate``);
- :func:`run_passes`: a chain of 1-D passes, one axis each
  (``correlate1d``, ``gaussian_filter``, ``uniform_filter``, ``sobel``...).

Both compute in float64 (scipy's C loops work in double whatever the
dtype) on the engine, :func:`imagekit.imfilter` (direct or separable,
never FFT, so exact zeros stay zeros), and agree with scipy to rounding.

Where rounding would show, scipy's order of operations decides instead
(:mod:`._scipy_order`):

- an output that truncates (integers, bool) is filled pass by pass as
  scipy fills it; the engine's sum stands wherever no integer lies within
  the two sums' error bound of it (always, for integer data and weights),
  and the few pixels where one does are recomputed in scipy's order;
- a non-finite pixel, ``cval`` or weight (``0 * inf`` is NaN in scipy,
  a skipped tap in the engine) runs wholly in scipy's order.

Complex data run as their real and imaginary parts, as in scipy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

from ..borders import Fill
from ..filtering import imfilter, plan
from ..kernels import Kernel
from ..kernels._kernel import MAX_WEIGHTS
from . import _scipy_order
from ._support import as_float64, border_for, cast_into, check_dtypes, real_cval, truncates

__all__ = ["Pass", "correlate_nd", "run_passes"]

_EPS = np.finfo(np.float64).eps
# Above this share of pixels to recompute, recompute the whole pass.
_RECOMPUTE_ALL = 0.1


@dataclass(frozen=True)
class Pass:
    """One 1-D pass: correlation weights (or a box of ``size``) along ``axis``."""

    axis: int
    weights: np.ndarray  # float64 correlation weights, as scipy's C loop gets them
    origin: int = 0
    mode: str = "reflect"
    box: int = 0  # a uniform filter of this size (weights are then 1/size)

    @property
    def start(self) -> int:
        return -(self.weights.size // 2) - self.origin


def _finite(*arrays) -> bool:
    return all(bool(np.isfinite(a).all()) for a in arrays)


def _integral(a) -> bool:
    return bool(np.all(np.trunc(a) == a))


@njit(cache=True, nogil=True)
def _stats_flat(x):  # pragma: no cover - numba
    # On the bits, so the loop has no branches and vectorises: |x| is the bits
    # without the sign (ordered as the floats are), non-finite is an all-ones
    # exponent, and NaN is never equal to its floor.
    bits = x.view(np.int64)
    top, nonfinite, nonint = np.int64(0), 0, 0
    for i in range(x.shape[0]):
        b = bits[i] & np.int64(0x7FFFFFFFFFFFFFFF)
        top = max(top, b)
        nonfinite += (b >> 52) == 0x7FF
        nonint += x[i] != np.floor(x[i])
    largest = np.array([top]).view(np.float64)[0]
    return largest, nonfinite == 0, nonint == 0


def _stats(x: np.ndarray) -> tuple[float, bool, bool]:
    """``(max |x|, all finite, all integers)`` in one pass, where numpy would make six
    (``max |x|`` is meaningful only when all are finite)."""
    return _stats_flat(np.ascontiguousarray(np.ravel(np.asarray(x, np.float64))))


def _effective_weights(w: np.ndarray) -> np.ndarray:
    """The weights scipy's 1-D loop really applies (its symmetry test has slack)."""
    kind = _scipy_order.symmetry(w)
    if kind == 0:
        return w
    half = w.size // 2
    w = w.copy()
    w[half + 1 :] = kind * w[:half][::-1]
    return w


def _run(x: np.ndarray, kernel, border, axes) -> np.ndarray:
    """``imfilter`` with the cheaper of the exact strategies (direct, separable)."""
    costs = plan(x, kernel, border, axes=axes).costs
    exact = {k: v for k, v in costs.items() if k in ("direct", "separable")}
    return imfilter(x, kernel, border, axes=axes, algorithm=min(exact, key=exact.get))


def _fill_value(border) -> float:
    return border.value if isinstance(border, Fill) else 0.0


def _truncation_safe(x, kernel: Kernel, border, axes, exact, stats=None) -> np.ndarray:
    """The engine's sum, with scipy's (``exact(where)``) wherever truncation could differ.

    Both sums are within ``(taps + 1) * eps / 2 * max|x| * sum|w|`` of the
    true value; a pixel with no integer within twice that of the engine's
    sum truncates the same way in both.
    """
    result = _run(x, kernel, border, axes)
    w = kernel.weights
    fill = _fill_value(border)
    x_largest, _, x_integral = _stats(x) if stats is None else stats
    largest = max(x_largest, abs(fill)) * float(np.abs(w).sum())
    if largest < 2.0**53 and _integral(w) and _integral(fill) and x_integral:
        return result  # integers all the way: every order gives the same sum
    bound = 2 * (np.count_nonzero(w) + 2) * _EPS * largest
    suspect = np.empty(result.shape, np.bool_)
    count = _suspects(result.reshape(-1), bound, suspect.reshape(-1))
    if count > _RECOMPUTE_ALL * result.size:
        return exact(None)
    if count:
        where = np.nonzero(suspect)
        result[where] = exact(where)
    return result


@njit(cache=True, nogil=True)
def _suspects(result, bound, out):  # pragma: no cover - numba
    """``out[i]``: no integer lies more than ``bound`` away from ``result[i]`` (or it is
    not finite); the count of such pixels. One pass, where numpy would make five."""
    count = 0
    for i in range(result.shape[0]):
        v = result[i]
        fraction = v - np.floor(v)  # NaN where v is not finite
        s = not (fraction > bound and fraction < 1 - bound)
        out[i] = s
        count += s
    return count


# -- chains of 1-D passes --------------------------------------------------------


def _engine_passes(x: np.ndarray, passes, cval) -> np.ndarray:
    """The passes on the engine in float64: one separable call when they share a border."""
    borders = [border_for(p.mode, cval) for p in passes]
    kernels = tuple(Kernel(_effective_weights(p.weights), start=p.start) for p in passes)
    axes = tuple(p.axis for p in passes)
    # Each scipy pass extends its own input. One N-D call extends the image
    # once, which is the same for repeating borders and a zero fill, but not
    # for a non-zero fill (scipy refills every pass with cval).
    # The engine builds the N-D product of the factors (up to MAX_WEIGHTS).
    first = borders[0]
    nonzero_fill = isinstance(first, Fill) and first.value != 0
    buildable = math.prod(k.size for k in kernels) <= MAX_WEIGHTS
    if (
        all(b == first for b in borders)
        and not nonzero_fill
        and buildable
        and len(set(axes)) == len(axes)
    ):
        return _run(x, kernels if len(kernels) > 1 else kernels[0], first, axes)
    for k, b, ax in zip(kernels, borders, axes):
        x = imfilter(x, k, b, axes=(ax,), algorithm="direct")
    return x


def _truncating_pass(x: np.ndarray, p: Pass, border) -> np.ndarray:
    """One pass whose result will be truncated: scipy's value wherever it matters."""
    stats = _stats(x)
    x_largest, _, x_integral = stats
    if p.box:  # scipy's running sum is exact on integers; else follow it step by step
        fill = _fill_value(border)
        largest = max(x_largest, abs(fill)) * p.box
        if x_integral and _integral(fill) and largest < 2.0**53:
            ones = Kernel(np.ones(p.box), start=p.start)
            return imfilter(x, ones, border, axes=(p.axis,), algorithm="direct") / p.box
        return _scipy_order.uniform1d(x, p.box, p.axis, p.origin, border)
    kernel = Kernel(_effective_weights(p.weights), start=p.start)

    def exact(where):
        return _scipy_order.correlate1d(x, p.weights, p.axis, p.origin, border, where)

    return _truncation_safe(x, kernel, border, (p.axis,), exact, stats)


def _real_passes(x, passes, cval, out: np.ndarray) -> None:
    """The chain on a real float64 image, written into the real array ``out``."""
    weights_finite = _finite(*(p.weights for p in passes))
    if not _stats(x)[1] or not _finite(np.asarray(cval)) or not weights_finite:
        src = x
        for p in passes:  # wholly in scipy's order, cast after every pass
            border = border_for(p.mode, cval)
            if p.box:
                result = _scipy_order.uniform1d(src, p.box, p.axis, p.origin, border)
            else:
                result = _scipy_order.correlate1d(src, p.weights, p.axis, p.origin, border)
            cast_into(result, out)
            src = as_float64(out)
        return
    if not truncates(out.dtype):
        cast_into(_engine_passes(x, passes, cval), out)
        return
    src = x
    for p in passes:  # scipy's structure: each pass is cast into the output
        cast_into(_truncating_pass(src, p, border_for(p.mode, cval)), out)
        src = as_float64(out)


def run_passes(x: np.ndarray, passes, out: np.ndarray, cval=0.0) -> np.ndarray:
    """Filter ``x`` by the chain of real 1-D ``passes`` into ``out`` and return ``out``.

    With no passes the input is copied into the output, as scipy does.
    Complex input runs its real and imaginary parts with cval's parts.
    """
    if not passes:
        out[...] = x[...]  # scipy's copy: numpy's assignment casting
        return out
    complex_input = x.dtype.kind == "c"
    cvals = [real_cval(c) for c in ((np.real(cval), np.imag(cval)) if complex_input else (cval,))]
    for p in passes:  # scipy checks the modes, cval and dtypes even for an empty image
        border_for(p.mode, cvals[0])
    check_dtypes(x, out)
    if x.size == 0:
        return out
    if complex_input:
        _real_passes(as_float64(x.real), passes, cvals[0], out.real)
        _real_passes(as_float64(x.imag), passes, cvals[1], out.imag)
        return out
    _real_passes(as_float64(x), passes, cvals[0], out)
    return out


# -- one N-D correlation -----------------------------------------------------------


def correlate_nd(x: np.ndarray, weights: np.ndarray, origins, mode, cval, out: np.ndarray):
    """``out`` = the real N-D correlation of ``x`` with ``weights`` shifted by ``origins``.

    ``weights`` are scipy's final float64 correlation weights (already
    flipped for a convolution). Weights of magnitude at most ``DBL_EPSILON``
    (and NaN) are left out, as scipy's footprint leaves them out.
    """
    cval = real_cval(cval)
    border = border_for(mode, cval)  # scipy checks the mode and cval even for an empty image
    if x.size == 0:
        return out
    check_dtypes(x, out)
    x = as_float64(x)

    def exact(where):
        return _scipy_order.correlate(x, weights, origins, border, where)

    if not _finite(x, np.asarray(cval), weights):
        cast_into(exact(None), out)
        return out
    footprint = np.where(np.abs(weights) > _EPS, weights, 0.0)
    starts = tuple(-(n // 2) - o for n, o in zip(weights.shape, origins))
    kernel = Kernel(footprint, start=starts)
    axes = tuple(range(x.ndim))
    if truncates(out.dtype):
        cast_into(_truncation_safe(x, kernel, border, axes, exact), out)
    else:
        cast_into(_run(x, kernel, border, axes), out)
    return out
