"""Output geometry, the kernel's per-axis factors and the extended positions a factor's
pass reads: what a plan derives from the kernel and the image's shape."""

from __future__ import annotations

import numpy as np

from ..borders._pad import pad_indices
from ..kernels import Kernel
from ..kernels._separable import rank1_factors

__all__ = ["axis_factors", "extends_along_two_axes", "factor_maps", "geometry"]


def extends_along_two_axes(kernel: Kernel) -> bool:
    return sum(n > 1 or s != 0 for n, s in zip(kernel.shape, kernel.start)) >= 2


def axis_factors(kernel: Kernel) -> tuple[tuple[int, Kernel], ...] | None:
    """Per-axis 1-D factors of a real kernel over the axes it extends along."""
    # Axes with more than one tap, or a single tap at a non-zero offset (a shift).
    if not extends_along_two_axes(kernel):
        return None
    big = [d for d, (n, s) in enumerate(zip(kernel.shape, kernel.start)) if n > 1 or s != 0]
    if kernel._factors is not None:
        scale = np.prod([f.weights[0] for d, f in enumerate(kernel._factors) if d not in big])
        fs = [kernel._factors[d].weights for d in big]
        fs[0] = fs[0] * scale
    else:
        fs = rank1_factors(kernel.weights.reshape([kernel.shape[d] for d in big]))
        if fs is None:
            return None
    return tuple((d, Kernel(f, start=(kernel.start[d],))) for d, f in zip(big, fs))


def geometry(image_shape, kernel: Kernel, shape: str):
    """Output shape and the image position of its first element, per axis."""
    lo, out_shape = [], []
    for n, s, m in zip(image_shape, kernel.start, kernel.shape):
        if shape == "same":
            first, length = 0, n
        elif shape == "valid":
            first, length = -s, max(n - m + 1, 0)
        else:  # full
            first, length = -(s + m - 1), n + m - 1
        lo.append(first)
        out_shape.append(length)
    return tuple(out_shape), tuple(lo)


def factor_maps(plan, axis: int, factor: Kernel):
    """The extended positions a pass of the 1-D ``factor`` along ``axis`` reads: the
    first position and the source index of each (``borders._pad.pad_indices``)."""
    lo = plan.out_lo[axis] + factor.start[0]
    n_ext = plan.out_shape[axis] + factor.shape[0] - 1
    return lo, pad_indices(plan.image_shape[axis], lo, lo + n_ext, plan.border)
