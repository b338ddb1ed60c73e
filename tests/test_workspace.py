"""Temporaries by name: each module's own buffers, per thread, reused, big ones not kept."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from imagekit import _workspace
from imagekit._workspace import KEEP_BYTES, Workspace

_ws = Workspace(__name__)


def test_every_module_that_uses_temporaries_has_its_own_workspace():
    import importlib

    modules = (
        "imagekit.filtering.strategies.direct",
        "imagekit.filtering.strategies.separable",
        "imagekit.filtering._filterbank_direct",
        "imagekit.filtering._filterbank_winograd",
        "imagekit.gradients._image_grads",
        "imagekit.gradients._kernel_grads",
    )
    for module in modules:
        importlib.import_module(module)
    owners = [w.owner for w in _workspace.workspaces()]
    for module in modules:
        assert module in owners


def test_two_modules_asking_for_one_name_in_one_call_get_distinct_memory():
    """A name belongs to its module's workspace: the same name asked of every
    module's workspace in one call, all alive at once, never overlaps."""
    test_every_module_that_uses_temporaries_has_its_own_workspace()  # all loaded
    buffers = [w.buffer("extended", (1000,), np.float64) for w in _workspace.workspaces()]
    assert len(buffers) >= 6
    for i, a in enumerate(buffers):
        for b in buffers[i + 1 :]:
            assert not np.shares_memory(a, b)


def test_a_buffer_is_reused_and_grows():
    a = _ws.buffer("rows", (10, 10), np.float64)
    assert a.shape == (10, 10) and a.dtype == np.float64 and a.flags.c_contiguous
    b = _ws.buffer("rows", (5, 4), np.float32)
    assert np.shares_memory(a, b)
    c = _ws.buffer("rows", (100, 100), np.float64)  # larger: a new buffer, then kept
    d = _ws.buffer("rows", (100, 100), np.float64)
    assert np.shares_memory(c, d) and not np.shares_memory(a, c)
    assert not np.shares_memory(c, _ws.buffer("columns", (100, 100), np.float64))


def test_big_buffers_are_not_kept():
    n = KEEP_BYTES // 8 + 1
    a = _ws.buffer("huge", (n,), np.float64)
    b = _ws.buffer("huge", (n,), np.float64)
    assert not np.shares_memory(a, b)
    del a, b
    assert "huge" not in _ws._local.__dict__


def test_threads_have_their_own_buffers():
    mine = _ws.buffer("shared-name", (64,), np.float64)
    theirs = []
    t = threading.Thread(target=lambda: theirs.append(_ws.buffer("shared-name", (64,), np.float64)))
    t.start()
    t.join()
    assert not np.shares_memory(mine, theirs[0])


@pytest.mark.parametrize("shape", [(3, 5), (KEEP_BYTES // 4 + 3,)])
def test_aligned_buffers_start_on_the_boundary(shape):
    a = _ws.buffer("aligned", shape, np.float32, align=64)
    assert a.shape == shape and a.__array_interface__["data"][0] % 64 == 0


def test_a_workspace_is_made_by_its_own_module():
    with pytest.raises(ValueError, match="Workspace"):
        Workspace("imagekit.filtering.strategies.direct")
