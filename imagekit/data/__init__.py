"""Sample data shipped with imagekit.

``astronaut.png``: Eileen Collins, NASA astronaut, 256×256 RGB — NASA's
photograph (public domain), as distributed in scikit-image's data set,
reduced in size.
"""

from __future__ import annotations

from importlib import resources

import numpy as np

from ..io import imread

__all__ = ["sample"]


def sample() -> np.ndarray:
    """The bundled sample image: a (256, 256, 3) uint8 RGB photograph.

    Examples
    --------
    >>> from imagekit.data import sample
    >>> img = sample()
    >>> img.shape, img.dtype
    ((256, 256, 3), dtype('uint8'))
    """
    with resources.as_file(resources.files(__package__) / "astronaut.png") as path:
        return imread(path)
