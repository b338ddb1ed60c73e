"""Filter kernels: the :class:`Kernel` value, offsets, separability, and factories.

Factories return :class:`Kernel` objects (with their 1-D factors attached
where separable); :mod:`imagekit.kernels.factored` gives the same kernels as
tuples of 1-D factors.
"""

from . import factored
from ._derivatives import ando3, ando4, ando5, bickley, farid, laplacian, prewitt, scharr, sobel
from ._gabor import gabor
from ._kernel import Kernel, as_kernel, centered, reflect
from ._separable import cascade, factors
from ._smoothing import ball, box, disk, dog, gaussian, log, moving_average

__all__ = [
    "Kernel",
    "ando3",
    "ando4",
    "ando5",
    "as_kernel",
    "ball",
    "bickley",
    "box",
    "cascade",
    "centered",
    "disk",
    "dog",
    "factored",
    "factors",
    "farid",
    "gabor",
    "gaussian",
    "laplacian",
    "log",
    "moving_average",
    "prewitt",
    "reflect",
    "scharr",
    "sobel",
]
