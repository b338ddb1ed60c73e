"""``imagekit filter``'s options, run in-process through ``imagekit.cli.main``: every
border spelling, checks before any file is read, help texts in plain words."""

from __future__ import annotations

import argparse
import re

import numpy as np
import pytest

import imagekit as ik
from imagekit.borders import BORDER_NAMES, NA, Fill, normalize_border
from imagekit.cli import _parser, main
from imagekit.io import imread, imsave


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
    from imagekit._cli_options import parse_border

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
    for words in ("--progress", "--no-progress", "--overwrite", "--rescale", "100,200", "float32"):
        assert words in text
