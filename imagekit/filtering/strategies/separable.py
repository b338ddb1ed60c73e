"""Separable strategy: one 1-D pass per axis the kernel extends along.

A kernel that factors into ``f0 ⊗ f1 ⊗ ...`` costs ``sum(len(f))`` taps per
pixel instead of ``prod(len(f))``. Each pass extends its input along its own
axis only, so the passes together read exactly the values one N-D pass
would: for ``Pad`` borders the per-axis extensions commute with filtering
along the other axes; for ``Fill(c)`` a pass sees, outside the image, the
earlier passes applied to ``c``, i.e. ``c * prod(sum(previous factors))``.

Two flat scratch buffers serve every pass: one holds the extended input of
the pass, the other the intermediate result between passes. A kernel over
two adjacent axes (images, channels-last colour, slices of volumes) runs
instead as one fused sweep (``_loops.separable``) that also casts into
integer outputs: small integer images are read and written in their own
type, with no full-size intermediate. A normalised box over a uint8 image
runs in 16-bit integer lanes (``_box_lanes``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from ..._dtypes import cast_into
from ..._workspace import Workspace
from ...borders import Fill
from ...borders._pad import extend
from ...kernels import Kernel
from .. import _loops
from .._costs import COST, FUSED_TYPES, cast_cost, fused_dtypes, scale
from .._geometry import factor_maps
from .._rows import buffer_stride, near_4k
from .._strategy import Prepared, Strategy
from ._box_lanes import box8, box8_setup
from ._readonly import readonly
from ._threads import run_tasks
from .direct import correlate_window, needs_extension

if TYPE_CHECKING:
    from .._plan import Plan

__all__ = ["SEPARABLE", "Separable", "correlate"]

_ws = Workspace(__name__)  # this module's temporaries


class Separable(Strategy):
    """One 1-D pass per axis the kernel extends along, or one fused sweep.

    Loops: ``separable/box-u8-lanes`` (a normalised box over a uint8 image,
    in 16-bit integer lanes), ``separable/2d-sweep`` (two factors on
    adjacent axes: both passes and the cast in one sweep over rows;
    ``-running-sums`` when a box along the rows of small integers runs as
    running column sums), ``separable/passes`` (one pass per factor through
    scratch buffers; ``+running-sums`` when a long box factor runs as a
    difference of cumulative sums).

    Parameters
    ----------
    fused_types : tuple of (source, accumulator, output) dtype names
        The dtype combinations the fused sweep is compiled for.
    running_sum_min : int
        A constant factor at least this long runs as a running sum (cost
        independent of its length) rather than tap by tap.
    running_sums : bool
        Whether the fused sweep sums a box along the rows of a small-integer
        image as running column sums.
    block, block_box : int
        Rows per task of the fused sweep (which stages the rows a block reads
        once each, so a block copies ``block + height - 1`` rows), and of the
        running column sums and the 16-bit box (the first row of a block sums
        every kernel row, the others update by two).
    """

    name = algorithm = "separable"
    writes_any_dtype = True

    def __init__(
        self, fused_types=FUSED_TYPES, running_sum_min=16, running_sums=True, block=64,
        block_box=64,
    ):  # fmt: skip
        self.fused_types = fused_types
        self.running_sum_min = running_sum_min
        self.running_sums = running_sums
        self.block = block
        self.block_box = block_box

    def why_not(self, plan: Plan) -> str | None:
        if plan.factors is None:
            return (
                f"needs a separable kernel (rank one), but the kernel of shape "
                f"{plan.kernel.shape} is not one"
            )
        return None

    def is_running_sum(self, factor: Kernel) -> bool:
        """Whether a 1-D factor is a box long enough for the running-sum pass."""
        w = factor.weights
        return w.size >= self.running_sum_min and w.dtype.kind == "f" and bool(np.all(w == w[0]))

    def fused_types_for(self, plan: Plan, image_dtype, out_dtype):
        """(source, accumulator) dtypes of the fused sweep, or None where it does not run:
        it needs two factors on adjacent axes, none of them a long box (which the
        running sum does better), and compiled dtypes."""
        fs = plan.factors
        if fs is None or len(fs) != 2 or fs[1][0] != fs[0][0] + 1:
            return None
        if any(self.is_running_sum(f) for _, f in fs):
            return None
        return fused_dtypes(plan, image_dtype, out_dtype, self.fused_types)

    def cost(self, plan: Plan) -> float:
        n = float(max(np.prod(plan.image_shape), np.prod(plan.out_shape)))
        taps = sum(np.count_nonzero(f.weights) for _, f in plan.factors)
        # The fused sweep: one read (of small integers, if they are), no intermediate;
        # streaming the image once costs about 0.3 "copy" per element.
        if self.fused_types_for(plan, plan.image_dtype, plan.out_dtype) is not None:
            read = 0.3 * COST["copy"] * n * (0.25 if plan.image_dtype.itemsize == 1 else 1.0)
            return COST["call"] + scale(plan) * (read + COST["tap"] * n * taps)
        total = cast_cost(plan)
        for _, f in plan.factors:
            if self.is_running_sum(f):  # extend, cumulative sum, difference: a few copies
                total += COST["call"] + 8 * COST["copy"] * n
                continue
            taps = np.count_nonzero(f.weights)
            total += COST["call"] + scale(plan) * (COST["copy"] * n + COST["tap"] * n * taps)
        return total

    def prepare(self, plan: Plan, image_dtype, out_dtype) -> Prepared:
        image_dtype, out_dtype = np.dtype(image_dtype), np.dtype(out_dtype)
        box = box8_setup(plan, out_dtype, self.block_box)
        if box is not None:
            return Prepared("separable/box-u8-lanes", plan, image_dtype, out_dtype, ("box8", box))
        types = self.fused_types_for(plan, image_dtype, out_dtype)
        if types is not None:
            setup = _fused_setup(plan, *types, out_dtype, self)
            loop = "separable/2d-sweep" + ("-running-sums" if setup[2][-1] else "")
            return Prepared(loop, plan, image_dtype, out_dtype, ("fused", (types[0], setup)))
        sums = tuple(self.is_running_sum(f) for _, f in plan.factors)
        loop = "separable/passes" + ("+running-sums" if any(sums) else "")
        return Prepared(loop, plan, image_dtype, out_dtype, ("passes", sums))

    def run(self, prepared: Prepared, image: np.ndarray, out: np.ndarray) -> None:
        if out.size == 0:
            return
        plan = prepared.plan
        kind, state = prepared.state
        if kind == "box8" and out.flags.c_contiguous:
            box8(image, plan, out, state)
        elif kind == "fused" and out.flags.c_contiguous:
            _fused(image, plan, out, *state)
        else:
            sums = tuple(self.is_running_sum(f) for _, f in plan.factors)
            if out.dtype != plan.compute_dtype:
                buffer = _ws.buffer("result", out.shape, plan.compute_dtype)
                _passes_into(image, plan, buffer, sums)
                cast_into(buffer, out)
            else:
                _passes_into(image, plan, out, sums)


SEPARABLE = Separable()


def correlate(image: np.ndarray, plan: Plan, out: np.ndarray) -> None:
    """Write the correlation of ``image`` with ``plan.factors`` into ``out`` (any real
    dtype), preparing the loop for this call."""
    SEPARABLE.run(SEPARABLE.prepare(plan, image.dtype, out.dtype), image, out)


def _column_plan(colmap: np.ndarray, lo: int, width: int):
    """(first, last) image columns the column pass computes and the buffer's margin map.

    The margin map holds -2 where the column pass writes, else the buffer
    position a margin column copies (Pad borders commute with the column
    pass) or -1 (Fill). None when a margin needs a column outside the computed
    range (a window narrower than the image with wrap): the caller extends.
    """
    inside = (colmap >= 0) & (np.arange(colmap.size) + lo == colmap)
    idx = np.flatnonzero(inside)
    if idx.size == 0:
        return None
    i0, i1 = int(idx[0]), int(idx[-1]) + 1
    pos = colmap - lo  # buffer position of each column's source
    margin = ~inside & (colmap >= 0)
    if np.any(margin & ((pos < i0) | (pos >= i1))):
        return None
    vmap = np.where(colmap < 0, -1, pos).astype(np.int64)
    vmap[i0:i1] = -2
    return lo + i0, lo + i1, vmap


def _fused_setup(plan: Plan, src_dtype, acc_dtype, out_dtype, strategy: Separable):
    """Everything the fused sweep needs but the image itself."""
    (a0, fy), (a1, fx) = plan.factors
    ylo, rowmap = factor_maps(plan, a0, fy)
    xlo, colmap = factor_maps(plan, a1, fx)
    fill = plan.border.value if isinstance(plan.border, Fill) else 0.0
    columns = _column_plan(colmap, xlo, plan.image_shape[a1])
    window = None
    if columns is None:  # extend the window once, then read it with identity maps
        lo, hi = list(plan.out_lo), [o + n for o, n in zip(plan.out_lo, plan.out_shape)]
        lo[a0], hi[a0] = ylo, ylo + rowmap.size
        lo[a1], hi[a1] = xlo, xlo + colmap.size
        window = (lo, hi)
        rowmap = np.arange(rowmap.size, dtype=np.int64)
        columns = (0, colmap.size, np.full(colmap.size, -2, np.int64))
        row_width = math.prod(hi[d] - lo[d] for d in range(a0 + 1, len(lo)))
    else:
        row_width = math.prod(plan.image_shape[a0 + 1 :])
    c0, c1, vmap = columns
    width = row_width if isinstance(plan.border, Fill) else 1
    fillrow = readonly(np.full(width, fill, src_dtype))
    integer = np.dtype(out_dtype).kind in "iu"
    lo_v, hi_v = (np.iinfo(out_dtype).min, np.iinfo(out_dtype).max) if integer else (0, 0)
    wy, wx = fy.weights.astype(acc_dtype), fx.weights.astype(acc_dtype)
    vfill = acc_dtype.type(fill * float(np.sum(fy.weights)))
    # A box along the rows over small integers: running column sums (exact in
    # float32), with the box's weight moved into the row pass.
    box_y = bool(
        strategy.running_sums
        and src_dtype.kind in "iu"
        and src_dtype.itemsize <= 2
        and acc_dtype == np.float32
        and wy.size >= 3
        and bool(np.all(wy == wy[0]))
        and fill == np.rint(fill)
    )
    if box_y:
        wx = wx * wy[0]
        vfill = acc_dtype.type(fill * wy.size)
    maps = (
        rowmap.astype(np.int64),
        fillrow,
        c0,
        c1,
        int(np.argmax(vmap == -2)),
        vmap.size,
        np.flatnonzero(vmap != -2).astype(np.int64),
        vmap[vmap != -2].astype(np.int64),
        vfill,
        wy,
        wx,
    )
    # None, not a flag, where a path is not taken: numba then leaves it out
    # of the compiled code (each loop costs compile time on a first call)
    flags = (
        acc_dtype.type(lo_v) if integer else None,
        acc_dtype.type(hi_v) if integer else None,
        strategy.block_box if box_y else strategy.block,
        True if box_y else None,
    )
    return window, maps, flags


def _fused(image: np.ndarray, plan: Plan, out: np.ndarray, src_dtype, setup) -> None:
    """The two passes and the cast in one sweep, reading the image in place.

    Rows outside the image come from a row index map (or a constant fill
    row), columns outside from copying the few margin columns of each
    column-pass result; so the image is never copied (unless its layout or
    dtype needs it once).
    """
    (a0, fy), (a1, fx) = plan.factors
    window, maps, flags = setup
    if window is None:
        img = np.ascontiguousarray(image, dtype=src_dtype)  # a copy only if it must
    else:
        lo, hi = window
        shape = tuple(b - a for a, b in zip(lo, hi))
        img = extend(
            image,
            plan.border,
            lo,
            hi,
            dtype=src_dtype,
            out=_ws.buffer("extended", shape, src_dtype),
        )
    batch = math.prod(img.shape[:a0])
    inner = math.prod(img.shape[a1 + 1 :])
    # explicit trailing sizes: -1 cannot be inferred when an axis has length 0
    img3 = img.reshape(batch, img.shape[a0], math.prod(img.shape[a0 + 1 :]))
    dst3 = out.reshape(batch, out.shape[a0], math.prod(out.shape[a0 + 1 :]))
    rowmap, fillrow, c0, c1, start, nv, mdst, msrc, vfill, wy, wx = maps
    block = flags[-2]
    # the image again where the column pass may read it in place: of wy's type, its
    # rows not near a multiple of 4 KiB apart (else staged rows: see the loop)
    in_place = img3.dtype == wy.dtype and not near_4k(img3.strides[1])
    fimg = img3 if in_place else np.empty((0, 0, 0), wy.dtype)
    run_tasks(
        _loops.separable.separable2_rows,
        batch * -(-out.shape[a0] // block),
        readonly(img3),
        readonly(fimg),
        buffer_stride((c1 - c0) * inner, wy.itemsize),
        rowmap,
        fillrow,
        c0 * inner,
        c1 * inner,
        start,
        nv,
        mdst,
        msrc,
        vfill,
        wy,
        wx,
        dst3,
        inner,
        *flags,
        work=out.size * (fy.shape[0] + fx.shape[0]),
    )


def _passes(plan: Plan, in_shape):
    """Per pass: the 1-D kernel over all axes, its window, its output shape, its border."""
    ndim = len(in_shape)
    shape = list(in_shape)
    fill_scale = 1.0
    for axis, f in plan.factors:
        m = f.shape[0]
        kshape, start = [1] * ndim, [0] * ndim
        kshape[axis], start[axis] = m, f.start[0]
        kernel = Kernel(f.weights.reshape(kshape), start=tuple(start))
        lo, hi = [0] * ndim, list(shape)
        lo[axis] = plan.out_lo[axis] + f.start[0]
        hi[axis] = lo[axis] + plan.out_shape[axis] + m - 1
        shape = list(shape)
        shape[axis] = plan.out_shape[axis]
        border = plan.border
        if isinstance(border, Fill):
            border = Fill(border.value * fill_scale)
            fill_scale *= float(np.sum(f.weights))
        yield kernel, (tuple(lo), tuple(hi)), tuple(shape), border


def _passes_into(image: np.ndarray, plan: Plan, out: np.ndarray, sums) -> None:
    """One pass per factor (``sums[i]``: factor ``i`` as a running sum) into ``out``."""
    passes = list(_passes(plan, image.shape))
    sizes = [int(np.prod([b - a for a, b in zip(*w)])) for _, w, _, _ in passes]
    extended = _ws.buffer("extended", (max(sizes),), out.dtype)  # extended input of a pass
    between = _ws.buffer(
        "between", (max(int(np.prod(s)) for _, _, s, _ in passes[:-1]),), out.dtype
    )
    spare = None  # a second intermediate, only if a pass reads its input in place
    cur = image
    for i, (kernel, window, shape, border) in enumerate(passes):
        if i == len(passes) - 1:
            dst = out
        else:
            size = int(np.prod(shape))
            if cur is not image and not needs_extension(cur, window, out.dtype):
                # This pass reads `cur` (in `between`) without copying it out:
                # write the result elsewhere.
                if spare is None:
                    spare = _ws.buffer("spare", between.shape, out.dtype)
                between, spare = spare, between
            dst = between[:size].reshape(shape)
        axis = plan.factors[i][0]
        if sums[i]:
            _running_sum(cur, plan.factors[i][1], axis, border, window, dst)
        else:
            correlate_window(cur, kernel, border, window, dst, scratch=extended)
        cur = dst


def _running_sum(image: np.ndarray, factor, axis: int, border, window, dst: np.ndarray) -> None:
    """A constant factor along ``axis`` as a difference of cumulative sums.

    ``out[i] = w * (S[i + m] - S[i])`` with ``S`` the running sum of the
    extended line, so the cost does not depend on the box's length ``m``. The
    sums run in float64 (error about ``n eps`` of the line's total).
    """
    lo, hi = window
    m = factor.shape[0]
    src = extend(image, border, lo, hi, dtype=np.float64)
    s = np.cumsum(src, axis=axis)
    upper = np.take(s, np.arange(m - 1, s.shape[axis]), axis=axis)
    lower = np.take(s, np.arange(-1, s.shape[axis] - m), axis=axis)
    first = [slice(None)] * s.ndim
    first[axis] = slice(0, 1)
    lower[tuple(first)] = 0.0  # S[-1] = 0
    np.multiply(upper - lower, float(factor.weights[0]), out=dst, casting="unsafe")
