"""Running scipy.ndimage's filters: the two shapes every compat function takes.

- :func:`correlate_nd`: one N-D correlation (``scipy.ndimage.correlate``);
- :func:`run_passes`: a chain of 1-D passes, one axis each
  (``correlate1d``, ``gaussian_filter``, ``uniform_filter``, ``sobel``...).

Each pass runs scipy's own arithmetic (:mod:`._scipy_order`: the same sums
in the same order, compiled and threaded) and is stored into the output's
dtype before the next pass reads it, as scipy does, so every result is
scipy's bit for bit: floating outputs included, a constant image stays
constant wherever scipy's does, and integers truncate where scipy's do.

Complex data run as their real and imaginary parts, as in scipy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._workspace import Workspace
from . import _scipy_order
from ._support import as_float64, border_for, check_dtypes, real_cval

__all__ = ["Pass", "correlate_nd", "run_passes"]

_ws = Workspace(__name__)  # the results between passes


@dataclass(frozen=True)
class Pass:
    """One 1-D pass: correlation weights (or a box of ``size``) along ``axis``."""

    axis: int
    weights: np.ndarray  # float64 correlation weights, as scipy's C loop gets them
    origin: int = 0
    mode: str = "reflect"
    box: int = 0  # a uniform filter of this size (weights are then 1/size)


def _real_passes(x: np.ndarray, passes, cval, out: np.ndarray, scale: float = 1.0) -> None:
    """The chain on a real image, written into the real array ``out``.

    Each pass reads the previous one's result in the output's dtype (scipy
    filters the output in place); the intermediate results alternate between
    ``out`` and one of this module's workspace buffers so that the last lands in
    ``out``. The first
    pass reads ``x`` times ``scale``.
    """
    between = _ws.buffer("between", out.shape, out.dtype) if len(passes) > 1 else None
    src = x
    for i, p in enumerate(passes):
        dst = out if (len(passes) - 1 - i) % 2 == 0 else between
        border = border_for(p.mode, cval)
        if p.box:
            _scipy_order.uniform1d(src, p.box, p.axis, p.origin, border, dst, scale)
        else:
            _scipy_order.correlate1d(src, p.weights, p.axis, p.origin, border, dst, scale)
        src, scale = dst, 1.0


def run_passes(x: np.ndarray, passes, out: np.ndarray, cval=0.0, scale=1.0) -> np.ndarray:
    """Filter ``x`` by the chain of real 1-D ``passes`` into ``out`` and return ``out``.

    With no passes the input is copied into the output, as scipy does.
    Complex input runs its real and imaginary parts with cval's parts.
    ``scale`` (real input only) filters ``x * scale`` as numpy computes it,
    without making that array (scikit-image's ``img_as_float``).
    """
    if not passes:  # scipy's copy: numpy's assignment casting
        out[...] = x[...] if scale == 1.0 else as_float64(x) * scale
        return out
    complex_input = x.dtype.kind == "c"
    cvals = [real_cval(c) for c in ((np.real(cval), np.imag(cval)) if complex_input else (cval,))]
    for p in passes:  # scipy checks the modes, cval and dtypes even for an empty image
        border_for(p.mode, cvals[0])
    check_dtypes(x, out)
    if x.size == 0:
        return out
    if complex_input:
        _real_passes(x.real, passes, cvals[0], out.real)
        _real_passes(x.imag, passes, cvals[1], out.imag)
        return out
    _real_passes(x, passes, cvals[0], out, scale)
    return out


def correlate_nd(
    x: np.ndarray, weights: np.ndarray, origins, mode, cval, out: np.ndarray, scale=1.0
):
    """``out`` = the real N-D correlation of ``x`` with ``weights`` shifted by ``origins``.

    ``weights`` are scipy's final float64 correlation weights (already
    flipped for a convolution). Weights of magnitude at most ``DBL_EPSILON``
    (and NaN) are left out, as scipy's footprint leaves them out. ``scale``:
    as for :func:`run_passes`.
    """
    border = border_for(mode, real_cval(cval))  # checked even for an empty image, as scipy
    if x.size == 0:
        return out
    check_dtypes(x, out)
    return _scipy_order.correlate(x, weights, origins, border, out, scale)
