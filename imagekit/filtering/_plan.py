"""Plans: a filter call resolved once, its strategy chosen and prepared.

``make_plan`` is the staged pipeline that :func:`imfilter` runs first:

1. normalise the image, border, shape, algorithm, axes and kernel;
2. work out the dtypes (compute, output) and the output geometry;
3. find the kernel's separable factors;
4. rank the registry's strategies (``_registry.py``) by predicted cost and
   take the cheapest exact one (or the one asked for);
5. let it prepare its loop for the plan's dtypes (``Strategy.prepare``).

The :class:`Plan` is immutable; its prepared state is made with it and
never changes. Strategies receive plans whose border is ``Pad`` or ``Fill``
and whose kernel is real; NA and complex inputs are composed from real runs
above them (``_execute.py``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from .._dispatch import kept_route, route
from .._dtypes import compute_dtype, natural_dtype, output_dtype
from .._typing import Algorithm, ArrayLike, BorderLike, DTypeLike, KernelLike, ShapeMode
from ..borders import NA, Border, Fill, normalize_border
from ..kernels import Kernel
from . import _execute, _plan_cache, _tier
from ._geometry import axis_factors, extends_along_two_axes, geometry
from ._options import (
    as_image,
    embed_kernel,
    kept_image,
    normalize_algorithm,
    normalize_axes,
    normalize_kernel,
    normalize_shape,
)
from ._registry import describe, rank, strategies
from ._strategy import Prepared, Strategy

__all__ = ["Plan", "Strategy", "derive", "make_plan", "plan"]


@dataclass(frozen=True, eq=False)
class Plan:
    """A filter call resolved once: what to compute, in which dtype, by which loop.

    Call it on images of the shape and dtype it was made for: ``p(image,
    out=None)`` equals ``imfilter(image, ...)`` with the arguments the plan
    was made with. Everything that does not depend on the image's values is
    prepared when the plan is made (see :func:`plan`). Plans are immutable.

    Attributes
    ----------
    strategy : str
        The strategy that runs: ``'direct'``, ``'separable'``, ``'fft'`` or
        ``'iir'`` (the recursive Gaussian, approximate: only when asked).
    loop : str
        The concrete loop the strategy runs, e.g. ``'direct/3x3-rows'``.
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
    asked_dtype : numpy.dtype or None
        The ``dtype=`` argument (``out=`` must then have it).
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
    loop: str = ""
    asked_dtype: np.dtype | None = None
    # the registry's ranking rows (see _registry.rank) and why the chosen one won:
    # what explain() reports
    _ranking: tuple = field(default=(), repr=False)
    # the chosen strategy's Prepared for (image_dtype, output dtype), or, for NA
    # borders, the zero-fill plans the composition runs; None for complex plans
    _prepared: object = field(default=None, repr=False)
    # the chosen Strategy object (a kept plan runs it even if the registry changes)
    _impl: Strategy | None = field(default=None, repr=False)

    def __call__(self, image: ArrayLike, out: np.ndarray | None = None) -> np.ndarray:
        """Filter ``image`` (of the plan's shape and dtype, and of the kind of array it
        was made for: NumPy, Dask or device); ``out`` as for imfilter."""
        backend = kept_route("run_plan", self._impl.operation, image)
        a = kept_image(image, self.image_shape, self.image_dtype)
        if backend is not None:
            return backend(self, a, out)
        return _execute.apply(self, a, out)

    def window(self, kernel: Kernel | None = None) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """The range ``[lo, hi)`` of (extended) image positions the output reads."""
        k = self.kernel if kernel is None else kernel
        lo = tuple(o + s for o, s in zip(self.out_lo, k.start))
        hi = tuple(l_ + n + m - 1 for l_, n, m in zip(lo, self.out_shape, k.shape))
        return lo, hi

    def derive(self, kernel: Kernel | None = None, border: Border | None = None) -> Plan:
        """This plan with another (real, full-ndim) kernel or border; strategy re-chosen."""
        return derive(self, kernel, border)

    def run_real(self, image: np.ndarray, out: np.ndarray) -> None:
        """Run the chosen strategy on a real image into ``out`` (C-contiguous, any real
        dtype; not NA, not complex). The prepared loop runs when the dtypes are the
        plan's; other dtypes (the compositions' parts) are prepared for this call."""
        if out.size == 0:
            return
        strategy = self._impl
        target = out.dtype if strategy.writes_any_dtype else self.compute_dtype
        prepared = self._prepared
        if (
            type(prepared) is not Prepared
            or image.dtype != prepared.image_dtype
            or target != prepared.out_dtype
        ):
            prepared = strategy.prepare(self, image.dtype, target)
        if target == out.dtype:
            strategy.run(prepared, image, out)
            return
        buffer = np.empty(out.shape, target)
        strategy.run(prepared, image, buffer)
        _execute.cast_into(buffer, out)

    def prepared_for(self, image_dtype, out_dtype) -> Prepared:
        """The chosen strategy's prepared state for these dtypes (kept when they are the
        plan's, else made now)."""
        prepared = self._prepared
        if (
            type(prepared) is Prepared
            and prepared.image_dtype == image_dtype
            and prepared.out_dtype == out_dtype
        ):
            return prepared
        return self._impl.prepare(self, image_dtype, out_dtype)

    def __repr__(self) -> str:
        shape = "x".join(str(n) for n in self.kernel.shape)
        return (
            f"<Plan imfilter {self.image_shape} {self.image_dtype} -> {self.out_shape} "
            f"{self.out_dtype}, kernel {shape}, border {self.border!r}, shape={self.shape!r}, "
            f"strategy {self.strategy!r}, loop {self.loop!r}>"
        )

    def explain(self) -> str:
        """How the strategy was chosen: the candidates, their predicted costs, and why.

        Examples
        --------
        >>> import numpy as np
        >>> from imagekit.filtering import plan
        >>> print(plan(np.zeros((512, 512), np.float32), np.ones((9, 9))).explain())
        ... # doctest: +NORMALIZE_WHITESPACE +ELLIPSIS
        imfilter on (512, 512) float32 -> (512, 512) float32, kernel 9x9, ...
        algorithm='auto': the cheapest exact strategy that applies
          direct       ...
          separable    ... <- chosen
          fft          ...
          iir          not a candidate: needs a Gaussian kernel ...
        chosen: separable, the cheapest exact strategy
        loop: separable/2d-sweep
        """
        return _explain(self)


def _explain(p: Plan) -> str:
    shape = "x".join(str(n) for n in p.kernel.shape)
    head = (
        f"imfilter on {p.image_shape} {p.image_dtype} -> {p.out_shape} {p.out_dtype}, "
        f"kernel {shape}, border {p.border!r}, shape={p.shape!r}"
    )
    rows, why = p._ranking
    return "\n".join([head, *describe(rows, p.algorithm, p.strategy, why, p.loop)])


def _rank(p: Plan):
    """The registry's ranking for ``p`` (see ``_registry.rank``), with imfilter's two
    rules: a kernel from ``kernels.factored.iir_gaussian`` asks for the recursive
    Gaussian, and ``'separable'`` on a kernel along one axis is the direct pass."""
    if p.algorithm == "separable" and not extends_along_two_axes(p.kernel):
        rows, costs, _, _ = rank("imfilter", p, "auto")
        return rows, costs, "direct", "the kernel extends along one axis: one pass either way"
    recipe = p.kernel.recipe
    preferred = "iir" if recipe is not None and recipe[0] == "iir_gaussian" else None
    return rank("imfilter", p, p.algorithm, preferred)


def _choose(p: Plan) -> Plan:
    """``p`` with its strategy ranked, chosen and prepared."""
    rows, costs, chosen, why = _rank(p)
    strategy = strategies("imfilter")[chosen]
    p = dataclasses.replace(
        p, strategy=chosen, costs=costs, _ranking=(tuple(rows), why), _impl=strategy
    )
    if p.is_complex:
        return dataclasses.replace(p, loop=f"{chosen} on the real and imaginary parts")
    if isinstance(p.border, NA):
        zero, support = _execute.zero_fill_plans(p)
        return dataclasses.replace(
            p,
            strategy=zero.strategy,
            loop=f"normalised: {zero.loop}",
            _prepared=(zero, support),
            _impl=zero._impl,
        )
    if 0 in p.out_shape:
        return dataclasses.replace(p, loop="nothing to compute: the output is empty")
    target = p.out_dtype if strategy.writes_any_dtype else p.compute_dtype
    prepared = strategy.prepare(p, p.image_dtype, target)
    return dataclasses.replace(p, loop=prepared.loop, _prepared=prepared)


def derive(plan: Plan, kernel: Kernel | None = None, border: Border | None = None) -> Plan:
    """The plan with another (real, full-ndim) kernel or border; strategy re-chosen."""
    changes = {}
    if kernel is not None:
        changes.update(kernel=kernel, factors=axis_factors(kernel))
    if border is not None:
        changes["border"] = border
    return _choose(dataclasses.replace(plan, **changes))


def make_plan(image, kernel, border="reflect", **options) -> Plan:
    """Resolve a filter call into a :class:`Plan`, reusing a cached one when it can
    (``_plan_cache``)."""
    return _plan_cache.cached(_make_plan, image, kernel, border, options)


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
    out_shape, out_lo = geometry(a.shape, k, shape)
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
        asked_dtype=None if dtype is None else np.dtype(dtype),
    )
    return derive(p, kernel=k)


def plan(
    image: ArrayLike,
    kernel: KernelLike,
    border: BorderLike = "reflect",
    *,
    shape: ShapeMode = "same",
    algorithm: Algorithm = "auto",
    channel_axis: int | None = None,
    axes: Sequence[int] | None = None,
    dtype: DTypeLike = None,
) -> Plan:
    """A plan you can keep: :func:`imagekit.imfilter`'s call, resolved and prepared once.

    Takes the same arguments as :func:`imagekit.imfilter` (except ``out``;
    ``image`` may be any array of the shape and dtype to come, its values are
    not read) and returns an immutable :class:`Plan`. ``p(image, out=None)``
    then filters any image of that shape and dtype, equal to ``imfilter``
    with the same arguments, with the factors, weights, index maps, fill rows,
    scratch sizes and (up to 1 MB) the FFT kernel spectrum
    prepared once. Another shape or dtype raises a ``ValueError``.
    A Dask or device (CuPy, array-API) image gives a plan of that backend's
    strategies, which runs on arrays of its kind only (``TypeError`` for
    another kind), as :func:`imagekit.imfilter` does on them.
    ``p.strategy``, ``p.loop`` and ``p.costs`` say what runs and what each
    applicable strategy is predicted to cost; ``p.explain()`` says why.

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit import imfilter
    >>> from imagekit.filtering import plan
    >>> image = np.zeros((512, 512), np.float32)
    >>> plan(image, np.ones((9, 9))).strategy  # rank one: two 9-tap passes
    'separable'
    >>> plan(image, np.eye(3)).strategy
    'direct'
    >>> p = plan(image, np.random.default_rng(0).random((31, 31)))
    >>> p.strategy, sorted(p.costs)
    ('fft', ['direct', 'fft', 'shifts'])

    Keep a plan and run it on many images:

    >>> from imagekit import kernels
    >>> frames = np.random.default_rng(1).random((3, 128, 128)).astype(np.float32)
    >>> smooth = plan(frames[0], kernels.gaussian(2.0), "nearest")
    >>> smooth.loop
    'separable/2d-sweep'
    >>> out = np.empty((128, 128), np.float32)
    >>> all(np.array_equal(smooth(f, out=out), imfilter(f, kernels.gaussian(2.0), "nearest"))
    ...     for f in frames)
    True
    >>> smooth(np.zeros((64, 64), np.float32))
    Traceback (most recent call last):
    ...
    ValueError: this plan was made for images of shape (128, 128) and dtype float32, ...
    """
    options = dict(shape=shape, algorithm=algorithm, channel_axis=channel_axis, axes=axes)
    backend = route("plan", image)  # Dask: lazy, block by block; CuPy & co: on device
    with _tier.kept():  # ranked for repeated calls: without numba's start-up
        if backend is not None:
            return backend(image, kernel, border, dtype=dtype, **options)
        return make_plan(image, kernel, border, dtype=dtype, **options)
