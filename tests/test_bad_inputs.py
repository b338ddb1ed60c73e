"""The bad-input matrix: each row of docs/guide/bad_inputs.rst is a test here.

Every input a pipeline may throw at imfilter gives the right result or a
clear error; none crashes the interpreter or changes an input. Rows covered
by other test files name them in the table.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.ndimage as ndi

import imagekit as ik
from imagekit.borders import NA
from imagekit.kernels import Kernel
from tests._oracles import BORDERS, assert_close, correlate_ref

STRATEGIES = ["direct", "separable", "fft"]
RNG = np.random.default_rng(2026)
SEPARABLE = Kernel.from_factors([RNG.random(3), RNG.random(4)])


def _filter(image, algorithm, border="reflect", kernel=SEPARABLE, **kw):
    return ik.imfilter(image, kernel, border, algorithm=algorithm, **kw)


def test_zero_d_arrays_are_refused():
    with pytest.raises(ValueError, match="at least one axis"):
        ik.imfilter(np.array(2.0), np.ones(1))


@pytest.mark.parametrize("border", BORDERS)
@pytest.mark.parametrize("mode", ["same", "valid", "full"])
@pytest.mark.parametrize("algorithm", ["direct", "fft"])
def test_kernel_larger_than_the_image(border, mode, algorithm):
    image = RNG.random((3, 2))
    w = RNG.random((9, 7))
    got = ik.imfilter(image, w, border, shape=mode, algorithm=algorithm)
    assert_close(got, correlate_ref(image, w, border=border, shape=mode))
    if mode == "same" and border != "mirror":  # scipy agrees (its mirror differs on 2 pixels)
        assert_close(got, ndi.correlate(image, w, mode=border))


@pytest.mark.parametrize("border", BORDERS)
def test_even_sized_kernels_centre_like_scipy(border):
    image = RNG.random((11, 12))
    w = RNG.random((4, 2))
    assert_close(ik.imfilter(image, w, border), ndi.correlate(image, w, mode=border))


@pytest.mark.parametrize("start", [(3, 5), (-9, -7), (4, -8)])
def test_offsets_outside_the_kernel(start):
    image = RNG.random((10, 9))
    w = RNG.random((2, 3))
    got = ik.imfilter(image, Kernel(w, start=start), "wrap")
    assert_close(got, correlate_ref(image, w, start=start, border="wrap"))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("border", ["reflect", "wrap", "constant", NA()])
@pytest.mark.parametrize("algorithm", STRATEGIES)
def test_nan_and_inf_in_the_image_stay_local(bad, border, algorithm):
    image = RNG.random((24, 25))
    image[10, 12] = bad
    got = _filter(image, algorithm, border)
    reach = np.zeros(image.shape, bool)  # outputs whose window covers (10, 12):
    reach[9:12, 11:15] = True  # the 3x4 kernel reads rows y-1..y+1, columns x-2..x+1
    if isinstance(border, NA) and np.isnan(bad):  # left out: every output finite
        assert np.isfinite(got).all()
        return
    assert np.isfinite(got[~reach]).all()  # never smeared over the image (an FFT would)
    assert not np.isfinite(got[10, 12])


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_or_inf_in_the_kernel_is_refused(bad):
    with pytest.raises(ValueError, match="kernel must be finite"):
        ik.imfilter(np.ones((5, 5)), np.array([[1.0, bad]]))


@pytest.mark.parametrize(
    "image",
    [
        np.array(["a", "b"]),
        np.array([1, 2], dtype=object),
        np.array(["2020-01-01"], dtype="datetime64[D]"),
        np.array([1, 2], dtype="timedelta64[s]"),
    ],
    ids=["str", "object", "datetime", "timedelta"],
)
def test_non_numeric_images_are_a_type_error(image):
    with pytest.raises(TypeError, match="numeric"):
        ik.imfilter(image, np.ones(3))


@pytest.mark.parametrize("kernel", ["abc", np.array([[None]])], ids=["str", "object"])
def test_non_numeric_kernels_are_a_type_error(kernel):
    with pytest.raises(TypeError, match="kernel"):
        ik.imfilter(np.ones((4, 4)), kernel)


@pytest.mark.parametrize("algorithm", STRATEGIES)
@pytest.mark.parametrize("dtype", [">f8", ">f4", ">u2", ">i4"])
def test_non_native_byte_order(algorithm, dtype):
    native = (RNG.random((9, 10)) * 1000).astype(np.dtype(dtype).newbyteorder("="))
    swapped = native.astype(dtype)
    assert_close(_filter(swapped, algorithm), _filter(native, algorithm))


@pytest.mark.parametrize("algorithm", STRATEGIES)
@pytest.mark.parametrize("layout", ["fortran", "negative strides", "every other"])
def test_memory_layouts(algorithm, layout):
    base = RNG.random((20, 22))
    image = {
        "fortran": np.asfortranarray(base),
        "negative strides": base[::-1, ::-1],
        "every other": base[::2, ::2],
    }[layout]
    assert_close(_filter(image, algorithm), _filter(np.ascontiguousarray(image), algorithm))


@pytest.mark.parametrize("algorithm", STRATEGIES)
def test_read_only_and_memory_mapped_inputs(algorithm, tmp_path):
    data = RNG.random((16, 17))
    mm = np.lib.format.open_memmap(
        tmp_path / "a.npy", mode="w+", dtype=data.dtype, shape=data.shape
    )
    mm[:] = data
    mm.flush()
    ro = np.load(tmp_path / "a.npy", mmap_mode="r")  # read-only, memory-mapped
    expected = _filter(data, algorithm)
    assert_close(_filter(ro, algorithm), expected)
    assert_close(_filter(mm, algorithm), expected)
    np.testing.assert_array_equal(np.asarray(mm), data)  # unchanged


@pytest.mark.parametrize("algorithm", STRATEGIES)
@pytest.mark.parametrize("border", ["reflect", NA()])
def test_out_aliasing_the_input(algorithm, border):
    image = RNG.random((15, 14))
    expected = _filter(image, algorithm, border)
    got = _filter(image, algorithm, border, out=image)
    assert got is image
    assert_close(image, expected)


def test_huge_sigma_is_refused_before_allocating():
    with pytest.raises(ValueError, match="more than imagekit builds"):
        ik.kernels.gaussian(1e6)
    wide = ik.imfilter(np.ones(30), ik.kernels.gaussian(1e5, ndim=1), "reflect")
    np.testing.assert_allclose(wide, 1.0)  # one axis at a time works


def test_sigma_zero_is_the_identity_and_negative_sigma_an_error():
    image = RNG.random((6, 7))
    np.testing.assert_array_equal(ik.imfilter(image, ik.kernels.gaussian(0.0)), image)
    with pytest.raises(ValueError, match="sigma"):
        ik.kernels.gaussian(-1.0)


@pytest.mark.parametrize("fill", [np.inf, -np.inf, np.nan, 300.0, 0.5])
def test_fills_a_small_integer_image_cannot_hold(fill):
    image = np.arange(20, dtype=np.uint8).reshape(4, 5)
    got = ik.imfilter(image, np.ones((3, 3)), fill)  # computed in floating point
    expected = correlate_ref(image, np.ones((3, 3)), border="constant", cval=fill)
    np.testing.assert_allclose(got, expected, equal_nan=True)
    assert ik.imfilter(np.zeros((0, 0), np.uint64), np.ones((1, 2)), fill).shape == (0, 0)
