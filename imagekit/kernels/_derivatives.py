"""Derivative kernels: a 1-D difference along one axis, smoothing along the others.

Every gradient kernel here is scaled so that a unit slope gives 1 (pixel
spacing 1) and a value increasing along ``axis`` gives a positive result:
the difference factor is the central difference ``[-1, 0, 1] / 2`` (or a
longer one normalised the same way) and each smoothing factor sums to 1.
That makes them interchangeable and lets ``imgradients`` report true
slopes. How each relates to scipy, scikit-image and OpenCV is stated in its
docstring.
"""

from __future__ import annotations

import numpy as np

from ._kernel import Kernel

__all__ = [
    "GRADIENT_FACTORS",
    "ando3",
    "ando4",
    "ando5",
    "bickley",
    "farid",
    "gradient_factors",
    "laplacian",
    "prewitt",
    "scharr",
    "sobel",
]

_CENTRAL = np.array([-1.0, 0.0, 1.0]) / 2


def _unit_slope(d: np.ndarray) -> np.ndarray:
    """Scale a difference factor so that correlating it with ``x`` gives 1."""
    offsets = np.arange(len(d)) - len(d) // 2
    return d / np.dot(d, offsets)


def _unit_sum(s) -> np.ndarray:
    s = np.asarray(s, dtype=np.float64)
    return s / s.sum()


# (difference, smoothing) factor pairs; constants from the cited papers.
GRADIENT_FACTORS = {
    # Sobel & Feldman; Danielsson & Seger 1990.
    "sobel": (_CENTRAL, _unit_sum([1, 2, 1])),
    # Prewitt 1970.
    "prewitt": (_CENTRAL, _unit_sum([1, 1, 1])),
    # Scharr & Weickert 2000: smoothing [3, 10, 3] / 16.
    "scharr": (_CENTRAL, _unit_sum([3, 10, 3])),
    # Bickley 1948: smoothing [1, 4, 1] / 6.
    "bickley": (_CENTRAL, _unit_sum([1, 4, 1])),
    # Ando 2000, "Consistent gradient operators", the paper's 3-, 4- and 5-tap values.
    "ando3": (_CENTRAL, _unit_sum([0.112737, 0.274526, 0.112737])),
    "ando4": (
        _unit_slope(np.array([-0.0919833, -0.408017, 0.408017, 0.0919833])),
        _unit_sum([0.0919833, 0.408017, 0.408017, 0.0919833]),
    ),
    "ando5": (
        _unit_slope(np.array([-0.137424, -0.362576, 0.0, 0.362576, 0.137424])),
        _unit_sum([0.0357338, 0.248861, 0.43081, 0.248861, 0.0357338]),
    ),
    # Farid & Simoncelli 2004, 5-tap (as in scikit-image).
    "farid": (
        _unit_slope(
            np.array(
                [-0.109603762960254, -0.276690988455557, 0.0, 0.276690988455557, 0.109603762960254]
            )
        ),
        _unit_sum(
            [
                0.0376593171958126,
                0.249153396177344,
                0.426374573253687,
                0.249153396177344,
                0.0376593171958126,
            ]
        ),
    ),
}


def gradient_factors(name: str, axis: int, ndim: int) -> tuple[Kernel, ...]:
    """The 1-D factors, one per axis, of the ``name`` derivative along ``axis``."""
    if name not in GRADIENT_FACTORS:
        raise ValueError(f"kernel={name!r} is not one of: {', '.join(GRADIENT_FACTORS)}")
    if not isinstance(ndim, (int, np.integer)) or ndim < 1:
        raise ValueError(f"ndim must be a positive int, got {ndim!r}")
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis={axis} is out of range for ndim={ndim}")
    axis %= ndim
    diff, smooth = GRADIENT_FACTORS[name]
    return tuple(Kernel(diff if d == axis else smooth) for d in range(ndim))


def _factory(name: str, cite: str, scaling: str):
    def make(axis: int = 0, ndim: int = 2) -> Kernel:
        return Kernel.from_factors(gradient_factors(name, axis, ndim))

    make.__name__ = make.__qualname__ = name
    make.__doc__ = f"""{cite} derivative kernel along ``axis``, smoothing along the others.

    Parameters
    ----------
    axis : int, optional
        The axis of differentiation (default 0, the rows).
    ndim : int, optional
        Number of axes (default 2).

    Returns
    -------
    Kernel
        Separable; a unit slope along ``axis`` gives 1.

    Notes
    -----
    {scaling}

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit import imfilter
    >>> from imagekit.kernels import {name}
    >>> ramp = np.tile(np.arange(8.0), (8, 1))  # slope 1 along axis 1
    >>> round(float(imfilter(ramp, {name}(axis=1))[4, 4]), 12)
    1.0
    """
    return make


sobel = _factory(
    "sobel",
    "Sobel",
    "scipy.ndimage.sobel gives ``2 * 4**(ndim - 1)`` times this (8x in 2-D), with "
    "the same sign; OpenCV's ``Sobel(ksize=3)`` gives 8x in 2-D; scikit-image's "
    "``sobel_h``/``sobel_v`` give 2x.",
)
prewitt = _factory(
    "prewitt",
    "Prewitt",
    "scipy.ndimage.prewitt gives ``2 * 3**(ndim - 1)`` times this (6x in 2-D); "
    "scikit-image's ``prewitt_h``/``prewitt_v`` give 2x.",
)
scharr = _factory(
    "scharr",
    "Scharr",
    "Smoothing ``[3, 10, 3] / 16``. scikit-image's ``scharr_h``/``scharr_v`` give 2x; "
    "OpenCV's ``Scharr`` (weights ``[3, 10, 3]`` and ``[-1, 0, 1]``) gives 32x.",
)
bickley = _factory("bickley", "Bickley", "Smoothing ``[1, 4, 1] / 6``.")
ando3 = _factory(
    "ando3",
    "Ando's consistent 3-tap",
    "Smoothing from Ando (2000), normalised to sum 1 (ImageFiltering.jl's ``ando3``).",
)
ando4 = _factory(
    "ando4",
    "Ando's consistent 4-tap (separable approximation)",
    "Even-sized: offsets -2..1 (scipy's centring). Ando's optimisation was 2-D; "
    "in N-D the same smoothing factor is used on every other axis.",
)
ando5 = _factory(
    "ando5",
    "Ando's consistent 5-tap (separable approximation)",
    "Ando's optimisation was 2-D; in N-D the same smoothing factor is used on every other axis.",
)
farid = _factory(
    "farid",
    "Farid & Simoncelli's 5-tap",
    "scikit-image's ``farid_h``/``farid_v`` use the paper's unnormalised "
    "derivative, which gives 0.99180 times this on a unit slope.",
)


def laplacian(ndim: int = 2) -> Kernel:
    """The discrete Laplacian: ``-2 * ndim`` at the centre, 1 at each axis neighbour.

    Equals scipy.ndimage.laplace under ``imfilter`` (and
    ``skimage.filters.laplace`` with ``ksize=3``). Not separable.

    Examples
    --------
    >>> from imagekit.kernels import laplacian
    >>> laplacian().weights
    array([[ 0.,  1.,  0.],
           [ 1., -4.,  1.],
           [ 0.,  1.,  0.]])
    """
    if not isinstance(ndim, (int, np.integer)) or ndim < 1:
        raise ValueError(f"ndim must be a positive int, got {ndim!r}")
    w = np.zeros((3,) * ndim)
    centre = (1,) * ndim
    for d in range(ndim):
        for side in (0, 2):
            idx = list(centre)
            idx[d] = side
            w[tuple(idx)] = 1.0
    w[centre] = -2.0 * ndim
    return Kernel(w)
