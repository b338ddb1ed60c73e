"""imagekit's numba loops for filtering, one module per concept.

- ``primitives``: what several loops share (rows through a row map, the
  rounding store, the register tile) and two numba intrinsics;
- ``runs``: correlation over contiguous runs, any number of axes (the
  direct strategy's general loop);
- ``plane``: a kernel over two adjacent axes read in place, any kernel and
  full 3x3 ones;
- ``separable``: a separable kernel over two adjacent axes, fused;
- ``box``: a box over two adjacent axes of a uint8 image, in 16-bit lanes;
- ``iir``: the recursive Gaussian;
- ``filterbank``, ``winograd``: filter banks in register tiles, directly and
  by Winograd's minimal filtering.

A loop module imports numba, numpy, ``primitives`` and the parallel-twin
declaration of ``strategies._threads``; the gradient loops
(``imagekit.gradients._loops``) also import the forward loops they fuse.
Every module here and there is cached with one source stamp (``_cache``):
editing any of them recompiles them all, so no stale machine code runs.
"""

from . import _cache

_cache.register()
