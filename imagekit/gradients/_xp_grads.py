"""The device vjps' strategies: the window and kernel gradients in array operations.

Two operations of the registry, ranked by ``rank`` alone as the in-memory
gradients are (``_strategies``), in the input's array namespace (CuPy on the
GPU, any array-API library):

- ``window_grad-device``: ``G[p] = sum_j w[j] g[p - j]`` over the window,
  one weighted, shifted copy of ``g`` per non-zero tap
  (``window-grad/device-taps``) or a product of real transforms
  (``window-grad/device-fft``);
- ``kernel_grad-device``: ``dw[j] = sum_i g[i] E[i + j]``, one inner product
  per tap (``kernel-grad/device-taps``) or an FFT correlation
  (``kernel-grad/device-fft``).

As for the ``'imfilter-device'`` strategies, costs are tap counts (one
launch per tap), a rule of thumb not fitted on a GPU; an FFT counts one more
than the taps, so it runs where the tap loop does not apply: past the tap
loop's ``max_taps``. ``run(prepared, xp, ...)`` returns the gradient on the
arrays' device.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._dtypes import np_dtype
from ..filtering._strategy import Prepared, Strategy
from ..filtering.backends.cupy import device
from ._kernel_grads import KernelGradCall
from ._strategies import choose

__all__ = [
    "DEVICE_KERNEL_GRAD_FFT",
    "DEVICE_KERNEL_GRAD_TAPS",
    "DEVICE_WINDOW_GRAD_FFT",
    "DEVICE_WINDOW_GRAD_TAPS",
    "DeviceKernelGradFFT",
    "DeviceKernelGradTaps",
    "DeviceWindowGradFFT",
    "DeviceWindowGradTaps",
    "WindowGradCall",
    "kernel_grad",
    "window_grad",
]


@dataclass(frozen=True, eq=False)
class WindowGradCall:
    """A window gradient to compute: what the ``window_grad-device`` strategies rank."""

    weights: np.ndarray
    grad_shape: tuple
    dtype: np.dtype

    @property
    def taps(self) -> int:
        """The non-zero taps: one weighted copy of the gradient each."""
        return int(np.count_nonzero(self.weights))

    @property
    def window_shape(self) -> tuple:
        return tuple(o + m - 1 for o, m in zip(self.grad_shape, self.weights.shape))


class _DeviceGrad(Strategy):
    """A device gradient strategy: its loop is ``<kind>/<name>``."""

    kind = ""

    def prepare(self, call, image_dtype, out_dtype) -> Prepared:
        dtypes = (np.dtype(image_dtype), np.dtype(out_dtype))
        return Prepared(f"{self.kind}/{self.name}", call, *dtypes)


class _DeviceTaps(_DeviceGrad):
    """A tap loop: one array operation per tap, up to ``max_taps`` taps.

    Parameters
    ----------
    max_taps : int
        The most taps it takes (more go to the FFT).
    """

    name, algorithm = "device-taps", "taps"

    def __init__(self, max_taps: int = 64):
        self.max_taps = max_taps

    def why_not(self, call) -> str | None:
        if call.taps > self.max_taps and math.prod(call.grad_shape):
            return f"{call.taps} taps: more than {self.max_taps}"
        return None

    def cost(self, call) -> float:
        return float(call.taps)


class _DeviceFFT(_DeviceGrad):
    """Products of real transforms (``xp.fft``): ranked after a tap loop that applies."""

    name, algorithm = "device-fft", "fft"

    def why_not(self, call) -> str | None:
        if math.prod(call.grad_shape) == 0:
            return "an empty gradient: nothing to transform"
        return None

    def cost(self, call) -> float:
        return float(call.taps + 1)


def _fft_product(xp, a, k, shape):
    """``a`` convolved by ``k`` (both on the device) through real transforms at the
    next fast lengths of ``shape`` (the callers keep the positions that do not wrap)."""
    from scipy.fft import next_fast_len  # scipy.fft loads on the first device FFT

    s = tuple(next_fast_len(n) for n in shape)
    axes = tuple(range(a.ndim))
    return xp.fft.irfftn(
        xp.fft.rfftn(a, s=s, axes=axes) * xp.fft.rfftn(k, s=s, axes=axes), s=s, axes=axes
    )


class DeviceWindowGradTaps(_DeviceTaps):
    """One weighted, shifted copy of ``g`` per non-zero tap (``max_taps``: see
    :class:`_DeviceTaps`; an empty ``g`` takes any number)."""

    operation, kind = "window_grad-device", "window-grad"

    def run(self, prepared: Prepared, xp, g):
        weights = prepared.plan.weights
        out = xp.zeros(prepared.plan.window_shape, dtype=g.dtype, device=device(xp, g))
        for j in zip(*np.nonzero(weights)):
            sl = tuple(slice(int(t), int(t) + o) for t, o in zip(j, g.shape))
            out[sl] = out[sl] + g * float(weights[j])
        return out


class DeviceWindowGradFFT(_DeviceFFT):
    """The window gradient as a product of transforms of ``g`` and the kernel."""

    operation, kind = "window_grad-device", "window-grad"

    def run(self, prepared: Prepared, xp, g):
        call = prepared.plan
        w = np.ascontiguousarray(call.weights)
        w = xp.asarray(w, dtype=g.dtype, device=device(xp, g))
        c = _fft_product(xp, g, w, call.window_shape)
        return c[tuple(slice(0, n) for n in call.window_shape)]


class DeviceKernelGradTaps(_DeviceTaps):
    """One inner product of ``g`` and the window's slice per tap (``max_taps``: see
    :class:`_DeviceTaps`)."""

    operation, kind = "kernel_grad-device", "kernel-grad"

    def run(self, prepared: Prepared, xp, E, g):
        kshape = prepared.plan.kshape
        taps = [
            xp.sum(g * E[tuple(slice(t, t + o) for t, o in zip(j, g.shape))])
            for j in np.ndindex(*kshape)
        ]
        return xp.reshape(xp.stack(taps), tuple(kshape))


class DeviceKernelGradFFT(_DeviceFFT):
    """``c[j] = sum_i g[i] E[i + j]``: an FFT correlation of the window with ``g``,
    its 'valid' part."""

    operation, kind = "kernel_grad-device", "kernel-grad"

    def run(self, prepared: Prepared, xp, E, g):
        flipped = xp.flip(g, axis=tuple(range(g.ndim)))
        c = _fft_product(xp, E, flipped, E.shape)
        return c[tuple(slice(m - 1, n) for m, n in zip(g.shape, E.shape))]


DEVICE_WINDOW_GRAD_TAPS = DeviceWindowGradTaps()
DEVICE_WINDOW_GRAD_FFT = DeviceWindowGradFFT()
DEVICE_KERNEL_GRAD_TAPS = DeviceKernelGradTaps()
DEVICE_KERNEL_GRAD_FFT = DeviceKernelGradFFT()


def window_grad(xp, g, weights: np.ndarray):
    """``G[p] = sum_j w[j] g[p - j]`` over the window (a 'full' convolution of ``g``),
    by the strategy the registry ranks first."""
    dtype = np_dtype(g.dtype)
    call = WindowGradCall(weights, tuple(g.shape), dtype)
    strategy, prepared = choose("window_grad-device", call, dtype)
    return strategy.run(prepared, xp, g)


def kernel_grad(xp, E, g, kshape):
    """``dw[j] = sum_i g[i] E[i + j]`` for every tap ``j`` of a kernel of ``kshape``,
    by the strategy the registry ranks first."""
    if math.prod(g.shape) == 0:  # an empty output: no gradient reaches the kernel
        return xp.zeros(tuple(kshape), dtype=g.dtype, device=device(xp, g))
    dtype = np_dtype(g.dtype)
    call = KernelGradCall(tuple(kshape), tuple(g.shape), tuple(E.shape), dtype)
    strategy, prepared = choose("kernel_grad-device", call, dtype)
    return strategy.run(prepared, xp, E, g)
