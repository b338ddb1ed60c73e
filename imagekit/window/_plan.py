"""Window plans: a mapwindow call resolved once, its strategy chosen and prepared.

``make_plan`` normalises the call (function, image, window, border, shape,
axes, dtype), works out the dtypes and the output geometry, ranks the
registry's ``'mapwindow'`` strategies (``filtering._registry.rank``) and
lets the chosen one prepare. Strategies receive the image in the plan's
``work_dtype`` (integers with an ``NA`` border: float64, so that a NaN can
stand for a missing pixel) and write an output of that dtype; the plan
casts to the dtype returned.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from .._dispatch import kept_route, route
from .._dtypes import cast_into, compute_dtype, output_dtype
from .._recycle import empty
from .._typing import ArrayLike, BorderLike, DTypeLike, ShapeMode, WindowFunc, WindowLike
from ..borders import NA, Border, Fill, normalize_border
from ..borders._pad import _fill_dtype
from ..filtering import _plan_cache, _tier
from ..filtering._options import (
    as_image,
    kept_image,
    normalize_axes,
    normalize_out,
    normalize_shape,
)
from ..filtering._registry import describe, rank, strategies
from ..filtering._strategy import Strategy
from ._functions import Reduction, recognise
from ._geometry import Window, normalize_window, out_geometry

__all__ = ["WindowPlan", "make_plan", "plan_mapwindow"]

OPERATION = "mapwindow"


@dataclass(frozen=True, eq=False)
class WindowPlan:
    """A mapwindow call resolved once: what to compute, in which dtype, by which loop.

    ``p(image, out=None)`` equals ``mapwindow(func, image, ...)`` with the
    arguments the plan was made with, for images of the plan's shape and
    dtype (another raises a ``ValueError``). Plans are immutable.

    Attributes
    ----------
    reduction : Reduction
        What each window reduces to (``reduction.kind``: ``'median'``,
        ``'rank'``, ``'percentile'``, ``'min'``, ``'max'``, ``'ptp'``,
        ``'mean'``, ``'sum'``, ``'var'``, ``'std'`` or ``'user'``).
    window : Window
        The footprint and its offsets over all image axes.
    strategy, loop, algorithm : str
        The chosen strategy, the loop it runs and what was asked for.
    border : Border
    shape : str
    axes : tuple of int
    image_shape, out_shape : tuple of int
    out_lo : tuple of int
        Image position of ``out[0, ..., 0]`` along each axis.
    image_dtype : numpy.dtype
    work_dtype : numpy.dtype
        The dtype the strategy reads.
    result_dtype : numpy.dtype
        The dtype the strategy writes (``work_dtype`` but for the ``ptp`` of
        signed integers, written unsigned).
    out_dtype : numpy.dtype
        The dtype returned (before ``out=``).
    asked_dtype : numpy.dtype or None
    costs : mapping of str to float
        Predicted seconds of each applicable strategy.
    """

    reduction: Reduction
    window: Window
    border: Border
    shape: str
    axes: tuple[int, ...]
    image_shape: tuple[int, ...]
    image_dtype: np.dtype
    out_shape: tuple[int, ...]
    out_lo: tuple[int, ...]
    work_dtype: np.dtype
    result_dtype: np.dtype
    out_dtype: np.dtype
    algorithm: str = "auto"
    strategy: str = ""
    loop: str = ""
    asked_dtype: np.dtype | None = None
    costs: Mapping[str, float] = field(default_factory=dict)
    _ranking: tuple = field(default=(), repr=False)
    _prepared: object = field(default=None, repr=False)
    _impl: Strategy | None = field(default=None, repr=False)

    @property
    def skip_nan(self) -> bool:
        """Whether NaNs (and out-of-image pixels) are left out of each window."""
        return isinstance(self.border, NA)

    def __call__(self, image: ArrayLike, out: np.ndarray | None = None) -> np.ndarray:
        """Filter ``image`` (of the plan's shape and dtype, and of the kind of array it
        was made for); ``out`` as for mapwindow."""
        backend = kept_route("run_window_plan", self._impl.operation, image)
        a = kept_image(image, self.image_shape, self.image_dtype)
        if backend is not None:
            return backend(self, a, out)
        return apply(self, a, out)

    def run(self, image: np.ndarray) -> np.ndarray:
        """The result for a NumPy image of the plan's shape and dtype, in the dtype the
        strategy writes (``result_dtype``, unless its prepared state says otherwise:
        a strategy may read the image in its own dtype)."""
        prepared = self._prepared
        a = np.ascontiguousarray(image, dtype=prepared.image_dtype)
        dst = empty(self.out_shape, prepared.out_dtype)
        if dst.size:
            self._impl.run(prepared, a, dst)
        return dst

    def __repr__(self) -> str:
        return (
            f"<WindowPlan {self.reduction} over {'x'.join(map(str, self.window.shape))} "
            f"({self.window.size} pixels), {self.image_shape} {self.image_dtype} -> "
            f"{self.out_shape} {self.out_dtype}, border {self.border!r}, shape={self.shape!r}, "
            f"strategy {self.strategy!r}, loop {self.loop!r}>"
        )

    def explain(self) -> str:
        """The candidates, their predicted costs and why the chosen one won."""
        head = (
            f"mapwindow {self.reduction} on {self.image_shape} {self.image_dtype} -> "
            f"{self.out_shape} {self.out_dtype}, window "
            f"{'x'.join(map(str, self.window.shape))} ({self.window.size} pixels), "
            f"border {self.border!r}, shape={self.shape!r}"
        )
        rows, why = self._ranking
        return "\n".join([head, *describe(rows, self.algorithm, self.strategy, why, self.loop)])


def apply(p: WindowPlan, a: np.ndarray, out: np.ndarray | None) -> np.ndarray:
    """mapwindow's result for the NumPy image ``a`` (of the plan's shape and dtype)."""
    if out is not None:
        out = normalize_out(out, p.out_shape, p.asked_dtype)
    result = p.run(a)
    target = p.out_dtype if out is None else out.dtype
    if result.dtype == target and out is None:
        return result
    if target.kind in "iub" and result.dtype.kind == "f":
        # integers have no NaN: a window with no pixel (NA) gives 0
        result[np.isnan(result)] = 0
    dst = empty(p.out_shape, target) if out is None else out
    if target.kind == "b":
        np.not_equal(result, 0, out=dst)
    elif np.can_cast(result.dtype, target, "safe"):
        np.copyto(dst, result)
    else:  # rounded and clipped, never wrapped (integers through float64)
        cast_into(result.astype(np.float64) if result.dtype.kind in "iu" else result, dst)
    return dst


def _dtypes(reduction: Reduction, image_dtype: np.dtype, border, dtype):
    """``(work_dtype, result_dtype, out_dtype)``: selections keep the image's dtype
    (bool and float16 are read as uint8 and float32; a fill value the image's dtype
    cannot hold is compared in a dtype that holds both); ``ptp`` too, but unsigned for
    signed integers, where ``max - min`` needs the extra bit; mean, sum, var and std
    follow imfilter's float rule; a user function's result is float64. ``dtype=``
    overrides the dtype returned."""
    kind = reduction.kind
    if image_dtype.kind == "c":
        raise TypeError(
            f"image must be real for mapwindow ({kind} compares values), got dtype {image_dtype}"
        )
    asked = None if dtype is None else output_dtype(dtype)
    if kind == "user":
        work = np.dtype(np.float64)
        return work, work, asked or work
    if kind in ("mean", "sum", "var", "std"):
        work = compute_dtype(image_dtype, np.dtype(np.float64))
        return work, work, asked or work
    # selections and ptp: in the image's dtype where a loop reads it directly
    if image_dtype.kind == "b":
        work, natural = np.dtype(np.uint8), image_dtype
    elif image_dtype == np.float16:
        work, natural = np.dtype(np.float32), image_dtype
    else:
        work = natural = image_dtype
    if kind == "ptp" and natural.kind in "ib":
        natural = np.dtype(f"u{natural.itemsize}")  # max - min never wraps
    if isinstance(border, NA) and work.kind in "iu":
        work = np.dtype(np.float64)  # NaN stands for a missing pixel
    if isinstance(border, Fill):  # a fill value the image's dtype cannot hold widens it
        work = _fill_dtype(work, border.value)
        if work.kind == "c":
            raise TypeError(f"border must be a real fill value for mapwindow, got {border!r}")
    result = natural if kind == "ptp" and work.kind in "iu" else work
    return work, result, asked or natural


def _check_reduction(reduction: Reduction, window: Window) -> None:
    if reduction.kind == "rank":
        n = window.size
        if not -n <= reduction.k < n:
            raise ValueError(f"k={reduction.k} is outside the window of {n} pixels")


def _make_plan(
    image,
    window,
    border="reflect",
    *,
    func=None,
    shape="same",
    algorithm="auto",
    channel_axis=None,
    axes=None,
    dtype=None,
) -> WindowPlan:
    reduction = recognise(func)
    a = as_image(image)
    b = normalize_border(border)
    shape = normalize_shape(shape)
    if not isinstance(algorithm, str):
        raise TypeError(f"algorithm must be a str, got {algorithm!r}")
    axes = normalize_axes(a.ndim, channel_axis, axes)
    w = normalize_window(window, axes, a.ndim)
    _check_reduction(reduction, w)
    work, result, out_dt = _dtypes(reduction, a.dtype, b, dtype)
    out_shape, out_lo = out_geometry(a.shape, w, shape)
    p = WindowPlan(
        reduction=reduction,
        window=w,
        border=b,
        shape=shape,
        axes=axes,
        image_shape=a.shape,
        image_dtype=a.dtype,
        out_shape=out_shape,
        out_lo=out_lo,
        work_dtype=work,
        result_dtype=result,
        out_dtype=out_dt,
        algorithm=algorithm,
        asked_dtype=None if dtype is None else np.dtype(dtype),
    )
    return choose(p)


def choose(p: WindowPlan) -> WindowPlan:
    """``p`` with its strategy ranked, chosen and prepared."""
    rows, costs, chosen, why = rank(OPERATION, p, p.algorithm)
    strategy = strategies(OPERATION)[chosen]
    prepared = strategy.prepare(p, p.work_dtype, p.result_dtype)
    return dataclasses.replace(
        p,
        strategy=chosen,
        loop=prepared.loop,
        costs=costs,
        _ranking=(tuple(rows), why),
        _prepared=prepared,
        _impl=strategy,
    )


def make_plan(func, image, window, border="reflect", **options) -> WindowPlan:
    """Resolve a mapwindow call into a :class:`WindowPlan`, reusing a cached one
    when it can (``filtering._plan_cache``)."""
    return _plan_cache.cached(_make_plan, image, window, border, dict(options, func=func))


def plan_mapwindow(
    func: WindowFunc,
    image: ArrayLike,
    window: WindowLike,
    border: BorderLike = "reflect",
    *,
    shape: ShapeMode = "same",
    channel_axis: int | None = None,
    axes: Sequence[int] | None = None,
    dtype: DTypeLike = None,
    algorithm: str = "auto",
) -> WindowPlan:
    """A plan you can keep: :func:`imagekit.mapwindow`'s call, resolved and prepared once.

    Takes the same arguments as :func:`imagekit.mapwindow` (except ``out``;
    ``image`` may be any array of the shape and dtype to come, its values are
    not read) and returns an immutable :class:`WindowPlan`; ``p(image)``
    equals ``mapwindow(func, image, window, border, ...)``. ``algorithm``
    names a strategy to run instead of the cheapest (``p.costs`` lists those
    that apply, ``p.explain()`` says why one won). A Dask or device image
    gives a plan of that backend, for arrays of its kind only.

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit.window import plan_mapwindow
    >>> image = np.zeros((256, 256), np.uint8)
    >>> p = plan_mapwindow(np.median, image, 3)
    >>> p.reduction.kind, p.out_dtype
    ('median', dtype('uint8'))
    >>> p(np.full((256, 256), 7, np.uint8))[0, :3]
    array([7, 7, 7], dtype=uint8)
    """
    options = dict(shape=shape, channel_axis=channel_axis, axes=axes, dtype=dtype)
    options["algorithm"] = algorithm
    backend = route("plan_mapwindow", image)
    with _tier.kept():  # ranked for repeated calls: without numba's start-up
        if backend is not None:
            return backend(func, image, window, border, **options)
        return make_plan(func, image, window, border, **options)
