"""``skimage.filters``' filters on imagekit's engine: a drop-in import swap.

``from imagekit.compat.skimage import filters`` in place of ``from skimage
import filters`` keeps these calls working with scikit-image 0.26's
signatures, defaults, errors and dtype rules: float32 stays float32,
float16 computes in float32, and integer images are handled as each
scikit-image function handles them:

- ``sobel``, ``scharr``, ``prewitt``, ``farid`` (and their ``_h``, ``_v``),
  ``laplace``, ``roberts``, ``roberts_pos_diag``, ``roberts_neg_diag``:
  ``img_as_float``; kernels of :mod:`imagekit.kernels` on ``imfilter``.
- ``gaussian``, ``difference_of_gaussians``, ``unsharp_mask``:
  ``img_as_float`` unless ``preserve_range``;
  ``compat.ndimage.gaussian_filter``.
- ``gabor``: integers kept (truncated results, as scipy truncates);
  :func:`imagekit.kernels.gabor`, rescaled, through ``compat.ndimage.convolve``.
- ``sato``, ``meijering``, ``frangi``, ``hessian``: values kept, in
  float64; Hessians from ``compat.ndimage.gaussian_filter``.
- ``butterworth``: values kept; ``scipy.fft`` transforms.
- ``correlate_sparse``: values kept; ``imfilter`` (direct).
- ``median``: ``compat.ndimage.median_filter`` (``behavior='ndimage'``) or
  ``rank.median``.
- ``rank``: the histogram filters ``median``, ``minimum``, ``maximum``,
  ``mean``, ``sum``, ``percentile``, ``gradient`` and ``pop`` on
  :func:`imagekit.mapwindow` with the ``NA`` border (uint8 and uint16; other
  dtypes converted by ``img_as_ubyte`` with scikit-image's warning).

Bad arguments raise scikit-image's exception types.
"""

from .._edges import (
    farid,
    farid_h,
    farid_v,
    laplace,
    prewitt,
    prewitt_h,
    prewitt_v,
    roberts,
    roberts_neg_diag,
    roberts_pos_diag,
    scharr,
    scharr_h,
    scharr_v,
    sobel,
    sobel_h,
    sobel_v,
)
from .._frequency import butterworth
from .._gabor import gabor
from .._median import median
from .._ridges import frangi, hessian, meijering, sato
from .._smoothing import difference_of_gaussians, gaussian, unsharp_mask
from .._sparse import correlate_sparse
from . import rank

__all__ = [
    "butterworth",
    "correlate_sparse",
    "difference_of_gaussians",
    "farid",
    "farid_h",
    "farid_v",
    "frangi",
    "gabor",
    "gaussian",
    "hessian",
    "laplace",
    "median",
    "meijering",
    "prewitt",
    "prewitt_h",
    "prewitt_v",
    "rank",
    "roberts",
    "roberts_neg_diag",
    "roberts_pos_diag",
    "sato",
    "scharr",
    "scharr_h",
    "scharr_v",
    "sobel",
    "sobel_h",
    "sobel_v",
    "unsharp_mask",
]
