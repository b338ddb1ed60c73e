"""``skimage.feature``'s ``peak_local_max`` on imagekit's engine: a drop-in import swap.

``from imagekit.compat.skimage import feature`` in place of ``from skimage
import feature`` keeps ``feature.peak_local_max`` working with scikit-image
0.26's signature, defaults, results (coordinates of dtype intp, highest
peak first), warnings and errors; the maximum filter under it is
:func:`imagekit.window.maximum`.
"""

from ._peak import peak_local_max

__all__ = ["peak_local_max"]
