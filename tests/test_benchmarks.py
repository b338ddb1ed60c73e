"""The benchmark suite runs, in its smoke mode, so it never rots (timings are not tested).

The suite is ``imagekit.benchmarks`` (``imagekit bench``); each command runs
from a folder outside the checkout, as after ``pip install``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def run(*args, cwd):
    """``python -m ARGS`` in ``cwd`` with this checkout's imagekit."""
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": path},
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_benchmark_smoke_mode_runs_and_peers_agree(tmp_path):
    r = run("imagekit.benchmarks", "--smoke", "--plot", str(tmp_path / "x.png"), cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    for name in ("W1", "W2", "W3", "W4", "W5", "W6", "W9"):
        assert f"\n{name} " in r.stdout
    assert "DISAGREES" not in r.stdout
    assert "compat drop-ins on 64² integer images" in r.stdout
    assert "ndimage.sobel vs scipy.ndimage" in r.stdout and "DIFFERS" not in r.stdout
    assert "W8 is " in r.stdout and "x imagekit's forward alone (same rounds)" in r.stdout
    assert "first median (warm cache)" in r.stdout
    assert "first kept-plan Gaussian (cold cache: compile)" in r.stdout
    assert "first 3x3 imfilter_vjp (cold cache)" in r.stdout
    for name in ("M1", "M2", "M3", "M4", "M5", "M6", "M8", "G1", "G2", "G3", "G4", "G5", "G6"):
        assert f"\n{name} " in r.stdout
    for name in ("D1", "D2", "D3", "D4"):
        assert f"\n{name} " in r.stdout
    assert "\nM7 " in r.stdout or "note: M7 is left out: " in r.stdout
    assert (tmp_path / "x.png").stat().st_size > 1000


def test_cost_refit_smoke_mode_runs(tmp_path):
    r = run("imagekit", "bench", "fit-costs", "--smoke", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "worst auto/best" in r.stdout and "COST = {" in r.stdout


def test_gpu_benchmark_runs_where_a_gpu_answers_and_says_so_where_none_does(tmp_path):
    r = run("imagekit", "bench", "gpu", "--smoke", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "no CUDA device" in r.stdout or "W7b" in r.stdout
    assert "DISAGREES" not in r.stdout


def test_python_m_benchmarks_in_a_checkout_is_the_same_suite():
    for module, usage in [
        ("benchmarks", "usage: python -m imagekit.benchmarks"),
        ("benchmarks.gpu", "usage: imagekit bench gpu"),
        ("benchmarks.memory", "usage: imagekit bench memory"),
        ("benchmarks.fit_costs", "usage: imagekit bench fit-costs"),
    ]:
        r = run(module, "--help", cwd=ROOT)
        assert r.returncode == 0, r.stderr
        assert r.stdout.startswith(usage), r.stdout


def test_workload_modules_register_in_one_list(monkeypatch):
    from imagekit.benchmarks import workloads

    extra = type(sys)("extra_workloads")
    extra.workloads = lambda rng, s: [workloads.Workload("X1", f"extra, sizes / {s}", int)]
    monkeypatch.setitem(sys.modules, "extra_workloads", extra)
    monkeypatch.setattr(workloads, "MODULES", ("extra_workloads",))
    built = workloads.build(smoke=True)
    assert built[-1].name == "X1" and built[-1].description == "extra, sizes / 8"
    assert [w.name for w in built[:2]] == ["W1", "W2"]


def test_compat_section_skips_scikit_image_rows_when_it_is_missing(tmp_path):
    blocked = tmp_path / "blocked"  # skimage fails to import, as if not installed
    (blocked / "skimage").mkdir(parents=True)
    (blocked / "skimage" / "__init__.py").write_text("raise ImportError('not installed')\n")
    path = os.pathsep.join(filter(None, [str(blocked), str(ROOT), os.environ.get("PYTHONPATH")]))
    r = subprocess.run(
        [sys.executable, "-m", "imagekit.benchmarks", "--smoke", "--only", "compat"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": path},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert "scikit-image is not installed: the skimage.filters rows are skipped" in r.stdout
    assert 'pip install "imagekit[bench]"' in r.stdout
    assert "ndimage.sobel vs scipy.ndimage" in r.stdout and "skimage.sobel" not in r.stdout


def test_large_kernel_grid_is_issue_19s_and_its_peers_compute_the_same():
    from imagekit.benchmarks import grid
    from imagekit.benchmarks.__main__ import agree

    assert [(n, m) for _, n, m in grid.GRID] == [
        (256, 31), (512, 41), (1024, 31), (2048, 31), (2048, 63), (4096, 31)
    ]  # fmt: skip
    for w in grid.workloads(np.random.default_rng(0), 16):
        assert w.description.endswith("reflect")
        ours = w.imagekit()
        assert set(w.peers) >= {"scipy.signal.oaconvolve", "scipy.signal.fftconvolve"}
        assert all(agree(ours, peer(), w) for peer in w.peers.values())


def test_small_dense_kernels_take_the_direct_loops_and_agree_with_their_peers():
    from imagekit.benchmarks import dense
    from imagekit.benchmarks.__main__ import agree
    from imagekit.filtering import _tier, plan

    _tier.pay()  # the compiled strategies rank as usual
    for w, (_, n, m) in zip(dense.workloads(np.random.default_rng(0), 8), dense.SIZES):
        image = np.zeros((max(n // 8, m),) * 2, np.float32)
        assert plan(image, np.ones((m, m), np.float32) + np.eye(m)).strategy == "direct"
        ours = w.imagekit()
        assert "scipy.ndimage" in w.peers
        assert all(agree(ours, peer(), w) for peer in w.peers.values())


def test_the_check_compares_what_compare_maps_each_output_to():
    from imagekit.benchmarks.__main__ import agree
    from imagekit.benchmarks.window import _coordinates_sorted
    from imagekit.benchmarks.workloads import Workload

    peaks = np.array([[0, 5], [3, 1], [0, 2], [7, 7]])
    w = Workload("X", "", int, rtol=0, compare=_coordinates_sorted)
    assert agree(peaks, peaks[::-1], w) and not agree(peaks, peaks[1:], w)
    assert not agree(peaks, peaks[::-1], Workload("Y", "", int, rtol=0))


def test_user_function_workload_runs_only_where_mapwindow_compiles_the_function(monkeypatch):
    from imagekit.benchmarks import window

    monkeypatch.setattr(window, "COMPILED_WINDOWS_PER_S", float("inf"))
    assert "from Python per window" in window._compiles_user_functions() or (
        "does not take a user function" in window._compiles_user_functions()
    )
