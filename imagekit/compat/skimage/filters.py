"""``skimage.filters``' linear filters on imagekit's engine: a drop-in import swap.

``from imagekit.compat.skimage import filters`` in place of ``from skimage
import filters`` keeps these calls working with scikit-image 0.26's
signatures, defaults and dtype rules: integer images are scaled into
[0, 1] (or [-1, 1]) by ``img_as_float`` unless ``preserve_range``, float32
stays float32, float16 computes in float32, and results are floating.
"""

from ._edges import (
    farid,
    farid_h,
    farid_v,
    laplace,
    prewitt,
    prewitt_h,
    prewitt_v,
    scharr,
    scharr_h,
    scharr_v,
    sobel,
    sobel_h,
    sobel_v,
)
from ._smoothing import difference_of_gaussians, gaussian, unsharp_mask

__all__ = [
    "difference_of_gaussians",
    "farid",
    "farid_h",
    "farid_v",
    "gaussian",
    "laplace",
    "prewitt",
    "prewitt_h",
    "prewitt_v",
    "scharr",
    "scharr_h",
    "scharr_v",
    "sobel",
    "sobel_h",
    "sobel_v",
    "unsharp_mask",
]
