"""Border values and the one parser that turns a user's spec into them.

Pictures of the modes, for the image ``a b c d`` (scipy's names):

=========  ===========================
reflect    ``d c b a | a b c d | d c b a``
mirror     ``d c b | a b c d | c b a``
nearest    ``a a a a | a b c d | d d d d``
wrap       ``a b c d | a b c d | a b c d``
constant   ``k k k k | a b c d | k k k k``
=========  ===========================
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

__all__ = ["BORDER_NAMES", "NA", "Border", "Fill", "Pad", "normalize_border"]


class Border:
    """Base of the border values: how an image continues past its edges."""

    __slots__ = ()


@dataclass(frozen=True)
class Pad(Border):
    """A border that repeats image pixels: ``reflect``, ``mirror``, ``nearest`` or ``wrap``."""

    mode: str

    def __post_init__(self):
        if self.mode not in _PAD_MODES:
            raise ValueError(f"Pad mode {self.mode!r} is not one of: {', '.join(_PAD_MODES)}")


@dataclass(frozen=True)
class Fill(Border):
    """Pixels outside the image take the constant ``value`` (scipy's ``constant`` with ``cval``).

    Examples
    --------
    >>> from imagekit.borders import Fill
    >>> Fill(0) == Fill(0.0)
    True
    """

    value: float | complex = 0.0

    def __post_init__(self):
        v = self.value
        if isinstance(v, bool) or not isinstance(v, numbers.Number):
            raise TypeError(f"Fill value must be a real or complex number, got {v!r}")


@dataclass(frozen=True)
class NA(Border):
    """Normalised filtering: out-of-image pixels and NaNs are left out.

    The result at each pixel is ``sum(k * a over available pixels) /
    sum(k over available pixels)`` (ImageFiltering.jl's ``NA()``). It suits
    kernels with non-negative weights (blurs); where no weight is available
    the result is NaN.
    """


_PAD_MODES = ("reflect", "mirror", "nearest", "wrap")

# Every accepted string and what it means. scipy's names first; the aliases
# are MATLAB/numpy/OpenCV words for the same thing, and scipy's grid-* names.
_ALIASES: dict[str, Border] = {
    "reflect": Pad("reflect"),
    "mirror": Pad("mirror"),
    "nearest": Pad("nearest"),
    "wrap": Pad("wrap"),
    "constant": Fill(0.0),
    "symmetric": Pad("reflect"),
    "grid-mirror": Pad("reflect"),
    "replicate": Pad("nearest"),
    "edge": Pad("nearest"),
    "circular": Pad("wrap"),
    "grid-wrap": Pad("wrap"),
    "grid-constant": Fill(0.0),
    "na": NA(),
}

BORDER_NAMES = tuple(_ALIASES)


def normalize_border(border, name: str = "border") -> Border:
    """Turn a border spec into a :class:`Border` value.

    Parameters
    ----------
    border : str, number or Border
        One of ``'reflect'`` (alias ``'symmetric'``), ``'mirror'``,
        ``'nearest'`` (``'replicate'``, ``'edge'``), ``'wrap'``
        (``'circular'``), ``'constant'`` (zeros), ``'na'``; a number ``v``
        (meaning ``Fill(v)``); or a ``Pad``, ``Fill`` or ``NA`` value.

    Raises
    ------
    ValueError
        For an unknown string, listing the valid ones.
    TypeError
        For anything that is not a string, number or Border.

    Examples
    --------
    >>> from imagekit.borders import normalize_border
    >>> normalize_border("symmetric")
    Pad(mode='reflect')
    >>> normalize_border(0)
    Fill(value=0)
    """
    if isinstance(border, Border):
        return border
    if isinstance(border, str):
        try:
            return _ALIASES[border.lower()]
        except KeyError:
            raise ValueError(
                f"{name}={border!r} is not one of: {', '.join(BORDER_NAMES)} "
                "(or a number, Fill(value), NA())"
            ) from None
    if isinstance(border, numbers.Number) and not isinstance(border, bool):
        return Fill(border)
    raise TypeError(
        f"{name} must be a border name, a number or a Border value, got {type(border).__name__}"
    )
