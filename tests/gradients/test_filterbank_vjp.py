"""filterbank_vjp: exact adjoints, NA finite differences, torch autograd."""

from __future__ import annotations

import numpy as np
import pytest

from imagekit import NA, filterbank
from imagekit.gradients import filterbank_vjp
from tests._oracles import BORDERS


@pytest.mark.parametrize("border", BORDERS)
@pytest.mark.parametrize("shape", ["same", "valid", "full"])
@pytest.mark.parametrize("spatial", [(11,), (7, 9), (4, 5, 6)])
def test_vjp_is_the_exact_adjoint(border, shape, spatial):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((*spatial, 3))
    kshape = {1: (4,), 2: (3, 4), 3: (2, 3, 3)}[len(spatial)]
    bank = rng.standard_normal((*kshape, 3, 2))
    out = filterbank(x, bank, border, shape=shape)
    g = rng.standard_normal(out.shape)
    gi, gb = filterbank_vjp(x, bank, g, border, shape=shape)
    assert gi.shape == x.shape and gb.shape == bank.shape
    np.testing.assert_allclose(np.vdot(out, g), np.vdot(x, gi), rtol=1e-11)
    np.testing.assert_allclose(np.vdot(out, g), np.vdot(bank, gb), rtol=1e-11)


def test_na_vjp_equals_finite_differences():
    rng = np.random.default_rng(1)
    x = rng.random((7, 8, 2))
    x[2, 3, 1] = np.nan
    bank = rng.random((3, 3, 2, 2)) + 0.1
    out = filterbank(x, bank, NA())
    g = rng.standard_normal(out.shape)
    gi, gb = filterbank_vjp(x, bank, g, NA())
    eps = 1e-6
    dx = rng.standard_normal(x.shape)
    dx[np.isnan(x)] = 0
    db = rng.standard_normal(bank.shape)

    def loss(xx, bb):
        return np.sum(filterbank(xx, bb, NA()) * g)

    fd_x = (loss(x + eps * dx, bank) - loss(x - eps * dx, bank)) / (2 * eps)
    fd_b = (loss(x, bank + eps * db) - loss(x, bank - eps * db)) / (2 * eps)
    np.testing.assert_allclose(fd_x, np.nansum(gi * dx), rtol=1e-7)
    np.testing.assert_allclose(fd_b, np.sum(gb * db), rtol=1e-7)
    assert gi[2, 3, 1] == 0


def test_vjp_matches_torch_autograd():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    x = rng.standard_normal((10, 12, 4))
    bank = rng.standard_normal((3, 3, 4, 5))
    tx = torch.tensor(x.transpose(2, 0, 1)[None], requires_grad=True)
    tw = torch.tensor(bank.transpose(3, 2, 0, 1), requires_grad=True)
    out = torch.nn.functional.conv2d(tx, tw, padding=1)
    g = rng.standard_normal((10, 12, 5))
    out.backward(torch.tensor(g.transpose(2, 0, 1)[None]))
    gi, gb = filterbank_vjp(x, bank, g, 0)
    np.testing.assert_allclose(gi, tx.grad[0].numpy().transpose(1, 2, 0), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(gb, tw.grad.numpy().transpose(2, 3, 1, 0), rtol=1e-10, atol=1e-12)
