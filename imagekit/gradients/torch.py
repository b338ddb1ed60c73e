"""PyTorch autograd adapters: imagekit's filters as differentiable torch operations.

``imagekit.gradients.torch.imfilter(x, w, border, ...)`` and
``filterbank(x, bank, border, ...)`` take torch tensors, run imagekit's
forward pass, and on ``backward`` its exact vector-Jacobian products — no
tape of scalar operations. CPU tensors go through NumPy (no copy); CUDA
tensors go to CuPy through DLPack (no copy) and are filtered on their GPU.
Gradients flow to whichever of the image and the kernel require them. torch
is an optional dependency (``pip install imagekit[torch]``); importing this
module needs it.

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


def _numpy(t: torch.Tensor):
    """The tensor as an array imagekit filters where it lies: NumPy for CPU tensors,
    CuPy (through DLPack, sharing memory) for CUDA tensors."""
    if t.device.type == "cpu":
        return t.detach().numpy()
    if t.device.type == "cuda":
        try:
            import cupy
        except ImportError:
            raise TypeError(
                "a CUDA tensor needs CuPy (pip install 'imagekit[gpu]') to be filtered on its GPU"
            ) from None
        return cupy.from_dlpack(t.detach())
    raise TypeError(f"imagekit's torch adapter takes CPU or CUDA tensors; got one on {t.device}")


def _tensor(a, like: torch.Tensor) -> torch.Tensor:
    if isinstance(a, np.ndarray):
        return torch.from_numpy(np.ascontiguousarray(a)).to(like.dtype)
    return torch.from_dlpack(a).to(like.dtype)  # a CuPy array: stays on the GPU


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
