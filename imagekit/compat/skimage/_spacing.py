"""scikit-image's ``ensure_spacing``: of points sorted by priority, keep those no
closer than ``spacing`` to a point kept before them.

Written out here (as scikit-image 0.26 has it in ``skimage._shared.coord``)
so that the compat layer does not import scikit-image. The points are
taken in batches of growing size, each batch with the points kept so far,
and the batches decide which point of a close pair survives: the order is
scikit-image's, so the points kept are too.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree, distance

__all__ = ["ensure_spacing"]


def _ensure_spacing(coord, spacing, p_norm, max_out):
    """One batch: each point not yet rejected rejects those closer than ``spacing``."""
    tree = cKDTree(coord)
    indices = tree.query_ball_point(coord, r=spacing, p=p_norm)
    rejected = set()
    naccepted = 0
    for idx, candidates in enumerate(indices):
        if idx not in rejected:
            # keep the current point and those at exactly ``spacing`` from it
            candidates.remove(idx)
            dist = distance.cdist([coord[idx]], coord[candidates], "minkowski", p=p_norm).reshape(
                -1
            )
            rejected.update(c for c, d in zip(candidates, dist) if d < spacing)
            naccepted += 1
            if max_out is not None and naccepted >= max_out:
                break
    output = np.delete(coord, tuple(rejected), axis=0)
    if max_out is not None:
        output = output[:max_out]
    return output


def ensure_spacing(
    coords, spacing=1, p_norm=np.inf, min_split_size=50, max_out=None, *, max_split_size=2000
):
    """The points of ``coords`` (in order of priority) that keep ``spacing`` apart in
    the Minkowski ``p_norm`` distance; at most ``max_out`` of them."""
    output = coords
    if len(coords):
        coords = np.atleast_2d(coords)
        if min_split_size is None:
            batches = [coords]
        else:
            count = len(coords)
            split_idx = [min_split_size]
            split_size = min_split_size
            while count - split_idx[-1] > max_split_size:
                split_size *= 2
                split_idx.append(split_idx[-1] + min(split_size, max_split_size))
            batches = np.array_split(coords, split_idx)
        output = np.zeros((0, coords.shape[1]), dtype=coords.dtype)
        for batch in batches:
            output = _ensure_spacing(np.vstack([output, batch]), spacing, p_norm, max_out)
            if max_out is not None and len(output) >= max_out:
                break
    return output
