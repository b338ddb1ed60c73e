"""The vector-Jacobian products on the image's device (CuPy, any array-API library).

The same algebra as ``_vjp`` and ``_filterbank_vjp`` (see their docstrings),
in array operations: the window gradient adds one weighted, shifted copy of
the upstream gradient per tap (an FFT product for large kernels), the fold
adds each run of repeated positions back onto the pixels it copied (slices,
reversed for mirrored margins), and the kernel gradient is one inner product
per tap (an FFT correlation for large kernels). Only the index maps and the
kernel cross to the device; the gradients stay there.
"""

from __future__ import annotations

import math

import numpy as np

from ..borders import NA, Fill
from ..borders._pad import index_runs, pad_indices
from ..filtering._filterbank import layout
from ..filtering._plan import make_plan
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

__all__ = ["filterbank_vjp", "imfilter_vjp"]

_TAP_LOOP_MAX = 64  # kernels with more taps go through FFT products


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


def _fft_correlate_valid(xp, a, k):
    """``c[j] = sum_i k[i] a[i + j]`` for every ``j`` where ``k`` lies inside ``a``."""
    from scipy.fft import next_fast_len

    axes = tuple(range(a.ndim))
    s = tuple(next_fast_len(n) for n in a.shape)
    flipped = xp.flip(k, axis=axes)
    c = xp.fft.irfftn(
        xp.fft.rfftn(a, s=s, axes=axes) * xp.fft.rfftn(flipped, s=s, axes=axes), s=s, axes=axes
    )
    return c[tuple(slice(m - 1, n) for m, n in zip(k.shape, a.shape))]


def window_grad(xp, g, weights: np.ndarray):
    """``G[p] = sum_j w[j] g[p - j]`` over the window (a 'full' convolution of ``g``)."""
    shape = tuple(o + m - 1 for o, m in zip(g.shape, weights.shape))
    if np.count_nonzero(weights) > _TAP_LOOP_MAX and math.prod(g.shape):
        from scipy.fft import next_fast_len

        s = tuple(next_fast_len(n) for n in shape)
        axes = tuple(range(g.ndim))
        w = xp.asarray(np.ascontiguousarray(weights), dtype=g.dtype, device=device(xp, g))
        c = xp.fft.irfftn(
            xp.fft.rfftn(g, s=s, axes=axes) * xp.fft.rfftn(w, s=s, axes=axes), s=s, axes=axes
        )
        return c[tuple(slice(0, n) for n in shape)]
    out = xp.zeros(shape, dtype=g.dtype, device=device(xp, g))
    for j in zip(*np.nonzero(weights)):
        sl = tuple(slice(int(t), int(t) + o) for t, o in zip(j, g.shape))
        out[sl] = out[sl] + g * float(weights[j])
    return out


def kernel_grad(xp, E, g, kshape):
    """``dw[j] = sum_i g[i] E[i + j]`` for every tap ``j`` of a kernel of ``kshape``."""
    if math.prod(g.shape) == 0:  # an empty output: no gradient reaches the kernel
        return xp.zeros(tuple(kshape), dtype=g.dtype, device=device(xp, g))
    if math.prod(kshape) > _TAP_LOOP_MAX:
        return _fft_correlate_valid(xp, E, g)
    taps = [
        xp.sum(g * E[tuple(slice(t, t + o) for t, o in zip(j, g.shape))])
        for j in np.ndindex(*kshape)
    ]
    return xp.reshape(xp.stack(taps), tuple(kshape))


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
        z = xp.zeros((), dtype=dt, device=device(xp, a))
        values, mask, num, den = na_terms(xp, a, plan, choose(plan))
        safe = xp.where(den != 0, den, z + 1)
        q = xp.where(den != 0, g / safe, z)
        r = xp.where(den != 0, q * num / safe, z)
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
    lo = [0] + [first + s for first, s in zip(lay.lo, lay.start)] + [0]
    hi = [a.shape[0]]
    hi += [x + n + m - 1 for x, n, m in zip(lo[1:], lay.out_spatial, lay.kshape)] + [a.shape[-1]]

    def linear(x, gx, border, fill):
        ext = extend(xp, x, border, lo, hi, fill)
        grad_ext = xp.zeros(ext.shape, dtype=dt, device=device(xp, a))
        taps = []
        for j in np.ndindex(*lay.kshape):
            sl = (slice(None), *(slice(t, t + n) for t, n in zip(j, lay.out_spatial)), slice(None))
            window = ext[sl]  # (batch, *spatial, C_in)
            cin = xp.reshape(window, (-1, lay.c_in))
            taps.append(xp.matmul(xp.matrix_transpose(cin), xp.reshape(gx, (-1, lay.c_out))))
            wj = w[(*j, ...)]
            grad_ext[sl] = grad_ext[sl] + xp.matmul(gx, xp.matrix_transpose(wj))
        gw = xp.reshape(xp.stack(taps), b.shape)
        return fold(xp, grad_ext, x.shape, border, lo), gw

    if isinstance(lay.border, NA):
        zero = Fill(0.0)
        z = xp.zeros((), dtype=dt, device=device(xp, a))
        missing = xp.isnan(a)
        values, mask = xp.where(missing, z, a), xp.astype(xp.logical_not(missing), dt)
        num, den = _run(xp, values, b, lay, zero, 0), _run(xp, mask, b, lay, zero, 0)
        safe = xp.where(den != 0, den, z + 1)
        q = xp.where(den != 0, g / safe, z)
        r = xp.where(den != 0, q * num / safe, z)
        gi, gw = linear(values, q, zero, 0)
        gw = gw - linear(mask, r, zero, 0)[1]
        gi = gi * mask
    else:
        fill = lay.border.value if isinstance(lay.border, Fill) else 0
        gi, gw = linear(a, g, lay.border, fill)
    if not lead:
        gi = gi[0]
    return xp.permute_dims(gi, tuple(int(i) for i in np.argsort(order))), gw
