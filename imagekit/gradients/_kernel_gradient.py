"""The kernel's gradient on the CPU, ``dw[j] = sum_i grad[i] ext[i + j]``, in one pass.

``kernel_gradient``: over a C-contiguous extended window, any number of axes
(the run layout of the direct strategy's general loop). ``kernel_gradient_plane``:
for a kernel over two adjacent axes, reading the image in place through the
row and column maps of the direct strategy's 2-D loops (``filtering._rows``);
``vjp_plane`` runs it fused with the image gradient's forward loop. Which
numba loop runs is the caller's (a strategy's prepared) choice; the loops are
in ``_loops.kernel_gradient``.
"""

from __future__ import annotations

import math

import numpy as np

from ..filtering._plan import Plan
from ..filtering._rows import Rows, row_args, view3
from ..filtering._strategy import Prepared
from ..filtering.strategies._readonly import readonly
from ..filtering.strategies._threads import run_tasks
from ..filtering.strategies.direct import DIRECT, run_geometry
from . import _loops

__all__ = ["gradient_rows", "kernel_gradient", "kernel_gradient_plane", "plane_tasks", "vjp_plane"]

# Elements of a run per task of ``kernel_gradient``.
_CHUNK = 4096


def gradient_rows(plan: Plan, a0: int, dtype) -> Rows:
    """The row maps for the kernel gradient: the plan's own when its loop has them."""
    prepared = plan._prepared
    if type(prepared) is Prepared and isinstance(prepared.state, Rows):
        r = prepared.state
        if r.a0 == a0 and r.src == dtype:
            return r
    return DIRECT.rows(plan, a0, dtype, dtype)


def plane_tasks(image_shape, grad_shape, r: Rows) -> int:
    """The tasks of the kernel gradient's 2-D loops: row blocks of each plane."""
    return math.prod(image_shape[: r.a0]) * -(-grad_shape[r.a0] // r.block)


def _plane_args(image: np.ndarray, grad: np.ndarray, r: Rows, my: int):
    """``(tasks, args, partial)`` of ``kernel_gradient2_rows``/``kernel_gradient3_rows``."""
    dtype = r.src
    img3 = view3(np.ascontiguousarray(image, dtype), r.a0)
    g3 = view3(np.ascontiguousarray(grad, dtype), r.a0)
    inner = math.prod(image.shape[r.a0 + 2 :])
    tasks = plane_tasks(image.shape, grad.shape, r)
    partial = np.zeros((max(tasks, 1), my * r.dx.size), np.float64)
    args = (readonly(img3), r.rowmap, r.fillrow, r.colmap, dtype.type(r.fill), readonly(g3))
    return tasks, (*args, r.dx, my, inner, r.block, partial), partial


def kernel_gradient_plane(image, plan: Plan, grad, r: Rows, loop) -> np.ndarray:
    """``dw[j] = sum_i grad[i] ext[i + j]`` for a kernel over two adjacent axes, reading
    the image in place (no extended copy) through ``r``, by ``loop``
    (``kernel_gradient2_rows`` or ``kernel_gradient3_rows``)."""
    k = plan.kernel
    tasks, args, partial = _plane_args(image, grad, r, k.shape[r.a0])
    run_tasks(loop, tasks, *args, work=grad.size * math.prod(k.shape))
    return np.add.reduce(partial, axis=0).astype(plan.compute_dtype).reshape(k.shape)


def vjp_plane(image, plan: Plan, grad, r: Rows, loop, forward) -> np.ndarray:
    """``kernel_gradient_plane`` and a forward 2-D loop in one pass over the rows, task
    by task (a vjp's image gradient beside the kernel's: one hand-off to the threads,
    rows shared in cache). ``forward = (image2, plan2, out2, rows2)``: the
    correlation of ``image2`` by ``plan2`` into ``out2``, with the same tasks."""
    k = plan.kernel
    tasks, args, partial = _plane_args(image, grad, r, k.shape[r.a0])
    _, fwd, fwd_work = row_args(*forward)
    run_tasks(loop, tasks, fwd, args, work=grad.size * math.prod(k.shape) + fwd_work)
    return np.add.reduce(partial, axis=0).astype(plan.compute_dtype).reshape(k.shape)


def kernel_gradient(src: np.ndarray, grad: np.ndarray, kshape) -> np.ndarray:
    """``dw[j] = sum_i grad[i] src[i + j]`` for a kernel of ``kshape`` over a C-contiguous
    extended window ``src`` (float32/float64), in one threaded pass."""
    deltas, bases, run = run_geometry(src, (0,) * src.ndim, kshape, grad.shape)
    per_row = -(-run // _CHUNK)
    partial = np.empty((bases.size * per_row, deltas.size), src.dtype)
    g = np.ascontiguousarray(grad, src.dtype)
    run_tasks(
        _loops.kernel_gradient.correlate_runs_adjoint,
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
