"""``filterbank`` on the image's device: one matrix product per tap.

The image is moved channels-last (with a leading batch axis) and extended
by its border over the spatial axes; then for each tap ``j`` of the bank
the shifted window ``(batch, *spatial, C_in)`` is multiplied by the tap's
``(C_in, C_out)`` matrix and added up — shifted GEMM, which ``xp.matmul``
runs through cuBLAS on CuPy.

The loop is the strategy ``device-gemm`` of the ``'filterbank-device'``
operation in the registry, ranked by the same planner as the in-memory
ones (:func:`device_plan`: a :class:`FilterbankPlan` naming strategy and
loop); NA borders are composed above it (``_na.py``).
"""

from __future__ import annotations

import numpy as np

from ..._dtypes import output_dtype
from ...borders import NA, Fill
from .. import _na as na
from .._filterbank import layout
from .._filterbank_plan import FilterbankPlan, bank_plan, keep_bank, make_bank_plan
from .._registry import strategies
from .._strategy import Prepared, Strategy
from .cupy import _host, device, extend, finish, namespace, stand_in, xp_dtype

__all__ = ["DEVICE_GEMM", "device_plan", "filterbank", "kept_plan", "run_plan"]


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
    """The channels-last image ``cl`` extended by ``border`` and filtered by ``bank``."""
    lo = [0] + [first + s for first, s in zip(lay.lo, lay.start)] + [0]
    hi = [cl.shape[0]]
    hi += [a + length + m - 1 for a, length, m in zip(lo[1:], lay.out_spatial, lay.kshape)]
    hi += [cl.shape[-1]]
    ext = extend(xp, cl, border, lo, hi, fill)
    return _taps(xp, ext, bank, lay, lay.out_spatial)


class DeviceGemm(Strategy):
    """Shifted GEMM in array operations: one ``xp.matmul`` per non-zero tap.
    ``run(prepared, xp, cl, bank, border)`` returns the channels-last result."""

    name, operation, algorithm = "device-gemm", "filterbank-device", "gemm"

    def cost(self, plan):
        return float(np.prod(plan.layout.kshape))

    def prepare(self, plan, image_dtype, out_dtype):
        return Prepared(
            self.name + "/matmul-per-tap", plan, np.dtype(image_dtype), np.dtype(out_dtype)
        )

    def run(self, prepared, xp, cl, bank, border):
        fill = border.value if isinstance(border, Fill) else 0
        return _run(xp, cl, bank, prepared.plan.layout, border, fill)


DEVICE_GEMM = DeviceGemm()


def _check_algorithm(algorithm: str) -> None:
    if algorithm != "auto" and all(
        s.algorithm != algorithm for s in strategies("filterbank-device").values()
    ):
        raise ValueError(
            f"algorithm={algorithm!r} for filterbank runs on NumPy arrays only; use 'gemm'"
        )


def _batch(lay, image) -> int:
    return 1 if lay.batch_axis is None else int(image.shape[lay.batch_axis])


def device_plan(lay, nb: int, algorithm: str) -> FilterbankPlan:
    """The plan of a filterbank call on a device (strategy ranked by the registry)."""
    _check_algorithm(algorithm)
    return bank_plan(lay, nb, algorithm, "filterbank-device")


def kept_plan(image, bank, border, *, algorithm, dtype, **layout_options) -> FilterbankPlan:
    """:func:`imagekit.filtering.plan_filterbank` for a device array: the plan keeps a
    read-only host copy of the bank (moved to the device when it runs)."""
    kept = keep_bank(_host(bank))
    like = stand_in(image)
    lay = layout(like, kept, border, **layout_options)
    _check_algorithm(algorithm)
    return make_bank_plan(
        lay, _batch(lay, image), algorithm, kept, like, dtype, operation="filterbank-device"
    )


def _apply(p, image, bank, out, target):
    """The filterbank of ``image`` by the device plan ``p`` with the host ``bank``."""
    xp = namespace(image)
    lay = p.layout
    a = xp.astype(image, xp_dtype(xp, lay.dtype))
    lead = [lay.batch_axis] if lay.batch_axis is not None else []
    order = [*lead, *lay.spatial, lay.channel_axis]
    cl = xp.permute_dims(a, tuple(order))
    if not lead:
        cl = xp.expand_dims(cl, axis=0)
    w = bank.astype(lay.dtype)
    if isinstance(lay.border, NA):

        def run_zero(x):
            return p._impl.run(p._prepared, xp, x, w, Fill(0.0))

        res = na.normalised(xp, cl, run_zero, cl.dtype)
    else:
        res = p._impl.run(p._prepared, xp, cl, w, lay.border)
    if not lead:
        res = res[0, ...]
    res = xp.permute_dims(res, tuple(int(i) for i in np.argsort(order)))
    return finish(xp, res, target, out, lay.out_shape)


def run_plan(p: FilterbankPlan, image, out):
    """A kept device filterbank plan run on ``image``, on the image's device."""
    return _apply(p, image, p.bank, out, p.out_dtype)


def filterbank(image, bank, border, *, algorithm, out, dtype, **layout_options):
    """:func:`imagekit.filterbank` on the image's device (``algorithm`` 'auto' or 'gemm')."""
    bank = np.asarray(_host(bank))
    lay = layout(stand_in(image), bank, border, **layout_options)
    p = device_plan(lay, _batch(lay, image), algorithm)
    target = output_dtype(dtype) if dtype is not None else lay.dtype
    return _apply(p, image, bank, out, target)
