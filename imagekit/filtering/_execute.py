"""Running a plan: ``out=`` checks, the NA and complex compositions, the cast.

1. check ``out=``;
2. compose: NA borders become a ratio of two zero-filled filters, complex
   inputs become real filters of their parts;
3. run the plan's strategy on real arrays (``Plan.run_real``);
4. cast into the output (rounded and clipped for integers).

Works on plans through their methods only, so the plan module can call it.
"""

from __future__ import annotations

import functools

import numpy as np

from .._dtypes import cast_into
from .._recycle import empty
from ..borders import NA, Fill
from ._na import counting_kernel, normalised
from ._options import normalize_out

__all__ = ["apply", "cast_into", "filter_with_plan", "zero_fill_plans"]


def _filter_real(image: np.ndarray, plan, out: np.ndarray | None = None) -> np.ndarray:
    """Run the plan's strategy on a real image; ``out`` is a C-contiguous buffer or None."""
    if out is None:
        out = empty(plan.out_shape, plan.compute_dtype)
    plan.run_real(image, out)
    return out


def _parts(x):
    """(real, imag) of an array or scalar; imag is None when it is real."""
    if np.iscomplexobj(x):
        return np.real(x), np.imag(x)
    return x, None


def _filter_complex(image: np.ndarray, plan) -> np.ndarray:
    """Complex correlation as real ones: (a + ib) * (p + iq) = (ap - bq) + i(aq + bp)."""
    a, b = _parts(image)
    fill = plan.border.value if isinstance(plan.border, Fill) else None
    fr, fi = _parts(fill) if fill is not None else (None, None)
    if fi is not None and b is None:
        b = np.zeros(image.shape, plan.compute_dtype)
    p, q = _parts(plan.kernel.weights)
    kernel = plan.kernel

    def run(img, w, f):
        k = type(kernel)(w, start=kernel.start)
        border = Fill(0.0 if f is None else f) if fill is not None else None
        return _filter_real(img, plan.derive(kernel=k, border=border))

    re = run(a, p, fr)
    im = np.zeros_like(re)
    if q is not None:
        im += run(a, q, fr)
    if b is not None:
        im += run(b, p, fi)
        if q is not None:
            re -= run(b, q, fi)
    result = np.empty(plan.out_shape, np.result_type(plan.compute_dtype, np.complex64))
    result.real, result.imag = re, im
    return result


def _filter_na(image: np.ndarray, plan) -> np.ndarray:
    """Normalised filtering (``_na.py``) by the plan's zero-fill plans.

    The zero-fill plans (and, for FFT, the plan counting the kernel's taps)
    are made with the NA plan; a plan derived here (a complex part) makes them.
    """
    zero, support = plan._prepared if plan._prepared is not None else (None, None)
    if zero is None:
        zero, support = zero_fill_plans(plan)
    counts = None
    if support is not None:
        counts = functools.partial(filter_with_plan, plan=support)
    run_zero = functools.partial(filter_with_plan, plan=zero)
    return normalised(np, image, run_zero, plan.compute_dtype, counts)


def zero_fill_plans(plan):
    """The NA plan's zero-filled plan, and for an FFT one the plan that counts the
    kernel's available taps (else None)."""
    zero = plan.derive(border=Fill(0.0))
    support = None
    if zero.strategy == "fft":
        support = zero.derive(kernel=counting_kernel(plan.kernel, plan.compute_dtype))
    return zero, support


def filter_with_plan(image: np.ndarray, plan) -> np.ndarray:
    """The filtered image in the plan's natural dtype (compute precision)."""
    if isinstance(plan.border, NA):
        return _filter_na(image, plan)
    if plan.is_complex:
        return _filter_complex(image, plan)
    return _filter_real(image, plan)


def apply(plan, a: np.ndarray, out: np.ndarray | None) -> np.ndarray:
    """``imfilter``'s result for the NumPy image ``a`` (of the plan's shape and dtype)."""
    if out is not None:
        out = normalize_out(out, plan.out_shape, plan.asked_dtype)
        if plan.is_complex and out.dtype.kind != "c":
            raise TypeError(f"out has dtype {out.dtype}, but the result is complex")
    target = plan.out_dtype if out is None else out.dtype
    # Real, non-NA filters run straight into the output (the strategy casts),
    # unless `out` is strided or overlaps the image.
    if not plan.is_complex and not isinstance(plan.border, NA):
        dst = empty(plan.out_shape, target) if out is None else out
        if dst.flags.c_contiguous and not np.may_share_memory(dst, a):
            plan.run_real(a, dst)
            return dst
    result = filter_with_plan(a, plan)
    if out is None:
        if result.dtype == target:
            return result
        out = empty(plan.out_shape, target)
    cast_into(result, out)
    return out
