"""The box-median loops (``window._loops.box*``) against numpy's median, exactly,
for floats (NaN by numpy's rule, infinities as values) and integers, windows
wider than a pass; their networks by the 0-1 principle; the generated modules
against their generator."""

from __future__ import annotations

import itertools
import pathlib
import shutil
import subprocess

import numpy as np
import pytest

from imagekit.window import _box_networks as _networks
from imagekit.window._loops import box3x3, box3x3x3, box5x5, box7x7
from imagekit.window._networks import network
from tests.window._windows import geometry, median_ref, padded, random_image, windows

LOOPS = {
    "box3x3": box3x3.median_3x3_rows,
    "box5x5": box5x5.median_5x5_rows,
    "box7x7": box7x7.median_7x7_rows,
    "box3x3x3": box3x3x3.median_3x3x3_rows,
}
SHAPES = {  # images of the box's rank: small, and rows longer than a pass
    2: [(9, 11), (8, 700), (7, 1)],
    3: [(4, 5, 6), (3, 4, 400)],
}
DTYPES = (np.float32, np.float64, np.uint8, np.int16)


def run(loop, image, footprint):
    ext = padded(image, footprint.shape)
    offsets, bases = geometry(ext, footprint, image.shape)
    out = np.empty_like(image)
    loop(0, bases.shape[0], ext.ravel(), bases, offsets, out.reshape(bases.shape[0], -1))
    return out, windows(ext, footprint)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(LOOPS))
def test_box_median_equals_numpy(name, dtype):
    if name in ("box7x7", "box3x3x3") and dtype is np.int16:
        pytest.skip("one integer type for the large boxes: the code is the same")
    shape = _networks.BOXES[name][2]
    footprint = np.ones(shape, bool)
    rng = np.random.default_rng(len(name))
    for image_shape in SHAPES[len(shape)]:
        image = random_image(rng, image_shape, dtype, nan=0.01)
        got, values = run(LOOPS[name], image, footprint)
        np.testing.assert_array_equal(got, median_ref(values, dtype))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_box_median_infinities_are_values(dtype):
    image = np.zeros((9, 12), dtype)
    image[3:6, 3:6] = np.inf
    image[4, 8], image[2, 2] = -np.inf, np.inf
    for name in ("box3x3", "box5x5"):
        got, values = run(LOOPS[name], image, np.ones(_networks.BOXES[name][2], bool))
        np.testing.assert_array_equal(got, median_ref(values, dtype))
        assert not np.isnan(got).any()


@pytest.mark.parametrize(
    ("h", "w"),
    [(3, 3), (2, 3), (4, 4), (5, 5), (9, 3), (3, 5), pytest.param(7, 7, marks=pytest.mark.slow)],
)
def test_box_network_selects_every_rank_of_column_sorted_zero_one_inputs(h, w):
    # the 0-1 principle: after the column sort, every 0-1 input is a box of
    # sorted 0-1 columns (column j: k_j zeros on top); a network that selects
    # correctly on each of those selects correctly on every input
    n = h * w
    zeros = np.array(list(itertools.product(range(h + 1), repeat=w)))
    boxes = (np.arange(h)[None, :, None] >= zeros[:, None, :]).reshape(len(zeros), n)
    count = (~boxes).sum(axis=1)
    ranks = range(n) if n <= 25 else [(n - 1) // 2]  # the box loops' median
    for lo in ranks:
        hi = min(lo + 1, n - 1)
        pairs, out_lo, out_hi = _networks.box_network(h, w, lo, hi)
        values = boxes.copy()
        for a, b in pairs:
            values[:, a], values[:, b] = values[:, a] & values[:, b], values[:, a] | values[:, b]
        np.testing.assert_array_equal(values[:, out_lo], count <= lo)
        np.testing.assert_array_equal(values[:, out_hi], count <= hi)


def test_box_network_is_smaller_than_a_whole_window_network():
    for h, w in [(5, 5), (7, 7), (9, 3)]:
        n = h * w
        pairs, _, _ = _networks.box_network(h, w, (n - 1) // 2, n // 2)
        assert len(pairs) < len(network(n, (n - 1) // 2, n // 2))


@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff formats the generated modules")
@pytest.mark.parametrize("name", list(LOOPS))
def test_generated_modules_are_up_to_date(name):
    path = pathlib.Path(_networks.__file__).parent / "_loops" / f"{name}.py"
    formatted = subprocess.run(
        ["ruff", "format", "--stdin-filename", str(path), "-"],
        input=_networks.box_source(name),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert formatted == path.read_text()
