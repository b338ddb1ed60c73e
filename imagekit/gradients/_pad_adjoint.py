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
    """Adjoint of ``extend(image, border, lo, hi)``: a gradient of the image's shape."""
    if isinstance(border, NA):
        border = Fill(0.0)
    g = np.asarray(grad_window)
    for axis, (n, l_) in enumerate(zip(image_shape, lo)):
        m = pad_indices(n, l_, l_ + g.shape[axis], border)
        moved = np.moveaxis(g, axis, 0)
        out = np.zeros((n, *moved.shape[1:]), g.dtype)
        inside = np.flatnonzero((m >= 0) & (np.arange(m.size) + l_ == m))
        if inside.size:  # the interior: a block copy
            out[m[inside[0]] : m[inside[-1]] + 1] = moved[inside[0] : inside[-1] + 1]
        margin = np.flatnonzero((m >= 0) & (np.arange(m.size) + l_ != m))
        if margin.size:  # positions that repeated a pixel: add them onto it
            np.add.at(out, m[margin], moved[margin])
        g = np.moveaxis(out, 0, axis)
    return g
