"""Filtering: imfilter, imgradients, and the planner that picks a strategy."""

from ._filterbank import filterbank
from ._imfilter import imfilter
from ._imgradients import imgradients, magnitude
from ._plan import STRATEGIES, Plan, plan

__all__ = ["STRATEGIES", "Plan", "filterbank", "imfilter", "imgradients", "magnitude", "plan"]
