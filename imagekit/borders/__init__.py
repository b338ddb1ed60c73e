"""Borders: how an image continues past its edges, and padding by them."""

from ._border import BORDER_NAMES, NA, Border, Fill, Pad, normalize_border
from ._pad import extend, pad_indices, padarray

__all__ = [
    "BORDER_NAMES",
    "NA",
    "Border",
    "Fill",
    "Pad",
    "extend",
    "normalize_border",
    "pad_indices",
    "padarray",
]
