"""scikit-image's filters on imagekit's engine.

Both spellings of scikit-image's import work::

    from imagekit.compat.skimage import filters   # from skimage import filters
    from imagekit.compat import skimage           # import skimage
    skimage.filters.sobel(image)

See :mod:`imagekit.compat.skimage.filters` for what it holds.
"""

from . import filters

__all__ = ["filters"]
