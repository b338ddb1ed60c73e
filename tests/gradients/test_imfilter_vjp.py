"""imfilter_vjp: exact adjoints (dot-product tests), finite differences, and torch autograd."""

from __future__ import annotations

import numpy as np
import pytest

from imagekit import NA, Fill, Kernel, imfilter
from imagekit.gradients import imfilter_vjp
from tests._oracles import BORDERS

SHAPES = ["same", "valid", "full"]


@pytest.mark.parametrize("border", [b for b in BORDERS])
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("start", [None, (-3, 1)])
# 3x4: the general loops; 3x3: the nine-sum loops (rows through the border one
# at a time, runs of image rows two at a time), with and without a zero weight
@pytest.mark.parametrize("kshape", [(3, 4), (3, 3), "3x3 with a zero"])
@pytest.mark.parametrize("channels", [None, 2])
def test_vjp_is_the_exact_adjoint(border, shape, start, kshape, channels):
    # The filter is linear in the image (for these borders) and in the kernel:
    # <f(x, w), g> == <x, grad_image> == <w, grad_kernel>, to rounding.
    rng = np.random.default_rng(0)
    x = rng.standard_normal((9, 11) if channels is None else (9, 11, channels))
    w = rng.standard_normal((3, 3) if kshape == "3x3 with a zero" else kshape)
    if kshape == "3x3 with a zero":
        w[1, 2] = 0.0
    k = Kernel(w, start=start) if start else w
    axis = None if channels is None else -1
    out = imfilter(x, k, border, shape=shape, channel_axis=axis)
    g = rng.standard_normal(out.shape)
    gi, gk = imfilter_vjp(x, k, g, border, shape=shape, channel_axis=axis)
    assert gi.shape == x.shape and gk.shape == w.shape
    np.testing.assert_allclose(np.vdot(out, g), np.vdot(x, gi), rtol=1e-11)
    np.testing.assert_allclose(np.vdot(out, g), np.vdot(w, gk), rtol=1e-11)


def _finite_difference(f, x, direction, eps=1e-6):
    return (f(x + eps * direction) - f(x - eps * direction)) / (2 * eps)


@pytest.mark.parametrize("border", [Fill(1.5), NA()])
@pytest.mark.parametrize("shape", SHAPES)
def test_vjp_equals_finite_differences_for_affine_and_na_borders(border, shape):
    rng = np.random.default_rng(1)
    x = rng.random((8, 10))
    x[2, 3] = np.nan if isinstance(border, NA) else x[2, 3]
    w = rng.random((3, 3)) + 0.1
    out = imfilter(x, w, border, shape=shape)
    g = rng.standard_normal(out.shape)
    g[np.isnan(out)] = 0
    gi, gk = imfilter_vjp(x, w, g, border, shape=shape)

    def loss_x(xx):
        return np.nansum(imfilter(xx, w, border, shape=shape) * g)

    def loss_w(ww):
        return np.nansum(imfilter(x, ww, border, shape=shape) * g)

    dx = rng.standard_normal(x.shape)
    dx[np.isnan(x)] = 0
    dw = rng.standard_normal(w.shape)
    np.testing.assert_allclose(_finite_difference(loss_x, x, dx), np.nansum(gi * dx), rtol=1e-7)
    np.testing.assert_allclose(_finite_difference(loss_w, w, dw), np.sum(gk * dw), rtol=1e-7)
    if isinstance(border, NA):
        assert gi[2, 3] == 0  # a missing pixel gets no gradient


@pytest.mark.parametrize("channel_axis", [0, -1])
def test_vjp_with_channels_and_large_kernels(channel_axis):
    rng = np.random.default_rng(2)
    x = np.moveaxis(rng.standard_normal((12, 13, 3)), -1, channel_axis)
    for w in (rng.standard_normal((3, 3)), rng.standard_normal((9, 10))):  # loop, then FFT
        out = imfilter(x, w, "mirror", channel_axis=channel_axis)
        g = rng.standard_normal(out.shape)
        gi, gk = imfilter_vjp(x, w, g, "mirror", channel_axis=channel_axis)
        np.testing.assert_allclose(np.vdot(out, g), np.vdot(x, gi), rtol=1e-10)
        np.testing.assert_allclose(np.vdot(out, g), np.vdot(w, gk), rtol=1e-10)


def test_vjp_kernel_axes_follow_the_callers_order():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((6, 7, 5))
    w = rng.standard_normal((2, 3))  # kernel axis 0 on image axis 2, axis 1 on image axis 0
    out = imfilter(x, w, "wrap", axes=(2, 0))
    g = rng.standard_normal(out.shape)
    _, gk = imfilter_vjp(x, w, g, "wrap", axes=(2, 0))
    assert gk.shape == (2, 3)
    np.testing.assert_allclose(np.vdot(out, g), np.vdot(w, gk), rtol=1e-11)


def test_vjp_matches_torch_autograd_for_zero_border():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(4)
    x = rng.standard_normal((16, 17))
    w = rng.standard_normal((3, 5))
    tx = torch.tensor(x[None, None], requires_grad=True)
    tw = torch.tensor(w[None, None], requires_grad=True)
    out = torch.nn.functional.conv2d(tx, tw, padding=(1, 2))  # cross-correlation, zeros
    g = rng.standard_normal(out.shape[2:])
    out.backward(torch.tensor(g[None, None]))
    gi, gk = imfilter_vjp(x, w, g, 0)
    np.testing.assert_allclose(gi, tx.grad[0, 0].numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(gk, tw.grad[0, 0].numpy(), rtol=1e-12, atol=1e-12)


def test_float32_stays_float32_and_bad_grad_shape():
    x = np.zeros((5, 6), np.float32)
    gi, _ = imfilter_vjp(x, np.ones((3, 3)), np.ones((5, 6), np.float32))
    assert gi.dtype == np.float32
    with pytest.raises(ValueError, match=r"grad_out has shape \(4, 6\)"):
        imfilter_vjp(x, np.ones((3, 3)), np.ones((4, 6)))
    with pytest.raises(TypeError, match="real images and kernels"):
        imfilter_vjp(x + 1j, np.ones((3, 3)), np.ones((5, 6)))


def test_gradients_are_fresh_arrays_not_scratch():
    # Internals reuse per-thread buffers; results handed out must not alias them.
    rng = np.random.default_rng(5)
    x, w = rng.random((10, 10)), rng.random((3, 3))
    g = rng.standard_normal((8, 8))
    gi, _ = imfilter_vjp(x, w, g, 0, shape="valid")
    keep = gi.copy()
    imfilter_vjp(rng.random((10, 10)), w, rng.standard_normal((8, 8)), 0, shape="valid")
    np.testing.assert_array_equal(gi, keep)


@pytest.mark.parametrize("border", ["reflect", "mirror", "nearest", "wrap"])
def test_vjp_folds_the_margins_of_3d_and_1d_images(border):
    # the margins alone folded (fold_frame) in other dimensions than two
    rng = np.random.default_rng(3)
    for shape, kshape in (((5, 6, 7), (3, 2, 3)), ((9,), (4,)), ((3, 4, 2), (5, 1, 3))):
        x, w = rng.standard_normal(shape), rng.standard_normal(kshape)
        out = imfilter(x, w, border)
        g = rng.standard_normal(out.shape)
        gi, gk = imfilter_vjp(x, w, g, border)
        np.testing.assert_allclose(np.vdot(out, g), np.vdot(x, gi), rtol=1e-11)
        np.testing.assert_allclose(np.vdot(out, g), np.vdot(w, gk), rtol=1e-11)


@pytest.mark.parametrize("border", [0, "reflect"])
def test_vjp_on_threads_is_the_exact_adjoint(border):
    # large enough for the fused pass's numba-parallel twin (small images run serially)
    rng = np.random.default_rng(4)
    x, w = rng.standard_normal((400, 300)), rng.standard_normal((3, 3))
    out = imfilter(x, w, border)
    g = rng.standard_normal(out.shape)
    gi, gk = imfilter_vjp(x, w, g, border)
    np.testing.assert_allclose(np.vdot(out, g), np.vdot(x, gi), rtol=1e-10)
    np.testing.assert_allclose(np.vdot(out, g), np.vdot(w, gk), rtol=1e-10)
