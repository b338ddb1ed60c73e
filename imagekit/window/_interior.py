"""A 2-D window loop run on the image in place, with only its frame extended.

A row loop (``loop(t0, t1, src, bases, offsets, dst, *args)``, as in
``window._loops.select``) normally reads an extended copy of the whole image;
for a cheap loop (a 3x3 median of bytes) that copy costs as much as the loop.
``run_in_place`` splits a ``shape="same"`` output instead:

- the rows whose windows lie inside the image but for the first and last
  such row are computed straight from the image, at full width, by flat
  index: row ``y``'s windows start at ``(y + start[0]) * W + start[1]``. The
  pixels whose windows cross the left or right edge read the neighbouring
  row's values there (always inside the array) and are overwritten below;
- the rows above and below them (whose flat reads could leave the array) and
  the columns left and right of the image's interior are computed from small
  extensions of the image by the border (``_geometry.extended``).
"""

from __future__ import annotations

import functools

import numpy as np

from ..filtering.strategies._threads import run_tasks
from ._geometry import Window, extended, flat_offsets

__all__ = ["in_place_possible", "run_in_place"]


def _interior(n: int, size: int, start: int) -> tuple[int, int]:
    """The output positions ``[a, b)`` along an axis of ``n`` whose windows lie inside."""
    return -start, n - (size - 1 + start)


def in_place_possible(image: np.ndarray, window: Window) -> bool:
    """Whether ``run_in_place`` applies: a 2-D C-contiguous image with at least
    one row read in place and a window no wider than the image."""
    if image.ndim != 2 or not image.flags.c_contiguous:
        return False
    (fh, fw), (sy, sx) = window.shape, window.start
    y0, y1 = _interior(image.shape[0], fh, sy)
    x0, x1 = _interior(image.shape[1], fw, sx)
    return sy <= 0 <= sy + fh - 1 and sx <= 0 <= sx + fw - 1 and y1 - y0 >= 3 and x1 > x0


@functools.lru_cache(maxsize=32)
def _layout(shape, fp_shape, start, fp_bytes):
    """What ``run_in_place`` reads for an image of ``shape``: the in-place rows'
    ``(rows, bases, offsets)`` and each frame piece's ``(rows, cols, ext_shape,
    offsets, bases)`` (the window given by its key, so that layouts are kept)."""
    footprint = np.unpackbits(np.frombuffer(fp_bytes, np.uint8), count=int(np.prod(fp_shape)))
    footprint = footprint.reshape(fp_shape).astype(bool)
    (h, w), (fh, fw), (sy, sx) = shape, fp_shape, start
    y0, y1 = _interior(h, fh, sy)
    x0, x1 = _interior(w, fw, sx)
    offsets, _ = flat_offsets(shape, footprint, shape)
    rows = slice(y0 + 1, y1 - 1)
    bases = (np.arange(rows.start, rows.stop, dtype=np.int64) + sy) * w + sx
    pieces = []
    every = slice(0, w)
    for r, c in (
        (slice(0, y0 + 1), every),
        (slice(y1 - 1, h), every),
        (rows, slice(0, x0)),
        (rows, slice(x1, w)),
    ):
        piece = (r.stop - r.start, c.stop - c.start)
        if 0 not in piece:
            ext_shape = (piece[0] + fh - 1, piece[1] + fw - 1)
            pieces.append((r, c, *flat_offsets(ext_shape, footprint, piece)))
    return rows, bases, offsets, tuple(pieces)


def run_in_place(loop, image: np.ndarray, border, window: Window, out: np.ndarray, *args):
    """``out`` (the image's shape and dtype): ``loop`` over every pixel's window of
    ``image`` continued by ``border`` (``in_place_possible`` must hold)."""
    rows, bases, offsets, pieces = _layout(image.shape, *window.key())
    run_tasks(loop, bases.size, image.ravel(), bases, offsets, out[rows], *args)
    for r, c, poffsets, pbases in pieces:
        shape = (r.stop - r.start, c.stop - c.start)
        ext = extended(image, border, shape, (r.start, c.start), window)
        dst = out[r, c] if c.stop - c.start == out.shape[1] else np.empty(shape, out.dtype)
        loop(0, shape[0], ext.ravel(), pbases, poffsets, dst, *args)
        if dst.base is not out:
            out[r, c] = dst
    return out
