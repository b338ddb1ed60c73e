"""numba's cache never runs stale loops: editing any loop module recompiles its callers.

numba keys a cached function on its own file only; a cached loop holds the
machine code of the functions it calls from other files. These tests edit a
callee in another module of a copy of the package and see the change in a
fresh process, wherever the cache lives (beside the source, in
``NUMBA_CACHE_DIR``, or in numba's user-wide directory when the install is
read-only).
"""

from __future__ import annotations

import importlib
import os
import pathlib
import re
import shutil
import subprocess
import sys

import numba
import pytest

import imagekit
from imagekit.filtering._loops import _cache

PACKAGE = pathlib.Path(imagekit.__file__).parent

# A tiny cached loop in the copy, calling a shared primitive of another module:
# it compiles in a fraction of a second, where a real filter takes seconds.
PROBE = """
from numba import njit

from .primitives import edge_col


@njit(cache=True)
def probe(t):
    return edge_col(t, 2, 7)
"""

RUN_PROBE = (
    "from imagekit.filtering._loops.probe import probe; "
    "print(probe(5), probe.stats.cache_hits.get(probe.signatures[0], 0))"
)


def _copy_package(tmp_path: pathlib.Path) -> pathlib.Path:
    root = tmp_path / "site"
    shutil.copytree(PACKAGE, root / "imagekit", ignore=shutil.ignore_patterns("__pycache__"))
    (root / "imagekit" / "filtering" / "_loops" / "probe.py").write_text(PROBE)
    return root


def _run(root: pathlib.Path, env_extra: dict, code: str = RUN_PROBE) -> tuple[int, int]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NUMBA_CACHE")}
    env.update(PYTHONPATH=str(root), **env_extra)
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=root, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    value, hits = done.stdout.split()
    return int(value), int(hits)


def _edit_primitive(root: pathlib.Path) -> None:
    path = root / "imagekit" / "filtering" / "_loops" / "primitives.py"
    text = path.read_text()
    old = "return t if t < o0 else t + o1 - o0"
    assert old in text
    path.write_text(text.replace(old, "return t if t < o0 else t + o1 - o0 + 1000"))


@pytest.mark.parametrize("where", ["beside the source", "NUMBA_CACHE_DIR", "read-only install"])
def test_editing_a_callee_in_another_module_recompiles_its_caller(tmp_path, where):
    root = _copy_package(tmp_path)
    env = {"XDG_CACHE_HOME": str(tmp_path / "user-cache")}
    cache = root / "imagekit" / "filtering" / "_loops" / "__pycache__"
    if where == "NUMBA_CACHE_DIR":
        env["NUMBA_CACHE_DIR"] = str(tmp_path / "numba-cache")
        cache = tmp_path / "numba-cache"
    elif where == "read-only install":
        # no __pycache__ can be made beside the sources (a file stands in its place,
        # which stops root too): numba falls back to its user-wide directory
        for loops in ("filtering", "gradients"):
            (root / "imagekit" / loops / "_loops" / "__pycache__").write_text("")
        cache = tmp_path / "user-cache" / "numba"

    assert _run(root, env) == (5 + 7 - 2, 0)  # compiled, and saved
    assert list(cache.rglob("probe.probe-*.nbi")), "nothing was cached"
    assert _run(root, env) == (10, 1)  # a fresh process loads it from the cache
    _edit_primitive(root)
    assert _run(root, env) == (1010, 0)  # the callee's edit is seen: recompiled
    if where == "beside the source":
        (root / "imagekit" / "gradients" / "_loops" / "extra.py").write_text("X = 1\n")
        assert _run(root, env) == (1010, 0)  # a module added: all recompile


def _numba_modules():
    """Every imagekit module whose source uses numba's compiler (decorators, intrinsics)."""
    pattern = re.compile(r"^@(numba\.)?(njit|jit|intrinsic|vectorize|guvectorize|cfunc)\b", re.M)
    for path in sorted(PACKAGE.rglob("*.py")):
        if pattern.search(path.read_text()):
            name = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
            yield path, importlib.import_module(name)


def _jitted(module):
    return [v for v in vars(module).values() if isinstance(v, numba.core.dispatcher.Dispatcher)]


def test_every_cached_loop_uses_the_loops_locator():
    dirs = {pathlib.Path(d) for d in _cache.LOOP_DIRS}
    checked = 0
    for path, module in _numba_modules():
        if path.parent not in dirs:
            continue
        for f in _jitted(module):
            if getattr(f._cache, "_impl", None) is not None:  # not numba's NullCache
                assert isinstance(f._cache._impl.locator, _cache.LoopsCacheLocator), f
                checked += 1
    assert checked > 10


def test_numba_code_elsewhere_calls_only_its_own_module():
    """The loop packages share one source stamp. A module elsewhere (the compat
    layer's) is cached against its own file alone, which is exact only while its
    jitted functions call no jitted function of another module."""
    dirs = {pathlib.Path(d) for d in _cache.LOOP_DIRS}
    for path, module in _numba_modules():
        if path.parent in dirs:
            continue
        for f in _jitted(module):
            for name in f.py_func.__code__.co_names:
                callee = vars(module).get(name)
                if isinstance(callee, numba.core.dispatcher.Dispatcher):
                    assert callee.py_func.__module__ == module.__name__, (f, callee)
                else:  # an intrinsic or overload would be compiled into the caller too
                    assert not isinstance(callee, numba.extending._Intrinsic), (f, callee)
