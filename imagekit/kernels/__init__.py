"""Filter kernels: the :class:`Kernel` value, offsets, and separability.

Factories (gaussian, sobel, ...) build on these; see the user guide.
"""

from ._kernel import Kernel, as_kernel, centered, reflect
from ._separable import cascade, factors

__all__ = ["Kernel", "as_kernel", "cascade", "centered", "factors", "reflect"]
