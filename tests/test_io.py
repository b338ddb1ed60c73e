"""imread / imsave round trips, conversions and errors."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from imagekit.data import sample
from imagekit.io import imread, imsave

RNG = np.random.default_rng(0)


@pytest.mark.parametrize(
    ("name", "array"),
    [
        ("grey.png", RNG.integers(0, 256, (7, 9), dtype=np.uint8)),
        ("grey16.png", RNG.integers(0, 65536, (7, 9), dtype=np.uint16)),
        ("grey16.tif", RNG.integers(0, 65536, (7, 9), dtype=np.uint16)),
        ("rgb.png", RNG.integers(0, 256, (7, 9, 3), dtype=np.uint8)),
        ("rgba.png", RNG.integers(0, 256, (7, 9, 4), dtype=np.uint8)),
        ("la.png", RNG.integers(0, 256, (7, 9, 2), dtype=np.uint8)),
        ("rgb.tif", RNG.integers(0, 256, (7, 9, 3), dtype=np.uint8)),
        ("mask.png", RNG.random((7, 9)) < 0.5),
    ],
)
def test_lossless_round_trip_keeps_dtype(tmp_path, name, array):
    path = tmp_path / name
    imsave(path, array)
    back = imread(path)
    assert back.dtype == array.dtype
    np.testing.assert_array_equal(back, array)


def test_float_images_in_unit_range_are_scaled_to_uint8(tmp_path):
    a = np.linspace(0, 1, 20).reshape(4, 5)
    imsave(tmp_path / "f.png", a)
    np.testing.assert_array_equal(imread(tmp_path / "f.png"), np.rint(a * 255).astype(np.uint8))


def test_jpeg_is_close(tmp_path):
    smooth = np.repeat(np.linspace(0, 255, 32)[None, :, None], 32, axis=0).repeat(3, 2)
    imsave(tmp_path / "s.jpg", smooth.astype(np.uint8))
    back = imread(tmp_path / "s.jpg")
    assert back.shape == (32, 32, 3) and np.abs(back.astype(int) - smooth).mean() < 3


def test_palette_images_become_rgb_or_rgba(tmp_path):
    rgb = RNG.integers(0, 256, (6, 6, 3), dtype=np.uint8)
    Image.fromarray(rgb).convert("P", palette=Image.Palette.ADAPTIVE).save(tmp_path / "p.png")
    back = imread(tmp_path / "p.png")
    assert back.dtype == np.uint8 and back.shape == (6, 6, 3)
    p = Image.fromarray(rgb).convert("P")
    p.info["transparency"] = 0
    p.save(tmp_path / "pt.png", transparency=0)
    assert imread(tmp_path / "pt.png").shape == (6, 6, 4)


def test_multipage_tiff_reads_as_a_stack(tmp_path):
    pages = [Image.fromarray(np.full((4, 5), i, np.uint8)) for i in range(3)]
    pages[0].save(tmp_path / "m.tif", save_all=True, append_images=pages[1:])
    stack = imread(tmp_path / "m.tif")
    assert stack.shape == (3, 4, 5)
    np.testing.assert_array_equal(stack[:, 0, 0], [0, 1, 2])


def test_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such image file"):
        imread(tmp_path / "missing.png")
    (tmp_path / "text.png").write_text("not an image")
    with pytest.raises(ValueError, match="not an image file"):
        imread(tmp_path / "text.png")
    with pytest.raises(ValueError, match=r"values in \[0, 1\]"):
        imsave(tmp_path / "x.png", np.full((2, 2), 2.0))
    with pytest.raises(TypeError, match="dtype int32 cannot be saved"):
        imsave(tmp_path / "x.png", np.zeros((2, 2), np.int32))
    with pytest.raises(ValueError, match="got shape"):
        imsave(tmp_path / "x.png", np.zeros((2, 2, 5), np.uint8))
    with pytest.raises(TypeError, match="uint16 images can be saved as grey"):
        imsave(tmp_path / "x.png", np.zeros((2, 2, 3), np.uint16))


def test_bundled_sample():
    img = sample()
    assert img.shape == (256, 256, 3) and img.dtype == np.uint8
    assert 50 < img.mean() < 200


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16])
def test_a_stack_round_trips_as_a_multipage_tiff(tmp_path, dtype):
    stack = np.random.default_rng(7).integers(0, np.iinfo(dtype).max, (4, 9, 11), dtype=dtype)
    imsave(tmp_path / "s.tif", stack)
    back = imread(tmp_path / "s.tif")
    assert back.dtype == dtype
    np.testing.assert_array_equal(back, stack)


def test_float_grey_tiff_keeps_its_values(tmp_path):
    a = np.random.default_rng(8).standard_normal((6, 5)).astype(np.float64) * 100
    imsave(tmp_path / "f.tiff", a)
    back = imread(tmp_path / "f.tiff")
    assert back.dtype == np.float32
    np.testing.assert_array_equal(back, a.astype(np.float32))
    with pytest.raises(ValueError, match="grey TIFF"):
        imsave(tmp_path / "f.png", a)
