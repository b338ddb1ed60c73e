"""Window (non-linear) filters: a function of each pixel's window of values.

:func:`mapwindow` applies any function; the recognised ones (median,
minimum, maximum, :class:`Rank`, :class:`Percentile`, mean, sum, var, std,
ptp) run on dedicated strategies (``strategies``), chosen per call by the
registry like imfilter's; their numba loops live in ``_loops``.
:func:`findlocalmaxima` and :func:`findlocalminima` find local extrema
(``_extrema``, with its own loop ``_loops.extrema``).
"""

from . import _builtin  # noqa: F401  (registers the strategies)
from ._extrema import findlocalmaxima, findlocalminima
from ._functions import Percentile, Rank
from ._mapwindow import mapwindow, maximum, median, minimum, percentile, rank
from ._plan import WindowPlan, plan_mapwindow

__all__ = [
    "Percentile",
    "Rank",
    "WindowPlan",
    "findlocalmaxima",
    "findlocalminima",
    "mapwindow",
    "maximum",
    "median",
    "minimum",
    "percentile",
    "plan_mapwindow",
    "rank",
]
