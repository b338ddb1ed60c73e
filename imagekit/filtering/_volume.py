"""What the direct strategy's 3-D loop needs but the image: :class:`Volume`, and its arguments.

A kernel over three adjacent axes (``a0 - 1, a0, a0 + 1``) runs as
``_loops.runs.volume_blocks``, and so does a kernel over two (``a0, a0 + 1``,
"planar": one plane of one tap, the plane axis a length-1 view): blocks of
output rows through runs of planes,
each plane correlating a small ring buffer that holds the rows the block
reads, extended along the columns, so the image itself is never extended
whole (a pass over it and a copy of its size). :class:`Volume` holds the
plane, row and column maps and the taps' offsets into that buffer for one
plan and one dtype pair; :func:`volume_args` builds the loop's arguments for
one image and output.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..borders import Fill
from ..borders._pad import pad_indices
from ._rows import buffer_stride
from .strategies._readonly import readonly

if TYPE_CHECKING:
    from ._plan import Plan

__all__ = ["Volume", "volume", "volume_args"]

# The block's buffer stays in L2 (its rows are read once per tap) up to this size
_BUFFER_BYTES = 256 * 2**10
# Tasks a call is cut into at least, where it can be (more balance the threads; each
# task copies its first planes whole)
_TASKS = 32


@dataclass(frozen=True, eq=False)
class Volume:
    """Maps, tap offsets and weights of ``volume_blocks`` for one plan and dtype pair."""

    a0: int  # the middle of the kernel's three axes
    src: np.dtype  # the image's dtype as the loop reads it
    acc: np.dtype
    planemap: np.ndarray
    rowmap: np.ndarray
    colmap: np.ndarray
    cols: tuple  # (x0, x1, c0): extended columns [x0, x1) are image columns c0 ..
    fill: float
    deltas: np.ndarray  # [z % mz, tap]: each non-zero tap's offset into the ring buffer
    weights: np.ndarray  # the non-zero taps' weights, in the accumulator's dtype
    ext: tuple  # the buffer: (kernel planes, rows, values a row, inner)
    block: int
    bounds: tuple  # (lo, hi) of an integer output, else (None, None)
    planar: bool = False  # a kernel over axes a0, a0 + 1 only; the planes a length-1 view


def _inside_run(colmap: np.ndarray) -> tuple[int, int, int]:
    """The first longest run of extended columns reading consecutive image columns."""
    best = (0, 0, 0)
    t = 0
    while t < colmap.size:
        u = t + 1
        if colmap[t] >= 0:
            while u < colmap.size and colmap[u] == colmap[u - 1] + 1:
                u += 1
            if u - t > best[1] - best[0]:
                best = (t, u, int(colmap[t]))
        t = u
    return best


def volume(plan: Plan, a0: int, src_dtype, acc_dtype, block: int, planar: bool = False) -> Volume:
    """The :class:`Volume` of ``plan``'s kernel over axes ``a0 - 1 .. a0 + 1`` (``planar``:
    over ``a0, a0 + 1``); ``block`` output rows a task at most (fewer for wide rows,
    so the buffer stays in L2)."""
    k, shape, border = plan.kernel, plan.image_shape, plan.border
    acc_dtype = np.dtype(acc_dtype)
    maps = [np.zeros(1, np.int64)] if planar else []  # the one plane
    for d in (a0, a0 + 1) if planar else (a0 - 1, a0, a0 + 1):
        lo = plan.out_lo[d] + k.start[d]
        maps.append(pad_indices(shape[d], lo, lo + plan.out_shape[d] + k.shape[d] - 1, border))
    mz = 1 if planar else k.shape[a0 - 1]
    my, mx = k.shape[a0], k.shape[a0 + 1]
    inner = math.prod(shape[a0 + 2 :])
    width = buffer_stride((plan.out_shape[a0 + 1] + mx - 1) * inner, acc_dtype.itemsize)
    fits = _BUFFER_BYTES // (mz * width * acc_dtype.itemsize) - my + 1
    block = int(min(block, max(fits, 1), max(plan.out_shape[a0], 1)))
    rows = block + my - 1
    w = k.weights.reshape(mz, my, mx)
    taps = np.nonzero(w)
    # the ring's slots rotate: output plane z reads plane z + dz from slot (z + dz) % mz
    slots = (np.arange(mz)[:, None] + taps[0][None, :]) % mz
    deltas = (slots * rows + taps[1]) * width + taps[2] * inner
    fill = plan.border.value if isinstance(plan.border, Fill) else 0.0
    return Volume(
        a0, np.dtype(src_dtype), acc_dtype, *(readonly(m) for m in maps),
        _inside_run(maps[2]), fill,
        readonly(deltas.astype(np.int64)), readonly(w[taps].astype(acc_dtype)),
        (mz, rows, width, inner), block, (None, None), planar,
    )  # fmt: skip


def volume_args(image: np.ndarray, out: np.ndarray, v: Volume):
    """``(tasks, args, work)`` of ``volume_blocks`` for ``image`` into ``out``."""
    a0 = v.a0

    def view4(a):  # explicit sizes: -1 cannot be inferred when an axis has length 0
        if v.planar:  # the planes: a length-1 axis before the rows
            return a.reshape(math.prod(a.shape[:a0]), 1, a.shape[a0], math.prod(a.shape[a0 + 1 :]))
        lead, trail = math.prod(a.shape[: a0 - 1]), math.prod(a.shape[a0 + 1 :])
        return a.reshape(lead, a.shape[a0 - 1], a.shape[a0], trail)

    img4 = view4(np.ascontiguousarray(image, dtype=v.src))
    dst4 = view4(out)
    nb, pout, h = dst4.shape[:3]
    pairs = nb * -(-h // v.block)
    # runs of planes as long as a task count of _TASKS (or one a pair) allows: each run
    # fills the ring whole at its first plane
    zrun = -(-pout // max(1, min(pout, -(-_TASKS // pairs))))
    args = (
        readonly(img4), v.planemap, v.rowmap, v.colmap, v.cols, v.acc.type(v.fill),
        v.deltas, v.weights, dst4, *v.bounds, (v.block, zrun), v.ext,
    )  # fmt: skip
    return pairs * -(-pout // zrun), args, out.size * v.weights.size
