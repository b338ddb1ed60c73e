"""``filterbank`` on the image's device: one matrix product per tap.

The image is moved channels-last (with a leading batch axis) and extended
by its border over the spatial axes; then for each tap ``j`` of the bank
the shifted window ``(batch, *spatial, C_in)`` is multiplied by the tap's
``(C_in, C_out)`` matrix and added up — shifted GEMM, which ``xp.matmul``
runs through cuBLAS on CuPy.
"""

from __future__ import annotations

import math

import numpy as np

from ...borders import NA, Fill
from .cupy import device, extend, finish, namespace, stand_in, xp_dtype

__all__ = ["filterbank"]


def _taps(xp, ext, bank, lay, out_spatial):
    weights = xp.asarray(np.ascontiguousarray(bank), device=device(xp, ext))
    acc = None
    for j in np.ndindex(*lay.kshape):
        if not np.any(bank[j]):
            continue
        window = ext[(slice(None), *(slice(t, t + n) for t, n in zip(j, out_spatial)), slice(None))]
        term = xp.matmul(window, weights[(*j, ...)])
        acc = term if acc is None else acc + term
    if acc is None:
        shape = (ext.shape[0], *out_spatial, lay.c_out)
        acc = xp.zeros(shape, dtype=ext.dtype, device=device(xp, ext))
    return acc


def _run(xp, cl, bank, lay, border, fill):
    lo = [0] + [first + s for first, s in zip(lay.lo, lay.start)] + [0]
    hi = [cl.shape[0]]
    hi += [a + length + m - 1 for a, length, m in zip(lo[1:], lay.out_spatial, lay.kshape)]
    hi += [cl.shape[-1]]
    ext = extend(xp, cl, border, lo, hi, fill)
    return _taps(xp, ext, bank, lay, lay.out_spatial)


def filterbank(image, bank, border, *, algorithm, out, dtype, **layout_options):
    """:func:`imagekit.filterbank` on the image's device (``algorithm`` 'auto' or 'gemm')."""
    from ..._dtypes import output_dtype
    from .._filterbank import layout

    if algorithm in ("fft", "direct", "winograd"):
        raise ValueError(
            f"algorithm={algorithm!r} for filterbank runs on NumPy arrays only; use 'gemm'"
        )
    xp = namespace(image)
    bank = np.asarray(bank.get() if hasattr(bank, "get") else bank)
    lay = layout(stand_in(image), bank, border, **layout_options)
    a = xp.astype(image, xp_dtype(xp, lay.dtype))
    lead = [lay.batch_axis] if lay.batch_axis is not None else []
    order = [*lead, *lay.spatial, lay.channel_axis]
    cl = xp.permute_dims(a, tuple(order))
    if not lead:
        cl = xp.expand_dims(cl, axis=0)
    w = bank.astype(lay.dtype)
    if isinstance(lay.border, NA):
        missing = xp.isnan(cl)
        zero = xp.asarray(0, dtype=cl.dtype, device=device(xp, cl))
        num = _run(xp, xp.where(missing, zero, cl), w, lay, Fill(0.0), 0)
        den = _run(xp, xp.astype(xp.logical_not(missing), cl.dtype), w, lay, Fill(0.0), 0)
        nan = xp.asarray(math.nan, dtype=cl.dtype, device=device(xp, cl))
        res = xp.where(den == 0, nan, num / xp.where(den == 0, zero + 1, den))
    else:
        fill = lay.border.value if isinstance(lay.border, Fill) else 0
        res = _run(xp, cl, w, lay, lay.border, fill)
    if not lead:
        res = res[0]
    res = xp.permute_dims(res, tuple(int(i) for i in np.argsort(order)))
    target = output_dtype(dtype) if dtype is not None else lay.dtype
    return finish(xp, res, target, out, lay.out_shape)
