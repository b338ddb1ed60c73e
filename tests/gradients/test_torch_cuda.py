"""The torch adapter on CUDA tensors: filtered on the GPU through DLPack (``gpu`` marker)."""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.gpu


def test_cuda_tensors_stay_on_the_gpu_and_match_cpu():
    torch = pytest.importorskip("torch")
    pytest.importorskip("cupy")
    if not torch.cuda.is_available():
        pytest.skip("torch has no CUDA here")
    from imagekit.gradients.torch import filterbank, imfilter

    rng = np.random.default_rng(0)
    x = torch.tensor(rng.random((20, 18)), requires_grad=True)
    w = torch.tensor(rng.random((3, 4)), requires_grad=True)
    imfilter(x, w, "wrap").square().sum().backward()
    xc = x.detach().cuda().requires_grad_()
    wc = w.detach().cuda().requires_grad_()
    out = imfilter(xc, wc, "wrap")
    assert out.is_cuda
    out.square().sum().backward()
    np.testing.assert_allclose(xc.grad.cpu().numpy(), x.grad.numpy(), rtol=1e-9)
    np.testing.assert_allclose(wc.grad.cpu().numpy(), w.grad.numpy(), rtol=1e-9)
    xb = torch.rand(8, 8, 3, dtype=torch.float64, device="cuda", requires_grad=True)
    bank = torch.rand(3, 3, 3, 2, dtype=torch.float64, device="cuda", requires_grad=True)
    assert torch.autograd.gradcheck(lambda a, b: filterbank(a, b, 0), (xb, bank))
