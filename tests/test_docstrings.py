"""Public docstrings stand on their own: none points at text a reader has not seen."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import imagekit

# Phrases that refer to the project's own notes rather than say what they mean.
UNSEEN = ("source discussion", "the discussion")


def _modules():
    for info in pkgutil.walk_packages(imagekit.__path__, "imagekit."):
        if info.name.endswith("__main__"):
            continue
        try:
            yield importlib.import_module(info.name)
        except ImportError:  # an optional framework (jax) that is not installed
            continue


def _docstrings(module):
    yield module.__name__, module.__doc__
    for name, obj in vars(module).items():
        if getattr(obj, "__module__", None) != module.__name__:
            continue
        if inspect.isclass(obj):
            for attr, member in vars(obj).items():
                yield f"{module.__name__}.{name}.{attr}", getattr(member, "__doc__", None)
        yield f"{module.__name__}.{name}", getattr(obj, "__doc__", None)


@pytest.mark.parametrize("module", list(_modules()), ids=lambda m: m.__name__)
def test_no_docstring_refers_to_the_source_discussion(module):
    for where, doc in _docstrings(module):
        if isinstance(doc, str):
            assert not any(p in doc.lower() for p in UNSEEN), where


def test_the_imfilter_example_says_what_it_shows():
    doc = inspect.getdoc(imagekit.imfilter)
    example = doc[doc.index("Examples") :]
    assert "offsets -2, -1 and 0" in example
