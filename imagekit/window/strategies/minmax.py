"""Minimum, maximum (and their difference, ``np.ptp``) over any footprint, by
running extrema along one axis at a time.

A rectangle along the last two axes, with the output the image's shape and a
border that clamping gives (``nearest``; ``reflect`` and ``NA`` when the
window holds its pixel: ``clamped``), is one fused pass over the image itself
(``_loops.minmax2d``: no extension, no intermediate image). Another rectangle
is one pass per axis: van Herk / Gil-Werman across lines for the
axes before the last (three comparisons per value, whatever the window's
length) and doubling along the last, contiguous one. Another footprint is
cut into runs along the last axis: one running extremum per distinct run
length, then the extremum over the runs' shifted copies.

NaN: a window holding one gives NaN (numpy's ``min``/``max``); with the
``NA`` border NaNs and out-of-image pixels are left out (they become the
extremum's identity, ``-inf`` for a maximum) and a window with none left
gives NaN.
"""

from __future__ import annotations

import numpy as np

from ...borders import NA, Pad
from ...filtering._strategy import Prepared, Strategy
from ...filtering.strategies._threads import run_tasks, threads
from .. import _loops
from ._common import CALL, NS, extend_for, pixels

__all__ = ["MINMAX", "running"]

CHUNK = 4096


def running(src: np.ndarray, axis: int, m: int, is_max: bool, nan) -> np.ndarray:
    """The running maximum (or minimum) of ``m`` values along ``axis`` of the
    C-contiguous ``src``: that axis shortened by ``m - 1``."""
    if m == 1:
        return src
    shape = src.shape
    outer, length = int(np.prod(shape[:axis])), shape[axis]
    inner = int(np.prod(shape[axis + 1 :]))
    n = length - m + 1
    dst = np.empty((*shape[:axis], n, *shape[axis + 1 :]), src.dtype)
    s3, d3 = src.reshape(outer, length, inner), dst.reshape(outer, n, inner)
    work = 3.0 * src.size
    if inner == 1:
        run_tasks(_loops.minmax.doubling_lines, outer, s3, d3, m, is_max, nan, work=work)
    else:
        ntasks = outer * -(-inner // CHUNK) * -(-n // m)
        run_tasks(_loops.minmax.vanherk_lines, ntasks, s3, d3, m, is_max, nan, CHUNK, work=work)
    return dst


def clamped(plan) -> bool:
    """Whether the fused 2-D pass, which clamps indices at the image's edges, gives the
    plan's result: a rectangle along the last two axes, the output the image's shape,
    and ``nearest``; ``NA`` with each window holding its pixel; ``reflect`` with each
    window reaching as far past its pixel on one side as on the other, give or take
    one (``-2 a <= m <= 2 - 2 a`` for start ``a`` and length ``m``: what ``reflect``
    brings in from past an edge is then in the window already)."""
    fp, start = plan.window.footprint, plan.window.start
    if fp.ndim < 2 or not fp.all() or any(m > 1 for m in fp.shape[:-2]):
        return False
    if any(plan.out_lo) or tuple(plan.out_shape) != tuple(plan.image_shape):
        return False
    border = plan.border
    if isinstance(border, Pad) and border.mode == "nearest":
        return True
    reach = list(zip(start[-2:], fp.shape[-2:]))
    if isinstance(border, NA):
        return all(a <= 0 <= a + m - 1 for a, m in reach)
    if isinstance(border, Pad) and border.mode == "reflect":  # mirrored pixels in the window
        return all(-2 * a <= m <= 2 - 2 * a for a, m in reach)
    return False


def rectangle2d(plan, image: np.ndarray, is_max: bool, nan, out=None) -> np.ndarray:
    """The maximum (or minimum) over the plan's rectangle by the fused pass (``clamped``),
    into ``out`` when given (C-contiguous, of the image's shape and dtype)."""
    (my, mx), (ay, ax) = plan.window.shape[-2:], plan.window.start[-2:]
    h, w = image.shape[-2:]
    src = image.reshape(-1, h, w)
    dst = np.empty(src.shape, src.dtype) if out is None else out.reshape(src.shape)
    band = my * max(1, 64 // my)
    ntasks = src.shape[0] * -(-h // band)
    loop = _loops.minmax2d.rect_bands
    run_tasks(loop, ntasks, src, dst, my, mx, ay, ax, is_max, nan, band, work=3.0 * dst.size)
    return dst.reshape(image.shape)


def _runs(footprint: np.ndarray):
    """The footprint's runs along the last axis: ``(prefix index, first, length)``."""
    out = []
    for prefix in np.ndindex(footprint.shape[:-1]):
        line = footprint[prefix]
        x = 0
        while x < line.size:
            if line[x]:
                end = x
                while end < line.size and line[end]:
                    end += 1
                out.append((prefix, x, end - x))
                x = end
            else:
                x += 1
    return out


def extremum(ext: np.ndarray, footprint: np.ndarray, out_shape, is_max: bool, nan) -> np.ndarray:
    """The maximum (or minimum) over ``footprint`` of each window of ``ext``."""
    if footprint.all():
        r = ext
        for axis, m in enumerate(footprint.shape):
            r = running(r, axis, m, is_max, nan)
        return r
    last = footprint.ndim - 1
    by_length: dict[int, np.ndarray] = {}
    combine = np.maximum if is_max else np.minimum
    result = None
    for prefix, x0, length in _runs(footprint):
        r = by_length.get(length)
        if r is None:
            r = by_length[length] = running(ext, last, length, is_max, nan)
        rows = (slice(p, p + n) for p, n in zip(prefix, out_shape[:-1]))
        view = r[(*rows, slice(x0, x0 + out_shape[last]))]
        if result is None:
            result = np.array(view)
        else:
            combine(result, view, out=result)
    return result


class MinMax(Strategy):
    """Running extrema along each axis (see the module docstring)."""

    name = "vanherk"
    operation = "mapwindow"
    algorithm = "vanherk"

    def why_not(self, plan) -> str | None:
        if self._which(plan) is None:
            return f"computes minima, maxima and ptp, not {plan.reduction}"
        return None

    @staticmethod
    def _which(plan):
        """``'min'``, ``'max'`` or ``'ptp'`` for what the plan reduces to, else None."""
        kind = plan.reduction.kind
        if kind in ("min", "max", "ptp"):
            return kind
        if kind not in ("rank", "percentile"):
            return None
        n = plan.window.size
        if plan.skip_nan:  # the rank depends on each window's count
            r = plan.reduction
            low = (kind == "rank" and r.k == 0) or (kind == "percentile" and r.q == 0)
            high = (kind == "rank" and r.k == -1) or (kind == "percentile" and r.q == 100)
            return "min" if low else "max" if high else None
        lo, _ = plan.reduction.rank_of(n)
        return "min" if lo == 0 else "max" if lo == n - 1 else None

    def cost(self, plan) -> float:
        fp = plan.window.footprint
        passes = sum(m > 1 for m in fp.shape) if fp.all() else 1 + 2 * len(_runs(fp))
        if clamped(plan):
            passes = 0.4  # one fused pass, no extension
        per = 4.0 * passes * (2 if self._which(plan) == "ptp" else 1)
        return CALL + per * NS * pixels(plan) / threads()

    def prepare(self, plan, image_dtype, out_dtype) -> Prepared:
        which = self._which(plan)
        shape = "rectangle" if plan.window.rectangular else "runs"
        shape = "rectangle-fused" if clamped(plan) else shape
        return Prepared(f"vanherk/{which}-{shape}", plan, image_dtype, out_dtype, which)

    def run(self, prepared: Prepared, image: np.ndarray, out: np.ndarray) -> None:
        plan, which = prepared.plan, prepared.state
        if clamped(plan):
            self._run_clamped(plan, which, image, out)
            return
        ext = extend_for(plan, image)
        fp = plan.window.footprint
        missing = None
        floats = ext.dtype.kind == "f"
        nan = True if floats and not plan.skip_nan and np.isnan(ext).any() else None
        if plan.skip_nan:
            missing = np.isnan(ext)
        results = []
        for is_max in [True, False] if which == "ptp" else [which == "max"]:
            src = ext
            if missing is not None:
                src = np.where(missing, -np.inf if is_max else np.inf, ext)
            results.append(extremum(src, fp, plan.out_shape, is_max, nan))
        _finish(which, results, out)
        if missing is not None and missing.any():
            none_there = extremum(missing.view(np.uint8), fp, plan.out_shape, False, None)
            out[none_there.astype(bool)] = np.nan

    @staticmethod
    def _run_clamped(plan, which, image, out) -> None:
        """The fused pass on the image itself: NaNs win, or are left out with NA (the
        loop tests for them as it compares, rather than in a pass of its own)."""
        nan = (not plan.skip_nan) if image.dtype.kind == "f" else None
        if which != "ptp" and out.dtype == image.dtype and out.flags.c_contiguous:
            rectangle2d(plan, image, which == "max", nan, out)
            return
        maxima = [True, False] if which == "ptp" else [which == "max"]
        _finish(which, [rectangle2d(plan, image, is_max, nan) for is_max in maxima], out)


def _finish(which, results, out) -> None:
    """``out``: the extremum, or for ``ptp`` the maximum less the minimum."""
    if which == "ptp":
        hi, lo = results
        if out.dtype.kind == "u" and hi.dtype.kind == "i":  # exact modulo 2**bits
            unsigned = out.dtype
            np.subtract(hi.astype(unsigned), lo.astype(unsigned), out=out)
        else:
            np.subtract(hi, lo, out=out, casting="unsafe")
    elif results[0] is not out:
        np.copyto(out, results[0], casting="unsafe")


MINMAX = MinMax()
