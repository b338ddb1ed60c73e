"""The torch autograd adapters pass torch.autograd.gradcheck in float64."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
from imagekit.gradients import torch as ik_torch  # noqa: E402


@pytest.mark.parametrize("border", ["reflect", "mirror", "nearest", "wrap", 0.0, 1.5, "na"])
@pytest.mark.parametrize("shape", ["same", "valid", "full"])
def test_imfilter_gradcheck(border, shape):
    gen = torch.Generator().manual_seed(0)
    x = torch.rand(6, 7, dtype=torch.float64, generator=gen, requires_grad=True)
    w = (torch.rand(3, 2, dtype=torch.float64, generator=gen) + 0.1).requires_grad_()
    assert torch.autograd.gradcheck(
        lambda a, b: ik_torch.imfilter(a, b, border, shape=shape), (x, w)
    )


@pytest.mark.parametrize("border", ["reflect", "wrap", 0.0, "na"])
def test_filterbank_gradcheck(border):
    gen = torch.Generator().manual_seed(1)
    x = torch.rand(5, 6, 2, dtype=torch.float64, generator=gen, requires_grad=True)
    bank = (torch.rand(3, 3, 2, 3, dtype=torch.float64, generator=gen) + 0.1).requires_grad_()
    assert torch.autograd.gradcheck(lambda a, b: ik_torch.filterbank(a, b, border), (x, bank))


def test_only_the_needed_gradients_and_values_match_numpy():
    from imagekit import imfilter

    x = torch.rand(8, 8, dtype=torch.float64)
    w = torch.rand(3, 3, dtype=torch.float64, requires_grad=True)
    out = ik_torch.imfilter(x, w, "mirror")
    np.testing.assert_allclose(
        out.detach().numpy(), imfilter(x.numpy(), w.detach().numpy(), "mirror")
    )
    out.sum().backward()
    assert x.grad is None and w.grad is not None


def test_learning_a_kernel_recovers_it():
    # Gradient descent through the adapter finds the blur that made the output.
    gen = torch.Generator().manual_seed(2)
    x = torch.rand(32, 32, dtype=torch.float64, generator=gen)
    true = (
        torch.tensor([[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]], dtype=torch.float64) / 16
    )
    target = ik_torch.imfilter(x, true, "reflect").detach()
    w = torch.zeros(3, 3, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([w], lr=0.05)
    for _ in range(300):
        opt.zero_grad()
        loss = ((ik_torch.imfilter(x, w, "reflect") - target) ** 2).mean()
        loss.backward()
        opt.step()
    np.testing.assert_allclose(w.detach().numpy(), true.numpy(), atol=1e-3)
