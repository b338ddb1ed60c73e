"""Every gallery script runs to the end and draws at least one figure."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

import imagekit as ik

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

GALLERY = Path(__file__).resolve().parent.parent / "gallery"
SCRIPTS = sorted(GALLERY.glob("plot_*.py"))


# Scripts that show a public function of imagekit, by name: skipped (saying so) in a
# build that does not have it yet.
NEEDS = {"plot_spot_detection": "findlocalmaxima"}


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_gallery_script_runs(script, monkeypatch, tmp_path):
    name = NEEDS.get(script.stem)
    if name and not hasattr(ik, name):
        pytest.skip(f"imagekit.{name} is not in this build")
    monkeypatch.chdir(tmp_path)  # scripts that write files write them here
    shown = []
    monkeypatch.setattr(plt, "show", lambda *a, **k: shown.append(plt.get_fignums()))
    runpy.run_path(str(script), run_name="__main__")
    assert shown and shown[-1], f"{script.name} drew no figure"
    plt.close("all")
