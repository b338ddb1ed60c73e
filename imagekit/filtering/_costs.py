"""The units of the strategies' cost models, and what several strategies share.

Each strategy's ``cost`` predicts seconds for a plan from the constants in
``COST`` (fitted on the project's 2-core machine; refit with ``imagekit
bench fit-costs``). The helpers here say which fused, in-place loops a
plan's dtypes and kernel axes allow; the direct and separable strategies use
them both to predict their cost and to prepare their loop, so the cost
model and the loop that runs agree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..borders import Fill

if TYPE_CHECKING:
    from ._plan import Plan

# Cost model: seconds per unit of work for float32 on the project's 2-core
# machine (float64 costs twice as much per element), fitted from the timings
# of `imagekit bench fit-costs`, which prints a refit of this table.
# A pass copies its window into an extended buffer ("copy" per element), then
# does one multiply-add per output element per non-zero tap ("tap"); an FFT
# costs "fft" per n*log2(n) of each transform plus a fixed "fft_call" (the
# FFT strategy's overlap-save tiles: a fixed "fft_start", no thread start-up
# for a single tile).
COST = {
    "call": 20e-6,
    "copy": 0.5e-9,
    "tap": 0.03e-9,
    "fft": 0.45e-9,
    "fft_call": 1.5e-3,
    "fft_start": 0.15e-3,
    "iir": 0.8e-9,
}


def scale(plan: Plan) -> float:
    """Cost per element relative to float32 (float64 costs twice as much)."""
    return plan.compute_dtype.itemsize / 4.0


# (source, accumulator, output) dtypes of the fused two-axis separable sweep
# (_loops/separable.py compiles exactly these).
FUSED_TYPES = (
    ("uint8", "float32", "uint8"),
    ("uint8", "float32", "float32"),
    ("uint16", "float32", "uint16"),
    ("uint16", "float32", "float32"),
    ("float32", "float32", "float32"),
    ("float64", "float64", "float64"),
)


def _as_dtypes(types) -> set:
    return {tuple(np.dtype(name) for name in names) for names in types}


_FUSED = _as_dtypes(FUSED_TYPES)


def fused_dtypes(
    plan: Plan, image_dtype, out_dtype, types=FUSED_TYPES
) -> tuple[np.dtype, np.dtype] | None:
    """(source, accumulator) dtypes of the in-place loops for these dtypes, else None.

    A small-integer image is read as it is when the border's fill fits it;
    the combination must be in ``types`` (names, as ``FUSED_TYPES``).
    """
    acc = np.dtype(plan.compute_dtype)
    image_dtype = np.dtype(image_dtype)
    src = image_dtype if image_dtype.kind == "u" else acc
    if isinstance(plan.border, Fill) and src.kind == "u":
        v = plan.border.value  # may be inf, NaN or complex: then not a small integer
        fits = np.isreal(v) and np.isfinite(v) and float(np.real(v)).is_integer()
        if not (fits and 0 <= np.real(v) <= np.iinfo(src).max):
            src = acc
    allowed = _FUSED if types is FUSED_TYPES else _as_dtypes(types)
    if (src, acc, np.dtype(out_dtype)) not in allowed:
        return None
    return src, acc


def plane_axes(plan: Plan) -> int | None:
    """First of two adjacent axes holding every tap of the kernel (a 2-D kernel), or None."""
    k = plan.kernel
    extended = [d for d, (n, s) in enumerate(zip(k.shape, k.start)) if n > 1 or s != 0]
    if not extended or len(extended) > 2 or k.ndim < 2:
        return None
    a0 = extended[0]
    if len(extended) == 2:
        return a0 if extended[1] == a0 + 1 else None
    return a0 if a0 + 1 < k.ndim else a0 - 1


def volume_axes(plan: Plan) -> int | None:
    """Middle of three adjacent axes holding every tap of the kernel, extended along
    the first and the last of them (a 3-D kernel; the 2-D loops read it plane by
    plane), or None."""
    k = plan.kernel
    extended = [d for d, (n, s) in enumerate(zip(k.shape, k.start)) if n > 1 or s != 0]
    if len(extended) < 2 or extended[-1] - extended[0] != 2:
        return None
    return extended[0] + 1


def cast_cost(plan: Plan) -> float:
    """Rounding, clipping and casting a compute-dtype result into another dtype."""
    if plan.out_dtype == plan.compute_dtype:
        return 0.0
    return 3 * COST["copy"] * scale(plan) * float(np.prod(plan.out_shape))
