"""scikit-image's ``feature.peak_local_max`` on imagekit's maximum filter.

scikit-image marks the pixels equal to their maximum filter
(``scipy.ndimage.maximum_filter`` with mode ``'nearest'``); here that
filter is :func:`imagekit.window.maximum` with the border ``"replicate"``
(the same continuation of the image by its nearest pixel). Everything
after it is scikit-image 0.26's, step by step: the trivial-image rule, the
threshold, the excluded border, the sort by intensity, the spacing between
peaks (``_spacing.ensure_spacing``: a k-d tree, as in scikit-image) and the
per-label search (``scipy.ndimage.find_objects`` and ``binary_opening``, as
in scikit-image).

NaN: scipy's maximum filter gives a result that depends on its scan order
around a NaN; imagekit's follows numpy (a window holding a NaN has a NaN
maximum), so no pixel whose footprint holds a NaN is a peak.
"""

from __future__ import annotations

from warnings import warn

import numpy as np
import scipy.ndimage as ndi

from ...window import maximum
from ._spacing import ensure_spacing

__all__ = ["peak_local_max"]


def _maximum_mask(image, footprint):
    """``image == scipy.ndimage.maximum_filter(image, footprint=footprint,
    mode='nearest')``, with scipy's errors for a bad footprint or image."""
    footprint = np.asarray(footprint, dtype=bool)
    if not footprint.any():
        raise ValueError("All-zero footprint is not supported.")
    if footprint.ndim != image.ndim:  # scipy's words for a box, and for any other footprint
        if footprint.all():
            raise RuntimeError("sequence argument must have length equal to input rank")
        raise RuntimeError(f"footprint.ndim ({footprint.ndim}) must match len(axes) ({image.ndim})")
    image = np.asarray(image)
    if np.iscomplexobj(image):
        raise TypeError("Complex type not supported")
    return image == maximum(image, footprint, "replicate")


def _get_high_intensity_peaks(image, mask, num_peaks, min_distance, p_norm):
    """The peaks' coordinates, highest first, spaced by ``min_distance``."""
    coord = np.nonzero(mask)
    intensities = image[coord]
    idx_maxsort = np.argsort(-intensities, kind="stable")  # highest peak first
    coord = np.transpose(coord)[idx_maxsort]
    max_out = int(num_peaks) if np.isfinite(num_peaks) else None
    if min_distance > 1:
        coord = ensure_spacing(coord, spacing=min_distance, p_norm=p_norm, max_out=max_out)
    if len(coord) > num_peaks:
        coord = coord[:num_peaks]
    return coord


def _get_peak_mask(image, footprint, threshold, mask=None):
    """The peak candidates above the threshold."""
    if footprint.size == 1 or image.size == 1:
        return image > threshold
    out = _maximum_mask(image, footprint)
    image_is_trivial = np.all(out) if mask is None else np.all(out[mask])
    if image_is_trivial:  # no peak in a flat image
        out[:] = False
        if mask is not None:  # isolated pixels of the masked area are peaks
            isolated_px = np.logical_xor(mask, ndi.binary_opening(mask))
            out[isolated_px] = True
    out &= image > threshold
    return out


def _exclude_border(label, border_width):
    """``label`` with a border of ``border_width`` set to 0."""
    for i, width in enumerate(border_width):
        if width == 0:
            continue
        label[(slice(None),) * i + (slice(None, width),)] = 0
        label[(slice(None),) * i + (slice(-width, None),)] = 0
    return label


def _get_threshold(image, threshold_abs, threshold_rel):
    threshold = threshold_abs if threshold_abs is not None else image.min()
    if threshold_rel is not None:
        threshold = max(threshold, threshold_rel * image.max())
    return threshold


def _get_excluded_border_width(image, min_distance, exclude_border):
    """The border's width per axis, with scikit-image's errors."""
    if isinstance(exclude_border, bool):
        return (min_distance if exclude_border else 0,) * image.ndim
    if isinstance(exclude_border, int):
        if exclude_border < 0:
            raise ValueError("`exclude_border` cannot be a negative value")
        return (exclude_border,) * image.ndim
    if isinstance(exclude_border, tuple):
        if len(exclude_border) != image.ndim:
            raise ValueError(
                "`exclude_border` should have the same length as the dimensionality of the image."
            )
        for exclude in exclude_border:
            if not isinstance(exclude, int):
                raise ValueError(
                    "`exclude_border`, when expressed as a tuple, must only contain ints."
                )
            if exclude < 0:
                raise ValueError("`exclude_border` can not be a negative value")
        return exclude_border
    raise TypeError(
        "`exclude_border` must be bool, int, or tuple with the same "
        "length as the dimensionality of the image."
    )


def _peaks_per_label(image, labels, footprint, threshold, border_width, num_peaks,
                     num_peaks_per_label, min_distance, p_norm):  # fmt: skip
    """The peaks of each label's region, then the highest ``num_peaks`` of them."""
    _labels = _exclude_border(labels.astype(int, casting="safe"), border_width)
    if np.issubdtype(image.dtype, np.floating):
        bg_val = np.finfo(image.dtype).min
    else:
        bg_val = np.iinfo(image.dtype).min
    found = []
    for label_idx, roi in enumerate(ndi.find_objects(_labels)):
        if roi is None:
            continue
        label_mask = labels[roi] == label_idx + 1
        img_object = image[roi].copy()
        img_object[np.logical_not(label_mask)] = bg_val  # the rest never competes
        mask = _get_peak_mask(img_object, footprint, threshold, label_mask)
        coordinates = _get_high_intensity_peaks(
            img_object, mask, num_peaks_per_label, min_distance, p_norm
        )
        for idx, s in enumerate(roi):  # into the whole image's indices
            coordinates[:, idx] += s.start
        found.append(coordinates)
    coordinates = np.vstack(found) if found else np.empty((0, 2), dtype=int)
    if len(coordinates) > num_peaks:
        out = np.zeros_like(image, dtype=bool)
        out[tuple(coordinates.T)] = True
        coordinates = _get_high_intensity_peaks(image, out, num_peaks, min_distance, p_norm)
    return coordinates


def peak_local_max(
    image,
    min_distance=1,
    threshold_abs=None,
    threshold_rel=None,
    exclude_border=True,
    num_peaks=np.inf,
    footprint=None,
    labels=None,
    num_peaks_per_label=np.inf,
    p_norm=np.inf,
):
    """Find peaks in an image as a coordinate list: scikit-image's ``peak_local_max``.

    Peaks are the local maxima in a region of ``2 * min_distance + 1``
    (peaks are separated by at least ``min_distance``); pixels equal to the
    largest of their footprint count (a tie keeps an arbitrary one of them
    once spaced). Same parameters, defaults, results, dtypes, order and
    errors as ``skimage.feature.peak_local_max`` (0.26).

    Parameters
    ----------
    image : ndarray
        Input image.
    min_distance : int, optional
        The minimal allowed distance separating peaks.
    threshold_abs : float or None, optional
        Minimum intensity of peaks; by default the minimum of the image.
    threshold_rel : float or None, optional
        Minimum intensity of peaks, as ``max(image) * threshold_rel``; the
        larger of the two thresholds applies.
    exclude_border : int, tuple of ints, or bool, optional
        Peaks within this many pixels of the border (per axis for a tuple)
        are left out; True: ``min_distance``; 0 or False: none.
    num_peaks : int, optional
        Maximum number of peaks, the highest first.
    footprint : ndarray of bools, optional
        The region searched around every pixel, in place of the box of
        ``2 * min_distance + 1``.
    labels : ndarray of ints, optional
        Regions searched separately; 0 is background.
    num_peaks_per_label : int, optional
        Maximum number of peaks for each label.
    p_norm : float
        The Minkowski p-norm of the distance between peaks, in ``[1, inf]``.

    Returns
    -------
    output : ndarray
        The coordinates of the peaks, highest first.

    See Also
    --------
    imagekit.findlocalmaxima : strict maxima (ties are no peaks) over any window.

    Notes
    -----
    The maximum filter is :func:`imagekit.window.maximum`, the image
    continued by its nearest pixel. Around a NaN, scipy's maximum filter
    gives a result that depends on its scan order; here a footprint that
    holds a NaN has a NaN maximum (numpy's rule), so its pixel is no peak.

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit.compat.skimage.feature import peak_local_max
    >>> img1 = np.zeros((7, 7))
    >>> img1[3, 4] = 1
    >>> img1[3, 2] = 1.5
    >>> peak_local_max(img1, min_distance=1)
    array([[3, 2],
           [3, 4]])
    >>> peak_local_max(img1, min_distance=2)
    array([[3, 2]])
    """
    if (footprint is None or footprint.size == 1) and min_distance < 1:
        warn(
            "When min_distance < 1, peak_local_max acts as finding "
            "image > max(threshold_abs, threshold_rel * max(image)).",
            RuntimeWarning,
            stacklevel=2,
        )
    border_width = _get_excluded_border_width(image, min_distance, exclude_border)
    threshold = _get_threshold(image, threshold_abs, threshold_rel)
    if footprint is None:
        size = 2 * min_distance + 1
        footprint = np.ones((size,) * image.ndim, dtype=bool)
    else:
        footprint = np.asarray(footprint)
    if labels is not None:
        return _peaks_per_label(image, labels, footprint, threshold, border_width, num_peaks,
                                num_peaks_per_label, min_distance, p_norm)  # fmt: skip
    mask = _get_peak_mask(image, footprint, threshold)
    mask = _exclude_border(mask, border_width)
    return _get_high_intensity_peaks(image, mask, num_peaks, min_distance, p_norm)
