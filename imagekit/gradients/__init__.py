"""Exact gradients (vector-Jacobian products) of imagekit's filters."""

from . import _builtin  # noqa: F401 - registers the gradient strategies
from ._filterbank_vjp import filterbank_vjp
from ._vjp import imfilter_vjp

__all__ = ["filterbank_vjp", "imfilter_vjp"]
