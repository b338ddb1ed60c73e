"""Window (non-linear) filters: a function of each pixel's window of values.

The numba loops that run them live in ``_loops``: running minima and maxima
(``minmax``), per-pixel selections over any footprint (``select``) and
sliding histograms for 8- and 16-bit images (``histogram``) and local
extrema (``extrema``).
"""

from ._extrema import findlocalmaxima, findlocalminima

__all__ = ["findlocalmaxima", "findlocalminima"]
