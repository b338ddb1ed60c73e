"""imagekit: N-D image filtering — any kernel, every border, exact and fast.

The public face: :func:`imfilter`, :func:`imgradients`, :func:`padarray`,
:data:`config` (threads and memory), and the ``kernels``, ``borders`` and
``filtering`` subpackages; :func:`mapwindow` and the ``window`` subpackage for
window (non-linear) filters.
"""

from . import borders, filtering, kernels, window
from ._config import config
from ._padarray import padarray
from ._version import __version__
from .borders import NA, Fill
from .filtering import filterbank, imfilter, imgradients, magnitude
from .kernels import Kernel
from .window import findlocalmaxima, findlocalminima, mapwindow

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
    "mapwindow",
    "padarray",
    "window",
]
