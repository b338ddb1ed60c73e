"""The ``imagekit`` command, run as a user would: a subprocess."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np

from imagekit.io import imread


def run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "imagekit", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


def test_demo_writes_a_figure_and_a_summary(tmp_path):
    r = run("demo", "-o", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    figure = imread(tmp_path / "out" / "demo.png")
    assert figure.ndim == 3 and figure.shape[0] >= 256 and figure.shape[1] >= 6 * 256
    assert "separable" in r.stdout and "direct" in r.stdout
    assert "wrote" in r.stdout
    assert not np.all(figure == figure[0, 0])


def test_demo_into_an_unwritable_place_is_a_user_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    r = run("demo", "-o", str(blocker / "sub"))
    assert r.returncode == 2
    assert "imagekit: error: cannot create output folder" in r.stderr
    assert "Traceback" not in r.stderr


def test_info_names_versions_threads_and_backends():
    r = run("info")
    assert r.returncode == 0 and "threads:" in r.stdout and "imagekit" in r.stdout
    assert "short loops:" in r.stdout  # numba's threading layer, or the Python pool
    assert "large results:" in r.stdout and "IMAGEKIT_KEEP_OUTPUTS_MB" in r.stdout
    assert "filter banks" in r.stdout  # the register tiles, or BLAS without AVX-512
    for backend in ("cupy:", "dask:", "torch:"):  # each says whether it is usable
        assert backend in r.stdout


def test_info_shows_the_settings_from_the_environment():
    import os

    env = dict(os.environ, IMAGEKIT_NUM_THREADS="3", IMAGEKIT_THREADING="pool")
    env["IMAGEKIT_KEEP_OUTPUTS_MB"] = "0"
    r = subprocess.run(
        [sys.executable, "-m", "imagekit", "info"], capture_output=True, text=True, env=env
    )
    assert r.returncode == 0, r.stderr
    assert "threads: 3 " in r.stdout
    assert "short loops: Python thread pool (threading='pool'" in r.stdout
    assert "large results: fresh memory each call" in r.stdout


def test_warmup_shows_each_step_and_the_total_time():
    """Workers (one per core) run the steps; each is reported as it ends, numbered by
    its place in the list."""
    from imagekit._cli_warmup import STEPS

    r = run("warmup")  # stderr is not a terminal: one line per step
    assert r.returncode == 0, r.stderr
    lines = r.stderr.splitlines()
    assert len(lines) == len(STEPS) and len(STEPS) >= 10
    n = len(STEPS)
    numbered = {}
    for line in lines:
        m = re.fullmatch(rf"\[ ?(\d+)/{n}\] (.+): [0-9.]+ s", line)
        assert m, line
        numbered[int(m.group(1))] = m.group(2)
    assert sorted(numbered) == list(range(1, n + 1))
    assert [numbered[i + 1] for i in range(n)] == [label for label, *_ in STEPS]
    assert numbered[1].startswith("float32 gaussian")
    assert any("recursive Gaussian (iir)" in label for label in numbered.values())
    assert re.fullmatch(
        rf"imagekit warmup: compiled/loaded {n} groups of loops in [0-9.]+ s\n", r.stdout
    )


def test_warmup_progress_bar_counts_the_steps(monkeypatch, capsys):
    """``--progress`` draws a bar over the steps (the steps' work is the test above's:
    here two stand-ins, in this process: ``--jobs 1``)."""
    import imagekit.cli
    from imagekit import _cli_warmup

    ran = []
    steps = [("first", ran.append, 1), ("second", ran.append, 2)]
    monkeypatch.setattr(_cli_warmup, "STEPS", steps)
    assert imagekit.cli.main(["warmup", "--progress", "--jobs", "1"]) == 0
    err = capsys.readouterr().err
    assert ran == [1, 2]
    assert "imagekit warmup" in err and "2/2" in err and "step" in err


def test_warmup_jobs_must_be_a_positive_whole_number():
    r = run("warmup", "--jobs", "0")
    assert r.returncode == 2 and "--jobs" in r.stderr and "at least 1" in r.stderr
    assert "Traceback" not in r.stderr


def test_warmup_workers_save_to_numba_cache_one_at_a_time(tmp_path, monkeypatch):
    """A worker's save to numba's cache waits for the lock another process holds (here:
    another open file on the lock, which flock treats the same way), so two workers
    never read and rewrite one function's index at once."""
    import fcntl
    import threading

    from numba.core import caching

    from imagekit import _cli_warmup

    monkeypatch.setattr(caching.IndexDataCacheFile, "save", caching.IndexDataCacheFile.save)
    lock_path = str(tmp_path / "lock")
    _cli_warmup._locked_saves(lock_path)
    cache = caching.IndexDataCacheFile(str(tmp_path), "f-1", "stamp")
    holder = open(lock_path, "a")
    fcntl.flock(holder, fcntl.LOCK_EX)
    saver = threading.Thread(target=cache.save, args=(("key",), b"machine code"))
    saver.start()
    saver.join(0.3)
    assert saver.is_alive()  # waiting for the lock
    holder.close()  # releases it
    saver.join(10)
    assert not saver.is_alive()
    assert cache.load(("key",)) == b"machine code"


def test_unknown_command_exits_2_without_traceback():
    r = run("bogus")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert run().returncode == 2
