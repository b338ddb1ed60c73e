"""Mean, sum, variance and standard deviation over any footprint, as filters
by the footprint's indicator kernel (``imfilter``: running sums are what its
separable passes compute for a rectangle).

With the ``NA`` border imfilter's normalised filter gives the mean of what
is there; the sum is that mean times the count of pixels there. The variance
is ``E[y^2] - E[y]^2`` of ``y = x - c`` in float64, ``c`` the image's mean:
the shift keeps the difference from cancelling when the values sit far from
zero. A variance below the rounding error of ``E[y^2]`` is 0 (a flat window's),
so a standard deviation is accurate to about ``sqrt(eps)`` times the values'
spread.

A plan kept by the user (``plan_mapwindow``, made inside ``_tier.kept``) runs
its filters inside ``kept`` too, so they rank as kept plans do: without
numba's start-up.
"""

from __future__ import annotations

import contextlib

import numpy as np

from ...borders import NA, Fill
from ...filtering import _tier, imfilter
from ...filtering._strategy import Prepared, Strategy
from ...kernels import Kernel
from ._common import CALL, NS, pixels

__all__ = ["BOX"]

KINDS = ("mean", "sum", "var", "std")


def _indicator(window) -> Kernel:
    """The window's indicator kernel (1 on its pixels), separable for a rectangle."""
    if window.rectangular:
        return Kernel.from_factors(
            [Kernel(np.ones(m), start=(s,)) for m, s in zip(window.shape, window.start)]
        )
    return Kernel(window.footprint.astype(np.float64), start=window.start)


class Box(Strategy):
    """Filters by the footprint's indicator (see the module docstring)."""

    name = "box"
    operation = "mapwindow"
    algorithm = "box"

    def why_not(self, plan) -> str | None:
        if plan.reduction.kind not in KINDS:
            return f"computes means, sums, variances and deviations, not {plan.reduction}"
        return None

    def cost(self, plan) -> float:
        w = plan.window
        per = 2.0 * sum(m > 1 for m in w.shape) if w.rectangular else 0.5 * w.size
        return CALL + per * (3 if plan.reduction.kind in ("var", "std") else 1) * NS * pixels(plan)

    def prepare(self, plan, image_dtype, out_dtype) -> Prepared:
        kernel = _indicator(plan.window)
        loop = f"box/{plan.reduction.kind}-by-imfilter"
        return Prepared(loop, plan, image_dtype, out_dtype, (kernel, _tier.keeping()))

    def run(self, prepared: Prepared, image: np.ndarray, out: np.ndarray) -> None:
        with _tier.kept() if prepared.state[1] else contextlib.nullcontext():
            self._run(prepared, image, out)

    def _run(self, prepared: Prepared, image: np.ndarray, out: np.ndarray) -> None:
        plan, (kernel, _) = prepared.plan, prepared.state
        kind, na = plan.reduction.kind, plan.skip_nan
        n = plan.window.size
        opts = dict(shape=plan.shape)
        border = plan.border
        odd = None
        if image.dtype.kind == "f" and not (np.isfinite(image).all() and _finite_fill(border)):
            # Sums that meet a NaN or an infinity follow numpy's rules by counts of
            # them per window; the sums themselves run on finite values, so that no
            # zero tap, FFT or running sum spreads them.
            odd = _nonfinite_counts(image, kernel, border, opts)
            keep = np.isnan(image) if na else np.zeros(image.shape, bool)
            image = np.where(np.isfinite(image) | keep, image, 0)
            if isinstance(border, Fill) and not np.isfinite(border.value):
                border = Fill(0.0)

        def mean(x, dtype, border=border):
            if na:
                return imfilter(x, kernel, NA(), dtype=dtype, **opts)
            return imfilter(x, kernel, border, dtype=dtype, **opts) / n

        if kind in ("mean", "sum"):
            m = mean(image, out.dtype)
            if kind == "sum":
                if na:
                    there = (~np.isnan(image)).astype(out.dtype)
                    count = imfilter(there, kernel, Fill(0), dtype=out.dtype, **opts)
                    m = np.where(count > 0, m * count, 0)
                else:
                    m = m * n
            if odd is not None:
                nan, pos, neg = odd
                m = np.where(pos, np.inf, np.where(neg, -np.inf, m))
                m[nan | (pos & neg)] = np.nan
            np.copyto(out, m, casting="unsafe")
            return
        y = image.astype(np.float64)
        with np.errstate(all="ignore"):
            c = np.nanmean(y) if y.size and not np.isnan(y).all() else 0.0
        if not np.isfinite(c):
            c = 0.0
        y -= c
        b = border
        if isinstance(b, Fill):  # the fill value shifts with the image
            b = Fill(b.value - c)
        m1 = mean(y, np.float64, b)
        m2 = mean(y * y, np.float64, Fill(b.value**2) if isinstance(b, Fill) else b)
        var = m2 - m1 * m1
        # below the sums' rounding error the difference is noise: a flat window gives 0
        var[var <= 16 * np.finfo(np.float64).eps * m2] = 0.0
        if odd is not None:  # numpy's variance of a window with an infinity is NaN
            var[odd[0] | odd[1] | odd[2]] = np.nan
        np.copyto(out, np.sqrt(var) if kind == "std" else var, casting="unsafe")


def _finite_fill(border) -> bool:
    return not isinstance(border, Fill) or bool(np.isfinite(border.value))


def _nonfinite_counts(image, kernel, border, opts):
    """Per window: whether it holds a NaN (never with NA, which leaves NaNs out), a
    +inf and a -inf, counted by filters of the indicators (fills included)."""
    fill = border.value if isinstance(border, Fill) else 0.0

    def holds(mask, fill_is):
        b = Fill(1.0 if fill_is else 0.0) if isinstance(border, (Fill, NA)) else border
        return imfilter(mask.astype(np.float64), kernel, b, **opts) > 0.5

    nan = np.isnan(image)
    nan = holds(nan, np.isnan(fill)) if not isinstance(border, NA) else np.zeros(1, bool)
    pos = holds(np.isposinf(image), fill == np.inf)
    neg = holds(np.isneginf(image), fill == -np.inf)
    return nan, pos, neg


BOX = Box()
