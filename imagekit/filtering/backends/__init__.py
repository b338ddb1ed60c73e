"""Backends for array types other than NumPy's: Dask (``dask``) and the array API
(``cupy``, ``cupy_filterbank``). ``imagekit._dispatch`` picks one from the input
array's type; each is imported only when its first array arrives."""
