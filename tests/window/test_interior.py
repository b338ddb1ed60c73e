"""A 2-D window loop run on the image in place with only its frame extended
(``window._interior``) equals the loop over the whole extended image, for every
border, window (odd, even, scattered, off-centre) and image size it applies to."""

from __future__ import annotations

import numpy as np
import pytest

from imagekit.borders import NA, Fill, normalize_border
from imagekit.kernels import Kernel
from imagekit.window._geometry import extended, flat_offsets, normalize_window
from imagekit.window._interior import in_place_possible, run_in_place
from imagekit.window._loops import box3x3, box5x5
from imagekit.window._loops.select import (
    MEDIAN,
    median9_rows,
    network_rows,
    ranks,
    select_rows,
)
from imagekit.window._networks import network
from tests.window._windows import random_image

BORDERS = ["reflect", "mirror", "nearest", "wrap", Fill(7), NA()]


def whole(loop, image, border, window, *args):
    """``loop`` over the image extended by ``border`` as a whole."""
    ext = extended(image, border, image.shape, (0, 0), window)
    offsets, bases = flat_offsets(ext.shape, window.footprint, image.shape)
    out = np.empty_like(image)
    loop(0, image.shape[0], ext.ravel(), bases, offsets, out, *args)
    return out


def loops(window):
    """Loops that apply to ``window``, with their arguments."""
    n = window.size
    lo, hi = ranks(MEDIAN, n)
    found = [
        (select_rows, (MEDIAN, 0, 0.0, True)),
        (network_rows, (network(n, lo, hi), lo, hi, 8)),
    ]
    if n == 9:
        found.append((median9_rows, ()))
    if window.shape == (3, 3):
        found.append((box3x3.median_3x3_rows, ()))
    if window.shape == (5, 5):
        found.append((box5x5.median_5x5_rows, ()))
    return found


WINDOWS = [
    3,
    5,
    (2, 4),
    (1, 3),
    np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0], [0, 0, 1]], bool),
    Kernel(np.ones((3, 3)), (-2, 0)),  # off-centre: the pixel at the window's corner
]


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
@pytest.mark.parametrize("border", BORDERS, ids=str)
@pytest.mark.parametrize("window", WINDOWS, ids=lambda w: str(np.shape(w)))
def test_in_place_equals_whole_extension(window, border, dtype):
    border = normalize_border(border)
    if isinstance(border, NA) and dtype is np.uint8:
        pytest.skip("NA extends with NaN: floats only")
    win = normalize_window(window, (0, 1), 2)
    rng = np.random.default_rng(1)
    for shape in [(6, 6), (9, 13), (40, 3), (5, 70)]:
        image = random_image(rng, shape, dtype, nan=0.05)
        if not in_place_possible(image, win):
            continue
        for loop, args in loops(win):
            want = whole(loop, image, border, win, *args)
            got = run_in_place(loop, image, border, win, np.full_like(image, 99), *args)
            np.testing.assert_array_equal(got, want, err_msg=f"{loop.__name__} {shape}")


def test_in_place_applies_to_2d_contiguous_images_with_an_interior():
    win = normalize_window(3, (0, 1), 2)
    assert in_place_possible(np.zeros((5, 4)), win)
    assert not in_place_possible(np.zeros((4, 4)), win)  # one interior row: none in place
    assert not in_place_possible(np.zeros((9, 2)), win)  # no interior column
    assert not in_place_possible(np.zeros((9, 8))[:, ::2], win)
    assert not in_place_possible(np.zeros((5, 5, 5)), normalize_window(3, (0, 1, 2), 3))
    far = normalize_window(Kernel(np.ones((3, 3)), (1, 0)), (0, 1), 2)  # misses its pixel
    assert not in_place_possible(np.zeros((9, 9)), far)
