"""The adjoint of extending an image by its border: gradient folded back onto pixels.

``extend`` copies pixel ``src`` to every window position ``p`` with
``map[p] == src`` (per axis; Fill positions copy nothing from the image).
Its adjoint adds the gradient at every such ``p`` back onto ``src``: the
interior block passes straight through, and the few margin positions are
added onto the pixels they repeated.
"""

from __future__ import annotations

import numpy as np

from ..borders import NA, Border, Fill
from ..borders._pad import pad_indices
from ..filtering._imfilter import imfilter
from ..kernels import Kernel

__all__ = ["fold", "fold_frame", "frame_covers"]


def fold(grad_window: np.ndarray, image_shape, border: Border, lo) -> np.ndarray:
    """Adjoint of ``extend(image, border, lo, hi)``: a gradient of the image's shape.

    The reverse of ``extend``'s fast path: margin slabs are added onto the
    positions they were copied from, axis by axis in reverse order (each
    with the full extent of the other axes), and the interior block is the
    result — one copy of the window plus small slab additions.
    """
    if isinstance(border, NA):
        border = Fill(0.0)
    g = np.asarray(grad_window)
    ndim = g.ndim
    maps = [
        pad_indices(n, l_, l_ + g.shape[d], border)
        for d, (n, l_) in enumerate(zip(image_shape, lo))
    ]
    spans = []
    for m, l_ in zip(maps, lo):
        inside = np.flatnonzero((m >= 0) & (np.arange(m.size) + l_ == m))
        spans.append((int(inside[0]), int(inside[-1]) + 1) if inside.size else None)
    covered = all(
        s is not None
        and s[1] - s[0] == n
        and np.all((m < 0) | ((m - l_ >= s[0]) & (m - l_ < s[1])))
        for s, m, l_, n in zip(spans, maps, lo, image_shape)
    )
    if not covered:  # a window that crops the image somewhere: the general per-axis fold
        return _fold_per_axis(g, image_shape, maps, lo)
    margins = [np.flatnonzero((m >= 0) & (np.arange(m.size) + l_ != m)) for m, l_ in zip(maps, lo)]
    if any(len(mg) for mg in margins):
        g = g.copy()
        for d in range(ndim - 1, -1, -1):
            if len(margins[d]) == 0:
                continue
            src = maps[d][margins[d]] - lo[d]  # window positions of the repeated pixels
            moved = np.moveaxis(g, d, 0)
            np.add.at(moved, src, moved[margins[d]])
    block = g[tuple(slice(a, b) for a, b in spans)]
    # Always a new array: the window may be a caller's scratch buffer.
    return block.copy() if np.shares_memory(block, grad_window) else np.ascontiguousarray(block)


def _fold_per_axis(g, image_shape, maps, lo):
    """Fold one axis at a time into zeroed arrays (windows narrower than the image)."""
    for axis, (n, m) in enumerate(zip(image_shape, maps)):
        moved = np.moveaxis(g, axis, 0)
        out = np.zeros((n, *moved.shape[1:]), g.dtype)
        valid = np.flatnonzero(m >= 0)
        if valid.size:
            np.add.at(out, m[valid], moved[valid])
        g = np.moveaxis(out, 0, axis)
    return g


def frame_covers(image_shape, kshape, lo) -> bool:
    """Whether ``fold_frame`` applies: the window (``lo`` to ``lo + n + m - 1`` per axis,
    a "same" output's) holds the whole image, so its interior is the image."""
    return all(l_ <= 0 <= l_ + m - 1 for l_, m in zip(lo, kshape)) and len(lo) == len(image_shape)


def fold_frame(gi: np.ndarray, g: np.ndarray, w: np.ndarray, border: Border, lo) -> None:
    """Add the folded margins of a "same" filter's window gradient onto ``gi``, in place.

    ``gi`` holds the window gradient's interior (the correlation of ``g`` with
    the reversed kernel, zero outside: the image gradient of a constant fill);
    what ``fold`` would add to it from the margins comes from the margins
    alone, so only they are computed, from thin slabs of ``g`` at the edges:
    a few filters of a few rows instead of a window-sized gradient and two
    copies of it.

    The margins fold axis by axis from the last, as in ``fold``: ``parts[d]``
    holds the window positions whose last margin axis is ``d`` (all window
    positions along axes before ``d``, the margin along ``d``, the image
    along axes after it); folding ``d`` adds each onto the pixel it repeats,
    into ``gi`` or into the part of an earlier axis where the position is
    still in a margin.
    """
    ndim, n, m = g.ndim, gi.shape, w.shape
    maps = [pad_indices(n[d], lo[d], lo[d] + n[d] + m[d] - 1, border) for d in range(ndim)]
    inside = [slice(-lo[d], -lo[d] + n[d]) for d in range(ndim)]  # the image, in window indices
    margins = [
        np.concatenate((np.arange(-lo[d]), np.arange(n[d] - lo[d], n[d] + m[d] - 1)))
        for d in range(ndim)
    ]
    rev = Kernel(w[(slice(None, None, -1),) * ndim], start=(0,) * ndim)
    parts = [_margin_values(g, rev, d, n, m, lo, inside) for d in range(ndim)]
    for d in range(ndim - 1, -1, -1):
        if len(margins[d]) == 0:
            continue
        keep = maps[d][margins[d]] >= 0
        src = maps[d][margins[d]][keep]
        values = np.compress(keep, parts[d], axis=d)
        # where every axis before d is inside the image: onto the pixels
        _add_along(gi, d, src, values[tuple(inside[:d])])
        # else onto the part of the last earlier axis e still in a margin there
        for e in range(d - 1, -1, -1):
            sel = (slice(None),) * e + (margins[e],) + tuple(inside[e + 1 : d])
            _add_along(parts[e], d, src, values[sel])


def _margin_values(g, rev, d, n, m, lo, inside):
    """The window gradient at ``parts[d]``'s positions: margin along ``d`` (low side,
    then high), every window position along earlier axes, the image along later
    ones; each side from the slab of ``g`` that reaches it (a "full" correlation of
    the slab, zero outside, is exact there)."""
    sides = []
    rev_d = Kernel(rev.weights.swapaxes(d, 0), start=rev.start)
    for first, last, p0, p1 in (
        (0, min(-lo[d], n[d]), 0, -lo[d]),  # low margin: window 0 .. -lo
        (max(n[d] - lo[d] + 1 - m[d], 0), n[d], n[d] - lo[d], n[d] + m[d] - 1),  # high
    ):
        if p1 <= p0:
            continue
        slab = g[(slice(None),) * d + (slice(first, last),)].swapaxes(d, 0)
        # window index p: the slab's p - first; the thin axis first, where the loops
        # take it as a few long rows (as a few long columns it is slower)
        full = imfilter(slab, rev_d, Fill(0.0), shape="full").swapaxes(0, d)
        sel = (slice(None),) * d + (slice(p0 - first, p1 - first),) + tuple(inside[d + 1 :])
        sides.append(full[sel])
    if not sides:
        shape = [n[e] + m[e] - 1 for e in range(d)] + [0] + [n[e] for e in range(d + 1, len(n))]
        return np.zeros(shape, g.dtype)
    return np.concatenate(sides, axis=d)


def _add_along(target, axis, index, values):
    """``target[..., index, ...] += values`` along ``axis``, repeated indices summed."""
    if values.size:
        np.add.at(target.swapaxes(axis, 0), index, values.swapaxes(axis, 0))
