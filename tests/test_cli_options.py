"""``imagekit filter``'s options, run in-process through ``imagekit.cli.main``: every
border spelling, checks before any file is read, help texts in plain words."""

from __future__ import annotations

import argparse
import re

import numpy as np
import pytest

import imagekit as ik
from imagekit._cli_options import OptionError, parse_border, parse_window
from imagekit.borders import BORDER_NAMES, NA, Fill, normalize_border
from imagekit.cli import _parser, main
from imagekit.io import imread, imsave
from imagekit.window import Percentile, Rank


@pytest.fixture
def grey(tmp_path):
    a = np.random.default_rng(1).integers(0, 256, (24, 31), dtype=np.uint8)
    imsave(tmp_path / "grey.png", a)
    return tmp_path / "grey.png", a


def filter_(capsys, *args):
    """``imagekit filter ARGS``: (status, stdout, stderr)."""
    status = main(["filter", *map(str, args)])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize(
    ("spelling", "border"),
    [
        (["--border", "0"], Fill(0)),
        (["--border", "-1.5"], Fill(-1.5)),
        (["--border=-1.5"], Fill(-1.5)),
        (["-b", "-1e3"], Fill(-1000.0)),
        (["-b", "300"], Fill(300)),
        (["--border", "NA"], NA()),
        (["--border", "Replicate"], "nearest"),
    ],
)
def test_border_numbers_and_names_filter_as_imfilter_does(tmp_path, capsys, grey, spelling, border):
    path, a = grey
    status, _, err = filter_(capsys, path, "-o", tmp_path / "o", "-k", "box:size=3", *spelling)
    assert status == 0, err
    expected = ik.imfilter(a, ik.kernels.box(3), border, dtype=np.uint8)
    np.testing.assert_array_equal(imread(tmp_path / "o" / "grey.png"), expected)


def test_every_border_name_imfilter_accepts_is_accepted():
    for name in BORDER_NAMES:
        assert parse_border(name) == normalize_border(name)
        assert parse_border(name.upper()) == normalize_border(name)
    assert parse_border("-2") == Fill(-2) and parse_border("inf") == Fill(float("inf"))


def test_a_bad_border_lists_exactly_what_is_accepted(tmp_path, capsys, grey):
    status, _, err = filter_(capsys, grey[0], "-o", tmp_path / "o", "-k", "box:size=3", "-b", "x")
    assert status == 2
    listed = re.search(r"give one of (.*), or a number v", err).group(1).split(", ")
    assert listed == list(BORDER_NAMES)
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-k", "box:size=3", "-a", "magic"], "--algorithm 'magic' is not one of: auto,"),
        (["-k", "box:size=3", "-a", "iir"], "--algorithm iir needs a Gaussian kernel"),
        (["-k", "gaussian:sigma=2", "-a", "iir"], "supports: nearest (replicate, edge)"),
        (["-k", "gaussian:sigma=2", "-a", "iir", "-b", "wrap"], "--border wrap is not avai"),
        (["-k", "disk:radius=2", "-a", "separable"], "needs a separable kernel"),
        (["-k", "box:size=3", "--dtype", "int32"], "--dtype 'int32' is not one of: uint8,"),
        (["-k", "box:size=3", "--dtype", "float32"], "add --suffix .tif"),
        (["-k", "box:size=3", "--dtype", "uint16", "--suffix", ".jpg"], "grey PNG or TIFF"),
        (["-k", "box:size=3", "--suffix", "tif"], "must start with a dot"),
        (["-k", "box:size=3", "--suffix", ".xyz"], "is not an image format"),
        (["-k", "box:size=3", "--chunks", "100,0"], "--chunks '100,0'"),
        (["-k", "box:size=3", "--chunks", "1.5"], "positive number of pixels"),
        (["-k", "median:size=0"], "size must be a positive number of pixels"),
        (["-k", "median:size=5,q=3"], "unknown q (parameters of median: size)"),
        (["-k", "percentile:size=5"], "needs q= (parameters of percentile: size, q)"),
        (["-k", "percentile:q=101"], "q must lie in [0, 100], got 101"),
        (["-k", "rank:k=9,size=3"], "k=9 is outside the window of 9 pixels"),
        (["-k", "median:size=5", "-a", "fft"], "--algorithm 'fft' is not one of: auto, "),
        (["-k", "min:size=5", "-a", "box"], "--algorithm box with -k min:size=5: "),
        (["-k", "medain:size=5"], "is not one of: gaussian,"),
    ],
)
def test_every_option_is_checked_before_any_file_is_read(tmp_path, capsys, args, message):
    missing = tmp_path / "missing.png"  # reading it would be a per-file error, status 1
    status, out, err = filter_(capsys, missing, "-o", tmp_path / "o", *args)
    assert status == 2, err
    assert message in err and "missing.png: no such" not in err
    assert not (tmp_path / "o").exists() and out == ""
    assert "Pad(" not in err and "Fill(" not in err and "Traceback" not in err


def test_iir_with_the_borders_it_supports_runs(tmp_path, capsys, grey):
    path, _a = grey
    for border in ("nearest", "-1", "na"):
        status, _, err = filter_(
            capsys, path, "-o", tmp_path / "o", "-k", "gaussian:sigma=2", "-a", "iir", "-b", border
        )
        assert status == 0, err


def test_the_library_message_for_iir_borders_is_in_words():
    with pytest.raises(ValueError) as e:
        ik.imfilter(np.zeros((9, 9)), ik.kernels.gaussian(2.0), "symmetric", algorithm="iir")
    assert "border='reflect'" in str(e.value) and "Pad(" not in str(e.value)
    assert "'nearest', 'replicate', 'edge'" in str(e.value) and "NA()" in str(e.value)


def test_chunks_per_axis_equal_the_in_memory_result(tmp_path, capsys, grey):
    path, a = grey
    for chunks in ("10,7", "9"):
        status, _, err = filter_(
            capsys, path, "-o", tmp_path / chunks, "-k", "sobel:axis=0", "--chunks", chunks
        )
        assert status == 0, err
        expected = ik.imfilter(a, ik.kernels.sobel(axis=0), dtype=np.uint8)
        np.testing.assert_array_equal(imread(tmp_path / chunks / "grey.png"), expected)
    status, _, err = filter_(
        capsys, path, "-o", tmp_path / "o", "-k", "box:size=3", "--chunks", "5,5,5"
    )
    assert status == 1 and "--chunks gives 3 sizes" in err


def _parsers():
    """Every parser of the command: the main one and each subcommand's."""
    parser = _parser()
    subs = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return [parser, *subs.choices.values()]


def test_help_texts_are_plain_words_and_every_option_has_one():
    for parser in _parsers():
        text = parser.format_help()
        assert "``" not in text and not re.search(r":(func|mod|class|meth):", text), text
        for action in parser._actions:
            if action.option_strings:
                assert action.help, f"{parser.prog} {action.option_strings} has no help"


def test_help_of_filter_names_what_each_option_takes(capsys):
    with pytest.raises(SystemExit):
        main(["filter", "--help"])
    text = capsys.readouterr().out
    words = ("--progress", "--no-progress", "--overwrite", "--rescale", "100,200", "float32")
    words += ("median:size=5", "percentile:q=25,size=5", "histogram")
    for word in words:
        assert word in text


WINDOWS = [
    ("median:size=5", np.median, 5),
    ("min:size=3x5", np.min, (3, 5)),
    ("max:size=4", np.max, 4),
    ("percentile:q=25,size=5", Percentile(25), 5),
    ("rank:k=-2", Rank(-2), 3),
]


@pytest.mark.parametrize(("spec", "func", "size"), WINDOWS, ids=[w[0] for w in WINDOWS])
@pytest.mark.parametrize("border", ["reflect", "wrap", "na", "7"])
def test_window_filters_equal_mapwindow(tmp_path, capsys, grey, spec, func, size, border):
    path, a = grey
    status, _, err = filter_(capsys, path, "-o", tmp_path / "o", "-k", spec, "-b", border)
    assert status == 0, err
    expected = ik.mapwindow(func, a, size, parse_border(border))
    assert expected.dtype == np.uint8
    np.testing.assert_array_equal(imread(tmp_path / "o" / "grey.png"), expected)


def test_window_filter_over_colour_and_stacks_filters_each_channel_and_page(tmp_path, capsys):
    rng = np.random.default_rng(2)
    rgb = rng.integers(0, 256, (20, 17, 3), dtype=np.uint8)
    stack = rng.integers(0, 256, (3, 12, 14), dtype=np.uint8)
    imsave(tmp_path / "rgb.png", rgb)
    imsave(tmp_path / "stack.tif", stack)
    ins = [tmp_path / "rgb.png", tmp_path / "stack.tif"]
    status, _, err = filter_(capsys, *ins, "-o", tmp_path / "o", "-k", "median:size=3")
    assert status == 0, err
    by_channel = np.stack([ik.window.median(rgb[..., c], 3) for c in range(3)], axis=-1)
    np.testing.assert_array_equal(imread(tmp_path / "o" / "rgb.png"), by_channel)
    by_page = np.stack([ik.window.median(page, 3) for page in stack])
    np.testing.assert_array_equal(imread(tmp_path / "o" / "stack.tif"), by_page)
    status, _, err = filter_(capsys, ins[1], "-o", tmp_path / "v", "-k", "max:size=3x3x3")
    assert status == 0, err
    np.testing.assert_array_equal(imread(tmp_path / "v" / "stack.tif"), ik.window.maximum(stack, 3))


def test_window_filter_with_a_border_value_outside_the_dtype_clips_and_warns(
    tmp_path, capsys, grey
):
    path, a = grey
    status, _, err = filter_(capsys, path, "-o", tmp_path / "o", "-k", "max:size=3", "-b", "300")
    assert status == 0, err
    assert "values fell outside uint8's range 0..255" in err
    exact = ik.window.maximum(a.astype(np.float64), 3, 300)
    np.testing.assert_array_equal(imread(tmp_path / "o" / "grey.png"), np.minimum(exact, 255))
    status, _, err = filter_(capsys, path, "-o", tmp_path / "n", "-k", "min:size=3", "-b", "-1")
    assert status == 0 and "fell outside" in err
    np.testing.assert_array_equal(imread(tmp_path / "n" / "grey.png")[[0, -1]], 0)
    status, _, err = filter_(capsys, path, "-o", tmp_path / "m", "-k", "median:size=3", "-b", "na")
    assert status == 0 and "fell outside" not in err


def test_window_filter_in_dask_blocks_and_named_algorithms_equal_in_memory(tmp_path, capsys, grey):
    path, a = grey
    expected = ik.window.percentile(a, 25, 5, "nearest")
    for args in (["--chunks", "10,7"], ["-a", "select"], ["-a", "histogram"]):
        out = tmp_path / args[-1].replace(",", "_")
        status, _, err = filter_(
            capsys, path, "-o", out, "-k", "percentile:q=25,size=5", "-b", "nearest", *args
        )
        assert status == 0, err
        np.testing.assert_array_equal(imread(out / "grey.png"), expected)


def test_parse_window_sizes_and_functions():
    assert parse_window("median").size == (3, 3) and parse_window("median").func is np.median
    assert parse_window("min:size=3x5").size == (3, 5)
    assert parse_window("max:size=3x3x3").ndim == 3
    assert parse_window("percentile:q=25,size=5").func == Percentile(25)
    assert parse_window("rank:k=-1").func == Rank(-1)
    assert parse_window("box:size=3") is None
    with pytest.raises(OptionError, match="size must be"):
        parse_window("median:size=2.5")
