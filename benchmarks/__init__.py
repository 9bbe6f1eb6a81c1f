"""Benchmarks of MPEL Desk: measured and printed, never asserted (see benchmarks/README.md)."""
