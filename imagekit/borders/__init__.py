"""Borders: how an image continues past its edges.

Values only: border specs and their normalisation. Padding an image is
:func:`imagekit.padarray`; the engine's padding helpers live in ``_pad``.
"""

from ._border import BORDER_NAMES, NA, Border, Fill, Pad, normalize_border

__all__ = ["BORDER_NAMES", "NA", "Border", "Fill", "Pad", "normalize_border"]
