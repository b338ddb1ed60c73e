"""scipy.ndimage's filter loops, compiled: the same sums in the same order.

Each loop here adds the same products in the same order as scipy's C code
(``ni_filters.c``), with no fused multiply-add, so its double result is
scipy's to the last bit; it reads the image's own dtype and stores with C's
conversion (``(type)value``), so that outputs of every dtype are scipy's:

- ``NI_Correlate1D``: ``w[c] * x[c]``, then ``+= (x[k] + x[m-1-k]) * w[k]``
  (symmetric weights; ``-`` for antisymmetric) for ``k = 0 .. c-1``, or
  ``w[m-1] * x[m-1]`` then ``+= x[k] * w[k]`` for ``k = 0 .. m-2``;
- ``NI_Correlate``: ``0.0``, then ``+= w * x`` over the taps in C order;
- ``NI_UniformFilter1D``: a running sum ``tmp += x[new] - x[old]``, each
  output ``tmp / size``.

A loop runs over a range of tasks ``[t0, t1)`` (rows, lines or pieces of
lines) for :func:`imagekit.filtering.strategies._threads.run_tasks`. The
image is a C-contiguous ``(outer, n, inner)`` view filtered along its
middle axis: with ``inner == 1`` (the last axis) a line is copied, with its
border, into a buffer of doubles, as scipy does; otherwise whole rows of
``inner`` pixels are combined at once (the same sums per pixel, vectorised
across the row). ``imap`` gives the source index of each position of the
extended line, -1 for ``cval``. Every pixel read is multiplied by ``scale``
(1.0, or scikit-image's ``img_as_float`` factor ``1 / max`` for an unsigned
image, which is then converted on the fly as ``img_as_float`` would).
"""

from __future__ import annotations

import numpy as np
from numba import njit, types
from numba.extending import overload

__all__ = ["correlate_lines", "correlate_rows", "correlate_taps", "uniform_lines", "uniform_rows"]

# the operations of _combine: scipy's three loops of NI_Correlate1D, and NI_Correlate's
GENERAL, SYMMETRIC, ANTISYMMETRIC, TAPS = 0, 1, -1, 2


def _c_cast(value, like):  # pragma: no cover - replaced by the overload in numba
    raise NotImplementedError


@overload(_c_cast)
def _c_cast_impl(value, like):
    """C's ``(type)value`` for the element type of ``like``: an integer goes through
    ``int32`` (what x86-64 compilers emit for 8- and 16-bit targets), then keeps its low
    bits; callers store integers only when every value fits ``int32``."""
    if isinstance(like, types.Integer):
        return lambda value, like: np.int32(value)
    return lambda value, like: value


@njit(cache=True, nogil=True, inline="always")
def _load(dst, src, index, cval, scale):  # pragma: no cover - numba
    """``dst[:] = src[index]`` as doubles times ``scale``, or ``cval`` where ``index < 0``."""
    if index < 0:
        for x in range(dst.shape[0]):
            dst[x] = cval
    else:
        row = src[index]
        for x in range(dst.shape[0]):
            dst[x] = row[x] * scale


@njit(cache=True, nogil=True, inline="always")
def _extend(dst, row, imap, before, cval, scale):  # pragma: no cover - numba
    """``dst``: ``row`` as doubles times ``scale`` at ``before``, its border on both sides
    (from ``imap``)."""
    n = row.shape[0]
    mid = dst[before : before + n]
    for x in range(n):
        mid[x] = row[x] * scale
    for j in range(before):
        i = imap[j]
        dst[j] = cval if i < 0 else row[i] * scale
    for j in range(before + n, dst.shape[0]):
        i = imap[j]
        dst[j] = cval if i < 0 else row[i] * scale


@njit(cache=True, nogil=True, inline="always")
def _combine(acc, data, offs, w, kind):  # pragma: no cover - numba
    """``acc[x]``: the taps ``data[offs[k] + x]`` weighted by ``w[k]``, summed in scipy's
    order for ``kind`` (see the module docstring). Each tap is sliced out first: an index
    known to be non-negative lets the loops vectorise."""
    n = acc.shape[0]
    m = w.shape[0]
    if kind == TAPS:
        for x in range(n):
            acc[x] = 0.0
        for k in range(m):
            d = data[offs[k] : offs[k] + n]
            wk = w[k]
            for x in range(n):
                acc[x] += wk * d[x]
    elif kind == GENERAL:
        d = data[offs[m - 1] : offs[m - 1] + n]
        wl = w[m - 1]
        for x in range(n):
            acc[x] = d[x] * wl
        for k in range(m - 1):
            d = data[offs[k] : offs[k] + n]
            wk = w[k]
            for x in range(n):
                acc[x] += d[x] * wk
    else:
        c = m // 2
        d = data[offs[c] : offs[c] + n]
        wc = w[c]
        for x in range(n):
            acc[x] = d[x] * wc
        for k in range(c):
            a = data[offs[k] : offs[k] + n]
            b = data[offs[m - 1 - k] : offs[m - 1 - k] + n]
            wk = w[k]
            if kind == SYMMETRIC:
                for x in range(n):
                    acc[x] += (a[x] + b[x]) * wk
            else:
                for x in range(n):
                    acc[x] += (a[x] - b[x]) * wk


@njit(cache=True, nogil=True, inline="always")
def _store(dst, acc):  # pragma: no cover - numba
    for x in range(dst.shape[0]):
        dst[x] = _c_cast(acc[x], dst[0])


@njit(cache=True, nogil=True)
def correlate_rows(
    t0, t1, src, dst, imap, before, w, kind, cval, scale
):  # pragma: no cover - numba
    """``NI_Correlate1D`` along the rows ``t0 .. t1-1`` of the 2-D ``src`` into ``dst``;
    ``imap`` covers the ``before + n + after`` positions of an extended row."""
    n = src.shape[1]
    m = w.shape[0]
    buf = np.empty(n + m - 1)
    acc = np.empty(n)
    offs = np.arange(m)
    for r in range(t0, t1):
        _extend(buf, src[r], imap, before, cval, scale)
        _combine(acc, buf, offs, w, kind)
        _store(dst[r], acc)


@njit(cache=True, nogil=True)
def correlate_lines(t0, t1, src, dst, imap, w, kind, cval, scale):  # pragma: no cover - numba
    """``NI_Correlate1D`` along the middle axis of the 3-D ``src`` into ``dst``, for the
    output rows ``t = o * n + i`` in ``t0 .. t1-1``. The source rows a task needs are kept
    as doubles in a ring of ``m`` rows: each is converted once per run of tasks."""
    n = src.shape[1]
    inner = src.shape[2]
    m = w.shape[0]
    ring = np.empty(m * inner)
    acc = np.empty(inner)
    offs = np.empty(m, np.int64)
    last_o, last_i = -1, -2
    for t in range(t0, t1):
        o, i = t // n, t % n
        first = i + m - 1 if (o == last_o and i == last_i + 1) else i
        for j in range(first, i + m):
            slot = (j % m) * inner
            _load(ring[slot : slot + inner], src[o], imap[j], cval, scale)
        for k in range(m):
            offs[k] = ((i + k) % m) * inner
        _combine(acc, ring, offs, w, kind)
        _store(dst[o, i], acc)
        last_o, last_i = o, i


@njit(cache=True, nogil=True)
def correlate_taps(
    t0, t1, src, dst, lead, imaps, groups, before, width, offs, w, cval, scale
):  # pragma: no cover - numba
    """``NI_Correlate`` for the lines (rows along the last axis) ``t0 .. t1-1`` of the
    image ``src`` seen as ``(lines, n)``, whose leading axes have the shape ``lead``;
    a source row extended along the last axis is ``width`` long, ``before`` of it first.

    The taps come in C order; ``groups[g]`` holds the extended positions (one per leading
    axis) of the source row of group ``g``, ``imaps[a]`` maps leading axis ``a``'s
    extended positions (and ``imaps[-1]`` the last axis'), and tap ``k`` reads
    ``scratch[offs[k] + x]`` where row ``g`` of ``scratch`` is group ``g``'s source row
    extended along the last axis.
    """
    n = src.shape[1]
    nlead = lead.shape[0]
    ngroups = groups.shape[0]
    scratch = np.empty(ngroups * width)
    acc = np.empty(n)
    index = np.empty(nlead, np.int64)
    for t in range(t0, t1):
        rest = t
        for a in range(nlead - 1, -1, -1):
            index[a] = rest % lead[a]
            rest //= lead[a]
        for g in range(ngroups):
            line = 0
            for a in range(nlead):
                s = imaps[a, index[a] + groups[g, a]]
                line = -1 if (s < 0 or line < 0) else line * lead[a] + s
            row = scratch[g * width : (g + 1) * width]
            if line < 0:
                for x in range(width):
                    row[x] = cval
            else:
                _extend(row, src[line], imaps[nlead], before, cval, scale)
        _combine(acc, scratch, offs, w, TAPS)
        _store(dst[t], acc)


@njit(cache=True, nogil=True)
def uniform_rows(t0, t1, src, dst, imap, before, size, cval, scale):  # pragma: no cover - numba
    """``NI_UniformFilter1D`` along the rows ``t0 .. t1-1`` of the 2-D ``src``. Four rows
    run side by side, each running sum in a register: a running sum is a chain of
    dependent additions, and four chains keep the adder busy where one would wait on
    it. The divisions by ``size`` come after, vectorised, as the rows are stored."""
    n = src.shape[1]
    width = n + size - 1
    bufs = np.zeros((4, width))
    sums = np.empty((4, n))
    for r0 in range(t0, t1, 4):
        rows = min(4, t1 - r0)
        for q in range(rows):
            _extend(bufs[q], src[r0 + q], imap, before, cval, scale)
        b0, b1, b2, b3 = bufs[0], bufs[1], bufs[2], bufs[3]
        c0, c1, c2, c3 = sums[0], sums[1], sums[2], sums[3]
        s0 = s1 = s2 = s3 = 0.0
        for k in range(size):
            s0 += b0[k]
            s1 += b1[k]
            s2 += b2[k]
            s3 += b3[k]
        c0[0], c1[0], c2[0], c3[0] = s0, s1, s2, s3
        for x in range(1, n):
            s0 += b0[x + size - 1] - b0[x - 1]
            s1 += b1[x + size - 1] - b1[x - 1]
            s2 += b2[x + size - 1] - b2[x - 1]
            s3 += b3[x + size - 1] - b3[x - 1]
            c0[x], c1[x], c2[x], c3[x] = s0, s1, s2, s3
        for q in range(rows):
            _store_mean(dst[r0 + q], sums[q], size)


@njit(cache=True, nogil=True, inline="always")
def _store_mean(dst, sums, size):  # pragma: no cover - numba
    for x in range(dst.shape[0]):
        dst[x] = _c_cast(sums[x] / size, dst[0])


@njit(cache=True, nogil=True)
def uniform_lines(t0, t1, src, dst, imap, size, chunk, cval, scale):  # pragma: no cover - numba
    """``NI_UniformFilter1D`` along the middle axis of the 3-D ``src``, for the tasks
    ``t = o * pieces + p`` in ``t0 .. t1-1``: piece ``p`` is ``chunk`` pixels of the
    inner axis, whose running sums go down the whole middle axis side by side, reading
    the rows in place (``cval`` where a row is outside the image)."""
    n = src.shape[1]
    inner = src.shape[2]
    pieces = (inner + chunk - 1) // chunk
    tmp = np.empty(chunk)
    for t in range(t0, t1):
        o, p = t // pieces, t % pieces
        x0 = p * chunk
        x1 = min(inner, x0 + chunk)
        sums = tmp[: x1 - x0]
        sums[:] = 0.0
        for k in range(size):
            j = imap[k]
            if j < 0:
                for x in range(sums.shape[0]):
                    sums[x] += cval
            else:
                row = src[o, j][x0:x1]
                for x in range(sums.shape[0]):
                    sums[x] += row[x] * scale
        _store_mean(dst[o, 0][x0:x1], sums, size)
        for i in range(1, n):
            jn, jo = imap[i + size - 1], imap[i - 1]
            if jn >= 0 and jo >= 0:
                new, old = src[o, jn][x0:x1], src[o, jo][x0:x1]
                for x in range(sums.shape[0]):
                    sums[x] += new[x] * scale - old[x] * scale
            elif jn >= 0:
                new = src[o, jn][x0:x1]
                for x in range(sums.shape[0]):
                    sums[x] += new[x] * scale - cval
            elif jo >= 0:
                old = src[o, jo][x0:x1]
                for x in range(sums.shape[0]):
                    sums[x] += cval - old[x] * scale
            else:
                for x in range(sums.shape[0]):
                    sums[x] += cval - cval
            _store_mean(dst[o, i][x0:x1], sums, size)
