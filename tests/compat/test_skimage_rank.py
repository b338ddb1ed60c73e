"""compat.skimage.filters.rank and filters.median against scikit-image itself: the same
results, dtypes, warnings and exception types on uint8/uint16 images with disk,
square and random footprints, masks and shifts."""

import warnings

import numpy as np
import pytest
import skimage.filters as skf
from skimage.filters import rank as skrank
from skimage.morphology import disk

from imagekit.compat.skimage import filters
from imagekit.compat.skimage.filters import rank

NAMES = ["median", "minimum", "maximum", "mean", "sum", "gradient", "pop"]


def same(ours, theirs, *args, **kwargs):
    """Both calls give the same array and warnings, or the same exception type."""
    outcomes, caught = [], []
    for func in (theirs, ours):
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            try:
                outcomes.append(func(*args, **kwargs))
            except Exception as error:
                outcomes.append(error)
        caught.append(sorted(str(w.message)[:40] for w in seen))
    ref, got = outcomes
    if isinstance(ref, Exception) or isinstance(got, Exception):
        assert type(ref) is type(got), (ref, got)
        return
    assert got.dtype == ref.dtype
    np.testing.assert_array_equal(got, ref)
    assert caught[0] == caught[1]


def _case(seed):
    rng = np.random.default_rng(seed)
    ndim = 3 if seed % 4 == 0 else 2
    shape = tuple(int(s) for s in rng.integers(3, 12, ndim))
    dtype = [np.uint8, np.uint16][seed % 2]
    high = 256 if dtype == np.uint8 else int(rng.choice([300, 5000]))
    image = rng.integers(0, high, shape).astype(dtype)
    footprint = (rng.random(tuple(int(s) for s in rng.integers(1, 6, ndim))) < 0.7).astype(np.uint8)
    if seed % 5 == 0:
        footprint = disk(2) if ndim == 2 else np.ones((3, 3, 3), np.uint8)
    mask = rng.random(shape) < 0.7 if seed % 3 == 0 else None
    shifts = [int(rng.integers(-(n // 2), n - n // 2)) for n in footprint.shape]
    kw = dict(mask=mask)
    if ndim == 2:
        kw.update(shift_y=shifts[0], shift_x=shifts[1])
    else:
        kw.update(shift_x=shifts[0], shift_y=shifts[1], shift_z=shifts[2])
    return image, footprint, kw


@pytest.mark.parametrize("seed", range(24))
@pytest.mark.parametrize("name", NAMES)
def test_rank_filters_equal_skimage(name, seed):
    image, footprint, kw = _case(seed)
    same(getattr(rank, name), getattr(skrank, name), image, footprint, **kw)
    out = np.empty(image.shape, np.float64)
    same(getattr(rank, name), getattr(skrank, name), image, footprint, out=out, **kw)


@pytest.mark.parametrize("seed", [s for s in range(24) if s % 4])
@pytest.mark.parametrize("p0", [0, 0.1, 0.25, 0.29, 0.5, 0.7, 0.99, 1.0, 0.3713])
def test_percentile_equals_skimage(seed, p0):
    image, footprint, kw = _case(seed)
    same(rank.percentile, skrank.percentile, image, footprint, p0=p0, **kw)


def test_sum_and_pop_wrap_in_uint8():
    image = np.full((6, 6), 200, np.uint8)
    same(rank.sum, skrank.sum, image, np.ones((3, 3)))
    same(rank.pop, skrank.pop, np.zeros((20, 20), np.uint8), np.ones((17, 17)))


def test_conversions_and_errors_match_skimage():
    rng = np.random.default_rng(7)
    image = rng.integers(0, 255, (8, 9)).astype(np.uint8)
    square = np.ones((3, 3))
    same(rank.minimum, skrank.minimum, image / 255.0, square)  # float: img_as_ubyte, warned
    same(rank.maximum, skrank.maximum, image.astype(np.int16), square)
    same(rank.mean, skrank.mean, image.astype(np.int32) * 1000, square)
    same(rank.minimum, skrank.minimum, image > 9, square)  # bool: ValueError
    same(rank.minimum, skrank.minimum, image, np.ones(3))  # footprint dims
    same(rank.minimum, skrank.minimum, image[0], np.ones(3))  # 1-D image
    same(rank.minimum, skrank.minimum, image, square, shift_x=2)
    same(rank.minimum, skrank.minimum, image, square, shift_y=-2)
    same(rank.minimum, skrank.minimum, image[None], np.ones((3, 3, 3)), shift_z=2)
    same(rank.minimum, skrank.minimum, image, square, out=image)
    same(rank.minimum, skrank.minimum, image, square, out=np.empty((8, 9), np.int32))
    same(rank.minimum, skrank.minimum, image, square, out=np.empty((8, 9), np.uint16))
    same(rank.percentile, skrank.percentile, image[None], np.ones((1, 3, 3)))
    same(rank.median, skrank.median, image)  # the default footprint
    same(rank.median, skrank.median, image, mask=rng.random((8, 9)))


@pytest.mark.parametrize("mode", ["nearest", "reflect", "constant", "wrap", "mirror"])
@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.float32, np.float64])
def test_filters_median_equals_skimage(mode, dtype):
    image = (np.random.default_rng(8).random((9, 10)) * 200).astype(dtype)
    same(filters.median, skf.median, image, mode=mode, cval=3.0)
    same(filters.median, skf.median, image, disk(2), mode=mode)
    same(filters.median, skf.median, image[None], mode=mode)
    if dtype in (np.uint8, np.uint16):
        same(filters.median, skf.median, image, disk(1), behavior="rank")
        same(filters.median, skf.median, image, behavior="rank", mode="wrap")


@pytest.mark.parametrize("name", NAMES)
def test_windows_without_pixels_give_zero(name):
    image = np.random.default_rng(9).integers(1, 255, (5, 6)).astype(np.uint8)
    footprint = np.array([[1, 0, 0]], np.uint8)  # centre at column 2: reads two to the left
    same(getattr(rank, name), getattr(skrank, name), image, footprint, shift_x=1)
    same(getattr(rank, name), getattr(skrank, name), image, footprint.T, shift_y=1)
