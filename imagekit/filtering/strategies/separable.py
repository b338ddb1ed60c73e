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
instead as one fused sweep (``_separable2_kernels``) that also casts into
integer outputs: small integer images are read and written in their own
type, with no full-size intermediate.
"""

from __future__ import annotations

import numpy as np

from ..._dtypes import cast_into
from ...borders import Fill, extend
from ...kernels import Kernel
from .._plan import Plan, fused_types
from ._scratch import readonly, scratch
from .direct import correlate_window, needs_extension

__all__ = ["WRITES_ANY_DTYPE", "correlate"]

# `correlate` accepts an `out` of any real dtype and casts into it.
WRITES_ANY_DTYPE = True
# Rows per task of the fused sweep.
_BLOCK = 16


def _fused(image: np.ndarray, plan: Plan, out: np.ndarray, src_dtype, acc_dtype) -> None:
    from ._separable2_kernels import separable2_rows

    (a0, fy), (_, fx) = plan.factors
    lo, hi = [0] * image.ndim, list(image.shape)
    for axis, f in plan.factors:
        lo[axis] = plan.out_lo[axis] + f.start[0]
        hi[axis] = lo[axis] + plan.out_shape[axis] + f.shape[0] - 1
    window = (tuple(lo), tuple(hi))
    if needs_extension(image, window, src_dtype):
        shape = tuple(b - a for a, b in zip(lo, hi))
        src = extend(
            image, plan.border, lo, hi, dtype=src_dtype, out=scratch(shape, src_dtype, slot=0)
        )
    else:  # valid shape, already contiguous: read the image in place
        src = image[tuple(slice(a, b) for a, b in zip(lo, hi))]
        src = np.ascontiguousarray(src)
    batch = int(np.prod(out.shape[:a0]))
    inner = int(np.prod(out.shape[a0 + 2 :]))
    src3 = src.reshape(batch, src.shape[a0], -1)
    dst3 = out.reshape(batch, out.shape[a0], -1)
    integer = out.dtype.kind in "iu"
    lo_v, hi_v = (np.iinfo(out.dtype).min, np.iinfo(out.dtype).max) if integer else (0, 0)
    separable2_rows(
        readonly(src3),
        fy.weights.astype(acc_dtype),  # a writeable copy (the kernel is frozen)
        fx.weights.astype(acc_dtype),
        dst3,
        inner,
        integer,
        acc_dtype.type(lo_v),
        acc_dtype.type(hi_v),
        _BLOCK,
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


def correlate(image: np.ndarray, plan: Plan, out: np.ndarray) -> None:
    """Write the correlation of ``image`` with ``plan.factors`` into ``out`` (any real dtype)."""
    if out.size == 0:
        return
    types = fused_types(plan, image.dtype, out.dtype) if out.flags.c_contiguous else None
    if types is not None:
        _fused(image, plan, out, *types)
        return
    if out.dtype != plan.compute_dtype:
        buffer = scratch(out.shape, plan.compute_dtype, slot=3)
        _passes_into(image, plan, buffer)
        cast_into(buffer, out)
        return
    _passes_into(image, plan, out)


def _passes_into(image: np.ndarray, plan: Plan, out: np.ndarray) -> None:
    passes = list(_passes(plan, image.shape))
    sizes = [int(np.prod([b - a for a, b in zip(*w)])) for _, w, _, _ in passes]
    extended = scratch((max(sizes),), out.dtype, slot=0)  # extended input of a pass
    between = scratch((max(int(np.prod(s)) for _, _, s, _ in passes[:-1]),), out.dtype, slot=1)
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
                    spare = scratch(between.shape, out.dtype, slot=2)
                between, spare = spare, between
            dst = between[:size].reshape(shape)
        correlate_window(cur, kernel, border, window, dst, scratch=extended)
        cur = dst
