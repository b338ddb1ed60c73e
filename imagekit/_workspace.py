"""Temporaries by name: each module's own buffers, per thread, reused from call to call.

A filter needs temporaries as large as the image (the extended image, the
intermediates between passes). Fresh ones each call cost more than a small
filter: the allocator hands large blocks out as fresh pages, and the kernel
faults each one in on first touch. So each thread keeps its last buffer of
each name and hands out views of it; a buffer above ``KEEP_BYTES`` is not
kept, so a huge image does not pin its temporaries in memory.

The rule that keeps two users apart: a module that needs temporaries makes
one ``Workspace(__name__)`` and asks only its own for buffers; names are
that module's. Two modules therefore never share memory, whatever names
they choose, and within a module two buffers alive at once need two names.
A view is valid until the same thread asks the same workspace for the same
name again: temporaries live within one call and are never returned.

>>> import numpy as np
>>> from imagekit._workspace import Workspace
>>> ws = Workspace(__name__)
>>> a = ws.buffer("rows", (4, 5), np.float32)
>>> b = ws.buffer("columns", (4, 5), np.float32)  # another name: other memory
>>> bool(np.shares_memory(a, b))
False
>>> bool(np.shares_memory(a, ws.buffer("rows", (2, 3), np.float64)))  # reused
True
"""

from __future__ import annotations

import math
import sys
import threading

import numpy as np

__all__ = ["KEEP_BYTES", "Workspace", "workspaces"]

KEEP_BYTES = 64 * 2**20
_registry: list[Workspace] = []


class Workspace:
    """The temporaries of one module (its ``owner``): named buffers, one set per thread.

    Make it once, at module level, as ``Workspace(__name__)``, and keep it
    private: only the module named by ``owner`` may make it or ask it for buffers.
    """

    __slots__ = ("_local", "owner")

    def __init__(self, owner: str):
        caller = sys._getframe(1).f_globals.get("__name__")
        if owner != caller:
            raise ValueError(
                f"Workspace(owner={owner!r}) made in module {caller!r}: a module makes "
                "its own, as Workspace(__name__)"
            )
        self.owner = owner
        self._local = threading.local()
        _registry.append(self)

    def buffer(self, name: str, shape, dtype, *, align: int = 0) -> np.ndarray:
        """An uninitialised C-contiguous array of ``shape`` and ``dtype``: this thread's
        buffer ``name``, grown if needed.

        ``align`` (bytes, a power of two) starts it on such a boundary: e.g. 64,
        a cache line, for loops that load 64 bytes at a time.
        """
        dtype = np.dtype(dtype)
        nbytes = math.prod(shape) * dtype.itemsize
        size = nbytes + align
        if size > KEEP_BYTES:
            if not align:
                return np.empty(shape, dtype)
            raw = np.empty(size, np.uint8)
            address = raw.__array_interface__["data"][0]
        else:
            pool = self._local.__dict__  # this thread's buffers
            kept = pool.get(name)
            if kept is None or kept[0].size < size:
                raw = np.empty(max(size, 1), np.uint8)
                kept = pool[name] = (raw, raw.__array_interface__["data"][0])
            raw, address = kept
        start = -address % align if align else 0
        return raw[start : start + nbytes].view(dtype).reshape(shape)

    def __repr__(self) -> str:
        return f"Workspace({self.owner!r})"


def workspaces() -> list[Workspace]:
    """Every workspace made so far."""
    return list(_registry)
