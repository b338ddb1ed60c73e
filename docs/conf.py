# Sphinx configuration for imagekit's documentation.
# Build: python -m pip install -e ".[docs]" && sphinx-build -W -b html docs docs/_build/html
from __future__ import annotations

import matplotlib

import imagekit

matplotlib.use("Agg")  # the gallery's examples draw off-screen

project = "imagekit"
author = "the imagekit developers"
release = version = imagekit.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.doctest",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
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

# The gallery: every gallery/plot_*.py runs at build time and becomes a page
# under auto_examples/ (generated, not in git); an example that fails fails
# the build. gallery/README.rst is the gallery's index page.
sphinx_gallery_conf = {
    "examples_dirs": "../gallery",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "within_subsection_order": "FileNameSortKey",
    "image_scrapers": ("matplotlib",),
    "reset_modules": ("matplotlib",),
    "remove_config_comments": True,
    "download_all_examples": False,
}
