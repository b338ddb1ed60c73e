"""What ``imagekit filter`` writes: the output paths, and each result in the output dtype.

An output never replaces an input unless ``--overwrite`` is given, and two
inputs never share an output. An integer output is
``imfilter(..., dtype=...)``: rounded and clipped to the dtype's range; the
values that clipping changes are counted and reported. ``--rescale`` maps each
result's range onto the dtype's instead.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ._cli_options import OptionError
from ._dtypes import cast_into
from .borders import NA, Fill

__all__ = ["check_grey", "may_clip", "output_paths", "outside", "rescale"]


def output_paths(inputs, outdir: Path, suffix: str | None, overwrite: bool):
    """``(input, output)`` pairs, one per distinct input; OptionError for an output
    that would replace an input (unless ``overwrite``) or that two inputs share."""
    pairs, writer = [], {}
    sources = {Path(src).resolve(): src for src in inputs}
    for src in dict.fromkeys(sources.values()):
        dst = outdir / (src.stem + (suffix or src.suffix))
        key = dst.resolve()
        if key in writer:
            raise OptionError(
                f"{writer[key]} and {src} would both be written to {dst}: filter them into "
                "different -o folders (or give one of them another --suffix)"
            )
        writer[key] = src
        if key in sources and not overwrite:
            raise OptionError(
                f"{dst} would replace the input {sources[key]}: choose another -o folder or "
                "--suffix, or give --overwrite to replace it"
            )
        pairs.append((src, dst))
    return pairs


# Pillow modes that read as one grey channel (see imagekit.io).
_GREY_MODES = ("L", "I;16", "I;16B", "I;16L", "I", "F", "1")


def check_grey(inputs, dtype) -> None:
    """uint16 and float32 files are grey only: OptionError for a colour input (read
    from the file's header; a file that cannot be opened is reported later)."""
    from PIL import Image, UnidentifiedImageError

    if dtype is None or dtype == np.uint8:
        return
    for src in inputs:
        try:
            with Image.open(src) as im:
                mode = im.mode
        except (OSError, UnidentifiedImageError):
            continue
        if mode not in _GREY_MODES:
            raise OptionError(
                f"--dtype {dtype}: {src} is a colour image ({mode}), and {dtype} image files "
                "hold grey images only: leave out --dtype to keep 8 bits (with --rescale to "
                "keep the result's whole range)"
            )


def may_clip(image: np.ndarray, kernel, border, dtype: np.dtype) -> bool:
    """Whether filtering ``image`` can give values outside the integer ``dtype``: bounds
    from the image's range, the border's value and the kernel's positive and negative
    weights (a blur of an image in range stays in range)."""
    w = np.asarray(kernel.weights, np.float64)
    pos, neg = float(w[w > 0].sum()), float(w[w < 0].sum())
    if isinstance(border, NA):  # a weighted mean of the available pixels
        if neg < 0:
            return True
        pos = 1.0
    lo, hi = float(image.min()), float(image.max())
    if isinstance(border, Fill):
        lo, hi = min(lo, border.value), max(hi, border.value)
    info = np.iinfo(dtype)
    return pos * lo + neg * hi < info.min - 0.5 or pos * hi + neg * lo >= info.max + 0.5


def outside(result: np.ndarray, dtype: np.dtype) -> int:
    """How many values of ``result`` rounding puts outside the integer ``dtype``."""
    info = np.iinfo(dtype)
    r = np.rint(result)
    return int(np.count_nonzero((r < info.min) | (r > info.max)))


def rescale(result: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """``result`` mapped linearly onto ``dtype``'s range (0..1 for floats): its
    smallest value to the lowest, its largest to the highest; a constant result
    becomes the lowest. Integers are then rounded.

    >>> rescale(np.array([-106.0, 0.0, 107.0]), np.dtype(np.uint8))
    array([  0, 127, 255], dtype=uint8)
    """
    if dtype.kind == "f":
        lo, hi = 0.0, 1.0
    else:
        lo, hi = float(np.iinfo(dtype).min), float(np.iinfo(dtype).max)
    finite = result[np.isfinite(result)]
    rmin, rmax = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 0.0)
    scale = (hi - lo) / (rmax - rmin) if rmax > rmin else 0.0
    scaled = (result.astype(np.float64) - rmin) * scale + lo
    out = np.empty(result.shape, dtype)
    cast_into(scaled, out)
    return out
