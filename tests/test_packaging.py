"""The wheel: built from the tree, installed elsewhere, it runs ``imagekit demo`` on the
bundled sample and ``imagekit bench`` (so the data, the benchmark suite and the entry
point are packaged)."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_holds_the_sample_and_runs_the_demo(tmp_path):
    wheels = tmp_path / "wheels"
    # build with the setuptools at hand when there is one (offline, faster)
    isolation = ["--no-build-isolation"] if importlib.util.find_spec("setuptools") else []
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", *isolation,
         "-q", "-w", str(wheels), str(ROOT)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert build.returncode == 0, build.stderr
    (wheel,) = wheels.glob("imagekit-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "imagekit/data/astronaut.png" in names and "imagekit/py.typed" in names
    assert "imagekit/benchmarks/__main__.py" in names  # imagekit bench runs from the wheel
    assert "imagekit/benchmarks/workloads.py" in names
    # the numba loops, whose shared cache stamp hashes every file of both folders
    assert "imagekit/filtering/_loops/plane.py" in names
    assert "imagekit/gradients/_loops/kernel_gradient.py" in names
    target = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target),
         str(wheel)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert install.returncode == 0, install.stderr
    env = dict(os.environ, PYTHONPATH=str(target))
    demo = subprocess.run(
        [sys.executable, "-m", "imagekit", "demo", "-o", str(tmp_path / "demo")],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=600,
    )  # fmt: skip
    assert demo.returncode == 0, demo.stderr
    assert str(target) in subprocess.run(
        [sys.executable, "-c", "import imagekit; print(imagekit.__file__)"],
        capture_output=True, text=True, cwd=tmp_path, env=env,
    ).stdout  # fmt: skip
    assert (tmp_path / "demo" / "demo.png").stat().st_size > 10_000
    bench = subprocess.run(
        [sys.executable, "-m", "imagekit", "bench", "--smoke", "--only", "W8f"],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=600,
    )  # fmt: skip
    assert bench.returncode == 0, bench.stderr
    assert "\nW8f " in bench.stdout


def test_the_console_script_is_installed():
    exe = shutil.which("imagekit", path=str(Path(sys.executable).parent))
    assert exe is not None, "pip install did not create the imagekit command"
    r = subprocess.run([exe, "info"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("imagekit ")
