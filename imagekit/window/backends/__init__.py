"""mapwindow's backends for array types other than NumPy's: Dask (``dask``) and the
array API (``cupy``, with ``cupyx.scipy.ndimage`` on CuPy arrays).
``imagekit._dispatch`` picks one from the input array's type; each is imported
only when its first array arrives (or the registry loads its strategies)."""
