"""Large results in recycled memory: ``empty(shape, dtype)``.

Results of 4 MiB or more come from blocks that a freed result gave back,
because glibc faults their memory in anew in two common loops:

- A result of 32 MiB or more is above glibc's largest mmap threshold, so
  ``np.empty`` maps fresh pages for it every time and the kernel zeroes
  each page on first touch: for a 2048x2048x3 float32 Gaussian (50 MB) that
  is 2.5 ms of an 11 ms call, and it does not overlap across threads on
  this machine (two threads touching halves took 3.1 ms, one took 2.5 ms).
- Smaller results come from the heap, but glibc gives its top back to the
  system once more than twice its (adaptive) mmap threshold is free there:
  a loop that holds two 8 MB results at once (a forward filter and its
  vjp, 1000² float64) freed 16 MB a step and faulted ~800 pages back in
  the next, 3.6-4.5 ms a step instead of 1.1 ms. Whether it happens
  depends on what the process allocated before. Below 4 MiB (a 1000²
  float32 result) the same loop measured no faults.

In a loop the previous result is usually gone by the next call (``r =
imfilter(...)`` drops the one before), so its memory, already faulted in,
can carry the next result.

``empty`` hands out such blocks: the array it returns is a view whose base
is a ``_Lease``; when the last view of it dies, the lease puts its block
back in ``_free``. A request takes a free block of at least its size (at
most a quarter larger), else maps a new one. Free blocks are capped at
``IMAGEKIT_KEEP_OUTPUTS_MB`` (default 256; ``0`` turns recycling off),
oldest dropped first, so at most that much memory stays mapped after the
results are gone. A lease costs ~6 us a call inside ``imfilter`` (1000²
float64 3x3, the smallest recycled filter of the benchmarks: 2-3%). (A
Python-level pool, not numpy's allocator hook ``PyDataMem_SetHandler``:
that is C-level and would cover every array of the process, not only ours.)
"""

from __future__ import annotations

import functools
import math
import os

import numpy as np

__all__ = ["MIN_BYTES", "empty", "keep_bytes", "release"]

# below this the heap's reuse measured free of faults (see the module)
MIN_BYTES = 4 * 2**20
_DEFAULT_KEEP_MB = 256

# Free blocks by id, oldest first. Only atomic dict operations touch it (a
# lease's __del__ may run in any thread, or inside a garbage collection
# triggered while another call is busy with the dict): no lock to deadlock on.
_free: dict[int, tuple[np.ndarray, int]] = {}  # (bytes, their address)


def keep_bytes() -> int:
    """How many bytes of free blocks may be kept (``IMAGEKIT_KEEP_OUTPUTS_MB``)."""
    return _parse_keep(os.environ.get("IMAGEKIT_KEEP_OUTPUTS_MB", ""))


@functools.lru_cache(maxsize=8)
def _parse_keep(value: str) -> int:
    try:
        mb = float(value) if value.strip() else _DEFAULT_KEEP_MB
    except ValueError:
        mb = _DEFAULT_KEEP_MB
    return max(int(mb * 2**20), 0)


class _Lease:
    """The base of a recycled result: exposes its block as an array of the result's
    shape and dtype, and returns the block when the last view of it is gone."""

    __slots__ = ("__array_interface__", "_block", "_cap")

    def __init__(self, block: tuple, shape: tuple, dtype: np.dtype, cap: int):
        self._block, self._cap = block, cap
        self.__array_interface__ = {
            "shape": shape,
            "typestr": dtype.str,
            "data": (block[1], False),
            "version": 3,
        }

    def __del__(self):
        try:
            _give_back(self._block, self._cap)
        except Exception:  # at interpreter shutdown: nothing left to keep it in
            pass


def _give_back(block: tuple, cap: int) -> None:
    """Put ``block`` (an array of bytes and its address) among the free ones, keeping
    at most ``cap`` bytes (the setting when it was leased: reading the environment
    again costs as much as the rest)."""
    if block[0].nbytes > cap:
        return
    _free[id(block)] = block
    while sum(b.nbytes for b, _ in list(_free.values())) > cap:
        try:
            _free.pop(next(iter(_free)))  # the oldest
        except (StopIteration, KeyError, RuntimeError):  # emptied or changed meanwhile
            break


def _take(nbytes: int) -> tuple | None:
    for key, block in list(_free.items()):
        if nbytes <= block[0].nbytes <= nbytes + nbytes // 4:
            if _free.pop(key, None) is not None:  # not taken by another thread meanwhile
                return block
    return None


def empty(shape: tuple, dtype) -> np.ndarray:
    """``np.empty(shape, dtype)``, in a recycled block when it is large (see the module)."""
    dtype = np.dtype(dtype)
    nbytes = math.prod(shape) * dtype.itemsize  # every imfilter call: no numpy reduction
    if nbytes < MIN_BYTES or dtype.hasobject or dtype.names:
        return np.empty(shape, dtype)
    cap = keep_bytes()
    if cap < nbytes:
        return np.empty(shape, dtype)
    shape = tuple(int(n) for n in shape)
    block = _take(nbytes)
    if block is None:  # its address read once: __array_interface__ builds a dict (1 us)
        raw = np.empty(nbytes, np.uint8)
        block = (raw, raw.__array_interface__["data"][0])
    return np.asarray(_Lease(block, shape, dtype, cap))


def release() -> None:
    """Drop every free block (their memory goes back to the system)."""
    _free.clear()
