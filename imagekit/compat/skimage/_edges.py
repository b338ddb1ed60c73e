"""scikit-image's edge filters (Sobel, Scharr, Prewitt, Farid, Roberts, Laplace) on imagekit.

scikit-image convolves with ``edge ⊗ smooth ⊗ ...`` (edge ``[1, 0, -1]``);
as a correlation that is imagekit's factored kernel with the difference
factor doubled: imagekit's factors give 1 on a unit slope (difference
``[-1, 0, 1] / 2``, smoothing summing to 1, the same smoothing as
scikit-image's). Farid's profiles are the paper's values as scikit-image
has them (not normalised: the difference gives ``_FARID_SLOPE``, 0.9918,
on a unit slope).

The N-D kernel is multiplied out in scikit-image's order and correlated by
:func:`imagekit.compat.ndimage.correlate`, which sums as scipy does: the
results are scikit-image's bit for bit.
"""

from __future__ import annotations

import numpy as np

from ...filtering import imfilter
from ...kernels import Kernel, factored, laplacian
from .. import ndimage
from .._engine import correlate_nd
from ._float import check_2d, img_as_float, supported_float_type, unsigned_scale

__all__ = [
    "farid",
    "farid_h",
    "farid_v",
    "laplace",
    "prewitt",
    "prewitt_h",
    "prewitt_v",
    "roberts",
    "roberts_neg_diag",
    "roberts_pos_diag",
    "scharr",
    "scharr_h",
    "scharr_v",
    "sobel",
    "sobel_h",
    "sobel_v",
]

# Farid & Simoncelli's 5-tap derivative as scikit-image has it, correlated
# with a unit slope: 2 * (2 * 0.109603762960254 + 0.276690988455557).
_FARID_SLOPE = 0.991797028752130
# The paper's 5-tap profiles (correlation weights), unnormalised as in scikit-image.
_D1, _D2 = 0.109603762960254, 0.276690988455557
_S1, _S2, _S3 = 0.0376593171958126, 0.249153396177344, 0.426374573253687
_FARID = (np.array([-_D1, -_D2, 0.0, _D2, _D1]), np.array([_S1, _S2, _S3, _S2, _S1]))


def _float_image(image) -> np.ndarray:
    image = np.asarray(image)
    if image.dtype.kind == "f":
        return image.astype(supported_float_type(image.dtype), copy=False)
    return img_as_float(image)


def _profiles(name: str) -> tuple[np.ndarray, np.ndarray]:
    """scikit-image's (difference, smoothing) correlation weights for ``name``."""
    if name == "farid":
        return _FARID
    diff, smooth = (f.weights for f in getattr(factored, name)(0, 2))
    return diff * 2.0, smooth


def _kernel(name: str, edge_dim: int, ndim: int) -> np.ndarray:
    """scikit-image's kernel for ``edge_dim`` as correlation weights, multiplied in its order.

    scikit-image multiplies the edge profile (on ``edge_dim``) by the
    smoothing on every axis in ``set(range(ndim)) - {edge_dim}``; for a
    negative ``edge_dim`` that set holds the edge axis too, and the two
    profiles multiply there element by element. Reproduced as given.
    """
    diff, smooth = _profiles(name)

    def along(profile, axis):
        shape = [1] * ndim
        shape[axis] = -1
        return profile.reshape(shape)

    kernel = along(diff, edge_dim)
    for d in set(range(ndim)) - {edge_dim}:
        kernel = kernel * along(smooth, d)
    return kernel


def _float_source(image) -> tuple[np.ndarray, float | None]:
    """``(array, scale)``: an unsigned image as it is with ``img_as_float``'s factor
    (applied as the filter reads it), anything else as scikit-image converts it."""
    image = np.asarray(image)
    scale = unsigned_scale(image.dtype)
    if scale is None or image.ndim == 0:
        return _float_image(image), None
    return image, scale


def _convolve(image: np.ndarray, weights: np.ndarray, mode, cval, scale) -> np.ndarray:
    """``ndi.convolve`` as scikit-image calls it, as the correlation it is: in ``image``'s
    dtype, or of ``image * scale`` into float64."""
    if not isinstance(mode, str) and np.iterable(mode):
        raise RuntimeError("A sequence of modes is not supported by convolve")
    if scale is None:
        return ndimage.correlate(image, weights, mode=mode, cval=cval)
    out = np.empty(image.shape, np.float64)
    return correlate_nd(image, weights, [0] * image.ndim, mode, cval, out, scale)


def _mask(result: np.ndarray, mask) -> np.ndarray:
    """Zero the result outside ``mask`` eroded by a full 3x3(x3...) footprint, as scikit-image."""
    if mask is None:
        return result
    mask = np.asarray(mask)
    if mask.dtype.kind == "c":  # scikit-image's erosion (scipy.ndimage) refuses these
        raise TypeError(f"mask must be real, got dtype {mask.dtype}")
    if mask.dtype.kind not in "biuf":
        raise RuntimeError(f"mask data type not supported: {mask.dtype} (expected numbers)")
    mask = mask != 0
    count = imfilter(mask.astype(np.float64), Kernel(np.ones((3,) * mask.ndim)), 0)
    result *= count == 3**mask.ndim  # all neighbours inside, the border counts as 0
    return result


def _edge_filter(name, image, mask, axis, mode, cval):
    image, scale = _float_source(image)
    ndim = image.ndim
    if axis is None:
        axes = list(range(ndim))
    elif np.isscalar(axis):
        axes = [axis]
    else:
        axes = axis
    magnitude = len(axes) > 1
    # scikit-image's sum 0.0 + term + term ..., in place in the first term's array
    output = None
    for edge_dim in axes:
        ax_output = _convolve(image, _kernel(name, edge_dim, ndim), mode, cval, scale)
        if magnitude:
            np.multiply(ax_output, ax_output, out=ax_output)
        if output is None:
            output = ax_output
            output += 0.0  # as scikit-image's zeros + term: -0.0 becomes 0.0
        else:
            output += ax_output
    if output is None:
        output = np.zeros(image.shape, np.float64 if scale else image.dtype)
    if magnitude:  # scikit-image divides by sqrt(ndim), however many axes
        np.sqrt(output, out=output)
        np.divide(output, np.sqrt(ndim, dtype=output.dtype), out=output)
    return _mask(output, mask)


def _doc(name: str, title: str) -> str:
    """The shared docstring of the four gradient filters."""
    slope = "2.0" if name != "farid" else f"{round(_FARID_SLOPE, 4)}"
    return f"""Drop-in for ``skimage.filters.{name}``, on imagekit's engine.

    With ``axis=None`` the {title} gradient magnitude over all axes divided
    by ``sqrt(ndim)``, else the derivative along ``axis``: {slope} times
    :func:`imagekit.kernels.{name}` (which gives 1 on a unit slope).
    Integers go through ``img_as_float``; float32 stays float32. With
    ``mask``, the result is zeroed outside the mask eroded by one pixel
    (full connectivity), as in scikit-image. ``mode`` is one mode name;
    a sequence raises RuntimeError, as in scikit-image.

    See Also
    --------
    imagekit.kernels.{name} : the native kernel.

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit.compat.skimage import filters
    >>> ramp = np.tile(np.arange(7.0), (7, 1))  # slope 1 along axis 1
    >>> round(float(filters.{name}(ramp, axis=1)[3, 3]), 4)
    {slope}
    """


def sobel(image, mask=None, *, axis=None, mode="reflect", cval=0.0):
    return _edge_filter("sobel", image, mask, axis, mode, cval)


def scharr(image, mask=None, *, axis=None, mode="reflect", cval=0.0):
    return _edge_filter("scharr", image, mask, axis, mode, cval)


def prewitt(image, mask=None, *, axis=None, mode="reflect", cval=0.0):
    return _edge_filter("prewitt", image, mask, axis, mode, cval)


def farid(image, mask=None, *, axis=None, mode="reflect", cval=0.0):
    return _edge_filter("farid", image, mask, axis, mode, cval)


def _along(edge, axis: int, keyword_mask: bool = False):
    """scikit-image's ``{edge}_h`` (axis 0) or ``{edge}_v`` (axis 1): ``edge`` along
    ``axis`` of a 2-D image. ``farid_h``/``farid_v`` take ``mask`` by keyword only."""
    if keyword_mask:

        def along(image, *, mask=None):
            check_2d(image)
            return edge(image, mask=mask, axis=axis)
    else:

        def along(image, mask=None):
            check_2d(image)
            return edge(image, mask=mask, axis=axis)

    along.__name__ = along.__qualname__ = name = f"{edge.__name__}_{'hv'[axis]}"
    along.__doc__ = (
        f"Drop-in for ``skimage.filters.{name}``: "
        f"``{edge.__name__}(image, mask, axis={axis})`` of a 2-D image."
    )
    return along


sobel_h, sobel_v = _along(sobel, 0), _along(sobel, 1)
scharr_h, scharr_v = _along(scharr, 0), _along(scharr, 1)
prewitt_h, prewitt_v = _along(prewitt, 0), _along(prewitt, 1)
farid_h, farid_v = _along(farid, 0, keyword_mask=True), _along(farid, 1, keyword_mask=True)


sobel.__doc__ = _doc("sobel", "Sobel")
scharr.__doc__ = _doc("scharr", "Scharr")
prewitt.__doc__ = _doc("prewitt", "Prewitt")
farid.__doc__ = _doc("farid", "Farid")


def laplace(image, ksize=3, mask=None):
    """Drop-in for ``skimage.filters.laplace``, on imagekit's engine.

    Convolution with the discrete Laplacian of positive centre ``2 * ndim``
    (minus :func:`imagekit.kernels.laplacian`), border ``'reflect'``. As in
    scikit-image the kernel is 3 wide whatever ``ksize`` (which must be at
    least 3).

    See Also
    --------
    imagekit.kernels.laplacian : the native kernel (of the opposite sign).

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit.compat.skimage import filters
    >>> filters.laplace(np.array([0.0, 1.0, 4.0, 9.0, 16.0]))
    array([-1., -2., -2., -2.,  7.])
    """
    image, scale = _float_source(image)
    if ksize < 3:
        raise ValueError(f"could not broadcast the 3-wide Laplacian into ksize={ksize}")
    weights = -np.asarray(laplacian(image.ndim).weights)
    return _mask(_convolve(image, weights, "reflect", 0.0, scale), mask)


def _roberts_diagonal(diagonal: str, weights: list, impulse: str):
    """``roberts_pos_diag`` or ``roberts_neg_diag``: the convolution with ``weights``.

    scikit-image convolves with Roberts' cross; convolution with a 2x2
    kernel is the correlation with the kernel reflected and its origin
    moved, which compat ``ndimage.convolve`` does.
    """
    kernel = np.array(weights, dtype=float)

    def roberts_diagonal(image, mask=None):
        check_2d(image)
        return _mask(ndimage.convolve(_float_image(image), kernel), mask)

    name = f"roberts_{diagonal}_diag"
    roberts_diagonal.__name__ = roberts_diagonal.__qualname__ = name
    roberts_diagonal.__doc__ = f"""Drop-in for ``skimage.filters.{name}``, on imagekit's engine.

    The convolution of a 2-D image with ``{weights}``, border
    ``'reflect'``; integers go through ``img_as_float``, float32 stays
    float32; with ``mask`` the result is zeroed outside the mask eroded by
    one pixel (full connectivity), as in scikit-image.

    See Also
    --------
    roberts : the magnitude of both diagonals.

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit.compat.skimage import filters
    >>> impulse = np.zeros((3, 3)); impulse[1, 1] = 1
    >>> filters.{name}(impulse)
    {impulse}
    """
    return roberts_diagonal


roberts_pos_diag = _roberts_diagonal(
    "pos",
    [[1, 0], [0, -1]],
    """array([[ 1.,  0.,  0.],
           [ 0., -1.,  0.],
           [ 0.,  0.,  0.]])""",
)
roberts_neg_diag = _roberts_diagonal(
    "neg",
    [[0, 1], [-1, 0]],
    """array([[ 0.,  1.,  0.],
           [-1.,  0.,  0.],
           [ 0.,  0.,  0.]])""",
)


def roberts(image, mask=None):
    """Drop-in for ``skimage.filters.roberts``, on imagekit's engine.

    ``sqrt(pos**2 + neg**2) / sqrt(2)`` of :func:`roberts_pos_diag` and
    :func:`roberts_neg_diag` (each masked as there), for 2-D images.

    See Also
    --------
    sobel : a 3x3 gradient magnitude.

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit.compat.skimage import filters
    >>> ramp = np.tile(np.arange(5.0), (5, 1))  # slope 1 along axis 1
    >>> float(filters.roberts(ramp)[2, 2])
    1.0
    """
    check_2d(image)
    magnitude = np.sqrt(roberts_pos_diag(image, mask) ** 2 + roberts_neg_diag(image, mask) ** 2)
    magnitude /= np.sqrt(2)
    return magnitude
