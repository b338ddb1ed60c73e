"""The public API is annotated (and ships py.typed): every parameter and the return."""

from __future__ import annotations

import inspect
import typing

import pytest

import imagekit
import imagekit.borders
import imagekit.filtering
import imagekit.gradients
import imagekit.io
import imagekit.kernels
import imagekit.kernels.factored
import imagekit.window

PUBLIC = [
    (module, name)
    for module in (
        imagekit,
        imagekit.filtering,
        imagekit.gradients,
        imagekit.io,
        imagekit.kernels.factored,
        imagekit.window,
    )
    for name in module.__all__
    if inspect.isfunction(getattr(module, name))
] + [(imagekit.kernels, n) for n in ("gaussian", "box", "dog", "log", "gabor", "disk", "sobel")]


@pytest.mark.parametrize(("module", "name"), PUBLIC, ids=[f"{m.__name__}.{n}" for m, n in PUBLIC])
def test_public_functions_are_annotated(module, name):
    func = getattr(module, name)
    hints = typing.get_type_hints(func)  # also: every annotation resolves
    params = [p for p in inspect.signature(func).parameters.values() if p.kind != p.VAR_KEYWORD]
    missing = [p.name for p in params if p.name not in hints]
    assert not missing, f"{name}: no annotation for {missing}"
    assert "return" in hints, f"{name}: no return annotation"
