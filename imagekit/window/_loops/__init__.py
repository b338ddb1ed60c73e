"""imagekit's numba loops for window filters, one module per algorithm.

- ``minmax``: running minimum or maximum along one axis, by van Herk /
  Gil-Werman (three comparisons per value whatever the window's length) and
  by doubling (a few vectorised passes, for the contiguous axis);
- ``select``: a selection (median, rank, percentile) over any footprint,
  given as flat offsets into a padded array: a sorting network applied to
  rows of pixels at once, a fixed 3x3 network held in registers, and a
  per-pixel selection that can leave NaNs out;
- ``minmax2d``: the minimum or maximum over a rectangle of 2-D images in
  one fused pass (van Herk down the columns, doubling across the rows),
  reading the image itself with its edges clamped;
- ``bitselect``: a selection over any footprint of unsigned integers by a
  binary search on the bits, each step one vectorised count across pixels;
- ``histogram``: median, rank and percentile of 8- and 16-bit images over a
  rectangular window by Huang's sliding histogram;
- ``histogram_runs``: the same over any footprint, given as runs per row.
- ``user``: a user's function, compiled by numba, over each window of any
  footprint (NaNs left out or not); compiled per function, so not cached.

The selections can leave the pixels outside the image out (the NA border).
Every loop but ``minmax2d`` reads an array the caller has already extended
by the border (``imagekit.padarray``) and runs over a range of tasks, so that
``filtering.strategies._threads.run_tasks`` spreads them over threads. The
modules are cached with the filtering loops' source stamp
(``filtering._loops._cache``): editing any loop recompiles them all. They
load on first use, as the filtering loops do (PEP 562's module
``__getattr__``): ``import imagekit`` does not import numba.
"""

from ...filtering import _loops  # its import finder registers the cache locator

__getattr__ = _loops.loader(__name__)
