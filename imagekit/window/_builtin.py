"""mapwindow's built-in strategies, one line each (``"module:object"``), registered
in the filtering registry when ``imagekit.window`` is imported (filtering never
imports window) and imported with the registry's own on the first plan."""

from ..filtering._registry import register_builtin

__all__: list[str] = []

register_builtin(
    "imagekit.window.strategies.minmax:MINMAX",
    "imagekit.window.strategies.select:MEDIAN9",
    "imagekit.window.strategies.select:BOX_MEDIAN",
    "imagekit.window.strategies.histogram:HISTOGRAM",
    "imagekit.window.strategies.bitselect:BITSELECT",
    "imagekit.window.strategies.select:NETWORK",
    "imagekit.window.strategies.select:SELECT",
    "imagekit.window.strategies.box:BOX",
    "imagekit.window.strategies.user:USER",
    "imagekit.window.backends.dask:WINDOW_BLOCKS",
    "imagekit.window.backends.cupy:DEVICE_NDIMAGE",
    "imagekit.window.backends.cupy:DEVICE_STACK",
)
