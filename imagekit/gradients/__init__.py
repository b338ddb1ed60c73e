"""Exact gradients (vector-Jacobian products) of imagekit's filters."""

from ._vjp import imfilter_vjp

__all__ = ["imfilter_vjp"]
