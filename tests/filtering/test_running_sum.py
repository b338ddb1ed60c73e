"""Long box factors run as running sums: same results as uniform_filter, any length."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.ndimage as ndi

from imagekit import Fill, imfilter, kernels
from imagekit.filtering import plan
from imagekit.filtering.strategies.separable import SEPARABLE
from tests._oracles import BORDERS, assert_close


@pytest.mark.parametrize("border", BORDERS)
@pytest.mark.parametrize("size", [(16, 16), (31, 20), (45, 3)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.uint8])
def test_running_sum_box_equals_uniform_filter(border, size, dtype):
    rng = np.random.default_rng(0)
    image = (rng.random((40, 70)) * 200).astype(dtype)
    k = kernels.box(size)
    assert any(SEPARABLE.is_running_sum(f) for _, f in plan(image, k).factors)
    got = imfilter(image, k, border, algorithm="separable")
    expected = ndi.uniform_filter(image.astype(np.float64), size, mode=border)
    assert_close(got, expected)


@pytest.mark.parametrize("mode", ["same", "valid", "full"])
def test_running_sum_shapes_and_fill(mode):
    rng = np.random.default_rng(1)
    image = rng.random((30, 25, 3))
    k = kernels.box((20, 17))
    for border in (Fill(2.5), "wrap"):
        kw = dict(shape=mode, channel_axis=-1)
        got = imfilter(image, k, border, algorithm="separable", **kw)
        assert_close(got, imfilter(image, k, border, algorithm="direct", **kw))


def test_running_sum_cost_does_not_grow_with_length():
    image = np.zeros((256, 256))
    c31 = plan(image, kernels.box(31), algorithm="separable").costs["separable"]
    c91 = plan(image, kernels.box(91), algorithm="separable").costs["separable"]
    assert abs(c91 - c31) / c31 < 0.2
