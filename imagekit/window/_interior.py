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

from ..borders import NA
from ..borders._pad import pad_indices
from ..filtering.strategies._threads import run_tasks
from ._geometry import Window, flat_offsets

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


def _gather(n: int, ranges, border) -> np.ndarray:
    """The image positions an extension by ``border`` reads for the positions in each
    ``[lo, hi)`` of ``ranges``, one after the other (-1: a ``Fill``/``NA`` value)."""
    return np.concatenate([pad_indices(n, lo, hi, border) for lo, hi in ranges])


@functools.lru_cache(maxsize=32)
def _layout(shape, border, fp_shape, start, fp_bytes):
    """What ``run_in_place`` reads for an image of ``shape``: the in-place rows
    ``(rows, bases, offsets)`` and two frame pieces ``(index, fill, offsets,
    bases, width, parts)``: the rows above and below the in-place rows (full
    width), and the columns left and right of the interior (the in-place rows).
    A piece gathers its extension by ``index`` (flat positions in the image;
    ``fill``: where the border's value goes) and stacks the two sides, so one
    loop call computes both; ``parts`` pairs its output's slices with ``out``'s.
    The window is given by its key, so that layouts are kept."""
    footprint = np.unpackbits(np.frombuffer(fp_bytes, np.uint8), count=int(np.prod(fp_shape)))
    footprint = footprint.reshape(fp_shape).astype(bool)
    (h, w), (fh, fw), (sy, sx) = shape, fp_shape, start
    y0, y1 = _interior(h, fh, sy)
    x0, x1 = _interior(w, fw, sx)
    offsets, _ = flat_offsets(shape, footprint, shape)
    rows = slice(y0 + 1, y1 - 1)
    bases = (np.arange(rows.start, rows.stop, dtype=np.int64) + sy) * w + sx
    every = slice(0, w)
    pieces = []
    for axis, sides, reach in (
        (0, (slice(0, y0 + 1), slice(y1 - 1, h)), fh),
        (1, (slice(0, x0), slice(x1, w)), fw),
    ):
        sides = [s for s in sides if s.stop > s.start]
        if not sides:
            continue
        st = (sy, sx)[axis]
        along = _gather(
            shape[axis], [(s.start + st, s.stop + st + reach - 1) for s in sides], border
        )
        if axis == 0:
            across = pad_indices(w, sx, w + sx + fw - 1, border)
            index, nout = (along[:, None], across[None, :]), (along.size - fh + 1, w)
        else:
            across = np.arange(rows.start + sy, rows.stop + sy + fh - 1)
            index, nout = (
                (across[:, None], along[None, :]),
                (rows.stop - rows.start, along.size - fw + 1),
            )
        fill = (index[0] < 0) | (index[1] < 0)
        # flat positions into the image: one ``take`` gathers the piece, without
        # broadcasting a pair of index arrays on every call
        index = np.maximum(index[0], 0) * w + np.maximum(index[1], 0)
        ext_shape = index.shape
        poffsets, pbases = flat_offsets(ext_shape, footprint, nout)
        parts, at = [], 0
        for s in sides:
            size = s.stop - s.start
            if axis == 0:
                parts.append(((slice(at, at + size), every), (s, every)))
            else:
                parts.append(((slice(None), slice(at, at + size)), (rows, s)))
            at += size + reach - 1
        pieces.append((index, fill if fill.any() else None, poffsets, pbases, nout, tuple(parts)))
    return rows, bases, offsets, tuple(pieces)


def run_in_place(
    loop, image: np.ndarray, border, window: Window, out: np.ndarray, *args, work=None
):
    """``out`` (the image's shape and dtype): ``loop`` over every pixel's window of
    ``image`` continued by ``border`` (``in_place_possible`` must hold); ``work``
    as for ``run_tasks`` (below ``SERIAL_WORK``: on the calling thread)."""
    rows, bases, offsets, pieces = _layout(image.shape, border, *window.key())
    run_tasks(loop, bases.size, image.ravel(), bases, offsets, out[rows], *args, work=work)
    for index, fill, poffsets, pbases, nout, parts in pieces:
        ext = np.take(image.ravel(), index)
        if fill is not None:
            ext[fill] = np.nan if isinstance(border, NA) else border.value
        dst = np.empty(nout, out.dtype)
        loop(0, nout[0], ext.ravel(), pbases, poffsets, dst, *args)
        for piece, where in parts:
            out[where] = dst[piece]
    return out
