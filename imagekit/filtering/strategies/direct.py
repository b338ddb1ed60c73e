"""Direct strategy: one pass of N-D correlation over the extended image.

The image is extended by its border into a C-contiguous buffer covering the
window the output reads (no copy at all when that window lies inside a
C-contiguous image of the compute dtype), and the numba loop then runs
without any border test. Axes the kernel does not extend along (channels,
unfiltered axes) merge into long contiguous runs, so a channels-last RGB
image is filtered as rows of ``width * 3`` values.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from ..._dtypes import cast_into
from ..._workspace import Workspace
from ...borders import Border, Fill
from ...borders._pad import extend, pad_indices
from ...kernels import Kernel
from .. import _loops
from .._costs import COST, FUSED_TYPES, cast_cost, fused_dtypes, plane_axes, scale, volume_axes
from .._rows import Rows, row_args
from .._strategy import Prepared, Strategy
from .._volume import Volume, volume, volume_args
from ._readonly import readonly
from ._threads import run_tasks

if TYPE_CHECKING:
    from .._plan import Plan

__all__ = ["DIRECT", "Direct", "correlate", "correlate_window", "run_geometry"]

_ws = Workspace(__name__)  # this module's temporaries

# Elements per task: a run piece and its source rows stay in L1/L2.
_CHUNK = 4096


class Direct(Strategy):
    """One N-D pass over the extended image; a kernel over two adjacent axes runs
    in place on the image, as rows through index maps.

    Loops: ``direct/3x3-rows`` (a full 3x3 kernel), ``direct/3d-blocks`` (a
    kernel over three adjacent axes, in blocks of rows, each from a small
    buffer of the rows it reads), ``direct/2d-blocks`` (any other kernel of
    two rows or more over two adjacent axes with a non-zero tap: the same
    loop over one plane),
    ``direct/2d-rows`` (the rest over two adjacent axes, row by row;
    ``-wide`` when each row is extended once rather than its edge columns
    handled tap by tap), ``direct/runs`` (any kernel, on the extended window,
    in runs of contiguous values).

    Parameters
    ----------
    fused_types : tuple of (source, accumulator, output) dtype names
        The dtype combinations the 2-D loops are compiled for.
    wide_ratio, wide_density : float
        Extend each row once when ``wide_ratio * mx * (mx - 1)`` edge taps
        exceed the row's length and at least ``wide_density`` of the taps
        are non-zero (mostly-zero kernels keep the edge path, which skips
        zeros).
    block : int
        Output rows per task of the 2-D rows loops.
    volume_block : int
        Output rows per task of the blocks loop, at most (fewer when the rows
        it reads would not stay in L2).
    planar_blocks : bool
        Whether kernels of two rows or more over two adjacent axes (but a
        full 3x3) run as the blocks loop over one plane, rather than row by
        row.
    """

    name = algorithm = "direct"
    writes_any_dtype = True

    def __init__(
        self,
        fused_types=FUSED_TYPES,
        wide_ratio=5.0,
        wide_density=0.75,
        block=8,
        volume_block=16,
        planar_blocks=True,
    ):
        self.planar_blocks = planar_blocks
        self.fused_types = fused_types
        self.wide_ratio = wide_ratio
        self.wide_density = wide_density
        self.block = block
        self.volume_block = volume_block

    def in_place(self, plan: Plan, image_dtype, out_dtype):
        """``(a0, (source, accumulator))`` of the in-place loops for these dtypes, or None:
        the 2-D loops, or for a kernel over three adjacent axes with a non-zero tap
        (``a0`` its middle axis) the 3-D loop."""
        a0 = plane_axes(plan)
        if a0 is None and np.any(plan.kernel.weights):
            a0 = volume_axes(plan)
        if a0 is None:
            return None
        dtypes = fused_dtypes(plan, image_dtype, out_dtype, self.fused_types)
        return None if dtypes is None else (a0, dtypes)

    def cost(self, plan: Plan) -> float:
        n_out = float(np.prod(plan.out_shape))
        taps = float(np.count_nonzero(plan.kernel.weights))
        if self.in_place(plan, plan.image_dtype, plan.out_dtype) is not None:
            # the 2-D loop reads the image itself and casts into the output
            return COST["call"] + scale(plan) * COST["tap"] * n_out * taps
        n_in = float(np.prod([hi - lo for lo, hi in zip(*plan.window())]))
        work = COST["copy"] * n_in + COST["tap"] * n_out * taps
        return COST["call"] + scale(plan) * work + cast_cost(plan)

    def _blocks(self, plan: Plan, a0: int) -> bool:
        """Whether a kernel over two adjacent axes runs as the 3-D loop's blocks: any of two
        rows or more with a non-zero tap (the blocks' loop sums the non-zero taps, from
        the first) but a full 3x3 (which has a loop of its own). A one-row kernel reads
        each image row once: copying it into a block first only costs time."""
        k = plan.kernel
        full3 = _full3(k, a0)
        return self.planar_blocks and k.shape[a0] > 1 and not full3 and bool(np.any(k.weights))

    def _wide(self, mx: int, n_cols: int, weights: np.ndarray) -> bool:
        dense = np.count_nonzero(weights) >= self.wide_density * weights.size
        return self.wide_ratio * mx * (mx - 1) > n_cols and bool(dense)

    def rows(self, plan: Plan, a0: int, src_dtype, acc_dtype) -> Rows:
        """The 2-D loops' maps and weights for ``plan`` (see :class:`Rows`)."""
        a1 = a0 + 1
        k = plan.kernel
        my, mx = k.shape[a0], k.shape[a1]
        shape = plan.image_shape
        ylo = plan.out_lo[a0] + k.start[a0]
        rowmap = pad_indices(shape[a0], ylo, ylo + plan.out_shape[a0] + my - 1, plan.border)
        dx = plan.out_lo[a1] + k.start[a1] + np.arange(mx, dtype=np.int64)
        colmap = pad_indices(shape[a1], int(dx[0]), plan.out_shape[a1] + int(dx[-1]), plan.border)
        fill = plan.border.value if isinstance(plan.border, Fill) else 0.0
        fillrow = readonly(np.full(int(np.prod(shape[a0 + 1 :])), fill, src_dtype))
        acc_dtype = np.dtype(acc_dtype)
        return Rows(
            a0, np.dtype(src_dtype), acc_dtype, rowmap, colmap, dx, fillrow, fill,
            k.weights.reshape(my, mx).astype(acc_dtype),
            _full3(k, a0),
            self._wide(mx, plan.out_shape[a1], k.weights),
            int(np.count_nonzero(k.weights)),
            (None, None, None), self.block,
        )  # fmt: skip

    def prepare(self, plan: Plan, image_dtype, out_dtype) -> Prepared:
        image_dtype, out_dtype = np.dtype(image_dtype), np.dtype(out_dtype)
        found = self.in_place(plan, image_dtype, out_dtype)
        if found is None:
            return Prepared("direct/runs", plan, image_dtype, out_dtype)
        a0, (src, acc) = found
        planar = plane_axes(plan) is not None
        if not planar or self._blocks(plan, a0):
            v = volume(plan, a0, src, acc, self.volume_block, planar)
            if out_dtype.kind in "iu":
                info = np.iinfo(out_dtype)
                v = replace(v, bounds=(acc.type(info.min), acc.type(info.max)))
            loop = "direct/2d-blocks" if planar else "direct/3d-blocks"
            return Prepared(loop, plan, image_dtype, out_dtype, v)
        r = self.rows(plan, a0, src, acc)
        if out_dtype.kind in "iu":
            info = np.iinfo(out_dtype)
            # None: numba leaves out the integer paths and the rounding
            r = replace(r, bounds=(True, acc.type(info.min), acc.type(info.max)))
        loop = "direct/3x3-rows" if r.dense3 else "direct/2d-rows" + ("-wide" if r.wide else "")
        return Prepared(loop, plan, image_dtype, out_dtype, r)

    def run(self, prepared: Prepared, image: np.ndarray, out: np.ndarray) -> None:
        if out.size == 0:
            return
        plan, r = prepared.plan, prepared.state
        if isinstance(r, Volume) and out.flags.c_contiguous:
            tasks, args, work = volume_args(image, out, r)
            run_tasks(_loops.runs.volume_blocks, tasks, *args, work=work)
        elif r is not None and out.flags.c_contiguous:
            tasks, args, work = row_args(image, plan, out, r)
            run_tasks(_rows_loop(r.dense3), tasks, *args, work=work)
        elif out.dtype != plan.compute_dtype:
            buffer = _ws.buffer("result", out.shape, plan.compute_dtype)
            correlate_window(image, plan.kernel, plan.border, plan.window(), buffer)
            cast_into(buffer, out)
        else:
            correlate_window(image, plan.kernel, plan.border, plan.window(), out)


DIRECT = Direct()


def correlate(image: np.ndarray, plan: Plan, out: np.ndarray) -> None:
    """Write the correlation of ``image`` with ``plan.kernel`` into ``out`` (any real dtype),
    preparing the loop for this call."""
    DIRECT.run(DIRECT.prepare(plan, image.dtype, out.dtype), image, out)


def _full3(kernel: Kernel, a0: int) -> bool:
    """Whether a kernel over axes ``a0, a0 + 1`` is a full 3x3 (no zero tap): the 2-D
    loops' ``dense3_rows`` case."""
    shape = (kernel.shape[a0], kernel.shape[a0 + 1])
    return shape == (3, 3) and bool(np.all(kernel.weights != 0))


def _rows_loop(dense3: bool):
    """The 2-D loop: ``dense3_rows`` for a full 3x3 kernel, else ``direct2_rows`` (two
    functions, so a first call compiles only its own)."""
    return _loops.plane.dense3_rows if dense3 else _loops.plane.direct2_rows


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
        _loops.runs.correlate_runs,
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
