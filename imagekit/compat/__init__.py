"""Drop-in replacements for scipy.ndimage's and scikit-image's filters.

:mod:`imagekit.compat.ndimage` has scipy.ndimage's linear and window
filters and :mod:`imagekit.compat.skimage` has ``skimage.filters``' linear
filters, ``median`` and ``rank``, with the same signatures, defaults, dtypes
and results, running on imagekit's engine. Swap the import and keep the code::

    from imagekit.compat import ndimage        # was: from scipy import ndimage
    from imagekit.compat.skimage import filters  # was: from skimage import filters

Neither imports scipy.ndimage or scikit-image: the filtering is imagekit's.
"""

from . import ndimage, skimage

__all__ = ["ndimage", "skimage"]
