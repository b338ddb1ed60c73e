"""Per-thread scratch buffers, reused from call to call.

A filter needs temporaries (the extended image, intermediates between
passes) as large as the image. Allocating them afresh each call costs more
than the filter itself on mid-sized images: glibc serves allocations above
its mmap threshold with fresh pages, and faulting in 8 MB takes ~2 ms, more
than a 5x5 box on 4 Mpixel takes (measured). So each thread keeps its last
buffer per slot and hands out views of it. Buffers above ``KEEP_BYTES`` are
not kept, so a huge image does not pin its temporaries in memory.

Views are valid until the same thread asks for the same slot again; the
strategies use them only within one call, never for anything returned.
"""

from __future__ import annotations

import threading

import numpy as np

__all__ = ["KEEP_BYTES", "readonly", "scratch"]

KEEP_BYTES = 64 * 2**20
_local = threading.local()


def scratch(shape, dtype, slot: int = 0) -> np.ndarray:
    """An uninitialised C-contiguous array of ``shape``/``dtype`` from this thread's pool."""
    dtype = np.dtype(dtype)
    nbytes = int(np.prod(shape)) * dtype.itemsize
    if nbytes > KEEP_BYTES:
        return np.empty(shape, dtype)
    pool = getattr(_local, "pool", None)
    if pool is None:
        pool = _local.pool = {}
    buf = pool.get(slot)
    if buf is None or buf.size < nbytes:
        buf = pool[slot] = np.empty(max(nbytes, 1), np.uint8)
    return buf[:nbytes].view(dtype).reshape(shape)


def readonly(a: np.ndarray) -> np.ndarray:
    """A read-only view of ``a``: numba kernels take their sources this way, so
    writeable and read-only images share one compiled specialisation."""
    v = a.view()
    v.flags.writeable = False
    return v
