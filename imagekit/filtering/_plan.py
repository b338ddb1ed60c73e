"""The plan: every option resolved once, and the choice of strategy.

``make_plan`` is the staged pipeline that :func:`imfilter` runs first:

1. normalise the image, border, shape, algorithm, axes and kernel;
2. work out the dtypes (compute, output) and the output geometry;
3. find the kernel's separable factors;
4. predict each applicable strategy's cost and pick one.

Strategies are registered in ``STRATEGIES`` with a cost function; each is a
module exposing ``correlate(image, plan, out)`` (see ``strategies/``).
Strategies receive plans whose border is ``Pad`` or ``Fill`` and whose
kernel is real; NA and complex inputs are composed from real runs above them.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from .._dtypes import cast_into, compute_dtype, natural_dtype, output_dtype
from .._typing import ArrayLike, BorderLike, KernelLike
from ..borders import Border, Fill, normalize_border
from ..kernels import Kernel
from ..kernels._separable import rank1_factors
from ._costs import (
    _direct_cost,
    _fft_cost,
    _iir_cost,
    _is_gaussian,
    _separable_cost,
)
from ._options import (
    as_image,
    embed_kernel,
    normalize_algorithm,
    normalize_axes,
    normalize_kernel,
    normalize_shape,
)

__all__ = ["STRATEGIES", "Plan", "Strategy", "choose_strategy", "derive", "make_plan", "plan"]


@dataclass(frozen=True)
class Plan:
    """A resolved filter call: what to compute, in which dtype, by which strategy.

    Attributes
    ----------
    strategy : str
        The strategy that runs: ``'direct'``, ``'separable'``, ``'fft'`` or
        ``'iir'`` (the recursive Gaussian, approximate: only when asked).
    algorithm : str
        What was asked for (``'auto'`` or a strategy name).
    kernel : Kernel
        The kernel over all image axes (length 1, offset 0 on axes that are
        not filtered), the composition of a cascade.
    factors : tuple of (int, Kernel) or None
        ``(axis, 1-D kernel)`` for each axis the kernel extends along, when
        it is separable.
    border : Border
    shape : str
    axes : tuple of int
        The filtered image axes.
    image_shape, out_shape : tuple of int
    image_dtype : numpy.dtype
    out_lo : tuple of int
        Image position of ``out[0, ..., 0]`` along each axis.
    compute_dtype : numpy.dtype
        The real floating dtype the strategy computes in.
    out_dtype : numpy.dtype
        The dtype returned (before ``out=``).
    is_complex : bool
        Whether the result is complex (complex image, kernel or fill).
    costs : mapping of str to float
        Predicted seconds for each applicable strategy.
    """

    strategy: str
    algorithm: str
    kernel: Kernel
    factors: tuple[tuple[int, Kernel], ...] | None
    border: Border
    shape: str
    axes: tuple[int, ...]
    image_shape: tuple[int, ...]
    image_dtype: np.dtype
    out_shape: tuple[int, ...]
    out_lo: tuple[int, ...]
    compute_dtype: np.dtype
    out_dtype: np.dtype
    is_complex: bool
    costs: Mapping[str, float]

    def derived(self, key, make: Callable[[], object]):
        """``make()``, computed once per plan and kept with it.

        A strategy's set-up that depends on the plan alone (index maps, fill
        rows, weights in the compute dtype) is made on the first call and
        reused by every later call that reuses this plan (plans are cached),
        which saves most of a small call's fixed cost (measured 42 -> 16 us).
        """
        store = self.__dict__.get("_derived")
        if store is None:
            store = {}
            object.__setattr__(self, "_derived", store)  # frozen dataclass: a private cache
        value = store.get(key)
        if value is None:
            value = store[key] = make()
        return value

    def window(self, kernel: Kernel | None = None) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """The range ``[lo, hi)`` of (extended) image positions the output reads."""
        k = self.kernel if kernel is None else kernel
        lo = tuple(o + s for o, s in zip(self.out_lo, k.start))
        hi = tuple(l_ + n + m - 1 for l_, n, m in zip(lo, self.out_shape, k.shape))
        return lo, hi


@dataclass(frozen=True)
class Strategy:
    """A registered strategy: its module, cost model, and what it needs.

    ``exact`` strategies compute the correlation up to rounding and are the
    ones ``algorithm="auto"`` chooses among; ``needs`` says, for an error
    message, what a plan must have for ``applies`` to hold.
    """

    module: str
    cost: Callable[[Plan], float]
    applies: Callable[[Plan], bool]
    exact: bool = True
    needs: str = ""

    def run(self, image: np.ndarray, plan: Plan, out: np.ndarray) -> None:
        """Run on ``image`` into ``out`` (C-contiguous; any real output dtype).

        Strategies whose module sets ``WRITES_ANY_DTYPE`` cast into ``out``
        themselves (fused); for the others the result goes through a buffer
        of the compute dtype and is cast (rounded and clipped) afterwards.
        """
        module = _strategy_module(self.module)
        if out.dtype == plan.compute_dtype or getattr(module, "WRITES_ANY_DTYPE", False):
            module.correlate(image, plan, out)
            return
        buffer = np.empty(out.shape, plan.compute_dtype)
        module.correlate(image, plan, buffer)
        cast_into(buffer, out)


@functools.cache
def _strategy_module(name: str):
    """The strategy's module, imported on first use (once: an import per call cost
    1.5 us of a small filter's ~15)."""
    return importlib.import_module(name, __package__)


STRATEGIES: dict[str, Strategy] = {
    "direct": Strategy(".strategies.direct", _direct_cost, lambda p: True),
    "separable": Strategy(
        ".strategies.separable",
        _separable_cost,
        lambda p: p.factors is not None,
        needs="a separable kernel (rank one)",
    ),
    "fft": Strategy(".strategies.fft", _fft_cost, lambda p: True),
    "iir": Strategy(
        ".strategies.iir",
        _iir_cost,
        _is_gaussian,
        exact=False,
        needs="a Gaussian kernel from kernels.gaussian or kernels.factored.iir_gaussian",
    ),
}


def choose_strategy(plan: Plan) -> str:
    """The strategy for ``plan``: the one asked for, or the cheapest for ``'auto'``.

    ``'auto'`` takes the exact strategy (direct, separable, FFT) with the
    lowest predicted cost in ``plan.costs``; kernels from
    ``kernels.factored.iir_gaussian`` ask for the recursive Gaussian.
    """
    if plan.algorithm == "auto":
        recipe = plan.kernel.recipe
        if recipe is not None and recipe[0] == "iir_gaussian":
            return "iir"
        exact = {n: c for n, c in plan.costs.items() if STRATEGIES[n].exact}
        return min(exact, key=exact.get)
    if plan.algorithm == "separable" and not _extends_along_two_axes(plan.kernel):
        return "direct"  # a kernel along one axis (or none) is one pass either way
    if plan.algorithm not in plan.costs:
        raise ValueError(
            f"algorithm={plan.algorithm!r} needs {STRATEGIES[plan.algorithm].needs}, "
            f"but the kernel of shape {plan.kernel.shape} is not one"
        )
    return plan.algorithm


def _extends_along_two_axes(kernel: Kernel) -> bool:
    return sum(n > 1 or s != 0 for n, s in zip(kernel.shape, kernel.start)) >= 2


def _axis_factors(kernel: Kernel) -> tuple[tuple[int, Kernel], ...] | None:
    """Per-axis 1-D factors of a real kernel over the axes it extends along."""
    # Axes with more than one tap, or a single tap at a non-zero offset (a shift).
    if not _extends_along_two_axes(kernel):
        return None
    big = [d for d, (n, s) in enumerate(zip(kernel.shape, kernel.start)) if n > 1 or s != 0]
    if kernel._factors is not None:
        scale = np.prod([f.weights[0] for d, f in enumerate(kernel._factors) if d not in big])
        fs = [kernel._factors[d].weights for d in big]
        fs[0] = fs[0] * scale
    else:
        fs = rank1_factors(kernel.weights.reshape([kernel.shape[d] for d in big]))
        if fs is None:
            return None
    return tuple((d, Kernel(f, start=(kernel.start[d],))) for d, f in zip(big, fs))


def _geometry(image_shape, kernel: Kernel, shape: str):
    """Output shape and the image position of its first element, per axis."""
    lo, out_shape = [], []
    for n, s, m in zip(image_shape, kernel.start, kernel.shape):
        if shape == "same":
            first, length = 0, n
        elif shape == "valid":
            first, length = -s, max(n - m + 1, 0)
        else:  # full
            first, length = -(s + m - 1), n + m - 1
        lo.append(first)
        out_shape.append(length)
    return tuple(out_shape), tuple(lo)


def derive(plan: Plan, kernel: Kernel | None = None, border: Border | None = None) -> Plan:
    """The plan with another (real, full-ndim) kernel or border; strategy re-chosen."""
    changes = {}
    if kernel is not None:
        changes.update(kernel=kernel, factors=_axis_factors(kernel))
    if border is not None:
        changes["border"] = border
    p = dataclasses.replace(plan, **changes)
    costs = {name: s.cost(p) for name, s in STRATEGIES.items() if s.applies(p)}
    p = dataclasses.replace(p, costs=costs)
    return dataclasses.replace(p, strategy=choose_strategy(p))


# Plans are immutable: repeated calls with the same shapes, dtypes, kernel and
# options reuse one (planning costs ~50 us, a tenth of a 1000² 3×3 filter).
_CACHE_MAX_TAPS = 4096
_plan_cache: dict = {}
_cache_lock = threading.Lock()
_CACHE_SIZE = 256


def _kernel_key(kernel):
    if isinstance(kernel, Kernel):
        return kernel if kernel.size <= _CACHE_MAX_TAPS else None
    if isinstance(kernel, tuple):
        keys = tuple(_kernel_key(k) for k in kernel)
        return None if any(k is None for k in keys) else ("tuple", keys)
    w = np.asarray(kernel)
    if w.dtype == object or w.size > _CACHE_MAX_TAPS:
        return None
    return ("array", w.shape, w.dtype.str, w.tobytes())


def _cache_key(image, kernel, border, options):
    """A hashable key for a plan, or None when the call should not be cached."""
    a = image if isinstance(image, np.ndarray) else None
    kkey = _kernel_key(kernel)
    if a is None or kkey is None:
        return None
    key = (a.shape, a.dtype.str, kkey, border, tuple(sorted(options.items())))
    try:
        hash(key)
    except TypeError:  # a list for axes, an unhashable border: plan it fresh
        return None
    return key


def make_plan(image, kernel, border="reflect", **options) -> Plan:
    """Resolve a filter call into a :class:`Plan`, reusing a cached one when it can."""
    key = _cache_key(image, kernel, border, options)
    if key is not None:
        cached = _plan_cache.get(key)
        if cached is not None:
            return cached
    p = _make_plan(image, kernel, border, **options)
    if key is not None:
        with _cache_lock:
            if len(_plan_cache) >= _CACHE_SIZE:
                _plan_cache.pop(next(iter(_plan_cache)))  # the oldest entry
            _plan_cache[key] = p
    return p


def _make_plan(
    image,
    kernel,
    border="reflect",
    *,
    shape="same",
    algorithm="auto",
    channel_axis=None,
    axes=None,
    dtype=None,
) -> Plan:
    """Resolve a filter call into a :class:`Plan` (see the module docstring)."""
    a = as_image(image)
    b = normalize_border(border)
    if isinstance(b, Fill) and np.iscomplexobj(b.value) and b.value.imag == 0:
        b = Fill(b.value.real)  # a complex fill with no imaginary part is a real fill
    shape = normalize_shape(shape)
    algorithm = normalize_algorithm(algorithm)
    axes = normalize_axes(a.ndim, channel_axis, axes)
    k = embed_kernel(normalize_kernel(kernel, len(axes)), axes, a.ndim)

    fill_complex = isinstance(b, Fill) and np.iscomplexobj(b.value) and b.value.imag != 0
    is_complex = a.dtype.kind == "c" or k.dtype.kind == "c" or fill_complex
    real = compute_dtype(a.dtype, k.dtype)
    out_dt = natural_dtype(real, is_complex) if dtype is None else output_dtype(dtype)
    if is_complex and out_dt.kind != "c":
        raise TypeError(f"the result is complex, so dtype must be complex, got dtype={out_dt}")

    if (
        a.dtype.kind in "biu"
        and a.dtype.itemsize <= 2
        and out_dt.kind in "iu"
        and out_dt.itemsize <= 2
    ):
        # Small integers in and out: float32 holds every sum to well within the
        # final rounding, and is twice as fast as float64.
        real = np.dtype(np.float32)
    out_shape, out_lo = _geometry(a.shape, k, shape)
    p = Plan(
        strategy="direct",
        algorithm=algorithm,
        kernel=k,
        factors=None,
        border=b,
        shape=shape,
        axes=axes,
        image_shape=a.shape,
        image_dtype=a.dtype,
        out_shape=out_shape,
        out_lo=out_lo,
        compute_dtype=real,
        out_dtype=out_dt,
        is_complex=is_complex,
        costs={},
    )
    return derive(p, kernel=k)


def plan(image: ArrayLike, kernel: KernelLike, border: BorderLike = "reflect", **options) -> Plan:
    """How :func:`imagekit.imfilter` would run this call, without running it.

    Takes the same arguments as :func:`imagekit.imfilter` (except ``out``)
    and returns the :class:`Plan`, whose ``strategy`` and ``costs`` say
    which strategy runs and what each applicable one is predicted to cost.

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit.filtering import plan
    >>> image = np.zeros((512, 512), np.float32)
    >>> plan(image, np.ones((9, 9))).strategy  # rank one: two 9-tap passes
    'separable'
    >>> plan(image, np.eye(3)).strategy
    'direct'
    >>> p = plan(image, np.random.default_rng(0).random((31, 31)))
    >>> p.strategy, sorted(p.costs)
    ('fft', ['direct', 'fft'])
    """
    return make_plan(image, kernel, border, **options)
