"""The NA border's composition (``filtering/_na.py``): one function for every
operation and device, equal to N / D computed by hand."""

from __future__ import annotations

import array_api_compat.numpy as compat_np
import numpy as np
import pytest

import imagekit as ik
from imagekit import _dtypes
from imagekit.filtering import _na as na
from imagekit.gradients import filterbank_vjp, imfilter_vjp

xps = pytest.importorskip("array_api_strict")
da = pytest.importorskip("dask.array")
DEVICE = xps.Device("device1")


def _image(shape=(9, 11), seed=0):
    """Small integers (every sum below is exact) with NaN holes, one at a corner."""
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 10, shape).astype(np.float64)
    a[rng.random(shape) < 0.2] = np.nan
    a[:2, :2] = np.nan
    return a


KERNEL = np.array([[1.0, 2.0, 0.0], [3.0, 1.0, 4.0], [0.0, 2.0, 1.0]])


def _zero_filled(a, k):
    """``out[i] = sum_j k[j] a[i + j - 1]`` with 0 outside ``a``: by loops."""
    out = np.zeros(a.shape)
    for i in np.ndindex(*a.shape):
        for j in np.ndindex(*k.shape):
            p = tuple(ii + jj - 1 for ii, jj in zip(i, j))
            if all(0 <= q < n for q, n in zip(p, a.shape)):
                out[i] += k[j] * a[p]
    return out


def _by_hand(a, k):
    missing = np.isnan(a)
    num = _zero_filled(np.where(missing, 0, a), k)
    den = _zero_filled((~missing).astype(float), k)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den == 0, np.nan, num / den)


def _on_device(a):
    return xps.asarray(a, device=DEVICE)


def _to_host(r):
    return np.asarray(r.to_device(xps.Device("CPU_DEVICE")))


def _sites(a, k):
    """The NA result of ``a`` by ``k`` from every operation and device, by name (lazily)."""
    bank = k[:, :, None, None]
    a3 = a[..., None]
    return {
        "imfilter direct": lambda: ik.imfilter(a, k, "NA", algorithm="direct"),
        "imfilter fft": lambda: ik.imfilter(a, k, "NA", algorithm="fft"),
        "plan": lambda: ik.filtering.plan(a, k, "NA")(a),
        "filterbank": lambda: ik.filterbank(a3, bank, "NA")[..., 0],
        "filterbank plan": lambda: ik.filtering.plan_filterbank(a3, bank, "NA")(a3)[..., 0],
        "device imfilter": lambda: _to_host(
            ik.imfilter(_on_device(a), k, "NA", algorithm="direct")
        ),
        "device imfilter fft": lambda: _to_host(
            ik.imfilter(_on_device(a), k, "NA", algorithm="fft")
        ),
        "device filterbank": lambda: _to_host(ik.filterbank(_on_device(a3), bank, "NA"))[..., 0],
        "dask imfilter": lambda: ik.imfilter(da.from_array(a, chunks=4), k, "NA").compute(),
        "dask filterbank": lambda: ik.filterbank(da.from_array(a3, chunks=4), bank, "NA").compute()[
            ..., 0
        ],
    }


def test_every_site_equals_n_over_d_by_hand():
    a = _image()
    expected = _by_hand(a, KERNEL)
    assert np.isnan(expected).any() and not np.isnan(expected).all()
    for name, run in _sites(a, KERNEL).items():
        got = run()
        if "fft" in name:  # the transform is exact to rounding, its NaN places exactly
            np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12, err_msg=name)
            np.testing.assert_array_equal(np.isnan(got), np.isnan(expected), err_msg=name)
        else:
            np.testing.assert_array_equal(got, expected, err_msg=name)


def test_every_site_runs_the_shared_composition(monkeypatch):
    a = _image()
    calls = []
    split, terms = na.split, na.terms

    def spy_split(xp, *args):
        calls.append(xp)
        return split(xp, *args)

    def spy_terms(xp, *args):
        calls.append(xp)
        return terms(xp, *args)

    monkeypatch.setattr(na, "split", spy_split)
    monkeypatch.setattr(na, "terms", spy_terms)
    ones = np.ones(a.shape)
    runs = {
        **_sites(a, KERNEL),
        "imfilter_vjp": lambda: imfilter_vjp(a, KERNEL, ones, "NA"),
        "filterbank_vjp": lambda: filterbank_vjp(
            a[..., None], KERNEL[:, :, None, None], ones[..., None], "NA"
        ),
        "device imfilter_vjp": lambda: imfilter_vjp(_on_device(a), KERNEL, _on_device(ones), "NA"),
    }
    for name, run in runs.items():
        calls.clear()
        run()
        assert calls, f"{name} composes NA without filtering._na"


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("fft", [False, True])
def test_numpy_and_array_namespaces_agree(dtype, fft):
    """The in-place NumPy path and the array-API path give the same bits."""
    a = _image((12, 10), seed=3).astype(dtype)
    k = KERNEL.astype(dtype)

    def run_zero(x):
        return np.asarray(ik.imfilter(np.asarray(x), k, 0, algorithm="direct"))

    counts = None
    if fft:  # an inexact filter: D set to exactly 0 where no tap is available

        def counts(mask):
            return np.asarray(ik.imfilter(np.asarray(mask), (k != 0).astype(dtype), 0))

    ref = na.normalised(np, a, run_zero, dtype, counts)
    via = na.normalised(compat_np, a.copy(), run_zero, dtype, counts)
    np.testing.assert_array_equal(ref, via)
    dev = na.normalised(
        xps,
        _on_device(a),
        lambda x: _on_device(run_zero(_to_host(x))),
        getattr(xps, np.dtype(dtype).name),
        None if counts is None else (lambda m: _on_device(counts(_to_host(m)))),
    )
    np.testing.assert_array_equal(ref, _to_host(dev))


def test_quotient_rule_on_numpy_and_array_namespaces_agree():
    rng = np.random.default_rng(1)
    g, num = rng.random((5, 6)), rng.random((5, 6))
    den = np.where(rng.random((5, 6)) < 0.3, 0.0, rng.random((5, 6)))
    q, r = na.quotient_rule(np, g, num, den)
    q2, r2 = na.quotient_rule(xps, *map(_on_device, (g, num, den)))
    np.testing.assert_array_equal(q, _to_host(q2))
    np.testing.assert_array_equal(r, _to_host(r2))
    assert not q[den == 0].any() and not r[den == 0].any()


@pytest.mark.parametrize("target", [np.uint8, np.int16, np.uint32, np.int64, np.float32])
def test_one_cast_on_numpy_and_array_namespaces(target):
    """``_dtypes.cast`` (devices) rounds and clips as ``cast_into`` (NumPy) does."""
    values = np.array([-3e19, -300.5, -0.5, 0.5, 1.5, 2.5, 254.5, 70000.7, 3e19])
    out = np.empty(values.shape, target)
    _dtypes.cast_into(values, out)
    got = _to_host(_dtypes.cast(xps, _on_device(values), target))
    assert got.dtype == out.dtype
    np.testing.assert_array_equal(got, out)


def test_one_cast_refuses_nan_and_complex_alike():
    nan = np.array([1.0, np.nan])
    with pytest.raises(ValueError, match="holds NaN"):
        _dtypes.cast_into(nan, np.empty(2, np.uint8))
    with pytest.raises(ValueError, match="holds NaN"):
        _dtypes.cast(xps, _on_device(nan), np.uint8)
    c = np.array([1 + 1j])
    with pytest.raises(TypeError, match="complex result"):
        _dtypes.cast_into(c, np.empty(1, np.float64))
    with pytest.raises(TypeError, match="complex result"):
        _dtypes.cast(xps, _on_device(c), np.float64)
