"""FFT strategy: correlation as a product of real spectra (scipy.fft), in tiles.

The border is applied first: the image is extended over the window the
output reads, exactly as for the direct strategy, so every border gives the
direct result up to rounding. The correlation ``out[i] = sum_j w[j] P[i+j]``
is the part of the circular convolution of ``P`` with the reversed kernel
that no wrap-around reaches, so a transform of length ``L`` yields
``L - m + 1`` exact outputs along an axis with ``m`` taps.

The output is cut into tiles of ``B`` values per transformed axis
(overlap-save, as scipy.signal.oaconvolve): each tile reads a window of
exactly ``L = B + m - 1`` values, with ``L`` a fast FFT length
(``next_fast_len``) chosen to transform the fewest values per output: a
transform costs about the same per value at any length whose spectrum fits
the cache (``TILE_POINTS``), more beyond; small outputs are one tile. The
extension reaches the last tile's end, so no tile is zero-padded or copied
before its transform.

Tiles are transformed in groups, each a run of tiles along the second
transformed axis (the first with one) in one batched real transform with
one worker, into buffers each thread keeps (``_transforms``); the kernel's
spectrum, at the tile length, is prepared once with the plan. Each group
extends the part of the image it reads, transforms, multiplies and writes
its outputs, so the groups share the threads
(``run_tasks``; scipy.fft and numpy release the GIL) with everything around
the transforms, and a group's working memory stays within the budget
(``Fft.slab_bytes``: an eighth of the image, from 1 to 8 MB). A single tile,
a small image's, runs on the calling thread: no hand-off. Axes the kernel
does not extend along (channels, unfiltered axes) are batched, not
transformed.

The loop is ``fft/overlap-save`` (``fft/scaled-copy`` for a single tap);
its tile lengths, and the kernel's spectrum when it is at most
``Fft.spectrum_bytes``, are prepared with the plan. NaN or inf in the image
would spread over the whole output through the transform; each group checks
the image it reads before its transforms, and such images are filtered by
the direct strategy instead, so they stay local
(ImageFiltering.jl guards the same way): the one choice made on the
image's values, at run time.
"""

from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..._workspace import Workspace
from ...borders import NA, Fill
from ...borders._pad import extend
from .._costs import COST, cast_cost, scale
from .._strategy import Prepared, Strategy
from .._transforms import irfftn_into, rfftn_into
from ._threads import run_tasks, threads
from .direct import DIRECT

if TYPE_CHECKING:
    from .._plan import Plan

# A transform of at most this many values fits the cache (its spectrum, about
# 4 MB in complex64, in the L3 cache beside the tile's input).
TILE_POINTS = 2**20
# Time per value of a transform that does not fit, relative to one that does.
LARGE_TILE = 1.5
# Values per group of tiles a thread transforms in one call: fewer calls amortise
# scipy.fft's overhead per call over small tiles.
TASK_POINTS = 2**18
# A group of at most this many tiles writes each tile's outputs into the output
# directly; a larger one (small tiles) gathers them in one copy first.
DIRECT_WRITES = 8
# A single tile of more than this many values counts twice (where several tiles
# share the threads, the transforms of one split less well) and runs its
# transforms with a worker per thread.
SPLIT_POINTS = 2**17

_ws = Workspace(__name__)  # each thread's tiles, their spectra and results

__all__ = [
    "FFT",
    "Fft",
    "correlate",
    "fft_shape",
    "next_fast_len",
    "tile_lengths",
]


class Fft(Strategy):
    """Correlation as a product of real spectra, in overlap-save tiles (see the module).

    Parameters
    ----------
    spectrum_bytes : int
        The kernel's spectrum is prepared with the plan when it takes at most
        this many bytes (a plan keeps it, and imfilter keeps up to 256 plans);
        a larger one is made on each call.
    max_slab_bytes, min_slab_bytes : int
        Tile input per group of tiles: an eighth of the image, within these
        bounds (a group holds at least one tile). This bounds the working
        memory (per thread: the group's extension, spectra, results) to a
        fraction of the image beside the output.
    """

    name = algorithm = "fft"

    def __init__(self, spectrum_bytes=4 * 2**20, max_slab_bytes=8 * 2**20, min_slab_bytes=2**20):
        self.spectrum_bytes = spectrum_bytes
        self.max_slab_bytes = max_slab_bytes
        self.min_slab_bytes = min_slab_bytes

    def slab_bytes(self, image_bytes: int) -> int:
        """Tile input per group of tiles for an image of ``image_bytes``."""
        return int(min(self.max_slab_bytes, max(self.min_slab_bytes, image_bytes // 8)))

    def cost(self, plan: Plan) -> float:
        k = plan.kernel
        axes = [d for d, m in enumerate(k.shape) if m > 1]
        if not axes:
            return DIRECT.cost(plan)
        lo, hi = plan.window()
        window = [b - a for a, b in zip(lo, hi)]
        n_fft, tiles = 1.0, 1.0
        batch = math.prod(window[d] for d in range(len(window)) if d not in axes)
        for d in axes:
            L, B = tile_lengths(k.shape[d], plan.out_shape[d], len(axes), batch)
            n_fft *= L
            tiles *= -(-plan.out_shape[d] // B)
        n_in = float(np.prod(window))
        # a transform that leaves the cache costs more per value; a single tile of
        # more than SPLIT_POINTS values counts twice (_points_per_output weighs the
        # same); a smaller one runs on one thread where the other strategies'
        # threads would not pay for their hand-off either
        factor = LARGE_TILE if n_fft > TILE_POINTS else 1.0
        if tiles == 1 and threads() > 1 and batch * n_fft > SPLIT_POINTS:
            factor *= 2.0
        fft = COST["fft"] * factor * batch * tiles * n_fft * np.log2(n_fft)
        return COST["fft_start"] + scale(plan) * (COST["copy"] * n_in + fft) + cast_cost(plan)

    def prepare(self, plan: Plan, image_dtype, out_dtype) -> Prepared:
        image_dtype, out_dtype = np.dtype(image_dtype), np.dtype(out_dtype)
        k = plan.kernel
        axes = [d for d, m in enumerate(k.shape) if m > 1]
        if not axes:
            return Prepared("fft/scaled-copy", plan, image_dtype, out_dtype)
        lo, hi = plan.window()
        batch = math.prod(hi[d] - lo[d] for d in range(k.ndim) if d not in axes)
        tiles = [tile_lengths(k.shape[d], plan.out_shape[d], len(axes), batch) for d in axes]
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
        if prepared.state is None:  # a single tap: a scaled, shifted copy
            lo, hi = plan.window()
            src = extend(image, plan.border, lo, hi, dtype=out.dtype)
            np.multiply(src, plan.kernel.weights.reshape(()), out=out)
            return
        if not _overlap_save(image, plan, out, *prepared.state):
            DIRECT.run(DIRECT.prepare(plan, image.dtype, out.dtype), image, out)


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


def _points_per_output(L: int, m: int, n_out: int, k: int, batch: int) -> float:
    """Values transformed per output value with tiles of ``L`` along each of ``k``
    axes: whole tiles, past the end too; a transform larger than ``TILE_POINTS``
    counts ``LARGE_TILE`` times its size (it no longer fits the cache), a single
    tile of more than ``SPLIT_POINTS`` values (``batch`` transforms) twice."""
    tiles = -(-n_out // (L - m + 1))
    n = L**k
    factor = LARGE_TILE if n > TILE_POINTS else 1.0
    if tiles == 1 and n * batch > SPLIT_POINTS:
        factor *= 2.0
    return (tiles * L / n_out) * factor ** (1 / k)


@functools.lru_cache(maxsize=1024)
def tile_lengths(m: int, n_out: int, k: int, batch: int = 1) -> tuple[int, int]:
    """Transform length ``L`` and tile size ``B = L - m + 1`` (exact outputs per tile)
    along one axis, for ``k`` transformed axes and ``batch`` transforms per tile
    (channels).

    Among the fast lengths from ``2m`` up to one tile covering the whole axis,
    the one that transforms the fewest values per output (a transform costs
    about the same per value at any length that fits the cache).
    """
    n_out = max(n_out, 1)
    whole = next_fast_len(n_out + m - 1)
    best = (_points_per_output(whole, m, n_out, k, batch), whole)
    L = next_fast_len(2 * m)
    while L < whole:
        work = _points_per_output(L, m, n_out, k, batch)
        if work < best[0]:
            best = (work, L)
        L = next_fast_len(L + 1)
    return best[1], best[1] - m + 1


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


def _transform(part, spectrum, lengths, dtype, workers) -> np.ndarray:
    """The tiles ``part`` (their last ``len(lengths)`` axes transformed) correlated with
    the kernel's ``spectrum``: forward, product, inverse, in this thread's kept
    buffers."""
    axes = tuple(range(part.ndim - len(lengths), part.ndim))
    cshape = (*part.shape[:-1], lengths[-1] // 2 + 1)
    spec = _ws.buffer("spectra", cshape, np.result_type(dtype, np.complex64))
    spec = rfftn_into(part, axes, spec, workers)
    spec *= spectrum
    full = _ws.buffer("results", part.shape, dtype)
    return irfftn_into(spec, lengths[-1], axes, full, workers)


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


def _overlap_save(image, plan, out, axes, lengths, blocks, spectrum, budget) -> bool:
    """The tiles of the extended image into ``out``, in groups shared among the threads.

    Returns False, with ``out`` incomplete, when the image holds NaN or inf
    (each group checks the part of the image it reads, before its transforms).
    """
    k = plan.kernel
    counts = [-(-out.shape[d] // b) for d, b in zip(axes, blocks)]
    if spectrum is None or spectrum.dtype != np.result_type(out.dtype, np.complex64):
        spectrum = _spectrum(k, axes, lengths, out.dtype)
    lo, hi = plan.window()
    batch = math.prod(hi[d] - lo[d] for d in range(out.ndim) if d not in axes)
    points = batch * math.prod(lengths)  # real values one tile transforms
    # Tiles per group: enough to amortise a call's overhead, few enough that a
    # group's spectra stay within the budget; groups split the second tile axis
    # (the first with one transformed axis), so two threads get equal shares.
    split = 1 if len(axes) > 1 else 0
    per_group = max(1, min(TASK_POINTS // points, budget // (points * out.dtype.itemsize)))
    per_group = min(per_group, counts[split])
    groups = -(-counts[split] // per_group)
    ntasks = (counts[0] if split else 1) * groups
    check = image.dtype.kind == "f"
    finite = [True]

    def run(t0, t1):
        for t in range(t0, t1):
            row, g = divmod(t, groups)
            first = [row] if split else []
            first += [g * per_group] + [0] * (len(axes) - len(first) - 1)
            last = [f + 1 for f in first]
            last[split] = min((g + 1) * per_group, counts[split])
            last[split + 1 :] = counts[split + 1 :]
            ok = _group(
                image, plan, out, first, last, axes, lengths, blocks, spectrum, check, workers
            )
            finite[0] = finite[0] and ok

    # one worker per transform where the groups share the threads; a single tile runs
    # on the calling thread, with every thread's worker in its transforms where it
    # is large enough to split
    workers = threads() if ntasks == 1 and points > SPLIT_POINTS else 1
    if ntasks == 1:
        run(0, 1)
    else:
        run_tasks(run, ntasks)
    return finite[0]


def _group(image, plan, out, first, last, axes, lengths, blocks, spectrum, check, workers=1):
    """Tiles ``first[i] .. last[i]`` along each transformed axis into ``out``; False
    (and nothing written) when ``check`` finds NaN or inf in the image they read."""
    k = plan.kernel
    kk = len(axes)
    lo, hi = plan.window()
    s_lo, s_hi = list(lo), list(hi)
    for i, d in enumerate(axes):  # the tiles' window: each tile reads exactly L values
        s_lo[d] = lo[d] + first[i] * blocks[i]
        s_hi[d] = lo[d] + (last[i] - 1) * blocks[i] + lengths[i]
    shape = tuple(h - l_ for l_, h in zip(s_lo, s_hi))
    src = extend(
        image, plan.border, s_lo, s_hi, dtype=out.dtype, out=_ws.buffer("tiles", shape, out.dtype)
    )
    if check:  # the image's values the tiles read: all of src, or its inside with a fill
        inside = src
        if isinstance(plan.border, (Fill, NA)):
            inside = image[
                tuple(
                    slice(max(a, 0), max(min(b, n), 0)) for a, b, n in zip(s_lo, s_hi, image.shape)
                )
            ]
        # NaN carries through min and max, inf shows in one: no mask allocated
        if inside.size and not (np.isfinite(inside.min()) and np.isfinite(inside.max())):
            return False
    part = _tiles(src, axes, lengths, blocks, [b - a for a, b in zip(first, last)])
    full = _transform(part, spectrum, lengths, out.dtype, workers)
    lo_k = [k.shape[d] - 1 for d in axes]
    if math.prod(full.shape[:kk]) > DIRECT_WRITES:  # many small tiles: one copy, then one write
        valid = full[(Ellipsis, *(slice(a, a + b) for a, b in zip(lo_k, blocks)))]
        result = _untile(valid, axes, out.ndim)
        dst = [slice(None)] * out.ndim
        for i, d in enumerate(axes):
            start = first[i] * blocks[i]
            dst[d] = slice(start, min(start + result.shape[d], out.shape[d]))
        target = out[tuple(dst)]
        target[...] = result[tuple(slice(0, n) for n in target.shape)]
        return True
    # Each tile's exact outputs straight into ``out`` (its axes in the tile's order).
    others = [d for d in range(out.ndim) if d not in axes]
    order = others + list(axes)
    for index in np.ndindex(*full.shape[:kk]):
        dst = [slice(None)] * out.ndim
        for i, d in enumerate(axes):
            start = (first[i] + index[i]) * blocks[i]
            dst[d] = slice(start, min(start + blocks[i], out.shape[d]))
        target = out[tuple(dst)].transpose(order)
        crop = tuple(slice(a, a + n) for a, n in zip(lo_k, target.shape[len(others) :]))
        target[...] = full[index][(Ellipsis, *crop)]
    return True
