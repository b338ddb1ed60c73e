"""The dtype policy, out=/dtype=, memory layouts and input immutability."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.ndimage as ndi

from imagekit import imfilter
from tests._oracles import assert_close, correlate_ref

K64 = np.array([[0.0, 0.25, 0.0], [0.25, 0.5, 0.25], [0.0, 0.25, 0.0]])


@pytest.mark.parametrize(
    ("image_dtype", "kernel_dtype", "expected"),
    [
        (np.float64, np.float64, np.float64),
        (np.float32, np.float64, np.float32),
        (np.float32, np.float32, np.float32),
        (np.float64, np.float32, np.float64),
        (np.float16, np.float64, np.float32),
        (np.uint8, np.float64, np.float64),
        (np.uint8, np.float32, np.float32),
        (np.int16, np.float32, np.float32),
        (np.int64, np.float64, np.float64),
        (np.bool_, np.float64, np.float64),
        (np.complex64, np.float64, np.complex64),
        (np.complex128, np.float32, np.complex128),
        (np.float32, np.complex128, np.complex64),
        (np.float64, np.complex64, np.complex128),
        (np.uint8, np.complex128, np.complex128),
    ],
)
def test_output_dtype_policy(image_dtype, kernel_dtype, expected):
    rng = np.random.default_rng(0)
    image = (rng.random((9, 8)) * 100).astype(image_dtype)
    kernel = (K64 + (1j * K64[::-1] if np.dtype(kernel_dtype).kind == "c" else 0)).astype(
        kernel_dtype
    )
    got = imfilter(image, kernel, "mirror")
    assert got.dtype == expected
    assert_close(got, correlate_ref(image, kernel, None, "mirror"))


def test_integer_output_is_rounded_and_clipped_not_wrapped():
    image = np.array([[0, 100, 255, 255]], np.uint8)
    kernel = np.array([[0.0, 1.5, 0.0]])  # 255 * 1.5 overflows uint8
    got = imfilter(image, kernel, "nearest", dtype=np.uint8)
    assert got.dtype == np.uint8
    np.testing.assert_array_equal(got, [[0, 150, 255, 255]])
    neg = imfilter(image, -kernel, "nearest", dtype=np.uint8)
    np.testing.assert_array_equal(neg, [[0, 0, 0, 0]])


def test_integer_output_rounds_half_to_even():
    got = imfilter(np.array([1, 3, 5], np.uint8), np.array([0.5]), dtype=np.int16)
    np.testing.assert_array_equal(got, [0, 2, 2])


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.int64, np.uint16, np.uint64])
def test_integer_extremes_never_wrap(dtype):
    info = np.iinfo(dtype)
    image = np.array([info.min] * 3 + [info.max] * 3, dtype)
    got = imfilter(image, np.array([1.0, 1.0, 1.0]), "nearest", dtype=dtype)
    assert got.dtype == dtype
    assert got[1] == info.min  # 3 * min, clipped
    assert got[4] == info.max  # 3 * max, clipped


def test_out_array_receives_result_in_its_dtype():
    rng = np.random.default_rng(1)
    image = rng.random((10, 11))
    for out_dtype in (np.float64, np.float32, np.complex128):
        out = np.full((10, 11), -7, out_dtype)
        ret = imfilter(image, K64, out=out)
        assert ret is out
        assert_close(out.real, ndi.correlate(image, K64), rtol64=1e-12, rtol32=1e-6)


def test_out_aliasing_the_input_gives_the_correct_result():
    rng = np.random.default_rng(2)
    image = rng.random((12, 12))
    expected = ndi.correlate(image, K64)
    imfilter(image, K64, out=image)
    assert_close(image, expected)


def test_out_non_contiguous_view():
    rng = np.random.default_rng(3)
    image = rng.random((8, 9))
    big = np.zeros((16, 18))
    out = big[::2, ::2]
    imfilter(image, K64, out=out)
    assert_close(out, ndi.correlate(image, K64))
    assert np.all(big[1::2] == 0)


@pytest.mark.parametrize(
    "make",
    [
        lambda a: np.asfortranarray(a),
        lambda a: a[::-1, ::-1],
        lambda a: a[::2, 1::3],
        lambda a: a.T,
        lambda a: a.astype(a.dtype.newbyteorder(">")),
    ],
    ids=["fortran", "negative-strides", "strided", "transposed", "big-endian"],
)
@pytest.mark.parametrize("algorithm", ["direct", "separable"])
def test_any_memory_layout(make, algorithm):
    rng = np.random.default_rng(4)
    base = rng.random((20, 21))
    view = make(base)
    kernel = np.outer([1.0, 2.0, 1.0], [1.0, 0.0, -1.0])
    got = imfilter(view, kernel, "reflect", algorithm=algorithm)
    assert_close(got, ndi.correlate(np.ascontiguousarray(view, np.float64), kernel))


def test_read_only_input_and_kernel():
    rng = np.random.default_rng(5)
    image = rng.random((9, 9))
    kernel = K64.copy()
    image.flags.writeable = False
    kernel.flags.writeable = False
    assert_close(imfilter(image, kernel), ndi.correlate(image, kernel))


@pytest.mark.parametrize("border", ["reflect", "constant", 3.0, "na"])
def test_inputs_are_never_modified(border):
    rng = np.random.default_rng(6)
    image = rng.random((10, 10, 3)).astype(np.float32)
    image[2, 3, 1] = np.nan
    kernel = rng.random((3, 3))
    image_copy, kernel_copy = image.copy(), kernel.copy()
    imfilter(image, kernel, border, channel_axis=-1)
    np.testing.assert_array_equal(image, image_copy)
    np.testing.assert_array_equal(kernel, kernel_copy)


def test_complex_image_with_fill_border():
    rng = np.random.default_rng(7)
    image = rng.random((6, 7)) + 1j * rng.random((6, 7))
    got = imfilter(image, K64, 2 - 1j)
    expected = ndi.correlate(image.real, K64, mode="constant", cval=2) + 1j * ndi.correlate(
        image.imag, K64, mode="constant", cval=-1
    )
    assert_close(got, expected)


def test_float16_computes_in_float32():
    image = np.linspace(0, 1, 50, dtype=np.float16).reshape(5, 10)
    got = imfilter(image, K64)
    assert got.dtype == np.float32
    assert_close(got, ndi.correlate(image.astype(np.float64), K64))


def test_empty_image_gives_empty_output():
    got = imfilter(np.zeros((0, 5)), K64, "constant")
    assert got.shape == (0, 5)
    assert imfilter(np.zeros((0, 5)), K64, shape="valid").shape == (0, 3)


@pytest.mark.parametrize("algorithm", ["direct", "separable", "fft"])
@pytest.mark.parametrize("shape", ["same", "valid", "full"])
@pytest.mark.parametrize("dtype", [np.uint8, np.float32, np.float64])
def test_read_only_inputs_every_strategy(algorithm, shape, dtype):
    rng = np.random.default_rng(8)
    image = (rng.random((17, 19, 2)) * 200).astype(dtype)
    image.flags.writeable = False
    kernel = np.outer([1.0, 2.0, 1.0], [1.0, 0.0, -1.0, 2.0])
    got = imfilter(image, kernel, "wrap", shape=shape, algorithm=algorithm, channel_axis=-1)
    ref = imfilter(image.copy(), kernel, "wrap", shape=shape, algorithm="direct", channel_axis=-1)
    assert_close(got, ref)


def test_uint8_box_to_uint8_equals_opencv_blur():
    cv2 = pytest.importorskip("cv2")
    from imagekit import kernels

    rng = np.random.default_rng(9)
    image = rng.integers(0, 256, (64, 80), dtype=np.uint8)
    got = imfilter(image, kernels.box(5), "reflect", dtype=np.uint8)
    np.testing.assert_array_equal(got, cv2.blur(image, (5, 5), borderType=cv2.BORDER_REFLECT))


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16])
@pytest.mark.parametrize("border", ["reflect", "constant", 7, 0.5, 1e6])
@pytest.mark.parametrize("channel_axis", [None, 0, -1])
def test_small_integers_in_and_out(dtype, border, channel_axis):
    # The fused separable sweep reads and writes the integer type directly;
    # it must round and clip exactly like the general path.
    rng = np.random.default_rng(10)
    shape = (3, 21, 23) if channel_axis == 0 else (21, 23, 3) if channel_axis == -1 else (21, 23)
    image = rng.integers(0, np.iinfo(dtype).max, shape, endpoint=True).astype(dtype)
    # Irregular weights: exact .5 ties (where float32 and float64 may round
    # apart) are then as rare as they are in real data.
    kernel = np.outer(rng.uniform(0.1, 0.6, 3), rng.uniform(-0.5, 1.5, 3))
    got = imfilter(image, kernel, border, dtype=dtype, channel_axis=channel_axis)
    exact = imfilter(image.astype(np.float64), kernel, border, channel_axis=channel_axis)
    expected = np.clip(np.rint(exact), 0, np.iinfo(dtype).max)
    # float32 accumulation may flip a value sitting within 1e-3 of a .5 tie
    assert np.abs(got.astype(np.float64) - expected).max() <= 1
    assert np.mean(got != expected) < 0.01
    assert got.dtype == dtype
