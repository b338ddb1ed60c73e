"""The GPU tests' skip reason says whether CuPy is missing or no device answers."""

from __future__ import annotations

import sys

from tests.conftest import cuda_missing


class _FakeCupy:
    def __init__(self, answer):
        self.answer = answer

    def is_available(self):
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def test_the_reason_says_cupy_is_not_installed(monkeypatch):
    monkeypatch.setitem(sys.modules, "cupy", None)  # import cupy raises ImportError
    reason = cuda_missing()
    assert reason.startswith("CuPy is not installed") and "is_available" not in reason
    assert 'pip install "imagekit[gpu]"' in reason


def test_the_reason_says_no_device_answers(monkeypatch):
    monkeypatch.setitem(sys.modules, "cupy", _FakeCupy(False))
    assert cuda_missing() == (
        "CuPy is installed, but no CUDA device answers (cupy.is_available() is False)"
    )
    monkeypatch.setitem(sys.modules, "cupy", _FakeCupy(RuntimeError("driver too old")))
    assert "cannot reach CUDA (RuntimeError: driver too old)" in cuda_missing()
    monkeypatch.setitem(sys.modules, "cupy", _FakeCupy(True))
    assert cuda_missing() is None
