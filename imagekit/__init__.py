"""imagekit: N-D image filtering — any kernel, every border, exact and fast.

The public face: :func:`imfilter`, :func:`imgradients`, :func:`padarray`,
and the ``kernels``, ``borders`` and ``filtering`` subpackages.
"""

from . import borders, filtering, kernels
from ._version import __version__
from .borders import NA, Fill, padarray
from .filtering import filterbank, imfilter, imgradients, magnitude
from .kernels import Kernel

__all__ = [
    "NA",
    "Fill",
    "Kernel",
    "__version__",
    "borders",
    "filterbank",
    "filtering",
    "imfilter",
    "imgradients",
    "kernels",
    "magnitude",
    "padarray",
]
