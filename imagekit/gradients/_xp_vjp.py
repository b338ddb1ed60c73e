"""The vector-Jacobian products on the image's device (CuPy, any array-API library).

The same algebra as ``_vjp`` and ``_filterbank_vjp`` (see their docstrings),
in array operations: the window gradient adds one weighted, shifted copy of
the upstream gradient per tap (an FFT product for large kernels), the fold
adds each run of repeated positions back onto the pixels it copied (slices,
reversed for mirrored margins), and the kernel gradient is one inner product
per tap (an FFT correlation for large kernels); the registry ranks those
choices (``_xp_grads``). The filter bank's gradients are two matrix
products per tap, the strategy ``device-gemm`` of the registry's
``filterbank_vjp-device`` operation. The NA border's quotient rule is
``filtering._na``'s, as in memory. Only the index maps and the kernel cross
to the device; the gradients stay there.
"""

from __future__ import annotations

import numpy as np

from ..borders import NA, Fill
from ..borders._pad import index_runs, pad_indices
from ..filtering import _na as na
from ..filtering._filterbank import layout
from ..filtering._plan import make_plan
from ..filtering._strategy import Prepared, Strategy
from ..filtering.backends.cupy import (
    _host,
    choose,
    device,
    extend,
    na_terms,
    namespace,
    stand_in,
    xp_dtype,
)
from ..filtering.backends.cupy_filterbank import _run
from ._strategies import choose as choose_gradient
from ._xp_grads import kernel_grad, window_grad

__all__ = ["DEVICE_BANK_VJP_GEMM", "DeviceBankVjpGemm", "filterbank_vjp", "imfilter_vjp"]


def fold(xp, g, image_shape, border, lo):
    """Adjoint of ``extend``: the window gradient ``g`` added back onto the pixels."""
    if isinstance(border, NA):
        border = Fill(0.0)
    for axis, n in enumerate(image_shape):
        idx = pad_indices(n, lo[axis], lo[axis] + g.shape[axis], border)
        if idx.size == n and np.array_equal(idx, np.arange(n)):
            continue
        shape = list(g.shape)
        shape[axis] = n
        out = xp.zeros(tuple(shape), dtype=g.dtype, device=device(xp, g))
        for p, length, first, step in index_runs(idx):
            if step == 0:
                continue  # a fill copied nothing from the image
            src = [slice(None)] * g.ndim
            src[axis] = slice(p, p + length)
            piece = g[tuple(src)]
            dst = [slice(None)] * g.ndim
            lo_i = first if step > 0 else first - length + 1
            dst[axis] = slice(lo_i, lo_i + length)
            if step < 0:
                piece = xp.flip(piece, axis=axis)
            out[tuple(dst)] = out[tuple(dst)] + piece
        g = out
    return g


def imfilter_vjp(image, kernel, grad_out, border, *, shape, channel_axis, axes):
    """:func:`imagekit.gradients.imfilter_vjp` on the image's device."""
    xp = namespace(image)
    plan = make_plan(
        stand_in(image), _host(kernel), border, shape=shape, channel_axis=channel_axis, axes=axes
    )
    if plan.is_complex:
        raise TypeError("imfilter_vjp takes real images and kernels; got a complex one")
    dt = xp_dtype(xp, plan.compute_dtype)
    a = xp.astype(image, dt)
    g = xp.astype(grad_out, dt)
    if tuple(g.shape) != tuple(plan.out_shape):
        raise ValueError(f"grad_out has shape {tuple(g.shape)}, expected {plan.out_shape}")
    w = plan.kernel.weights.astype(plan.compute_dtype)
    lo, hi = plan.window()
    if isinstance(plan.border, NA):
        zero = Fill(0.0)
        values, mask, num, den = na_terms(xp, a, plan, choose(plan))
        q, r = na.quotient_rule(xp, g, num, den)
        gi = fold(xp, window_grad(xp, q, w), a.shape, zero, lo) * mask
        Ev, Em = extend(xp, values, zero, lo, hi, 0), extend(xp, mask, zero, lo, hi, 0)
        gk = kernel_grad(xp, Ev, q, w.shape) - kernel_grad(xp, Em, r, w.shape)
    else:
        fill = plan.border.value if isinstance(plan.border, Fill) else 0
        gi = fold(xp, window_grad(xp, g, w), a.shape, plan.border, lo)
        gk = kernel_grad(xp, extend(xp, a, plan.border, lo, hi, fill), g, w.shape)
    # back to the caller's kernel layout: the filtered axes, in `axes` order
    gk = xp.reshape(gk, tuple(n for d, n in enumerate(gk.shape) if d in plan.axes))
    order = np.argsort(np.argsort(plan.axes))
    return gi, xp.permute_dims(gk, tuple(int(i) for i in order))


def _bank_window(lay, cl):
    """``(lo, hi)``: the window of the channels-last ``cl`` that the bank reads."""
    lo = [0] + [first + s for first, s in zip(lay.lo, lay.start)] + [0]
    hi = [cl.shape[0]]
    hi += [x + n + m - 1 for x, n, m in zip(lo[1:], lay.out_spatial, lay.kshape)]
    return lo, [*hi, cl.shape[-1]]


class DeviceBankVjpGemm(Strategy):
    """Both gradients of a filter bank, linear in the image (a Pad or Fill border): two
    ``xp.matmul`` per tap, the image's folded back. ``run(prepared, xp, cl, grad, bank,
    border)`` returns them for the channels-last ``cl`` and ``grad`` and the device
    ``bank``, the image's channels last."""

    name, operation, algorithm = "device-gemm", "filterbank_vjp-device", "gemm"

    def cost(self, lay):
        return float(np.prod(lay.kshape))

    def prepare(self, lay, image_dtype, out_dtype):
        dtypes = (np.dtype(image_dtype), np.dtype(out_dtype))
        return Prepared("filterbank-vjp/device-matmul-per-tap", lay, *dtypes)

    def run(self, prepared, xp, cl, grad, bank, border):
        lay = prepared.plan
        lo, hi = _bank_window(lay, cl)
        ext = extend(xp, cl, border, lo, hi, border.value if isinstance(border, Fill) else 0)
        grad_ext = xp.zeros(ext.shape, dtype=cl.dtype, device=device(xp, cl))
        taps = []
        for j in np.ndindex(*lay.kshape):
            sl = (slice(None), *(slice(t, t + n) for t, n in zip(j, lay.out_spatial)), slice(None))
            window = ext[sl]  # (batch, *spatial, C_in)
            cin = xp.reshape(window, (-1, lay.c_in))
            taps.append(xp.matmul(xp.matrix_transpose(cin), xp.reshape(grad, (-1, lay.c_out))))
            wj = bank[(*j, ...)]
            grad_ext[sl] = grad_ext[sl] + xp.matmul(grad, xp.matrix_transpose(wj))
        gw = xp.reshape(xp.stack(taps), tuple(bank.shape))
        return fold(xp, grad_ext, cl.shape, border, lo), gw


DEVICE_BANK_VJP_GEMM = DeviceBankVjpGemm()


def filterbank_vjp(image, bank, grad_out, border, **layout_options):
    """:func:`imagekit.gradients.filterbank_vjp` on the image's device."""
    xp = namespace(image)
    b = np.asarray(_host(bank))
    lay = layout(stand_in(image), b, border, **layout_options)
    dt = xp_dtype(xp, lay.dtype)
    lead = [lay.batch_axis] if lay.batch_axis is not None else []
    order = (*lead, *lay.spatial, lay.channel_axis)

    def channels_last(x):
        x = xp.permute_dims(xp.astype(x, dt), order)
        return x if lead else xp.expand_dims(x, axis=0)

    a, g = channels_last(image), channels_last(grad_out)
    if tuple(grad_out.shape) != tuple(lay.out_shape):
        raise ValueError(f"grad_out has shape {tuple(grad_out.shape)}, expected {lay.out_shape}")
    w = xp.asarray(np.ascontiguousarray(b, lay.dtype), device=device(xp, a))
    strategy, prepared = choose_gradient("filterbank_vjp-device", lay, lay.dtype)
    if isinstance(lay.border, NA):
        zero = Fill(0.0)
        values, mask = na.split(xp, a, dt)
        bank_dt = b.astype(lay.dtype)  # N and D in the compute dtype, as g
        num, den = _run(xp, values, bank_dt, lay, zero, 0), _run(xp, mask, bank_dt, lay, zero, 0)
        q, r = na.quotient_rule(xp, g, num, den)
        gi, gw = strategy.run(prepared, xp, values, q, w, zero)
        gw = gw - strategy.run(prepared, xp, mask, r, w, zero)[1]
        gi = gi * mask
    else:
        gi, gw = strategy.run(prepared, xp, a, g, w, lay.border)
    if not lead:
        gi = gi[0]
    return xp.permute_dims(gi, tuple(int(i) for i in np.argsort(order))), gw
