"""Direct strategy: one pass of N-D correlation over the extended image.

The image is extended by its border into a C-contiguous buffer covering the
window the output reads (no copy at all when that window lies inside a
C-contiguous image of the compute dtype), and the numba loop then runs
without any border test. Axes the kernel does not extend along (channels,
unfiltered axes) merge into long contiguous runs, so a channels-last RGB
image is filtered as rows of ``width * 3`` values.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from ..._dtypes import cast_into
from ..._workspace import Workspace
from ...borders import Border, Fill
from ...borders._pad import extend, pad_indices
from ...kernels import Kernel
from .._costs import fused_dtypes, plane_axes
from .._loops.runs import correlate_runs
from .._plan import Plan
from ._readonly import readonly
from ._threads import run_tasks

__all__ = ["WRITES_ANY_DTYPE", "correlate", "correlate_window", "run_geometry"]
_ws = Workspace(__name__)  # this module's temporaries

# `correlate` accepts an `out` of any real dtype and casts into it.
WRITES_ANY_DTYPE = True
# Output rows per task of the in-place 2-D loop.
_BLOCK = 8


def _wide(mx: int, n_cols: int, weights: np.ndarray) -> bool:
    """Whether to extend each image row once rather than handle edge columns tap by
    tap: when the edge work (about ``mx * (mx - 1)`` scalar taps per kernel row)
    outweighs copying the row (measured: 5 edge taps cost about a column's copy).
    Mostly-zero kernels keep the tap-by-tap path, which skips zeros."""
    return 5 * mx * (mx - 1) > n_cols and np.count_nonzero(weights) >= 0.75 * weights.size


# Elements per task: a run piece and its source rows stay in L1/L2.
_CHUNK = 4096


def correlate(image: np.ndarray, plan: Plan, out: np.ndarray) -> None:
    """Write the correlation of ``image`` with ``plan.kernel`` into ``out`` (any real dtype).

    A kernel over two adjacent axes (images, channels-last colour, slices)
    runs in place on the image (``_loops.plane``), casting into ``out``;
    any other goes through the extended window and the run loop.
    """
    if out.size == 0:
        return
    a0, dtypes = _plane_dtypes(plan, image.dtype, out.dtype)
    if dtypes is not None and out.flags.c_contiguous:
        _plane(image, plan, out, a0, *dtypes)
        return
    if out.dtype != plan.compute_dtype:
        buffer = _ws.buffer("result", out.shape, plan.compute_dtype)
        correlate_window(image, plan.kernel, plan.border, plan.window(), buffer)
        cast_into(buffer, out)
        return
    correlate_window(image, plan.kernel, plan.border, plan.window(), out)


def _plane_axes(plan: Plan):
    """``plane_axes(plan)``, kept with the plan (it is on every call's path)."""
    return plan.derived("plane_axes", lambda: plane_axes(plan))


def _plane_dtypes(plan: Plan, image_dtype, out_dtype):
    """``(a0, (source, accumulator dtypes))`` of the 2-D loops, or ``(a0, None)``, kept
    with the plan."""

    def make():
        a0 = _plane_axes(plan)
        return a0, (fused_dtypes(plan, image_dtype, out_dtype) if a0 is not None else None)

    return plan.derived(("plane", np.dtype(image_dtype), np.dtype(out_dtype)), make)


def _plane_geometry(plan: Plan, a0: int, src_dtype):
    """Row map, column map, column offsets, fill row and fill value of the 2-D loops."""

    def make():
        a1 = a0 + 1
        k = plan.kernel
        my, mx = k.shape[a0], k.shape[a1]
        shape = plan.image_shape
        ylo = plan.out_lo[a0] + k.start[a0]
        rowmap = pad_indices(shape[a0], ylo, ylo + plan.out_shape[a0] + my - 1, plan.border)
        dx = plan.out_lo[a1] + k.start[a1] + np.arange(mx, dtype=np.int64)
        colmap = pad_indices(shape[a1], int(dx[0]), plan.out_shape[a1] + int(dx[-1]), plan.border)
        fill = plan.border.value if isinstance(plan.border, Fill) else 0.0
        fillrow = np.full(int(np.prod(shape[a0 + 1 :])), fill, src_dtype)
        return rowmap, colmap, dx, readonly(fillrow), fill

    return plan.derived(("geometry", a0, np.dtype(src_dtype)), make)


def _plane_maps(image: np.ndarray, plan: Plan, a0: int, src_dtype):
    """The 2-D loops' view of the image, ``(batch, rows, cols * inner)``, and its maps:
    the image row of each extended row, the image column of each extended column
    (-1: the fill), the kernel's column offsets, and the fill row."""
    rowmap, colmap, dx, fillrow, fill = _plane_geometry(plan, a0, src_dtype)
    img = np.ascontiguousarray(image, dtype=src_dtype)
    batch = math.prod(img.shape[:a0])
    # explicit trailing sizes: -1 cannot be inferred when an axis has length 0
    img3 = img.reshape(batch, img.shape[a0], math.prod(img.shape[a0 + 1 :]))
    inner = math.prod(img.shape[a0 + 2 :])
    return img3, rowmap, colmap, dx, fillrow, fill, batch, inner


def _plane_args(image: np.ndarray, plan: Plan, out: np.ndarray, a0: int, src_dtype, acc_dtype):
    """``(tasks, args, work, dense3)`` of ``direct2_rows`` or ``dense3_rows`` for this
    plan (see ``_plane``); ``dense3``: a full 3x3 kernel (``dense3_rows``)."""
    a1 = a0 + 1
    k = plan.kernel
    img3, rowmap, colmap, dx, fillrow, fill, batch, inner = _plane_maps(image, plan, a0, src_dtype)
    dst3 = out.reshape(batch, out.shape[a0], math.prod(out.shape[a0 + 1 :]))
    integer = out.dtype.kind in "iu"
    lo, hi = (np.iinfo(out.dtype).min, np.iinfo(out.dtype).max) if integer else (0, 0)

    def make():
        my, mx = k.shape[a0], k.shape[a1]
        weights = k.weights.reshape(my, mx).astype(acc_dtype)
        dense3 = (my, mx) == (3, 3) and bool(np.all(k.weights != 0))
        wide = _wide(mx, plan.out_shape[a1], k.weights)
        return weights, dense3, wide, np.count_nonzero(k.weights)

    weights, dense3, wide, taps = plan.derived(("weights", a0, np.dtype(acc_dtype)), make)
    args = (
        readonly(img3),
        rowmap,
        fillrow,
        colmap,
        acc_dtype.type(fill),
        weights,  # numba takes it writeable; no kernel writes it
        dx,
        dst3,
        inner,
        True if integer else None,  # None: numba leaves out the integer paths
        acc_dtype.type(lo) if integer else None,  # None: numba leaves out the rounding
        acc_dtype.type(hi) if integer else None,
        _BLOCK,
        dense3,
        wide,
    )
    return batch * -(-out.shape[a0] // _BLOCK), args, out.size * taps, dense3


def _plane(image: np.ndarray, plan: Plan, out: np.ndarray, a0: int, src_dtype, acc_dtype):
    """The 2-D in-place loop: rows through an index map, edge columns through another."""
    tasks, args, work, dense3 = _plane_args(image, plan, out, a0, src_dtype, acc_dtype)
    run_tasks(_plane_kernel(dense3), tasks, *args, work=work)


def _plane_kernel(dense3: bool):
    """The 2-D loop: ``dense3_rows`` for a full 3x3 kernel, else ``direct2_rows`` (two
    functions, so a first call compiles only its own)."""
    return _loops()[0 if dense3 else 1]


@functools.cache
def _loops():
    """``(dense3_rows, direct2_rows)``, imported on first use (numba loads with them):
    an import statement on every call cost 1.5 us of a small call's ~18."""
    from .._loops.plane import dense3_rows, direct2_rows

    return dense3_rows, direct2_rows


def needs_extension(image: np.ndarray, window, dtype) -> bool:
    """Whether the window must be copied out (padded, cast or made contiguous)."""
    lo, hi = window
    inside = all(0 <= a and b <= n for a, b, n in zip(lo, hi, image.shape))
    return not (inside and image.dtype == dtype and image.flags.c_contiguous)


def correlate_window(
    image: np.ndarray,
    kernel: Kernel,
    border: Border,
    window,
    out: np.ndarray,
    scratch: np.ndarray | None = None,
) -> None:
    """Correlate the image, extended over ``window = (lo, hi)``, into ``out``.

    ``out`` is C-contiguous, float32 or float64, of shape ``hi - lo - kernel.shape + 1``;
    ``out[i] = sum_j kernel.weights[j] * extended[lo + i + j]``. ``scratch``,
    a flat buffer of ``out``'s dtype, holds the extended window when it is
    large enough; it must not overlap ``image`` or ``out``.
    """
    if out.size == 0:
        return
    lo, hi = window
    if needs_extension(image, window, out.dtype):
        shape = tuple(b - a for a, b in zip(lo, hi))
        size = int(np.prod(shape))
        if scratch is not None and scratch.size >= size:
            buf = scratch[:size].reshape(shape)
        else:
            buf = _ws.buffer("extended", shape, out.dtype)
        src = extend(image, border, lo, hi, dtype=out.dtype, out=buf)
        origin = (0,) * image.ndim
    else:
        src, origin = image, tuple(lo)
    _run(src, origin, kernel, out)


def run_geometry(src: np.ndarray, origin, kshape, out_shape):
    """Flat tap offsets of every tap of a ``kshape`` kernel, the run start of each output
    row, and the run length, for a C-contiguous ``src`` whose window starts at ``origin``."""
    strides = [s // src.itemsize for s in src.strides]
    idx = np.indices(kshape).reshape(len(kshape), -1)
    deltas = np.zeros(idx.shape[1], np.int64)
    for i, st in zip(idx, strides):
        deltas += i.astype(np.int64) * st
    ndim = len(out_shape)
    k = ndim - 1
    while k > 0 and kshape[k] == 1 and src.shape[k] == out_shape[k] and origin[k] == 0:
        k -= 1
    run = int(np.prod(out_shape[k:]))
    bases = np.array([origin[k] * strides[k]], np.int64)
    for d in range(k - 1, -1, -1):
        pos = (origin[d] + np.arange(out_shape[d], dtype=np.int64)) * strides[d]
        bases = (pos[:, None] + bases[None, :]).ravel()
    return deltas, bases, run


def _run(src: np.ndarray, origin, kernel: Kernel, out: np.ndarray) -> None:
    w = kernel.weights
    taps = np.nonzero(w)  # zero weights are skipped, as scipy.ndimage does
    if taps[0].size == 0:
        out[...] = 0
        return
    strides = [s // src.itemsize for s in src.strides]
    deltas = np.zeros(taps[0].size, np.int64)
    for idx, st in zip(taps, strides):
        deltas += idx.astype(np.int64) * st
    weights = np.ascontiguousarray(w[taps], dtype=out.dtype)

    # The run starts at axis k: every later axis is one the kernel does not
    # extend along, not padded and not offset, so its values stay contiguous.
    ndim = out.ndim
    k = ndim - 1
    while k > 0 and kernel.shape[k] == 1 and src.shape[k] == out.shape[k] and origin[k] == 0:
        k -= 1
    run = int(np.prod(out.shape[k:]))
    bases = np.array([origin[k] * strides[k]], np.int64)
    for d in range(k - 1, -1, -1):
        pos = (origin[d] + np.arange(out.shape[d], dtype=np.int64)) * strides[d]
        bases = (pos[:, None] + bases[None, :]).ravel()
    ntasks = bases.size * -(-run // _CHUNK)
    run_tasks(
        correlate_runs,
        ntasks,
        readonly(src.reshape(-1)),
        bases,
        deltas,
        weights,
        out.reshape(-1),
        run,
        _CHUNK,
        work=out.size * deltas.size,
    )
