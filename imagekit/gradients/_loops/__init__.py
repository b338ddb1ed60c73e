"""imagekit's numba loops for gradients: ``kernel_gradient`` (the kernel's
gradient, alone or fused with the image gradient's forward loop).

Cached with the filtering loops' source stamp (``imagekit.filtering._loops``,
whose import finder puts the cache locator in place before a loop module
loads). As there, the loop module loads on first use, and numba with it:
callers import this package and name a loop through it
(``_loops.kernel_gradient.vjp2_dense3_rows``), so that importing
``imagekit.gradients`` or ranking its strategies loads no numba (the
compile-free tier, ``filtering._tier``, counts numba's start-up until then).
"""

from ...filtering import _loops  # its import finder registers the cache locator

__getattr__ = _loops.loader(__name__)
