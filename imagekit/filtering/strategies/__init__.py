"""Filtering strategies: one module each, with one :class:`Strategy` object.

Each object (``direct.DIRECT``, ``separable.SEPARABLE``, ``fft.FFT``,
``iir.IIR``; filterbank's ``bank_tiles.BANK_TILES``,
``bank_winograd.BANK_WINOGRAD``, ``bank_gemm.BANK_GEMM`` and
``bank_fft.BANK_FFT``) owns its applicability (``why_not``), its cost model,
what it prepares once per plan and the loops it runs (see
``imagekit/filtering/_strategy.py``); ``_registry.BUILTIN`` lists them. The
numba loops they run are in ``imagekit/filtering/_loops``.
"""
