"""numba's on-disk cache for imagekit's loops, never stale.

numba keys a cached function on its own source file: the index of cached
machine code holds a hash of that file, and a changed file means a
recompile. But a cached function holds the machine code of every numba
function it calls (they are compiled into it), and those may live in other
files: edit ``primitives.py`` and ``plane.py``'s cached loops would keep
running the old primitive.

So every function in a loop package (``LOOP_DIRS``) is cached with
``LoopsCacheLocator``, whose source stamp is one hash of every ``.py`` file of
those packages: editing, adding or removing any of them recompiles them
all. Where the cache lives is what numba's own locators decide (they are
asked in their order): ``NUMBA_CACHE_DIR`` when set, else ``__pycache__``
beside the source, else, for a read-only install, numba's user-wide cache
directory. The locator is put first in numba's list (``register``) by each
loop package's ``__init__``, so it is in place before any of their modules
compiles. (numba's ``NUMBA_CACHE_LOCATOR_CLASSES`` replaces that list; who
sets it chooses the locators.)

The stamp is computed once per process, from the files as they are when the
first loop module is imported; a file edited while a process runs is seen
by the next one.
"""

from __future__ import annotations

import functools
import hashlib
import os

from numba.core import caching

__all__ = ["LOOP_DIRS", "LoopsCacheLocator", "loops_stamp", "register"]

_PACKAGE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LOOP_DIRS = (
    os.path.join(_PACKAGE, "filtering", "_loops"),
    os.path.join(_PACKAGE, "gradients", "_loops"),
    os.path.join(_PACKAGE, "window", "_loops"),
)
"""The folders that hold all of imagekit's numba code (filtering, gradients, window filters)."""

# numba >= 0.60 names it CacheImpl, before that _CacheImpl
_CACHE_IMPL = getattr(caching, "CacheImpl", None) or caching._CacheImpl


@functools.cache
def loops_stamp() -> str:
    """A hash of the names and contents of every ``.py`` file in ``LOOP_DIRS``."""
    digest = hashlib.sha256()
    for folder in LOOP_DIRS:
        for name in sorted(os.listdir(folder)):
            if name.endswith(".py"):
                with open(os.path.join(folder, name), "rb") as f:
                    content = f.read()
                digest.update(f"{os.path.basename(folder)}/{name}\0{len(content)}\0".encode())
                digest.update(content)
    return digest.hexdigest()


class LoopsCacheLocator(caching._CacheLocator):
    """numba's locator for a function in a loop package, with ``loops_stamp`` as its
    source stamp: where the cache lives is the wrapped locator's."""

    def __init__(self, located):
        self._located = located

    def ensure_cache_path(self):
        self._located.ensure_cache_path()

    def get_cache_path(self):
        return self._located.get_cache_path()

    def get_source_stamp(self):
        return loops_stamp()

    def get_disambiguator(self):
        return self._located.get_disambiguator()

    @classmethod
    def from_function(cls, py_func, py_file):
        if os.path.dirname(os.path.abspath(py_file)) not in LOOP_DIRS:
            return None
        for other in _CACHE_IMPL._locator_classes:
            if other is not cls:
                located = other.from_function(py_func, py_file)
                if located is not None:
                    return cls(located)
        return None


def register() -> None:
    """Put ``LoopsCacheLocator`` first among the locators numba asks (once)."""
    if LoopsCacheLocator not in _CACHE_IMPL._locator_classes:
        _CACHE_IMPL._locator_classes.insert(0, LoopsCacheLocator)
