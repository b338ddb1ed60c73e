"""scikit-image's ``img_as_ubyte``, written out so that the compat layer does not import
scikit-image: floats in [-1, 1] scaled by 255 and rounded (negatives clipped to 0),
bool as 0 / 255, wider integers shifted down to 8 bits (or kept, with a warning,
when their maximum fits), signed integers clipped at 0.
"""

from __future__ import annotations

import warnings

import numpy as np

__all__ = ["img_as_ubyte"]


def _scale(a: np.ndarray, n: int) -> np.ndarray:
    """scikit-image's ``_scale(a, n, 8)``: ``n``-bit integers as 8-bit ones."""
    if n > 8 and a.max() < 2**8:
        warnings.warn(
            f"Downcasting {a.dtype} to uint8 without scaling because max value {a.max()} "
            "fits in uint8",
            UserWarning,
            stacklevel=5,
        )
        return a.astype(np.uint8)
    if n > 8:
        b = np.empty(a.shape, np.uint8 if a.dtype.kind == "u" else np.int16)
        np.floor_divide(a, 2 ** (n - 8), out=b, dtype=a.dtype, casting="unsafe")
        return b
    # int8 (7 bits): up to 14 bits, then down to 8
    b = a.astype(np.int16) * ((2**14 - 1) // (2**7 - 1))
    return b // 2**6


def img_as_ubyte(image) -> np.ndarray:
    """``skimage.util.img_as_ubyte(image)``."""
    image = np.asarray(image)
    kind = image.dtype.kind
    if image.dtype == np.uint8:
        return image
    if kind == "b":
        return image.astype(np.uint8) * np.uint8(255)
    if kind == "f":
        if np.min(image) < -1.0 or np.max(image) > 1.0:
            raise ValueError("Images of type float must be between -1 and 1.")
        wide = np.float64 if image.dtype.itemsize > 4 else np.float32
        scaled = np.multiply(image, 255, dtype=wide)
        np.rint(scaled, out=scaled)
        np.clip(scaled, 0, 255, out=scaled)
        return scaled.astype(np.uint8)
    if kind == "u":
        return _scale(image, 8 * image.dtype.itemsize)
    if kind == "i":
        scaled = _scale(image, 8 * image.dtype.itemsize - 1)
        result = np.empty(image.shape, np.uint8)
        np.maximum(scaled, 0, out=result, dtype=scaled.dtype, casting="unsafe")
        return result
    raise ValueError(f"Cannot convert from {image.dtype} to uint8.")
