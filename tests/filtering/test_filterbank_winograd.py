"""filterbank's Winograd strategy, F(2x2, 3x3): against the double loop, torch, and the
direct loop where values are not finite."""

from __future__ import annotations

import numpy as np
import pytest

import imagekit
from imagekit import filterbank
from imagekit.filtering._cpu import avx512
from tests._oracles import BORDERS, assert_close
from tests.filtering.test_filterbank import check_against_double_loop, split_filterbank


@pytest.mark.parametrize("border", [*BORDERS, 1.5, "na"])
@pytest.mark.parametrize("shape", ["same", "valid", "full"])
@pytest.mark.parametrize("spatial", [(9, 11), (8, 6), (1, 1), (2, 5)])
def test_winograd_equals_the_double_loop(border, shape, spatial):
    # odd and even sizes (a last tile row or column half outside), 70 filters (a
    # full block of 64 outputs and a partial one), outputs not a multiple of the
    # six tiles a register tile takes
    rng = np.random.default_rng(11)
    image = rng.random((*spatial, 3)).astype(np.float32)
    bank = (rng.random((3, 3, 3, 70)) - 0.5).astype(np.float32)
    if border == "na":  # positive weights: the quotient is well conditioned
        bank += 0.6
    check_against_double_loop("winograd", image, bank, border, shape)


@pytest.mark.parametrize("threading", ["auto", "pool"])
@pytest.mark.parametrize("n_threads", [2, 3])
@pytest.mark.parametrize("border", [0, 1.5, "reflect"])
def test_winograd_split_among_threads(border, n_threads, threading):
    # each thread takes an equal share of (block of 64 outputs, six tiles) units
    # with its own transformed bank
    rng = np.random.default_rng(13)
    image = rng.random((2, 13, 10, 5)).astype(np.float32)
    bank = (rng.random((3, 3, 5, 230)) - 0.5).astype(np.float32)
    with imagekit.config(threads=n_threads, threading=threading):
        got = split_filterbank(image, bank, border, batch_axis=0, algorithm="winograd")
    assert_close(got, filterbank(image, bank, border, batch_axis=0, algorithm="gemm"))


def test_winograd_rounds_as_the_direct_loop_on_a_cnn_layer():
    # its rounding error against float64, as the direct loop's: a few float32 ulps of
    # the largest output (against torch: test_filterbank's CNN-layer test)
    rng = np.random.default_rng(14)
    image = rng.standard_normal((32, 32, 128)).astype(np.float32)
    bank = rng.standard_normal((3, 3, 128, 96)).astype(np.float32)
    got = filterbank(image, bank, 0, algorithm="winograd")
    exact = filterbank(image.astype(np.float64), bank.astype(np.float64), 0, algorithm="gemm")
    scale = np.abs(exact).max()
    err = np.abs(got - exact).max() / scale
    direct = np.abs(filterbank(image, bank, 0, algorithm="direct") - exact).max() / scale
    assert err < 1e-6 and err < 8 * direct


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_winograd_leaves_non_finite_values_to_the_direct_loop(bad):
    # a NaN or infinity would spread over the whole tile through the transforms: the
    # direct loop recomputes, and refuses a non-finite bank
    rng = np.random.default_rng(15)
    image = rng.random((10, 9, 3)).astype(np.float32)
    bank = rng.random((3, 3, 3, 70)).astype(np.float32)
    bank[1, 1, 0, 66] = bad
    with pytest.raises(ValueError, match="bank must be finite"):
        filterbank(image, bank, 0, algorithm="winograd")
    bank[1, 1, 0, 66] = 0.5
    image[4, 4, 1] = bad
    got = filterbank(image, bank, 0, algorithm="winograd")
    want = filterbank(image, bank, 0, algorithm="gemm")
    assert np.array_equal(np.isfinite(got), np.isfinite(want)) and not np.isfinite(got).all()
    # the direct loop's own NaNs and infinities, where the windows put them
    assert np.array_equal(got, filterbank(image, bank, 0, algorithm="direct"), equal_nan=True)


@pytest.mark.parametrize("kshape", [(5, 5), (3, 2), (3,), (3, 3, 3)])
def test_winograd_takes_3x3_kernels_on_2d_images_only(kshape):
    image = np.zeros((6,) * len(kshape) + (2,), np.float32)
    with pytest.raises(ValueError, match="winograd"):
        filterbank(image, np.ones((*kshape, 2, 3), np.float32), 0, algorithm="winograd")


def test_auto_picks_winograd_for_wide_3x3_layers():
    from imagekit.filtering._filterbank import layout
    from imagekit.filtering._filterbank_plan import choose_filterbank_strategy

    def pick(n, c_in, c_out, k=3):
        image, bank = np.zeros((n, n, c_in), np.float32), np.zeros((k, k, c_in, c_out), np.float32)
        return choose_filterbank_strategy(layout(image, bank, 0), 1)

    tiles = "winograd" if avx512() else "gemm"
    assert pick(32, 128, 256) == tiles  # W7a
    assert pick(224, 64, 64) == tiles  # W7b
    assert pick(64, 3, 64) == ("direct" if avx512() else "gemm")  # a short channel sum
    assert pick(8, 256, 256) == ("direct" if avx512() else "gemm")  # few tiles
    assert pick(32, 128, 256, k=5) == ("direct" if avx512() else "gemm")
