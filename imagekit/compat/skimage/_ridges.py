"""scikit-image's ridge filters (Sato, Meijering, Frangi, Hessian) on imagekit's engine.

All four look at the eigenvalues of the Hessian at each pixel, scale by
scale (``sigmas``), and keep the pixel-wise maximum over the scales. The
Hessian is scikit-image's ``hessian_matrix(..., use_gaussian_derivatives=True)``:
a first Gaussian derivative along each axis, then a second one along each
axis pair, each a Gaussian of ``sigma / sqrt(2)`` on every axis (their
composition has ``sigma``), truncated at 8 standard deviations (100 when
some sigma is at most 1), computed by
:func:`imagekit.compat.ndimage.gaussian_filter` on imagekit's engine. The
eigenvalues come in decreasing order: a closed form in 2-D,
``numpy.linalg.eigvalsh`` otherwise.

As in scikit-image the image keeps its values (integers become float64,
float32 stays float32), ``black_ridges=False`` negates it, and an
``sigma`` at or below 1e-15 leaves that scale unfiltered.
"""

from __future__ import annotations

import math
import warnings
from itertools import combinations_with_replacement

import numpy as np

from ..ndimage import gaussian_filter
from ._float import check_nd, supported_float_type

__all__ = ["frangi", "hessian", "hessian_eigenvalues", "meijering", "sato"]


def _prepare(image, black_ridges: bool) -> np.ndarray:
    image = np.asarray(image)
    image = image.astype(supported_float_type(image.dtype), copy=False)
    return image if black_ridges else -image


def _hessian(image: np.ndarray, sigma, mode, cval) -> list[np.ndarray]:
    """The upper triangle of the Hessian (row by row), by two Gaussian derivatives."""
    ndim = image.ndim
    sigmas = (sigma,) * ndim if np.isscalar(sigma) else tuple(sigma)
    truncate = 8 if all(s > 1 for s in sigmas) else 100
    half = tuple(s / math.sqrt(2) for s in sigmas)

    def derivative(x, axis):
        order = [0] * ndim
        order[axis] = 1
        return gaussian_filter(x, half, order, mode=mode, cval=cval, truncate=truncate)

    first = [derivative(image, axis) for axis in range(ndim)]
    return [derivative(first[i], j) for i, j in combinations_with_replacement(range(ndim), 2)]


def hessian_eigenvalues(elements: list[np.ndarray]) -> np.ndarray:
    """Eigenvalues of the symmetric matrices given by their upper triangles, largest first.

    The result has the eigenvalue index first: shape ``(ndim, *image.shape)``.
    """
    first = elements[0]
    if len(elements) == 3:  # 2-D: half the trace plus and minus the half-gap
        a, b, c = elements
        mean = (a + c) / 2
        gap = np.sqrt(b**2 + ((a - c) / 2) ** 2)
        return np.stack([mean + gap, mean - gap]).astype(first.dtype, copy=False)
    ndim = first.ndim
    matrices = np.empty((*first.shape, ndim, ndim), first.dtype)
    for element, (i, j) in zip(elements, combinations_with_replacement(range(ndim), 2)):
        matrices[..., i, j] = element
        matrices[..., j, i] = element
    ascending = np.linalg.eigvalsh(matrices)
    return np.moveaxis(ascending[..., ::-1], -1, 0)


def _max_over_scales(image, sigmas, mode, cval, measure) -> np.ndarray:
    """The pixel-wise maximum, from 0, over ``sigmas`` of ``measure(eigenvalues, sigma)``,
    the Hessian's eigenvalues at that scale, largest first."""
    filtered_max = np.zeros_like(image)
    for sigma in sigmas:
        eigenvalues = hessian_eigenvalues(_hessian(image, sigma, mode, cval))
        filtered_max = np.maximum(filtered_max, measure(eigenvalues, sigma))
    return filtered_max


def sato(image, sigmas=range(1, 10, 2), black_ridges=True, mode="reflect", cval=0):
    """Drop-in for ``skimage.filters.sato``, on imagekit's engine.

    Tubeness of a 2-D or 3-D image: at each scale, ``sigma**2`` times the
    geometric mean of the Hessian's eigenvalues but the smallest, clipped
    at 0; the maximum over ``sigmas``. See the module docstring.

    See Also
    --------
    meijering, frangi : other ridge measures from the same eigenvalues.

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit.compat.skimage import filters
    >>> image = np.ones((9, 9)); image[:, 4] = 0  # a dark vertical line
    >>> response = filters.sato(image, sigmas=[1])
    >>> int(response[4].argmax())
    4
    """
    check_nd(image, (2, 3))
    image = _prepare(image, black_ridges)

    def tubeness(eigenvalues, sigma):
        kept = eigenvalues[:-1]
        return sigma**2 * np.prod(np.maximum(kept, 0), 0) ** (1 / len(kept))

    return _max_over_scales(image, sigmas, mode, cval, tubeness)


def meijering(image, sigmas=range(1, 10, 2), alpha=None, black_ridges=True, mode="reflect", cval=0):
    """Drop-in for ``skimage.filters.meijering``, on imagekit's engine.

    Neuriteness of an N-D image: at each scale, the eigenvalues mixed as
    ``l_i = e_i + alpha * sum_{j != i} e_j`` (``alpha`` defaults to
    ``1 / (ndim + 1)``), the one of largest magnitude clipped at 0 and
    divided by its maximum over the image; the maximum over ``sigmas``.

    See Also
    --------
    sato, frangi : other ridge measures from the same eigenvalues.

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit.compat.skimage import filters
    >>> image = np.ones((9, 9)); image[:, 4] = 0  # a dark vertical line
    >>> float(filters.meijering(image, sigmas=[1])[4, 4])
    1.0
    """
    image = _prepare(image, black_ridges)
    if alpha is None:
        alpha = 1 / (image.ndim + 1)
    mixing = np.full((image.ndim, image.ndim), alpha)
    np.fill_diagonal(mixing, 1)
    mixing = mixing.astype(image.dtype)

    def neuriteness(eigenvalues, sigma):
        mixed = np.tensordot(mixing, eigenvalues, 1)
        largest = np.take_along_axis(mixed, abs(mixed).argmax(0)[None], 0)[0]
        largest = np.maximum(largest, 0)
        top = largest.max()
        if top > 0:
            largest /= top
        return largest

    return _max_over_scales(image, sigmas, mode, cval, neuriteness)


def frangi(
    image,
    sigmas=range(1, 10, 2),
    scale_range=None,
    scale_step=None,
    alpha=0.5,
    beta=0.5,
    gamma=None,
    black_ridges=True,
    mode="reflect",
    cval=0,
):
    """Drop-in for ``skimage.filters.frangi``, on imagekit's engine.

    Frangi's vesselness of a 2-D or 3-D image from the Hessian's
    eigenvalues sorted by magnitude (``|l1| <= |l2| <= |l3|``, the larger
    ones clipped below at 1e-10): plate term ``1 - exp(-Ra**2 / (2 alpha**2))``
    (``Ra = l2 / l3``; 1 in 2-D), blob term ``exp(-Rb**2 / (2 beta**2))``
    (``Rb = |l1| / sqrt(l2 l3)``, ``|l1| / l2`` in 2-D) and structure term
    ``1 - exp(-S**2 / (2 gamma**2))`` (``S`` the eigenvalues' norm); the
    maximum over ``sigmas``. ``gamma=None`` is half the largest ``S`` of the
    first scale, kept for the others, as in scikit-image. ``scale_range``
    and ``scale_step`` (deprecated there too) give ``sigmas`` with a warning.

    See Also
    --------
    hessian : the same with ``gamma=15`` and zeros set to 1.

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit.compat.skimage import filters
    >>> image = np.ones((9, 9)); image[:, 4] = 0  # a dark vertical line
    >>> response = filters.frangi(image, sigmas=[1])
    >>> int(response[4].argmax())
    4
    """
    if scale_range is not None and scale_step is not None:
        warnings.warn(
            "Use keyword parameter `sigmas` instead of `scale_range` and `scale_step`, "
            "which scikit-image deprecates.",
            stacklevel=2,
        )
        sigmas = np.arange(scale_range[0], scale_range[1], scale_step)
    check_nd(image, (2, 3))
    image = _prepare(image, black_ridges)
    dtype = image.dtype

    def vesselness(eigenvalues, sigma):
        nonlocal gamma  # None: set from the first scale, kept for the others
        eigenvalues = np.take_along_axis(eigenvalues, abs(eigenvalues).argsort(0), 0)
        smallest = abs(eigenvalues[0])
        if image.ndim == 2:
            (middle,) = np.maximum(eigenvalues[1:], 1e-10)
            ratio_a, ratio_b = np.inf, smallest / middle
        else:
            middle, largest = np.maximum(eigenvalues[1:], 1e-10)
            ratio_a, ratio_b = middle / largest, smallest / np.sqrt(middle * largest)
        norm = np.sqrt((eigenvalues**2).sum(0))
        if gamma is None:
            gamma = norm.max() / 2
            if gamma == 0:
                gamma = 1  # a flat image: any gamma gives zero
        plate = 1.0 - np.exp(-(ratio_a**2) / (2 * alpha**2), dtype=dtype)
        result = plate * np.exp(-(ratio_b**2) / (2 * beta**2), dtype=dtype)
        result *= 1.0 - np.exp(-(norm**2) / (2 * gamma**2), dtype=dtype)
        return result

    return _max_over_scales(image, sigmas, mode, cval, vesselness)


def hessian(
    image,
    sigmas=range(1, 10, 2),
    scale_range=None,
    scale_step=None,
    alpha=0.5,
    beta=0.5,
    gamma=15,
    black_ridges=True,
    mode="reflect",
    cval=0,
):
    """Drop-in for ``skimage.filters.hessian``, on imagekit's engine.

    :func:`frangi` with ``gamma=15`` by default, and every value at or
    below 0 set to 1 (a "Hessian" vesselness where flat regions are 1).

    See Also
    --------
    frangi : the measure it is made of.

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit.compat.skimage import filters
    >>> float(filters.hessian(np.ones((5, 5)), sigmas=[1])[2, 2])
    1.0
    """
    filtered = frangi(
        image,
        sigmas=sigmas,
        scale_range=scale_range,
        scale_step=scale_step,
        alpha=alpha,
        beta=beta,
        gamma=gamma,
        black_ridges=black_ridges,
        mode=mode,
        cval=cval,
    )
    filtered[filtered <= 0] = 1
    return filtered
