"""Two numba intrinsics for register-blocked loops, which numba has no option for.

- ``wide_vectors()``: LLVM's tuning for Intel's AVX-512 cores prefers 256-bit
  vectors (``prefer-256-bit``: 512-bit instructions once lowered the clock),
  so numba compiles loops for ymm registers even where zmm are there.
  Called in a function, this sets that function's ``prefer-vector-width``
  and ``min-legal-vector-width`` to 512: its loops use the full width where
  the CPU has it (a wider preference than the target's registers is capped
  by LLVM, so nothing changes elsewhere). It emits no instruction.
- ``stack_tile(n, dtype)``: ``n`` (a literal) elements on the stack, as a
  pointer for ``numba.carray``. An accumulator tile there cannot alias any
  array argument, so LLVM keeps it in registers across a loop; a tile from
  ``np.empty`` lives on the heap behind a pointer LLVM knows nothing about,
  and every multiply-add then loads and stores it (measured 4x slower).

``avx512()`` says whether the host has AVX-512 (what the filter bank's
register tiles are sized for).
"""

from __future__ import annotations

import functools

from llvmlite import ir
from numba.core import cgutils, types
from numba.core.errors import RequireLiteralValue
from numba.extending import intrinsic

__all__ = ["avx512", "stack_tile", "wide_vectors"]

_WIDE = ('"prefer-vector-width"="512"', '"min-legal-vector-width"="512"')


@intrinsic
def wide_vectors(typingctx):
    """Mark the calling function for 512-bit vectors (no run-time effect)."""

    def codegen(context, builder, signature, args):
        attributes = builder.function.attributes
        try:
            for attribute in _WIDE:
                # llvmlite's add() takes only keyword attributes; a string
                # attribute goes in through the set that holds them.
                set.add(attributes, attribute)
        except TypeError:  # a future llvmlite without that set: only speed is lost
            pass
        return context.get_dummy_value()

    return types.none(), codegen


@intrinsic
def stack_tile(typingctx, n, dtype):
    """A pointer to ``n`` uninitialised elements of ``dtype`` on the function's stack."""
    if not isinstance(n, types.IntegerLiteral):
        raise RequireLiteralValue(n)
    count = n.literal_value
    element = dtype.dtype

    def codegen(context, builder, signature, args):
        ty = context.get_value_type(element)
        # in the entry block, of a constant size: LLVM can then promote it to registers
        return cgutils.alloca_once(builder, ty, size=ir.Constant(ir.IntType(64), count))

    return types.CPointer(element)(n, dtype), codegen


@functools.cache
def avx512() -> bool:
    """Whether the host CPU has AVX-512F (as LLVM sees it, so as numba compiles)."""
    import llvmlite.binding as ll

    ll.initialize_native_target()
    return bool(ll.get_host_cpu_features().get("avx512f", False))
