"""Test helpers shared by the test suite (not test modules themselves)."""
