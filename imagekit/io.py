"""Reading and writing images with Pillow, keeping their dtype.

==============================  ====================================
file mode (Pillow)               array
==============================  ====================================
``L`` (8-bit grey)               ``(H, W)`` uint8
``I;16`` (16-bit grey)           ``(H, W)`` uint16
``I`` (32-bit integer)           ``(H, W)`` int32
``F`` (32-bit float, TIFF)       ``(H, W)`` float32
``1`` (bilevel)                  ``(H, W)`` bool
``RGB`` / ``RGBA``               ``(H, W, 3|4)`` uint8
``LA``                           ``(H, W, 2)`` uint8
``P`` (palette)                  converted to ``RGB``, or ``RGBA`` when
                                 the palette has transparency
other modes (CMYK, YCbCr, ...)   converted to ``RGB``
==============================  ====================================

A multi-page TIFF reads as ``(pages, H, W[, C])`` when every page has the
same shape and mode.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

__all__ = ["imread", "imsave"]

_DIRECT = {"L", "I;16", "I;16B", "I;16L", "I", "F", "1", "RGB", "RGBA", "LA"}


def _to_array(img) -> np.ndarray:
    mode = img.mode
    if mode == "P":
        img = img.convert("RGBA" if "transparency" in img.info else "RGB")
    elif mode not in _DIRECT:
        img = img.convert("RGB")
    a = np.asarray(img)
    if img.mode.startswith("I;16"):
        a = a.astype(np.uint16)
    return np.array(a)  # writeable, owns its memory


def imread(path: str | os.PathLike) -> np.ndarray:
    """Read an image file into an array, keeping its bit depth.

    Parameters
    ----------
    path : str or os.PathLike
        A PNG, TIFF, JPEG, BMP or any other file Pillow opens.

    Returns
    -------
    ndarray
        See the table in the module docstring.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If Pillow cannot read it as an image.

    Examples
    --------
    >>> import numpy as np, tempfile, os
    >>> from imagekit.io import imread, imsave
    >>> path = os.path.join(tempfile.mkdtemp(), "ramp.png")
    >>> imsave(path, np.arange(12, dtype=np.uint16).reshape(3, 4) * 1000)
    >>> imread(path).dtype, imread(path)[2, 3]
    (dtype('uint16'), np.uint16(11000))
    """
    from PIL import Image, UnidentifiedImageError

    p = Path(os.fspath(path))
    if not p.exists():
        raise FileNotFoundError(f"no such image file: {str(p)!r}")
    try:
        with Image.open(p) as img:
            frames = getattr(img, "n_frames", 1)
            if frames == 1:
                return _to_array(img)
            pages = []
            for i in range(frames):
                img.seek(i)
                pages.append(_to_array(img))
    except UnidentifiedImageError:
        raise ValueError(f"{str(p)!r} is not an image file Pillow can read") from None
    shapes = {(q.shape, q.dtype) for q in pages}
    if len(shapes) != 1:
        raise ValueError(
            f"{str(p)!r} has {frames} pages of different shapes or types; "
            "read them one by one with Pillow"
        )
    return np.stack(pages)


def _is_tiff(path) -> bool:
    return Path(os.fspath(path)).suffix.lower() in (".tif", ".tiff")


def _page(a: np.ndarray, tiff: bool) -> np.ndarray:
    """One page, checked and converted to what Pillow writes."""
    if a.ndim not in (2, 3) or (a.ndim == 3 and a.shape[2] not in (2, 3, 4)):
        raise ValueError(f"image must be (H, W) or (H, W, 2|3|4) to be saved, got shape {a.shape}")
    if a.dtype.kind == "f" and tiff and a.ndim == 2:
        return a.astype(np.float32)  # TIFF keeps 32-bit float grey as it is
    if a.dtype.kind == "f":
        if a.size and (not np.isfinite(a).all() or a.min() < 0 or a.max() > 1):
            raise ValueError(
                "a floating image must hold values in [0, 1] to be saved (any values as grey "
                f"TIFF); got values from {np.nanmin(a):g} to {np.nanmax(a):g}"
            )
        return np.rint(a * 255).astype(np.uint8)
    if a.dtype in (np.uint16, np.bool_):
        if a.ndim != 2:
            raise TypeError(f"{a.dtype} images can be saved as grey (H, W) only")
        return a.astype("<u2") if a.dtype == np.uint16 else a  # little-endian 16-bit grey
    if a.dtype != np.uint8:
        raise TypeError(
            f"image dtype {a.dtype} cannot be saved; use uint8, uint16, bool, or floats in [0, 1]"
        )
    return a


def imsave(path: str | os.PathLike, image: np.ndarray) -> None:
    """Write an array as an image file; the format follows the file's extension.

    Parameters
    ----------
    path : str or os.PathLike
    image : ndarray
        ``(H, W)`` grey, ``(H, W, 3)`` RGB, ``(H, W, 4)`` RGBA or
        ``(H, W, 2)`` grey + alpha. dtype uint8; uint16 (grey only; PNG and
        TIFF keep 16 bits); bool (bilevel); float32/float64 with values in
        ``[0, 1]``, scaled to uint8 (rounded) — except grey TIFF, which keeps
        any float values as 32-bit float. Other dtypes, or floats outside
        ``[0, 1]``, raise — convert first (``dtype=`` of
        :func:`imagekit.imfilter` rounds and clips). To a ``.tif``/``.tiff``
        file, a stack ``(pages, H, W[, C])`` is written as a multi-page TIFF
        (what :func:`imread` reads back).

    Raises
    ------
    TypeError, ValueError
        For a dtype or shape that cannot be written, naming what was given.
    """
    from PIL import Image

    a = np.asarray(image)
    tiff = _is_tiff(path)
    colour = a.ndim >= 3 and a.shape[-1] in (2, 3, 4)
    if tiff and a.ndim == (4 if colour else 3):  # a stack of pages
        pages = [Image.fromarray(np.ascontiguousarray(_page(p, tiff))) for p in a]
        if not pages:
            raise ValueError("a stack must hold at least one page to be saved")
        pages[0].save(os.fspath(path), save_all=True, append_images=pages[1:])
        return
    Image.fromarray(np.ascontiguousarray(_page(a, tiff))).save(os.fspath(path))
