"""scipy.ndimage's filters in scipy's order of operations, on all threads.

Each function here fills ``out`` with what scipy's C function writes there,
bit for bit: the compiled loops of :mod:`._scipy_kernels` add the same
products in the same order (so a constant image stays constant and an
integer-valued sum stays exact wherever scipy's does), and store with C's
conversion (integers truncate toward zero and wrap). With ``scale``, every
pixel read is first multiplied by it (scikit-image's ``img_as_float``,
fused into the first pass). They read uint8,
uint16, float32 and float64 images as they are; other dtypes are read as
the doubles scipy reads (:func:`._support.as_float64`), and outputs of
other dtypes are written through a double result and
:func:`._support.cast_into`.

Borders come from ``imagekit.borders._pad.pad_indices``: the source index of
each position past the edges (-1 for ``cval``).
"""

from __future__ import annotations

import functools
import math

import numpy as np

from .._workspace import Workspace
from ..borders import Fill, normalize_border
from ..borders._pad import pad_indices
from ..filtering.strategies._readonly import readonly
from ..filtering.strategies._threads import run_tasks, threads
from . import _scipy_kernels as k
from ._support import as_float64, cast_into

__all__ = ["correlate", "correlate1d", "symmetry", "uniform1d"]

_EPS = np.finfo(np.float64).eps
# dtypes the loops read and write as they are
_DIRECT = tuple(np.dtype(t) for t in (np.uint8, np.uint16, np.float32, np.float64))
_LARGEST = {np.dtype(np.uint8): 255.0, np.dtype(np.uint16): 65535.0}
# this module's temporaries: a double result, a copy of the source
_ws = Workspace(__name__)
# integer outputs are stored through int32 (C's conversion for 8 and 16 bits)
_INT32_LIMIT = 2.0**31 - 1


def symmetry(weights: np.ndarray) -> int:
    """scipy's test in ``NI_Correlate1D``: 1 symmetric, -1 antisymmetric, 0 neither.

    Only odd lengths qualify, and the test allows ``DBL_EPSILON`` of slack:
    scipy then uses the left half's weights for both sides.
    """
    w = np.asarray(weights, np.float64).tolist()  # a few taps: Python beats numpy's calls
    n = len(w)
    if not n % 2:
        return k.GENERAL
    half = n // 2
    pairs = [(w[half - j], w[half + j]) for j in range(1, half + 1)]
    if all(abs(right - left) <= _EPS for left, right in pairs):
        return k.SYMMETRIC
    if all(abs(right + left) <= _EPS for left, right in pairs):
        return k.ANTISYMMETRIC
    return k.GENERAL


def _gain(w: np.ndarray) -> float:
    """``sum |w|``, or inf when a weight is not finite."""
    total = math.fsum(abs(v) for v in w.tolist())
    return total if math.isfinite(total) else math.inf


def _fill(border) -> float:
    return float(border.value) if isinstance(border, Fill) else 0.0


@functools.lru_cache(maxsize=256)
def _index_map(n: int, size: int, origin: int, border) -> tuple[np.ndarray, int]:
    """The source index of each position of a line extended for ``size`` taps at
    ``origin`` (scipy's ``size // 2 + origin`` before), and that count before
    (kept for the calls that follow: read-only)."""
    before = size // 2 + origin
    imap = pad_indices(n, -before, n - before + size - 1, normalize_border(border))
    imap.flags.writeable = False
    return imap, before


def _operands(src: np.ndarray, out: np.ndarray, gain: float, border, scale: float):
    """``(read, write, scale)``: the arrays the loops take, C-contiguous and not
    overlapping, and the factor the loops still apply to every pixel they read.

    ``read`` is ``src`` where the loops read its dtype (the output's, or any with a
    ``scale``), else its doubles (times ``scale``, as numpy would multiply them);
    ``write`` is ``out`` where the loops store its dtype (an integer only when every
    value fits C's ``int32`` conversion: at most ``gain`` times the largest pixel or
    fill), else a double array for :func:`cast_into`. Temporaries come from this
    thread's workspace buffers; ``read`` is read-only (one compiled loop for both kinds).
    """
    if src.dtype in _DIRECT and (src.dtype == out.dtype or scale != 1.0):
        read = np.ascontiguousarray(src)
    else:
        read = np.ascontiguousarray(as_float64(src))
        if scale != 1.0:
            read, scale = read * scale, 1.0
    direct = out.dtype in _DIRECT and out.flags.c_contiguous
    if direct and out.dtype.kind == "u":
        top = _LARGEST.get(read.dtype, math.inf) * scale
        direct = max(top, abs(_fill(border))) * gain < _INT32_LIMIT
    write = out if direct else _ws.buffer("result", out.shape, np.float64)
    if np.may_share_memory(read, write):
        copy = _ws.buffer("source", read.shape, read.dtype)
        copy[...] = read
        read = copy
    return readonly(read), write, scale


def _finish(write: np.ndarray, out: np.ndarray) -> None:
    if write is not out:
        cast_into(write, out)


def _lines(a: np.ndarray, axis: int) -> np.ndarray:
    """``a`` as ``(outer, n, inner)`` around ``axis``."""
    shape = a.shape
    return a.reshape(-1, shape[axis], math.prod(shape[axis + 1 :]))


def correlate1d(
    src, weights, axis: int, origin: int, border, out: np.ndarray, scale: float = 1.0
) -> np.ndarray:
    """``NI_Correlate1D``: ``out`` = ``src`` correlated with ``weights`` along ``axis``."""
    w = np.ascontiguousarray(weights, np.float64)
    kind = symmetry(w)
    if kind != k.GENERAL:  # scipy applies the left half on both sides
        w = w.copy()
        half = w.size // 2
        w[half + 1 :] = kind * w[:half][::-1]
    read, write, scale = _operands(src, out, _gain(w), border, scale)
    imap, before = _index_map(src.shape[axis], w.size, int(origin), border)
    cval = _fill(border)
    view, dst = _lines(read, axis), _lines(write, axis)
    work = src.size * w.size
    if view.shape[2] == 1:
        rows, wrows = view[:, :, 0], dst[:, :, 0]
        run_tasks(
            k.correlate_rows,
            rows.shape[0],
            rows,
            wrows,
            imap,
            before,
            w,
            kind,
            cval,
            scale,
            work=work,
        )
    else:
        ntasks = view.shape[0] * view.shape[1]
        run_tasks(k.correlate_lines, ntasks, view, dst, imap, w, kind, cval, scale, work=work)
    _finish(write, out)
    return out


def uniform1d(
    src, size: int, axis: int, origin: int, border, out: np.ndarray, scale: float = 1.0
) -> np.ndarray:
    """``NI_UniformFilter1D``: the running mean of ``size`` pixels along ``axis``."""
    read, write, scale = _operands(src, out, 1.0, border, scale)
    imap, before = _index_map(src.shape[axis], int(size), int(origin), border)
    cval = _fill(border)
    view, dst = _lines(read, axis), _lines(write, axis)
    work = 2 * src.size
    if view.shape[2] == 1:
        rows, wrows = view[:, :, 0], dst[:, :, 0]
        run_tasks(
            k.uniform_rows, rows.shape[0], rows, wrows, imap, before, size, cval, scale, work=work
        )
    else:
        outer, inner = view.shape[0], view.shape[2]
        # enough pieces for every thread, each a run of whole cache lines
        pieces = max(1, min(inner // 64, -(-2 * threads() // outer)))
        chunk = -(-inner // pieces)
        ntasks = outer * (-(-inner // chunk))
        run_tasks(k.uniform_lines, ntasks, view, dst, imap, size, chunk, cval, scale, work=work)
    _finish(write, out)
    return out


def correlate(src, weights, origins, border, out: np.ndarray, scale: float = 1.0) -> np.ndarray:
    """``NI_Correlate``: ``out`` = the N-D correlation over the weights above
    ``DBL_EPSILON`` (scipy's footprint), ``0.0 + w * x`` tap by tap in C order."""
    weights = np.asarray(weights, np.float64)
    taps = np.nonzero(np.abs(weights) > _EPS)
    w = np.ascontiguousarray(weights[taps])
    read, write, scale = _operands(src, out, _gain(w), border, scale)
    shape = src.shape
    maps = [_index_map(n, m, int(o), border) for n, m, o in zip(shape, weights.shape, origins)]
    imaps = np.full((len(maps), max(len(m) for m, _ in maps)), -1, np.int64)
    for a, (m, _) in enumerate(maps):
        imaps[a, : len(m)] = m
    # the taps' positions on the leading axes: one group (source row) per distinct one
    lead = list(zip(*(t.tolist() for t in taps[:-1]))) if len(taps) > 1 else [()] * w.size
    ids: dict[tuple, int] = {}
    group_of = [ids.setdefault(t, len(ids)) for t in lead]
    groups = np.array(list(ids), np.int64).reshape(len(ids), len(taps) - 1)
    width = shape[-1] + weights.shape[-1] - 1
    offs = np.array(group_of, np.int64) * width + taps[-1]
    lines = read.reshape(-1, shape[-1])
    run_tasks(
        k.correlate_taps, lines.shape[0], lines, write.reshape(-1, shape[-1]),
        np.array(shape[:-1], np.int64), imaps, groups,
        maps[-1][1], width, offs, w, _fill(border), scale, work=src.size * max(w.size, 1),
    )  # fmt: skip
    _finish(write, out)
    return out
