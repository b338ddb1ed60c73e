"""A box given as a dense array (``np.full(shape, 1 / n)``) into an integer type.

imfilter finds the box in the array (constant, rank one); into integers the
result is the exact mean rounded half to even and clipped. The uint8 box
over two axes runs in 16-bit lanes (``separable/box-u8-lanes``), whose
integer store is checked here against every sum it can meet, against
OpenCV's ``blur``, scipy's ``uniform_filter`` and exact integer sums.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.ndimage as ndi
from hypothesis import given, settings
from hypothesis import strategies as st

from imagekit import imfilter
from imagekit.filtering import plan
from imagekit.filtering.strategies._box_lanes import box8_magic
from tests._oracles import BORDERS, correlate_ref

CV2_BORDERS = {"reflect": "BORDER_REFLECT", "mirror": "BORDER_REFLECT_101",
               "nearest": "BORDER_REPLICATE", "constant": "BORDER_CONSTANT"}  # fmt: skip


def _rounded_mean(image, size, border, out_dtype, shape="same"):
    """The exact box sum (float64 sums of integers are exact) over ``size``, rounded
    half to even and clipped to ``out_dtype``."""
    n = int(np.prod(size))
    sums = correlate_ref(image.astype(np.float64), np.ones(size), border=border, shape=shape)
    info = np.iinfo(out_dtype)
    return np.clip(np.rint(sums / n), info.min, info.max).astype(out_dtype)


def test_magic_constants_round_every_sum_in_16_bit_lanes():
    """``(s + h) * m >> (16 + k)`` as the loop computes it (a 16-bit sum, the high half
    of a 32-bit product, a 16-bit shift) is ``round(s / n)`` for every sum of n uint8."""
    found = 0
    for n in range(1, 258):
        magic = box8_magic(n)
        if n % 2 == 0:
            assert magic is None  # ties round to even: the float32 store does that
            continue
        if magic is None:
            continue
        found += 1
        h, m, k = (np.uint32(v) for v in magic)
        sums = np.arange(255 * n + 1, dtype=np.uint32)
        lane = (sums + h).astype(np.uint16).astype(np.uint32)
        high = ((lane * m) >> np.uint32(16)).astype(np.uint16)
        got = high >> np.uint16(k)
        np.testing.assert_array_equal(got, (2 * sums + n) // (2 * n))
    assert found >= 110
    assert all(box8_magic(n) is not None for n in (3, 9, 15, 25, 49, 81, 121))


def test_hand_derived_3x3():
    """A 3×3 box over a 4×4 ramp with the reflect border, worked by hand: the
    top-left output is the mean of rows 0, 0, 1 and columns 0, 0, 1."""
    image = np.array([[0, 10, 20, 30], [40, 50, 60, 70], [80, 90, 100, 110], [120, 130, 140, 255]],
                     np.uint8)  # fmt: skip
    got = imfilter(image, np.full((3, 3), 1 / 9), "reflect", dtype=np.uint8)
    # (0 + 0 + 10) * 2 + (40 + 40 + 50) = 150; 150 / 9 = 16.67 -> 17
    assert got[0, 0] == 17
    # the centre: 0..100 around (1, 1): (0+10+20+40+50+60+80+90+100) / 9 = 50
    assert got[1, 1] == 50
    # bottom-right: rows 2, 3, 3 and columns 2, 3, 3: (100 + 110 + 110) + 2 * (140 + 255 +
    # 255) = 1620; 1620 / 9 = 180
    assert got[3, 3] == 180
    np.testing.assert_array_equal(got, _rounded_mean(image, (3, 3), "reflect", np.uint8))


def test_dense_box_runs_the_uint8_lanes():
    image = np.zeros((64, 64), np.uint8)
    p = plan(image, np.full((5, 5), 1 / 25), dtype=np.uint8)
    assert p.loop == "separable/box-u8-lanes"


def test_w9_equals_opencv_and_scipy():
    cv2 = pytest.importorskip("cv2")
    image = np.random.default_rng(19).integers(0, 256, (256, 256), dtype=np.uint8)
    got = imfilter(image, np.full((5, 5), 1 / 25), dtype=np.uint8)
    np.testing.assert_array_equal(got, cv2.blur(image, (5, 5), borderType=cv2.BORDER_REFLECT))
    below = got.astype(int) - ndi.uniform_filter(image, 5, mode="reflect")
    assert below.min() >= 0 and below.max() <= 2  # scipy truncates after each pass


@st.composite
def _cases(draw):
    ndim = draw(st.integers(1, 3))
    size = tuple(draw(st.integers(1, 7)) for _ in range(ndim))
    shape = tuple(draw(st.integers(1, 40 if ndim < 3 else 12)) for _ in range(ndim))
    dtype = draw(st.sampled_from([np.uint8, np.uint16, np.int16]))
    border = draw(st.sampled_from(BORDERS))
    mode = draw(st.sampled_from(["same", "same", "valid", "full"]))
    if mode == "valid":
        shape = tuple(max(n, m) for n, m in zip(shape, size))
    seed = draw(st.integers(0, 2**32 - 1))
    return size, shape, np.dtype(dtype), border, mode, seed


@settings(max_examples=60, deadline=None)
@given(_cases())
def test_dense_box_is_the_rounded_mean(case):
    """Any box (1-D to 3-D, odd and even sizes, every border and shape) over uint8,
    uint16 and int16 into its own type: the exact mean, rounded half to even (the
    uint8 box in 16-bit lanes exactly, the other paths to float32's error)."""
    size, shape, dtype, border, mode, seed = case
    info = np.iinfo(dtype)
    image = np.random.default_rng(seed).integers(info.min, info.max, shape, dtype, endpoint=True)
    kernel = np.full(size, 1 / np.prod(size))
    got = imfilter(image, kernel, border, shape=mode, dtype=dtype)
    expected = _rounded_mean(image, size, border, dtype, mode)
    if plan(image, kernel, border, shape=mode, dtype=dtype).loop == "separable/box-u8-lanes":
        np.testing.assert_array_equal(got, expected)
    else:  # weights 1 / n in float32: a quotient within float32's error of a half
        # may round the other way, by one; every other one is exact. The error of a
        # float32 sum of n terms grows about as sqrt(n), and so does the band
        assert np.abs(got.astype(np.int64) - expected).max() <= 1
        mean = correlate_ref(image.astype(np.float64), kernel, border=border, shape=mode)
        rtol = max(1e-6, 4 * np.sqrt(np.prod(size)) * 2.0**-24)
        near_half = np.abs(np.abs(mean - np.floor(mean)) - 0.5) < rtol * (np.abs(mean) + 1)
        clipped = (mean < info.min) | (mean > info.max)
        np.testing.assert_array_equal(got[~near_half | clipped], expected[~near_half | clipped])


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 7), st.integers(1, 7), st.integers(1, 40), st.integers(1, 40),
    st.sampled_from(sorted(CV2_BORDERS)), st.integers(0, 2**32 - 1),
)  # fmt: skip
def test_uint8_dense_box_equals_opencv_blur(my, mx, h, w, border, seed):
    """Odd boxes: OpenCV's ``blur`` rounds the mean as imfilter does (even ones it
    rounds ties up, imfilter to even: compared with the exact mean above)."""
    cv2 = pytest.importorskip("cv2")
    my, mx = my | 1, mx | 1  # odd sizes
    image = np.random.default_rng(seed).integers(0, 256, (h, w), dtype=np.uint8)
    got = imfilter(image, np.full((my, mx), 1 / (my * mx)), border, dtype=np.uint8)
    cv_border = getattr(cv2, CV2_BORDERS[border])
    np.testing.assert_array_equal(got, cv2.blur(image, (mx, my), borderType=cv_border))


@pytest.mark.parametrize("mode", ["same", "valid", "full"])
@pytest.mark.parametrize("border", BORDERS)
@pytest.mark.parametrize("size", [(5, 5), (3, 7), (4, 6), (9, 3)])
def test_uint8_lanes_every_shape(mode, border, size):
    """The 16-bit lanes read the column sums in place ("same") or through the
    column map (a "valid" or "full" output): exact either way."""
    image = np.random.default_rng(3).integers(0, 256, (37, 41), dtype=np.uint8)
    kernel = np.full(size, 1 / np.prod(size))
    assert plan(image, kernel, border, shape=mode, dtype=np.uint8).loop.endswith("lanes")
    got = imfilter(image, kernel, border, shape=mode, dtype=np.uint8)
    np.testing.assert_array_equal(got, _rounded_mean(image, size, border, np.uint8, mode))
