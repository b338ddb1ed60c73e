"""``skimage.filters.rank``'s histogram filters on imagekit's mapwindow: ``median``,
``minimum``, ``maximum``, ``mean``, ``sum``, ``percentile``, ``gradient`` and ``pop``
(see :mod:`imagekit.compat.skimage._rank` for the rules they follow).

``from imagekit.compat.skimage.filters import rank`` in place of ``from
skimage.filters import rank``.
"""

from .._rank import gradient, maximum, mean, median, minimum, percentile, pop, sum

__all__ = ["gradient", "maximum", "mean", "median", "minimum", "percentile", "pop", "sum"]
