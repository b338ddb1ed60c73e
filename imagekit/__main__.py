"""``python -m imagekit`` runs the ``imagekit`` command."""

from .cli import main

raise SystemExit(main())
