"""Stress tests: many desks at once on the real PostgreSQL server."""
