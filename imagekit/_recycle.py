"""Large results in recycled memory: the one policy, in ``empty(shape, dtype)``.

What is recycled: the results that imagekit allocates itself (``imfilter``,
``filterbank``'s register-tile and Winograd strategies, the image gradient
of ``imfilter_vjp``, ``mapwindow`` and the window filters) of ``MIN_BYTES``
(4 MiB) or more, of a plain numeric dtype, and only while the
``keep_outputs_mb`` setting (``imagekit.config``, default 256; 0 turns
recycling off) is at least the result's size. An ``out=`` array is never
replaced, and temporaries are the workspace's (``imagekit._workspace``),
not this.

What a user sees: an ordinary ndarray (writeable, C-contiguous, aligned,
owning no memory another live array holds) whose ``base`` is a small
internal object. When the last reference to it and to every view of it is
gone, its block of memory is kept instead of being freed, and a later
result that fits it and takes at least four fifths of it is made in it.
At most ``keep_outputs_mb`` MiB of such free blocks are kept, the oldest
dropped first, under the setting in force when the result was made;
``release()`` drops them all.

Why: a large fresh array gets fresh pages from the system, which the kernel
zeroes on first touch, and a loop that makes one result per step (``r =
imfilter(...)`` drops the one before) pays that every step; below 4 MiB the
heap reuses freed memory itself. Recycling is a Python-level pool, not
numpy's allocator hook (``PyDataMem_SetHandler``), which would cover every
array of the process.

The free list is touched only by atomic dict operations: a block comes
back from ``__del__``, which may run in any thread or inside a garbage
collection triggered while another call is using the list, so a lock could
deadlock.
"""

from __future__ import annotations

import math

import numpy as np

from ._config import current

__all__ = ["MIN_BYTES", "empty", "keep_bytes", "release"]

MIN_BYTES = 4 * 2**20

# Free blocks by id, oldest first (see the module on why no lock).
_free: dict[int, tuple[np.ndarray, int]] = {}  # (bytes, their address)


def keep_bytes() -> int:
    """How many bytes of free blocks may be kept: the ``keep_outputs_mb`` setting."""
    return current().keep_outputs_bytes


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
    at most ``cap`` bytes (the setting when it was leased)."""
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
    nbytes = math.prod(shape) * dtype.itemsize
    if nbytes < MIN_BYTES or dtype.hasobject or dtype.names:
        return np.empty(shape, dtype)
    cap = keep_bytes()
    if cap < nbytes:
        return np.empty(shape, dtype)
    shape = tuple(int(n) for n in shape)
    block = _take(nbytes)
    if block is None:  # its address read once, kept with the block
        raw = np.empty(nbytes, np.uint8)
        block = (raw, raw.__array_interface__["data"][0])
    return np.asarray(_Lease(block, shape, dtype, cap))


def release() -> None:
    """Drop every free block (their memory goes back to the system)."""
    _free.clear()
