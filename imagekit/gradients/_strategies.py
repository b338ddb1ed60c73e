"""The gradients' strategies: the filtering registry's mechanism, for their operations.

Each gradient choice is a :class:`~imagekit.filtering._strategy.Strategy` in
the filtering registry (``filtering._registry``), registered when
``imagekit.gradients`` is imported (``_builtin``), and chosen by the
registry's ``rank`` alone:

- ``imfilter_vjp``: both gradients of a (non-NA, real) filter: in one fused
  pass over the rows, or the image's then the kernel's (``_vjp_strategies``),
  or in NumPy array operations for first small calls (``_vjp_shifts``);
- ``image_grad``: the image gradient, a "same" filter plus its folded margins,
  or the window gradient folded back (``_image_grads``);
- ``kernel_grad``: the kernel gradient, by rows read in place, by one pass per
  tap over the extended window, or by an FFT correlation (``_kernel_grads``);
- ``filterbank_vjp``: the filter bank's (``_filterbank_vjp``);
- ``window_grad-device``, ``kernel_grad-device``, ``filterbank_vjp-device``: the
  same choices for CuPy / array-API arrays, by tap count (``_xp_grads``).

What each ranks (the ``plan`` its ``why_not`` and ``cost`` take): the forward
:class:`~imagekit.filtering.Plan` for ``imfilter_vjp`` and ``image_grad``, a
:class:`~imagekit.gradients._kernel_grads.KernelGradCall` for ``kernel_grad``
and the filter bank's layout for ``filterbank_vjp``. ``prepare(call, dtype,
dtype)`` names the loop (``kernel-grad/taps``) and ``run(prepared, image,
grad)`` returns the gradient(s) (``filterbank_vjp``'s takes the bank too,
``run(prepared, image, grad, bank)``, as filterbank's strategies take it
with each call).
"""

from __future__ import annotations

import numpy as np

from ..filtering._registry import rank, strategies
from ..filtering._strategy import Prepared, Strategy

__all__ = ["GradientStrategy", "choose", "ranked_cost"]


class GradientStrategy(Strategy):
    """A gradient strategy: ``run(prepared, image, grad, *operands)`` returns the
    gradient(s)."""

    def run(self, prepared: Prepared, image: np.ndarray, grad: np.ndarray, *operands):
        raise NotImplementedError


def choose(operation: str, call, dtype) -> tuple[Strategy, Prepared]:
    """The strategy the registry ranks first for ``call`` and its preparation for ``dtype``."""
    name = rank(operation, call, "auto")[2]
    strategy = strategies(operation)[name]
    return strategy, strategy.prepare(call, dtype, dtype)


def ranked_cost(operation: str, call) -> float:
    """The predicted cost of the strategy the registry ranks first for ``call``."""
    _, costs, name, _ = rank(operation, call, "auto")
    return costs[name]
