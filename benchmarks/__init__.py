"""Benchmarks of imagekit against its peers (run `python -m benchmarks`)."""
