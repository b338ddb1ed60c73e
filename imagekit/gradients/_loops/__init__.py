"""imagekit's numba loops for gradients: ``kernel_gradient`` (the kernel's
gradient, alone or fused with the image gradient's forward loop).

Cached with the filtering loops' source stamp (``imagekit.filtering._loops``):
importing that package registers it.
"""

from ...filtering import _loops  # noqa: F401 - registers the cache locator first
