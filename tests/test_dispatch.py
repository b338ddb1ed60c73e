"""Device dispatch in one place: the array's type picks the backend, for every public call."""

from __future__ import annotations

import ast
import pathlib

import numpy as np
import pytest

import imagekit as ik
from imagekit import _dispatch

PACKAGE = pathlib.Path(ik.__file__).parent


def test_numpy_arrays_and_lists_take_the_numpy_engine():
    for x in (np.ones(3), [1.0, 2.0], np.ones(3).view(np.ma.MaskedArray), 3.0):
        assert _dispatch.route("imfilter", x) is None


def test_dask_and_array_api_arrays_take_their_backends():
    da = pytest.importorskip("dask.array")
    from imagekit.filtering.backends import cupy, dask

    x = da.ones((4, 4), chunks=2)
    assert _dispatch.route("imfilter", x) is dask.imfilter
    assert _dispatch.route("padarray", x) is dask.padarray
    assert _dispatch.route("magnitude", np.ones(3), x) is dask.magnitude
    assert _dispatch.route("imfilter_vjp", x) is None  # computed, then NumPy's
    xp = pytest.importorskip("array_api_strict")
    y = xp.ones((4, 4))
    assert _dispatch.array_kind(y) == "device"
    assert _dispatch.route("padarray", y) is cupy.padarray


def test_padarray_follows_the_array_type():
    da = pytest.importorskip("dask.array")
    x = np.arange(12.0).reshape(3, 4)
    lazy = ik.padarray(da.from_array(x, chunks=2), "reflect", 2)
    assert type(lazy).__module__.startswith("dask")
    np.testing.assert_array_equal(lazy.compute(), ik.padarray(x, "reflect", 2))


def _imports(path: pathlib.Path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            yield "." * node.level + (node.module or "")
        elif isinstance(node, ast.Import):
            yield from (a.name for a in node.names)


def test_borders_import_nothing_from_filtering():
    for path in (PACKAGE / "borders").glob("*.py"):
        for name in _imports(path):
            assert "filtering" not in name and "_dispatch" not in name, (path.name, name)


def test_only_the_dispatch_module_asks_for_the_array_type():
    for path in PACKAGE.rglob("*.py"):
        if path.name == "_dispatch.py":
            continue
        text = path.read_text()
        assert "is_dask_array(" not in text and "is_device_array(" not in text, path


def test_borders_export_values_only():
    assert set(ik.borders.__all__) == {
        "BORDER_NAMES",
        "NA",
        "Border",
        "Fill",
        "Pad",
        "normalize_border",
    }
    for name in ("extend", "pad_indices", "padarray", "index_runs"):
        assert not hasattr(ik.borders, name) or isinstance(getattr(ik.borders, name), type(ik))
