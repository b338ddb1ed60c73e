"""What a strategy is: the one interface every filtering strategy implements.

A strategy owns four things, and the planner (``_plan.py``) only ranks what
the registry (``_registry.py``) offers:

- ``why_not(plan)``: ``None`` when it can compute the call, else the reason
  it cannot, in the user's words (``applies`` is ``why_not(...) is None``);
  ``why_not_auto(plan)`` likewise for ``algorithm='auto'`` (an approximate
  strategy runs only when asked for);
- ``cost(plan)``: its predicted seconds for the call;
- ``prepare(plan, image_dtype, out_dtype)``: a :class:`Prepared` holding
  everything that depends on the call but not on the image's values (weights
  in the compute dtype, index maps, fill rows, an FFT kernel spectrum) and
  the name of the concrete loop it will run (``direct/3x3-rows``);
- ``run(prepared, image, out)``: that loop, on a real image, into ``out``.

filterbank's strategies (``strategies/bank_*.py``) differ in ``run`` only:
``run(prepared, image_cl, bank, border)`` returns the channels-last result,
the bank coming with each call (see that module).

``plan`` here is the resolved call (a :class:`~imagekit.filtering.Plan`
whose ``strategy`` is not yet chosen); it has a real kernel and a ``Pad`` or
``Fill`` border when the strategy runs: NA borders and complex values are
composed from real runs above the strategies.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from ._plan import Plan

__all__ = ["Prepared", "Strategy"]


@dataclass(frozen=True, eq=False)
class Prepared:
    """A strategy's prepared state for one plan and one (image, output) dtype pair.

    Attributes
    ----------
    loop : str
        The concrete loop ``run`` executes, ``strategy/loop`` (e.g.
        ``'separable/2d-sweep'``).
    plan : Plan
        The resolved call it was prepared for.
    image_dtype, out_dtype : numpy.dtype
        The dtypes of the image read and the output written.
    state : object
        The strategy's own prepared values (opaque to everyone else).
    """

    loop: str
    plan: Plan
    image_dtype: np.dtype
    out_dtype: np.dtype
    state: Any = None


class Strategy:
    """Base class of the strategies in the registry (see the module docstring).

    Class attributes: ``name`` (its registry name, unique per operation),
    ``operation`` (``'imfilter'`` or ``'filterbank'``), ``algorithm`` (the
    ``algorithm=`` value that asks for it), ``exact`` (``algorithm='auto'``
    chooses among exact strategies only, see ``why_not_auto``), ``writes_any_dtype`` (``run``
    casts into an output of any real dtype; otherwise it receives one of the
    compute dtype and the caller casts) and ``compile_free`` (it runs no numba
    loop: while numba's start-up is unpaid, the other strategies of its operation
    rank with it added, see ``_tier``).
    """

    name: str = ""
    operation: str = "imfilter"
    algorithm: str = ""
    exact: bool = True
    writes_any_dtype: bool = False
    compile_free: bool = False

    def why_not(self, plan: Plan) -> str | None:
        """``None`` when the strategy can compute ``plan``, else why not."""
        return None

    def applies(self, plan: Plan) -> bool:
        """Whether the strategy can compute ``plan``."""
        return self.why_not(plan) is None

    def why_not_auto(self, plan: Plan) -> str | None:
        """``None`` when ``algorithm='auto'`` may choose it (where it applies), else why
        not: an approximate strategy runs only when asked for."""
        return None if self.exact else "approximate: runs only when asked for"

    def cost(self, plan: Plan) -> float:
        """Predicted seconds for ``plan``."""
        raise NotImplementedError

    def prepare(self, plan: Plan, image_dtype, out_dtype) -> Prepared:
        """Everything ``run`` needs but the image, for these dtypes."""
        return Prepared(f"{self.name}/default", plan, np.dtype(image_dtype), np.dtype(out_dtype))

    def run(self, prepared: Prepared, image: np.ndarray, out: np.ndarray) -> None:
        """Write the result for ``image`` into ``out`` (C-contiguous, ``prepared.out_dtype``)."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{self.operation} strategy {self.name!r}>"
