"""scikit-image's float conventions (``img_as_float``, ``_supported_float_type``).

Integers are scaled to [0, 1] (unsigned) or [-1, 1] (signed) by ``1 / max``
in float64, bool becomes 0.0 / 1.0, floats are kept; float16 computes in
float32. Written out here so that the compat layer does not import
scikit-image.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "channel_count",
    "check_2d",
    "check_nd",
    "convert_to_float",
    "img_as_float",
    "supported_float_type",
    "unsigned_scale",
]

# scikit-image's new_float_type: float32/64 and complex kept, float16 -> float32,
# long double -> float64 (complex256 -> complex128), anything else float64.
_FLOAT_TYPES = {
    "f": np.float32,
    "d": np.float64,
    "F": np.complex64,
    "D": np.complex128,
    "e": np.float32,
    "g": np.float64,
    "G": np.complex128,
}


def supported_float_type(dtype, allow_complex: bool = False) -> np.dtype:
    """The floating dtype scikit-image computes in for ``dtype``."""
    dtype = np.dtype(dtype)
    if not allow_complex and dtype.kind == "c":
        raise ValueError("complex valued input is not supported")
    return np.dtype(_FLOAT_TYPES.get(dtype.char, np.float64))


def img_as_float(image) -> np.ndarray:
    """``skimage.util.img_as_float``: integers scaled into [0, 1] or [-1, 1].

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit.compat.skimage._float import img_as_float
    >>> img_as_float(np.array([0, 51, 255], np.uint8))
    array([0. , 0.2, 1. ])
    """
    image = np.asarray(image)
    kind = image.dtype.kind
    if kind == "f":
        return image
    if kind == "b":
        return image.astype(np.float64)
    if kind in "iu" and image.dtype.itemsize <= 8:
        scale = unsigned_scale(image.dtype) or 1.0 / np.iinfo(image.dtype).max
        scaled = np.multiply(image, scale, dtype=np.float64)
        if kind == "i":
            np.maximum(scaled, -1.0, out=scaled)
        return scaled
    raise ValueError(f"Cannot convert from {image.dtype} to float64.")


def unsigned_scale(dtype) -> float | None:
    """``img_as_float``'s factor ``1 / max`` for an unsigned integer dtype, else None.

    ``img_as_float(image)`` is then ``image * scale`` in float64, which the compat
    filters compute as they read each pixel instead of making that array first.
    """
    dtype = np.dtype(dtype)
    return 1.0 / np.iinfo(dtype).max if dtype.kind == "u" else None


def convert_to_float(image, preserve_range: bool) -> np.ndarray:
    """scikit-image's ``convert_to_float``: keep the values, or ``img_as_float``."""
    image = np.asarray(image)
    if image.dtype == np.float16:
        return image.astype(np.float32)
    if preserve_range:
        if image.dtype.char not in "df":
            image = image.astype(float)
        return image
    return img_as_float(image)


def check_nd(image, ndims=(2,)) -> None:
    """scikit-image's ``check_nD(image, ndims)``: not empty, and one of ``ndims`` axes."""
    image = np.asanyarray(image)
    if image.size == 0:
        raise ValueError("The parameter `image` cannot be an empty array")
    if image.ndim not in ndims:
        allowed = "- or ".join(str(n) for n in ndims)
        raise ValueError(
            f"The parameter `image` must be a {allowed}-dimensional array, "
            f"got {image.ndim} dimensions"
        )


def check_2d(image) -> None:
    """scikit-image's ``check_nD(image, 2)``."""
    check_nd(image, (2,))


def channel_count(image: np.ndarray, channel_axis) -> int:
    """``image.shape[channel_axis]``, with scikit-image's errors (IndexError, TypeError)."""
    try:
        return image.shape[channel_axis]
    except IndexError:
        raise IndexError(
            f"channel_axis={channel_axis} is out of range for an image of {image.ndim} axes"
        ) from None
    except TypeError:
        raise TypeError(f"channel_axis must be an integer, got {channel_axis!r}") from None
