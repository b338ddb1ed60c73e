"""imagekit: N-D image filtering — any kernel, every border, exact and fast.

The public face: :func:`imfilter`, :func:`imgradients`, :func:`padarray`,
:data:`config` (threads and memory), and the ``kernels``, ``borders`` and
``filtering`` subpackages.
"""

from . import borders, filtering, kernels
from ._config import config
from ._padarray import padarray
from ._version import __version__
from .borders import NA, Fill
from .filtering import filterbank, imfilter, imgradients, magnitude
from .kernels import Kernel
from .window import findlocalmaxima, findlocalminima

__all__ = [
    "NA",
    "Fill",
    "Kernel",
    "__version__",
    "borders",
    "config",
    "filterbank",
    "filtering",
    "findlocalmaxima",
    "findlocalminima",
    "imfilter",
    "imgradients",
    "kernels",
    "magnitude",
    "padarray",
]
