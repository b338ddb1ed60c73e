"""filterbank against the source discussion's double loop, torch conv2d, and bad input."""

from __future__ import annotations

import numpy as np
import pytest

import imagekit
from imagekit import NA, filterbank, imfilter
from imagekit.filtering import plan_filterbank
from imagekit.filtering._cpu import avx512
from imagekit.filtering._registry import strategies
from imagekit.filtering.strategies.bank_tiles import BankTiles
from imagekit.filtering.strategies.bank_winograd import BankWinograd
from tests._oracles import BORDERS, assert_close

# The register tiles and Winograd with every call split among the threads, however
# little its work
SPLIT = {"bank-tiles": BankTiles(serial_work=0), "bank-winograd": BankWinograd(serial_work=0)}


def filterbank_by(strategy, image, bank, border, **kw):
    """``filterbank(image, bank, border, **kw)`` run by ``strategy`` (an object made with
    the parameters a test needs): through a kept plan of the call, with the bank
    coming with the call as in ``filterbank`` (so a non-finite bank reaches it)."""
    p = plan_filterbank(image, np.ones_like(bank), border, algorithm=strategy.algorithm, **kw)
    prepared = strategy.prepare(p, p.layout.dtype, p.layout.dtype)
    out = strategy.run(prepared, p.layout.to_channels_last(np.asarray(image)), np.asarray(bank))
    return p.layout.from_channels_last(out)


def split_filterbank(image, bank, border, algorithm="auto", **kw):
    """``filterbank(image, bank, border, algorithm=algorithm, **kw)`` run by the strategy
    it chooses, made with ``serial_work=0`` where it has one (``SPLIT``)."""
    chosen = plan_filterbank(image, np.ones_like(bank), border, algorithm=algorithm, **kw).strategy
    strategy = SPLIT.get(chosen, strategies("filterbank")[chosen])
    return filterbank_by(strategy, image, bank, border, **kw)


def double_loop(image, bank, border, shape="same", channel_axis=-1):
    """The discussion's loop: one imfilter per (input channel, filter), summed."""
    a = np.moveaxis(image, channel_axis, -1)
    outs = []
    for o in range(bank.shape[-1]):
        total = 0
        for c in range(bank.shape[-2]):
            total = total + imfilter(a[..., c], bank[..., c, o], border, shape=shape)
        outs.append(total)
    return np.moveaxis(np.stack(outs, -1), -1, channel_axis)


@pytest.mark.parametrize("border", [*BORDERS, 1.5])
@pytest.mark.parametrize("shape", ["same", "valid", "full"])
@pytest.mark.parametrize("spatial", [(13,), (9, 11), (5, 6, 7)])
def test_filterbank_equals_the_double_loop(border, shape, spatial):
    rng = np.random.default_rng(0)
    image = rng.random((*spatial, 3))
    kshape = {1: (5,), 2: (3, 4), 3: (3, 2, 3)}[len(spatial)]
    bank = rng.standard_normal((*kshape, 3, 4))
    got = filterbank(image, bank, border, shape=shape)
    assert_close(got, double_loop(image, bank, border, shape))


@pytest.mark.parametrize("channel_axis", [0, 1, -1])
def test_any_channel_axis_and_a_batch_axis(channel_axis):
    rng = np.random.default_rng(1)
    image = np.moveaxis(rng.random((10, 12, 3)), -1, channel_axis)
    bank = rng.standard_normal((3, 3, 3, 2))
    got = filterbank(image, bank, "wrap", channel_axis=channel_axis)
    assert_close(got, double_loop(image, bank, "wrap", channel_axis=channel_axis))
    batch = np.stack([image, 2 * image])
    both = filterbank(batch, bank, "wrap", channel_axis=channel_axis % 3 + 1, batch_axis=0)
    assert_close(both[1], 2 * got)


def test_na_border_leaves_nan_out():
    rng = np.random.default_rng(2)
    image = rng.random((8, 9, 2))
    image[3, 4, 0] = np.nan
    bank = rng.random((3, 3, 2, 1)) + 0.1
    got = filterbank(image, bank, NA())
    assert np.isfinite(got).all()


def test_float32_and_equals_torch_conv2d_with_zero_border():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    image = rng.random((16, 16, 8)).astype(np.float32)
    bank = rng.standard_normal((3, 3, 8, 6)).astype(np.float32)
    got = filterbank(image, bank, 0)
    assert got.dtype == np.float32
    t_in = torch.from_numpy(np.ascontiguousarray(image.transpose(2, 0, 1)))[None]
    t_w = torch.from_numpy(np.ascontiguousarray(bank.transpose(3, 2, 0, 1)))
    with torch.no_grad():
        ref = torch.nn.functional.conv2d(t_in, t_w, padding=1)[0].numpy().transpose(1, 2, 0)
    assert_close(got, ref, rtol32=2e-5)


@pytest.mark.parametrize(
    ("image", "bank", "kw", "error", "match"),
    [
        (np.zeros((5, 5, 3)), np.zeros((3, 3, 2, 4)), {}, ValueError, "bank has C_in=2"),
        (np.zeros((5, 5, 3)), np.zeros((3, 3, 4)), {}, ValueError, "bank must have shape"),
        (np.zeros((5, 5, 3)), np.full((3, 3, 3, 1), np.nan), {}, ValueError, "finite"),
        (
            np.zeros((5, 5, 3)),
            np.zeros((3, 3, 3, 1)),
            {"channel_axis": 3},
            ValueError,
            "out of range",
        ),
        (
            np.zeros((2, 5, 5, 3)),
            np.zeros((3, 3, 3, 1)),
            {"batch_axis": -1},
            ValueError,
            "must be different",
        ),
        (
            np.zeros((5, 5, 3)),
            np.zeros((3, 3, 3, 1)),
            {"algorithm": "fast"},
            ValueError,
            "algorithm='fast'",
        ),
        (np.zeros((5, 5, 3), complex), np.zeros((3, 3, 3, 1)), {}, TypeError, "real images"),
        (
            np.zeros((5, 5, 3)),
            np.zeros((3, 3, 3, 1)),
            {"border": "bogus"},
            ValueError,
            "border='bogus'",
        ),
    ],
)
def test_bad_input(image, bank, kw, error, match):
    with pytest.raises(error, match=match):
        filterbank(image, bank, **kw)


@pytest.mark.parametrize("border", [*BORDERS, 1.5, "na"])
@pytest.mark.parametrize("shape", ["same", "valid", "full"])
@pytest.mark.parametrize("spatial", [(13,), (9, 11), (5, 6, 7)])
def test_fft_strategy_equals_gemm(border, shape, spatial):
    rng = np.random.default_rng(4)
    image = rng.random((*spatial, 3))
    kshape = {1: (5,), 2: (3, 4), 3: (3, 2, 3)}[len(spatial)]
    bank = rng.random((*kshape, 3, 2)) + 0.1
    fft = filterbank(image, bank, border, shape=shape, algorithm="fft")
    gemm = filterbank(image, bank, border, shape=shape, algorithm="gemm")
    assert_close(fft, gemm)


@pytest.mark.parametrize("spatial", [(40,), (37, 30), (12, 10, 9)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fft_strategy_results_are_fresh_and_scipy_fft_gives_the_same(monkeypatch, spatial, dtype):
    """The transforms write into this thread's kept buffers; each result is an array of
    its own, and scipy.fft's public functions (where pypocketfft is missing) agree."""
    import imagekit.filtering._transforms as fft_module

    rng = np.random.default_rng(5)
    image = rng.random((*spatial, 3)).astype(dtype)
    bank = rng.random((*(min(7, n) for n in spatial), 3, 4)).astype(dtype)
    first = filterbank(image, bank, "reflect", algorithm="fft")
    second = filterbank(image * 2, bank, "reflect", algorithm="fft")
    assert not np.shares_memory(first, second)
    np.testing.assert_allclose(second, 2 * first, rtol=1e-5 if dtype == np.float32 else 1e-12)
    monkeypatch.setattr(fft_module, "_pocketfft", lambda: None)
    public = filterbank(image, bank, "reflect", algorithm="fft")
    np.testing.assert_allclose(first, public, rtol=1e-5 if dtype == np.float32 else 1e-12)
    assert_close(first, filterbank(image, bank, "reflect", algorithm="gemm"))


@pytest.mark.parametrize("border", [*BORDERS, 1.5, "na"])
@pytest.mark.parametrize("shape", ["same", "valid", "full"])
@pytest.mark.parametrize("spatial", [(13,), (9, 11), (5, 6, 7)])
def test_direct_strategy_equals_the_double_loop(border, shape, spatial):
    # 70 filters: a full block of 64 outputs and a partial one; positions not a
    # multiple of the six a tile takes
    rng = np.random.default_rng(5)
    image = rng.random((*spatial, 3)).astype(np.float32)
    kshape = {1: (5,), 2: (3, 4), 3: (3, 2, 3)}[len(spatial)]
    bank = (rng.random((*kshape, 3, 70)) + 0.1).astype(np.float32)
    check_against_double_loop("direct", image, bank, border, shape)


def check_against_double_loop(algorithm, image, bank, border, shape):
    """``algorithm``'s result (in the image's dtype) equals the double loop in float64;
    for ``border="na"`` the GEMM's, with a NaN in the image's middle."""
    if border == "na":
        image = image.copy()
        image[tuple(n // 2 for n in image.shape[:-1])] = np.nan
        got = filterbank(image, bank, NA(), shape=shape, algorithm=algorithm)
        assert_close(got, filterbank(image, bank, NA(), shape=shape, algorithm="gemm"))
        return
    got = filterbank(image, bank, border, shape=shape, algorithm=algorithm)
    assert got.dtype == image.dtype
    wide = (image.astype(np.float64), bank.astype(np.float64))
    assert_close(got, double_loop(*wide, border, shape))


@pytest.mark.parametrize("algorithm", ["direct", "winograd"])
def test_tiles_with_batches_channel_axes_and_float64(algorithm):
    rng = np.random.default_rng(6)
    image = rng.random((2, 4, 11, 9))  # batch, channels, rows, columns
    bank = rng.standard_normal((3, 3, 4, 5))
    got = filterbank(image, bank, "reflect", channel_axis=1, batch_axis=0, algorithm=algorithm)
    assert got.shape == (2, 5, 11, 9) and got.dtype == np.float64
    for b in range(2):  # (Winograd's transforms: a few more additions, within 1e-12)
        assert_close(got[b], double_loop(image[b], bank, "reflect", channel_axis=0))
    for each in (algorithm, "gemm"):  # an empty output
        empty = np.zeros((2, 3, 4), np.float32)
        got = filterbank(empty, bank[:, :, :4], 0, shape="valid", algorithm=each)
        assert got.shape == (0, 1, 5)


def torch_layer(image, bank):
    """torch's conv2d of a channels-last image with a 3x3 bank, zero border, "same"."""
    torch = pytest.importorskip("torch")
    t_in = torch.from_numpy(np.ascontiguousarray(image.transpose(2, 0, 1)))[None]
    t_w = torch.from_numpy(np.ascontiguousarray(bank.transpose(3, 2, 0, 1)))
    with torch.no_grad():
        return torch.nn.functional.conv2d(t_in, t_w, padding=1)[0].numpy().transpose(1, 2, 0)


@pytest.mark.parametrize(
    "algorithm, seed, shape, c_in, c_out",
    [("direct", 7, (20, 23), 32, 128), ("winograd", 14, (32, 32), 128, 96)],
)
def test_tiles_equal_torch_on_a_cnn_layer(algorithm, seed, shape, c_in, c_out):
    rng = np.random.default_rng(seed)
    if algorithm == "direct":
        image = rng.random((*shape, c_in)).astype(np.float32)
    else:
        image = rng.standard_normal((*shape, c_in)).astype(np.float32)
    bank = rng.standard_normal((3, 3, c_in, c_out)).astype(np.float32)
    got = filterbank(image, bank, 0, algorithm=algorithm)
    assert_close(got, torch_layer(image, bank), rtol32=2e-5)


def test_auto_picks_fft_for_large_kernels_and_tiles_or_gemm_for_cnn_layers():
    from imagekit.filtering._filterbank import layout
    from imagekit.filtering._filterbank_plan import choose_filterbank_strategy

    big = layout(np.zeros((256, 256, 4), np.float32), np.zeros((31, 31, 4, 4), np.float32))
    cnn = layout(np.zeros((32, 32, 128), np.float32), np.zeros((3, 3, 128, 256), np.float32))
    cnn64 = layout(np.zeros((32, 32, 128)), np.zeros((3, 3, 128, 256)))
    few = layout(np.zeros((32, 32, 128), np.float32), np.zeros((3, 3, 128, 8), np.float32))
    assert choose_filterbank_strategy(big, 1) == "fft"
    # the register tiles where they fit: float32, AVX-512, enough outputs to fill them
    # (through Winograd's transforms for this 3x3 layer: test_filterbank_winograd)
    assert choose_filterbank_strategy(cnn, 1) == ("winograd" if avx512() else "gemm")
    assert choose_filterbank_strategy(cnn64, 1) == "gemm"
    assert choose_filterbank_strategy(few, 1) == "gemm"


@pytest.mark.parametrize("spatial", [(1, 1), (2, 2), (1, 7), (3,), (2, 1, 3)])
def test_direct_strategy_on_fewer_outputs_than_a_tile(spatial):
    # a tile of six positions past the last output re-reads it and stores nothing
    rng = np.random.default_rng(7)
    image = rng.random((*spatial, 2)).astype(np.float32)
    bank = rng.random((*(3,) * len(spatial), 2, 65)).astype(np.float32)
    got = filterbank(image, bank, "reflect", algorithm="direct")
    wide = (image.astype(np.float64), bank.astype(np.float64))
    assert_close(got, double_loop(*wide, "reflect", "same"))


@pytest.mark.parametrize("border", [*BORDERS, 1.5])
@pytest.mark.parametrize("shape", ["same", "valid", "full"])
@pytest.mark.parametrize("kshape", [(3, 3), (3, 4), (5, 2)])
def test_direct_strategy_reading_a_2d_image_in_place(border, shape, kshape):
    # wide enough for the in-place reads: windows inside the image read it, the
    # rows above and below and the columns near the rows' ends their own grids
    rng = np.random.default_rng(8)
    image = rng.random((2, 12, 41, 3)).astype(np.float32)  # a batch of two
    tiles = BankTiles(in_place_bytes=0)  # small as it is
    bank = (rng.random((*kshape, 3, 70)) - 0.5).astype(np.float32)
    p = plan_filterbank(image, bank, border, shape=shape, batch_axis=0, algorithm="direct")
    prepared = tiles.prepare(p, np.float32, np.float32)
    assert prepared.loop == "bank-tiles/in-place-2d"
    got = tiles.run(prepared, p.layout.to_channels_last(image))
    wide = (image.astype(np.float64), bank.astype(np.float64))
    for b in range(2):
        assert_close(got[b], double_loop(wide[0][b], wide[1], border, shape))


@pytest.mark.parametrize("threading", ["auto", "pool"])
@pytest.mark.parametrize("n_threads", [2, 3])
@pytest.mark.parametrize("border", [0, 1.5, "reflect"])
@pytest.mark.parametrize("spatial", [(40,), (9, 11), (5, 6, 7)])
def test_direct_strategy_split_among_threads(spatial, border, n_threads, threading):
    # each thread takes an equal share of (block of 64 outputs, tile) units with its
    # own packed weights: three threads on three blocks and a half, a batch of two,
    # either thread runner
    rng = np.random.default_rng(9)
    image = rng.random((2, *spatial, 3)).astype(np.float32)
    kshape = {1: (5,), 2: (3, 4), 3: (3, 2, 3)}[len(spatial)]
    bank = (rng.random((*kshape, 3, 230)) - 0.5).astype(np.float32)
    with imagekit.config(threads=n_threads, threading=threading):
        got = split_filterbank(image, bank, border, batch_axis=0, algorithm="direct")
    assert_close(got, filterbank(image, bank, border, batch_axis=0, algorithm="gemm"))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("where", [0, 69])  # in the full block of 64 outputs, in the partial one
def test_direct_strategy_refuses_a_non_finite_bank(bad, where):
    # the tiles' outputs reveal it (a non-finite weight makes every output it
    # touches non-finite), on one thread and on several
    rng = np.random.default_rng(10)
    image = rng.random((9, 11, 3)).astype(np.float32)
    bank = rng.random((3, 3, 3, 70)).astype(np.float32)
    bank[2, 1, 2, where] = bad
    for tiles in (BankTiles(serial_work=10**9), SPLIT["bank-tiles"]):
        with pytest.raises(ValueError, match="bank must be finite"):
            filterbank_by(tiles, image, bank, 0)
    image[4, 5, 1] = np.nan  # a NaN in the image alone is no error: it spreads
    bank[2, 1, 2, where] = 0.5
    got = filterbank(image, bank, 0, algorithm="direct")
    want = filterbank(image, bank, 0, algorithm="gemm")
    assert np.array_equal(np.isnan(got), np.isnan(want)) and np.isnan(got).any()
    assert_close(np.nan_to_num(got), np.nan_to_num(want))
