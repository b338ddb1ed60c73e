"""What ``imagekit filter`` writes: never over an input unless asked, never clipping
without a word, floats only where a format holds them (in-process, ``cli.main``)."""

from __future__ import annotations

import numpy as np
import pytest

import imagekit as ik
from imagekit._cli_output import rescale
from imagekit.cli import main
from imagekit.data import sample
from imagekit.io import imread, imsave


def filter_(capsys, *args):
    status = main(["filter", *map(str, args)])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def camera(tmp_path):
    """A grey uint8 image with edges, in its own folder ``ow``."""
    a = (sample() @ np.array([0.299, 0.587, 0.114])).astype(np.uint8)[:64, :80]
    (tmp_path / "ow").mkdir()
    imsave(tmp_path / "ow" / "camera.png", a)
    return tmp_path / "ow" / "camera.png", a


def test_an_output_that_would_replace_its_input_is_refused(tmp_path, capsys, camera):
    path, _a = camera
    before = path.read_bytes()
    status, _out, err = filter_(capsys, path, "-o", path.parent, "-k", "gaussian:sigma=2")
    assert status == 2 and "would replace the input" in err and "--overwrite" in err
    assert path.read_bytes() == before and sorted(p.name for p in path.parent.iterdir()) == [
        "camera.png"
    ]
    # the same file named another way (a relative path, a .. detour) is the same file
    status, _, err = filter_(
        capsys, path.parent / ".." / "ow" / "camera.png", "-o", path.parent, "-k", "box:size=3"
    )
    assert status == 2 and path.read_bytes() == before


def test_overwrite_replaces_the_input(tmp_path, capsys, camera):
    path, a = camera
    status, _, err = filter_(
        capsys, path, "-o", path.parent, "-k", "gaussian:sigma=2", "--overwrite"
    )
    assert status == 0, err
    expected = ik.imfilter(a, ik.kernels.gaussian(2.0), dtype=np.uint8)
    np.testing.assert_array_equal(imread(path), expected)


def test_two_inputs_that_share_an_output_are_refused(tmp_path, capsys, camera):
    path, a = camera
    (tmp_path / "b").mkdir()
    imsave(tmp_path / "b" / "camera.png", a)
    imsave(tmp_path / "b" / "camera.tif", a)
    for inputs, extra in [
        ([path, tmp_path / "b" / "camera.png"], []),
        ([tmp_path / "b" / "camera.png", tmp_path / "b" / "camera.tif"], ["--suffix", ".png"]),
    ]:
        status, _, err = filter_(
            capsys, *inputs, "-o", tmp_path / "o", "-k", "box:size=3", "--overwrite", *extra
        )
        assert status == 2 and "would both be written to" in err
        assert not (tmp_path / "o").exists()
    # one file named twice is filtered once
    status, out, _ = filter_(capsys, path, path, "-o", tmp_path / "o", "-k", "box:size=3")
    assert status == 0 and "1 of 1 files written" in out


def test_clipped_values_are_counted_on_stderr(tmp_path, capsys, camera):
    path, a = camera
    status, _, err = filter_(capsys, path, "-o", tmp_path / "o", "-k", "sobel:axis=1")
    assert status == 0, err
    exact = ik.imfilter(a, ik.kernels.sobel(axis=1))
    clipped = int(np.count_nonzero((np.rint(exact) < 0) | (np.rint(exact) > 255)))
    assert clipped > 100
    assert f"warning: {path}: {clipped} of {a.size} values fell outside uint8's range" in err
    assert "--dtype float32 --suffix .tif" in err and "--rescale" in err
    expected = ik.imfilter(a, ik.kernels.sobel(axis=1), dtype=np.uint8)  # still imfilter's
    np.testing.assert_array_equal(imread(tmp_path / "o" / "camera.png"), expected)


def test_no_warning_when_nothing_clips(tmp_path, capsys, camera):
    path, _ = camera
    for kernel in ("gaussian:sigma=2", "sobel:axis=1"):
        border = "na" if kernel.startswith("g") else "0"
        status, _, err = filter_(capsys, path, "-o", tmp_path / "o", "-k", kernel, "-b", border)
        assert status == 0 and ("warning" not in err) == kernel.startswith("g"), err
    status, _, err = filter_(capsys, path, "-o", tmp_path / "f", "-k", "sobel:axis=1",
                             "--dtype", "float32", "--suffix", ".tif")  # fmt: skip
    assert status == 0 and "warning" not in err
    assert imread(tmp_path / "f" / "camera.tif").min() < 0


def test_rescale_maps_the_result_range_onto_the_dtype(tmp_path, capsys, camera):
    path, a = camera
    status, _, err = filter_(capsys, path, "-o", tmp_path / "o", "-k", "sobel:axis=1", "--rescale")
    assert status == 0 and "warning" not in err, err
    exact = ik.imfilter(a, ik.kernels.sobel(axis=1))
    lo, hi = exact.min(), exact.max()
    expected = np.rint((exact - lo) * (255 / (hi - lo))).astype(np.uint8)
    got = imread(tmp_path / "o" / "camera.png")
    np.testing.assert_array_equal(got, expected)
    assert got.min() == 0 and got.max() == 255


def test_rescale_of_a_constant_result_and_to_floats():
    np.testing.assert_array_equal(rescale(np.full(3, 7.0), np.dtype(np.uint16)), [0, 0, 0])
    got = rescale(np.array([-2.0, 0.0, 2.0]), np.dtype(np.float32))
    assert got.dtype == np.float32 and got.tolist() == [0.0, 0.5, 1.0]
    got = rescale(np.array([0.0, 1.0]), np.dtype(np.uint16))
    assert got.tolist() == [0, 65535]


def test_float_output_to_png_is_refused_once_up_front(tmp_path, capsys, camera):
    path, a = camera
    other = tmp_path / "ow" / "other.png"
    imsave(other, a)
    status, _out, err = filter_(capsys, path, other, "-o", tmp_path / "o", "-k", "sobel:axis=1",
                               "--dtype", "float32")  # fmt: skip
    assert status == 2 and err.count("imagekit: error:") == 1
    assert "holds integers only" in err and "--suffix .tif" in err
    assert not (tmp_path / "o").exists()


def test_float_output_of_a_colour_image_is_refused_up_front(tmp_path, capsys):
    imsave(tmp_path / "rgb.png", sample()[:20, :20])
    status, _, err = filter_(capsys, tmp_path / "rgb.png", "-o", tmp_path / "o", "-k",
                             "box:size=3", "--dtype", "float32", "--suffix", ".tif")  # fmt: skip
    assert status == 2 and "is a colour image (RGB)" in err
    assert not (tmp_path / "o").exists()
