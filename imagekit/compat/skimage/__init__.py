"""scikit-image's filters and ``feature.peak_local_max`` on imagekit's engine.

Both spellings of scikit-image's import work::

    from imagekit.compat.skimage import filters   # from skimage import filters
    from imagekit.compat import skimage           # import skimage
    skimage.filters.sobel(image)

See :mod:`imagekit.compat.skimage.filters` and
:mod:`imagekit.compat.skimage.feature` for what they hold.
"""

from . import feature, filters

__all__ = ["feature", "filters"]
