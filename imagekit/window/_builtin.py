"""mapwindow's built-in strategies, one line each (``(operation, "module:object")``),
registered in the filtering registry when ``imagekit.window`` is imported
(filtering never imports window) and imported on the first plan of their
operation."""

from ..filtering._registry import register_builtin

__all__: list[str] = []

register_builtin(
    ("mapwindow", "imagekit.window.strategies.minmax:MINMAX"),
    ("mapwindow", "imagekit.window.strategies.select:MEDIAN9"),
    ("mapwindow", "imagekit.window.strategies.select:BOX_MEDIAN"),
    ("mapwindow", "imagekit.window.strategies.histogram:HISTOGRAM"),
    ("mapwindow", "imagekit.window.strategies.bitselect:BITSELECT"),
    ("mapwindow", "imagekit.window.strategies.select:NETWORK"),
    ("mapwindow", "imagekit.window.strategies.select:SELECT"),
    ("mapwindow", "imagekit.window.strategies.stack:STACK"),
    ("mapwindow", "imagekit.window.strategies.box:BOX"),
    ("mapwindow", "imagekit.window.strategies.user:USER"),
    ("mapwindow-dask", "imagekit.window.backends.dask:WINDOW_BLOCKS"),
    ("mapwindow-device", "imagekit.window.backends.cupy:DEVICE_NDIMAGE"),
    ("mapwindow-device", "imagekit.window.backends.cupy:DEVICE_STACK"),
)
