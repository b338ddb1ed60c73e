"""Filtering: imfilter, filterbank, imgradients, and plans you can keep."""

from ._filterbank import filterbank
from ._imfilter import imfilter
from ._imgradients import imgradients, magnitude
from ._plan import STRATEGIES, Plan, plan

__all__ = ["STRATEGIES", "Plan", "filterbank", "imfilter", "imgradients", "magnitude", "plan"]
