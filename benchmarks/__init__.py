"""Benchmarks: the same workloads run on this engine, micrograd, PyTorch and plain floats.

Run everything with ``python -m benchmarks.run`` (``--quick`` for a smoke test under a minute).
See ``benchmarks/README.md`` for what is measured and ``benchmarks/RESULTS.md`` for the figures.
"""
