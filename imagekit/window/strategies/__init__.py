"""mapwindow's strategies, one module per family of algorithms (see
``imagekit.window._builtin`` for the list the registry receives)."""
