"""Separable strategy: one 1-D pass per axis the kernel extends along.

A kernel that factors into ``f0 ⊗ f1 ⊗ ...`` costs ``sum(len(f))`` taps per
pixel instead of ``prod(len(f))``. Each pass extends its input along its own
axis only, so the passes together read exactly the values one N-D pass
would: for ``Pad`` borders the per-axis extensions commute with filtering
along the other axes; for ``Fill(c)`` a pass sees, outside the image, the
earlier passes applied to ``c``, i.e. ``c * prod(sum(previous factors))``.

Two flat scratch buffers serve every pass: one holds the extended input of
the pass, the other the intermediate result between passes.
"""

from __future__ import annotations

import numpy as np

from ...borders import Fill
from ...kernels import Kernel
from .._plan import Plan
from .direct import correlate_window, needs_extension

__all__ = ["correlate"]


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
    """Write the correlation of ``image`` with ``plan.factors`` into ``out``."""
    passes = list(_passes(plan, image.shape))
    sizes = [int(np.prod([b - a for a, b in zip(*w)])) for _, w, _, _ in passes]
    scratch = np.empty(max(sizes), out.dtype)  # extended input of a pass
    between = np.empty(max(int(np.prod(s)) for _, _, s, _ in passes[:-1]), out.dtype)
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
                    spare = np.empty_like(between)
                between, spare = spare, between
            dst = between[:size].reshape(shape)
        correlate_window(cur, kernel, border, window, dst, scratch=scratch)
        cur = dst
