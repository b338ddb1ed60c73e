"""The window reductions composed from an ndimage module's filters (``cupyx.scipy.ndimage``
on CuPy arrays; ``scipy.ndimage`` stands in on NumPy arrays in the tests).

:func:`filtered` runs one filter over the plan's window of an array continued
by a ``Pad`` or ``Fill`` border and returns the plan's output region: the
window's offsets become ``origin`` and the border ``mode``/``cval`` where
ndimage can express them (the window holds the pixel itself, and the output
lies inside the image: ``shape`` ``'same'`` or ``'valid'``); otherwise the
array is first extended by the border on its device and the filter's core
cropped. :func:`reduce` builds each recognised reduction from such filters:

- min, max, rank, percentile: ``minimum_filter``, ``maximum_filter``,
  ``rank_filter`` (a percentile is the rank ``min(int(q / 100 * n), n - 1)``);
  the median is the middle rank, or for an even count the mean of the two
  middle ranks (scipy's ``median_filter`` takes the upper one), integers
  rounded half to even; ptp is max - min. A window holding a NaN gives NaN
  (a maximum filter of the NaN mask says which), as numpy's functions do.
- mean, sum: ``uniform_filter`` (a rectangle) or ``correlate`` by the
  footprint's indicator over its size; var and std: ``E[y^2] - E[y]^2`` of
  ``y = x - c`` in float64, ``c`` the image's mean, as in memory. NaN and
  infinities are taken out before filtering and put back by maximum filters
  of their masks (so no filter smears them past their windows).
- ``NA``: min and max read missing pixels as +inf and -inf, the mean is the
  ratio of the filters of the values there and of the mask of what is there;
  a window with nothing there gives NaN (the sum: 0).
"""

from __future__ import annotations

import math

import numpy as np

from ...borders import NA, Fill, Pad
from ...filtering.backends.cupy import _to_device, extend, xp_dtype
from .._geometry import reach
from .._stack import mean2 as _mean2

__all__ = ["filtered", "reduce"]

INF = math.inf
# below this share of E[y^2] a variance is the sums' rounding: a flat window's 0
FLAT = 16 * float(np.finfo(np.float64).eps)


def _origin(plan):
    """ndimage's ``origin`` per axis for the window's offsets, or None where one
    lies outside what ndimage takes."""
    origin = []
    for m, s in zip(plan.window.shape, plan.window.start):
        o = -(m // 2) - s
        if not -(m // 2) <= o <= (m - 1) // 2:
            return None
        origin.append(o)
    return origin


def _call(xp, ndi, name, x, plan, mode, cval, origin, r=0):
    w = plan.window
    kw = dict(mode=mode, cval=cval, origin=origin)
    if w.rectangular:
        kw["size"] = w.shape
    elif name != "mean":
        kw["footprint"] = _to_device(xp, w.footprint, x)
    if name == "minimum":
        return ndi.minimum_filter(x, **kw)
    if name == "maximum":
        return ndi.maximum_filter(x, **kw)
    if name == "rank":
        return ndi.rank_filter(x, r, **kw)
    if w.rectangular:
        return ndi.uniform_filter(x, **kw)
    weights = w.footprint.astype(np.float64) / w.size
    return ndi.correlate(x, _to_device(xp, weights, x), **kw)


def filtered(xp, ndi, name, x, plan, border, r=0):
    """ndimage's filter ``name`` (``'minimum'``, ``'maximum'``, ``'rank'`` of rank
    ``r``, ``'mean'``) over the plan's window of ``x`` continued by ``border`` (a
    ``Pad`` or a ``Fill``): the plan's output region."""
    origin = _origin(plan)
    inside = all(lo >= 0 and lo + n <= m for lo, n, m in zip(plan.out_lo, plan.out_shape, x.shape))
    if origin is not None and inside:
        mode, cval = (border.mode, 0.0) if isinstance(border, Pad) else ("constant", border.value)
        res = _call(xp, ndi, name, x, plan, mode, float(cval), origin, r)
        region = tuple(slice(lo, lo + n) for lo, n in zip(plan.out_lo, plan.out_shape))
        return res[region]
    lo, hi = reach(plan.out_shape, plan.out_lo, plan.window)
    fill = border.value if isinstance(border, Fill) else 0
    ext = extend(xp, x, border, lo, hi, fill)
    zero = [0] * x.ndim  # a centred window: its output is valid from m // 2 on
    res = _call(xp, ndi, name, ext, plan, "nearest", 0.0, zero, r)
    core = tuple(slice(m // 2, m // 2 + n) for m, n in zip(plan.window.shape, plan.out_shape))
    return res[core]


def _mask_border(border, test):
    """The border a mask of pixels passing ``test`` continues with."""
    if isinstance(border, Fill):
        return Fill(1 if test(border.value) else 0)
    return Fill(0) if isinstance(border, NA) else border


def _any_in(xp, ndi, mask, plan, border, test):
    """Where the window holds a pixel of ``mask`` (a border pixel passing ``test``)."""
    m = xp.astype(mask, xp.uint8)
    return filtered(xp, ndi, "maximum", m, plan, _mask_border(border, test)) > 0


def _selection(xp, ndi, a, plan, border):
    reduction, n = plan.reduction, plan.window.size
    kind = reduction.kind
    if kind == "min":
        return filtered(xp, ndi, "minimum", a, plan, border)
    if kind == "max":
        return filtered(xp, ndi, "maximum", a, plan, border)
    lo, hi = reduction.rank_of(n)
    low = filtered(xp, ndi, "rank", a, plan, border, lo)
    if hi == lo:
        return low
    return _mean2(xp, low, filtered(xp, ndi, "rank", a, plan, border, hi))


def _ptp(xp, ndi, a, plan, border, result_dtype):
    top = filtered(xp, ndi, "maximum", a, plan, border)
    bottom = filtered(xp, ndi, "minimum", a, plan, border)
    as_result = xp_dtype(xp, result_dtype)  # unsigned for signed integers: never wraps
    return xp.astype(top, as_result) - xp.astype(bottom, as_result)


def _na_extremes(xp, ndi, a, plan, result_dtype):
    missing = xp.isnan(a)
    kind = plan.reduction.kind
    r = None
    if kind in ("max", "ptp"):
        r = filtered(xp, ndi, "maximum", xp.where(missing, -INF, a), plan, Fill(-INF))
    if kind in ("min", "ptp"):
        low = filtered(xp, ndi, "minimum", xp.where(missing, INF, a), plan, Fill(INF))
        r = low if r is None else r - low
    there = _any_in(xp, ndi, xp.logical_not(missing), plan, NA(), bool)
    return xp.where(there, r, math.nan)


def _moments(xp, ndi, a, plan, border):
    """Mean, sum, var or std of finite values (see the module docstring)."""
    kind, n = plan.reduction.kind, plan.window.size
    na = isinstance(border, NA)
    if kind in ("mean", "sum"):
        x, b = a, border
    else:
        x = xp.astype(a, xp.float64)
        there = xp.logical_not(xp.isnan(x))
        count = xp.sum(xp.astype(there, xp.float64))
        c = float(xp.sum(xp.where(there, x, 0.0)) / count) if float(count) else 0.0
        x = x - c
        b = Fill(border.value - c) if isinstance(border, Fill) else border

    def mean(v, b):
        """The mean of what the window holds there, and that over the window's size."""
        if not na:
            m = filtered(xp, ndi, "mean", v, plan, b)
            return m, m
        missing = xp.isnan(v)
        total = filtered(xp, ndi, "mean", xp.where(missing, 0.0, v), plan, Fill(0))
        share = filtered(xp, ndi, "mean", xp.astype(~missing, v.dtype), plan, Fill(0))
        ratio = xp.where(share > 0, total / xp.where(share > 0, share, 1.0), math.nan)
        return ratio, total

    if kind in ("mean", "sum"):
        m, total = mean(x, b)
        return total * n if kind == "sum" else m
    sq = Fill(b.value**2) if isinstance(b, Fill) else b
    m1, m2 = mean(x, b)[0], mean(x * x, sq)[0]
    var = m2 - m1 * m1
    var = xp.where(var <= FLAT * m2, 0.0, var)
    return xp.sqrt(var) if kind == "std" else var


def _nonfinite(xp, ndi, a, plan, border, result):
    """``result`` (of values made finite) with the NaN and infinities of ``a`` put
    back, as numpy's sums would give them."""
    na = isinstance(border, NA)
    nan = math.nan
    pos = _any_in(xp, ndi, a == INF, plan, border, lambda v: v == INF)
    neg = _any_in(xp, ndi, a == -INF, plan, border, lambda v: v == -INF)
    if plan.reduction.kind in ("var", "std"):
        result = xp.where(pos | neg, nan, result)
    else:
        result = xp.where(pos, INF, xp.where(neg, -INF, result))
        result = xp.where(pos & neg, nan, result)
    if not na:
        result = xp.where(_any_in(xp, ndi, xp.isnan(a), plan, border, math.isnan), nan, result)
    return result


def reduce(xp, ndi, a, plan, border):
    """The plan's reduction of ``a`` (on its device, in the plan's work dtype) over
    each window, continued by ``border`` (``Pad``, ``Fill`` with the value the work
    dtype holds, or ``NA``): the output region, in the plan's result dtype."""
    kind = plan.reduction.kind
    floating = a.dtype in (xp.float32, xp.float64)
    na = isinstance(border, NA)
    if kind in ("mean", "sum", "var", "std"):
        odd = floating and (
            bool(xp.any(xp.isinf(a) if na else xp.logical_not(xp.isfinite(a))))
            or (isinstance(border, Fill) and not math.isfinite(border.value))
        )
        if not odd:
            return xp.astype(_moments(xp, ndi, a, plan, border), a.dtype)
        finite = xp.where(xp.isfinite(a), a, math.nan if na else 0.0)
        b = Fill(0.0) if isinstance(border, Fill) and not math.isfinite(border.value) else border
        r = _moments(xp, ndi, finite, plan, b)
        return xp.astype(_nonfinite(xp, ndi, a, plan, border, r), a.dtype)
    if na:
        return _na_extremes(xp, ndi, a, plan, plan.result_dtype)
    if kind == "ptp":
        r = _ptp(xp, ndi, a, plan, border, plan.result_dtype)
    else:
        r = _selection(xp, ndi, a, plan, border)
    nan_fill = isinstance(border, Fill) and math.isnan(border.value)
    if floating and (nan_fill or bool(xp.any(xp.isnan(a)))):
        r = xp.where(_any_in(xp, ndi, xp.isnan(a), plan, border, math.isnan), math.nan, r)
    return r
