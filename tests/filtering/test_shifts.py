"""The compile-free ``shifts`` strategy (sums of shifted views, NumPy alone)
against the compiled strategies and the correlation oracle, over dtypes,
borders, shapes, kernels (dense, separable, with offsets) and channels."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from imagekit import Kernel, imfilter, kernels
from imagekit.borders import NA, Fill
from imagekit.filtering import plan
from tests._oracles import BORDERS, assert_close, correlate_ref

DTYPES = (np.float32, np.float64, np.uint8, np.uint16, np.int16, np.int32, np.complex64)


def _compare(got, want, na):
    if np.dtype(want.dtype).kind in "iu":  # rounding into integers: one step at most
        assert np.abs(got.astype(np.int64) - want.astype(np.int64)).max(initial=0) <= 1
    elif na:  # N / D of mixed-sign weights: float32 sums in another order differ more
        assert_close(got, want, rtol32=1e-3)
    else:
        assert_close(got, want)


@settings(max_examples=60)
@given(
    data=st.data(),
    dtype=st.sampled_from(DTYPES),
    ndim=st.integers(1, 3),
    border=st.sampled_from(["reflect", "symmetric", "nearest", "circular", 0, 2.5, NA()]),
    shape_mode=st.sampled_from(["same", "valid", "full"]),
    separable=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_shifts_equals_the_compiled_strategies(
    data, dtype, ndim, border, shape_mode, separable, seed
):
    rng = np.random.default_rng(seed)
    shape = data.draw(hnp.array_shapes(min_dims=ndim, max_dims=ndim, max_side=9), label="shape")
    kshape = data.draw(hnp.array_shapes(min_dims=ndim, max_dims=ndim, max_side=5), label="k")
    if separable:
        w = np.ones(())
        for m in kshape:
            w = np.multiply.outer(w, rng.standard_normal(m))
    else:
        w = rng.standard_normal(kshape)
    start = tuple(int(-m // 2 + rng.integers(0, 2)) for m in kshape)
    k = Kernel(w, start=start)
    image = (rng.random(shape) * 200).astype(dtype)
    got = imfilter(image, k, border, shape=shape_mode, algorithm="shifts")
    want = imfilter(image, k, border, shape=shape_mode, algorithm="direct")
    assert got.dtype == want.dtype and got.shape == want.shape
    _compare(got, want, isinstance(border, NA))


@pytest.mark.parametrize("border", BORDERS)
def test_shifts_equals_the_oracle(border):
    image = np.random.default_rng(1).random((12, 10))
    w = np.random.default_rng(2).standard_normal((3, 4))
    got = imfilter(image, w, border if border != "constant" else 0, algorithm="shifts")
    assert_close(got, correlate_ref(image, w, border=border))


def test_shifts_runs_a_separable_kernel_by_axis_and_channels_alone():
    image = np.random.default_rng(0).random((16, 12, 3)).astype(np.float32)
    p = plan(image, kernels.gaussian(1.5), algorithm="shifts", channel_axis=-1)
    assert p.loop == "shifts/factor-views"
    want = imfilter(image, kernels.gaussian(1.5), channel_axis=-1, algorithm="separable")
    assert_close(p(image), want)
    assert plan(image[..., 0], np.eye(3), algorithm="shifts").loop == "shifts/tap-views"


def test_shifts_leaves_auto_once_numba_has_started():
    p = plan(np.zeros((64, 64), np.float32), kernels.gaussian(2.0))
    assert p.strategy != "shifts" and "shifts" in p.costs
    assert "numba's start-up is paid" in p.explain()
    assert imfilter(np.ones((5, 5)), np.zeros((3, 3)), Fill(1), algorithm="shifts").sum() == 0
