"""What a fresh process loads: ``import imagekit`` without numba or scipy.fft, and
the first plan of an operation without any other operation's strategies."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from imagekit.filtering import _registry, _tier


def _fresh(code: str) -> dict:
    """Run ``code`` in a fresh interpreter; it prints a JSON object as its last line."""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


_LOADED = """
import json, sys
def loaded():
    mods = [m for m in sys.modules if m.startswith(("imagekit.", "numba", "scipy.fft"))]
    return sorted(m for m in mods if "strateg" in m or "_loops" in m or "backends" in m
                  or m in ("numba", "scipy.fft"))
"""


_SHARED = ("imagekit.filtering.strategies._threads", "imagekit.filtering.strategies._readonly")


def test_import_loads_no_numba_and_no_strategy():
    got = _fresh(_LOADED + "import imagekit\nprint(json.dumps(loaded()))")
    assert "numba" not in got and "scipy.fft" not in got
    assert not [m for m in got if ".strategies." in m and m not in _SHARED]
    assert not [m for m in got if "_loops" in m or "backends" in m]


@pytest.mark.parametrize(
    ("call", "own", "foreign"),
    [
        (
            "imagekit.window.plan_mapwindow(np.median, np.zeros((64, 64), np.uint8), 3)",
            "imagekit.window.strategies.select",
            ("imagekit.filtering.strategies.", "imagekit.filtering.backends"),
        ),
        (
            "imagekit.filtering.plan(np.zeros((64, 64), np.float32), "
            "imagekit.kernels.gaussian(2.0))",
            "imagekit.filtering.strategies.separable",
            ("imagekit.window.strategies.", "imagekit.filtering.strategies.bank_"),
        ),
    ],
)
def test_first_plan_loads_only_its_operation(call, own, foreign):
    got = _fresh(_LOADED + f"import numpy as np, imagekit\n{call}\nprint(json.dumps(loaded()))")
    assert own in got
    assert not [m for m in got if m.startswith(foreign) and m not in _SHARED]
    assert not [m for m in got if "backends" in m]
    assert "scipy.fft" not in got


def test_every_builtin_line_names_a_strategy_of_its_operation():
    import imagekit.gradients  # noqa: F401 - its lines

    for operation in list(_registry._pending):
        for name, strategy in _registry.strategies(operation).items():
            assert strategy.operation == operation and strategy.name == name
    assert not _registry._pending


_TIER = """
import json, sys
import numpy as np
import imagekit
from imagekit.filtering import _tier
from imagekit.filtering._plan import make_plan
from imagekit.window._plan import make_plan as make_window_plan
def state():
    return {"numba": "numba" in sys.modules, "paid": _tier.paid(), "rent": _tier.rent_paid()}
"""


def test_a_small_first_call_runs_in_numpy_and_loads_no_numba():
    code = _TIER + (
        "u8, f32 = np.zeros((256, 256), np.uint8), np.zeros((256, 256), np.float32)\n"
        "a = make_window_plan(np.median, u8, 3).strategy\n"
        "b = make_plan(f32, imagekit.kernels.gaussian(2.0)).strategy\n"
        "imagekit.window.median(u8, 3); imagekit.imfilter(f32, imagekit.kernels.gaussian(2.0))\n"
        "imagekit.window.maximum(u8, 5, imagekit.NA()); imagekit.window.mapwindow(np.mean, u8, 3)\n"
        "before, tiered = state(), make_plan(f32, np.ones((3, 3))).explain()\n"
        "kept = imagekit.filtering.plan(f32, imagekit.kernels.gaussian(2.0))\n"
        "kept(f32)\n"
        "print(json.dumps(dict(state(), a=a, b=b, before=before, kept=kept.strategy,"
        " explain=kept.explain(),"
        " tiered=tiered)))"
    )
    got = _fresh(code)
    assert (got["a"], got["b"]) == ("stack", "shifts")
    assert "numba start-up" in got["tiered"] and "until it is paid" in got["tiered"]
    # a kept plan is for repeated calls: ranked without the start-up, so compiled
    assert got["kept"] == "separable" and "numba start-up" not in got["explain"]
    assert not got["before"]["numba"] and not got["before"]["paid"]
    assert got["before"]["rent"] > 0
    assert got["numba"] and got["paid"]  # the kept plan ran its loop: now it is paid


def _kept_plan_compiles(setup: str, once: str, keep: str, result: str) -> None:
    """In a fresh process: the one-shot call ``once`` runs without numba, then the kept
    plan ``keep`` (on the same ``x``) gives the same result (``result`` of ``r``) and
    starts numba: its work was planned as kept plans are, compiled."""
    code = _TIER + (
        f"{setup}\n"
        f"once = {result.format(r=once)}\n"
        "before = state()\n"
        f"kept = {keep}\n"
        f"same = bool(np.allclose({result.format(r='kept(x)')}, once, rtol=1e-5, atol=1e-6))\n"
        "print(json.dumps(dict(state(), before=before, same=same)))"
    )
    got = _fresh(code)
    assert not got["before"]["numba"] and got["same"]
    assert got["numba"] and got["paid"]


@pytest.mark.parametrize("func", ["np.mean", "np.std"])
def test_a_kept_mean_or_std_plan_runs_its_filters_as_kept_plans(func):
    """mean and std run as imfilter calls: a kept plan's calls rank as kept plans do
    (compiled), a one-shot call's with the start-up (NumPy)."""
    _kept_plan_compiles(
        "x = np.random.default_rng(0).random((256, 256)).astype(np.float32)",
        f"imagekit.mapwindow({func}, x, 5)",
        f"imagekit.window.plan_mapwindow({func}, x, 5)",
        "{r}",
    )


@pytest.mark.parametrize(
    ("once", "keep"),
    [
        (
            "imagekit.imfilter(x, imagekit.kernels.gaussian(1.0))",
            "imagekit.filtering.plan(x, imagekit.kernels.gaussian(1.0))",
        ),
        (
            "imagekit.mapwindow(np.median, x, 3)",
            "imagekit.window.plan_mapwindow(np.median, x, 3)",
        ),
    ],
    ids=["imfilter", "median"],
)
def test_a_kept_dask_plan_runs_its_blocks_as_kept_plans(once, keep):
    """Dask's worker threads do not inherit the caller's context: a kept plan's
    blocks are planned as kept plans all the same (compiled), a one-shot call's
    with the start-up (NumPy)."""
    pytest.importorskip("dask.array")
    setup = (
        "import dask.array as da\n"
        "x = da.from_array(np.random.default_rng(0).random((64, 64)), chunks=32)"
    )
    _kept_plan_compiles(setup, once, keep, "({r}).compute()")


def test_a_large_first_call_compiles():
    code = _TIER + (
        "big = np.zeros((2048, 2048), np.float32)\n"
        "a = make_window_plan(np.median, big, 7).strategy\n"
        "b = make_plan(big, np.random.default_rng(0).random((31, 31))).strategy\n"
        "print(json.dumps(dict(state(), a=a, b=b)))"
    )
    got = _fresh(code)
    assert got["a"] != "stack" and got["b"] != "shifts"


def test_the_rent_is_bounded_then_the_compiled_strategies_win():
    code = _TIER + (
        "u8 = np.random.default_rng(0).integers(0, 255, (256, 256)).astype(np.uint8)\n"
        "first = make_window_plan(np.median, u8, 3)\n"
        "calls = 0\n"
        "while not _tier.paid() and calls < 10_000:\n"
        "    imagekit.window.median(u8, 3); calls += 1\n"
        "after = make_window_plan(np.median, u8, 3)\n"
        "same = bool((after(u8) == first(u8)).all())\n"
        "print(json.dumps(dict(state(), first=first.strategy, after=after.strategy,"
        " calls=calls, same=same)))"
    )
    got = _fresh(code)
    assert got["first"] == "stack" and got["after"] != "stack" and got["same"]
    assert 1 < got["calls"] < 10_000
    assert _tier.STARTUP <= got["rent"] < 2 * _tier.STARTUP
