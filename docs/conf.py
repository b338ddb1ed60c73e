# Sphinx configuration for imagekit's documentation.
# Build: python -m pip install -e ".[docs]" && sphinx-build -W -b html docs docs/_build/html
from __future__ import annotations

import imagekit

project = "imagekit"
author = "the imagekit developers"
release = version = imagekit.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.doctest",
    "numpydoc",
]
autosummary_generate = True
# torch and jax are optional dependencies: document their adapters without them.
autodoc_mock_imports = ["torch", "jax"]
numpydoc_show_class_members = False
numpydoc_xref_param_type = False
html_theme = "pydata_sphinx_theme"
html_static_path = ["_static"]
html_title = "imagekit"
exclude_patterns = ["_build"]
nitpicky = False
