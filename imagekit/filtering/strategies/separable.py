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
type, with no full-size intermediate.
"""

from __future__ import annotations

import math

import numpy as np

from ..._dtypes import cast_into
from ..._workspace import Workspace
from ...borders import Fill
from ...borders._pad import extend, pad_indices
from ...kernels import Kernel
from .._costs import fused_types, is_running_sum
from .._plan import Plan
from ._readonly import readonly
from ._threads import run_tasks
from .direct import correlate_window, needs_extension

__all__ = ["WRITES_ANY_DTYPE", "correlate"]
_ws = Workspace(__name__)  # this module's temporaries

# `correlate` accepts an `out` of any real dtype and casts into it.
WRITES_ANY_DTYPE = True
# Rows per task of the fused sweep.
_BLOCK = 16
# Rows per task for running column sums: the first row of a block sums every
# kernel row, the others update by two.
_BLOCK_BOX = 64
RUNNING_SUMS = True  # box rows over small integers by running sums (see separable2_rows)


def _maps(plan: Plan, image_shape, axis: int, f):
    """Extended positions of the pass along ``axis``: first position and source index map."""
    lo = plan.out_lo[axis] + f.start[0]
    n_ext = plan.out_shape[axis] + f.shape[0] - 1
    return lo, pad_indices(image_shape[axis], lo, lo + n_ext, plan.border)


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


def _fused_setup(plan: Plan, src_dtype, acc_dtype, out_dtype):
    """Everything the fused sweep needs but the image itself (made once per plan)."""
    (a0, fy), (a1, fx) = plan.factors
    ylo, rowmap = _maps(plan, plan.image_shape, a0, fy)
    xlo, colmap = _maps(plan, plan.image_shape, a1, fx)
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
        RUNNING_SUMS
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
        _BLOCK_BOX if box_y else _BLOCK,
        True if box_y else None,
    )
    return window, maps, flags


def _fused(image: np.ndarray, plan: Plan, out: np.ndarray, src_dtype, acc_dtype) -> None:
    """The two passes and the cast in one sweep, reading the image in place.

    Rows outside the image come from a row index map (or a constant fill
    row), columns outside from copying the few margin columns of each
    column-pass result; so the image is never copied (unless its layout or
    dtype needs it once).
    """
    from .._loops.separable import separable2_rows

    (a0, fy), (a1, fx) = plan.factors
    key = ("fused", np.dtype(src_dtype), np.dtype(acc_dtype), out.dtype)
    window, maps, flags = plan.derived(
        key, lambda: _fused_setup(plan, src_dtype, acc_dtype, out.dtype)
    )
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
    run_tasks(
        separable2_rows,
        batch * -(-out.shape[a0] // block),
        readonly(img3),
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


def _box8_setup(plan: Plan):
    """The maps of ``box8_rows`` for this plan, or None when it is not a normalised box
    over two adjacent axes of a uint8 image whose sums fit in uint16 (made once)."""
    if plan.image_dtype != np.uint8 or len(plan.factors) != 2:
        return None
    (a0, fy), (a1, fx) = plan.factors
    my, mx = fy.shape[0], fx.shape[0]
    if a1 != a0 + 1 or my * mx > 257:  # 257 * 255 < 2**16
        return None
    wy, wx = fy.weights, fx.weights
    if not (np.all(wy == wy[0]) and np.all(wx == wx[0])):
        return None
    if abs(float(wy[0]) * float(wx[0]) * my * mx - 1.0) > 1e-12:  # not normalised
        return None
    fill = plan.border.value if isinstance(plan.border, Fill) else 0
    if not (np.isreal(fill) and float(np.real(fill)).is_integer() and 0 <= np.real(fill) <= 255):
        return None
    fill = int(np.real(fill))
    rowmap = _maps(plan, plan.image_shape, a0, fy)[1]
    xlo, colmap = _maps(plan, plan.image_shape, a1, fx)
    fillrow = np.full(math.prod(plan.image_shape[a0 + 1 :]), fill, np.uint8)
    return rowmap, readonly(fillrow), colmap, -xlo, np.uint16(fill * my), my, mx


def _box8(image: np.ndarray, plan: Plan, out: np.ndarray) -> bool:
    """A normalised box over a uint8 image in 16-bit integer lanes (``_loops.box``);
    whether it ran. Outputs: integers (rounded, clipped) or float32."""
    if out.dtype.kind not in "iu" and out.dtype != np.float32:
        return False
    if out.dtype.kind in "iu" and out.dtype.itemsize > 4:
        return False
    setup = plan.derived("box8", lambda: _box8_setup(plan))
    if setup is None:
        return False
    from .._loops.box import box8_rows

    rowmap, fillrow, colmap, off, fill_sum, my, mx = setup
    (a0, _), (a1, _) = plan.factors
    img = np.ascontiguousarray(image, dtype=np.uint8)
    batch = math.prod(img.shape[:a0])
    inner = math.prod(img.shape[a1 + 1 :])
    img3 = img.reshape(batch, img.shape[a0], math.prod(img.shape[a0 + 1 :]))
    dst3 = out.reshape(batch, out.shape[a0], math.prod(out.shape[a0 + 1 :]))
    # the store: None for the ones not taken, so numba leaves them out
    integer = out.dtype.kind in "iu"
    lo, hi = (np.iinfo(out.dtype).min, np.iinfo(out.dtype).max) if integer else (0, 0)
    trunc = True if integer and (my * mx) % 2 == 1 and hi >= 255 else None
    clip = integer and trunc is None
    run_tasks(
        box8_rows,
        batch * -(-out.shape[a0] // _BLOCK_BOX),
        readonly(img3),
        rowmap,
        fillrow,
        colmap,
        off,
        fill_sum,
        my,
        mx,
        dst3,
        inner,
        trunc,
        np.float32(lo) if clip else None,
        np.float32(hi) if clip else None,
        _BLOCK_BOX,
        work=out.size * (my + mx),
    )
    return True


def correlate(image: np.ndarray, plan: Plan, out: np.ndarray) -> None:
    """Write the correlation of ``image`` with ``plan.factors`` into ``out`` (any real dtype)."""
    if out.size == 0:
        return
    if out.flags.c_contiguous and _box8(image, plan, out):
        return
    types = fused_types(plan, image.dtype, out.dtype) if out.flags.c_contiguous else None
    if types is not None:
        _fused(image, plan, out, *types)
        return
    if out.dtype != plan.compute_dtype:
        buffer = _ws.buffer("result", out.shape, plan.compute_dtype)
        _passes_into(image, plan, buffer)
        cast_into(buffer, out)
        return
    _passes_into(image, plan, out)


def _passes_into(image: np.ndarray, plan: Plan, out: np.ndarray) -> None:
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
        if is_running_sum(plan.factors[i][1]):
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
