"""What the in-place 2-D loops need but the image: :class:`Rows`, and their arguments.

The direct strategy's 2-D loops (``_loops.plane``) and the kernel gradient's
(``imagekit.gradients``) read an image in place through the same row and
column maps. :class:`Rows` holds those maps and the weights for one plan and
one dtype pair (the direct strategy's ``rows`` builds it, its parameters
deciding ``wide`` and ``block``); :func:`view3` is the ``(batch, rows, cols *
inner)`` view the loops take, and :func:`row_args` the arguments of the
forward loops for one image and output. :func:`near_4k` and
:func:`buffer_stride` keep the rows a loop reads at once out of each other's
cache sets.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .strategies._readonly import readonly

if TYPE_CHECKING:
    from ._plan import Plan

__all__ = ["Rows", "buffer_stride", "near_4k", "row_args", "view3"]


def near_4k(nbytes: int) -> bool:
    """Whether rows ``nbytes`` apart fall within 256 bytes of a multiple of 4 KiB. Such
    rows share sets of the first-level cache (and few sets of the second): the
    rows a sweep reads at once (eleven in the separable column pass) then evict
    each other."""
    return nbytes % 4096 < 256 or nbytes % 4096 > 3840


def buffer_stride(n: int, itemsize: int) -> int:
    """Values a buffer's row takes for rows of ``n`` values: at least ``n``, a whole
    number of 64-byte lines, and not near a multiple of 4 KiB (:func:`near_4k`)."""
    step = 64 // itemsize
    stride = -(-n // step) * step
    while near_4k(stride * itemsize):
        stride += step
    return stride


@dataclass(frozen=True, eq=False)
class Rows:
    """What the 2-D in-place loops need but the image: axes, dtypes, maps, weights."""

    a0: int
    src: np.dtype
    acc: np.dtype
    rowmap: np.ndarray
    colmap: np.ndarray
    dx: np.ndarray
    fillrow: np.ndarray
    fill: float
    weights: np.ndarray
    dense3: bool
    wide: bool
    taps: int
    bounds: tuple  # (integer, lo, hi) of an integer output, else (None, None, None)
    block: int


def view3(a: np.ndarray, a0: int) -> np.ndarray:
    """``a`` as ``(batch, rows, cols * inner)`` around axis ``a0``."""
    # explicit trailing sizes: -1 cannot be inferred when an axis has length 0
    return a.reshape(math.prod(a.shape[:a0]), a.shape[a0], math.prod(a.shape[a0 + 1 :]))


def row_args(image: np.ndarray, plan: Plan, out: np.ndarray, r: Rows):
    """``(tasks, args, work)`` of ``direct2_rows`` or ``dense3_rows``."""
    img3 = view3(np.ascontiguousarray(image, dtype=r.src), r.a0)
    dst3 = view3(out, r.a0)
    inner = math.prod(image.shape[r.a0 + 2 :])
    args = (
        readonly(img3), r.rowmap, r.fillrow, r.colmap, r.acc.type(r.fill),
        r.weights,  # numba takes it writeable; no kernel writes it
        r.dx, dst3, inner, *r.bounds, r.block, r.dense3, r.wide,
    )  # fmt: skip
    return dst3.shape[0] * -(-out.shape[r.a0] // r.block), args, out.size * r.taps
