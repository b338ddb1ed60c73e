"""PyTorch autograd adapters: imagekit's filters as differentiable torch operations.

``imagekit.gradients.torch.imfilter(x, w, border, ...)`` and
``filterbank(x, bank, border, ...)`` take torch tensors (CPU), run
imagekit's forward pass, and on ``backward`` its exact vector-Jacobian
products — no tape of scalar operations. Gradients flow to whichever of
the image and the kernel require them. torch is an optional dependency
(``pip install imagekit[torch]``); importing this module needs it.

Examples
--------
>>> import torch
>>> from imagekit.gradients.torch import imfilter
>>> x = torch.rand(16, 16, dtype=torch.float64, requires_grad=True)
>>> w = torch.rand(3, 3, dtype=torch.float64, requires_grad=True)
>>> imfilter(x, w, "reflect").sum().backward()
>>> x.grad.shape, w.grad.shape
(torch.Size([16, 16]), torch.Size([3, 3]))
"""

from __future__ import annotations

import numpy as np
import torch

from .. import filtering
from ._filterbank_vjp import filterbank_vjp
from ._vjp import imfilter_vjp

__all__ = ["filterbank", "imfilter"]


def _numpy(t: torch.Tensor) -> np.ndarray:
    if t.device.type != "cpu":
        raise TypeError(f"imagekit's torch adapter runs on CPU tensors; got a tensor on {t.device}")
    return t.detach().numpy()


def _tensor(a: np.ndarray, like: torch.Tensor) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(a)).to(like.dtype)


def _autograd(forward, vjp):
    """A torch autograd Function running ``forward(x, w, **options)`` and, backward,
    ``vjp(x, w, grad, **options) -> (grad_x, grad_w)``."""

    class Op(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, w, options):
            ctx.save_for_backward(x, w)
            ctx.options = options
            return _tensor(forward(_numpy(x), _numpy(w), **options), x)

        @staticmethod
        def backward(ctx, grad):
            x, w = ctx.saved_tensors
            gx, gw = vjp(_numpy(x), _numpy(w), _numpy(grad.contiguous()), **ctx.options)
            return (
                _tensor(gx, x) if ctx.needs_input_grad[0] else None,
                _tensor(gw, w) if ctx.needs_input_grad[1] else None,
                None,
            )

    Op.__name__ = Op.__qualname__ = f"{forward.__name__}_function"
    return Op


_ImFilter = _autograd(filtering.imfilter, imfilter_vjp)
_FilterBank = _autograd(filtering.filterbank, filterbank_vjp)


def imfilter(
    x: torch.Tensor,
    w: torch.Tensor,
    border="reflect",
    *,
    shape="same",
    channel_axis=None,
    axes=None,
) -> torch.Tensor:
    """:func:`imagekit.imfilter` as a differentiable torch operation (gradients for x and w)."""
    options = dict(border=border, shape=shape, channel_axis=channel_axis, axes=axes)
    return _ImFilter.apply(x, w, options)


def filterbank(
    x: torch.Tensor,
    bank: torch.Tensor,
    border="reflect",
    *,
    shape="same",
    channel_axis=-1,
    batch_axis=None,
) -> torch.Tensor:
    """:func:`imagekit.filterbank` as a differentiable torch operation (gradients for x, bank)."""
    options = dict(border=border, shape=shape, channel_axis=channel_axis, batch_axis=batch_axis)
    return _FilterBank.apply(x, bank, options)
