"""imagekit.compat.ndimage against scipy.ndimage over the whole option space (hypothesis).

See test_ndimage.py for the tolerances."""

from __future__ import annotations

import numpy as np
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tests.compat._ndimage_support import (
    MODES,
    OUTPUTS,
    SETTINGS,
    _reflect_reach_ok,
    compare,
    images,
    weights_1d,
)

# -- the option space, by hypothesis ----------------------------------------------


@SETTINGS
@given(
    image=images(),
    data=st.data(),
    mode=st.sampled_from(MODES),
    cval=st.sampled_from([0.0, 1.5, -3.0]),
    output=st.sampled_from(OUTPUTS),
    convolution=st.booleans(),
)
def test_correlate_and_convolve_match_scipy(image, data, mode, cval, output, convolution):
    wshape = data.draw(hnp.array_shapes(min_dims=image.ndim, max_dims=image.ndim, max_side=4))
    weights = data.draw(hnp.arrays(np.float64, wshape, elements=st.floats(-3, 3, width=32)))
    origins = [data.draw(st.integers(-(m // 2), (m - 1) // 2)) for m in wshape]
    effective = [
        (-o - 1 if m % 2 == 0 else -o) if convolution else o for m, o in zip(wshape, origins)
    ]
    assume(_reflect_reach_ok(mode, image.shape, wshape, effective))
    name = "convolve" if convolution else "correlate"
    gain = float(np.abs(weights).sum())
    compare(name, image, weights, mode=mode, cval=cval, origin=origins, output=output, gain=gain)


@SETTINGS
@given(
    image=images(max_dims=3),
    data=st.data(),
    mode=st.sampled_from(MODES),
    output=st.sampled_from(OUTPUTS),
)
def test_correlate_with_axes_matches_scipy(image, data, mode, output):
    axes = data.draw(st.permutations(range(image.ndim)).map(lambda p: p[: max(1, len(p) - 1)]))
    wshape = data.draw(hnp.array_shapes(min_dims=len(axes), max_dims=len(axes), max_side=3))
    weights = data.draw(hnp.arrays(np.float64, wshape, elements=st.floats(-2, 2, width=32)))
    origin = data.draw(st.integers(-(min(wshape) // 2), (min(wshape) - 1) // 2))
    gain = float(np.abs(weights).sum())
    for name in ("correlate", "convolve"):
        compare(name, image, weights, mode=mode, origin=origin, axes=axes, output=output, gain=gain)


@SETTINGS
@given(
    image=images(),
    weights=weights_1d,
    data=st.data(),
    mode=st.sampled_from(MODES),
    cval=st.sampled_from([0.0, 2.0]),
    output=st.sampled_from(OUTPUTS),
)
def test_correlate1d_and_convolve1d_match_scipy(image, weights, data, mode, cval, output):
    axis = data.draw(st.integers(-image.ndim, image.ndim - 1))
    origin = data.draw(st.integers(-(weights.size // 2), (weights.size - 1) // 2))
    gain = float(np.abs(weights).sum())
    for name in ("correlate1d", "convolve1d"):
        compare(
            name,
            image,
            weights,
            axis,
            mode=mode,
            cval=cval,
            origin=origin,
            output=output,
            gain=gain,
        )


def _per_axis(draw_one, n):
    return st.one_of(draw_one, st.lists(draw_one, min_size=n, max_size=n))


@SETTINGS
@given(image=images(), data=st.data(), output=st.sampled_from(OUTPUTS))
def test_gaussian_filter_matches_scipy(image, data, output):
    n = image.ndim
    axes = data.draw(
        st.none() | st.permutations(range(n)).map(lambda p: tuple(p[:1]) if n > 1 else p)
    )
    k = n if axes is None else len(axes)
    sigma = data.draw(_per_axis(st.sampled_from([0.0, 0.4, 1.0, 1.7, 3.0]), k))
    order = data.draw(_per_axis(st.integers(0, 3), k))
    mode = data.draw(_per_axis(st.sampled_from(MODES), k))
    truncate = data.draw(st.sampled_from([4.0, 2.0, 0.5]))
    radius = data.draw(st.none() | _per_axis(st.integers(0, 4), k))
    options = dict(order=order, mode=mode, cval=1.0, truncate=truncate, radius=radius, axes=axes)
    compare("gaussian_filter", image, sigma, output=output, gain=8.0, **options)


@SETTINGS
@given(
    image=images(),
    data=st.data(),
    sigma=st.sampled_from([0.3, 1.0, 2.2]),
    order=st.integers(0, 3),
    mode=st.sampled_from(MODES),
    output=st.sampled_from(OUTPUTS),
)
def test_gaussian_filter1d_matches_scipy(image, data, sigma, order, mode, output):
    axis = data.draw(st.integers(-image.ndim, image.ndim - 1))
    radius = data.draw(st.none() | st.integers(0, 5))
    compare(
        "gaussian_filter1d", image, sigma, axis, order,
        mode=mode, cval=-2.0, radius=radius, output=output, gain=8.0,
    )  # fmt: skip


@SETTINGS
@given(image=images(), data=st.data(), output=st.sampled_from(OUTPUTS))
def test_uniform_filters_match_scipy(image, data, output):
    n = image.ndim
    size = data.draw(_per_axis(st.integers(1, 5), n))
    sizes = size if isinstance(size, list) else [size] * n
    origin = data.draw(st.lists(st.integers(-2, 2), min_size=n, max_size=n))
    origin = [max(-(s // 2), min(o, (s - 1) // 2)) for s, o in zip(sizes, origin)]
    mode = data.draw(_per_axis(st.sampled_from(MODES), n))
    compare("uniform_filter", image, size, mode=mode, cval=0.5, origin=origin, output=output)
    axis = data.draw(st.integers(0, n - 1))
    single = mode if isinstance(mode, str) else mode[0]
    compare(
        "uniform_filter1d", image, sizes[axis], axis,
        mode=single, cval=0.5, origin=origin[axis], output=output,
    )  # fmt: skip


@SETTINGS
@given(
    image=images(),
    data=st.data(),
    name=st.sampled_from(["sobel", "prewitt"]),
    cval=st.sampled_from([0.0, 3.0]),
    output=st.sampled_from(OUTPUTS),
)
def test_sobel_and_prewitt_match_scipy(image, data, name, cval, output):
    axis = data.draw(st.integers(-image.ndim, image.ndim - 1))
    mode = data.draw(_per_axis(st.sampled_from(MODES), image.ndim))
    compare(
        name, image, axis, mode=mode, cval=cval, output=output, gain=2.0 * 4 ** (image.ndim - 1)
    )


@SETTINGS
@given(image=images(), data=st.data(), output=st.sampled_from(OUTPUTS))
def test_laplace_and_gaussian_laplace_match_scipy(image, data, output):
    n = image.ndim
    axes = data.draw(st.none() | st.permutations(range(n)).map(lambda p: p[: max(1, n - 1)]))
    k = n if axes is None else len(axes)
    mode = data.draw(_per_axis(st.sampled_from(MODES), k))
    compare("laplace", image, mode=mode, cval=1.0, axes=axes, output=output, gain=4.0 * n)
    sigma = data.draw(_per_axis(st.sampled_from([0.5, 1.0, 2.0]), k))
    compare("gaussian_laplace", image, sigma, mode=mode, axes=axes, output=output, gain=8.0 * n)


@SETTINGS
@given(
    image=images(),
    data=st.data(),
    output=st.sampled_from([None, np.float64, np.float32, "array"]),
)
def test_gaussian_gradient_magnitude_matches_scipy(image, data, output):
    n = image.ndim
    axes = data.draw(st.none() | st.permutations(range(n)).map(lambda p: p[:1]))
    sigma = data.draw(st.sampled_from([0.5, 1.0, 2.0]))
    mode = data.draw(st.sampled_from(MODES))
    truncate = data.draw(st.sampled_from([4.0, 2.0]))
    if image.dtype.kind != "f" and output in (None, "array"):
        output = np.float64  # sqrt of wrapped integer squares: scipy's own noise
    compare(
        "gaussian_gradient_magnitude", image, sigma,
        mode=mode, axes=axes, truncate=truncate, output=output, gain=4.0 * n,
    )  # fmt: skip
