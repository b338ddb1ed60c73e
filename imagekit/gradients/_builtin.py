"""The gradients' built-in strategies, registered in the filtering registry on import.

One line per strategy (``(operation, "module:object")``; see ``_strategies``),
imported on the first plan of its operation; filtering never imports
gradients, so gradients adds its own when it is imported.
"""

from ..filtering._registry import register_builtin

__all__: list[str] = []

register_builtin(
    ("imfilter_vjp", "imagekit.gradients._vjp_strategies:VJP_FUSED"),
    ("imfilter_vjp", "imagekit.gradients._vjp_strategies:VJP_SEPARATE"),
    ("imfilter_vjp", "imagekit.gradients._vjp_shifts:VJP_SHIFTS"),
    ("image_grad", "imagekit.gradients._image_grads:IMAGE_GRAD_FRAME"),
    ("image_grad", "imagekit.gradients._image_grads:IMAGE_GRAD_FOLD"),
    ("kernel_grad", "imagekit.gradients._kernel_grads:KERNEL_GRAD_ROWS"),
    ("kernel_grad", "imagekit.gradients._kernel_grads:KERNEL_GRAD_TAPS"),
    ("kernel_grad", "imagekit.gradients._kernel_grads:KERNEL_GRAD_FFT"),
    ("filterbank_vjp", "imagekit.gradients._filterbank_vjp:BANK_VJP_GEMM"),
    ("window_grad-device", "imagekit.gradients._xp_grads:DEVICE_WINDOW_GRAD_TAPS"),
    ("window_grad-device", "imagekit.gradients._xp_grads:DEVICE_WINDOW_GRAD_FFT"),
    ("kernel_grad-device", "imagekit.gradients._xp_grads:DEVICE_KERNEL_GRAD_TAPS"),
    ("kernel_grad-device", "imagekit.gradients._xp_grads:DEVICE_KERNEL_GRAD_FFT"),
    ("filterbank_vjp-device", "imagekit.gradients._xp_vjp:DEVICE_BANK_VJP_GEMM"),
)
