"""The benchmark suite runs, in its smoke mode, so it never rots (timings are not tested)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_benchmark_smoke_mode_runs_and_peers_agree(tmp_path):
    r = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--smoke", "--plot", str(tmp_path / "x.png")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    for name in ("W1", "W2", "W3", "W4", "W5", "W6", "W9"):
        assert f"\n{name} " in r.stdout
    assert "DISAGREES" not in r.stdout
    assert "compat drop-ins on 64² integer images" in r.stdout
    assert "ndimage.sobel vs scipy.ndimage" in r.stdout and "DIFFERS" not in r.stdout
    assert "W8 is " in r.stdout and "x imagekit's forward alone (same rounds)" in r.stdout
    assert "first imfilter (cold cache: compile)" in r.stdout
    assert (tmp_path / "x.png").stat().st_size > 1000


def test_cost_refit_smoke_mode_runs():
    r = subprocess.run(
        [sys.executable, "-m", "benchmarks.fit_costs", "--smoke"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert "worst auto/best" in r.stdout and "COST = {" in r.stdout


def test_gpu_benchmark_runs_where_a_gpu_answers_and_says_so_where_none_does():
    r = subprocess.run(
        [sys.executable, "-m", "benchmarks.gpu", "--smoke"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert "no CUDA device" in r.stdout or "W7b" in r.stdout
    assert "DISAGREES" not in r.stdout
