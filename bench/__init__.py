"""Benchmark harness (`make bench`, not part of `make test`): see bench/run.py and docs/performance.md."""
