"""Numba primitives that several loop modules share, and the intrinsics they need.

Rows and columns of the in-place 2-D loops (``plane``, ``box`` and the
kernel gradient's loops):

- ``row(img, b, i, fillrow)``: image row ``i`` of plane ``b``, or the fill row
  (``i < 0``);
- ``store(acc, out, lo, hi)``: an accumulator row into an output row, rounded
  and clipped for integer outputs;
- ``edge_col``, ``run_end``, ``three_rows``: the edge columns and the runs of
  image rows that a kernel three rows high sweeps in two dimensions;
  ``row_run`` walks a task's rows by such runs (``dense3_rows`` and the 3x3
  kernel gradient's loop).

The filter bank's register tile (``filterbank``, ``winograd``):
``register_tile`` and its size ``PB`` x ``OB``.

Two numba intrinsics for register-blocked loops, which numba has no option for:

- ``wide_vectors()``: LLVM's tuning for Intel's AVX-512 cores prefers 256-bit
  vectors (``prefer-256-bit``: 512-bit instructions once lowered the clock),
  so numba compiles loops for ymm registers even where zmm are there.
  Called in a function, this sets that function's ``prefer-vector-width``
  and ``min-legal-vector-width`` to 512: its loops use the full width where
  the CPU has it (a wider preference than the target's registers is capped
  by LLVM, so nothing changes elsewhere). It emits no instruction.
- ``stack_tile(n, dtype)``: ``n`` (a literal) elements on the stack, as a
  pointer for ``numba.carray``. An accumulator tile there cannot alias any
  array argument, so LLVM keeps it in registers across a loop; a tile from
  ``np.empty`` lives on the heap behind a pointer LLVM knows nothing about,
  and every multiply-add then loads and stores it.
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import carray, njit
from numba.core import cgutils, types
from numba.core.errors import RequireLiteralValue
from numba.extending import intrinsic

__all__ = [
    "OB",
    "PB",
    "edge_col",
    "register_tile",
    "row",
    "row_run",
    "run_end",
    "stack_tile",
    "store",
    "three_rows",
    "wide_vectors",
]

PB = 6  # positions per register tile
OB = 64  # outputs per register tile (weights per packed row)

_WIDE = ('"prefer-vector-width"="512"', '"min-legal-vector-width"="512"')


@intrinsic
def wide_vectors(typingctx):
    """Mark the calling function for 512-bit vectors (no run-time effect)."""

    def codegen(context, builder, signature, args):
        attributes = builder.function.attributes
        try:
            for attribute in _WIDE:
                # llvmlite's add() takes only keyword attributes; a string
                # attribute goes in through the set that holds them.
                set.add(attributes, attribute)
        except TypeError:  # a future llvmlite without that set: only speed is lost
            pass
        return context.get_dummy_value()

    return types.none(), codegen


@intrinsic
def stack_tile(typingctx, n, dtype):
    """A pointer to ``n`` uninitialised elements of ``dtype`` on the function's stack."""
    if not isinstance(n, types.IntegerLiteral):
        raise RequireLiteralValue(n)
    count = n.literal_value
    element = dtype.dtype

    def codegen(context, builder, signature, args):
        ty = context.get_value_type(element)
        # in the entry block, of a constant size: LLVM can then promote it to registers
        return cgutils.alloca_once(builder, ty, size=ir.Constant(ir.IntType(64), count))

    return types.CPointer(element)(n, dtype), codegen


@njit(no_cpython_wrapper=True)
def row(img, b, i, fillrow):  # pragma: no cover - numba
    if i < 0:
        return fillrow
    return img[b, i]


@njit(fastmath={"contract"}, no_cpython_wrapper=True)
def store(acc, out, lo, hi):  # pragma: no cover - numba
    """The accumulator into an output row: rounded half to even and clipped to
    ``[lo, hi]`` for integers. ``lo`` is None for float outputs: numba then
    compiles only the copy (each loop costs compile time)."""
    if lo is None:
        for x in range(acc.shape[0]):
            out[x] = acc[x]
    elif out.itemsize <= 2:  # through int32: a float -> int8/16 store is scalar
        for x in range(acc.shape[0]):
            out[x] = np.int32(min(max(np.rint(acc[x]), lo), hi))
    else:  # lo, hi in the accumulator's type keep this loop vectorised
        for x in range(acc.shape[0]):
            out[x] = min(max(np.rint(acc[x]), lo), hi)


@njit(no_cpython_wrapper=True)
def edge_col(t, o0, o1):  # pragma: no cover - numba
    """The ``t``-th output column outside ``[o0, o1)``: ``[0, o0)`` then ``[o1, ...)``."""
    return t if t < o0 else t + o1 - o0


@njit(no_cpython_wrapper=True)
def run_end(rowmap, y, y_end):  # pragma: no cover - numba
    """The end of the run of output rows from ``y`` (before ``y_end``) whose three
    image rows ``rowmap[y' + (0, 1, 2)]`` are consecutive and follow on from ``y``'s:
    rows a 3x3 loop can sweep in two dimensions. ``y`` itself when it cannot."""
    ry, yb = rowmap[y], y
    if ry < 0:
        return y
    while yb < y_end and (
        rowmap[yb] == ry + yb - y
        and rowmap[yb + 1] == ry + yb - y + 1
        and rowmap[yb + 2] == ry + yb - y + 2
    ):
        yb += 1
    return yb


@njit(no_cpython_wrapper=True, inline="always")
def three_rows(img, b, fill, rowmap, y, yb, one):  # pragma: no cover - numba
    """The sources of output rows ``y .. y + count`` of a kernel three rows high:
    ``(rows, at, count)``, output row ``y + k`` reading rows ``rows[j][at[j] + k]``.
    Image rows that follow on up to ``yb`` (> y) are one run; else row ``y`` alone,
    its three rows from the image or the fill row (a reflection, the border)."""
    if yb > y:
        ry = rowmap[y]
        return (img[b], img[b], img[b]), (ry, ry + 1, ry + 2), yb - y
    z = one - one
    j0, j1, j2 = rowmap[y], rowmap[y + 1], rowmap[y + 2]
    s0 = fill if j0 < 0 else img[b]
    s1 = fill if j1 < 0 else img[b]
    s2 = fill if j2 < 0 else img[b]
    return (s0, s1, s2), (max(j0, z), max(j1, z), max(j2, z)), one


@njit(no_cpython_wrapper=True)
def row_run(img, b, fill, rowmap, y, y_end, runs, one):  # pragma: no cover - numba
    """``three_rows`` for the output rows from ``y`` (before ``y_end``) that one sweep
    takes: the run of image rows that follow on (``run_end``) when ``runs``, else
    row ``y`` alone. A task walks its rows ``y += count``."""
    yb = run_end(rowmap, y, y_end) if runs else y
    return three_rows(img, b, fill, rowmap, y, yb, one)


@njit(fastmath={"contract"}, no_cpython_wrapper=True)
def register_tile(src, b, p, g, wb, deltas, cnext, out, o0, bank, pack):  # pragma: no cover - numba
    """Outputs ``o0 : o0 + 64`` of output positions ``p : p + 6`` (those there are),
    position ``p + q`` reading ``src`` from ``g[q] + deltas[t]`` for tap ``t``.

    The weights come from ``wb``, the block's packed copy; with ``pack`` they
    come from ``bank`` itself and are written into ``wb`` on the way (a
    block's first tile: the copy hides behind the multiply-adds, where a
    separate packing pass would be a pass of its own). Each position reads
    from its own base, so a tile may run over the end of an output row into
    the next: no position of the grid's extension width is computed and
    dropped (that width is a sizeable share of the grid for small images and
    large kernels)."""
    wide_vectors()
    acc = carray(stack_tile(384, wb.dtype), (PB, OB))  # 384 = PB * OB
    z, width, n_c = np.uint64(0), np.uint64(OB), np.uint64(wb.shape[1])
    first = np.uint64(o0)
    n = out.shape[1]
    g0, g1, g2, g3, g4, g5 = g
    for q in range(PB):
        for o in range(OB):
            acc[q, o] = 0
    for t in range(wb.shape[0]):
        dt = deltas[t]
        c = z
        while c < n_c:
            x0, x1, x2 = src[b, g0 + dt, c], src[b, g1 + dt, c], src[b, g2 + dt, c]
            x3, x4, x5 = src[b, g3 + dt, c], src[b, g4 + dt, c], src[b, g5 + dt, c]
            if pack:  # the block's first tile: its weights, packed on the way
                for o in range(z, width):
                    wb[t, c, o] = bank[t, c, first + o]
            for o in range(z, width):
                w = wb[t, c, o]
                acc[0, o] += x0 * w
                acc[1, o] += x1 * w
                acc[2, o] += x2 * w
                acc[3, o] += x3 * w
                acc[4, o] += x4 * w
                acc[5, o] += x5 * w
            c = cnext[c]
    n_o = min(OB, out.shape[2] - o0)
    for q in range(min(PB, n - p)):
        for o in range(n_o):
            out[b, p + q, o0 + o] = acc[q, o]
