"""The gradients' built-in strategies, registered in the filtering registry on import.

One line per strategy (see ``_strategies``); filtering never imports
gradients, so gradients adds its own when it is imported.
"""

from ..filtering._registry import register_builtin
from ._filterbank_vjp import BANK_VJP_GEMM
from ._image_grads import IMAGE_GRAD_FOLD, IMAGE_GRAD_FRAME
from ._kernel_grads import KERNEL_GRAD_FFT, KERNEL_GRAD_ROWS, KERNEL_GRAD_TAPS
from ._vjp_strategies import VJP_FUSED, VJP_SEPARATE
from ._xp_grads import (
    DEVICE_KERNEL_GRAD_FFT,
    DEVICE_KERNEL_GRAD_TAPS,
    DEVICE_WINDOW_GRAD_FFT,
    DEVICE_WINDOW_GRAD_TAPS,
)
from ._xp_vjp import DEVICE_BANK_VJP_GEMM

__all__: list[str] = []

register_builtin(
    VJP_FUSED,
    VJP_SEPARATE,
    IMAGE_GRAD_FRAME,
    IMAGE_GRAD_FOLD,
    KERNEL_GRAD_ROWS,
    KERNEL_GRAD_TAPS,
    KERNEL_GRAD_FFT,
    BANK_VJP_GEMM,
    DEVICE_WINDOW_GRAD_TAPS,
    DEVICE_WINDOW_GRAD_FFT,
    DEVICE_KERNEL_GRAD_TAPS,
    DEVICE_KERNEL_GRAD_FFT,
    DEVICE_BANK_VJP_GEMM,
)
