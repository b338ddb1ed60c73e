"""imagekit.compat.skimage.filters against skimage.filters: signatures, dtypes, results.

Results are floating and identical to scikit-image's, bit for bit (NaN
where scikit-image has NaN): the drop-ins build the same kernels and add
their products in scipy's order.
"""

from __future__ import annotations

import inspect
import warnings

import numpy as np
import pytest
import skimage.filters as skf
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from imagekit.compat import skimage as compat_skimage
from imagekit.compat.skimage import filters as ikf
from imagekit.compat.skimage._float import img_as_float

EDGES = ["sobel", "scharr", "prewitt", "farid"]
NAMES = [
    "gaussian",
    *EDGES,
    *[f"{e}_{s}" for e in EDGES for s in "hv"],
    "laplace",
    "difference_of_gaussians",
    "unsharp_mask",
    "roberts",
    "roberts_pos_diag",
    "roberts_neg_diag",
    "gabor",
    "hessian",
    "sato",
    "meijering",
    "frangi",
    "butterworth",
    "correlate_sparse",
]
MODES = ["reflect", "constant", "nearest", "mirror", "wrap", "grid-wrap", "grid-mirror"]
DTYPES = [np.float32, np.float64, np.uint8, np.int16]
SETTINGS = settings(max_examples=100, deadline=None)


def images(dtypes=DTYPES, min_dims=1, max_dims=3, min_side=1):
    def build(dtype):
        dtype = np.dtype(dtype)
        if dtype.kind == "f":
            elements = st.floats(-5, 5, width=8 * dtype.itemsize, allow_subnormal=False)
        elif dtype.kind == "b":
            elements = st.booleans()
        else:
            info = np.iinfo(dtype)
            elements = st.integers(max(info.min, -3000), min(info.max, 3000))
        shapes = hnp.array_shapes(
            min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=7
        )
        return hnp.arrays(dtype, shapes, elements=elements)

    return st.sampled_from(dtypes).flatmap(build)


def _scale(image, preserve_range=False) -> float:
    x = np.asarray(image)
    values = x.astype(np.float64) if preserve_range else img_as_float(x).astype(np.float64)
    values = np.abs(values[np.isfinite(values)])
    return max(float(values.max()) if values.size else 0.0, 1e-300)


def compare(name, image, *args, gain=None, raw=False, **kwargs):
    """Both libraries on the same arguments: the same error type, or the same result.

    The same bytes (NaN where scikit-image has NaN), unless ``gain`` is given
    for a filter computed in another order than scikit-image's: then within
    1e-6 (float32) or 1e-12 (float64) of ``gain`` times the image's scale,
    its own values with ``raw`` (``preserve_range``), else ``img_as_float``'s.
    """
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            ref = getattr(skf, name)(image, *args, **kwargs)
        except TypeError:  # a mistake in the test's call, not a behaviour to compare
            raise
        except Exception as error:
            with pytest.raises(type(error)):
                getattr(ikf, name)(image, *args, **kwargs)
            return None
        ours = getattr(ikf, name)(image, *args, **kwargs)
    assert ours.dtype == ref.dtype, (ours.dtype, ref.dtype)
    assert ours.shape == ref.shape
    nan = np.isnan(ref)
    np.testing.assert_array_equal(np.isnan(ours), nan)
    if gain is None:
        same = np.array_equal(ours[~nan].view(np.uint8), ref[~nan].view(np.uint8))
        assert same, f"not bit for bit: max error {np.abs(ours[~nan] - ref[~nan]).max()}"
        return ours
    finite = np.isfinite(ref)
    np.testing.assert_array_equal(ours[~finite], ref[~finite])
    rtol = 1e-6 if ref.dtype == np.float32 else 1e-12
    error = np.abs(ours[finite].astype(np.float64) - ref[finite])
    scale = max(_scale(image, raw), abs(kwargs.get("cval", 0.0)))
    allowed = rtol * (np.abs(ref[finite]) + gain * scale)
    assert np.all(error <= allowed), f"max error {error.max()}"
    return ours


# -- the API ---------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_signature_is_scikit_images(name):
    assert inspect.signature(getattr(ikf, name)) == inspect.signature(getattr(skf, name))


@pytest.mark.parametrize("name", NAMES)
def test_docstring_says_drop_in(name):
    assert getattr(ikf, name).__doc__.startswith(f"Drop-in for ``skimage.filters.{name}``")


def test_both_import_spellings_work():
    from imagekit.compat.skimage import filters

    image = np.random.default_rng(0).random((8, 9))
    np.testing.assert_array_equal(compat_skimage.filters.sobel(image), filters.sobel(image))
    assert filters is compat_skimage.filters


def test_swapping_the_import_keeps_a_script_working():
    script = """
import numpy as np
{import_line}
rng = np.random.default_rng(3)
image = (rng.random((30, 34, 3)) * 255).astype(np.uint8)
gray = image[..., 0]
blurred = filters.gaussian(image, sigma=2, channel_axis=-1)
edges = filters.sobel(gray)
rows = filters.scharr_h(gray)
band = filters.difference_of_gaussians(gray, 1, 3)
sharp = filters.unsharp_mask(gray, radius=2, amount=1.5)
lap = filters.laplace(gray.astype(np.float32))
result = (blurred, edges, rows, band, sharp, lap)
"""
    results = []
    for line in ("from skimage import filters", "from imagekit.compat.skimage import filters"):
        namespace = {}
        exec(script.format(import_line=line), namespace)
        results.append(namespace["result"])
    for ours, ref in zip(results[1], results[0]):
        assert ours.dtype == ref.dtype
        np.testing.assert_allclose(ours, ref, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_inputs_are_not_modified(dtype):
    image = (np.random.default_rng(1).random((9, 10)) * 100).astype(dtype)
    mask = np.ones((9, 10), bool)
    keep = image.copy()
    ikf.gaussian(image, 1.0, preserve_range=True)
    ikf.sobel(image, mask)
    ikf.unsharp_mask(image, 1.0, 2.0)
    ikf.difference_of_gaussians(image, 1.0)
    ikf.laplace(image)
    np.testing.assert_array_equal(image, keep)
    assert mask.all()


def test_gaussian_writes_out():
    image = np.random.default_rng(2).random((6, 7))
    out = np.empty((6, 7))
    assert ikf.gaussian(image, 1.0, out=out) is out
    np.testing.assert_array_equal(out, skf.gaussian(image, 1.0))


@pytest.mark.parametrize(
    ("name", "args", "kwargs", "error"),
    [
        ("gaussian", (-1.0,), {}, ValueError),
        ("gaussian", (1.0,), {"out": np.zeros((4, 5), np.uint8)}, ValueError),
        ("gaussian", (1.0,), {"mode": "bogus"}, RuntimeError),
        ("sobel", (), {"mode": ["reflect", "wrap"]}, RuntimeError),
        ("sobel_h", (), {}, ValueError),  # on a 3-D image
        ("farid_v", (), {}, ValueError),
        ("laplace", (), {"ksize": 1}, ValueError),
        ("difference_of_gaussians", (2.0, 1.0), {}, ValueError),
        ("difference_of_gaussians", ([1.0, 2.0],), {}, ValueError),
    ],
)
def test_bad_arguments_raise_scikit_images_error_type(name, args, kwargs, error):
    image = np.random.default_rng(3).random((4, 5, 3)) if name.endswith(("_h", "_v")) else None
    image = np.random.default_rng(3).random((4, 5)) if image is None else image
    if name == "difference_of_gaussians" and isinstance(args[0], list):
        image = np.random.default_rng(3).random((4, 5, 6))
    with pytest.raises(error):
        getattr(skf, name)(image, *args, **kwargs)
    with pytest.raises(error):
        getattr(ikf, name)(image, *args, **kwargs)


def test_complex_images_are_refused_as_in_scikit_image():
    image = np.ones((4, 4), complex)
    for name in ("sobel", "gaussian", "laplace"):
        with pytest.raises(ValueError):
            getattr(skf, name)(image)
        with pytest.raises(ValueError):
            getattr(ikf, name)(image)


# -- dtypes ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "dtype", [np.uint8, np.uint16, np.int8, np.int16, np.int32, np.float16, np.float32, bool]
)
@pytest.mark.parametrize("name", ["gaussian", "sobel", "laplace", "unsharp_mask", "farid_h"])
def test_dtype_conversions_match(dtype, name):
    rng = np.random.default_rng(4)
    image = (rng.random((9, 8)) * 120).astype(dtype)
    compare(name, image)


def test_non_finite_pixels_give_scikit_images_nans():
    image = np.random.default_rng(5).standard_normal((9, 10))
    image[4, 4], image[1, 1] = np.nan, np.inf
    for name in ("sobel", "scharr", "prewitt", "farid", "laplace", "gaussian", "sobel_v"):
        compare(name, image)
        compare(name, image.astype(np.float32))


def test_unsharp_mask_per_channel_equals_the_loop():
    image = (np.random.default_rng(6).random((3, 12, 10)) * 255).astype(np.uint8)
    for channel_axis in (0, 1, 2):
        compare("unsharp_mask", image, 1.5, 2.0, channel_axis=channel_axis)
    # scikit-image slices the wrong axis for a negative channel_axis (its
    # slice_at_axis); ours is the same as the equivalent positive axis.
    np.testing.assert_array_equal(
        ikf.unsharp_mask(image, 1.5, 2.0, channel_axis=-1),
        ikf.unsharp_mask(image, 1.5, 2.0, channel_axis=2),
    )


def test_negative_axis_reproduces_scikit_images_kernel():
    # scikit-image smooths along every axis but a non-negative edge axis, so a
    # negative one is also smoothed along itself (its kernel is reproduced).
    image = np.random.default_rng(7).random((8, 9))
    for name in EDGES:
        compare(name, image, axis=-1)
        assert not np.allclose(ikf.sobel(image, axis=-1), ikf.sobel(image, axis=1))


# -- the option space, by hypothesis ----------------------------------------------


@SETTINGS
@given(
    image=images(),
    data=st.data(),
    name=st.sampled_from(EDGES),
    mode=st.sampled_from(MODES),
    cval=st.sampled_from([0.0, 0.5]),
)
def test_edge_filters_match(image, data, name, mode, cval):
    n = image.ndim
    axis = data.draw(
        st.none()
        | st.integers(-n, n - 1)
        | st.permutations(range(n)).map(lambda p: tuple(p[: max(1, n - 1)]))
    )
    mask = data.draw(st.none() | hnp.arrays(bool, image.shape))
    compare(name, image, mask, axis=axis, mode=mode, cval=cval)


@SETTINGS
@given(image=images(min_dims=2, max_dims=2), name=st.sampled_from(EDGES), data=st.data())
def test_h_and_v_filters_match(image, name, data):
    mask = data.draw(st.none() | hnp.arrays(bool, image.shape))
    for suffix in ("_h", "_v"):
        compare(name + suffix, image, mask=mask)


@SETTINGS
@given(image=images(), ksize=st.sampled_from([3, 5]), data=st.data())
def test_laplace_matches(image, ksize, data):
    mask = data.draw(st.none() | hnp.arrays(bool, image.shape))
    compare("laplace", image, ksize, mask)


@SETTINGS
@given(
    image=images(),
    data=st.data(),
    mode=st.sampled_from(MODES),
    preserve_range=st.booleans(),
    truncate=st.sampled_from([4.0, 2.0, 1.0]),
)
def test_gaussian_matches(image, data, mode, preserve_range, truncate):
    n = image.ndim
    channel_axis = data.draw(st.none() | st.integers(-n, n - 1)) if n > 1 else None
    k = n - 1 if channel_axis is not None else n
    one = st.sampled_from([0.0, 0.5, 1.0, 2.5])
    sigma = data.draw(one | st.lists(one, min_size=k, max_size=k).map(tuple))
    options = dict(mode=mode, cval=0.25, truncate=truncate, channel_axis=channel_axis)
    compare("gaussian", image, sigma, preserve_range=preserve_range, **options)


@SETTINGS
@given(image=images(), data=st.data(), mode=st.sampled_from(MODES))
def test_difference_of_gaussians_matches(image, data, mode):
    n = image.ndim
    channel_axis = data.draw(st.none() | st.integers(0, n - 1)) if n > 1 else None
    low = data.draw(st.sampled_from([0.5, 1.0, 1.5]))
    high = data.draw(st.none() | st.sampled_from([1.5, 3.0]))
    compare(
        "difference_of_gaussians", image, low, high,
        mode=mode, cval=0.1, channel_axis=channel_axis,
    )  # fmt: skip


@SETTINGS
@given(
    image=images(),
    data=st.data(),
    amount=st.sampled_from([0.0, 1.0, 2.5, -0.5]),
    preserve_range=st.booleans(),
)
def test_unsharp_mask_matches(image, data, amount, preserve_range):
    n = image.ndim
    channel_axis = data.draw(st.none() | st.integers(0, n - 1)) if n > 1 else None
    radius = data.draw(st.sampled_from([0.0, 0.7, 1.0, 2.0]))
    compare("unsharp_mask", image, radius, amount, preserve_range, channel_axis=channel_axis)
