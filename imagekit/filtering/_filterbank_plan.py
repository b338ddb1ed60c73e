"""filterbank and its kept plans: a call resolved once, its strategy ranked and prepared.

The layout (``_filterbank.layout``: axes, geometry, dtype) is resolved at
the boundary; the registry's ``'filterbank'`` strategies
(``strategies/bank_*.py``) are ranked by the same planner as imfilter's
(``_registry.rank``); the chosen one prepares its geometry (and, in a plan
that keeps its bank, the packed bank or its spectra). NA borders are the
ratio of two zero-filled runs, composed here above the strategies.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from .._dispatch import kept_route, route
from .._dtypes import cast_into, output_dtype
from .._typing import ArrayLike, BorderLike, DTypeLike, ShapeMode
from ..borders import NA
from ._filterbank import ALGORITHMS, BankAlgorithm, FilterbankLayout, check_finite_bank, layout
from ._na import normalised
from ._options import kept_image
from ._registry import _on_change, describe, rank, strategies
from ._strategy import Strategy

__all__ = [
    "FilterbankPlan",
    "bank_plan",
    "choose_filterbank_strategy",
    "filterbank",
    "keep_bank",
    "make_bank_plan",
    "plan_filterbank",
]


@dataclass(frozen=True, eq=False)
class FilterbankPlan:
    """A filterbank call resolved once (see :func:`plan_filterbank`). Immutable.

    Attributes
    ----------
    strategy : str
        The registry's name of the strategy that runs (``'bank-tiles'``,
        ``'bank-winograd'``, ``'bank-gemm'``, ``'bank-fft'``).
    chosen_algorithm : str
        The ``algorithm=`` value that names it (``'direct'`` for the tiles).
    loop : str
        The concrete loop, e.g. ``'bank-tiles/in-place-2d'``.
    algorithm : str
        What was asked for.
    layout : FilterbankLayout
        Axes, geometry and compute dtype of the call.
    image_shape, out_shape : tuple of int
    image_dtype, out_dtype : numpy.dtype
    costs : mapping of str to float
        Predicted seconds of each strategy that applies.
    bank : ndarray or None
        The bank a kept plan runs (a read-only copy); None in the plans
        ``filterbank`` makes for itself (the bank comes with each call).
    operation : str
        The registry's operation its strategy belongs to: ``'filterbank'``
        (in memory), ``'filterbank-device'`` (CuPy and other array-API
        arrays) or ``'filterbank-dask'``.
    """

    strategy: str
    algorithm: str
    layout: FilterbankLayout
    nb: int
    image_shape: tuple[int, ...]
    image_dtype: np.dtype
    out_shape: tuple[int, ...]
    out_dtype: np.dtype
    asked_dtype: np.dtype | None
    costs: Mapping[str, float]
    loop: str = ""
    bank: np.ndarray | None = field(default=None, repr=False)
    operation: str = "filterbank"
    _ranking: tuple = field(default=(), repr=False)
    _impl: Strategy | None = field(default=None, repr=False)
    _prepared: object = field(default=None, repr=False)

    @property
    def chosen_algorithm(self) -> str:
        return self._impl.algorithm

    def __call__(self, image: ArrayLike, out: np.ndarray | None = None) -> np.ndarray:
        """Filter ``image`` (of the plan's shape, dtype and kind of array) with its bank."""
        backend = kept_route("run_filterbank_plan", self.operation, image)
        a = kept_image(image, self.image_shape, self.image_dtype)
        if backend is not None:
            return backend(self, a, out)
        return _apply(self, a, None, out, self.asked_dtype)

    def __repr__(self) -> str:
        lay = self.layout
        kernel = "x".join(str(n) for n in lay.kshape)
        return (
            f"<FilterbankPlan {self.image_shape} {self.image_dtype} -> {self.out_shape} "
            f"{self.out_dtype}, bank {kernel} {lay.c_in}->{lay.c_out}, border {lay.border!r}, "
            f"shape={lay.shape!r}, strategy {self.strategy!r}, loop {self.loop!r}>"
        )

    def explain(self) -> str:
        """How the strategy was chosen: the candidates, their predicted costs, and why."""
        lay = self.layout
        head = (
            f"filterbank on {self.image_shape} {self.image_dtype} -> {self.out_shape} "
            f"{self.out_dtype}, bank {lay.kshape} x {lay.c_in} -> {lay.c_out}, "
            f"border {lay.border!r}, shape={lay.shape!r}"
        )
        rows, why = self._ranking
        return "\n".join([head, *describe(rows, self.algorithm, self.strategy, why, self.loop)])


def _batch(lay: FilterbankLayout, shape) -> int:
    return 1 if lay.batch_axis is None else shape[lay.batch_axis]


def make_bank_plan(
    lay: FilterbankLayout, nb: int, algorithm: str, bank=None, image=None, dtype=None,
    operation: str = "filterbank",
):  # fmt: skip
    shape = image.shape if image is not None else None
    p = FilterbankPlan(
        strategy="",
        algorithm=algorithm,
        layout=lay,
        nb=nb,
        image_shape=shape,
        image_dtype=None if image is None else image.dtype,
        out_shape=lay.out_shape,
        out_dtype=lay.dtype if dtype is None else output_dtype(dtype),
        asked_dtype=None if dtype is None else np.dtype(dtype),
        costs={},
        bank=bank,
        operation=operation,
    )
    rows, costs, chosen, why = rank(operation, p, algorithm)
    strategy = strategies(operation)[chosen]
    p = dataclasses.replace(
        p, strategy=chosen, costs=costs, _ranking=(tuple(rows), why), _impl=strategy
    )
    prepared = strategy.prepare(p, lay.dtype, lay.dtype)
    return dataclasses.replace(p, loop=prepared.loop, _prepared=prepared)


# Plans for filterbank's own calls, by layout (layouts are cached: see ``layout``),
# batch size and algorithm; dropped when the registry changes.
_PLANS: dict = {}
_lock = threading.Lock()
_on_change.append(_PLANS.clear)


def bank_plan(
    lay: FilterbankLayout, nb: int, algorithm: str, operation: str = "filterbank"
) -> FilterbankPlan:
    """The (cached) plan, without a bank, of a filterbank call with this layout (by
    ``operation``'s strategies: in memory, on a device, on Dask)."""
    key = (lay, nb, algorithm, operation)
    p = _PLANS.get(key)
    if p is None:
        p = make_bank_plan(lay, nb, algorithm, operation=operation)
        with _lock:
            if len(_PLANS) >= 32:
                _PLANS.pop(next(iter(_PLANS), None), None)
            _PLANS[key] = p
    return p


def choose_filterbank_strategy(lay: FilterbankLayout, nb: int) -> str:
    """The ``algorithm=`` value ``'auto'`` takes for this layout and batch size."""
    return bank_plan(lay, nb, "auto").chosen_algorithm


def _apply(p: FilterbankPlan, a: np.ndarray, bank, out, dtype) -> np.ndarray:
    """The filterbank of ``a`` by plan ``p``, with ``bank`` (None: the plan's)."""
    lay = p.layout
    cl = lay.to_channels_last(a)
    strategy, prepared = p._impl, p._prepared
    if bank is not None and not getattr(strategy, "checks_bank", False):
        check_finite_bank(bank)
    if isinstance(lay.border, NA):
        res = normalised(np, cl, lambda x: strategy.run(prepared, x, bank), lay.dtype)
    else:
        res = strategy.run(prepared, cl, bank)
    res = lay.from_channels_last(res)
    target = output_dtype(dtype) if dtype is not None else lay.dtype
    if out is None:
        if res.dtype == target:
            return res if res.flags.c_contiguous else np.ascontiguousarray(res)
        out = np.empty(lay.out_shape, target)
    elif out.shape != lay.out_shape:
        raise ValueError(f"out has shape {out.shape}, expected {lay.out_shape}")
    cast_into(res, out)
    return out


def check_algorithm(algorithm) -> None:
    """Raise ValueError unless ``algorithm`` is one of filterbank's."""
    if algorithm not in ALGORITHMS:
        raise ValueError(f"algorithm={algorithm!r} is not one of: {', '.join(ALGORITHMS)}")


def _resolve(image, bank, border, options, check_finite):
    """What filterbank and plan_filterbank resolve first: the layout and the image."""
    return layout(image, bank, border, check_finite=check_finite, **options), np.asarray(image)


def filterbank(
    image: ArrayLike,
    bank: ArrayLike,
    border: BorderLike = "reflect",
    *,
    shape: ShapeMode = "same",
    channel_axis: int = -1,
    algorithm: BankAlgorithm = "auto",
    out: np.ndarray | None = None,
    batch_axis: int | None = None,
    dtype: DTypeLike = None,
) -> np.ndarray:
    """Filter a multichannel image with a bank of filters: ``C_in`` channels in, ``C_out`` out.

    ``out[x, o] = sum_c sum_j bank[j, c, o] * image[x + j, c]`` — correlation
    over the spatial axes (kernel centred: element ``size // 2`` is offset 0),
    summed over input channels, one output channel per filter. This is what a
    double loop of ``imfilter`` calls over input and output channels computes
    (``out[..., o] = sum over c of imfilter(image[..., c], bank[..., c, o])``),
    in one call: a CNN layer.

    Parameters
    ----------
    image : ndarray
        Spatial axes (1-D, 2-D, 3-D, ...) and a channel axis of ``C_in``
        values; optionally a batch axis.
    bank : ndarray
        Shape ``(*kernel, C_in, C_out)``: one kernel axis per spatial axis,
        in order, then the input and output channels.
    border : str, number or Border, optional
        As for :func:`imagekit.imfilter` (every border, NA included).
    shape : {'same', 'valid', 'full'}, optional
        As for :func:`imagekit.imfilter`, over the spatial axes.
    channel_axis : int, optional
        The channel axis of the image and of the output (default -1:
        channels last).
    algorithm : {'auto', 'direct', 'gemm', 'fft'}, optional
        ``'direct'``: tiles of six positions by 64 outputs kept in
        registers over every tap and input channel (numba; sized for
        AVX-512). ``'winograd'``: for 3x3 kernels on 2-D images,
        Winograd's F(2x2, 3x3) in the same tiles, 2.25x fewer
        multiply-adds (a call with a non-finite output is recomputed by
        the direct loop). ``'gemm'``: one BLAS matrix product per tap,
        accumulated in place. ``'fft'``: one transform per input and
        output channel and a complex matrix product per frequency, for
        large kernels. ``'auto'`` picks by a cost model: the tiles for
        float32 on AVX-512 CPUs with 48 or more outputs (through Winograd
        for wide 3x3 layers), else the GEMM, and the FFT where it is
        cheaper than either.
    out : ndarray, optional
        Written in place and returned.
    batch_axis : int, optional
        An axis of independent images, kept in the output.
    dtype : dtype, optional
        Output dtype (integers rounded and clipped).

    Returns
    -------
    ndarray
        The image's spatial shape (per ``shape``), ``C_out`` channels at
        ``channel_axis``. float32 images give float32.

    See Also
    --------
    plan_filterbank : the call resolved and prepared once, to run again and again.

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit import filterbank, imfilter
    >>> rng = np.random.default_rng(0)
    >>> A, ker = rng.random((32, 32, 4)), rng.random((3, 3, 4, 5))
    >>> B = filterbank(A, ker, 0)
    >>> B.shape
    (32, 32, 5)
    >>> loop = sum(imfilter(A[:, :, c], ker[:, :, c, 1], 0) for c in range(4))
    >>> bool(np.allclose(B[:, :, 1], loop))
    True
    """
    check_algorithm(algorithm)
    backend = route("filterbank", image)  # Dask: lazy, block by block; CuPy & co: on device
    if backend is not None:
        return backend(
            image, bank, border, algorithm=algorithm, out=out, dtype=dtype,
            shape=shape, channel_axis=channel_axis, batch_axis=batch_axis,
        )  # fmt: skip
    options = dict(shape=shape, channel_axis=channel_axis, batch_axis=batch_axis)
    lay, a = _resolve(image, bank, border, options, check_finite=False)
    p = bank_plan(lay, _batch(lay, a.shape), algorithm)
    return _apply(p, a, np.asarray(bank), out, dtype)


def plan_filterbank(
    image: ArrayLike,
    bank: ArrayLike,
    border: BorderLike = "reflect",
    *,
    shape: ShapeMode = "same",
    channel_axis: int = -1,
    algorithm: BankAlgorithm = "auto",
    batch_axis: int | None = None,
    dtype: DTypeLike = None,
) -> FilterbankPlan:
    """A plan you can keep: :func:`filterbank`'s call with this bank, prepared once.

    Takes the same arguments as :func:`filterbank` (except ``out``; the
    image's values are not read) and returns an immutable
    :class:`FilterbankPlan`. ``p(image, out=None)`` then filters any image of
    that shape and dtype with the bank (copied once, so later changes to the
    array do not reach the plan), equal to ``filterbank`` with the same
    arguments; the bank is checked, packed into the tiles' blocks or
    transformed once. Another shape or dtype raises a ``ValueError``. A Dask
    or device image gives a plan of that backend, for arrays of its kind only.

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit import filterbank
    >>> from imagekit.filtering import plan_filterbank
    >>> rng = np.random.default_rng(0)
    >>> image, bank = rng.random((32, 32, 4)), rng.random((3, 3, 4, 8))
    >>> layer = plan_filterbank(image, bank, 0)
    >>> layer.strategy, layer.loop
    ('bank-gemm', 'bank-gemm/shifted')
    >>> bool(np.array_equal(layer(image), filterbank(image, bank, 0)))
    True
    """
    check_algorithm(algorithm)
    options = dict(shape=shape, channel_axis=channel_axis, batch_axis=batch_axis)
    backend = route("plan_filterbank", image)  # Dask: lazy, block by block; CuPy & co: on device
    if backend is not None:
        return backend(image, bank, border, algorithm=algorithm, dtype=dtype, **options)
    lay, a = _resolve(image, bank, border, options, check_finite=True)
    return make_bank_plan(lay, _batch(lay, a.shape), algorithm, keep_bank(bank), a, dtype)


def keep_bank(bank) -> np.ndarray:
    """A read-only copy of ``bank``: what a kept plan runs."""
    kept = np.array(bank, dtype=np.asarray(bank).dtype, copy=True)
    kept.flags.writeable = False
    return kept
