"""The gradient strategies: each gives the same gradients where several apply, the
registry's rank() alone chooses, and their thresholds are parameters."""

from __future__ import annotations

import contextlib

import numpy as np
import pytest

from imagekit import Fill, imfilter
from imagekit.borders._pad import extend, pad_indices
from imagekit.filtering._plan import make_plan
from imagekit.filtering._registry import rank, register, strategies, unregister
from imagekit.gradients import filterbank_vjp, imfilter_vjp
from imagekit.gradients._kernel_grads import KernelGradCall, KernelGradRows, KernelGradTaps
from imagekit.gradients._strategies import choose
from imagekit.gradients._vjp_strategies import VjpFused

CASES = [
    # (image shape, kernel, border, shape, channel_axis)
    ((20, 23), (3, 3), "reflect", "same", None),
    ((20, 23), (3, 4), "circular", "same", None),
    ((20, 23, 2), (5, 5), Fill(1.5), "same", -1),
    ((20, 23), (5, 5), "symmetric", "valid", None),
    ((18, 19), (4, 3), 0, "full", None),
    ((7, 8, 9), (3, 3, 2), "replicate", "same", None),  # three axes: no 2-D loop
]


def _call(image_shape, kshape, border, shape, axis, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(image_shape)
    w = rng.standard_normal(kshape)
    w[0, -1] = 0.0  # a zero weight: the loops that skip zeros must not skip its gradient
    out = imfilter(x, w, border, shape=shape, channel_axis=axis)
    g = rng.standard_normal(out.shape)
    plan = make_plan(x, w, border, shape=shape, channel_axis=axis)
    return x, w, g, out, plan


def _applying(operation, call):
    return [s for s in strategies(operation).values() if s.why_not(call) is None]


def _run(strategy, call, x, g, dtype=np.float64):
    return strategy.run(strategy.prepare(call, dtype, dtype), x, g)


@contextlib.contextmanager
def _replaced(strategy):
    """The registry with ``strategy`` in place of the one of its name, in the same order."""
    op = strategy.operation
    saved = list(strategies(op).values())
    for s in saved:
        unregister(s)
    try:
        for s in saved:
            register(strategy if s.name == strategy.name else s)
        yield
    finally:
        for s in list(strategies(op).values()):
            unregister(s)
        for s in saved:
            register(s)


@pytest.mark.parametrize("case", CASES)
def test_every_kernel_gradient_strategy_is_the_exact_adjoint(case):
    x, w, g, out, plan = _call(*case)
    expected = np.vdot(out, g)  # == <w, dL/dw>: the filter is linear in the kernel
    calls = [KernelGradCall.of_plan(plan)]
    lo, hi = plan.window()
    E = extend(x, plan.border, lo, hi)
    calls.append(KernelGradCall(plan.kernel.shape, g.shape, E.shape, E.dtype))
    results, names = [], []
    for call, source in zip(calls, (x, E)):
        for s in _applying("kernel_grad", call):
            gk = _run(s, call, source, g).reshape(w.shape)
            np.testing.assert_allclose(np.vdot(w, gk), expected, rtol=1e-10, err_msg=s.name)
            results.append(gk)
            names.append(s.name)
    in_place = ["rows"] if w.ndim == 2 else []  # a 3-D kernel has no 2-D loop
    assert names == [*in_place, "taps", "fft", "taps", "fft"]
    for gk in results[1:]:
        np.testing.assert_allclose(gk, results[0], rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("case", CASES)
def test_every_image_gradient_strategy_is_the_exact_adjoint(case):
    x, w, g, out, plan = _call(*case)
    # the part of the filter linear in the image (a constant fill adds a constant)
    _, _, border, shape, axis = case
    linear = out - imfilter(np.zeros_like(x), w, border, shape=shape, channel_axis=axis)
    results = [_run(s, plan, x, g) for s in _applying("image_grad", plan)]
    assert len(results) == (2 if plan.shape == "same" else 1)  # frame (same) and fold
    for gi in results:
        np.testing.assert_allclose(np.vdot(x, gi), np.vdot(linear, g), rtol=1e-10)
        np.testing.assert_allclose(gi, results[0], rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("kshape", [(3, 3), (3, 4), (5, 5)])
@pytest.mark.parametrize("border", ["reflect", 0, "circular"])
def test_fused_separate_and_shifts_vjps_match_torch_autograd(kshape, border):
    torch = pytest.importorskip("torch")
    x, w, g, _, plan = _call((24, 21), kshape, border, "same", None, seed=3)
    names = [s.name for s in _applying("imfilter_vjp", plan)]
    assert names == ["fused", "separate", "shifts"]
    # torch: cross-correlation of the image extended through imagekit's index maps
    # (the border's adjoint is then torch's, through the indexing)
    tx = torch.tensor(x, requires_grad=True)
    tw = torch.tensor(w, requires_grad=True)
    lo, hi = plan.window()
    rows, cols = (pad_indices(n, a, b, plan.border) for n, a, b in zip(x.shape, lo, hi))
    inside = torch.tensor((rows[:, None] >= 0) & (cols[None, :] >= 0))
    E = tx[np.maximum(rows, 0)][:, np.maximum(cols, 0)] * inside  # a fill of 0 outside
    out = torch.nn.functional.conv2d(E[None, None], tw[None, None])
    out.backward(torch.tensor(g[None, None]))
    for name in names:
        s = strategies("imfilter_vjp")[name]
        gi, gk = _run(s, plan, x, g)
        np.testing.assert_allclose(gi, tx.grad.numpy(), rtol=1e-10, atol=1e-10, err_msg=name)
        np.testing.assert_allclose(gk, tw.grad.numpy(), rtol=1e-10, atol=1e-10, err_msg=name)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_compile_free_vjp_matches_the_separate_one(case, dtype):
    # every border, shape, channel axis, odd and even kernels, three axes
    x, w, g, _, plan = _call(*case)
    plan = make_plan(x.astype(dtype), w, case[2], shape=case[3], channel_axis=case[4])
    x, g = x.astype(dtype), g.astype(dtype)
    vjps = strategies("imfilter_vjp")
    expected = _run(vjps["separate"], plan, x, g, dtype)
    got = _run(vjps["shifts"], plan, x, g, dtype)
    tol = 1e-4 if dtype == np.float32 else 1e-10
    for a, b in zip(got, expected):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


def test_the_compile_free_vjp_by_hand():
    # 1-D, constant fill 2, 2 taps starting at -1: out[i] = 3 E[i] + 5 E[i + 1] over
    # E = [2, x0, x1, x2]; g = [1, 10, 100]
    plan = make_plan(np.zeros(3), np.array([3.0, 5.0]), Fill(2.0))
    assert plan.window() == ((-1,), (3,))
    x, g = np.array([1.0, 2.0, 4.0]), np.array([1.0, 10.0, 100.0])
    gi, gk = _run(strategies("imfilter_vjp")["shifts"], plan, x, g)
    # dw0 = sum g[i] E[i] = 2 + 10 + 200; dw1 = sum g[i] E[i + 1] = 1 + 20 + 400
    np.testing.assert_allclose(gk, [212.0, 421.0])
    # x0 is E[1]: w1 g[0] + w0 g[1]; x1: w1 g[1] + w0 g[2]; x2: w1 g[2]
    np.testing.assert_allclose(gi, [5 + 30, 50 + 300, 500])


def test_the_compile_free_vjp_is_for_first_calls_alone():
    # the suite counts numba's start-up as paid (conftest): then it is not for 'auto'
    _, _, _, _, plan = _call((20, 23), (3, 3), "reflect", "same", None)
    s = strategies("imfilter_vjp")["shifts"]
    assert s.why_not(plan) is None and "start-up is paid" in s.why_not_auto(plan)
    assert rank("imfilter_vjp", plan, "auto")[2] == "fused"
    big = make_plan(np.zeros((5, 5)), np.ones((9, 9)), 0)
    assert s.why_not(big) == "81 taps: more than 64"


def test_the_chosen_loops_are_named():
    rng = np.random.default_rng(6)

    def loop(kshape, shape="same", border="reflect"):
        w = rng.random(kshape)  # not separable: the image gradient's filter is direct
        plan = make_plan(np.zeros((64, 64), np.float32), w, border, shape=shape)
        return choose("imfilter_vjp", plan, plan.compute_dtype)[1].loop

    assert loop((3, 3)) == "vjp/fused-3x3"
    assert loop((5, 5)) == "vjp/fused-2d"
    assert loop((5, 5), "valid") == "image-grad/fold + kernel-grad/2d-rows"
    assert loop((15, 15)) == "image-grad/frame + kernel-grad/fft"


def test_max_taps_decides_between_the_tap_loops_and_the_fft():
    x, w, g, _, plan = _call((30, 30), (5, 5), "reflect", "same", None)  # 25 taps
    window = KernelGradCall(plan.kernel.shape, g.shape, (34, 34), np.dtype(np.float64))
    assert rank("kernel_grad", window, "auto")[2] == "taps"
    assert rank("kernel_grad", KernelGradCall.of_plan(plan), "auto")[2] == "rows"
    assert rank("imfilter_vjp", plan, "auto")[2] == "fused"
    expected = imfilter_vjp(x, w, g)
    with (
        _replaced(KernelGradTaps(max_taps=16)),
        _replaced(KernelGradRows(max_taps=16)),
        _replaced(VjpFused(max_taps=16)),
    ):
        assert rank("kernel_grad", window, "auto")[2] == "fft"
        assert rank("kernel_grad", KernelGradCall.of_plan(plan), "auto")[2] == "fft"
        assert rank("imfilter_vjp", plan, "auto")[2] == "separate"
        assert strategies("kernel_grad")["taps"].why_not(window) == "25 taps: more than 16"
        plan = make_plan(x, w, "reflect")
        loop = choose("imfilter_vjp", plan, plan.compute_dtype)[1].loop
        assert loop == "image-grad/frame + kernel-grad/fft"
        got = imfilter_vjp(x, w, g)  # the kept choice is dropped with the change
        for a, b in zip(got, expected):
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-10)
    assert rank("imfilter_vjp", make_plan(x, w, "reflect"), "auto")[2] == "fused"


def test_filterbank_vjp_runs_its_registered_strategy():
    rng = np.random.default_rng(5)
    x, bank = rng.random((9, 8, 3)), rng.random((3, 3, 3, 2))
    g = rng.random((9, 8, 2))
    gi, gb = filterbank_vjp(x, bank, g, 0)
    assert list(strategies("filterbank_vjp")) == ["gemm"]
    assert gi.shape == x.shape and gb.shape == bank.shape
