"""JAX adapters: imagekit's filters as JAX functions with a custom VJP.

``imagekit.gradients.jax.imfilter(x, w, border, ...)`` and ``filterbank(x,
bank, border, ...)`` run imagekit's forward pass and, for ``jax.grad`` and
``jax.vjp``, its exact vector-Jacobian products, through host callbacks
(``jax.pure_callback``), so they work under ``jax.jit`` on the CPU. JAX is an
optional dependency; importing this module needs it.

Examples
--------
>>> import jax, jax.numpy as jnp
>>> from imagekit.gradients.jax import imfilter
>>> x, w = jnp.ones((8, 8)), jnp.ones((3, 3)) / 9
>>> jax.grad(lambda w: imfilter(x, w, "reflect").sum())(w).shape
(3, 3)
"""

from __future__ import annotations

import functools

import jax
import numpy as np

from .. import filtering
from ..filtering._filterbank import layout
from ._filterbank_vjp import filterbank_vjp
from ._vjp import imfilter_vjp

__all__ = ["filterbank", "imfilter"]


def _adapter(forward, vjp, out_spec):
    """A JAX function of ``(x, w)`` with static options, forward and VJP on the host."""

    @functools.partial(jax.custom_vjp, nondiff_argnums=(2,))
    def op(x, w, options):
        kw = dict(options)
        spec = out_spec(x, w, kw)

        def host(a, b):
            return np.asarray(forward(np.asarray(a), np.asarray(b), **kw), spec.dtype)

        return jax.pure_callback(host, spec, x, w)

    def fwd(x, w, options):
        return op(x, w, options), (x, w)

    def bwd(options, residuals, g):
        x, w = residuals
        kw = dict(options)
        specs = (jax.ShapeDtypeStruct(x.shape, x.dtype), jax.ShapeDtypeStruct(w.shape, w.dtype))

        def host(a, b, c):
            ga, gb = vjp(np.asarray(a), np.asarray(b), np.asarray(c), **kw)
            return np.asarray(ga, specs[0].dtype), np.asarray(gb, specs[1].dtype)

        return jax.pure_callback(host, specs, x, w, g)

    op.defvjp(fwd, bwd)
    return op


def _imfilter_spec(x, w, kw):
    p = filtering.plan(np.empty(x.shape, x.dtype), np.ones(w.shape, w.dtype), **kw)
    return jax.ShapeDtypeStruct(p.out_shape, p.out_dtype)


def _filterbank_spec(x, w, kw):
    lay = layout(np.empty(x.shape, x.dtype), np.ones(w.shape, w.dtype), **kw)
    return jax.ShapeDtypeStruct(lay.out_shape, lay.dtype)


_imfilter = _adapter(filtering.imfilter, imfilter_vjp, _imfilter_spec)
_filterbank = _adapter(filtering.filterbank, filterbank_vjp, _filterbank_spec)


def _static(**options):
    """Options as a hashable, ordered tuple (JAX's static arguments must hash)."""
    return tuple(sorted(options.items()))


def imfilter(x, w, border="reflect", *, shape="same", channel_axis=None, axes=None):
    """:func:`imagekit.imfilter` as a differentiable JAX function (gradients for x and w)."""
    axes = tuple(axes) if axes is not None else None
    return _imfilter(
        x, w, _static(border=border, shape=shape, channel_axis=channel_axis, axes=axes)
    )


def filterbank(x, bank, border="reflect", *, shape="same", channel_axis=-1, batch_axis=None):
    """:func:`imagekit.filterbank` as a differentiable JAX function (gradients for x, bank)."""
    return _filterbank(
        x,
        bank,
        _static(border=border, shape=shape, channel_axis=channel_axis, batch_axis=batch_axis),
    )
