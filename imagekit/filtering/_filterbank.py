"""filterbank: many multichannel filters in one call, as matrix products (one per tap).

``out[x, o] = sum_c sum_j bank[j, c, o] * image[x + j, c]`` — what a loop
of ``C_in x C_out`` ``imfilter`` calls computes (128 x 256 for a wide
layer), or a CNN layer. The image
is extended by its border once (channels last).
Positions run over the extended grid's rows ("shifted" GEMM): tap ``j`` of
position ``p`` is at flat position ``p + delta_j`` of the extended image,
so each tap's operand is one contiguous ``positions x C_in`` slice, and one
BLAS product per tap, accumulated in place, adds it in: no im2col buffer.
The few positions that fall in the extension's width are computed and
dropped by the GEMM (the direct strategy's tiles take output positions
only, see ``_loops/filterbank``).
"""

from __future__ import annotations

import numbers
from typing import Literal

import numpy as np

from .._dispatch import route
from .._dtypes import cast_into, compute_dtype, output_dtype
from .._typing import ArrayLike, BorderLike, DTypeLike, ShapeMode
from ..borders import NA, Fill, normalize_border
from ..borders._pad import extend
from ._options import as_image, normalize_shape

__all__ = ["ALGORITHMS", "FilterbankLayout", "check_finite_bank", "filterbank", "layout"]

ALGORITHMS = ("auto", "direct", "winograd", "gemm", "fft")


class FilterbankLayout:
    """A resolved filterbank call: axes, geometry and dtype (the boundary's normalisation)."""

    def __init__(self, image, bank, border, shape, channel_axis, batch_axis):
        """From the image's and bank's shapes and dtypes only (see ``layout``)."""
        a = as_image(image)
        b = np.asarray(bank)
        if b.dtype == object or b.dtype.kind not in "biuf":
            raise TypeError(f"bank must be a real numeric array, got dtype {b.dtype}")
        if a.dtype.kind == "c":
            raise TypeError("filterbank takes real images; filter real and imaginary parts")
        self.ndim = a.ndim
        self.channel_axis = _axis(channel_axis, a.ndim, "channel_axis")
        self.batch_axis = None if batch_axis is None else _axis(batch_axis, a.ndim, "batch_axis")
        if self.batch_axis == self.channel_axis:
            raise ValueError("batch_axis and channel_axis must be different axes")
        self.spatial = tuple(
            d for d in range(a.ndim) if d not in (self.channel_axis, self.batch_axis)
        )
        n = len(self.spatial)
        if n == 0:
            raise ValueError(
                f"image of shape {a.shape} has no spatial axis besides channel_axis"
                + (" and batch_axis" if self.batch_axis is not None else "")
            )
        if b.ndim != n + 2:
            raise ValueError(
                f"bank must have shape (*kernel, C_in, C_out) with {n} kernel axes "
                f"(one per spatial axis), got shape {b.shape}"
            )
        c_in = a.shape[self.channel_axis]
        if b.shape[-2] != c_in:
            raise ValueError(
                f"bank has C_in={b.shape[-2]} but the image has {c_in} channels "
                f"on channel_axis={channel_axis}"
            )
        if b.size == 0:
            raise ValueError(f"bank must not be empty, got shape {b.shape}")
        self.border = normalize_border(border)
        self.shape = normalize_shape(shape)
        self.kshape = b.shape[:-2]
        self.c_in, self.c_out = b.shape[-2], b.shape[-1]
        self.dtype = compute_dtype(a.dtype, np.result_type(b.dtype, np.float32))
        self.start = tuple(-(m // 2) for m in self.kshape)
        self.image_spatial = tuple(a.shape[d] for d in self.spatial)
        self.lo, self.out_spatial = [], []
        for d, m, s in zip(self.spatial, self.kshape, self.start):
            n_d = a.shape[d]
            if self.shape == "same":
                first, length = 0, n_d
            elif self.shape == "valid":
                first, length = -s, max(n_d - m + 1, 0)
            else:
                first, length = -(s + m - 1), n_d + m - 1
            self.lo.append(first)
            self.out_spatial.append(length)
        out = list(a.shape)
        for d, length in zip(self.spatial, self.out_spatial):
            out[d] = length
        out[self.channel_axis] = self.c_out
        self.out_shape = tuple(out)
        lead = [self.batch_axis] if self.batch_axis is not None else []
        self._order = (*lead, *self.spatial, self.channel_axis)  # channels-last axes
        self._inverse = tuple(int(i) for i in np.argsort(self._order))
        self._moved = self._order != tuple(range(a.ndim))
        # what the strategies derive from the layout alone, computed once (a layout
        # is cached per shapes and arguments: see ``layout``)
        self.derived: dict = {}

    def to_channels_last(self, a: np.ndarray) -> np.ndarray:
        """(batch, *spatial, channels) view of an image-layout array."""
        moved = a.transpose(self._order) if self._moved else a
        return moved if self.batch_axis is not None else moved[None]

    def from_channels_last(self, a: np.ndarray) -> np.ndarray:
        """Inverse of ``to_channels_last``."""
        if self.batch_axis is None:
            a = a[0]
        return a.transpose(self._inverse) if self._moved else a


def check_finite_bank(bank) -> None:
    """Raise ValueError if the bank has a NaN or an infinity."""
    if not np.all(np.isfinite(bank)):
        raise ValueError("bank must be finite, got NaN or inf among its weights")


def _axis(ax, ndim, name):
    if isinstance(ax, bool) or not isinstance(ax, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {ax!r}")
    if not -ndim <= ax < ndim:
        raise ValueError(f"{name}={ax} is out of range for an image with {ndim} axes")
    return int(ax) % ndim


def layout(
    image, bank, border="reflect", *, shape="same", channel_axis=-1, batch_axis=None,
    check_finite=True,
):  # fmt: skip
    """Resolve a filterbank call (checks every argument, the bank's values only with
    ``check_finite``); see :class:`FilterbankLayout`.

    A layout depends on the arrays' shapes and dtypes and the other arguments
    only, so the last few are kept and a repeated call (a CNN layer in a loop)
    finds its own: resolving one anew took 40-100 us, 2-5% of W7a's call."""
    a = as_image(image)
    b = np.asarray(bank)
    args = (border, shape, channel_axis, batch_axis)
    key = (a.shape, a.dtype, b.shape, b.dtype, *args, *map(type, args))
    try:
        lay = _LAYOUTS.get(key)
    except TypeError:  # an unhashable argument: resolved anew (it is checked there)
        lay, key = None, None
    if lay is None:
        lay = FilterbankLayout(a, b, *args)  # raises for bad arguments
        if key is not None:
            if len(_LAYOUTS) >= 32:
                _LAYOUTS.pop(next(iter(_LAYOUTS), None), None)
            _LAYOUTS[key] = lay
    if check_finite:
        check_finite_bank(b)
    return lay


# Recent layouts by their key (atomic dict operations only: calls may come from
# several threads).
_LAYOUTS: dict = {}


def shifted_geometry(lay: FilterbankLayout):
    """Extended-grid sizes, tap offsets (in positions), and positions per batch item."""
    ext = [o + m - 1 for o, m in zip(lay.out_spatial, lay.kshape)]
    strides = np.cumprod([1, *ext[:0:-1]])[::-1]  # positions per step along each axis
    deltas = np.zeros(int(np.prod(lay.kshape)), np.int64)
    for d, (m, st) in enumerate(zip(lay.kshape, strides)):
        grid = np.arange(m, dtype=np.int64) * st
        shape = [1] * len(lay.kshape)
        shape[d] = m
        deltas += np.broadcast_to(grid.reshape(shape), lay.kshape).ravel()
    rows = lay.out_spatial[0] * int(np.prod(ext[1:])) if ext else 1
    return ext, deltas, rows


def extended_flat(
    image_cl: np.ndarray, lay: FilterbankLayout, deltas, rows, border=None
) -> np.ndarray:
    """The channels-last image extended by ``border`` (default: the call's; NA's parts
    are zero-filled), flat per batch item, with zeros after it up to ``rows`` plus
    the last tap's offset: room for the taps of every position below ``rows``."""
    nb = image_cl.shape[0]
    first = [a + s for a, s in zip(lay.lo, lay.start)]  # window start: output start + offset
    lo = [0, *first, 0]
    hi = [nb, *(f + o + m - 1 for f, o, m in zip(first, lay.out_spatial, lay.kshape)), lay.c_in]
    border = lay.border if border is None else border
    border = Fill(0.0) if isinstance(border, NA) else border
    shape = [h - a for a, h in zip(lo, hi)]
    n = int(np.prod(shape[1:-1]))
    need = max(rows + (int(deltas.max()) if deltas.size else 0), n)
    # one buffer with the zero tail: the extension is written into its head
    flat = np.empty((nb, need, lay.c_in), lay.dtype)
    head = flat[:, :n]
    head.shape = shape  # a view (setting the shape never copies)
    extend(image_cl, border, lo, hi, dtype=lay.dtype, out=head)
    flat[:, n:] = 0
    return flat


def gemm_filterbank(
    image_cl: np.ndarray, bank: np.ndarray, lay: FilterbankLayout, border=None
) -> np.ndarray:
    """Channels-last filterbank by shifted GEMM; returns (batch, *out_spatial, C_out).

    For every tap, ``result += flat[delta : delta + rows] @ bank[tap]``, with
    BLAS accumulating in place (``beta = 1``; the first tap writes, ``beta = 0``):
    no im2col buffer at all. (Blocks of positions, to keep the block BLAS adds
    into in cache, measured no faster.)
    """
    from scipy.linalg import blas

    ext_sizes, deltas, rows = shifted_geometry(lay)
    if rows == 0:  # an empty output (BLAS refuses empty operands)
        return np.empty((image_cl.shape[0], *lay.out_spatial, lay.c_out), lay.dtype)
    flat = extended_flat(image_cl, lay, deltas, rows, border)
    weights = np.ascontiguousarray(bank, lay.dtype).reshape(deltas.size, lay.c_in, lay.c_out)
    (gemm,) = blas.get_blas_funcs(("gemm",), (weights,))
    nb = flat.shape[0]
    result = np.empty((nb, rows, lay.c_out), lay.dtype)  # the first tap writes it
    for b in range(nb):
        acc = result[b].T  # (C_out, rows), Fortran-ordered: BLAS writes it in place
        for t, d in enumerate(deltas):
            # acc += bank[t].T @ flat[d:d+rows].T, all three Fortran-ordered views
            done = gemm(
                1.0,
                weights[t].T,
                flat[b, d : d + rows].T,
                beta=0.0 if t == 0 else 1.0,
                c=acc,
                overwrite_c=True,
            )
            if done is not acc:  # BLAS had to copy: keep its result
                acc[...] = done
    grid = result.reshape(nb, lay.out_spatial[0], *ext_sizes[1:], lay.c_out)
    crop = (slice(None), slice(None), *(slice(0, o) for o in lay.out_spatial[1:]))
    return grid[crop]


def filterbank(
    image: ArrayLike,
    bank: ArrayLike,
    border: BorderLike = "reflect",
    *,
    shape: ShapeMode = "same",
    channel_axis: int = -1,
    algorithm: Literal["auto", "direct", "winograd", "gemm", "fft"] = "auto",
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
    if algorithm not in ALGORITHMS:
        raise ValueError(f"algorithm={algorithm!r} is not one of: {', '.join(ALGORITHMS)}")
    backend = route("filterbank", image)  # Dask: lazy, block by block; CuPy & co: on device
    if backend is not None:
        return backend(
            image, bank, border, algorithm=algorithm, out=out, dtype=dtype,
            shape=shape, channel_axis=channel_axis, batch_axis=batch_axis,
        )  # fmt: skip
    lay = layout(
        image, bank, border, shape=shape, channel_axis=channel_axis, batch_axis=batch_axis,
        check_finite=False,
    )  # fmt: skip
    a = np.asarray(image)
    b = np.asarray(bank)
    cl = lay.to_channels_last(a)
    if algorithm == "auto":
        algorithm = lay.derived.get("auto")
        if algorithm is None:
            from ._filterbank_choice import choose_filterbank_strategy

            algorithm = lay.derived["auto"] = choose_filterbank_strategy(lay, cl.shape[0])
    if algorithm == "fft":
        from ._filterbank_fft import fft_filterbank as run
    elif algorithm == "direct":  # checks the bank's values itself, as it runs
        from ._filterbank_direct import direct_filterbank as run
    elif algorithm == "winograd":  # likewise (through the direct loop)
        from ._filterbank_winograd import winograd_filterbank as run
    else:
        run = gemm_filterbank
    if algorithm not in ("direct", "winograd"):
        check_finite_bank(b)
    if isinstance(lay.border, NA):
        missing = np.isnan(cl)
        values = np.where(missing, 0, cl)
        num = run(values, b, lay)
        den = run((~missing).astype(lay.dtype), b, lay)
        with np.errstate(divide="ignore", invalid="ignore"):
            res = num / den
        res[den == 0] = np.nan
    else:
        res = run(cl, b, lay)
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
