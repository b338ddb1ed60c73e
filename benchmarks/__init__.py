"""``python -m benchmarks`` from a source checkout: an alias of :mod:`imagekit.benchmarks`.

The suite ships inside the package (``imagekit bench`` runs it after ``pip
install``); this folder only makes its modules importable under their old
names as well (``python -m benchmarks.gpu``, ``.memory``, ``.fit_costs``).
A module placed here is still found first.
"""

import imagekit.benchmarks as _suite

__path__ = [*__path__, *_suite.__path__]
