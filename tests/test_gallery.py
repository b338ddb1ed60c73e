"""Every gallery script runs to the end and draws at least one figure."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

GALLERY = Path(__file__).resolve().parent.parent / "gallery"
SCRIPTS = sorted(GALLERY.glob("plot_*.py"))


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_gallery_script_runs(script, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # scripts that write files write them here
    shown = []
    monkeypatch.setattr(plt, "show", lambda *a, **k: shown.append(plt.get_fignums()))
    runpy.run_path(str(script), run_name="__main__")
    assert shown and shown[-1], f"{script.name} drew no figure"
    plt.close("all")
