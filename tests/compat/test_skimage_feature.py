"""compat.skimage.feature.peak_local_max against scikit-image's, parameter by parameter.

Images hold few distinct values, so that footprints hold ties (which
scikit-image counts as peaks) and flat regions; results must be equal,
order and dtype included.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest
import skimage.feature as skf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from imagekit.compat.skimage import feature as ikf

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def both(image, **kwargs):
    """scikit-image's result and ours (the same warnings caught for both)."""
    with warnings.catch_warnings(record=True) as theirs:
        warnings.simplefilter("always")
        ref = skf.peak_local_max(image, **kwargs)
    with warnings.catch_warnings(record=True) as ours:
        warnings.simplefilter("always")
        got = ikf.peak_local_max(image, **kwargs)
    assert [str(w.message) for w in ours] == [str(w.message) for w in theirs]
    return got, ref


def check(image, **kwargs):
    got, ref = both(image, **kwargs)
    assert got.dtype == ref.dtype
    np.testing.assert_array_equal(got, ref)


@st.composite
def images(draw, max_dims=3):
    ndim = draw(st.integers(1, max_dims))
    shape = tuple(draw(st.lists(st.integers(1, 12 if ndim < 3 else 6), min_size=ndim,
                                max_size=ndim)))  # fmt: skip
    dtype = draw(st.sampled_from([np.uint8, np.int16, np.float32, np.float64]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    levels = draw(st.integers(2, 40))
    return rng.integers(0, levels, shape).astype(dtype)


@SETTINGS
@given(image=images(), data=st.data())
def test_peak_local_max_matches(image, data):
    kwargs = {"min_distance": data.draw(st.integers(0, 3), label="min_distance")}
    if data.draw(st.booleans()):
        kwargs["threshold_abs"] = data.draw(st.sampled_from([None, 0, 3, 10.5]))
    if data.draw(st.booleans()):
        kwargs["threshold_rel"] = data.draw(st.sampled_from([None, 0.1, 0.5, 0.9]))
    exclude = st.booleans() | st.integers(0, 3)
    exclude |= st.tuples(*[st.integers(0, 2)] * image.ndim)
    kwargs["exclude_border"] = data.draw(exclude, label="exclude_border")
    if data.draw(st.booleans()):
        kwargs["num_peaks"] = data.draw(st.integers(0, 6), label="num_peaks")
    if data.draw(st.booleans()):
        sizes = data.draw(st.lists(st.integers(1, 4), min_size=image.ndim, max_size=image.ndim))
        fp = data.draw(hnp.arrays(bool, tuple(sizes)).filter(lambda a: a.any()), label="fp")
        kwargs["footprint"] = fp
    kwargs["p_norm"] = data.draw(st.sampled_from([1, 2, np.inf]), label="p_norm")
    check(image, **kwargs)


@SETTINGS
@given(image=images(max_dims=2), data=st.data())
def test_peak_local_max_with_labels_matches(image, data):
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), label="seed"))
    labels = rng.integers(0, data.draw(st.integers(1, 5), label="nlabels"), image.shape)
    kwargs = {"min_distance": data.draw(st.integers(1, 3), label="min_distance")}
    kwargs["exclude_border"] = data.draw(st.booleans() | st.integers(0, 2), label="exclude")
    if data.draw(st.booleans()):
        kwargs["num_peaks"] = data.draw(st.integers(0, 6), label="num_peaks")
    if data.draw(st.booleans()):
        kwargs["num_peaks_per_label"] = data.draw(st.integers(0, 3), label="per_label")
    check(image, labels=labels, **kwargs)


def blobs(shape, count, sigma, seed):
    """Gaussian spots of random heights on a dark background."""
    rng = np.random.default_rng(seed)
    grid = np.indices(shape).astype(np.float64)
    image = np.zeros(shape)
    for _ in range(count):
        centre = rng.uniform(0, shape)[(...,) + (None,) * len(shape)]
        image += rng.uniform(0.5, 1) * np.exp(-((grid - centre) ** 2).sum(0) / (2 * sigma**2))
    return image


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.uint8])
@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"min_distance": 5},
        {"min_distance": 3, "threshold_rel": 0.3, "p_norm": 2},
        {"min_distance": 2, "num_peaks": 7, "exclude_border": 0},
        {"footprint": np.ones((5, 5), bool), "exclude_border": (2, 4)},
    ],
)
def test_peak_local_max_finds_the_same_blobs(dtype, kwargs):
    image = blobs((96, 128), 30, 3.0, seed=4)
    if dtype == np.uint8:
        image = np.round(image / image.max() * 255)
    check(image.astype(dtype), **kwargs)


def test_a_flat_image_has_no_peaks_but_isolated_label_pixels_do():
    image = np.zeros((6, 6), np.float32)
    check(image)
    labels = np.zeros((6, 6), int)
    labels[1, 1] = 1  # an isolated pixel of a flat region
    labels[3:5, 3:5] = 2
    check(image, labels=labels, exclude_border=False)


def test_a_footprint_without_its_centre_matches():
    image = blobs((40, 50), 8, 2.0, seed=1)
    fp = np.ones((3, 3), bool)
    fp[1, 1] = False
    check(image, footprint=fp, exclude_border=False)
    check(np.round(image * 3), footprint=fp, exclude_border=False)  # ties


@pytest.mark.parametrize(
    "kwargs",
    [
        {"exclude_border": -1},
        {"exclude_border": (1,)},
        {"exclude_border": (1, -1)},
        {"exclude_border": (1, 1.5)},
        {"exclude_border": 1.5},
        {"footprint": np.zeros((3, 3))},
        {"footprint": np.ones((3, 2, 3))},
        {"footprint": np.ones((3, 3, 3), bool) * [[[True, False, True]]]},
    ],
)
def test_bad_arguments_raise_what_scikit_image_raises(kwargs):
    image = blobs((10, 12), 2, 2.0, seed=2)
    with pytest.raises(Exception) as theirs:
        skf.peak_local_max(image, **kwargs)
    with pytest.raises(theirs.type, match=re.escape(theirs.value.args[0])):
        ikf.peak_local_max(image, **kwargs)
