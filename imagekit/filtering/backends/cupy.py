"""Arrays of other libraries — CuPy on the GPU, any array-API namespace: the
same calls, computed on the array's own device. (Named for CuPy, its main
user, as DESIGN's layout has it; nothing here imports CuPy itself.)

Everything here is written against the array namespace of the input
(``array_api_compat.array_namespace``), so NumPy stands in for CuPy in the
tests, and ``array_api_strict`` arrays on a non-default device catch any
round trip through the host. Only small things cross to the device: the
border's index maps (one integer per extended position per axis) and the
kernel. Options, dtypes, geometry and separable factors come from the same
plan as in memory, made for a stand-in of the image's shape and dtype.

Strategies are array operations, no hand-written kernels: ``direct`` adds
one shifted, weighted view of the extended image per non-zero tap (each a
fused device operation), ``separable`` does so along one axis at a time,
and ``fft`` multiplies real transforms (``xp.fft``). They are strategies of
the ``'imfilter-device'`` operation in the same registry as the in-memory
ones, ranked by the same planner (see :func:`choose`); their costs are tap
counts, a rule of thumb, not fitted on a GPU.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from ..._dtypes import cast, np_dtype
from ...borders import NA, Fill, normalize_border
from ...borders._pad import _as_pad, _fill_dtype, pad_indices
from .. import _na as na
from .._geometry import extends_along_two_axes
from .._plan import derive, make_plan
from .._registry import rank, strategies, with_ranking
from .._shifted import correlate_factors, correlate_taps
from .._strategy import Prepared, Strategy

__all__ = [
    "DEVICE_DIRECT",
    "DEVICE_FFT",
    "DEVICE_SEPARABLE",
    "choose",
    "extend",
    "finish",
    "imfilter",
    "imfilter_plan",
    "magnitude",
    "namespace",
    "padarray",
    "run_plan",
]


def namespace(x):
    from array_api_compat import array_namespace

    return array_namespace(x)


def device(xp, x):
    from array_api_compat import device as device_of

    return device_of(x)


def xp_dtype(xp, dtype):
    return getattr(xp, np.dtype(dtype).name)


def stand_in(image) -> np.ndarray:
    """A zero-strided NumPy array of the image's shape and dtype, for planning."""
    return np.broadcast_to(np.zeros((), np_dtype(image.dtype)), tuple(image.shape))


def _to_device(xp, host: np.ndarray, like):
    return xp.asarray(np.ascontiguousarray(host), device=device(xp, like))


def extend(xp, a, border, lo, hi, fill=0):
    """The window ``[lo, hi)`` of ``a`` continued by ``border`` (``fill`` for Fill/NA)."""
    for axis in range(a.ndim):
        n = a.shape[axis]
        if (lo[axis], hi[axis]) == (0, n):
            continue
        idx = pad_indices(n, lo[axis], hi[axis], border)
        if idx.size and idx[0] >= 0 and np.array_equal(idx, np.arange(idx[0], idx[0] + idx.size)):
            index = [slice(None)] * a.ndim  # a plain slice of the image
            index[axis] = slice(int(idx[0]), int(idx[0]) + idx.size)
            a = a[tuple(index)]
            continue
        missing = idx < 0
        if n == 0:  # nothing to take from: all fill
            shape = list(a.shape)
            shape[axis] = idx.size
            a = xp.full(tuple(shape), fill, dtype=a.dtype, device=device(xp, a))
            continue
        taken = xp.take(a, _to_device(xp, np.maximum(idx, 0), a), axis=axis)
        if missing.any():
            shape = [1] * a.ndim
            shape[axis] = idx.size
            mask = xp.reshape(_to_device(xp, missing, a), tuple(shape))
            taken = xp.where(mask, xp.asarray(fill, dtype=a.dtype, device=device(xp, a)), taken)
        a = taken
    return a


def padarray(image, border, pad):
    """:func:`imagekit.padarray` on the image's own device."""
    xp = namespace(image)
    b = normalize_border(border)
    dtype, fill = np_dtype(image.dtype), 0
    if isinstance(b, NA):
        dtype, fill = (dtype if dtype.kind in "fc" else np.dtype(np.float64)), math.nan
    elif isinstance(b, Fill):
        dtype, fill = _fill_dtype(dtype, b.value), b.value
    pads = _as_pad(pad, image.ndim)
    a = xp.astype(image, xp_dtype(xp, dtype))
    lo = [-p for p, _ in pads]
    hi = [n + q for n, (_, q) in zip(image.shape, pads)]
    return extend(xp, a, b, lo, hi, fill)


def magnitude(gradients):
    """:func:`imagekit.magnitude` on the gradients' own device."""
    xp = namespace(gradients[0])
    return xp.sqrt(sum(xp.abs(g) ** 2 for g in gradients))


def _ranked(plan):
    """The ``'imfilter-device'`` ranking of ``plan`` (rows, costs, chosen name, why),
    with imfilter's rules: the recursive Gaussian runs in memory only, and
    ``'separable'`` on a kernel along one axis is the direct pass."""
    if plan.algorithm == "iir":
        raise ValueError("algorithm='iir' (the recursive Gaussian) runs on NumPy arrays only")
    if plan.algorithm == "separable" and plan.factors is None:
        if not extends_along_two_axes(plan.kernel):
            rows, costs, _, _ = rank("imfilter-device", plan, "auto")
            why = "the kernel extends along one axis: one pass either way"
            return rows, costs, DEVICE_DIRECT.name, why
    return rank("imfilter-device", plan, plan.algorithm)


def choose(plan) -> str:
    """The device strategy's ``algorithm`` name: the one asked for, or for ``'auto'``
    the cheapest by the device strategies' tap counts."""
    return strategies("imfilter-device")[_ranked(plan)[2]].algorithm


def _fft(xp, ext, weights: np.ndarray, out_shape):
    from scipy.fft import next_fast_len

    axes = tuple(d for d in range(ext.ndim) if weights.shape[d] > 1)
    if not axes:
        return ext * float(weights.reshape(-1)[0])
    dtype = np_dtype(ext.dtype)  # complex whenever the kernel is: the plan says so
    complex_ = dtype.kind == "c"
    s = tuple(next_fast_len(ext.shape[d], real=not complex_) for d in axes)
    flipped = weights[tuple(slice(None, None, -1) for _ in range(weights.ndim))]
    k = _to_device(xp, flipped.astype(dtype), ext)
    if complex_:
        fe, fk = xp.fft.fftn(ext, s=s, axes=axes), xp.fft.fftn(k, s=s, axes=axes)
        c = xp.fft.ifftn(fe * fk, axes=axes)
    else:
        fe, fk = xp.fft.rfftn(ext, s=s, axes=axes), xp.fft.rfftn(k, s=s, axes=axes)
        c = xp.fft.irfftn(fe * fk, s=s, axes=axes)
    valid = tuple(slice(m - 1, m - 1 + n) for m, n in zip(weights.shape, out_shape))
    return c[valid]


class _Device(Strategy):
    """A device strategy: array operations in the input's namespace. Its cost is a tap
    count (a launch-bound rule of thumb); ``run(prepared, xp, ext)`` returns the
    'valid' correlation of the extended image ``ext``."""

    operation = "imfilter-device"

    def prepare(self, plan, image_dtype, out_dtype):
        return Prepared(self.name + "/array-ops", plan, np.dtype(image_dtype), np.dtype(out_dtype))


class DeviceDirect(_Device):
    """One shifted, weighted view of the extended image per non-zero tap; for
    ``'auto'`` up to ``max_taps`` taps."""

    name, algorithm = "device-direct", "direct"

    def __init__(self, max_taps: int = 49):
        self.max_taps = max_taps

    def why_not_auto(self, plan):
        if np.count_nonzero(plan.kernel.weights) > self.max_taps:
            return f"not for auto: more than {self.max_taps} taps, the FFT takes them"
        return None

    def cost(self, plan):
        return float(np.count_nonzero(plan.kernel.weights))

    def run(self, prepared, xp, ext):
        p = prepared.plan
        return correlate_taps(xp, ext, p.kernel.weights, p.out_shape)


class DeviceSeparable(_Device):
    """The direct loop along one axis at a time."""

    name, algorithm = "device-separable", "separable"

    def why_not(self, plan):
        if plan.factors is None:
            return "needs a separable kernel"
        return None

    def cost(self, plan):
        return float(sum(k.size for _, k in plan.factors))

    def run(self, prepared, xp, ext):
        p = prepared.plan
        return correlate_factors(xp, ext, p.factors, p.out_shape)


class DeviceFft(_Device):
    """Products of transforms (``xp.fft``); for ``'auto'`` past ``DeviceDirect``'s
    ``max_taps`` taps (its cost counts taps, as the direct one's)."""

    name, algorithm = "device-fft", "fft"

    def why_not_auto(self, plan):
        if np.count_nonzero(plan.kernel.weights) <= DEVICE_DIRECT.max_taps:
            return (
                f"not for auto: {DEVICE_DIRECT.max_taps} taps or fewer, the direct loop takes them"
            )
        return None

    def cost(self, plan):
        return float(np.count_nonzero(plan.kernel.weights))

    def run(self, prepared, xp, ext):
        p = prepared.plan
        return _fft(xp, ext, p.kernel.weights, p.out_shape)


DEVICE_DIRECT = DeviceDirect()
DEVICE_SEPARABLE = DeviceSeparable()
DEVICE_FFT = DeviceFft()
_BY_ALGORITHM = {s.algorithm: s for s in (DEVICE_DIRECT, DEVICE_SEPARABLE, DEVICE_FFT)}


def _filter(xp, a, plan, border, fill, strategy):
    """``a`` (compute dtype, on the device) correlated by the plan's kernel: 'valid'
    over its extension by ``border``."""
    k = plan.kernel
    lo = [o + s for o, s in zip(plan.out_lo, k.start)]
    hi = [x + n + m - 1 for x, n, m in zip(lo, plan.out_shape, k.shape)]
    ext = extend(xp, a, border, lo, hi, fill)
    runner = _BY_ALGORITHM[strategy]
    return runner.run(runner.prepare(plan, plan.compute_dtype, plan.compute_dtype), xp, ext)


def na_terms(xp, a, plan, strategy):
    """For the NA border: the image with NaN as 0, its availability mask, and their
    zero-filled filters ``num`` and ``den`` (exactly 0 where no weight is available)."""

    def run_zero(x, p=plan):
        return _filter(xp, x, p, Fill(0.0), 0, strategy)

    counts = None
    if strategy == "fft":
        counts = functools.partial(run_zero, p=_support(plan))
    return na.terms(xp, a, run_zero, a.dtype, counts)


def _support(plan):
    return derive(plan, kernel=na.counting_kernel(plan.kernel, plan.compute_dtype))


def imfilter_plan(image, kernel, border, **options):
    """The plan of an imfilter call on a device array: every option resolved (and
    checked) as for an in-memory image of this shape, the strategy ranked among the
    ``'imfilter-device'`` ones."""
    p = make_plan(stand_in(image), _host(kernel), border, **options)
    return with_ranking(p, "imfilter-device", _ranked(p), p.compute_dtype, p.compute_dtype)


def run_plan(plan, image, out):
    """A device plan run on ``image`` (of its shape and dtype), on the image's device."""
    xp = namespace(image)
    strategy = plan._impl.algorithm
    compute = np.dtype(plan.compute_dtype)
    if plan.is_complex:
        compute = np.result_type(compute, np.complex64)
    a = xp.astype(image, xp_dtype(xp, compute))
    if isinstance(plan.border, NA):
        result = na.quotient(xp, *na_terms(xp, a, plan, strategy)[2:])
    else:
        fill = plan.border.value if isinstance(plan.border, Fill) else 0
        if strategy == "fft" and bool(xp.any(xp.logical_not(xp.isfinite(a)))):
            strategy = "direct"  # never smear a NaN or inf through the transform
        result = _filter(xp, a, plan, plan.border, fill, strategy)
    return finish(xp, result, plan.out_dtype, out, plan.out_shape)


def imfilter(image, kernel, border, *, out, **options):
    """:func:`imagekit.imfilter` (its keyword ``options``) on the image's device."""
    return run_plan(imfilter_plan(image, kernel, border, **options), image, out)


def finish(xp, result, target, out, shape):
    """``result`` cast to ``target``, or into ``out`` (checked against ``shape``)."""
    if out is None:
        return cast(xp, result, target)
    if tuple(out.shape) != tuple(shape):
        raise ValueError(f"out has shape {tuple(out.shape)}, expected {tuple(shape)}")
    out[...] = cast(xp, result, np_dtype(out.dtype))
    return out


def _host(kernel):
    """A kernel given as a device array, copied to the host (kernels are small)."""
    if hasattr(kernel, "get") and type(kernel).__module__.startswith("cupy"):
        return kernel.get()
    return kernel
