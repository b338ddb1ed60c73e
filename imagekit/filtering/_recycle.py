"""Large results in recycled memory: ``empty(shape, dtype)``.

A result of 32 MiB or more is above glibc's largest mmap threshold, so
``np.empty`` maps fresh pages for it every time and the kernel zeroes each
page on first touch: for a 2048x2048x3 float32 Gaussian (50 MB) that is
2.5 ms of an 11 ms call, and it does not overlap across threads on this
machine (two threads touching halves took 3.1 ms, one took 2.5 ms). In a
loop the previous result is usually gone by the next call (``r =
imfilter(...)`` drops the one before), so its memory, already faulted in,
can carry the next result.

``empty`` hands out such blocks: the array it returns is a view whose base
is a ``_Lease``; when the last view of it dies, the lease puts its block
back in ``_free``. A request takes a free block of at least its size (at
most a quarter larger), else maps a new one. Free blocks are capped at
``IMAGEKIT_KEEP_OUTPUTS_MB`` (default 256; ``0`` turns recycling off),
oldest dropped first, so at most that much memory stays mapped after the
results are gone. (A Python-level pool, not numpy's allocator hook
``PyDataMem_SetHandler``: that is C-level and would cover every array of
the process, not only ours.)
"""

from __future__ import annotations

import math
import os

import numpy as np

__all__ = ["MIN_BYTES", "empty", "keep_bytes", "release"]

# glibc's largest mmap threshold (64-bit): malloc itself reuses smaller blocks
MIN_BYTES = 32 * 2**20
_DEFAULT_KEEP_MB = 256

# Free blocks by id, oldest first. Only atomic dict operations touch it (a
# lease's __del__ may run in any thread, or inside a garbage collection
# triggered while another call is busy with the dict): no lock to deadlock on.
_free: dict[int, np.ndarray] = {}


def keep_bytes() -> int:
    """How many bytes of free blocks may be kept (``IMAGEKIT_KEEP_OUTPUTS_MB``)."""
    value = os.environ.get("IMAGEKIT_KEEP_OUTPUTS_MB", "")
    try:
        mb = float(value) if value.strip() else _DEFAULT_KEEP_MB
    except ValueError:
        mb = _DEFAULT_KEEP_MB
    return max(int(mb * 2**20), 0)


class _Lease:
    """The base of a recycled result: exposes its block as an array of the result's
    shape and dtype, and returns the block when the last view of it is gone."""

    __slots__ = ("__array_interface__", "_block")

    def __init__(self, block: np.ndarray, shape: tuple, dtype: np.dtype):
        self._block = block
        self.__array_interface__ = {
            "shape": shape,
            "typestr": dtype.str,
            "descr": dtype.descr,
            "data": (block.ctypes.data, False),
            "version": 3,
        }

    def __del__(self):
        try:
            _give_back(self._block)
        except Exception:  # at interpreter shutdown: nothing left to keep it in
            pass


def _give_back(block: np.ndarray) -> None:
    cap = keep_bytes()
    if block.nbytes > cap:
        return
    _free[id(block)] = block
    while sum(b.nbytes for b in list(_free.values())) > cap:
        try:
            _free.pop(next(iter(_free)))  # the oldest
        except (StopIteration, KeyError, RuntimeError):  # emptied or changed meanwhile
            break


def _take(nbytes: int) -> np.ndarray | None:
    for key, block in list(_free.items()):
        if nbytes <= block.nbytes <= nbytes + nbytes // 4:
            if _free.pop(key, None) is not None:  # not taken by another thread meanwhile
                return block
    return None


def empty(shape: tuple, dtype) -> np.ndarray:
    """``np.empty(shape, dtype)``, in a recycled block when it is large (see the module)."""
    dtype = np.dtype(dtype)
    nbytes = math.prod(shape) * dtype.itemsize  # every imfilter call: no numpy reduction
    if nbytes < MIN_BYTES or dtype.hasobject or keep_bytes() < nbytes:
        return np.empty(shape, dtype)
    shape = tuple(int(n) for n in shape)
    block = _take(nbytes)
    if block is None:
        block = np.empty(nbytes, np.uint8)
    return np.asarray(_Lease(block, shape, dtype))


def release() -> None:
    """Drop every free block (their memory goes back to the system)."""
    _free.clear()
