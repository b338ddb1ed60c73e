"""The source discussion's examples, and hand-derived impulse responses per border."""

from __future__ import annotations

import numpy as np
import pytest

from imagekit import Fill, Kernel, imfilter

# The 5×7 output printed in the source discussion for
# `imfilter(A, OffsetArray(w, 0:0, -2:0), Fill(0))`.
W = np.array([0.0251132, 0.155058, 0.0603386])
EXPECTED = np.zeros((5, 7))
EXPECTED[:, :3] = np.outer(np.arange(1, 6), [0.0603386, 0.155058, 0.0251132])


def test_offset_kernel_example_from_the_discussion():
    A = np.zeros((5, 7))
    A[:, 0] = np.arange(1, 6)
    k = Kernel(W.reshape(1, 3), start=(0, -2))
    got = imfilter(A, k, Fill(0))
    np.testing.assert_allclose(got, EXPECTED, rtol=1e-15, atol=0)
    # The printed digits, as shown there.
    np.testing.assert_allclose(got[4, :3], [0.301693, 0.77529, 0.125566], rtol=1e-6)


@pytest.mark.parametrize("channel_axis", [0, 1, -1])
def test_vector_pixels_equal_filtering_each_channel(channel_axis):
    rng = np.random.default_rng(0)
    a = rng.random((5, 5, 4))  # 5×5 pixels of 4 channels, as SVector{4}
    a = np.moveaxis(a, -1, channel_axis)
    kern = rng.random((3, 3))
    got = imfilter(a, kern, channel_axis=channel_axis)
    for c in range(4):
        channel = np.take(a, c, axis=channel_axis)
        np.testing.assert_allclose(
            np.take(got, c, axis=channel_axis), imfilter(channel, kern), rtol=1e-14
        )


# 1-D impulse responses, derived by hand for k = [a, b, c] at offsets -1, 0, 1:
# out[i] = a*x[i-1] + b*x[i] + c*x[i+1], with x extended by the border.
A_, B_, C_ = 2.0, 3.0, 5.0
K = np.array([A_, B_, C_])


@pytest.mark.parametrize(
    ("border", "left", "right"),
    [
        # x = [1,0,0,0,0]: x[-1] is 1 (reflect/nearest), 0 (mirror: x[1]; wrap: x[4]).
        # x = [0,0,0,0,1]: x[5] is 1 (reflect/nearest), 0 (mirror: x[3]; wrap: x[0]).
        ("reflect", [A_ + B_, A_, 0, 0, 0], [0, 0, 0, C_, B_ + C_]),
        ("mirror", [B_, A_, 0, 0, 0], [0, 0, 0, C_, B_]),
        ("nearest", [A_ + B_, A_, 0, 0, 0], [0, 0, 0, C_, B_ + C_]),
        ("wrap", [B_, A_, 0, 0, C_], [A_, 0, 0, C_, B_]),
        ("constant", [B_, A_, 0, 0, 0], [0, 0, 0, C_, B_]),
        # Fill(1): x[-1] = x[5] = 1.
        (Fill(1.0), [A_ + B_, A_, 0, 0, C_], [A_, 0, 0, C_, B_ + C_]),
    ],
)
def test_impulse_response_at_the_edges(border, left, right):
    x = np.zeros(5)
    x[0] = 1
    np.testing.assert_array_equal(imfilter(x, K, border), left)
    x = x[::-1].copy()
    np.testing.assert_array_equal(imfilter(x, K, border), right)


def test_mirror_of_a_delta_at_the_edge_counts_the_neighbour_twice():
    # mirror: x = [0,1,0,0]: x[-1] = x[1] = 1, so out[0] = a*1 + c*1.
    np.testing.assert_array_equal(imfilter(np.array([0.0, 1, 0, 0]), K, "mirror")[0], A_ + C_)


@pytest.mark.parametrize("border", ["reflect", "mirror", "nearest", "wrap", "constant"])
def test_2d_impulse_in_the_middle_gives_the_reflected_kernel(border):
    rng = np.random.default_rng(1)
    k = rng.random((3, 5))
    x = np.zeros((9, 11))
    x[4, 5] = 1
    got = imfilter(x, k, border)
    np.testing.assert_array_equal(got[3:6, 3:8], k[::-1, ::-1])
    got[3:6, 3:8] = 0
    assert not got.any()


def test_impulse_with_offset_kernel_lands_shifted():
    k = Kernel(np.array([[1.0, 2.0]]), start=(1, 2))  # taps at (1, 2) and (1, 3)
    x = np.zeros((6, 8))
    x[3, 5] = 1
    got = imfilter(x, k, 0)
    # out[i] = k[j] x[i + j]: the impulse reaches out[3-1, 5-2] via tap (1,2), out[2, 2] via (1,3)
    expected = np.zeros_like(x)
    expected[2, 3] = 1.0
    expected[2, 2] = 2.0
    np.testing.assert_array_equal(got, expected)
