"""The planner's cost model, and which in-place loops a plan can use.

Each strategy has a cost function: predicted seconds for a plan, from the
constants in ``COST`` (fitted on the project's 2-core machine; refit with
``imagekit bench fit-costs``). The helpers here also tell the
strategies which fused, in-place loops apply (dtype combinations, a kernel
over two adjacent axes, long box factors), so the cost model and the
strategies agree on what will run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..borders import Fill
from ..kernels import Kernel

if TYPE_CHECKING:
    from ._plan import Plan

# Cost model: seconds per unit of work for float32 on the project's 2-core
# machine (float64 costs twice as much per element), fitted from the timings
# of `imagekit bench fit-costs`, which prints a refit of this table.
# A pass copies its window into an extended buffer ("copy" per element), then
# does one multiply-add per output element per non-zero tap ("tap"); an FFT
# costs "fft" per n*log2(n) of each transform plus a fixed "fft_call".
COST = {
    "call": 20e-6,
    "copy": 0.5e-9,
    "tap": 0.03e-9,
    "fft": 0.45e-9,
    "fft_call": 1.5e-3,
    "iir": 0.8e-9,
}


def _scale(plan: Plan) -> float:
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


_FUSED = {tuple(np.dtype(name) for name in names) for names in FUSED_TYPES}


def fused_dtypes(plan: Plan, image_dtype, out_dtype) -> tuple[np.dtype, np.dtype] | None:
    """(source, accumulator) dtypes of the in-place loops for these dtypes, else None.

    A small-integer image is read as it is when the border's fill fits it;
    the combination must be in ``FUSED_TYPES``.
    """
    acc = np.dtype(plan.compute_dtype)
    image_dtype = np.dtype(image_dtype)
    src = image_dtype if image_dtype.kind == "u" else acc
    if isinstance(plan.border, Fill) and src.kind == "u":
        v = plan.border.value  # may be inf, NaN or complex: then not a small integer
        fits = np.isreal(v) and np.isfinite(v) and float(np.real(v)).is_integer()
        if not (fits and 0 <= np.real(v) <= np.iinfo(src).max):
            src = acc
    if (src, acc, np.dtype(out_dtype)) not in _FUSED:
        return None
    return src, acc


# A constant 1-D factor at least this long runs as a running sum (cost
# independent of its length) rather than tap by tap.
RUNNING_SUM_MIN = 16


def is_running_sum(factor: Kernel) -> bool:
    """Whether a 1-D factor is a box long enough for the running-sum pass."""
    w = factor.weights
    return w.size >= RUNNING_SUM_MIN and w.dtype.kind == "f" and bool(np.all(w == w[0]))


def fused_types(plan: Plan, image_dtype, out_dtype) -> tuple[np.dtype, np.dtype] | None:
    """``fused_dtypes`` when the separable sweep applies: two factors on adjacent axes
    (none of them a long box, which the running sum does better)."""
    fs = plan.factors
    if fs is None or len(fs) != 2 or fs[1][0] != fs[0][0] + 1:
        return None
    if any(is_running_sum(f) for _, f in fs):
        return None
    return fused_dtypes(plan, image_dtype, out_dtype)


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


def _cast_cost(plan: Plan) -> float:
    """Rounding, clipping and casting a compute-dtype result into another dtype."""
    if plan.out_dtype == plan.compute_dtype:
        return 0.0
    return 3 * COST["copy"] * _scale(plan) * float(np.prod(plan.out_shape))


def _direct_cost(plan: Plan) -> float:
    n_out = float(np.prod(plan.out_shape))
    n_in = float(np.prod([hi - lo for lo, hi in zip(*plan.window())]))
    in_place = plane_axes(plan) is not None and fused_dtypes(plan, plan.image_dtype, plan.out_dtype)
    if in_place:  # the 2-D loop reads the image itself and casts into the output
        taps = float(np.count_nonzero(plan.kernel.weights))
        return COST["call"] + _scale(plan) * COST["tap"] * n_out * taps
    taps = float(np.count_nonzero(plan.kernel.weights))
    work = COST["copy"] * n_in + COST["tap"] * n_out * taps
    return COST["call"] + _scale(plan) * work + _cast_cost(plan)


def _separable_cost(plan: Plan) -> float:
    n = float(max(np.prod(plan.image_shape), np.prod(plan.out_shape)))
    taps = sum(np.count_nonzero(f.weights) for _, f in plan.factors)
    # The fused sweep: one read (of small integers, if they are), no intermediate;
    # streaming the image once costs about 0.3 "copy" per element (measured).
    if fused_types(plan, plan.image_dtype, plan.out_dtype) is not None:
        read = 0.3 * COST["copy"] * n * (0.25 if plan.image_dtype.itemsize == 1 else 1.0)
        return COST["call"] + _scale(plan) * (read + COST["tap"] * n * taps)
    total = _cast_cost(plan)
    for _, f in plan.factors:
        if is_running_sum(f):  # extend, cumulative sum, difference: a few copies
            total += COST["call"] + 8 * COST["copy"] * n
            continue
        taps = np.count_nonzero(f.weights)
        total += COST["call"] + _scale(plan) * (COST["copy"] * n + COST["tap"] * n * taps)
    return total


def _fft_cost(plan: Plan) -> float:
    from .strategies.fft import tile_lengths  # scipy.fft is imported only when planning FFT

    k = plan.kernel
    axes = [d for d, m in enumerate(k.shape) if m > 1]
    if not axes:
        return _direct_cost(plan)
    lo, hi = plan.window()
    window = [b - a for a, b in zip(lo, hi)]
    n_fft, tiles = 1.0, 1.0
    for d in axes:
        L, B = tile_lengths(k.shape[d], plan.out_shape[d], len(axes))
        n_fft *= L
        tiles *= -(-plan.out_shape[d] // B)
    batch = float(np.prod([window[d] for d in range(len(window)) if d not in axes]))
    n_in = float(np.prod(window))
    work = COST["copy"] * n_in + COST["fft"] * batch * tiles * n_fft * np.log2(n_fft)
    return COST["fft_call"] + _scale(plan) * work + _cast_cost(plan)


def _iir_cost(plan: Plan) -> float:
    sigmas = plan.kernel.recipe[1]
    passes = sum(1 for s in sigmas if s > 0)
    n = float(np.prod(plan.image_shape))
    return COST["call"] + COST["iir"] * n * passes


def _is_gaussian(plan: Plan) -> bool:
    r = plan.kernel.recipe
    if r is None or r[0] not in ("gaussian", "iir_gaussian"):
        return False
    return r[0] == "iir_gaussian" or not any(r[2])
