"""Dask arrays in, lazy Dask arrays out: the same results as in memory.

Each output block is one task. Its window is the block plus the kernel's
halo on the sides the offsets reach; along each axis an index map (the
border's, as in memory) says which image index every window position reads,
or -1 for a fill. The task gets exactly the image chunks those indices fall
in (for ``wrap``, the far edge's), assembles the window, and filters it in
memory with ``shape="valid"`` and whatever strategy suits the block. So
every border (wrap and NA included) is exact at the image's true edges,
chunks may be smaller than the halo, the output keeps the input's chunks,
and Dask frees an input chunk once the blocks beside it are done. This is
the strategy ``dask-blocks`` of the registry's ``'imfilter-dask'`` and
``'filterbank-dask'`` operations, ranked like the in-memory ones; its plans
(:func:`imfilter_plan`, :func:`filterbank_plan`) name it and its loop.

``padarray`` builds its lazy result from slices of the image and constant
blocks, concatenated around it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools

import numpy as np

from ..._config import current, using
from ...borders import NA, Border, Fill, normalize_border
from ...borders._pad import _as_pad, _fill_dtype, index_runs, pad_indices
from .. import _filterbank_plan, _imfilter, _tier
from .._filterbank import layout
from .._filterbank_plan import keep_bank, make_bank_plan
from .._plan import Plan, make_plan
from .._registry import rank, with_ranking
from .._strategy import Prepared, Strategy

__all__ = [
    "FILTERBANK_BLOCKS",
    "IMFILTER_BLOCKS",
    "extend",
    "filterbank",
    "filterbank_plan",
    "imfilter",
    "imfilter_plan",
    "kept_filterbank_plan",
    "magnitude",
    "padarray",
    "run_filterbank_plan",
    "run_plan",
]


def _extend_axis(x, axis: int, lo: int, hi: int, border: Border, fill):
    """``x`` along ``axis`` continued to positions ``[lo, hi)`` by ``border``."""
    import dask.array as da

    pieces = []
    for _, length, first, step in index_runs(pad_indices(x.shape[axis], lo, hi, border)):
        if step == 0:
            shape = list(x.shape)
            shape[axis] = length
            pieces.append(da.full(tuple(shape), fill, dtype=x.dtype))
            continue
        last = first + step * (length - 1)
        index = [slice(None)] * x.ndim
        index[axis] = (
            slice(first, last + 1) if step > 0 else slice(first, last - 1 if last else None, -1)
        )
        pieces.append(x[tuple(index)])
    return pieces[0] if len(pieces) == 1 else da.concatenate(pieces, axis=axis)


def extend(x, border, lo, hi):
    """The window ``[lo, hi)`` of a Dask image continued by ``border`` (lazy).

    Like the in-memory ``extend`` (``imagekit.borders._pad``): ``NA`` continues with NaN (integer
    images become float64), a fill the dtype cannot hold promotes it.
    """
    b = normalize_border(border)
    fill = 0
    if isinstance(b, NA):
        fill = np.nan
        if x.dtype.kind not in "fc":
            x = x.astype(np.float64)
    elif isinstance(b, Fill):
        fill = b.value
        x = x.astype(_fill_dtype(x.dtype, b.value))
    for axis, (a, z) in enumerate(zip(lo, hi)):
        if (a, z) != (0, x.shape[axis]):
            x = _extend_axis(x, axis, a, z, b, fill)
    return x


def padarray(image, border, pad):
    """:func:`imagekit.padarray` for a Dask array: a lazy Dask array."""
    pads = _as_pad(pad, image.ndim)
    lo = [-p for p, _ in pads]
    hi = [n + q for n, (_, q) in zip(image.shape, pads)]
    return extend(image, border, lo, hi)


def magnitude(gradients):
    """:func:`imagekit.magnitude` of Dask gradients: a lazy Dask array."""
    import dask.array as da

    return da.sqrt(sum(abs(g) ** 2 for g in gradients))


def _chunks_like(chunks, n: int):
    """Chunks for an axis of length ``n``: ``chunks`` when they add up to it, else about
    their size (a 'valid' or 'full' output)."""
    if sum(chunks) == n:
        return tuple(chunks)
    size = max(max(chunks, default=1), 1)
    return tuple(min(size, n - i) for i in range(0, n, size)) or (0,)


def _axis_plan(index_map: np.ndarray, chunks, out_chunks, halo):
    """Per output block along one axis: the image chunks its window touches and,
    for each window position, its place in those chunks put end to end (-1: fill)."""
    bounds = np.cumsum((0, *chunks))
    starts = np.cumsum((0, *out_chunks))
    plans = []
    for i in range(len(out_chunks)):
        idx = index_map[starts[i] : starts[i + 1] + halo] if halo is not None else index_map
        inside = idx >= 0
        owner = np.searchsorted(bounds, idx[inside], side="right") - 1
        touched = np.unique(owner)
        # offset of each touched chunk once they are put end to end
        offsets = np.cumsum((0, *(bounds[touched + 1] - bounds[touched])))[:-1]
        pos = np.full(idx.size, -1, np.int64)
        slot = np.searchsorted(touched, owner)
        pos[inside] = offsets[slot] + idx[inside] - bounds[owner]
        plans.append((tuple(int(t) for t in touched), pos))
    return plans


def _window(chunks, positions, fill, dtype):
    """The window from the touched chunks (a nested list, grid order) and each axis'
    positions in them; positions of -1 hold ``fill``."""
    shape = tuple(p.size for p in positions)
    if any(np.all(p < 0) for p in positions):  # nothing of the image: all fill
        return np.full(shape, fill, dtype)
    sub = np.block(chunks)
    window = sub[np.ix_(*[np.maximum(p, 0) for p in positions])].astype(dtype, copy=False)
    n = len(positions)
    missing = [
        (p < 0).reshape([-1 if d == i else 1 for d in range(n)]) for i, p in enumerate(positions)
    ]
    if any(m.any() for m in missing):
        window[functools.reduce(np.logical_or, missing)] = fill
    return window


def _run_window(func, settings, kept, fill, dtype, positions, chunks):
    # the settings of the call that made the graph, and a kept plan's ranking
    with using(settings), _tier.kept() if kept else contextlib.nullcontext():
        return func(_window(chunks, positions, fill, dtype))


def _nested(name, grid):
    """Task keys of the chunks ``grid`` (one tuple of chunk ids per axis), nested by axis."""
    if len(grid) == 1:
        return [(name, *t) for t in ((i,) for i in grid[0])]

    def level(prefix, rest):
        if len(rest) == 1:
            return [(name, *prefix, i) for i in rest[0]]
        return [level((*prefix, i), rest[1:]) for i in rest[0]]

    return level((), grid)


def _map_windows(image, index_maps, border, halo, out_chunks, func, dtype, label, kept):
    """The lazy array whose block ``[o0, o1)`` (per axis) is ``func`` of the window
    ``[o0, o1 + halo)`` of the image continued by ``border`` (``index_maps[axis]``:
    the image index of each window position, -1 for a fill); a halo of None takes
    the whole axis. The tasks run under the settings in force now and, with
    ``kept`` (a plan the user keeps), inside ``_tier.kept``: worker threads do not
    inherit the caller's context.

    One task per output block, reading just the image chunks its window touches
    (for ``wrap``, the far edge's): so Dask frees a chunk as soon as the blocks
    beside it are done.
    """
    import dask.array as da
    from dask.base import tokenize
    from dask.highlevelgraph import HighLevelGraph

    fill, src = 0, image.dtype
    if isinstance(border, NA):
        fill, src = np.nan, np.result_type(src, np.float64) if src.kind not in "fc" else src
    elif isinstance(border, Fill):
        fill, src = border.value, _fill_dtype(src, border.value)
    axes = [
        _axis_plan(m, c, o, h) for m, c, o, h in zip(index_maps, image.chunks, out_chunks, halo)
    ]
    settings = current()
    name = f"imagekit-{label}-" + tokenize(
        image, index_maps, border, halo, out_chunks, func, settings, kept
    )
    graph = {}
    for index in np.ndindex(*(len(c) for c in out_chunks)):
        parts = [axes[d][i] for d, i in enumerate(index)]
        grid = [t for t, _ in parts]
        positions = [p for _, p in parts]
        keys = _nested(image.name, grid) if image.ndim else (image.name,)
        graph[(name, *index)] = (_run_window, func, settings, kept, fill, src, positions, keys)
    hlg = HighLevelGraph.from_collections(name, graph, dependencies=[image])
    return da.Array(
        hlg, name, chunks=out_chunks, dtype=dtype, meta=np.empty((0,) * image.ndim, dtype)
    )


def _block_border(border):
    # NA: NaN in a window is missing. Other borders are never reached by the
    # exact strategies: 'valid' reads inside the window, which already holds the
    # image's continuation. The recursive Gaussian ('iir', approximate) starts
    # its recursions from the window's edge pixels.
    return border if isinstance(border, NA) else "nearest"


def _same_then_crop(window, kernel, border, dtype):
    full = _imfilter.imfilter(window, kernel, border, algorithm="iir", dtype=dtype)
    core = tuple(
        slice(-s, -s + n - m + 1) for s, n, m in zip(kernel.start, window.shape, kernel.shape)
    )
    return full[core]


class _Blocks(Strategy):
    """Each output block filtered in memory from its window: the block and the
    kernel's halo, continued by the border at the image's edges (see the module
    docstring). The in-memory planner chooses the strategy of every block (for
    the ``algorithm=`` asked for). ``run(prepared, image)`` returns the lazy array."""

    name, algorithm = "dask-blocks", "auto"

    def cost(self, plan) -> float:
        return 0.0  # the only Dask strategy: the blocks' own plans are ranked in memory

    def prepare(self, plan, image_dtype, out_dtype):
        # state: whether the plan is a kept one, for the blocks' own plans
        loop = f"{self.name}/halo-windows"
        return Prepared(loop, plan, np.dtype(image_dtype), np.dtype(out_dtype), _tier.keeping())


class ImfilterBlocks(_Blocks):
    operation = "imfilter-dask"

    def run(self, prepared, image):
        plan = prepared.plan
        k = plan.kernel
        lo, hi = plan.window()
        border = _block_border(plan.border)
        if plan.strategy == "iir":
            # the recursive Gaussian computes 'same' only: filter the window, keep its core
            func = functools.partial(_same_then_crop, kernel=k, border=border, dtype=plan.out_dtype)
        else:
            func = functools.partial(
                _imfilter.imfilter,  # the in-memory call, looked up when the graph is made
                kernel=k,  # 'valid' output does not depend on the kernel's offsets
                border=border,
                shape="valid",
                algorithm=plan.algorithm,
                dtype=plan.out_dtype,
            )
        out_chunks = [_chunks_like(c, n) for c, n in zip(image.chunks, plan.out_shape)]
        halo = [m - 1 for m in k.shape]
        maps = [pad_indices(n, a, z, plan.border) for n, a, z in zip(image.shape, lo, hi)]
        return _map_windows(
            image,
            maps,
            plan.border,
            halo,
            out_chunks,
            func,
            plan.out_dtype,
            "imfilter",
            prepared.state,
        )


class FilterbankBlocks(_Blocks):
    """The channel axis is taken whole by every block (each output channel sums
    over all input channels); the bank is sent to every block."""

    operation = "filterbank-dask"

    def run(self, prepared, image, bank):
        p = prepared.plan
        lay = p.layout
        lo, hi = [0] * image.ndim, list(image.shape)
        halo = [0] * image.ndim
        out_chunks = list(image.chunks)
        for d, m, s, first, n in zip(lay.spatial, lay.kshape, lay.start, lay.lo, lay.out_spatial):
            lo[d], hi[d], halo[d] = first + s, first + s + n + m - 1, m - 1
            out_chunks[d] = _chunks_like(image.chunks[d], n)
        halo[lay.channel_axis] = None
        out_chunks[lay.channel_axis] = (lay.c_out,)
        func = functools.partial(
            _filterbank_plan.filterbank,
            bank=bank,
            border=_block_border(lay.border),
            shape="valid",
            channel_axis=lay.channel_axis,
            algorithm=p.algorithm,
            batch_axis=lay.batch_axis,
            dtype=p.out_dtype,
        )
        maps = [pad_indices(n, a, z, lay.border) for n, a, z in zip(image.shape, lo, hi)]
        return _map_windows(
            image,
            maps,
            lay.border,
            halo,
            out_chunks,
            func,
            p.out_dtype,
            "filterbank",
            prepared.state,
        )


IMFILTER_BLOCKS = ImfilterBlocks()
FILTERBANK_BLOCKS = FilterbankBlocks()


def _stand_in(image) -> np.ndarray:
    """A zero-strided NumPy array of the image's shape and dtype, for planning."""
    return np.broadcast_to(np.zeros((), image.dtype), image.shape)


def imfilter_plan(image, kernel, border, **options) -> Plan:
    """The plan of an imfilter call on a Dask array: every option resolved (and
    checked) as for an in-memory image of this shape, the strategy ranked among the
    ``'imfilter-dask'`` ones (``dask-blocks``)."""
    p = make_plan(_stand_in(image), kernel, border, **options)
    ranking = rank("imfilter-dask", p, "auto")
    return with_ranking(p, "imfilter-dask", ranking, p.image_dtype, p.out_dtype)


def filterbank_plan(image, bank, border, *, algorithm, dtype, **layout_options):
    """The plan of a filterbank call on a Dask array (see :func:`imfilter_plan`);
    its blocks run ``algorithm``."""
    stand_in = _stand_in(image)
    lay = layout(stand_in, bank, border, **layout_options)
    nb = 1 if lay.batch_axis is None else image.shape[lay.batch_axis]
    p = make_bank_plan(lay, nb, "auto", image=stand_in, dtype=dtype, operation="filterbank-dask")
    p = dataclasses.replace(p, algorithm=algorithm)
    return dataclasses.replace(p, _prepared=p._impl.prepare(p, lay.dtype, p.out_dtype))


def _no_out(out) -> None:
    if out is not None:
        raise TypeError("out= is not supported for Dask arrays: the result is lazy")


def kept_filterbank_plan(image, bank, border, *, algorithm, dtype, **layout_options):
    """:func:`imagekit.filtering.plan_filterbank` for a Dask array: the plan keeps a
    read-only copy of the bank."""
    kept = keep_bank(bank)
    p = filterbank_plan(image, kept, border, algorithm=algorithm, dtype=dtype, **layout_options)
    return dataclasses.replace(p, bank=kept)


def run_plan(plan: Plan, image, out):
    """A Dask plan run on ``image`` (of its shape and dtype): a lazy Dask array."""
    _no_out(out)
    return plan._impl.run(plan._prepared, image)


def run_filterbank_plan(plan, image, out):
    """A kept Dask filterbank plan run on ``image``: a lazy Dask array."""
    _no_out(out)
    return plan._impl.run(plan._prepared, image, plan.bank)


def imfilter(image, kernel, border, *, out, **options):
    """:func:`imagekit.imfilter` (its keyword ``options``) for a Dask array: a lazy
    Dask array, block by block."""
    _no_out(out)
    return run_plan(imfilter_plan(image, kernel, border, **options), image, out)


def filterbank(image, bank, border, *, algorithm, out, dtype, **layout_options):
    """:func:`imagekit.filterbank` for a Dask array: a lazy Dask array, block by block."""
    _no_out(out)
    bank = np.asarray(bank)
    p = filterbank_plan(image, bank, border, algorithm=algorithm, dtype=dtype, **layout_options)
    return p._impl.run(p._prepared, image, bank)
