"""FFT strategy: correlation as a product of real spectra (scipy.fft), in tiles.

The border is applied first: the image is extended over the window the
output reads, exactly as for the direct strategy, so every border gives the
direct result up to rounding. The correlation ``out[i] = sum_j w[j] P[i+j]``
is the part of the circular convolution of ``P`` with the reversed kernel
that no wrap-around reaches, so a transform of length ``L`` yields
``L - m + 1`` exact outputs along an axis with ``m`` taps.

The output is cut into tiles of ``B`` values per transformed axis
(overlap-save, as scipy.signal.oaconvolve): each tile reads a window of
``L = B + m - 1`` values, with ``L`` a fast FFT length chosen to minimise
the transform work per output value; small outputs are one tile. All the
tiles of a slab are transformed in one batched call, with the kernel's
spectrum computed once at the tile size. Slabs along the first transformed
axis bound memory to a few times the slab size (``Fft.slab_bytes``: an eighth
of the image, from 1 to 8 MB), so the peak stays under 4x the input. Axes the kernel does not
extend along (channels, unfiltered axes) are batched, not transformed.

The slabs run on all threads, each slab's transforms on one (scipy.fft and
numpy release the GIL), so the extension, the spectrum product and the
untiling copies run in parallel too, and the transforms' outputs stay
small enough to be reused rather than faulted in afresh.

The loop is ``fft/overlap-save`` (``fft/scaled-copy`` for a single tap);
its tile lengths, and the kernel's spectrum when it is at most
``Fft.spectrum_bytes``, are prepared with the plan. NaN or inf in the image
would spread over the whole output through the transform; such images are
filtered by the direct strategy instead, so they stay local
(ImageFiltering.jl guards the same way): the one choice made on the
image's values, at run time.
"""

from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ...borders._pad import extend
from .._costs import COST, cast_cost, scale
from .._strategy import Prepared, Strategy
from ._threads import run_tasks, threads
from .direct import DIRECT

if TYPE_CHECKING:
    from .._plan import Plan

__all__ = ["FFT", "Fft", "correlate", "fft_shape", "next_fast_len", "tile_lengths"]


class Fft(Strategy):
    """Correlation as a product of real spectra, in overlap-save tiles (see the module).

    Parameters
    ----------
    spectrum_bytes : int
        The kernel's spectrum is prepared with the plan when it takes at most
        this many bytes (a plan keeps it, and imfilter keeps up to 256 plans);
        a larger one is made on each call.
    max_slab_bytes, min_slab_bytes : int
        Extended input per slab: an eighth of the image, within these bounds.
        This bounds the working memory (a few slabs: tiles, spectra, results)
        to a fraction of the image beside the output; larger slabs run slower
        (cache).
    """

    name = algorithm = "fft"

    def __init__(self, spectrum_bytes=2**20, max_slab_bytes=8 * 2**20, min_slab_bytes=2**20):
        self.spectrum_bytes = spectrum_bytes
        self.max_slab_bytes = max_slab_bytes
        self.min_slab_bytes = min_slab_bytes

    def slab_bytes(self, image_bytes: int) -> int:
        """Extended input per slab for an image of ``image_bytes``."""
        return int(min(self.max_slab_bytes, max(self.min_slab_bytes, image_bytes // 8)))

    def cost(self, plan: Plan) -> float:
        k = plan.kernel
        axes = [d for d, m in enumerate(k.shape) if m > 1]
        if not axes:
            return DIRECT.cost(plan)
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
        return COST["fft_call"] + scale(plan) * work + cast_cost(plan)

    def prepare(self, plan: Plan, image_dtype, out_dtype) -> Prepared:
        image_dtype, out_dtype = np.dtype(image_dtype), np.dtype(out_dtype)
        k = plan.kernel
        axes = [d for d, m in enumerate(k.shape) if m > 1]
        if not axes:
            return Prepared("fft/scaled-copy", plan, image_dtype, out_dtype)
        tiles = [tile_lengths(k.shape[d], plan.out_shape[d], len(axes)) for d in axes]
        lengths = tuple(L for L, _ in tiles)
        spectrum = None
        size = math.prod(lengths[:-1]) * (lengths[-1] // 2 + 1) * 2 * out_dtype.itemsize
        if size <= self.spectrum_bytes:
            spectrum = _spectrum(k, axes, lengths, out_dtype)
            spectrum.flags.writeable = False
        image_bytes = math.prod(plan.image_shape) * image_dtype.itemsize
        state = (axes, lengths, tuple(B for _, B in tiles), spectrum, self.slab_bytes(image_bytes))
        return Prepared("fft/overlap-save", plan, image_dtype, out_dtype, state)

    def run(self, prepared: Prepared, image: np.ndarray, out: np.ndarray) -> None:
        if out.size == 0:
            return
        plan = prepared.plan
        if image.dtype.kind == "f" and not np.isfinite(image).all():
            DIRECT.run(DIRECT.prepare(plan, image.dtype, out.dtype), image, out)
            return
        if prepared.state is None:  # a single tap: a scaled, shifted copy
            lo, hi = plan.window()
            src = extend(image, plan.border, lo, hi, dtype=out.dtype)
            np.multiply(src, plan.kernel.weights.reshape(()), out=out)
            return
        _overlap_save(image, plan, out, *prepared.state)


FFT = Fft()


def _spectrum(k, axes, lengths, dtype) -> np.ndarray:
    """The spectrum of the reversed kernel at the tile lengths."""
    rev = np.ascontiguousarray(k.weights[(slice(None, None, -1),) * k.ndim], dtype=dtype)
    rev = rev.reshape([k.shape[d] for d in axes])
    import scipy.fft as sfft  # scipy.fft loads when a plan first prepares a spectrum

    return sfft.rfftn(rev, s=lengths, workers=-1)


@functools.lru_cache(maxsize=4096)
def next_fast_len(n: int) -> int:
    """The least 5-smooth length (2**a * 3**b * 5**c) at least ``n``: what
    ``scipy.fft.next_fast_len(n, real=True)`` returns, without importing scipy.fft
    (ranking the FFT strategy must not load it)."""
    if n <= 6:
        return max(n, 1)
    best = 2 ** (n - 1).bit_length()
    p5 = 1
    while p5 < best:
        p35 = p5
        while p35 < best:
            m = p35  # the least p35 * 2**k at least n
            while m < n:
                m *= 2
            best = min(best, m)
            p35 *= 3
        p5 *= 5
    return best


def _work_per_output(L: int, B: int, k: int) -> float:
    """Transform work per output value for tiles of L (B exact outputs), k axes."""
    n = L**k
    return n * math.log2(max(n, 2)) / B**k


@functools.lru_cache(maxsize=1024)
def tile_lengths(m: int, n_out: int, k: int) -> tuple[int, int]:
    """Transform length ``L`` and tile size ``B`` (exact outputs per tile) along one axis.

    Among fast lengths from ``2m`` up (with ``B = L - m + 1``), the one with
    the least work per output value; or one tile covering the whole axis
    (``B = n_out``, ``L >= n_out + m - 1``) when that is no more work.
    """
    n_out = max(n_out, 1)
    whole = next_fast_len(n_out + m - 1)
    best = (_work_per_output(whole, n_out, k), whole, n_out)
    L = next_fast_len(2 * m)
    while L < whole:
        B = L - m + 1
        # Tiles past the end still cost: count whole tiles.
        tiles = -(-n_out // B)
        work = _work_per_output(L, B, k) * tiles * B / n_out
        if work < best[0]:
            best = (work, L, B)
        L = next_fast_len(L + 1)
    return best[1], best[2]


def fft_shape(window_shape, axes, kshape=None) -> tuple[int, ...]:
    """Transform lengths along ``axes`` for a window (one tile per axis when no kshape)."""
    if kshape is None:
        return tuple(next_fast_len(window_shape[d]) for d in axes)
    k = len(axes)
    return tuple(tile_lengths(kshape[d], window_shape[d] - kshape[d] + 1, k)[0] for d in axes)


def _tiles(src: np.ndarray, axes, lengths, blocks, counts) -> np.ndarray:
    """A read-only view of ``src`` as tiles: (tile index per axis, other axes, tile)."""
    others = [d for d in range(src.ndim) if d not in axes]
    shape = [counts[i] for i in range(len(axes))] + [src.shape[d] for d in others] + list(lengths)
    strides = (
        [blocks[i] * src.strides[d] for i, d in enumerate(axes)]
        + [src.strides[d] for d in others]
        + [src.strides[d] for d in axes]
    )
    return as_strided(src, shape=shape, strides=strides, writeable=False)


def _untile(tiles: np.ndarray, axes, ndim: int) -> np.ndarray:
    """Inverse layout of ``_tiles`` for the output blocks: back to image axes."""
    k = len(axes)
    others = [d for d in range(ndim) if d not in axes]
    # tiles axes: [t_0..t_{k-1}] + others + [b_0..b_{k-1}]
    order, shape = [], []
    for d in range(ndim):
        if d in axes:
            i = axes.index(d)
            order += [i, k + len(others) + i]
            shape.append(tiles.shape[i] * tiles.shape[k + len(others) + i])
        else:
            j = others.index(d)
            order.append(k + j)
            shape.append(tiles.shape[k + j])
    return tiles.transpose(order).reshape(shape)


def correlate(image: np.ndarray, plan: Plan, out: np.ndarray) -> None:
    """Write the correlation of ``image`` with ``plan.kernel`` into ``out`` (float32 or
    float64), preparing the transform for this call."""
    FFT.run(FFT.prepare(plan, image.dtype, out.dtype), image, out)


def _overlap_save(image, plan, out, axes, lengths, blocks, spectrum, budget) -> None:
    """The tiles of every slab into ``out``."""
    k = plan.kernel
    lo, hi = plan.window()
    counts = [-(-out.shape[d] // b) for d, b in zip(axes, blocks)]
    if spectrum is None or spectrum.dtype != np.result_type(out.dtype, np.complex64):
        spectrum = _spectrum(k, axes, lengths, out.dtype)

    # Slabs: groups of tile rows along the first transformed axis.
    a0 = axes[0]
    row_bytes = (
        out.dtype.itemsize
        * lengths[0]
        * np.prod(
            [
                (hi[d] - lo[d]) if d not in axes else counts[axes.index(d)] * lengths[axes.index(d)]
                for d in range(out.ndim)
                if d != a0
            ]
        )
    )
    rows_per_slab = max(1, int(budget // max(row_bytes, 1)))
    spans = [b + k.shape[d] - 1 for d, b in zip(axes, blocks)]  # each tile's window
    starts = list(range(0, counts[0], rows_per_slab))
    # Slabs on all threads, each transform on one (scipy.fft and numpy release the
    # GIL): the copies around the transforms run in parallel too. One slab: its
    # transform on all threads.
    workers = 1 if len(starts) > 1 and threads() > 1 else -1

    def slabs(i0, i1):
        for t0 in starts[i0:i1]:
            _slab(image, plan, out, t0, min(t0 + rows_per_slab, counts[0]), axes, lengths,
                  blocks, counts, spans, spectrum, workers)  # fmt: skip

    if workers == 1:
        run_tasks(slabs, len(starts))
    else:
        slabs(0, len(starts))


def _slab(image, plan, out, t0, t1, axes, lengths, blocks, counts, spans, spectrum, workers):
    """Tile rows ``t0 .. t1`` along the first transformed axis into ``out``."""
    k = plan.kernel
    kk = len(axes)
    lo, hi = plan.window()
    a0 = axes[0]
    s_lo, s_hi = list(lo), list(hi)
    for i, d in enumerate(axes):
        first, last = (t0, t1) if i == 0 else (0, counts[i])
        s_lo[d] = lo[d] + first * blocks[i]
        s_hi[d] = lo[d] + last * blocks[i] + k.shape[d] - 1
    src = extend(image, plan.border, s_lo, s_hi, dtype=out.dtype)
    slab_counts = [t1 - t0, *counts[1:]]
    tiles = _tiles(src, axes, spans, blocks, slab_counts)
    tile_axes = tuple(range(tiles.ndim - kk, tiles.ndim))
    import scipy.fft as sfft

    spec = sfft.rfftn(tiles, s=lengths, axes=tile_axes, workers=workers)
    spec *= spectrum
    full = sfft.irfftn(spec, s=lengths, axes=tile_axes, workers=workers, overwrite_x=True)
    valid = full[
        (Ellipsis, *(slice(k.shape[d] - 1, k.shape[d] - 1 + b) for d, b in zip(axes, blocks)))
    ]
    result = _untile(valid, axes, out.ndim)
    dst = [slice(None)] * out.ndim
    dst[a0] = slice(t0 * blocks[0], min(t1 * blocks[0], out.shape[a0]))
    crop = tuple(slice(0, n) for n in out[tuple(dst)].shape)
    out[tuple(dst)] = result[crop]
