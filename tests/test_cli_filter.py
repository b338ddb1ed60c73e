"""``imagekit filter`` and ``imagekit bench``, run as a user would: a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import imagekit as ik
from imagekit._cli_options import OptionError, parse_kernel
from imagekit.io import imread, imsave

ROOT = Path(__file__).resolve().parent.parent


def run(*args, cwd=ROOT, path=()):
    """``imagekit ARGS`` in ``cwd``, with this checkout's imagekit (after ``path``)."""
    paths = [*map(str, path), str(ROOT), os.environ.get("PYTHONPATH")]
    return subprocess.run(
        [sys.executable, "-m", "imagekit", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, paths))},
        timeout=300,
    )


@pytest.fixture
def images(tmp_path):
    rng = np.random.default_rng(0)
    rgb = rng.integers(0, 256, (40, 30, 3), dtype=np.uint8)
    grey16 = rng.integers(0, 65536, (25, 35), dtype=np.uint16)
    stack = rng.integers(0, 256, (3, 20, 22), dtype=np.uint8)
    paths = [tmp_path / "rgb.png", tmp_path / "grey16.png", tmp_path / "stack.tif"]
    for p, a in zip(paths, [rgb, grey16, stack]):
        imsave(p, a)
    return paths, [rgb, grey16, stack]


def test_filter_writes_every_file_equal_to_imfilter(tmp_path, images):
    paths, arrays = images
    out = tmp_path / "out"
    r = run("filter", *paths, "-o", out, "--kernel", "gaussian:sigma=1.5", "--border", "wrap")
    assert r.returncode == 0, r.stderr
    assert "3 of 3 files written" in r.stdout
    k = ik.kernels.gaussian(1.5)
    for p, a in zip(paths, arrays):
        got = imread(out / p.name)
        kw = dict(channel_axis=-1) if a.ndim == 3 and a.shape[-1] == 3 else {}
        if p.suffix == ".tif":  # a stack: page by page
            kw = dict(axes=(1, 2))
        expected = ik.imfilter(a, k, "wrap", dtype=a.dtype, **kw)
        np.testing.assert_array_equal(got, expected)


def test_filter_through_dask_blocks_equals_in_memory(tmp_path, images):
    paths, arrays = images
    out = tmp_path / "out"
    r = run("filter", paths[0], "-o", out, "-k", "box:size=5", "--chunks", "7", "--progress")
    assert r.returncode == 0, r.stderr
    assert "100%" in r.stderr  # dask's progress bar, asked for
    expected = ik.imfilter(arrays[0], ik.kernels.box(5), channel_axis=-1, dtype=np.uint8)
    np.testing.assert_array_equal(imread(out / paths[0].name), expected)


def test_no_progress_bar_off_a_terminal_unless_asked(tmp_path, images):
    paths, _ = images
    r = run("filter", *paths, "-o", tmp_path / "o", "-k", "gaussian:sigma=1")
    assert r.returncode == 0 and "file/s" not in r.stderr and "%|" not in r.stderr
    r = run("filter", *paths, "-o", tmp_path / "o", "-k", "gaussian:sigma=1", "--progress")
    assert r.returncode == 0 and "imagekit filter" in r.stderr and "3/3" in r.stderr


def test_window_filter_writes_every_file_equal_to_mapwindow(tmp_path, images):
    paths, arrays = images
    out = tmp_path / "out"
    r = run("filter", *paths, "-o", out, "-k", "median:size=5", "--border", "mirror")
    assert r.returncode == 0, r.stderr
    assert "3 of 3 files written" in r.stdout
    for p, a in zip(paths, arrays):
        kw = dict(channel_axis=-1) if a.ndim == 3 and a.shape[-1] == 3 else {}
        if p.suffix == ".tif":  # a stack: page by page
            kw = dict(axes=(1, 2))
        expected = ik.window.median(a, 5, "mirror", **kw)
        np.testing.assert_array_equal(imread(out / p.name), expected)


def test_float_output_to_tiff(tmp_path, images):
    paths, arrays = images
    r = run(
        "filter", paths[1], "-o", tmp_path, "-k", "sobel:axis=1", "--dtype", "float32",
        "--suffix", ".tif",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    got = imread(tmp_path / "grey16.tif")
    assert got.dtype == np.float32 and got.min() < 0  # a derivative keeps its sign
    np.testing.assert_allclose(
        got, ik.imfilter(arrays[1], ik.kernels.sobel(axis=1), dtype=np.float32)
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-k", "bogus:sigma=2"], "is not one of"),
        (["-k", "gaussian:sigma"], "expected key=value"),
        (["-k", "gaussian:width=2"], "parameters of gaussian"),
        (["-k", "gaussian:sigma=2", "--border", "bouncy"], "border"),
        (["-k", "gaussian:sigma=2", "--chunks", "0"], "--chunks"),
        (["-k", "gaussian:sigma=2", "--dtype", "float99"], "float99"),
    ],
)
def test_bad_options_are_user_errors(tmp_path, images, args, message):
    paths, _ = images
    r = run("filter", paths[0], "-o", tmp_path / "o", *args)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "imagekit: error:" in r.stderr and message in r.stderr
    assert "Traceback" not in r.stderr


def test_a_bad_file_is_reported_and_the_rest_done(tmp_path, images):
    paths, _ = images
    missing = tmp_path / "missing.png"
    not_an_image = tmp_path / "notes.png"
    not_an_image.write_text("hello")
    r = run("filter", missing, paths[0], not_an_image, "-o", tmp_path / "o", "-k", "box:size=3")
    assert r.returncode == 1
    assert "1 of 3 files written" in r.stdout
    assert "missing.png" in r.stderr and "notes.png" in r.stderr
    assert "Traceback" not in r.stderr
    assert (tmp_path / "o" / paths[0].name).exists()


def test_kernel_from_a_npy_file(tmp_path, images):
    paths, arrays = images
    w = np.arange(9.0).reshape(3, 3) / 36
    np.save(tmp_path / "w.npy", w)
    r = run("filter", paths[1], "-o", tmp_path / "o", "-k", tmp_path / "w.npy", "-b", "nearest")
    assert r.returncode == 0, r.stderr
    expected = ik.imfilter(arrays[1], w, "nearest", dtype=np.uint16)
    np.testing.assert_array_equal(imread(tmp_path / "o" / paths[1].name), expected)


def test_parse_kernel_values():
    assert parse_kernel("box:size=3x5").shape == (3, 5)
    assert parse_kernel("gaussian:sigma=2,truncate=2").shape == (9, 9)
    with pytest.raises(OptionError, match="median, min, max, percentile, rank"):
        parse_kernel("medium:size=3")
    with pytest.raises(OptionError):
        parse_kernel("nothing.npy")


def test_bench_runs_the_suite_from_a_checkout():
    r = run("bench", "--smoke", "--only", "W1")
    assert r.returncode == 0, r.stderr
    assert "\nW1 " in r.stdout
    assert "time to first result" not in r.stdout  # only where --only names 'first'


def test_bench_runs_the_packaged_suite_in_any_folder(tmp_path):
    r = run("bench", "--smoke", "--only", "W8f", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "\nW8f " in r.stdout and "Traceback" not in r.stderr
    r = run("bench", "--help", cwd=tmp_path)
    assert r.returncode == 0 and r.stdout.startswith("usage: imagekit bench")


def test_bench_skips_peers_that_are_not_installed_and_says_how_to_get_them(tmp_path):
    blocked = tmp_path / "blocked"  # modules that fail to import, as if not installed
    blocked.mkdir()
    for name in ("cv2", "torch"):
        (blocked / name).mkdir()
        (blocked / name / "__init__.py").write_text("raise ImportError('not installed')\n")
    r = run("bench", "--smoke", "--only", "W1", cwd=tmp_path, path=[blocked])
    assert r.returncode == 0, r.stderr
    assert "opencv is not installed" in r.stdout and "torch is not installed" in r.stdout
    assert 'pip install "imagekit[bench]"' in r.stdout
    assert "\nW1 " in r.stdout and "opencv " not in r.stdout.split("\nW1 ")[1].splitlines()[0]
