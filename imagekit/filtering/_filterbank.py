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

from typing import Literal

import numpy as np

from .._dtypes import compute_dtype
from ..borders import NA, Fill, normalize_border
from ..borders._pad import extend
from ._options import as_image, check_axis, normalize_shape

__all__ = [
    "ALGORITHMS",
    "BankAlgorithm",
    "FilterbankLayout",
    "check_finite_bank",
    "gemm_filterbank",
    "layout",
]

ALGORITHMS = ("auto", "direct", "winograd", "gemm", "fft")
BankAlgorithm = Literal["auto", "direct", "winograd", "gemm", "fft"]


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
        self.channel_axis = check_axis(channel_axis, a.ndim, "channel_axis")
        self.batch_axis = (
            None if batch_axis is None else check_axis(batch_axis, a.ndim, "batch_axis")
        )
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


def layout(
    image, bank, border="reflect", *, shape="same", channel_axis=-1, batch_axis=None,
    check_finite=True,
):  # fmt: skip
    """Resolve a filterbank call (checks every argument, the bank's values only with
    ``check_finite``); see :class:`FilterbankLayout`.

    A layout depends on the arrays' shapes and dtypes and the other arguments
    only, so the last few are kept and a repeated call (a CNN layer in a loop)
    finds its own: resolving one anew is a noticeable share of a small layer's
    call."""
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
    into in cache, are no faster.)
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
