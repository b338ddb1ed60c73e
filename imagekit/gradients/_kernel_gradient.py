"""The kernel's gradient on the CPU, ``dw[j] = sum_i grad[i] ext[i + j]``, in one pass.

``kernel_gradient``: over a C-contiguous extended window, any number of axes
(the run layout of the direct strategy's general loop). ``kernel_gradient_plane``:
for a kernel over two adjacent axes, reading the image in place through the
direct strategy's row and column maps, optionally fused with the image
gradient's forward loop. The numba loops are in ``_loops.kernel_gradient``.
"""

from __future__ import annotations

import math

import numpy as np

from ..filtering._costs import plane_axes
from ..filtering._plan import Plan
from ..filtering._strategy import Prepared
from ..filtering.strategies._readonly import readonly
from ..filtering.strategies._threads import run_tasks
from ..filtering.strategies.direct import (  # its 2-D loops' preparation, shared here
    DIRECT,
    _row_args,
    _Rows,
    _rows_loop,
    _view3,
    run_geometry,
)
from ._loops import kernel_gradient as kg2
from ._loops.kernel_gradient import correlate_runs_adjoint

__all__ = ["kernel_gradient", "kernel_gradient_plane"]

# Elements of a run per task of ``kernel_gradient``.
_CHUNK = 4096


def _kgrad_args(image: np.ndarray, plan: Plan, grad: np.ndarray):
    """``(tasks, args, partial, three)`` of ``kernel_gradient2_rows`` (``three``: a 3x3
    kernel, for ``kernel_gradient3_rows``), or None when the plan is not a real float
    kernel over two adjacent axes."""
    a0 = plane_axes(plan)
    dtype = plan.compute_dtype
    if a0 is None or dtype not in (np.float32, np.float64) or plan.is_complex:
        return None
    k = plan.kernel
    my, mx = k.shape[a0], k.shape[a0 + 1]
    r = _gradient_rows(plan, a0, dtype)
    img3 = _view3(np.ascontiguousarray(image, dtype), a0)
    g3 = _view3(np.ascontiguousarray(grad, dtype), a0)
    inner = math.prod(image.shape[a0 + 2 :])
    tasks = img3.shape[0] * -(-g3.shape[1] // r.block)
    partial = np.zeros((max(tasks, 1), my * mx), np.float64)
    args = (readonly(img3), r.rowmap, r.fillrow, r.colmap, dtype.type(r.fill), readonly(g3))
    return tasks, (*args, r.dx, my, inner, r.block, partial), partial, (my, mx) == (3, 3)


def _gradient_rows(plan: Plan, a0: int, dtype) -> _Rows:
    """The row maps for the kernel gradient: the plan's own when its loop has them."""
    prepared = plan._prepared
    if type(prepared) is Prepared and isinstance(prepared.state, _Rows):
        r = prepared.state
        if r.a0 == a0 and r.src == dtype:
            return r
    return DIRECT.rows(plan, a0, dtype, dtype)


def kernel_gradient_plane(image: np.ndarray, plan: Plan, grad: np.ndarray, fuse=None):
    """``dw[j] = sum_i grad[i] ext[i + j]`` for a kernel over two adjacent axes, reading
    the image in place (no extended copy); None when the plan is not such a kernel.

    ``fuse=(plan2, image2, out2)``: also run ``correlate(image2, plan2, out2)`` in the
    same pass over rows when it is a 2-D loop with the same rows (a vjp's image
    gradient beside the kernel's: one hand-off to the threads, rows shared in cache).
    """
    kg = _kgrad_args(image, plan, grad)
    if kg is None:
        return None
    tasks, args, partial, three = kg
    k = plan.kernel
    fwd = None
    if fuse is not None:
        plan2, image2, out2 = fuse
        r = plan2.prepared_for(image2.dtype, out2.dtype).state
        if isinstance(r, _Rows) and out2.flags.c_contiguous and out2.size:
            fwd = (*_row_args(image2, plan2, out2, r), r.dense3)
    work = grad.size * math.prod(k.shape)
    if fwd is not None and fwd[0] == tasks:
        if fwd[3]:  # a full 3x3 (and so is the kernel)
            both = kg2.vjp2_dense3_rows
        else:
            both = kg2.vjp2_rows3 if three else kg2.vjp2_rows
        run_tasks(both, tasks, fwd[1], args, work=work + fwd[2])
    else:
        if fwd is not None:
            run_tasks(_rows_loop(fwd[3]), fwd[0], *fwd[1], work=fwd[2])
        kgrad = kg2.kernel_gradient3_rows if three else kg2.kernel_gradient2_rows
        run_tasks(kgrad, tasks, *args, work=work)
    return np.add.reduce(partial, axis=0).astype(plan.compute_dtype).reshape(k.shape)


def kernel_gradient(src: np.ndarray, grad: np.ndarray, kshape) -> np.ndarray:
    """``dw[j] = sum_i grad[i] src[i + j]`` for a kernel of ``kshape`` over a C-contiguous
    extended window ``src`` (float32/float64), in one threaded pass."""
    deltas, bases, run = run_geometry(src, (0,) * src.ndim, kshape, grad.shape)
    per_row = -(-run // _CHUNK)
    partial = np.empty((bases.size * per_row, deltas.size), src.dtype)
    g = np.ascontiguousarray(grad, src.dtype)
    run_tasks(
        correlate_runs_adjoint,
        partial.shape[0],
        readonly(src.reshape(-1)),
        bases,
        deltas,
        g.reshape(-1),
        run,
        _CHUNK,
        partial,
        work=grad.size * deltas.size,
    )
    return partial.sum(axis=0).reshape(kshape)
