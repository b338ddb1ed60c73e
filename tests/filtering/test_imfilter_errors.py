"""Bad input raises a ValueError/TypeError that names the argument."""

from __future__ import annotations

import numpy as np
import pytest

from imagekit import Kernel, imfilter

IMAGE = np.zeros((6, 7))
K3 = np.ones((3, 3))


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"kernel": np.ones((3, 3, 3))}, ValueError, "kernel has 3 axes, more than the 2"),
        ({"kernel": np.ones(3)}, ValueError, "kernel has 1 axes, fewer than the 2"),
        ({"kernel": np.ones((0, 3))}, ValueError, "kernel must not be empty"),
        ({"kernel": np.array([[1.0, np.nan, 1.0]])}, ValueError, "kernel must be finite"),
        ({"kernel": np.array([[1.0, np.inf]])}, ValueError, "kernel must be finite"),
        ({"kernel": np.array([["a", "b"]])}, TypeError, "kernel must hold numbers"),
        ({"kernel": np.array([[None, 1]], dtype=object)}, TypeError, "kernel must hold numbers"),
        ({"kernel": "gaussian"}, TypeError, "kernel must be an array or a Kernel"),
        ({"kernel": ()}, ValueError, "kernel must not be empty"),
        ({"border": "bogus"}, ValueError, r"border='bogus' is not one of: reflect, mirror"),
        ({"border": [1, 2]}, TypeError, "border must be a border name"),
        ({"border": True}, TypeError, "border must be a border name"),
        ({"shape": "middle"}, ValueError, "shape='middle' is not one of: same, valid, full"),
        ({"algorithm": "magic"}, ValueError, "algorithm='magic' is not one of"),
        ({"algorithm": "iir"}, ValueError, "algorithm='iir' needs a Gaussian kernel"),
        ({"algorithm": "separable", "kernel": np.eye(3)}, ValueError, "needs a separable kernel"),
        ({"channel_axis": 2}, ValueError, "channel_axis=2 is out of range"),
        ({"channel_axis": 1.0}, TypeError, "channel_axis must be an int"),
        ({"axes": (0, 0)}, ValueError, "axes must not repeat"),
        ({"axes": (0, 5)}, ValueError, "axes=5 is out of range"),
        ({"axes": (0,)}, ValueError, "kernel has 2 axes, more than the 1"),
        ({"axes": (0, 1), "channel_axis": 1}, ValueError, "includes channel_axis"),
        ({"out": np.zeros((6, 6))}, ValueError, r"out has shape \(6, 6\), expected \(6, 7\)"),
        ({"out": [[0.0] * 7] * 6}, TypeError, "out must be a numpy.ndarray"),
        ({"out": np.zeros((6, 7), np.float32), "dtype": np.float64}, ValueError, "out has dtype"),
        ({"out": np.zeros((6, 7), bool)}, TypeError, "out must have an integer"),
        ({"dtype": "bogus"}, TypeError, "dtype must be a numpy dtype"),
        ({"dtype": np.bool_}, TypeError, "dtype must be an integer, floating or complex"),
        ({"dtype": np.float32, "kernel": K3 * 1j}, TypeError, "dtype must be complex"),
    ],
)
def test_bad_arguments_raise_naming_the_argument(kwargs, error, match):
    args = {"image": IMAGE, "kernel": K3, **kwargs}
    with pytest.raises(error, match=match):
        imfilter(**args)


@pytest.mark.parametrize(
    ("image", "error", "match"),
    [
        (np.array(["a", "b"]), TypeError, "image must be a numeric array"),
        (np.array([object(), 1]), TypeError, "image must be a numeric array"),
        (np.array(["2020-01-01"], dtype="datetime64[D]"), TypeError, "got dtype datetime64"),
        (np.float64(1.0), ValueError, "image must have at least one axis"),
        ("not an image", TypeError, "image must be a numeric array"),
    ],
)
def test_bad_images(image, error, match):
    with pytest.raises(error, match=match):
        imfilter(image, np.ones(3))


def test_read_only_out_is_refused():
    out = np.zeros((6, 7))
    out.flags.writeable = False
    with pytest.raises(ValueError, match="out must be writeable"):
        imfilter(IMAGE, K3, out=out)


def test_complex_result_into_real_out_is_refused():
    with pytest.raises(TypeError, match="out has dtype float64, but the result is complex"):
        imfilter(IMAGE + 0j, K3, out=np.zeros((6, 7)))


def test_integer_output_of_nan_is_refused():
    image = np.full((4, 4), np.nan)
    with pytest.raises(ValueError, match="holds NaN"):
        imfilter(image, K3, "na", dtype=np.uint8)


def test_kernel_start_must_match_its_axes():
    with pytest.raises(ValueError, match="start must have one entry per kernel axis"):
        Kernel(np.ones((3, 3)), start=(0,))
    with pytest.raises(TypeError, match="start must hold integers"):
        Kernel(np.ones(3), start=(0.5,))


def test_map_border_cannot_extend_an_empty_axis():
    with pytest.raises(ValueError, match="cannot extend an axis of length 0"):
        imfilter(np.zeros((0, 4)), K3, "reflect", shape="full")
