"""Parameter text shared by several docstrings, written once (scipy's docfiller)."""

from __future__ import annotations

import textwrap

__all__ = ["DOCS", "docfiller"]

_BORDER = """\
border : str, number or Border, optional
    How the image continues past its edges (scipy.ndimage's names):

    - ``'reflect'`` (``d c b a | a b c d | d c b a``), alias ``'symmetric'``
      (MATLAB/Julia call this one ``'symmetric'``; their ``'reflect'`` is
      our ``'mirror'``)
    - ``'mirror'`` (``d c b | a b c d | c b a``)
    - ``'nearest'`` (``a a a | a b c d | d d d``), alias ``'replicate'``
    - ``'wrap'`` (``b c d | a b c d | a b c``), alias ``'circular'``
    - ``'constant'`` (``0 0 0 | a b c d | 0 0 0``); a number ``v`` or
      ``Fill(v)`` fills with ``v``
    - ``'na'`` or ``NA()``: normalised filtering; pixels outside the image
      and NaN pixels are left out and each sum is divided by the weight
      used (for non-negative kernels such as blurs)

    Default ``'reflect'``."""

_DTYPE_POLICY = """\
The filtered image. A floating image keeps its precision whatever the
kernel's (float32 in, float32 out; float16 computes and returns
float32); complex in gives complex out, and a complex kernel makes the
result complex; bool and integer images compute in floating point and
return ``result_type(kernel, float32)``. ``dtype=`` or ``out=`` choose
another output type."""

DOCS = {"border": _BORDER, "dtype_policy": _DTYPE_POLICY}


def docfiller(func):
    """Fill ``%(name)s`` in ``func.__doc__`` with DOCS[name], matching indentation."""
    doc = func.__doc__
    if not doc:
        return func
    lines = doc.splitlines()
    filled = []
    for line in lines:
        stripped = line.lstrip()
        if stripped.startswith("%(") and stripped.endswith(")s"):
            indent = line[: len(line) - len(stripped)]
            key = stripped[2:-2]
            filled.append(textwrap.indent(DOCS[key], indent))
        else:
            filled.append(line)
    func.__doc__ = "\n".join(filled)
    return func
