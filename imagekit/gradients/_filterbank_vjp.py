"""Vector-Jacobian product of filterbank: the transposed matrix products, folded back.

The forward pass is, per batch item, ``R = sum_t X_t @ W_t`` with ``X_t`` the
extended image's rows under tap ``t`` (a contiguous slice) and ``W_t`` the
bank's ``C_in x C_out`` matrix of that tap. For an upstream gradient ``G``
(zero on the positions the forward pass drops):

- ``dL/dW_t = sum over the batch of X_t.T @ G``;
- ``dL/dX[rows of tap t] += G @ W_t.T``, then the adjoint of the extension
  folds the gradient of repeated pixels back onto them.

Each is one BLAS product per tap, as the forward pass. NA uses the quotient
rule as ``imfilter_vjp`` does, with the weight sums per output channel.
"""

from __future__ import annotations

import numpy as np

from .._dispatch import route
from .._typing import ArrayLike, BorderLike, ShapeMode
from ..borders import NA, Fill
from ..filtering import _na as na
from ..filtering._costs import COST
from ..filtering._filterbank import (
    FilterbankLayout,
    extended_flat,
    gemm_filterbank,
    layout,
    shifted_geometry,
)
from ..filtering._strategy import Prepared
from ._pad_adjoint import fold
from ._strategies import GradientStrategy, choose

__all__ = ["BANK_VJP_GEMM", "BankVjpGemm", "filterbank_vjp"]


def _grad_rows(lay, g_cl: np.ndarray, ext_sizes, rows) -> np.ndarray:
    """The upstream gradient on the shifted grid's rows: zero on dropped positions."""
    nb = g_cl.shape[0]
    grid = np.zeros((nb, lay.out_spatial[0], *ext_sizes[1:], lay.c_out), lay.dtype)
    crop = (slice(None), slice(None), *(slice(0, o) for o in lay.out_spatial[1:]))
    grid[crop] = g_cl
    return grid.reshape(nb, rows, lay.c_out)


def _linear_vjp(image_cl: np.ndarray, bank: np.ndarray, g_cl: np.ndarray, lay, border):
    """Gradients of the (linear in image, for ``border``) filterbank, channels last."""
    ext_sizes, deltas, rows = shifted_geometry(lay)
    flat = extended_flat(image_cl, lay, deltas, rows, border)
    weights = np.ascontiguousarray(bank, lay.dtype).reshape(deltas.size, lay.c_in, lay.c_out)
    G = _grad_rows(lay, g_cl, ext_sizes, rows)
    grad_w = np.zeros_like(weights)
    grad_flat = np.zeros_like(flat)
    for t, d in enumerate(deltas):
        for b in range(flat.shape[0]):
            grad_w[t] += flat[b, d : d + rows].T @ G[b]
            grad_flat[b, d : d + rows] += G[b] @ weights[t].T
    # Back from the flat extended grid to the extended window, then fold.
    window = [o + m - 1 for o, m in zip(lay.out_spatial, lay.kshape)]
    n_window = int(np.prod(window))
    grad_window = grad_flat[:, :n_window].reshape(flat.shape[0], *window, lay.c_in)
    first = [a + s for a, s in zip(lay.lo, lay.start)]
    grad_image = fold(grad_window, image_cl.shape, border, [0, *first, 0])
    return grad_image, grad_w.reshape(bank.shape)


class BankVjpGemm(GradientStrategy):
    """Both gradients of a (non-NA) filter bank: two BLAS products per tap, folded back."""

    name = algorithm = "gemm"
    operation = "filterbank_vjp"

    def cost(self, lay: FilterbankLayout) -> float:
        # a multiply-add per output value, tap and input channel, for each gradient
        work = 2.0 * np.prod(lay.out_shape) * np.prod(lay.kshape) * lay.c_in
        return COST["call"] + lay.dtype.itemsize / 4.0 * COST["tap"] * work

    def prepare(self, lay: FilterbankLayout, image_dtype, out_dtype) -> Prepared:
        dtypes = (np.dtype(image_dtype), np.dtype(out_dtype))
        return Prepared("filterbank-vjp/gemm-taps", lay, *dtypes)

    def run(self, prepared: Prepared, image: np.ndarray, grad: np.ndarray, bank: np.ndarray):
        """The gradients for the image and ``grad`` channels last, and ``bank``."""
        lay = prepared.plan
        return _linear_vjp(image, bank, grad, lay, lay.border)


BANK_VJP_GEMM = BankVjpGemm()


def filterbank_vjp(
    image: ArrayLike,
    bank: ArrayLike,
    grad_out: ArrayLike,
    border: BorderLike = "reflect",
    *,
    shape: ShapeMode = "same",
    channel_axis: int = -1,
    batch_axis: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Gradients of ``filterbank(image, bank, border, ...)`` for an upstream gradient.

    Parameters
    ----------
    image, bank, border, shape, channel_axis, batch_axis
        As for :func:`imagekit.filterbank`.
    grad_out : ndarray
        ``dL/d(output)``, of the output's shape.

    Returns
    -------
    grad_image : ndarray
        Of the image's shape (zero on NaN pixels under the NA border).
    grad_bank : ndarray
        Of the bank's shape.

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit.gradients import filterbank_vjp
    >>> image, bank = np.ones((4, 4, 2)), np.ones((3, 3, 2, 1))
    >>> g_image, g_bank = filterbank_vjp(image, bank, np.ones((4, 4, 1)), 0)
    >>> g_image.shape, g_bank.shape, float(g_bank[1, 1, 0, 0])
    ((4, 4, 2), (3, 3, 2, 1), 16.0)
    """
    options = dict(shape=shape, channel_axis=channel_axis, batch_axis=batch_axis)
    backend = route("filterbank_vjp", image)  # CuPy & co: on their device
    if backend is not None:
        return backend(image, bank, grad_out, border, **options)
    lay = layout(image, bank, border, **options)
    g = np.asarray(grad_out, lay.dtype)
    if g.shape != lay.out_shape:
        raise ValueError(f"grad_out has shape {g.shape}, expected the output's {lay.out_shape}")
    a_cl = lay.to_channels_last(np.asarray(image))
    g_cl = lay.to_channels_last(g)
    b = np.asarray(bank)
    if isinstance(lay.border, NA):
        zero = Fill(0.0)
        values, mask = na.split(np, a_cl, lay.dtype)
        values = values.astype(lay.dtype)
        num = gemm_filterbank(values, b, lay, zero)
        den = gemm_filterbank(mask, b, lay, zero)
        q, r = na.quotient_rule(np, g_cl, num, den)
        gi, gw = _linear_vjp(values, b, q, lay, zero)
        _, gw_mask = _linear_vjp(mask, b, r, lay, zero)
        gi, gw = gi * mask, gw - gw_mask
    else:
        strategy, prepared = choose("filterbank_vjp", lay, lay.dtype)
        gi, gw = strategy.run(prepared, a_cl, g_cl, b)
    return lay.from_channels_last(gi).astype(lay.dtype, copy=False), gw.astype(lay.dtype)
