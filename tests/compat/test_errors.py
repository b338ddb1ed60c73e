"""Bad arguments raise the peer's exception type, checked in the peer's order.

Each row is one bad call; the expected exception type is whatever scipy or
scikit-image raises for the same call in this process, so the table holds
only the calls, and a row where the peer does not raise fails the test.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.ndimage as ndi
import skimage.filters as skf

from imagekit.compat import ndimage as ik
from imagekit.compat.skimage import filters as ikf

REAL = np.arange(20.0).reshape(4, 5)
IMAGES = {
    "real": REAL,
    "complex": REAL + 1j,
    "uint8": np.arange(20, dtype=np.uint8).reshape(4, 5),
    "empty": np.zeros((0, 5)),
    "float16": np.ones((4, 5), np.float16),
    "str": np.full((4, 5), "a"),
    "3-D": np.random.default_rng(0).random((4, 5, 3)),
    "1-D": np.arange(6.0),
}


def _derivative(input, axis, output, mode, cval, *extra, **keywords):
    return ndi.correlate1d(input, [1.0, -2.0, 1.0], axis, output, mode, cval)


# (function, image, positional arguments, keyword arguments)
NDIMAGE = [
    # the issue's example: scipy refuses the complex cval before the weights' shape
    ("convolve1d", "real", (np.ones((2, 2), complex),), {"cval": 1 + 1j}),
    ("correlate1d", "real", (np.ones((2, 2), complex),), {"cval": 1 + 1j}),
    ("convolve1d", "real", (np.array(1.0),), {}),
    ("convolve1d", "real", (np.ones((2, 2)),), {}),
    ("convolve1d", "real", (np.zeros(0),), {}),
    ("correlate1d", "real", (np.zeros(0),), {}),
    ("correlate1d", "real", ([1.0, 2.0],), {"axis": 2}),
    ("correlate1d", "real", ([1.0, 2.0, 3.0],), {"origin": 0.5}),
    ("correlate1d", "real", ([1.0, 2.0, 3.0],), {"origin": "a"}),
    ("correlate1d", "real", ([1.0, 2.0, 3.0],), {"origin": 2}),
    ("convolve1d", "real", ([1.0, 2.0, 3.0],), {"origin": "a"}),
    ("correlate", "real", (np.ones((3, 3)),), {"origin": 0.5}),
    ("convolve", "real", (np.ones((3, 3)),), {"origin": "a"}),
    ("correlate", "real", (np.ones((3, 3)),), {"origin": (0, 0, 0)}),
    ("correlate", "real", (np.ones(3),), {}),
    ("correlate", "real", (np.ones((3, 3)),), {"axes": (0, 0)}),
    ("correlate", "real", (np.ones((3, 3)),), {"mode": ["reflect", "wrap"]}),
    ("correlate", "empty", (np.ones((3, 3)),), {"mode": "bogus"}),
    ("correlate", "empty", (np.ones((3, 3)),), {"cval": "a"}),
    ("uniform_filter", "real", (3,), {"origin": 0.5}),
    ("uniform_filter1d", "real", (3,), {"origin": 0.5}),
    ("uniform_filter1d", "real", (0,), {}),
    ("uniform_filter1d", "complex", (3,), {"cval": "a"}),
    ("gaussian_filter", "complex", (1.0,), {"cval": "a", "mode": "constant"}),
    ("gaussian_filter", "real", (1.0,), {"cval": 1j, "mode": "constant"}),
    ("gaussian_filter", "empty", (1.0,), {"mode": "bogus"}),
    ("gaussian_filter", "empty", (1.0,), {"cval": 1j}),
    ("gaussian_filter", "float16", (1.0,), {"radius": -1}),
    ("gaussian_filter", "float16", (1.0,), {}),
    ("gaussian_filter", "str", (1.0,), {}),
    ("gaussian_filter1d", "real", (1.0,), {"order": -1}),
    ("sobel", "real", (), {"output": np.float16}),
    ("sobel", "real", (), {"output": np.zeros((2, 2))}),
    ("sobel", "real", (), {"axis": 1.0}),
    ("prewitt", "complex", (), {"cval": "a"}),
    ("laplace", "real", (), {"mode": ["reflect"]}),
    ("gaussian_laplace", "real", ((1.0, 2.0, 3.0),), {}),
    ("gaussian_gradient_magnitude", "real", (1.0,), {"mode": "bogus"}),
    ("generic_laplace", "real", (_derivative,), {"mode": ["reflect"]}),
    ("generic_laplace", "real", (_derivative,), {"axes": (5,)}),
    ("generic_laplace", "real", (_derivative,), {"output": np.zeros(3)}),
    ("generic_laplace", "real", (_derivative,), {"extra_arguments": 1}),
    ("generic_laplace", "real", (ndi.correlate1d,), {}),
    ("generic_gradient_magnitude", "real", (_derivative,), {"mode": "bogus"}),
    ("generic_gradient_magnitude", "real", (_derivative,), {"axes": (0, 0)}),
    ("generic_gradient_magnitude", "real", (_derivative,), {"extra_keywords": 1}),
    ("generic_gradient_magnitude", "str", (_derivative,), {}),
]

SKIMAGE = [
    ("sobel", "real", (), {"mask": np.array("a")}),
    ("sobel", "real", (), {"mask": np.ones((4, 5), complex)}),
    ("sobel", "real", (), {"mask": np.ones((2, 2))}),
    ("sobel", "real", (), {"mode": ["reflect", "wrap"]}),
    ("farid", "real", (), {"mode": "bogus"}),
    ("prewitt_h", "3-D", (), {}),
    ("gaussian", "real", (-1.0,), {}),
    ("gaussian", "empty", (1.0,), {"mode": "bogus"}),
    ("gaussian", "real", (1.0,), {"out": np.zeros((4, 5), np.uint8)}),
    ("gaussian", "complex", (1.0,), {}),
    ("unsharp_mask", "real", (), {"channel_axis": 5}),
    ("unsharp_mask", "real", (), {"channel_axis": 1.0}),
    ("laplace", "real", (), {"ksize": 1}),
    ("difference_of_gaussians", "real", (2.0, 1.0), {}),
    ("difference_of_gaussians", "empty", (1.0,), {"mode": "bogus"}),
    ("roberts", "3-D", (), {}),
    ("roberts", "real", (), {"mask": np.ones((2, 2))}),
    ("roberts_pos_diag", "complex", (), {}),
    ("roberts_neg_diag", "str", (), {}),
    ("gabor", "3-D", (0.1,), {}),
    ("gabor", "real", (0.1,), {"mode": "bogus"}),
    ("gabor", "real", (0.1,), {"cval": 1j, "mode": "constant"}),
    ("gabor", "real", (0.0,), {}),
    ("gabor", "real", (0.1,), {"cval": "a", "mode": "constant"}),
    ("hessian", "empty", (), {}),
    ("hessian", "real", (), {"mode": "bogus"}),
    ("sato", "real", (), {"sigmas": [1.0], "cval": 1j}),
    ("sato", "complex", (), {}),
    ("meijering", "complex", (), {}),
    ("meijering", "real", (), {"mode": "bogus"}),
    ("frangi", "real", (), {"sigmas": [1.0], "cval": "a"}),
    ("frangi", "real", (), {"mode": "bogus"}),
    ("frangi", "str", (), {}),
    ("butterworth", "real", (), {"cutoff_frequency_ratio": 0.6}),
    ("butterworth", "real", (), {"cutoff_frequency_ratio": -0.1}),
    ("butterworth", "real", (), {"channel_axis": 5}),
    ("butterworth", "real", (), {"npad": -1}),
    ("butterworth", "str", (), {}),
    ("correlate_sparse", "real", (np.ones((3, 3)),), {"mode": "bogus"}),
    ("correlate_sparse", "real", (np.ones((3,)),), {}),
    ("correlate_sparse", "str", (np.ones((3, 3)),), {}),
    ("correlate_sparse", "1-D", (np.ones((3, 3)),), {"mode": "valid"}),
    ("correlate_sparse", "empty", (np.ones((3, 3)),), {}),
    ("correlate_sparse", "real", (np.ones((3, 3, 3)),), {}),
    ("gabor", "real", (0.1,), {"sigma_x": 0}),
    ("butterworth", "real", (), {"channel_axis": 1.0}),
    ("butterworth", "empty", (), {}),
    ("butterworth", "real", (), {"npad": 1.5}),
]


def _raised(function, *args, **kwargs) -> type[BaseException]:
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            function(*args, **kwargs)
        except Exception as error:
            return type(error)
    pytest.fail(f"{function.__module__}.{function.__name__} raised nothing")


def _ids(rows):
    return [f"{name}-{image}-{sorted(kwargs)}" for name, image, _, kwargs in rows]


@pytest.mark.parametrize(("name", "image", "args", "kwargs"), NDIMAGE, ids=_ids(NDIMAGE))
def test_ndimage_raises_scipys_exception_type(name, image, args, kwargs):
    expected = _raised(getattr(ndi, name), IMAGES[image], *args, **kwargs)
    assert _raised(getattr(ik, name), IMAGES[image], *args, **kwargs) is expected


@pytest.mark.parametrize(("name", "image", "args", "kwargs"), SKIMAGE, ids=_ids(SKIMAGE))
def test_skimage_raises_scikit_images_exception_type(name, image, args, kwargs):
    expected = _raised(getattr(skf, name), IMAGES[image], *args, **kwargs)
    assert _raised(getattr(ikf, name), IMAGES[image], *args, **kwargs) is expected


def test_the_issues_complex_cval_example_names_cval():
    with pytest.raises(ValueError, match="complex-valued cval"):
        ik.convolve1d(REAL, np.ones((2, 2), complex), cval=1 + 1j)


def test_messages_name_the_argument():
    with pytest.raises(TypeError, match=r"origin must be an integer, got 0\.5"):
        ik.correlate1d(REAL, [1.0, 2.0, 3.0], origin=0.5)
    with pytest.raises(ValueError, match="cval"):
        ik.gaussian_filter(REAL + 1j, 1.0, cval="a")
    with pytest.raises(IndexError, match="channel_axis=5"):
        ikf.unsharp_mask(REAL, channel_axis=5)


def test_no_runtime_error_for_bad_input_outside_what_the_peers_raise():
    """Every ``raise RuntimeError`` in imagekit is in the compat layer (the peers' type)."""
    import pathlib

    import imagekit

    root = pathlib.Path(imagekit.__file__).parent
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "raise RuntimeError" in path.read_text() and "compat" not in path.relative_to(root).parts
    ]
    assert offenders == []
