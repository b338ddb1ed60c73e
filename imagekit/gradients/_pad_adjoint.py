"""The adjoint of extending an image by its border: gradient folded back onto pixels.

``extend`` copies pixel ``src`` to every window position ``p`` with
``map[p] == src`` (per axis; Fill positions copy nothing from the image).
Its adjoint adds the gradient at every such ``p`` back onto ``src``: the
interior block passes straight through, and the few margin positions are
added onto the pixels they repeated.
"""

from __future__ import annotations

import numpy as np

from ..borders import NA, Border, Fill, pad_indices

__all__ = ["fold"]


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
