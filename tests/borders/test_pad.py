"""padarray and extend against numpy.pad, for every mode, N-D, and large pads."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from imagekit import padarray
from imagekit.borders import NA, Fill, Pad
from imagekit.borders._pad import extend, pad_indices
from tests._oracles import NUMPY_PAD_MODE

MODES = list(NUMPY_PAD_MODE)


@given(
    st.lists(st.integers(1, 5), min_size=1, max_size=4),
    st.data(),
    st.sampled_from(MODES),
)
def test_padarray_equals_numpy_pad(shape, data, mode):
    pads = [tuple(data.draw(st.integers(0, 12)) for _ in range(2)) for _ in shape]
    image = np.arange(np.prod(shape)).reshape(shape)
    np.testing.assert_array_equal(
        padarray(image, mode, pads), np.pad(image, pads, mode=NUMPY_PAD_MODE[mode])
    )


@given(st.lists(st.integers(1, 5), min_size=1, max_size=3), st.data())
def test_extend_any_window_equals_a_slice_of_a_big_numpy_pad(shape, data):
    mode = data.draw(st.sampled_from([*MODES, "constant"]))
    lo = [data.draw(st.integers(-9, n + 3)) for n in shape]
    hi = [l_ + data.draw(st.integers(0, 12)) for l_ in lo]
    image = np.arange(np.prod(shape), dtype=float).reshape(shape)
    big = 30
    if mode == "constant":
        ref = np.pad(image, big, mode="constant", constant_values=-1.0)
        border = Fill(-1.0)
    else:
        ref = np.pad(image, big, mode=NUMPY_PAD_MODE[mode])
        border = Pad(mode)
    window = tuple(slice(big + l_, big + h) for l_, h in zip(lo, hi))
    np.testing.assert_array_equal(extend(image, border, lo, hi), ref[window])


def test_pad_indices_examples():
    assert pad_indices(3, -2, 5, Pad("nearest")).tolist() == [0, 0, 0, 1, 2, 2, 2]
    assert pad_indices(3, -4, 7, Pad("wrap")).tolist() == [2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0]
    assert pad_indices(3, -1, 4, Fill(0)).tolist() == [-1, 0, 1, 2, -1]
    assert pad_indices(1, -2, 3, Pad("mirror")).tolist() == [0] * 5


def test_fill_value_and_promotion():
    a = np.array([1, 2], np.uint8)
    np.testing.assert_array_equal(padarray(a, 7, 1), [7, 1, 2, 7])
    assert padarray(a, 7, 1).dtype == np.uint8
    big = padarray(a, 300, 1)
    assert big.dtype.kind == "i" and big[0] == 300  # never wrapped to 44
    assert padarray(a, 0.5, 1).dtype == np.float64
    nan = padarray(a, NA(), 1)
    assert nan.dtype == np.float64 and np.isnan(nan[0]) and nan[1] == 1


def test_padarray_is_contiguous_and_leaves_input_alone():
    a = np.arange(12.0).reshape(3, 4)[:, ::-1]
    before = a.copy()
    p = padarray(a, "reflect", [(1, 0), (2, 3)])
    assert p.flags.c_contiguous and p.shape == (4, 9)
    np.testing.assert_array_equal(a, before)


@pytest.mark.parametrize(
    ("pad", "error", "match"),
    [
        (-1, ValueError, "pad must be non-negative"),
        (1.5, TypeError, "pad must be an int or"),
        ([(1, 2), (1, 2), (1, 2)], ValueError, "one \\(before, after\\) pair per axis"),
        ([(1, 2.0), (0, 0)], TypeError, "pad must hold integers"),
    ],
)
def test_bad_pads(pad, error, match):
    with pytest.raises(error, match=match):
        padarray(np.zeros((3, 3)), "reflect", pad)


def test_bad_image():
    with pytest.raises(TypeError, match="image must be a numeric array"):
        padarray(np.array(["a"]), "reflect", 1)
