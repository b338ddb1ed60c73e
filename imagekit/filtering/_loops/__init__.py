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

The loop modules load on first use (and numba with the first of them):
callers import this package and name a loop through it
(``_loops.plane.dense3_rows``), and the module is imported the first time it
is named (PEP 562's module ``__getattr__``). A plan then loads only the
loops its strategy runs: loading a module compiles, or reads from the cache,
the functions declared with explicit signatures.
"""

import importlib
import sys

# The loop packages: their modules are cached with one source stamp (``_cache``).
_LOOP_PACKAGES = (
    "imagekit.filtering._loops.",
    "imagekit.gradients._loops.",
    "imagekit.window._loops.",
)


class _CacheFirst:
    """An import finder that finds nothing: before any module of a loop package is
    imported (named here or imported directly), it puts the loops' cache locator in
    place (``_cache.register``, which imports numba), so that importing the packages
    themselves loads no numba."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name.startswith(_LOOP_PACKAGES) and name != f"{__name__}._cache":
            importlib.import_module(f"{__name__}._cache").register()
        return None


if _CacheFirst not in sys.meta_path:
    sys.meta_path.insert(0, _CacheFirst)


def loader(package: str):
    """A loop package's module ``__getattr__`` (PEP 562): the loop module ``name``,
    imported on first use (which also sets it as the package's attribute, so later
    lookups do not come back)."""

    def __getattr__(name: str):
        if not name.startswith("__"):
            try:
                return importlib.import_module(f"{package}.{name}")
            except ModuleNotFoundError as e:
                if e.name != f"{package}.{name}":
                    raise
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__


__getattr__ = loader(__name__)
